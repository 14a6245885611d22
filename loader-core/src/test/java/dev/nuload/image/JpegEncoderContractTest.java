package dev.nuload.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract every {@link JpegEncoder} meets; one subclass per implementation. */
abstract class JpegEncoderContractTest {
  static final int W = 320;
  static final int H = 180;

  JpegEncoder encoder;

  /**
   * Creates the encoder under test; may abort the test with an assumption.
   *
   * @return a new encoder.
   */
  abstract JpegEncoder create();

  @BeforeEach
  void open() {
    encoder = create();
  }

  @AfterEach
  void closeEncoder() {
    if (encoder != null) {
      encoder.close();
    }
  }

  /** A smooth gradient image with a red square, BGR order. */
  static byte[] testImage(PixelFormat format) {
    byte[] px = new byte[W * H * 3];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int r = x * 255 / W;
        int g = y * 255 / H;
        int b = 128;
        if (x >= 100 && x < 160 && y >= 60 && y < 120) {
          r = 230;
          g = 20;
          b = 20;
        }
        int i = (y * W + x) * 3;
        px[i] = (byte) (format == PixelFormat.BGR ? b : r);
        px[i + 1] = (byte) g;
        px[i + 2] = (byte) (format == PixelFormat.BGR ? r : b);
      }
    }
    return px;
  }

  static byte[] bytes(ByteBuffer buf) {
    byte[] b = new byte[buf.remaining()];
    buf.duplicate().get(b);
    return b;
  }

  byte[] encodeTest(PixelFormat format) {
    return bytes(encoder.encode(testImage(format), W, H, format, 90));
  }

  @Test
  void shouldWriteTheImageDimensions() {
    byte[] jpeg = encodeTest(PixelFormat.BGR);
    JpegHeader h = JpegHeader.read(jpeg, jpeg.length);
    assertEquals(W, h.width());
    assertEquals(H, h.height());
    assertEquals(3, h.components());
  }

  @Test
  void shouldWriteBaselineSof0() {
    byte[] jpeg = encodeTest(PixelFormat.BGR);
    assertTrue(JpegHeader.read(jpeg, jpeg.length).baseline());
  }

  @Test
  void shouldSubsampleChroma420() {
    byte[] jpeg = encodeTest(PixelFormat.BGR);
    assertEquals(JpegHeader.Subsampling.S420, JpegHeader.read(jpeg, jpeg.length).subsampling());
  }

  @Test
  void shouldDecodeBackCloseToTheInputWhenBgr() throws IOException {
    assertDecodesClose(PixelFormat.BGR);
  }

  @Test
  void shouldDecodeBackCloseToTheInputWhenRgb() throws IOException {
    assertDecodesClose(PixelFormat.RGB);
  }

  @Test
  void shouldReuseTheEncoderForManyImages() {
    byte[] first = encodeTest(PixelFormat.BGR);
    encodeTest(PixelFormat.RGB);
    byte[] again = encodeTest(PixelFormat.BGR);
    assertEquals(ByteBuffer.wrap(first), ByteBuffer.wrap(again));
  }

  @Test
  void shouldRejectAShortPixelArray() {
    assertThrows(
        IllegalArgumentException.class,
        () -> encoder.encode(new byte[10], W, H, PixelFormat.BGR, 90));
  }

  private void assertDecodesClose(PixelFormat format) throws IOException {
    byte[] jpeg = encodeTest(format);
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
    assertEquals(W, img.getWidth());
    double err = 0;
    for (int y = 0; y < H; y += 3) {
      for (int x = 0; x < W; x += 3) {
        int rgb = img.getRGB(x, y);
        int r = x * 255 / W;
        int g = y * 255 / H;
        int b = 128;
        if (x >= 100 && x < 160 && y >= 60 && y < 120) {
          r = 230;
          g = 20;
          b = 20;
        }
        err += Math.abs(((rgb >> 16) & 255) - r);
        err += Math.abs(((rgb >> 8) & 255) - g);
        err += Math.abs((rgb & 255) - b);
      }
    }
    double mean = err / ((W / 3 + 1) * (H / 3 + 1) * 3.0);
    assertTrue(mean < 6, "mean abs error " + mean);
    // the red square keeps its colour (channel order honoured)
    int centre = img.getRGB(130, 90);
    assertTrue(((centre >> 16) & 255) > 180 && (centre & 255) < 70, Integer.toHexString(centre));
  }
}
