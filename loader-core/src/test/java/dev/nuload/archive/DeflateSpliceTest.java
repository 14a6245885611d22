package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stream {@link DeflateSplice} builds around a run of blocks, inflated by zlib ({@link
 * Inflater}, independent of the libdeflate decoder that uses it in production), on real data whose
 * block boundaries ISA-L found ({@link DeflateRuns}).
 */
class DeflateSpliceTest {
  private static Arena arena;
  private static DeflateRuns runs;

  @BeforeAll
  static void load() throws Exception {
    assumeTrue(IsalRawInflater.available(), "libisal.so.2 not installed");
    arena = Arena.ofShared();
    runs = DeflateRuns.real();
  }

  @AfterAll
  static void close() {
    if (arena != null) {
      arena.close();
    }
  }

  /** What zlib made of a built stream: its output, and whether it ended exactly at its end. */
  private record Inflated(byte[] out, boolean endedAtItsEnd, int consumed) {}

  private static Inflated inflate(DeflateSplice s, MemorySegment built) {
    byte[] in = built.asSlice(0, s.length).toArray(JAVA_BYTE);
    Inflater inf = new Inflater(true);
    inf.setInput(in);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    try {
      while (!inf.finished() && !inf.needsInput()) {
        out.write(buf, 0, inf.inflate(buf));
      }
    } catch (DataFormatException e) {
      return new Inflated(out.toByteArray(), false, -1);
    }
    boolean ended = inf.finished() && inf.getRemaining() == 0;
    return new Inflated(out.toByteArray(), ended, in.length - inf.getRemaining());
  }

  private static Inflated splice(int from, long toBit, byte[] window) {
    MemorySegment dst =
        arena.allocate(DeflateSplice.capacity(runs.source(), runs.bits()[from], toBit));
    DeflateSplice s = DeflateSplice.build(dst, window, runs.source(), runs.bits()[from], toBit);
    Inflated r = inflate(s, dst);
    if (r.endedAtItsEnd()) {
      assertTrue(r.out().length >= s.prefixOutput, "prefix output missing");
      return new Inflated(
          Arrays.copyOfRange(r.out(), s.prefixOutput, r.out().length), true, r.consumed());
    }
    return r;
  }

