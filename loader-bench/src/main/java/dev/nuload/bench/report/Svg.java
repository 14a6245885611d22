package dev.nuload.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/** Small helpers for writing SVG text: escaping, number formatting, tick steps, atomic files. */
final class Svg {
  /** Fill colour per series kind, the same in every chart. */
  static String colour(Kind kind) {
    return switch (kind) {
      case NULOAD -> "#1f6fb4";
      case BASELINE -> "#e07b1a";
      case LIMIT -> "#8c8c8c";
    };
  }

  private Svg() {}

  /** Starts a document: the root element, a white background and the title line. */
  static void open(StringBuilder s, int width, int height, String title) {
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" font-family=\"sans-serif\" font-size=\"13\">\n");
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append("<text x=\"12\" y=\"24\" font-size=\"16\" font-weight=\"bold\">")
        .append(esc(title))
        .append("</text>\n");
  }

  /** One legend entry: a colour square and its text. */
  static void legendEntry(StringBuilder s, int x, int y, String colour, String text) {
    s.append("<rect class=\"legend\" x=\"")
        .append(x)
        .append("\" y=\"")
        .append(y)
        .append("\" width=\"12\" height=\"12\" fill=\"")
        .append(colour)
        .append("\"/>\n");
    s.append("<text x=\"")
        .append(x + 18)
        .append("\" y=\"")
        .append(y + 11)
        .append("\">")
        .append(esc(text))
        .append("</text>\n");
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  static String num(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** A value label with 3 significant digits. */
  static String label(double v) {
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** A "nice" tick step (1, 2 or 5 times a power of ten) giving about {@code ticks} ticks. */
  static double step(double max, int ticks) {
    if (!(max > 0) || Double.isInfinite(max)) {
      return 1;
    }
    double raw = max / ticks;
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    double m = raw / p;
    double nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
    return nice * p;
  }

  /** Writes the text to a temporary file and renames it over {@code file}. */
  static void writeAtomically(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
