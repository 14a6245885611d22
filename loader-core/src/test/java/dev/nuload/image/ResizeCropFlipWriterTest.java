package dev.nuload.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResizeCropFlipWriterTest {
  static final ChannelNormalization PETR =
      new ChannelNormalization(
          new double[] {103.530, 116.280, 123.675}, new double[] {57.375, 57.120, 58.395}, false);

  final Arena arena = Arena.ofConfined();
  final ResizeCropFlipWriter writer = new ResizeCropFlipWriter();

  @AfterEach
  void close() {
    arena.close();
  }

  /** A w x h BGR image whose B channel is x, G is y and R is 200. */
  DecodedImage ramp(int w, int h) {
    MemorySegment px = arena.allocate((long) w * h * 3);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        long i = ((long) y * w + x) * 3;
        px.set(ValueLayout.JAVA_BYTE, i, (byte) x);
        px.set(ValueLayout.JAVA_BYTE, i + 1, (byte) y);
        px.set(ValueLayout.JAVA_BYTE, i + 2, (byte) 200);
      }
    }
    return new DecodedImage(px, w, h, w, h);
  }

  static int u8(MemorySegment m, ResizeCropFlipWriter.Output o, int c, int y, int x) {
    return m.get(ValueLayout.JAVA_BYTE, ((long) c * o.paddedHeight() + y) * o.paddedWidth() + x)
        & 0xFF;
  }

  static float f32(MemorySegment m, ResizeCropFlipWriter.Output o, int c, int y, int x) {
    return m.get(
        ValueLayout.JAVA_FLOAT_UNALIGNED,
        4 * (((long) c * o.paddedHeight() + y) * o.paddedWidth() + x));
  }

  @Test
  void shouldCopyTheCropWhenTheSizeIsUnchanged() {
    var out =
        new ResizeCropFlipWriter.Output(8, 4, 8, 4, TensorDType.UINT8, ChannelNormalization.NONE);
    MemorySegment dst = arena.allocate(out.bytes());
    writer.write(ramp(20, 10), 20, 10, 5, 3, false, ResampleFilter.BICUBIC, out, dst, 0);
    assertEquals(5, u8(dst, out, 0, 0, 0)); // B = x
    assertEquals(3, u8(dst, out, 1, 0, 0)); // G = y
    assertEquals(12, u8(dst, out, 0, 2, 7));
    assertEquals(200, u8(dst, out, 2, 1, 1));
  }

  @Test
  void shouldMirrorTheCropWhenFlipped() {
    var out =
        new ResizeCropFlipWriter.Output(8, 4, 8, 4, TensorDType.UINT8, ChannelNormalization.NONE);
    MemorySegment a = arena.allocate(out.bytes());
    MemorySegment b = arena.allocate(out.bytes());
    DecodedImage img = ramp(40, 20);
    writer.write(img, 30, 15, 6, 2, false, ResampleFilter.BICUBIC, out, a, 0);
    writer.write(img, 30, 15, 6, 2, true, ResampleFilter.BICUBIC, out, b, 0);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 8; x++) {
          assertEquals(u8(a, out, c, y, x), u8(b, out, c, y, 7 - x));
        }
      }
    }
  }

  @Test
  void shouldFillTheCropOutsideTheResizedImageWithNormalisedBlack() {
    var out = new ResizeCropFlipWriter.Output(8, 4, 8, 4, TensorDType.FLOAT32, PETR);
    MemorySegment dst = arena.allocate(out.bytes());
    // resized width 6 < crop width 8: columns 6 and 7 are black before normalisation
    writer.write(ramp(12, 8), 6, 4, 0, 0, false, ResampleFilter.BICUBIC, out, dst, 0);
    float black = (0f - (float) 103.530) * (float) (1.0 / 57.375);
    assertEquals(black, f32(dst, out, 0, 1, 6));
    assertEquals(black, f32(dst, out, 0, 3, 7));
  }

  @Test
  void shouldPadWithZerosAfterNormalising() {
    var out = new ResizeCropFlipWriter.Output(8, 4, 16, 8, TensorDType.FLOAT32, PETR);
    MemorySegment dst = arena.allocate(out.bytes());
    dst.fill((byte) 0x7F);
    writer.write(ramp(20, 10), 20, 10, 0, 0, false, ResampleFilter.BICUBIC, out, dst, 0);
    assertEquals(0f, f32(dst, out, 2, 0, 8));
    assertEquals(0f, f32(dst, out, 1, 7, 0));
    assertEquals(0f, f32(dst, out, 0, 5, 15));
    assertEquals((200f - (float) 123.675) * (float) (1.0 / 58.395), f32(dst, out, 2, 0, 0));
  }

  @Test
  void shouldSwapToRgbWhenConfigured() {
    var rgb =
        new ChannelNormalization(new double[] {0, 0, 0}, new double[] {1, 1, 1}, /*toRgb*/ true);
    var out = new ResizeCropFlipWriter.Output(4, 2, 4, 2, TensorDType.UINT8, rgb);
    MemorySegment dst = arena.allocate(out.bytes());
    writer.write(ramp(10, 10), 10, 10, 3, 0, false, ResampleFilter.BICUBIC, out, dst, 0);
    assertEquals(200, u8(dst, out, 0, 0, 0)); // R first
    assertEquals(3, u8(dst, out, 2, 0, 0)); // B last
  }

  @Test
  void shouldWriteFloat16AsTheRoundedFloat32Value() {
    var o32 = new ResizeCropFlipWriter.Output(8, 4, 8, 4, TensorDType.FLOAT32, PETR);
    var o16 = new ResizeCropFlipWriter.Output(8, 4, 8, 4, TensorDType.FLOAT16, PETR);
    MemorySegment a = arena.allocate(o32.bytes());
    MemorySegment b = arena.allocate(o16.bytes());
    DecodedImage img = ramp(40, 20);
    writer.write(img, 25, 12, 3, 4, true, ResampleFilter.BICUBIC, o32, a, 0);
    writer.write(img, 25, 12, 3, 4, true, ResampleFilter.BICUBIC, o16, b, 0);
    for (long i = 0; i < 3 * 8 * 4; i++) {
      assertEquals(
          Float.floatToFloat16(a.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i)),
          b.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
    }
  }

  @Test
  void shouldGiveTheSameResultWhenReusedAcrossSourceSizes() {
    var out =
        new ResizeCropFlipWriter.Output(8, 4, 8, 4, TensorDType.UINT8, ChannelNormalization.NONE);
    MemorySegment warm = arena.allocate(out.bytes());
    MemorySegment reused = arena.allocate(out.bytes());
    MemorySegment fresh = arena.allocate(out.bytes());
    writer.write(ramp(64, 40), 30, 20, 0, 0, false, ResampleFilter.BICUBIC, out, warm, 0);
    // a narrower source afterwards: its right edge must not read the wider row's leftovers
    writer.write(ramp(24, 12), 13, 6, 5, 2, false, ResampleFilter.BICUBIC, out, reused, 0);
    new ResizeCropFlipWriter()
        .write(ramp(24, 12), 13, 6, 5, 2, false, ResampleFilter.BICUBIC, out, fresh, 0);
    assertEquals(-1L, reused.mismatch(fresh));
  }

  /** A w x h BGR image of seeded random bytes. */
  DecodedImage noise(int w, int h, long seed) {
    MemorySegment px = arena.allocate((long) w * h * 3);
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    for (long i = 0; i < px.byteSize(); i++) {
      px.set(ValueLayout.JAVA_BYTE, i, (byte) rng.nextInt(256));
    }
    return new DecodedImage(px, w, h, w, h);
  }

  /**
   * Pillow's algorithm written plainly: per channel, {@link ResizeCoefficients#apply} along every
   * row (8-bit result), then along every column, then crop (0 outside) and mirror.
   */
  static int[][][] reference(
      DecodedImage img,
      int rw,
      int rh,
      int left,
      int top,
      int fw,
      int fh,
      boolean flip,
      ResampleFilter f) {
    int w = img.width();
    int h = img.height();
    ResizeCoefficients hc = rw != w ? new ResizeCoefficients(w, rw, f) : null;
    ResizeCoefficients vc = rh != h ? new ResizeCoefficients(h, rh, f) : null;
    int[][][] out = new int[3][fh][fw];
    for (int c = 0; c < 3; c++) {
      int[][] rows = new int[h][];
      for (int y = 0; y < h; y++) {
        int[] line = new int[w];
        for (int x = 0; x < w; x++) {
          line[x] = img.pixels().get(ValueLayout.JAVA_BYTE, ((long) y * w + x) * 3 + c) & 0xFF;
        }
        rows[y] = hc == null ? line : hc.apply(line);
      }
      int[][] resized = new int[rh][rw];
      for (int x = 0; x < rw; x++) {
        int[] col = new int[h];
        for (int y = 0; y < h; y++) {
          col[y] = rows[y][x];
        }
        int[] r = vc == null ? col : vc.apply(col);
        for (int y = 0; y < rh; y++) {
          resized[y][x] = r[y];
        }
      }
      for (int y = 0; y < fh; y++) {
        for (int x = 0; x < fw; x++) {
          int rx = left + x;
          int ry = top + y;
          int v = rx >= 0 && rx < rw && ry >= 0 && ry < rh ? resized[ry][rx] : 0;
          out[c][y][flip ? fw - 1 - x : x] = v;
        }
      }
    }
    return out;
  }

  @org.junit.jupiter.params.ParameterizedTest(
      name = "{0}x{1} -> {2}x{3} crop ({4},{5}) flip {6} {7}")
  @org.junit.jupiter.params.provider.CsvSource({
    "97, 61, 53, 33, 5, 7, true, BICUBIC", // shrink both axes
    "97, 61, 53, 61, 3, 0, false, BICUBIC", // rows unchanged
    "97, 61, 97, 33, 40, 2, true, BICUBIC", // columns unchanged
    "97, 61, 80, 50, 55, 30, false, LINEAR", // crop runs past the resized image
    "97, 61, 79, 49, -3, -2, true, BILINEAR", // crop starts before it
    "64, 40, 32, 20, 0, 0, false, BICUBIC", // exact halving
    "40, 30, 70, 50, 10, 12, true, BICUBIC", // enlarging
    "97, 61, 97, 61, 70, 40, true, LINEAR", // no resampling: crop copied, runs past the image
    "97, 61, 97, 61, -5, 3, false, LINEAR" // no resampling, crop starts before the image
  })
  void shouldMatchAPlainSeparableResizeForAnyCrop(
      int w, int h, int rw, int rh, int left, int top, boolean flip, ResampleFilter f) {
    int fw = 36;
    int fh = 24;
    var out =
        new ResizeCropFlipWriter.Output(
            fw, fh, fw, fh, TensorDType.UINT8, ChannelNormalization.NONE);
    MemorySegment dst = arena.allocate(out.bytes());
    DecodedImage img = noise(w, h, 31L * w + h);
    writer.write(img, rw, rh, left, top, flip, f, out, dst, 0);
    int[][][] ref = reference(img, rw, rh, left, top, fw, fh, flip, f);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < fh; y++) {
        for (int x = 0; x < fw; x++) {
          assertEquals(ref[c][y][x], u8(dst, out, c, y, x), "channel " + c + " y " + y + " x " + x);
        }
      }
    }
  }

  @Test
  void shouldRefuseADestinationThatIsTooSmall() {
    var out = new ResizeCropFlipWriter.Output(8, 4, 8, 4, TensorDType.FLOAT32, PETR);
    MemorySegment dst = arena.allocate(out.bytes() - 1);
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> writer.write(ramp(20, 10), 20, 10, 0, 0, false, ResampleFilter.BICUBIC, out, dst, 0));
  }
}