  /** Index of the first boundary at or after {@code i} with a full window and bit offset r. */
  private static int withOffset(int r) {
    for (int i = 1; i < runs.bits().length - 1; i++) {
      if ((runs.bits()[i] & 7) == r && runs.before()[i] >= DeflateSplice.WINDOW) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void shouldInflateEveryRunBetweenTwoBlockBoundariesToTheOriginalBytes() {
    int checked = 0;
    for (int i = 1; i + 1 < runs.bits().length; i++) {
      if (runs.before()[i] < DeflateSplice.MIN_WINDOW) {
        continue;
      }
      Inflated r = splice(i, runs.bits()[i + 1], runs.window(i, DeflateSplice.WINDOW));
      assertTrue(r.endedAtItsEnd(), "run " + i + " at bit " + runs.bits()[i]);
      assertArrayEquals(runs.between(i, i + 1), r.out(), "run " + i);
      checked++;
    }
    assertTrue(checked > 50, "runs checked: " + checked);
  }

  @Test
  void shouldSpliceARunStartingAtEachOfTheEightBitOffsets() {
    for (int r = 0; r < 8; r++) {
      int i = withOffset(r);
      assertTrue(i > 0, "no block starts at bit offset " + r);
      Inflated got = splice(i, runs.bits()[i + 1], runs.window(i, DeflateSplice.WINDOW));
      assertTrue(got.endedAtItsEnd(), "bit offset " + r);
      assertArrayEquals(runs.between(i, i + 1), got.out(), "bit offset " + r);
    }
  }

  @Test
  void shouldSpliceWithAWindowShorterThan32KiB() {
    int i = withOffset(3);
    byte[] window = runs.window(i, DeflateSplice.WINDOW);
    // A run whose back-references reach less far: find one that decodes with 4 KiB.
    boolean any = false;
    for (int k = 1; k + 1 < runs.bits().length && !any; k++) {
      if (runs.before()[k] < 4096 || (runs.bits()[k] & 7) == 0) {
        continue;
      }
      Inflated r = splice(k, runs.bits()[k + 1], runs.window(k, 4096));
      if (r.endedAtItsEnd() && Arrays.equals(runs.between(k, k + 1), r.out())) {
        any = true;
      }
    }
    assertTrue(any, "no run decoded with a 4 KiB window (full window " + window.length + ")");
  }

  @Test
  void shouldNotEndCleanlyWhenTheRunDoesNotEndAtABlockBoundary() {
    int tried = 0;
    for (int i = 1; i + 2 < runs.bits().length && tried < 40; i += 3) {
      if (runs.before()[i] < DeflateSplice.WINDOW) {
        continue;
      }
      for (int d : new int[] {-9, -3, -1, 1, 2, 3, 5, 8, 13}) {
        long to = runs.bits()[i + 1] + d;
        Inflated r = splice(i, to, runs.window(i, DeflateSplice.WINDOW));
        assertFalse(r.endedAtItsEnd(), "run " + i + " cut " + d + " bits off its end");
        tried++;
      }
    }
    assertTrue(tried >= 40, "cuts tried: " + tried);
  }

  @Test
  void shouldStartAtTheStreamsFirstBitWithoutAWindow() {
    Inflated r = splice(0, runs.bits()[1], new byte[0]);
    assertTrue(r.endedAtItsEnd());
    assertArrayEquals(runs.between(0, 1), r.out());
  }

  @Test
  void shouldEndWithTheStreamsFinalBlockAndNameWhereItEnds() {
    int last = runs.bits().length - 1;
    MemorySegment dst =
        arena.allocate(DeflateSplice.capacity(runs.source(), runs.bits()[last], -1));
    byte[] window = runs.window(last, DeflateSplice.WINDOW);
    DeflateSplice s = DeflateSplice.build(dst, window, runs.source(), runs.bits()[last], -1);
    Inflater inf = new Inflater(true);
    byte[] in = dst.asSlice(0, s.length).toArray(JAVA_BYTE);
    inf.setInput(in);
    byte[] out = new byte[s.prefixOutput + runs.output().length];
    int n = 0;
    try {
      while (!inf.finished()) {
        n += inf.inflate(out, n, out.length - n);
      }
    } catch (DataFormatException e) {
      throw new AssertionError(e);
    }
    assertArrayEquals(
        Arrays.copyOfRange(runs.output(), (int) runs.before()[last], runs.output().length),
        Arrays.copyOfRange(out, s.prefixOutput, n));
    assertEquals(8, inf.getRemaining(), "the 8 bytes after the stream are not used");
    assertEquals(runs.deflateLength(), s.sourceEnd(in.length - inf.getRemaining()));
  }

  @Test
  void shouldBuildTheSameStreamWhenReadingTheRunFromTheFile() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("nuload-splice-", ".deflate");
    try {
      java.nio.file.Files.write(f, runs.source().toArray(JAVA_BYTE));
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
        for (int i : new int[] {0, 3, runs.bits().length / 2}) {
          long from = runs.bits()[i];
          long to = runs.bits()[i + 2];
          byte[] window = runs.window(i, IsalChunkDecoder.WINDOW);
          MemorySegment a = arena.allocate(DeflateSplice.capacity(runs.source(), from, to));
          MemorySegment b = arena.allocate(a.byteSize());
          DeflateSplice sa = DeflateSplice.build(a, window, runs.source(), from, to);
          DeflateSplice sb = DeflateSplice.build(b, window, runs.source(), from, to, ch);
          assertEquals(sa.length, sb.length);
          assertArrayEquals(
              a.asSlice(0, sa.length).toArray(JAVA_BYTE),
              b.asSlice(0, sb.length).toArray(JAVA_BYTE),
              "run from boundary " + i);
        }
      }
    } finally {
      java.nio.file.Files.deleteIfExists(f);
    }
  }

  @Test
  void shouldRejectAMidByteStartWithoutAWindow() {
    int i = withOffset(5);
    MemorySegment dst = arena.allocate(DeflateSplice.capacity(runs.source(), runs.bits()[i], -1));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DeflateSplice.build(dst, new byte[0], runs.source(), runs.bits()[i], -1));
    assertTrue(e.getMessage().contains("bit offset 5"), e.getMessage());
  }
}
