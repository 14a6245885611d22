package dev.nuload.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * A horizontal bar chart: one bar per measured configuration (median), a whisker from min to max,
 * the value printed at the bar's end, colours by {@link Kind}. Used for stages measured at one
 * setting (infos, extract).
 *
 * <pre>{@code
 * BarChart.write(out.resolve("infos.svg"), "infos: 393 samples", "wall seconds (lower is better)",
 *     List.of(new BarChart.Bar("nuload infos", Kind.NULOAD, 0.64, 0.61, 0.66),
 *             new BarChart.Bar("numpy converter", Kind.BASELINE, 8.96, 8.29, 9.62)));
 * }</pre>
 */
public final class BarChart {
  static final int WIDTH = 720;
  static final int LABEL_WIDTH = 230;
  static final int PLOT_WIDTH = 400;
  static final int BAR_HEIGHT = 26;
  static final int BAR_GAP = 12;
  static final int TOP = 56;

  /**
   * One bar.
   *
   * @param label what was measured.
   * @param kind nuload, baseline or limit.
   * @param value the median.
   * @param min the smallest run (whisker start); NaN for none.
   * @param max the largest run (whisker end); NaN for none.
   */
  public record Bar(String label, Kind kind, double value, double min, double max) {
    /** Checks the fields. */
    public Bar {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(kind, "kind");
      if (!(value >= 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("bar '" + label + "' has value " + value);
      }
    }
  }

  private BarChart() {}

  /**
   * Renders the chart.
   *
   * @param title the title line.
   * @param axis the value axis caption, with its unit and direction.
   * @param bars the bars, top to bottom.
   * @return the SVG document.
   */
  public static String svg(String title, String axis, List<Bar> bars) {
    if (bars.isEmpty()) {
      throw new IllegalArgumentException("a bar chart needs at least one bar");
    }
    double top = 0;
    for (Bar b : bars) {
      top = Math.max(top, Double.isNaN(b.max()) ? b.value() : Math.max(b.value(), b.max()));
    }
    double step = Svg.step(top, 5);
    double scaleMax = Math.max(step, Math.ceil(top / step) * step);
    int plotHeight = bars.size() * (BAR_HEIGHT + BAR_GAP);
    int height = TOP + plotHeight + 70;
    StringBuilder s = new StringBuilder();
    Svg.open(s, WIDTH, height, title);
    // grid and ticks
    for (double t = 0; t <= scaleMax + step / 2; t += step) {
      double x = LABEL_WIDTH + t / scaleMax * PLOT_WIDTH;
      s.append("<line class=\"grid\" x1=\"")
          .append(Svg.num(x))
          .append("\" y1=\"")
          .append(TOP - 6)
          .append("\" x2=\"")
          .append(Svg.num(x))
          .append("\" y2=\"")
          .append(TOP + plotHeight)
          .append("\" stroke=\"#dddddd\"/>\n");
      s.append("<text x=\"")
          .append(Svg.num(x))
          .append("\" y=\"")
          .append(TOP + plotHeight + 16)
          .append("\" text-anchor=\"middle\" fill=\"#555555\">")
          .append(Svg.label(t))
          .append("</text>\n");
    }
    s.append("<text x=\"")
        .append(LABEL_WIDTH + PLOT_WIDTH / 2)
        .append("\" y=\"")
        .append(TOP + plotHeight + 36)
        .append("\" text-anchor=\"middle\">")
        .append(Svg.esc(axis))
        .append("</text>\n");
    int y = TOP;
    EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
    for (Bar b : bars) {
      kinds.add(b.kind());
      double w = b.value() / scaleMax * PLOT_WIDTH;
      s.append("<text x=\"")
          .append(LABEL_WIDTH - 8)
          .append("\" y=\"")
          .append(y + BAR_HEIGHT / 2 + 5)
          .append("\" text-anchor=\"end\">")
          .append(Svg.esc(b.label()))
          .append("</text>\n");
      s.append("<rect class=\"bar\" data-kind=\"")
          .append(b.kind().legend())
          .append("\" data-value=\"")
          .append(b.value())
          .append("\" x=\"")
          .append(LABEL_WIDTH)
          .append("\" y=\"")
          .append(y)
          .append("\" width=\"")
          .append(Svg.num(w))
          .append("\" height=\"")
          .append(BAR_HEIGHT)
          .append("\" fill=\"")
          .append(Svg.colour(b.kind()))
          .append("\"/>\n");
      if (!Double.isNaN(b.min()) && !Double.isNaN(b.max())) {
        double x1 = LABEL_WIDTH + b.min() / scaleMax * PLOT_WIDTH;
        double x2 = LABEL_WIDTH + b.max() / scaleMax * PLOT_WIDTH;
        double cy = y + BAR_HEIGHT / 2.0;
        s.append("<path class=\"whisker\" d=\"M")
            .append(Svg.num(x1))
            .append(' ')
            .append(Svg.num(cy))
            .append(" H")
            .append(Svg.num(x2))
            .append(" M")
            .append(Svg.num(x1))
            .append(' ')
            .append(Svg.num(cy - 6))
            .append(" V")
            .append(Svg.num(cy + 6))
            .append(" M")
            .append(Svg.num(x2))
            .append(' ')
            .append(Svg.num(cy - 6))
            .append(" V")
            .append(Svg.num(cy + 6))
            .append("\" stroke=\"black\" fill=\"none\"/>\n");
      }
      double labelX =
          LABEL_WIDTH + Math.max(w, Double.isNaN(b.max()) ? 0 : b.max() / scaleMax * PLOT_WIDTH);
      s.append("<text x=\"")
          .append(Svg.num(labelX + 6))
          .append("\" y=\"")
          .append(y + BAR_HEIGHT / 2 + 5)
          .append("\">")
          .append(Svg.label(b.value()))
          .append("</text>\n");
      y += BAR_HEIGHT + BAR_GAP;
    }
    legend(s, kinds, TOP + plotHeight + 52);
    s.append("</svg>\n");
    return s.toString();
  }

  static void legend(StringBuilder s, EnumSet<Kind> kinds, int y) {
    int x = 12;
    for (Kind k : kinds) {
      Svg.legendEntry(s, x, y, Svg.colour(k), k.legend());
      x += 110;
    }
  }

  /**
   * Renders the chart and writes it atomically.
   *
   * @param file the {@code .svg} file.
   * @param title the title line.
   * @param axis the value axis caption.
   * @param bars the bars.
   * @throws IOException if the file cannot be written.
   */
  public static void write(Path file, String title, String axis, List<Bar> bars)
      throws IOException {
    Svg.writeAtomically(file, svg(title, axis, bars));
  }
}
