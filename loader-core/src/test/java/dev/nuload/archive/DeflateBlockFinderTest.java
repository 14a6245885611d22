package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The search for chunk starts in real zlib streams (data/nuscenes-real scene-0523, CC BY-NC-SA 4.0,
 * see LICENSE-nuScenes.txt there), whose true block boundaries ISA-L found by decoding ({@link
 * DeflateRuns}).
 */
class DeflateBlockFinderTest {
  /** Bits of a stored block's largest content (65,535 bytes) plus one search word. */
  private static final long ONE_STORED_BLOCK_BITS = 8L * 65_536 + 56;

  private static DeflateRuns real;
  private static DeflateRuns mixed;

  @BeforeAll
  static void streams() throws Exception {
    assumeTrue(IsalRawInflater.available(), "libisal.so.2 not installed");
    real = DeflateRuns.real();
    byte[] plain = real.output();
    // Real data, 2 MB of incompressible bytes (zlib writes them as stored blocks), real data.
    byte[] m = new byte[(1 << 20) + (2 << 20) + (1 << 20)];
    System.arraycopy(plain, 0, m, 0, 1 << 20);
    System.arraycopy(Tars.random(3, 2 << 20), 0, m, 1 << 20, 2 << 20);
    System.arraycopy(plain, 1 << 20, m, 3 << 20, 1 << 20);
    mixed = DeflateRuns.of(Arena.global(), m);
  }

  private static DeflateBlockFinder finder(DeflateRuns r) {
    return new DeflateBlockFinder(r.source());
  }

  /** BFINAL and BTYPE of the block header at {@code bit}: 4 = dynamic, 0 = stored (not final). */
  private static int headerType(DeflateRuns r, long bit) {
    int lo = r.source().get(JAVA_BYTE, bit >>> 3) & 0xFF;
    int hi = r.source().get(JAVA_BYTE, (bit >>> 3) + 1) & 0xFF;
    return ((lo | hi << 8) >>> (bit & 7)) & 7;
  }

  /** True boundaries of stored blocks whose output lies inside the incompressible 2 MB. */
  private static long[] storedInNoise() {
    return java.util.stream.IntStream.range(0, mixed.bits().length)
        .filter(i -> mixed.before()[i] > (1 << 20) && mixed.before()[i] < (3 << 20) - 65_536)
        .mapToLong(i -> mixed.bits()[i])
        .filter(b -> headerType(mixed, b) == 0)
        .toArray();
  }

  /** The first true boundary after {@code bit} that starts a non-final dynamic block. */
  private static long nextDynamicBoundary(DeflateRuns r, long bit) {
    return Arrays.stream(r.bits())
        .filter(b -> b > bit && headerType(r, b) == 4)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void shouldFindEveryRealDynamicBlockHeaderWhenStartedOnIt() {
    DeflateBlockFinder f = finder(real);
    long[] dynamic = Arrays.stream(real.bits()).filter(b -> headerType(real, b) == 4).toArray();
    assertTrue(dynamic.length > 20, "real dynamic blocks: " + dynamic.length);
    for (long b : dynamic) {
      assertEquals(b, f.find(b, b + 1, 0), "block header at bit " + b);
    }
  }

  @Test
  void shouldFindEachRealDynamicBlockHeaderFromEveryBitOfTheWordBeforeIt() {
    DeflateBlockFinder f = finder(real);
    long[] bits = real.bits();
    int checked = 0;
    for (int i = 1; i < bits.length; i++) {
      long b = bits[i];
      if (headerType(real, b) != 4 || b - bits[i - 1] < 200 || f.headerBits(b) < 96) {
        continue;
      }
      for (int d = 1; d <= 64; d++) {
        assertEquals(b, f.find(b - d, b + 1, ParallelGzipInflater.MIN_HEADER_BITS), b + " - " + d);
      }
      checked++;
    }
    assertTrue(checked > 20, "headers checked: " + checked);
  }

  @Test
  void shouldRejectAHeaderWhoseCodeLengthCodeIsNotComplete() {
    long b =
        Arrays.stream(real.bits())
            .filter(x -> headerType(real, x) == 4)
            .skip(3)
            .findFirst()
            .orElseThrow();
    DeflateBlockFinder f = finder(real);
    assertTrue(f.headerBits(b) > 0);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment copy = arena.allocate(real.source().byteSize());
      copy.copyFrom(real.source());
      // Each code-length-code length is 3 bits from bit 17 of the header; changing one length
      // changes the code's Kraft sum, so it is no longer exactly complete.
      for (int i = 0; i < 4 * 3; i++) {
        long bit = b + 17 + i;
        byte old = copy.get(JAVA_BYTE, bit >>> 3);
        copy.set(JAVA_BYTE, bit >>> 3, (byte) (old ^ (1 << (bit & 7))));
        assertEquals(-1, new DeflateBlockFinder(copy).headerBits(b), "bit " + i + " flipped");
        copy.set(JAVA_BYTE, bit >>> 3, old);
      }
    }
  }

  @Test
  void shouldReturnTheDynamicBlockAfterAStoredRunWhenStartedInsideIt() {
    long[] stored = storedInNoise();
    assertTrue(stored.length > 4, "stored blocks ISA-L stopped at: " + stored.length);
    long expected = nextDynamicBoundary(mixed, stored[stored.length - 1]);
    DeflateBlockFinder f = finder(mixed);
    long end = 8 * mixed.deflateLength();
    for (long s : stored) {
      for (long inside : new long[] {s, s + 3, s + 40, s + 8 * 1000 + 5}) {
        assertEquals(
            expected, f.find(inside, end, ParallelGzipInflater.MIN_HEADER_BITS), "from " + inside);
      }
    }
  }

  @Test
  void shouldStepOverStoredBlocksInsteadOfSearchingTheirBytes() {
    long[] stored = storedInNoise();
    long from = stored[0] + 8 * 100; // inside the first stored block's bytes
    long to = nextDynamicBoundary(mixed, stored[stored.length - 1]);
    assertTrue(to - from > 8L * (1 << 20), "a stored run of more than 1 MB");
    DeflateBlockFinder f = finder(mixed);
    assertEquals(to, f.find(from, to + 1, ParallelGzipInflater.MIN_HEADER_BITS));
    assertTrue(
        f.searchedBits() <= ONE_STORED_BLOCK_BITS,
        "searched " + f.searchedBits() + " of " + (to - from) + " bits");
  }

  @Test
  void shouldStopSearchingOnceTheBudgetIsSpent() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment noHeaders = arena.allocate(1 << 16).fill((byte) 0xFF);
      DeflateBlockFinder f = new DeflateBlockFinder(noHeaders);
      assertEquals(-1, f.find(0, 8L << 16, 0, 1000));
      assertTrue(f.searchedBits() >= 1000 && f.searchedBits() < 1000 + 56, "" + f.searchedBits());
    }
  }
}
