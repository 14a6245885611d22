package dev.nuload.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ChartsTest {
  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> byClass(Document d, String tag, String cls) {
    NodeList all = d.getElementsByTagName(tag);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < all.getLength(); i++) {
      Element e = (Element) all.item(i);
      if (cls.equals(e.getAttribute("class"))) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void shouldDrawOneBarPerMeasurementWithWidthProportionalToItsValue() throws Exception {
    String svg =
        BarChart.svg(
            "infos",
            "wall seconds",
            List.of(
                new BarChart.Bar("nuload", Kind.NULOAD, 0.5, 0.4, 0.6),
                new BarChart.Bar("numpy", Kind.BASELINE, 8.0, 7.5, 9.0),
                new BarChart.Bar("limit", Kind.LIMIT, 0.25, Double.NaN, Double.NaN)));
    List<Element> bars = byClass(parse(svg), "rect", "bar");
    assertEquals(3, bars.size());
    double w0 = Double.parseDouble(bars.get(0).getAttribute("width"));
    double w1 = Double.parseDouble(bars.get(1).getAttribute("width"));
    double w2 = Double.parseDouble(bars.get(2).getAttribute("width"));
    assertEquals(16.0, w1 / w0, 0.05);
    assertEquals(0.5, w2 / w0, 0.01);
    assertEquals("baseline", bars.get(1).getAttribute("data-kind"));
  }

  @Test
  void shouldDrawWhiskersOnlyForBarsWithASpread() throws Exception {
    String svg =
        BarChart.svg(
            "t",
            "s",
            List.of(
                new BarChart.Bar("a", Kind.NULOAD, 1, 0.5, 1.5),
                new BarChart.Bar("b", Kind.LIMIT, 1, Double.NaN, Double.NaN)));
    assertEquals(1, byClass(parse(svg), "path", "whisker").size());
  }

  @Test
  void shouldKeepTheLongestWhiskerInsideThePlot() throws Exception {
    String svg = BarChart.svg("t", "s", List.of(new BarChart.Bar("a", Kind.NULOAD, 1, 0.9, 7.3)));
    Element grid = byClass(parse(svg), "line", "grid").getLast();
    double lastTick = Double.parseDouble(grid.getAttribute("x1"));
    double whiskerEnd = BarChart.LABEL_WIDTH + 7.3 / 8.0 * BarChart.PLOT_WIDTH;
    assertTrue(lastTick >= whiskerEnd, "axis ends at " + lastTick + ", whisker at " + whiskerEnd);
  }

  @Test
  void shouldEscapeMarkupInLabels() throws Exception {
    String svg =
        BarChart.svg(
            "pigz -dc x.tgz | tar -x <&>",
            "MB/s",
            List.of(new BarChart.Bar("\"tar\" & <pigz>", Kind.BASELINE, 3, 2, 4)));
    Document d = parse(svg);
    assertTrue(d.getDocumentElement().getTextContent().contains("\"tar\" & <pigz>"));
  }

  @Test
  void shouldRefuseANegativeOrNonFiniteBar() {
    assertThrows(
        IllegalArgumentException.class, () -> new BarChart.Bar("a", Kind.NULOAD, -1, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new BarChart.Bar("a", Kind.NULOAD, Double.NaN, 0, 0));
  }

  @Test
  void shouldDrawOnePolylineWithOnePointPerSetting() throws Exception {
    String svg =
        LineChart.svg(
            "serve",
            "workers",
            "samples/s",
            List.of(
                new LineChart.Series(
                    "nuload", Kind.NULOAD, new double[] {1, 2, 4}, new double[] {10, 19, 30}),
                new LineChart.Series(
                    "DataLoader", Kind.BASELINE, new double[] {1, 2}, new double[] {3, 5})));
    Document d = parse(svg);
    List<Element> lines = byClass(d, "polyline", "series");
    assertEquals(2, lines.size());
    assertEquals(3, lines.get(0).getAttribute("points").split(" ").length);
    assertEquals(5, byClass(d, "circle", "point").size());
  }

  @Test
  void shouldPlaceHigherThroughputHigherOnTheChart() throws Exception {
    String svg =
        LineChart.svg(
            "t",
            "x",
            "y",
            List.of(
                new LineChart.Series(
                    "a", Kind.NULOAD, new double[] {1, 2}, new double[] {10, 20})));
    String[] pts =
        byClass(parse(svg), "polyline", "series").getFirst().getAttribute("points").split(" ");
    double y1 = Double.parseDouble(pts[0].split(",")[1]);
    double y2 = Double.parseDouble(pts[1].split(",")[1]);
    assertTrue(y2 < y1, "SVG y grows downwards: 20 must be above 10");
  }

  @Test
  void shouldSkipMissingMeasurementsInALine() throws Exception {
    String svg =
        LineChart.svg(
            "t",
            "x",
            "y",
            List.of(
                new LineChart.Series(
                    "a", Kind.NULOAD, new double[] {1, 2, 3}, new double[] {1, Double.NaN, 3})));
    assertEquals(2, byClass(parse(svg), "circle", "point").size());
  }

  @Test
  void shouldWriteTheChartFileAtomically(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("infos.svg");
    BarChart.write(f, "t", "s", List.of(new BarChart.Bar("a", Kind.NULOAD, 1, 1, 1)));
    assertTrue(Files.readString(f).startsWith("<svg"));
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary file left next to the chart");
    }
  }
}
