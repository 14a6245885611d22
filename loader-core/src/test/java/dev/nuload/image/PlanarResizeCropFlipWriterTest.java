package dev.nuload.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nuload.BadDataException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The planar fast writer on real nuScenes JPEGs and on synthetic ones made with {@link
 * TurboJpegEncoder} (4:2:0, 4:4:4, greyscale); skipped without libturbojpeg.
 */
class PlanarResizeCropFlipWriterTest {
  /** Least PSNR of the planar fast output against exact mode on the real images (uint8). */
  static final double MIN_PSNR_VS_EXACT_DB = 35;

  /**
   * Largest absolute difference from exact mode on the real images, in 8-bit levels. Measured
   * 2026-11-26 on the six keyframe JPEGs and the draws below: 47 to 86 (at sharp edges, where 2-tap
   * interpolation after DCT scaling and Pillow's antialiased bicubic on the full image differ most;
   * the existing interleaved fast path measures the same range).
   */
  static final int MAX_ABS_VS_EXACT = 100;

  final Arena arena = Arena.ofConfined();
  final PlanarResizeCropFlipWriter planar = new PlanarResizeCropFlipWriter();
  final ResizeCropFlipWriter interleaved = new ResizeCropFlipWriter();
  TurboJpegDecoder decoder;
  TurboJpegDecoder exactDecoder;
  TurboJpegEncoder encoder;

  @BeforeEach
  void open() {
    assumeTrue(TurboJpegDecoder.isAvailable(), "libturbojpeg.so.0 not installed");
    decoder = new TurboJpegDecoder();
    exactDecoder = new TurboJpegDecoder();
    encoder = new TurboJpegEncoder();
  }

  @AfterEach
  void close() {
    if (decoder != null) {
      decoder.close();
      exactDecoder.close();
      encoder.close();
    }
    arena.close();
  }

  static ResizeCropFlipWriter.Output u8(int w, int h, int pw, int ph) {
    return new ResizeCropFlipWriter.Output(
        w, h, pw, ph, TensorDType.UINT8, ChannelNormalization.NONE);
  }

  MemorySegment runPlanar(
      DecodedPlanes src,
      int rw,
      int rh,
      int left,
      int top,
      boolean flip,
      ResizeCropFlipWriter.Output o) {
    MemorySegment dst = arena.allocate(o.bytes());
    dst.fill((byte) 0x5A); // anything not written shows up
    planar.write(src, rw, rh, left, top, flip, o, dst, 0);
    return dst;
  }

  /** Exact mode: full-size decode, Pillow's antialiased BICUBIC. */
  byte[] exact(byte[] jpeg, int rw, int rh, int left, int top, boolean flip, int fw, int fh) {
    DecodedImage img = exactDecoder.decode(jpeg, jpeg.length, "exact");
    ResizeCropFlipWriter.Output o = u8(fw, fh, fw, fh);
    MemorySegment dst = arena.allocate(o.bytes());
    interleaved.write(img, rw, rh, left, top, flip, ResampleFilter.BICUBIC, o, dst, 0);
    return dst.toArray(ValueLayout.JAVA_BYTE);
  }

  /** The interleaved fast path: DCT-scaled BGR decode, 2-tap LINEAR resize. */
  byte[] interleavedFast(
      byte[] jpeg, int rw, int rh, int left, int top, boolean flip, ResizeCropFlipWriter.Output o) {
    DecodedImage img = exactDecoder.decodeAtLeast(jpeg, jpeg.length, "fast", rw, rh);
    MemorySegment dst = arena.allocate(o.bytes());
    interleaved.write(img, rw, rh, left, top, flip, ResampleFilter.LINEAR, o, dst, 0);
    return dst.toArray(ValueLayout.JAVA_BYTE);
  }

  byte[] planarU8(byte[] jpeg, int rw, int rh, int left, int top, boolean flip, int fw, int fh) {
    DecodedPlanes p = decoder.decodePlanesAtLeast(jpeg, jpeg.length, "planar", rw, rh);
    assertNotNull(p);
    return runPlanar(p, rw, rh, left, top, flip, u8(fw, fh, fw, fh)).toArray(ValueLayout.JAVA_BYTE);
  }

