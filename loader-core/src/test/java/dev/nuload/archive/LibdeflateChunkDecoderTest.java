package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nuload.archive.LibdeflateChunkDecoder.Outcome;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * libdeflate decoding runs of real deflate blocks ({@link DeflateRuns}) and telling how each ended.
 */
class LibdeflateChunkDecoderTest {
  private static DeflateRuns runs;
  private LibdeflateChunkDecoder decoder;

  @BeforeAll
  static void load() throws Exception {
    assumeTrue(IsalRawInflater.available(), "libisal.so.2 not installed");
    assumeTrue(LibdeflateChunkDecoder.LOAD_FAILURE == null, "libdeflate.so.0 not installed");
    runs = DeflateRuns.real();
  }

  /** Most output a test asks for. */
  private static final long MAX_OUTPUT = 1 << 26;

  private MemorySegment out;

  @BeforeEach
  void open() {
    decoder = new LibdeflateChunkDecoder(null);
    out = LibdeflateChunkDecoder.allocate(LibdeflateChunkDecoder.MAX_PREFIX_OUTPUT + MAX_OUTPUT);
  }

  @AfterEach
  void release() {
    decoder.close();
    LibdeflateChunkDecoder.freeMemory(out);
  }

  /** A boundary a few runs in, with a full window, and one 5 boundaries later. */
  private static int from() {
    for (int i = 1; i < runs.bits().length; i++) {
      if (runs.before()[i] >= DeflateSplice.WINDOW && (runs.bits()[i] & 7) != 0) {
        return i;
      }
    }
    throw new AssertionError("no boundary with a full window");
  }

  private Outcome decode(int i, long toBit, long maxOutput) {
    return decoder.decode(
        runs.source(), runs.window(i, DeflateSplice.WINDOW), runs.bits()[i], toBit, maxOutput, out);
  }

  @Test
  void shouldDecodeARunThatEndsAtABlockBoundary() {
    int i = from();
    assertEquals(Outcome.AT_END, decode(i, runs.bits()[i + 5], 1 << 24));
    assertArrayEquals(runs.between(i, i + 5), decoder.output().toArray(JAVA_BYTE));
  }

  @Test
  void shouldFailWhenTheRunDoesNotEndAtABlockBoundary() {
    int i = from();
    assertEquals(Outcome.FAILED, decode(i, runs.bits()[i + 5] + 3, 1 << 24));
  }

  @Test
  void shouldNameTheByteAfterTheStreamWhenItsFinalBlockEndsTheRun() {
    int i = from();
    assertEquals(Outcome.FINISHED, decode(i, -1, MAX_OUTPUT));
    assertEquals(runs.deflateLength(), decoder.endByte());
    assertArrayEquals(
        Arrays.copyOfRange(runs.output(), (int) runs.before()[i], runs.output().length),
        decoder.output().toArray(JAVA_BYTE));
  }

  @Test
  void shouldFailWhenTheRunInflatesPastTheLimit() {
    int i = from();
    long needed = runs.before()[i + 5] - runs.before()[i];
    assertEquals(Outcome.FAILED, decode(i, runs.bits()[i + 5], needed - 1));
    assertEquals(Outcome.AT_END, decode(i, runs.bits()[i + 5], needed));
  }

  @Test
  void shouldFailOnABlockOfTheReservedType() {
    int i = from();
    MemorySegment damaged = Arena.ofAuto().allocate(runs.source().byteSize());
    MemorySegment.copy(runs.source(), 0, damaged, 0, damaged.byteSize());
    // BTYPE = 11 (reserved) in the header of the third block of the run.
    for (long bit = runs.bits()[i + 2] + 1; bit < runs.bits()[i + 2] + 3; bit++) {
      long at = bit >>> 3;
      damaged.set(JAVA_BYTE, at, (byte) (damaged.get(JAVA_BYTE, at) | (1 << (bit & 7))));
    }
    Outcome o =
        decoder.decode(
            damaged,
            runs.window(i, DeflateSplice.WINDOW),
            runs.bits()[i],
            runs.bits()[i + 5],
            1 << 24,
            out);
    assertEquals(Outcome.FAILED, o);
  }

  @Test
  void shouldDecodeRunsOfGrowingSizeWithOneDecoder() {
    int i = from();
    for (int j = i + 1; j < Math.min(runs.bits().length, i + 40); j += 7) {
      assertEquals(Outcome.AT_END, decode(i, runs.bits()[j], 1 << 24), "to boundary " + j);
      assertArrayEquals(runs.between(i, j), decoder.output().toArray(JAVA_BYTE), "to " + j);
    }
  }
}
