package dev.nuload.nuscenes.table;

import dev.nuload.BadDataException;

/**
 * Receives the problems found while reading or validating tables. Implementations are thread-safe.
 */
public interface ProblemSink {
  /**
   * Records a problem.
   *
   * @param problem the finding.
   * @throws BadDataException when this sink is strict and the problem is an error.
   */
  void report(Problem problem);

  /**
   * Returns a sink that throws {@link BadDataException} at the first error and ignores warnings.
   *
   * @return the strict sink used by the info builder.
   */
  static ProblemSink strict() {
    return p -> {
      if (p.severity() == Severity.ERROR) {
        throw new BadDataException(p.line());
      }
    };
  }
}
