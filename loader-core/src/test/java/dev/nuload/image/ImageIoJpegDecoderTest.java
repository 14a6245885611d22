package dev.nuload.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Runs the decoder contract against the pure-Java {@link ImageIoJpegDecoder}. */
class ImageIoJpegDecoderTest extends JpegDecoderContractTest {
  @Override
  JpegDecoder create() {
    return new ImageIoJpegDecoder();
  }

  @Test
  void shouldAgreeWithLibjpegTurboOnARealImageWithinTwoLevels() {
    assumeTrue(TurboJpegDecoder.isAvailable(), "libturbojpeg.so.0 not installed");
    Path p = ImageFixtures.keyframeJpegs().get(3);
    byte[] jpeg = ImageFixtures.bytes(p);
    byte[] mine = pixels(decoder.decode(jpeg, jpeg.length, p.toString()));
    byte[] turbo;
    try (TurboJpegDecoder t = new TurboJpegDecoder()) {
      turbo = pixels(t.decode(jpeg, jpeg.length, p.toString()));
    }
    assertEquals(turbo.length, mine.length);
    long sum = 0;
    int max = 0;
    for (int i = 0; i < mine.length; i++) {
      int d = Math.abs((mine[i] & 0xFF) - (turbo[i] & 0xFF));
      sum += d;
      max = Math.max(max, d);
    }
    double mean = (double) sum / mine.length;
    assertTrue(mean < 0.5, "mean abs difference " + mean + ", max " + max);
  }

  @Test
  void shouldBeChosenWhenTurboJpegIsDisabled() {
    String old = System.getProperty(JpegCodecs.TURBOJPEG_PROP_NAME);
    System.setProperty(JpegCodecs.TURBOJPEG_PROP_NAME, "false");
    try (JpegDecoder d = JpegCodecs.decoder()) {
      assertEquals("imageio", d.name());
    } finally {
      if (old == null) {
        System.clearProperty(JpegCodecs.TURBOJPEG_PROP_NAME);
      } else {
        System.setProperty(JpegCodecs.TURBOJPEG_PROP_NAME, old);
      }
    }
  }
}
