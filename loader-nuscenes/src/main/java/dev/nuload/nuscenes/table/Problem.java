package dev.nuload.nuscenes.table;

/**
 * One finding about a dataset: severity, where ({@code table.field} and the record token) and what.
 *
 * @param severity how bad it is.
 * @param table the table name, for example {@code sample_data}.
 * @param field the field name, or {@code "*"} for the whole table.
 * @param token the token of the record concerned, or empty when none applies.
 * @param message what is wrong, naming referenced tokens, files and positions.
 */
public record Problem(Severity severity, String table, String field, String token, String message) {

  /**
   * Returns the kind used to cap repeated output: severity, table and field.
   *
   * @return for example {@code ERROR sample_data.prev}.
   */
  public String kind() {
    return severity + " " + table + "." + field;
  }

  /**
   * Formats the problem as one output line: {@code SEVERITY table.field token=T: message}.
   *
   * @return the line without a line terminator.
   */
  public String line() {
    return kind() + (token.isEmpty() ? "" : " token=" + token) + ": " + message;
  }
}
