package dev.sentinels.cli.command;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A kubectl-style table: upper-case headers, columns padded to their widest cell, 3 spaces apart.
 */
public final class Table {

  /** A terminal's width to fit tables to (the REPL's), or 0 for none. */
  private static volatile int width;

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String... headers) {
    this.headers = List.of(headers);
  }

  public Table row(Object... cells) {
    List<String> row = new ArrayList<>(cells.length);
    for (Object cell : cells) {
      row.add(cell == null || cell.toString().isEmpty() ? "<none>" : cell.toString());
    }
    rows.add(row);
    return this;
  }

  /** Fits the tables printed from now on to {@code columns} characters (0: never cut). */
  public static void fitTo(int columns) {
    width = columns;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public void print(PrintStream out, boolean withHeaders) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      // At least the header's width even without it: --watch rows then line up under the table.
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    shrinkToFit(widths);
    StringBuilder text = new StringBuilder();
    if (withHeaders) {
      line(text, headers, widths);
    }
    for (List<String> row : rows) {
      line(text, row, widths);
    }
    out.print(text);
    out.flush();
  }

  /**
   * Narrows the last column (free text in every table: a reason, a description, a link) until the
   * table fits the terminal; its cells are cut with an ellipsis. Ids and numbers stay whole.
   */
  private void shrinkToFit(int[] widths) {
    int limit = width;
    if (limit <= 0 || widths.length == 0) {
      return;
    }
    int total = (widths.length - 1) * 3;
    for (int w : widths) {
      total += w;
    }
    int last = widths.length - 1;
    int over = total - limit;
    if (over > 0) {
      widths[last] = Math.max(headers.get(last).length(), widths[last] - over);
    }
  }

  private static void line(StringBuilder text, List<String> cells, int[] widths) {
    int start = text.length();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      if (cell.length() > widths[i]) {
        cell = cell.substring(0, Math.max(0, widths[i] - 1)) + "…";
      }
      text.append(cell);
      if (i < cells.size() - 1) {
        text.append(" ".repeat(widths[i] - cell.length() + 3));
      }
    }
    // Trailing blanks help nobody.
    while (text.length() > start && text.charAt(text.length() - 1) == ' ') {
      text.setLength(text.length() - 1);
    }
    text.append('\n');
  }
}
