package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;

/**
 * A raw deflate stream of real nuScenes data (JPEGs and JSON tables of data/nuscenes-real
 * scene-0523, CC BY-NC-SA 4.0, see LICENSE-nuScenes.txt there) made by zlib, with every block
 * boundary ISA-L stops at when fed 64 bytes at a time, and the output before each.
 *
 * @param source the deflate stream followed by 8 bytes that are not part of it (as a gzip trailer).
 * @param deflateLength bytes of the deflate stream.
 * @param output the stream's whole output.
 * @param bits bit offsets of block starts, ascending, the first 0.
 * @param before output bytes before each of them.
 */
record DeflateRuns(
    MemorySegment source, long deflateLength, byte[] output, long[] bits, long[] before) {

  private static DeflateRuns shared;

  /**
   * Returns the stream of the real scene's samples and tables, made once per test JVM (kept in the
   * global arena: about 3 MB).
   */
  static synchronized DeflateRuns real() throws Exception {
    if (shared == null) {
      shared = real(Arena.global());
    }
    return shared;
  }

  /** Packs the real scene's samples and tables and finds the block boundaries. */
  private static DeflateRuns real(Arena arena) throws Exception {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    try (Stream<Path> files = Files.walk(ExtractorTest.REAL)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        if (data.size() < (3 << 20)) {
          data.writeBytes(Files.readAllBytes(f));
        }
      }
    }
    return of(arena, data.toByteArray());
  }

  /**
   * Deflates {@code plain} with zlib at level 6 (incompressible stretches become stored blocks) and
   * finds the block boundaries.
   */
  static DeflateRuns of(Arena arena, byte[] plain) throws DataFormatException {
    Deflater d = new Deflater(6, true);
    d.setInput(plain);
    d.finish();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    while (!d.finished()) {
      z.write(buf, 0, d.deflate(buf));
    }
    d.end();
    byte[] deflate = z.toByteArray();
    MemorySegment source = arena.allocate(deflate.length + 8L);
    MemorySegment.copy(deflate, 0, source, JAVA_BYTE, 0, deflate.length);
    source.asSlice(deflate.length).fill((byte) 0x5a);
    return boundaries(source, deflate.length, plain);
  }

  private static DeflateRuns boundaries(MemorySegment source, long deflateLength, byte[] plain)
      throws DataFormatException {
    List<long[]> found = new ArrayList<>();
    found.add(new long[] {0, 0});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (IsalChunkDecoder dec = new IsalChunkDecoder(source.asSlice(0, deflateLength), 1 << 20)) {
      dec.start(0, null);
      long fed = 0;
      while (true) {
        int n = dec.inflate(1 << 20);
        out.writeBytes(dec.output().asSlice(0, n).toArray(JAVA_BYTE));
        if (dec.finished()) {
          break;
        }
        if (n == 0) {
          long at = dec.positionBits();
          if (dec.atBlockBoundary() && at != found.get(found.size() - 1)[0]) {
            found.add(new long[] {at, out.size()});
          }
          if (fed >= deflateLength) {
            throw new IllegalStateException("stream did not end");
          }
          fed = Math.min(deflateLength, fed + STEP);
          dec.feedTo(fed);
        }
      }
    }
    if (!Arrays.equals(plain, out.toByteArray())) {
      throw new IllegalStateException("ISA-L gave other bytes than were deflated");
    }
    long[] bits = found.stream().mapToLong(f -> f[0]).toArray();
    long[] before = found.stream().mapToLong(f -> f[1]).toArray();
    return new DeflateRuns(source, deflateLength, plain, bits, before);
  }

  private static final int STEP = ParallelGzipInflater.SEEK_STEP;

  /** The output before boundary {@code i}, at most {@code max} bytes of it. */
  byte[] window(int i, int max) {
    int n = (int) Math.min(max, before[i]);
    return Arrays.copyOfRange(output, (int) before[i] - n, (int) before[i]);
  }

  /** The output between boundaries {@code i} and {@code j}. */
  byte[] between(int i, int j) {
    return Arrays.copyOfRange(output, (int) before[i], (int) before[j]);
  }
}
