package dev.nuload.bench.report;

/** What a bar or line stands for; decides its colour and legend entry. */
public enum Kind {
  /** nuload's own implementation. */
  NULOAD("nuload"),
  /** The tool people use today. */
  BASELINE("baseline"),
  /** The machine's limit (for example a decode-only loop or a raw copy). */
  LIMIT("limit");

  private final String legend;

  Kind(String legend) {
    this.legend = legend;
  }

  /**
   * Returns the legend text.
   *
   * @return the legend text.
   */
  public String legend() {
    return legend;
  }
}
