package dev.nuload.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Runs the decoder contract against {@link TurboJpegDecoder}; skipped without the library. */
class TurboJpegDecoderTest extends JpegDecoderContractTest {
  @Override
  JpegDecoder create() {
    assumeTrue(
        TurboJpegDecoder.isAvailable(),
        "libturbojpeg.so.0 not installed (apt-get install libturbojpeg0): TurboJPEG tests skipped");
    return new TurboJpegDecoder();
  }

  @Test
  void shouldPickHalfScaleForTheTestResize() {
    assertArrayEquals(new int[] {1, 2}, TurboJpegDecoder.chooseFactor(1600, 900, 800, 450));
  }

  @Test
  void shouldPickFiveEighthsWhenHalfWouldUpscale() {
    // r = 0.55 resizes to 880 x 495: 1/2 gives 800 wide (too small), 5/8 gives 1000
    assertArrayEquals(new int[] {5, 8}, TurboJpegDecoder.chooseFactor(1600, 900, 880, 495));
  }

  @Test
  void shouldDecodeDctScaledWhenAskedForLess() {
    Path p = ImageFixtures.keyframeJpegs().get(0);
    byte[] jpeg = ImageFixtures.bytes(p);
    DecodedImage img = decoder.decodeAtLeast(jpeg, jpeg.length, p.toString(), 800, 450);
    assertEquals(800, img.width());
    assertEquals(450, img.height());
    assertTrue(img.scaled());
  }
}
