package dev.sentinels.cli.command;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A kubectl-style table: upper-case headers, columns padded to their widest cell, 3 spaces apart.
 */
public final class Table {

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

  private static void line(StringBuilder text, List<String> cells, int[] widths) {
    int start = text.length();
    for (int i = 0; i < cells.size(); i++) {
      text.append(cells.get(i));
      if (i < cells.size() - 1) {
        text.append(" ".repeat(widths[i] - cells.get(i).length() + 3));
      }
    }
    // Trailing blanks help nobody.
    while (text.length() > start && text.charAt(text.length() - 1) == ' ') {
      text.setLength(text.length() - 1);
    }
    text.append('\n');
  }
}