  static double psnr(byte[] a, byte[] b) {
    double se = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (a[i] & 0xFF) - (b[i] & 0xFF);
      se += d * d;
    }
    double mse = se / a.length;
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
  }

  static int maxAbs(byte[] a, byte[] b) {
    int m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
    }
    return m;
  }

  /** A smooth BGR test pattern with some detail: gradients and a soft diagonal wave. */
  static byte[] pattern(int w, int h) {
    byte[] px = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = (y * w + x) * 3;
        px[i] = (byte) (40 + 170 * x / Math.max(1, w - 1));
        px[i + 1] = (byte) (30 + 190 * y / Math.max(1, h - 1));
        px[i + 2] = (byte) (128 + 90 * Math.sin((x + y) / 9.0));
      }
    }
    return px;
  }

  byte[] encode(byte[] bgr, int w, int h, int subsamp) {
    ByteBuffer b = encoder.encode(bgr, w, h, PixelFormat.BGR, 95, subsamp);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  @Test
  void shouldStayWithinTheStatedToleranceOfExactModeOnRealImages() {
    // PETRv2 draws: resize, crop (800 x 320), flip; r = 0.55 and 0.6 decode at 5/8, 0.5 at 1/2
    int[][] draws = {{880, 495, 40, 175, 1}, {800, 450, 0, 130, 0}, {960, 540, 120, 210, 0}};
    double worstPsnr = Double.POSITIVE_INFINITY;
    int worstAbs = 0;
    StringBuilder seen = new StringBuilder();
    for (Path p : ImageFixtures.keyframeJpegs()) {
      byte[] jpeg = ImageFixtures.bytes(p);
      for (int[] d : draws) {
        boolean flip = d[4] == 1;
        byte[] want = exact(jpeg, d[0], d[1], d[2], d[3], flip, 800, 320);
        byte[] got = planarU8(jpeg, d[0], d[1], d[2], d[3], flip, 800, 320);
        double psnr = psnr(want, got);
        int abs = maxAbs(want, got);
        seen.append(
            String.format(
                Locale.ROOT, " %s@%d: %.1f dB max %d;", p.getFileName(), d[0], psnr, abs));
        worstPsnr = Math.min(worstPsnr, psnr);
        worstAbs = Math.max(worstAbs, abs);
      }
    }
    assertTrue(worstPsnr >= MIN_PSNR_VS_EXACT_DB, "PSNR vs exact:" + seen);
    assertTrue(worstAbs <= MAX_ABS_VS_EXACT, "max abs vs exact:" + seen);
  }

  @Test
  void shouldBeAtLeastAsCloseToExactAsTheInterleavedFastPath() {
    // the same 2-tap interpolation, but chroma sampled once from the planes instead of upsampled
    // by the decoder and then interpolated: no worse than 0.5 dB below the interleaved path
    ResizeCropFlipWriter.Output o = u8(800, 320, 800, 320);
    for (Path p : ImageFixtures.keyframeJpegs()) {
      byte[] jpeg = ImageFixtures.bytes(p);
      byte[] want = exact(jpeg, 880, 495, 40, 175, false, 800, 320);
      double viaBgr = psnr(want, interleavedFast(jpeg, 880, 495, 40, 175, false, o));
      double viaPlanes = psnr(want, planarU8(jpeg, 880, 495, 40, 175, false, 800, 320));
      assertTrue(viaPlanes >= viaBgr - 0.5, p + ": planar " + viaPlanes + " dB, BGR " + viaBgr);
    }
  }

  @Test
  void shouldEqualTheDecodersColourConversionFor444AtTheDecodedSize() {
    int w = 61;
    int h = 37;
    byte[] jpeg = encode(pattern(w, h), w, h, TurboJpeg.TJSAMP_444);
    DecodedImage bgr = exactDecoder.decode(jpeg, jpeg.length, "bgr");
    ResizeCropFlipWriter.Output o = u8(w, h, w, h);
    MemorySegment want = arena.allocate(o.bytes());
    interleaved.write(bgr, w, h, 0, 0, false, ResampleFilter.LINEAR, o, want, 0);
    DecodedPlanes p = decoder.decodePlanesAtLeast(jpeg, jpeg.length, "planes", w, h);
    assertEquals(1, p.chromaFactorX());
    assertArrayEquals(
        want.toArray(ValueLayout.JAVA_BYTE),
        runPlanar(p, w, h, 0, 0, false, o).toArray(ValueLayout.JAVA_BYTE));
  }

  @Test
  void shouldStayWithinTwoLevelsOfTheDecodersUpsamplingFor420AtTheDecodedSize() {
    // 2-tap linear chroma at the centred siting is libjpeg's "fancy" upsampling up to rounding
    int w = 64;
    int h = 48;
    byte[] jpeg = encode(pattern(w, h), w, h, TurboJpeg.TJSAMP_420);
    DecodedImage bgr = exactDecoder.decode(jpeg, jpeg.length, "bgr");
    ResizeCropFlipWriter.Output o = u8(w, h, w, h);
    MemorySegment want = arena.allocate(o.bytes());
    interleaved.write(bgr, w, h, 0, 0, false, ResampleFilter.LINEAR, o, want, 0);
    DecodedPlanes p = decoder.decodePlanesAtLeast(jpeg, jpeg.length, "planes", w, h);
    byte[] got = runPlanar(p, w, h, 0, 0, false, o).toArray(ValueLayout.JAVA_BYTE);
    assertTrue(maxAbs(want.toArray(ValueLayout.JAVA_BYTE), got) <= 2);
  }

  @Test
  void shouldStayWithinTwoLevelsOfTheDecoderFor422And440AtTheDecodedSize() {
    // libjpeg-turbo upsamples 4:2:2 and 4:4:0 with the same triangle filter ("fancy" h2v1, h1v2)
    int w = 66;
    int h = 42;
    for (int subsamp : new int[] {TurboJpeg.TJSAMP_422, TurboJpeg.TJSAMP_440}) {
      byte[] jpeg = encode(pattern(w, h), w, h, subsamp);
      DecodedImage bgr = exactDecoder.decode(jpeg, jpeg.length, "bgr");
      ResizeCropFlipWriter.Output o = u8(w, h, w, h);
      MemorySegment want = arena.allocate(o.bytes());
      interleaved.write(bgr, w, h, 0, 0, false, ResampleFilter.LINEAR, o, want, 0);
      DecodedPlanes p = decoder.decodePlanesAtLeast(jpeg, jpeg.length, "planes", w, h);
      assertEquals(subsamp == TurboJpeg.TJSAMP_422 ? 2 : 1, p.chromaFactorX());
      assertEquals(subsamp == TurboJpeg.TJSAMP_422 ? 1 : 2, p.chromaFactorY());
      byte[] got = runPlanar(p, w, h, 0, 0, false, o).toArray(ValueLayout.JAVA_BYTE);
      int max = maxAbs(want.toArray(ValueLayout.JAVA_BYTE), got);
      assertTrue(max <= 2, "subsampling " + subsamp + ": max " + max);
    }
  }

  @Test
  void shouldWriteTheLumaToAllChannelsForGreyscale() {
    int w = 50;
    int h = 30;
    byte[] jpeg = encode(pattern(w, h), w, h, TurboJpeg.TJSAMP_GRAY);
    DecodedPlanes p = decoder.decodePlanesAtLeast(jpeg, jpeg.length, "gray", w, h);
    assertTrue(p.gray());
    ResizeCropFlipWriter.Output o = u8(w, h, w, h);
    byte[] got = runPlanar(p, w, h, 0, 0, false, o).toArray(ValueLayout.JAVA_BYTE);
    DecodedImage bgr = exactDecoder.decode(jpeg, jpeg.length, "bgr");
    MemorySegment want = arena.allocate(o.bytes());
    interleaved.write(bgr, w, h, 0, 0, false, ResampleFilter.LINEAR, o, want, 0);
    assertArrayEquals(want.toArray(ValueLayout.JAVA_BYTE), got);
    int plane = w * h;
    assertArrayEquals(
        Arrays.copyOfRange(got, 0, plane), Arrays.copyOfRange(got, 2 * plane, 3 * plane));
  }

  @Test
  void shouldMirrorTheCropWhenFlipped() {
    int w = 97;
    int h = 61;
    byte[] jpeg = encode(pattern(w, h), w, h, TurboJpeg.TJSAMP_420);
    ResizeCropFlipWriter.Output o = u8(33, 21, 36, 24);
    DecodedPlanes p = decoder.decodePlanesAtLeast(jpeg, jpeg.length, "flip", 71, 45);
    byte[] plain = runPlanar(p, 71, 45, 13, 9, false, o).toArray(ValueLayout.JAVA_BYTE);
    byte[] flipped = runPlanar(p, 71, 45, 13, 9, true, o).toArray(ValueLayout.JAVA_BYTE);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 21; y++) {
        for (int x = 0; x < 33; x++) {
          int row = (c * 24 + y) * 36;
          assertEquals(plain[row + x], flipped[row + 32 - x], "c" + c + " y" + y + " x" + x);
        }
      }
    }
  }

  @Test
  void shouldFillTheCropOutsideTheResizedImageWithNormalisedBlack() {
    int w = 40;
    int h = 30;
    byte[] jpeg = encode(pattern(w, h), w, h, TurboJpeg.TJSAMP_420);
    DecodedPlanes p = decoder.decodePlanesAtLeast(jpeg, jpeg.length, "out", 35, 27);
    ChannelNormalization norm = ResizeCropFlipWriterTest.PETR;
    ResizeCropFlipWriter.Output o =
        new ResizeCropFlipWriter.Output(24, 20, 24, 20, TensorDType.FLOAT32, norm);
    // crop starts 5 left of and ends 4 below the 35 x 27 resized image; flipped
    MemorySegment dst = runPlanar(p, 35, 27, -5, 11, true, o);
    float[][] table = norm.table();
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 20; y++) {
        for (int x = 0; x < 24; x++) {
          if (y >= 16 || x >= 19) { // mirrored: the 5 columns left of the image end up right
            assertEquals(
                table[c][0],
                ResizeCropFlipWriterTest.f32(dst, o, c, y, x),
                "c" + c + " y" + y + " x" + x);
          }
        }
      }
    }
    MemorySegment u8 = runPlanar(p, 35, 27, -5, 11, true, u8(24, 20, 24, 20));
    assertEquals(0, ResizeCropFlipWriterTest.u8(u8, u8(24, 20, 24, 20), 1, 18, 3));
    assertEquals(0, ResizeCropFlipWriterTest.u8(u8, u8(24, 20, 24, 20), 2, 4, 21));
  }

  @Test
  void shouldPadWithZerosAfterNormalising() {
    int w = 40;
    int h = 30;
    byte[] jpeg = encode(pattern(w, h), w, h, TurboJpeg.TJSAMP_420);
    DecodedPlanes p = decoder.decodePlanesAtLeast(jpeg, jpeg.length, "pad", 33, 25);
    ResizeCropFlipWriter.Output o =
        new ResizeCropFlipWriter.Output(
            30, 20, 32, 24, TensorDType.FLOAT32, ResizeCropFlipWriterTest.PETR);
    MemorySegment dst = runPlanar(p, 33, 25, 2, 3, false, o);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 24; y++) {
        for (int x = 0; x < 32; x++) {
          if (y >= 20 || x >= 30) {
            assertEquals(0f, ResizeCropFlipWriterTest.f32(dst, o, c, y, x));
          }
        }
      }
    }
  }

  @Test
  void shouldWriteEveryDtypeAsTheNormalisedUint8Value() {
    int w = 83;
    int h = 47;
    byte[] jpeg = encode(pattern(w, h), w, h, TurboJpeg.TJSAMP_420);
    ChannelNormalization rgb =
        new ChannelNormalization(
            new double[] {123.675, 116.28, 103.53}, new double[] {58.395, 57.12, 57.375}, true);
    DecodedPlanes p = decoder.decodePlanesAtLeast(jpeg, jpeg.length, "dtype", 61, 37);
    ResizeCropFlipWriter.Output ou8 =
        new ResizeCropFlipWriter.Output(41, 29, 48, 32, TensorDType.UINT8, rgb);
    ResizeCropFlipWriter.Output of32 =
        new ResizeCropFlipWriter.Output(41, 29, 48, 32, TensorDType.FLOAT32, rgb);
    ResizeCropFlipWriter.Output of16 =
        new ResizeCropFlipWriter.Output(41, 29, 48, 32, TensorDType.FLOAT16, rgb);
    MemorySegment a = runPlanar(p, 61, 37, 7, 5, true, ou8);
    MemorySegment b = runPlanar(p, 61, 37, 7, 5, true, of32);
    MemorySegment f = runPlanar(p, 61, 37, 7, 5, true, of16);
    float[][] t = rgb.table();
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 48; x++) {
          long i = ((long) c * 32 + y) * 48 + x;
          boolean pad = y >= 29 || x >= 41;
          int v = a.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
          float want = pad ? 0f : t[c][v];
          assertEquals(want, b.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i));
          assertEquals(
              Float.floatToFloat16(want), f.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
        }
      }
    }
  }

  @Test
  void shouldOutputRgbPlanesInReverseOrderOfBgr() {
    int w = 30;
    int h = 22;
    byte[] jpeg = encode(pattern(w, h), w, h, TurboJpeg.TJSAMP_420);
    DecodedPlanes p = decoder.decodePlanesAtLeast(jpeg, jpeg.length, "rgb", 25, 17);
    ChannelNormalization rgb =
        new ChannelNormalization(new double[] {0, 0, 0}, new double[] {1, 1, 1}, true);
    ResizeCropFlipWriter.Output bgrOut = u8(20, 15, 20, 15);
    ResizeCropFlipWriter.Output rgbOut =
        new ResizeCropFlipWriter.Output(20, 15, 20, 15, TensorDType.UINT8, rgb);
    byte[] b = runPlanar(p, 25, 17, 3, 1, false, bgrOut).toArray(ValueLayout.JAVA_BYTE);
    byte[] r = runPlanar(p, 25, 17, 3, 1, false, rgbOut).toArray(ValueLayout.JAVA_BYTE);
    int plane = 20 * 15;
    assertArrayEquals(Arrays.copyOfRange(b, 0, plane), Arrays.copyOfRange(r, 2 * plane, 3 * plane));
    assertArrayEquals(Arrays.copyOfRange(b, 2 * plane, 3 * plane), Arrays.copyOfRange(r, 0, plane));
  }

  @Test
  void shouldStayCloseToTheInterleavedFastPathForOddSizes() {
    // odd image, DCT scale, resize and crop sizes, crop at odd offsets, flipped and not
    int[][] cases = {
      {101, 67, 77, 51, 3, 5, 61, 41},
      {99, 73, 99, 73, 1, 2, 97, 69},
      {57, 39, 41, 29, -3, 7, 45, 23},
      {33, 19, 13, 9, 0, 0, 13, 9},
    };
    for (int[] k : cases) {
      byte[] jpeg = encode(pattern(k[0], k[1]), k[0], k[1], TurboJpeg.TJSAMP_420);
      for (boolean flip : new boolean[] {false, true}) {
        ResizeCropFlipWriter.Output o = u8(k[6], k[7], k[6] + 1, k[7] + 3);
        byte[] want = interleavedFast(jpeg, k[2], k[3], k[4], k[5], flip, o);
        DecodedPlanes p = decoder.decodePlanesAtLeast(jpeg, jpeg.length, "odd", k[2], k[3]);
        byte[] got = runPlanar(p, k[2], k[3], k[4], k[5], flip, o).toArray(ValueLayout.JAVA_BYTE);
        String what = Arrays.toString(k) + " flip " + flip;
        assertTrue(psnr(want, got) >= 35, what + ": " + psnr(want, got) + " dB");
        assertTrue(maxAbs(want, got) <= 12, what + ": max " + maxAbs(want, got));
      }
    }
  }

  @Test
  void shouldGiveTheSameResultWhenReusedAcrossSizes() {
    byte[] small = encode(pattern(45, 31), 45, 31, TurboJpeg.TJSAMP_420);
    byte[] large = encode(pattern(160, 90), 160, 90, TurboJpeg.TJSAMP_444);
    ResizeCropFlipWriter.Output o = u8(30, 20, 32, 20);
    DecodedPlanes p = decoder.decodePlanesAtLeast(small, small.length, "s", 40, 28);
    byte[] first = runPlanar(p, 40, 28, 4, 2, true, o).toArray(ValueLayout.JAVA_BYTE);
    DecodedPlanes q = decoder.decodePlanesAtLeast(large, large.length, "l", 120, 70);
    runPlanar(q, 120, 70, 50, 30, false, u8(60, 40, 64, 40));
    p = decoder.decodePlanesAtLeast(small, small.length, "s", 40, 28);
    assertArrayEquals(first, runPlanar(p, 40, 28, 4, 2, true, o).toArray(ValueLayout.JAVA_BYTE));
  }

  @Test
  void shouldDecodePlanesAtTheBgrDctScale() {
    Path path = ImageFixtures.keyframeJpegs().get(0);
    byte[] jpeg = ImageFixtures.bytes(path);
    DecodedPlanes p = decoder.decodePlanesAtLeast(jpeg, jpeg.length, path.toString(), 880, 495);
    assertEquals(1000, p.width());
    assertEquals(563, p.height());
    assertEquals(500, p.chromaWidth());
    assertEquals(282, p.chromaHeight());
    assertEquals(2, p.chromaFactorX());
    assertEquals(2, p.chromaFactorY());
    assertEquals(1600, p.sourceWidth());
    assertEquals(900, p.sourceHeight());
    assertTrue(p.lumaStride() >= 1000 && p.chromaStride() >= 500);
  }

  @Test
  void shouldNameTheFileOfATruncatedJpeg() {
    Path path = ImageFixtures.keyframeJpegs().get(0);
    byte[] jpeg = ImageFixtures.bytes(path);
    BadDataException e =
        assertThrows(
            BadDataException.class,
            () -> decoder.decodePlanesAtLeast(jpeg, jpeg.length / 3, "cams/front.jpg", 880, 495));
    assertTrue(e.getMessage().startsWith("cams/front.jpg: "), e.getMessage());
    assertTrue(e.getMessage().contains("corrupt or truncated"), e.getMessage());
  }

  @Test
  void shouldNameTheFileOfBytesThatAreNoJpeg() {
    byte[] junk = "not a jpeg at all, just text".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    BadDataException e =
        assertThrows(
            BadDataException.class,
            () -> decoder.decodePlanesAtLeast(junk, junk.length, "cams/junk.jpg", 10, 10));
    assertTrue(e.getMessage().startsWith("cams/junk.jpg: "), e.getMessage());
  }

  @Test
  void shouldStayUsableAfterACorruptJpeg() {
    Path path = ImageFixtures.keyframeJpegs().get(0);
    byte[] jpeg = ImageFixtures.bytes(path);
    assertThrows(
        BadDataException.class,
        () -> decoder.decodePlanesAtLeast(jpeg, jpeg.length / 2, "x.jpg", 800, 450));
    DecodedPlanes p = decoder.decodePlanesAtLeast(jpeg, jpeg.length, "x.jpg", 800, 450);
    assertEquals(800, p.width());
  }
}
