package dev.nuload.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ImageIO fallback in a real process without TurboJPEG: a child JVM whose {@value
 * JpegCodecs#TURBOJPEG_PATH_PROP_NAME} points at a library file that does not exist runs {@link
 * FallbackProbe} on a real nuScenes JPEG.
 */
class JpegCodecsFallbackTest {
  @TempDir static Path tmp;

  static Path missing;
  static Path jpeg;
  static String stdout;
  static List<String> stderr;
  static byte[] pixels;

  /** What a child JVM printed. */
  record Probe(String stdout, List<String> stderr) {}

  @BeforeAll
  static void runChildWithoutTurboJpeg() throws Exception {
    jpeg = ImageFixtures.keyframeJpegs().get(3);
    missing = tmp.resolve("no-such-dir").resolve("libturbojpeg.so.0");
    Path raw = tmp.resolve("pixels.bgr");
    Probe run = probe(missing, raw);
    stdout = run.stdout();
    stderr = run.stderr();
    pixels = Files.readAllBytes(raw);
  }

  /** Runs {@link FallbackProbe} in a child JVM with the given TurboJPEG library path. */
  static Probe probe(Path library, Path raw) throws Exception {
    Path err = Files.createTempFile(tmp, "stderr", ".txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-D" + JpegCodecs.TURBOJPEG_PATH_PROP_NAME + "=" + library,
                "-cp",
                System.getProperty("java.class.path"),
                FallbackProbe.class.getName(),
                jpeg.toString(),
                raw.toString())
            .redirectError(err.toFile())
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
    List<String> lines = Files.readAllLines(err);
    assertEquals(0, p.exitValue(), "child failed: " + out + String.join("\n", lines));
    return new Probe(out, lines);
  }

  @Test
  void shouldChooseImageIoWhenTheLibraryIsMissing() {
    assertTrue(
        stdout.contains("decoders=imageio,imageio encoder=ImageIoJpegEncoder size=1600x900"),
        stdout);
  }

  @Test
  void shouldLogExactlyOneLineNamingTheMissingLibrary() {
    List<String> naming = stderr.stream().filter(l -> l.contains(missing.toString())).toList();
    assertEquals(1, naming.size(), "stderr:\n" + String.join("\n", stderr));
    assertTrue(naming.get(0).contains("ImageIO"), naming.get(0));
  }

  @Test
  void shouldDecodeTheRealImageCloseToLibjpegTurbo() {
    assumeTrue(TurboJpegDecoder.isAvailable(), "libturbojpeg.so.0 not installed here");
    byte[] bytes = ImageFixtures.bytes(jpeg);
    byte[] turbo;
    try (TurboJpegDecoder t = new TurboJpegDecoder()) {
      DecodedImage img = t.decode(bytes, bytes.length, jpeg.toString());
      turbo = new byte[img.width() * img.height() * 3];
      java.lang.foreign.MemorySegment.copy(
          img.pixels(), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, turbo, 0, turbo.length);
    }
    assertEquals(turbo.length, pixels.length);
    long sum = 0;
    for (int i = 0; i < turbo.length; i++) {
      sum += Math.abs((turbo[i] & 0xFF) - (pixels[i] & 0xFF));
    }
    double mean = (double) sum / turbo.length;
    assertTrue(mean < 0.5, "mean abs difference to libjpeg-turbo " + mean);
  }

  @Test
  void shouldUseTurboJpegFromAnExplicitPathWithoutWarning() throws Exception {
    Path lib = Path.of("/usr/lib/x86_64-linux-gnu/libturbojpeg.so.0");
    assumeTrue(Files.exists(lib), "no " + lib + " on this machine");
    Probe run = probe(lib, tmp.resolve("explicit.bgr"));
    assertTrue(run.stdout().contains("decoders=turbojpeg,turbojpeg"), run.stdout());
    assertTrue(
        run.stderr().stream().noneMatch(l -> l.contains("ImageIO")),
        String.join("\n", run.stderr()));
  }
}
