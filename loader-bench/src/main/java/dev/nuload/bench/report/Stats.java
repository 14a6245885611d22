package dev.nuload.bench.report;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** The summary statistics every stage reports. */
public final class Stats {
  private Stats() {}

  /**
   * Returns the median of a field over runs (the mean of the two middle values for an even count).
   *
   * @param runs the runs.
   * @param field the measured value of one run.
   * @param <T> the run type.
   * @return the median, or NaN for no runs.
   */
  public static <T> double median(List<T> runs, ToDoubleFunction<T> field) {
    double[] v = runs.stream().mapToDouble(field).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
