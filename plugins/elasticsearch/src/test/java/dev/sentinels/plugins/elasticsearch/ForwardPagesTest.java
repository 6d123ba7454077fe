package dev.sentinels.plugins.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch._types.FieldValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The read-ahead of a job's lines: pages come in order and end at a short page, the next page's
 * {@code search_after} is the previous page's last sort values read from its bytes (a message that
 * looks like a sort key cannot fool it), reading stays a bounded number of pages ahead, and a
 * failure reaches the reader.
 */
class ForwardPagesTest {

  /** A response as Elasticsearch writes it under our filter_path, with hits {@code from..to-1}. */
  private static byte[] page(int from, int to) {
    StringBuilder json = new StringBuilder("{\"pit_id\":\"abc\",\"hits\":{\"hits\":[");
    for (int i = from; i < to; i++) {
      if (i > from) {
        json.append(',');
      }
      json.append("{\"_source\":{\"@timestamp\":\"2026-12-03T10:00:00Z\",\"message\":")
          .append("\"x\\\"sort\\\":[9,9] ")
          .append(i)
          .append("\",\"log\":{\"offset\":")
          .append(i * 10)
          .append("}},\"sort\":[")
          .append(1_000_000_000L + i)
          .append(',')
          .append(i * 10)
          .append(",")
          .append(i)
          .append("]}");
    }
    return json.append("]}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static List<Object> values(List<FieldValue> sort) {
    return sort.stream().map(FieldValue::_get).toList();
  }

  @Test
  void countsHitsAndReadsTheLastSortValuesWithoutTheTiebreaker() {
    byte[] body = page(0, 3);
    assertEquals(3, ForwardPages.count(body));
    assertEquals(List.<Object>of(1_000_000_002L, 20L), values(ForwardPages.lastSort(body)));
    assertEquals(0, ForwardPages.count("{\"pit_id\":\"abc\"}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void pagesComeInOrderEachAfterTheLastAndEndAtAShortPage() throws Exception {
    int total = 25;
    List<List<FieldValue>> asked = Collections.synchronizedList(new ArrayList<>());
    ForwardPages.Fetch fetch =
        (after, size) -> {
          asked.add(after);
          int from = after == null ? 0 : (int) (after.get(0).longValue() - 1_000_000_000L) + 1;
          return page(from, Math.min(total, from + size));
        };
    List<Integer> sizes = new ArrayList<>();
    try (ForwardPages pages = new ForwardPages(fetch, null, 5, 10)) {
      for (ForwardPages.Page p = pages.next(); p != null; p = pages.next()) {
        sizes.add(p.hits());
      }
      assertNull(pages.next());
      assertEquals(List.<Object>of(1_000_000_024L, 240L), values(pages.cursor()));
    }
    assertEquals(List.of(5, 10, 10), sizes);
    assertNull(asked.get(0));
    assertEquals(List.<Object>of(1_000_000_004L, 40L), values(asked.get(1)));
  }

  @Test
  void readsABoundedNumberOfPagesAhead() throws Exception {
    AtomicInteger fetched = new AtomicInteger();
    ForwardPages.Fetch endless =
        (after, size) -> {
          fetched.incrementAndGet();
          return page(0, size);
        };
    try (ForwardPages pages = new ForwardPages(endless, null, 10, 10)) {
      pages.next();
      Thread.sleep(300); // time for a reader that does not stop to run far ahead
      // one handed out, two waiting, and one fetched that waits for room
      assertTrue(fetched.get() <= 4, fetched.get() + " pages fetched for one read");
    }
  }

  @Test
  void aFailedFetchReachesTheReader() throws Exception {
    ForwardPages.Fetch failing =
        (after, size) -> {
          if (after != null) {
            throw new IllegalStateException("Elasticsearch answered 503");
          }
          return page(0, size);
        };
    try (ForwardPages pages = new ForwardPages(failing, null, 10, 10)) {
      Exception e =
          assertThrows(
              Exception.class,
              () -> {
                while (pages.next() != null) {
                  // read until the failure
                }
              });
      assertEquals("Elasticsearch answered 503", e.getMessage());
    }
  }
}
