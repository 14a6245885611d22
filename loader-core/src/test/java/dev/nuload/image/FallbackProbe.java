package dev.nuload.image;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Main class run in a child JVM by {@link JpegCodecsFallbackTest}: creates two decoders and an
 * encoder through {@link JpegCodecs} (so a second fallback would log a second line), decodes one
 * JPEG with the first decoder, prints the decoder names and the size, and writes the BGR pixels.
 */
final class FallbackProbe {
  private FallbackProbe() {}

  /**
   * Runs the probe.
   *
   * @param args the JPEG to decode, then the file the raw pixels go to.
   * @throws Exception on any failure (the parent test sees the exit status and stderr).
   */
  public static void main(String[] args) throws Exception {
    byte[] jpeg = Files.readAllBytes(Path.of(args[0]));
    try (JpegDecoder first = JpegCodecs.decoder();
        JpegDecoder second = JpegCodecs.decoder();
        JpegEncoder encoder = JpegCodecs.encoder()) {
      DecodedImage img = first.decode(jpeg, jpeg.length, args[0]);
      byte[] px = new byte[img.width() * img.height() * 3];
      java.lang.foreign.MemorySegment.copy(
          img.pixels(), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, px, 0, px.length);
      Files.write(Path.of(args[1]), px);
      System.out.println(
          "decoders="
              + first.name()
              + ","
              + second.name()
              + " encoder="
              + encoder.getClass().getSimpleName()
              + " size="
              + img.width()
              + "x"
              + img.height());
    }
  }
}
