package dev.nuload.nuscenes.table;

import dev.nuload.nuscenes.table.Columns.Column;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One table in memory: tokens in file order and its columns by field name. */
final class ParsedTable {
  final NuScenesTable table;
  final TokenIndex tokens;
  final Map<String, Column> columns = new LinkedHashMap<>();
  final boolean present;
  int rows;

  ParsedTable(NuScenesTable table, int expectedRows, boolean present) {
    this.table = table;
    this.tokens = new TokenIndex(expectedRows);
    this.present = present;
    List<Column> cols = TableSchema.columns(table);
    for (Column c : cols) {
      c.presize(expectedRows);
      columns.put(c.name, c);
    }
  }

  @SuppressWarnings("unchecked")
  <C extends Column> C column(String name) {
    return (C) columns.get(name);
  }
}
