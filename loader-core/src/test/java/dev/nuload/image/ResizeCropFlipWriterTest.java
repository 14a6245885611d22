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

  @Test
  void shouldRefuseADestinationThatIsTooSmall() {
    var out = new ResizeCropFlipWriter.Output(8, 4, 8, 4, TensorDType.FLOAT32, PETR);
    MemorySegment dst = arena.allocate(out.bytes() - 1);
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> writer.write(ramp(20, 10), 20, 10, 0, 0, false, ResampleFilter.BICUBIC, out, dst, 0));
  }
}
