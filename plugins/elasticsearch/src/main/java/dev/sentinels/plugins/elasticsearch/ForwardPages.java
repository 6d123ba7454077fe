package dev.sentinels.plugins.elasticsearch;

import co.elastic.clients.elasticsearch._types.FieldValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A job's lines oldest first, as raw search responses read ahead on a thread of their own: the next
 * page is asked for as soon as a page's last sort values are known, found at the end of its bytes
 * without parsing it, so Elasticsearch answers for page N+1 while the caller parses and prints page
 * N. A long log streams at the speed of the slower side instead of their sum. At most {@link
 * #AHEAD} pages wait, so memory stays bounded however long the log is.
 */
final class ForwardPages implements AutoCloseable {

  /**
   * Reads one page as the response's bytes: the lines after {@code searchAfter} (all when null), at
   * most {@code size}.
   */
  @FunctionalInterface
  interface Fetch {
    byte[] page(List<FieldValue> searchAfter, int size) throws Exception;
  }

  /** A response, how many hits it holds and its last hit's sort values. */
  record Page(byte[] body, int hits, List<FieldValue> last) {}

  private static final int AHEAD = 2;

  private static final Page END = new Page(new byte[0], 0, List.of());

  /**
   * Precedes each hit's sort values. A message cannot hold it: inside a JSON string a quote is
   * escaped, so the raw bytes of this key occur only as keys.
   */
  private static final byte[] SORT_KEY = "\"sort\":[".getBytes(StandardCharsets.US_ASCII);

  private record Item(Page page, Exception failure) {}

  private final BlockingQueue<Item> pages = new ArrayBlockingQueue<>(AHEAD);
  private final Thread reader;
  private volatile List<FieldValue> cursor;
  private boolean ended;

  /**
   * @param after where to start (null: the first line)
   * @param firstSize the first page's size, small so the first lines print soon
   * @param size every later page's size
   */
  ForwardPages(Fetch fetch, List<FieldValue> after, int firstSize, int size) {
    cursor = after;
    reader = new Thread(() -> readAll(fetch, after, firstSize, size), "elasticsearch-pages");
    reader.setDaemon(true);
    reader.start();
  }

  private void readAll(Fetch fetch, List<FieldValue> after, int firstSize, int size) {
    int pageSize = firstSize;
    try {
      while (true) {
        byte[] body = fetch.page(after, pageSize);
        int hits = count(body);
        if (hits > 0) {
          after = lastSort(body);
          pages.put(new Item(new Page(body, hits, after), null));
        }
        if (hits < pageSize) {
          pages.put(new Item(END, null));
          return;
        }
        pageSize = size;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closed: nobody waits for the rest
    } catch (Exception e) {
      pages.clear(); // the failure goes first; what was read ahead is dropped with it
      pages.offer(new Item(END, e));
    }
  }

  /** The next page, null at the end; throws what the read failed with. */
  Page next() throws Exception {
    if (ended) {
      return null;
    }
    Item item = pages.take();
    if (item.failure() != null || item.page() == END) {
      ended = true;
      if (item.failure() != null) {
        throw item.failure();
      }
      return null;
    }
    cursor = item.page().last();
    return item.page();
  }

  /** The sort values of the last line handed out, or where it started when none was. */
  List<FieldValue> cursor() {
    return cursor;
  }

  /** How many hits a response holds: one sort key each. */
  static int count(byte[] body) {
    int hits = 0;
    for (int at = indexOf(body, 0); at >= 0; at = indexOf(body, at + SORT_KEY.length)) {
      hits++;
    }
    return hits;
  }

  /**
   * The last hit's first two sort values ({@code @timestamp} in nanoseconds, then the offset),
   * without the point in time's {@code _shard_doc} tiebreaker.
   */
  static List<FieldValue> lastSort(byte[] body) {
    int at = lastIndexOf(body);
    if (at < 0) {
      throw new IllegalStateException("Elasticsearch answered a page without sort values");
    }
    int start = at + SORT_KEY.length;
    int end = start;
    while (end < body.length && body[end] != ']') {
      end++;
    }
    String[] values = new String(body, start, end - start, StandardCharsets.US_ASCII).split(",");
    return List.of(sortValue(values[0]), sortValue(values.length > 1 ? values[1] : "0"));
  }

  private static FieldValue sortValue(String value) {
    String text = value.trim();
    if (text.startsWith("\"")) {
      return FieldValue.of(text.substring(1, text.length() - 1));
    }
    try {
      return FieldValue.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return FieldValue.of(Double.parseDouble(text));
    }
  }

  private static int indexOf(byte[] body, int from) {
    for (int i = from; i <= body.length - SORT_KEY.length; i++) {
      if (sortKeyAt(body, i)) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] body) {
    for (int i = body.length - SORT_KEY.length; i >= 0; i--) {
      if (sortKeyAt(body, i)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean sortKeyAt(byte[] body, int at) {
    for (int j = 0; j < SORT_KEY.length; j++) {
      if (body[at + j] != SORT_KEY[j]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws InterruptedException {
    reader.interrupt();
    reader.join(5_000);
  }
}
