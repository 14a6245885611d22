package dev.nuload.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.BadDataException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract every {@link JpegDecoder} meets; one subclass per implementation. */
abstract class JpegDecoderContractTest {
  JpegDecoder decoder;

  /**
   * Creates the decoder under test; may abort the test with an assumption.
   *
   * @return a new decoder.
   */
  abstract JpegDecoder create();

  @BeforeEach
  void open() {
    decoder = create();
  }

  @AfterEach
  void closeDecoder() {
    if (decoder != null) {
      decoder.close();
    }
  }

  static byte[] encodedTestImage() {
    try (JpegEncoder enc = new ImageIoJpegEncoder()) {
      ByteBuffer b =
          enc.encode(
              JpegEncoderContractTest.testImage(PixelFormat.BGR),
              JpegEncoderContractTest.W,
              JpegEncoderContractTest.H,
              PixelFormat.BGR,
              95);
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    }
  }

  static byte[] pixels(DecodedImage img) {
    return img.pixels()
        .asSlice(0, (long) img.width() * img.height() * 3)
        .toArray(ValueLayout.JAVA_BYTE);
  }

  @Test
  void shouldDecodeARealNuScenesImageAtItsStoredSize() {
    Path p = ImageFixtures.keyframeJpegs().get(0);
    byte[] jpeg = ImageFixtures.bytes(p);
    DecodedImage img = decoder.decode(jpeg, jpeg.length, p.toString());
    assertEquals(1600, img.width());
    assertEquals(900, img.height());
    assertFalse(img.scaled());
  }

  @Test
  void shouldReturnBgrPixelsCloseToTheEncodedOnes() {
    byte[] jpeg = encodedTestImage();
    DecodedImage img = decoder.decode(jpeg, jpeg.length, "gradient.jpg");
    byte[] want = JpegEncoderContractTest.testImage(PixelFormat.BGR);
    byte[] got = pixels(img);
    assertEquals(want.length, got.length);
    double err = 0;
    for (int i = 0; i < want.length; i++) {
      err += Math.abs((want[i] & 0xFF) - (got[i] & 0xFF));
    }
    assertTrue(err / want.length < 4, "mean abs error " + err / want.length);
    // inside the red square: B low, R high (channel order honoured)
    int i = (90 * JpegEncoderContractTest.W + 130) * 3;
    assertTrue((got[i] & 0xFF) < 70 && (got[i + 2] & 0xFF) > 180);
  }

  @Test
  void shouldNeverScaleBelowTheRequestedSize() {
    Path p = ImageFixtures.keyframeJpegs().get(1);
    byte[] jpeg = ImageFixtures.bytes(p);
    DecodedImage img = decoder.decodeAtLeast(jpeg, jpeg.length, p.toString(), 752, 423);
    assertTrue(img.width() >= 752 && img.height() >= 423, img.width() + "x" + img.height());
    assertTrue(img.width() <= 1600 && img.height() <= 900);
    assertEquals(1600, img.sourceWidth());
  }

  @Test
  void shouldGiveTheSamePixelsWhenReused() {
    Path a = ImageFixtures.keyframeJpegs().get(0);
    Path b = ImageFixtures.keyframeJpegs().get(2);
    byte[] ja = ImageFixtures.bytes(a);
    byte[] jb = ImageFixtures.bytes(b);
    byte[] first = pixels(decoder.decode(ja, ja.length, a.toString()));
    decoder.decode(jb, jb.length, b.toString());
    byte[] again = pixels(decoder.decode(ja, ja.length, a.toString()));
    assertArrayEquals(first, again);
  }

  @Test
  void shouldRejectATruncatedJpegNamingTheFile() {
    Path p = ImageFixtures.keyframeJpegs().get(0);
    byte[] jpeg = ImageFixtures.bytes(p);
    int cut = jpeg.length / 2;
    BadDataException e =
        assertThrows(BadDataException.class, () -> decoder.decode(jpeg, cut, "cut.jpg"));
    assertTrue(e.getMessage().startsWith("cut.jpg: "), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void shouldRejectBytesThatAreNotAJpegNamingTheFile() {
    byte[] junk = "this is not a jpeg at all, just text".getBytes();
    BadDataException e =
        assertThrows(BadDataException.class, () -> decoder.decode(junk, junk.length, "x.jpg"));
    assertTrue(e.getMessage().startsWith("x.jpg: "), e.getMessage());
  }

  @Test
  void shouldRejectADamagedHeaderNamingTheFile() {
    byte[] jpeg = encodedTestImage();
    byte[] bad = Arrays.copyOf(jpeg, jpeg.length);
    bad[2] = 0x12; // first marker after SOI destroyed
    BadDataException e =
        assertThrows(BadDataException.class, () -> decoder.decode(bad, bad.length, "hdr.jpg"));
    assertTrue(e.getMessage().startsWith("hdr.jpg: "), e.getMessage());
  }

  @Test
  void shouldStayUsableAfterABadImage() {
    byte[] jpeg = encodedTestImage();
    assertThrows(BadDataException.class, () -> decoder.decode(jpeg, jpeg.length / 3, "cut.jpg"));
    DecodedImage img = decoder.decode(jpeg, jpeg.length, "ok.jpg");
    assertEquals(JpegEncoderContractTest.W, img.width());
  }

  @Test
  void shouldDecodeAGreyJpegToThreeEqualChannelsAfterAColourOneOfTheSameSize() throws Exception {
    byte[] colour = encodedTestImage();
    java.awt.image.BufferedImage grey =
        new java.awt.image.BufferedImage(
            JpegEncoderContractTest.W,
            JpegEncoderContractTest.H,
            java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < JpegEncoderContractTest.H; y++) {
      for (int x = 0; x < JpegEncoderContractTest.W; x++) {
        grey.getRaster().setSample(x, y, 0, (x + y) & 0xFF);
      }
    }
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(grey, "jpg", bos);
    byte[] g = bos.toByteArray();
    decoder.decode(colour, colour.length, "colour.jpg");
    byte[] px = pixels(decoder.decode(g, g.length, "grey.jpg"));
    int i = (50 * JpegEncoderContractTest.W + 70) * 3;
    assertEquals(px[i], px[i + 1]);
    assertEquals(px[i + 1], px[i + 2]);
    assertTrue(Math.abs((px[i] & 0xFF) - 120) <= 4, "grey level " + (px[i] & 0xFF));
  }

  @Test
  void shouldRefuseUseAfterClose() {
    byte[] jpeg = encodedTestImage();
    decoder.close();
    assertThrows(IllegalStateException.class, () -> decoder.decode(jpeg, jpeg.length, "a.jpg"));
  }
}
