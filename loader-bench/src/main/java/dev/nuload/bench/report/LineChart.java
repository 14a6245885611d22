package dev.nuload.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Throughput against a setting (typically worker count): one polyline with point markers per
 * series, colours by {@link Kind}. Used for the stages measured at several worker counts (decode,
 * serve).
 */
public final class LineChart {
  static final int WIDTH = 720;
  static final int HEIGHT = 420;
  static final int LEFT = 70;
  static final int TOP = 50;
  static final int PLOT_WIDTH = 600;
  static final int PLOT_HEIGHT = 280;

  /**
   * One series.
   *
   * @param name the legend text of this line.
   * @param kind nuload, baseline or limit (the colour).
   * @param x the settings, ascending.
   * @param y the measured values, one per setting.
   */
  public record Series(String name, Kind kind, double[] x, double[] y) {
    /** Checks the fields. */
    public Series {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      if (x.length != y.length || x.length == 0) {
        throw new IllegalArgumentException(
            "series '" + name + "' needs as many y as x values, at least one");
      }
    }
  }

  private LineChart() {}

  /**
   * Renders the chart.
   *
   * @param title the title line.
   * @param xAxis the x caption (for example "decode workers").
   * @param yAxis the y caption with unit (for example "samples/s").
   * @param series the lines.
   * @return the SVG document.
   */
  public static String svg(String title, String xAxis, String yAxis, List<Series> series) {
    if (series.isEmpty()) {
      throw new IllegalArgumentException("a line chart needs at least one series");
    }
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMax = 0;
    for (Series se : series) {
      for (int i = 0; i < se.x().length; i++) {
        xMin = Math.min(xMin, se.x()[i]);
        xMax = Math.max(xMax, se.x()[i]);
        if (Double.isFinite(se.y()[i])) {
          yMax = Math.max(yMax, se.y()[i]);
        }
      }
    }
    if (xMax == xMin) {
      xMin -= 1;
      xMax += 1;
    }
    double yStep = Svg.step(yMax, 5);
    double yScale = Math.max(yStep, Math.ceil(yMax / yStep) * yStep);
    StringBuilder s = new StringBuilder();
    Svg.open(s, WIDTH, HEIGHT, title);
    int bottom = TOP + PLOT_HEIGHT;
    for (double t = 0; t <= yScale + yStep / 2; t += yStep) {
      double y = bottom - t / yScale * PLOT_HEIGHT;
      s.append("<line class=\"grid\" x1=\"")
          .append(LEFT)
          .append("\" y1=\"")
          .append(Svg.num(y))
          .append("\" x2=\"")
          .append(LEFT + PLOT_WIDTH)
          .append("\" y2=\"")
          .append(Svg.num(y))
          .append("\" stroke=\"#dddddd\"/>\n");
      s.append("<text x=\"")
          .append(LEFT - 6)
          .append("\" y=\"")
          .append(Svg.num(y + 4))
          .append("\" text-anchor=\"end\" fill=\"#555555\">")
          .append(Svg.label(t))
          .append("</text>\n");
    }
    double xs = xMax - xMin;
    for (Series se : series) {
      for (double xv : se.x()) {
        double x = LEFT + (xv - xMin) / xs * PLOT_WIDTH;
        s.append("<text x=\"")
            .append(Svg.num(x))
            .append("\" y=\"")
            .append(bottom + 16)
            .append("\" text-anchor=\"middle\" fill=\"#555555\">")
            .append(Svg.label(xv))
            .append("</text>\n");
      }
    }
    s.append("<text x=\"")
        .append(LEFT + PLOT_WIDTH / 2)
        .append("\" y=\"")
        .append(bottom + 36)
        .append("\" text-anchor=\"middle\">")
        .append(Svg.esc(xAxis))
        .append("</text>\n");
    s.append("<text transform=\"translate(16 ")
        .append(TOP + PLOT_HEIGHT / 2)
        .append(") rotate(-90)\" text-anchor=\"middle\">")
        .append(Svg.esc(yAxis))
        .append("</text>\n");
    int legendY = bottom + 56;
    int legendX = 12;
    for (Series se : series) {
      String colour = Svg.colour(se.kind());
      StringBuilder pts = new StringBuilder();
      StringBuilder marks = new StringBuilder();
      for (int i = 0; i < se.x().length; i++) {
        if (!Double.isFinite(se.y()[i])) {
          continue;
        }
        double x = LEFT + (se.x()[i] - xMin) / xs * PLOT_WIDTH;
        double y = bottom - se.y()[i] / yScale * PLOT_HEIGHT;
        if (!pts.isEmpty()) {
          pts.append(' ');
        }
        pts.append(Svg.num(x)).append(',').append(Svg.num(y));
        marks
            .append("<circle class=\"point\" cx=\"")
            .append(Svg.num(x))
            .append("\" cy=\"")
            .append(Svg.num(y))
            .append("\" r=\"4\" fill=\"")
            .append(colour)
            .append("\"><title>")
            .append(Svg.esc(se.name()))
            .append(": ")
            .append(Svg.label(se.y()[i]))
            .append("</title></circle>\n");
      }
      s.append("<polyline class=\"series\" data-name=\"")
          .append(Svg.esc(se.name()))
          .append("\" points=\"")
          .append(pts)
          .append("\" fill=\"none\" stroke=\"")
          .append(colour)
          .append("\" stroke-width=\"2\"")
          .append(se.kind() == Kind.LIMIT ? " stroke-dasharray=\"6 4\"" : "")
          .append("/>\n");
      s.append(marks);
      Svg.legendEntry(s, legendX, legendY, colour, se.name());
      legendX += 18 + 8 * se.name().length() + 24;
    }
    s.append("</svg>\n");
    return s.toString();
  }

  /**
   * Renders the chart and writes it atomically.
   *
   * @param file the {@code .svg} file.
   * @param title the title line.
   * @param xAxis the x caption.
   * @param yAxis the y caption.
   * @param series the lines.
   * @throws IOException if the file cannot be written.
   */
  public static void write(Path file, String title, String xAxis, String yAxis, List<Series> series)
      throws IOException {
    Svg.writeAtomically(file, svg(title, xAxis, yAxis, series));
  }
}
