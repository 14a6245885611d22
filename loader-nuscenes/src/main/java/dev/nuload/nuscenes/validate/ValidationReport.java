package dev.nuload.nuscenes.validate;

import dev.nuload.nuscenes.table.Problem;
import dev.nuload.nuscenes.table.ProblemSink;
import dev.nuload.nuscenes.table.Severity;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects problems, keeping at most {@code maxPerKind} of each kind ({@link Problem#kind()}) and
 * counting the rest, so a badly broken trainval cannot print millions of lines. Thread-safe.
 */
public final class ValidationReport implements ProblemSink {
  private final int maxPerKind;
  private final Map<String, List<Problem>> kept = new TreeMap<>();
  private final Map<String, Integer> counts = new TreeMap<>();
  private long errors;
  private long warnings;

  /**
   * Creates an empty report.
   *
   * @param maxPerKind how many problems of one kind to keep and print (at least 1).
   */
  public ValidationReport(int maxPerKind) {
    if (maxPerKind < 1) {
      throw new IllegalArgumentException("maxPerKind must be >= 1: " + maxPerKind);
    }
    this.maxPerKind = maxPerKind;
  }

  @Override
  public synchronized void report(Problem problem) {
    if (problem.severity() == Severity.ERROR) {
      errors++;
    } else {
      warnings++;
    }
    String kind = problem.kind();
    int n = counts.merge(kind, 1, Integer::sum);
    if (n <= maxPerKind) {
      kept.computeIfAbsent(kind, k -> new ArrayList<>()).add(problem);
    }
  }

  /**
   * Returns the number of errors reported (including those not kept).
   *
   * @return the error count.
   */
  public synchronized long errors() {
    return errors;
  }

  /**
   * Returns the number of warnings reported (including those not kept).
   *
   * @return the warning count.
   */
  public synchronized long warnings() {
    return warnings;
  }

  /**
   * Returns the kept problems, errors first, grouped by kind in name order.
   *
   * @return a snapshot.
   */
  public synchronized List<Problem> problems() {
    List<Problem> out = new ArrayList<>();
    for (List<Problem> l : kept.values()) {
      out.addAll(l);
    }
    return out;
  }

  /**
   * Returns how many problems of one kind were reported.
   *
   * @param kind for example {@code ERROR sample_data.prev}.
   * @return the count, kept or not.
   */
  public synchronized int count(String kind) {
    return counts.getOrDefault(kind, 0);
  }

  /**
   * Prints one line per kept problem, an "... and N more" line per capped kind.
   *
   * @param out where to print.
   */
  public synchronized void print(PrintWriter out) {
    for (Map.Entry<String, List<Problem>> e : kept.entrySet()) {
      for (Problem p : e.getValue()) {
        out.println(p.line());
      }
      int more = counts.get(e.getKey()) - e.getValue().size();
      if (more > 0) {
        out.println(e.getKey() + ": ... and " + more + " more");
      }
    }
  }
}
