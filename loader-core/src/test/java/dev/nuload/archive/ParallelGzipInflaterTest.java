package dev.nuload.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parallel inflate of one gzip member: the same bytes as a sequential gzip decoder on real data
 * (nuScenes JPEGs and JSON tables, data/nuscenes-real scene-0523, CC BY-NC-SA 4.0, see
 * LICENSE-nuScenes.txt there) cut into many small chunks, and the same errors.
 */
class ParallelGzipInflaterTest {
  private static final long CHUNK = 64 << 10;
  private static ExecutorService pool;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    assumeTrue(IsalRawInflater.available(), "libisal.so.2 not installed");
    pool = Executors.newFixedThreadPool(3);
  }

  @AfterAll
  static void stop() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  private record Result(byte[] out, long end, ParallelGzipInflater.Stats stats) {}

  private Path realTgz(String compressor) throws Exception {
    return Tars.realArchive(dir, compressor);
  }

  private static Result inflate(Path gz, int threads) throws Exception {
    return inflate(gz, threads, ParallelGzipInflater.MAX_PIECE_BYTES);
  }

  private static Result inflate(Path gz, int threads, long maxPieceBytes) throws Exception {
    return inflate(gz, threads, maxPieceBytes, true);
  }

  private static Result inflate(Path gz, int threads, long maxPieceBytes, boolean libdeflate)
      throws Exception {
    return inflate(gz, threads, maxPieceBytes, libdeflate, CHUNK);
  }

  private static Result inflate(
      Path gz, int threads, long maxPieceBytes, boolean libdeflate, long chunk) throws Exception {
    return inflate(
        gz, threads, maxPieceBytes, libdeflate, chunk, ParallelGzipInflater.SPECULATIVE_STEP);
  }

  private static Result inflate(
      Path gz, int threads, long maxPieceBytes, boolean libdeflate, long chunk, int speculativeStep)
      throws Exception {
    byte[] head = Arrays.copyOf(Files.readAllBytes(gz), 4096);
    int start = GzipDecoder.headerLength(head, head.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Arena arena = Arena.ofShared();
        var ch = java.nio.channels.FileChannel.open(gz)) {
      MemorySegment file =
          ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
      ParallelGzipInflater inf =
          new ParallelGzipInflater(
              gz.toString(),
              file,
              start,
              chunk,
              pool,
              threads,
              maxPieceBytes,
              libdeflate,
              speculativeStep);
      long end = inf.run((d, n) -> out.write(d, 0, n), new AtomicLong());
      return new Result(out.toByteArray(), end, inf.stats());
    }
  }

  private static byte[] gunzipFirstMember(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  @Test
  void shouldGiveTheSameBytesAsGunzipAcrossManySpeculativeChunks() throws Exception {
    assumeTrue(Tars.hasTool("gzip"), "gzip not installed");
    Path tgz = realTgz("gzip");
    Result r = inflate(tgz, 2);
    assertArrayEquals(gunzipFirstMember(Files.readAllBytes(tgz)), r.out());
    assertEquals(Files.size(tgz), r.end(), "ends after the trailer");
    assertTrue(r.stats().used() > 20, "many chunks decoded from a guessed start: " + r.stats());
  }

  @Test
  void shouldFinishChunksWithLibdeflateGivingTheSameBytes() throws Exception {
    assumeTrue(LibdeflateChunkDecoder.usable(), "libdeflate.so.0 not installed");
    byte[] tar = gunzipFirstMember(Files.readAllBytes(realTgz("gzip")));
    Path gz = Files.write(dir.resolve("java.tgz"), Tars.gzip(tar));
    // Chunks of 512 KiB: the speculative start of a chunk takes about 100 KB of output here.
    Result r = inflate(gz, 2, ParallelGzipInflater.MAX_PIECE_BYTES, true, 512 << 10);
    assertArrayEquals(tar, r.out());
    assertTrue(r.stats().used() > 5, r.stats().toString());
    assertTrue(
        r.stats().libdeflate() >= r.stats().used() - 1,
        "all chunks but at most one finished by libdeflate: " + r.stats());
  }

  @Test
  void shouldResolveOutputIsalHoldsBackWhenTheRealWindowReplacesTheStandIn() throws Exception {
    // Decode steps smaller than the window: when the real window arrives, ISA-L may hold decoded
    // output not yet handed out from before its last 32 KiB; those bytes need resolving too.
    byte[] tar = gunzipFirstMember(Files.readAllBytes(realTgz("gzip")));
    Path gz = Files.write(dir.resolve("java.tgz"), Tars.gzip(tar));
    for (int step : new int[] {8 << 10, 16 << 10}) {
      Result r = inflate(gz, 3, ParallelGzipInflater.MAX_PIECE_BYTES, false, 256 << 10, step);
      assertArrayEquals(tar, r.out(), "speculative step " + step + ": " + r.stats());
    }
  }

  @Test
  void shouldGiveTheSameBytesOnIsalAloneWithLibdeflateOff() throws Exception {
    byte[] tar = gunzipFirstMember(Files.readAllBytes(realTgz("gzip")));
    Path gz = Files.write(dir.resolve("java.tgz"), Tars.gzip(tar));
    Result r = inflate(gz, 2, ParallelGzipInflater.MAX_PIECE_BYTES, false);
    assertArrayEquals(tar, r.out());
    assertEquals(0, r.stats().libdeflate(), r.stats().toString());
  }

  @Test
  void shouldGiveTheSameBytesForPigzAndJavaGzipOutput() throws Exception {
    assumeTrue(Tars.hasTool("pigz"), "pigz not installed");
    Path pigz = realTgz("pigz");
    assertArrayEquals(gunzipFirstMember(Files.readAllBytes(pigz)), inflate(pigz, 3).out());
    byte[] tar = gunzipFirstMember(Files.readAllBytes(pigz));
    Path java = Files.write(dir.resolve("java.tgz"), Tars.gzip(tar));
    assertArrayEquals(tar, inflate(java, 2).out());
  }

  @Test
  void shouldStreamFromAChunkThatInflatesPastTheCapInsteadOfHoldingIt() throws Exception {
    byte[] tar = gunzipFirstMember(Files.readAllBytes(realTgz("gzip")));
    byte[] data = new byte[tar.length * 2 + (40 << 20)];
    System.arraycopy(tar, 0, data, 0, tar.length);
    System.arraycopy(tar, 0, data, data.length - tar.length, tar.length); // zeros between
    Path gz = Files.write(dir.resolve("bomb-ish.gz"), Tars.gzip(data));
    Result r = inflate(gz, 2, 4 << 20);
    assertEquals(Files.size(gz), r.end());
    assertArrayEquals(data, r.out());
    assertTrue(r.stats().streamedFrom() > 0, "streamed from a later chunk: " + r.stats());
    assertTrue(r.stats().used() > 5, "parallel before that: " + r.stats());
  }

  @Test
  void shouldStepOverIncompressibleDataInsteadOfSearchingEveryBit() throws Exception {
    byte[] data = Tars.random(11, 6 << 20); // zlib writes it as stored blocks
    Path gz = Files.write(dir.resolve("random.gz"), Tars.gzip(data));
    Result r = inflate(gz, 2);
    assertArrayEquals(data, r.out());
    assertTrue(
        r.stats().searchedBytes() < Files.size(gz) / 16,
        "searched for chunk starts: " + r.stats() + " of " + Files.size(gz) + " bytes");
  }

  @Test
  void shouldUseTheChunksAfterARunOfStoredBlocks() throws Exception {
    byte[] tar = gunzipFirstMember(Files.readAllBytes(realTgz("gzip")));
    byte[] noise = Tars.random(12, 2 << 20);
    byte[] data = new byte[tar.length * 2 + noise.length];
    System.arraycopy(tar, 0, data, 0, tar.length);
    System.arraycopy(noise, 0, data, tar.length, noise.length);
    System.arraycopy(tar, 0, data, tar.length + noise.length, tar.length);
    Path gz = Files.write(dir.resolve("mixed.gz"), Tars.gzip(data));
    Result r = inflate(gz, 2);
    assertArrayEquals(data, r.out());
    long realChunks = 2 * (Files.size(realTgz("gzip")) / CHUNK);
    assertTrue(r.stats().used() >= realChunks * 3 / 4, realChunks + " real chunks: " + r.stats());
  }

  /** A sink that keeps native slices unreleased until told, and may fail on one of them. */
  private static final class HoldingSink implements ParallelGzipInflater.Sink {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final java.util.List<Runnable> held = new java.util.ArrayList<>();
    final int failAt;
    int nativeSlices;

    HoldingSink(int failAt) {
      this.failAt = failAt;
    }

    @Override
    public void accept(byte[] data, int length) {
      out.write(data, 0, length);
    }

    @Override
    public void acceptNative(MemorySegment data, Runnable release) throws InterruptedException {
      if (++nativeSlices == failAt) {
        release.run();
        throw new InterruptedException("sink closed");
      }
      out.writeBytes(data.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
      held.add(release);
    }
  }

  private static ParallelGzipInflater inflater(Path gz, Arena arena) throws IOException {
    byte[] head = Arrays.copyOf(Files.readAllBytes(gz), 4096);
    try (var ch = java.nio.channels.FileChannel.open(gz)) {
      MemorySegment file =
          ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
      return new ParallelGzipInflater(
          gz.toString(), file, GzipDecoder.headerLength(head, head.length), CHUNK, pool, 2);
    }
  }

  @Test
  void shouldHandLibdeflateOutputOnInNativeSlicesAndFreeEveryBufferOnceReleased() throws Exception {
    assumeTrue(LibdeflateChunkDecoder.usable(), "libdeflate not installed");
    Path tgz = realTgz("gzip");
    try (Arena arena = Arena.ofShared()) {
      ParallelGzipInflater inf = inflater(tgz, arena);
      HoldingSink sink = new HoldingSink(-1);
      inf.run(sink, new AtomicLong());
      assertArrayEquals(gunzipFirstMember(Files.readAllBytes(tgz)), sink.out.toByteArray());
      int spliced = inf.stats().libdeflate();
      assertTrue(spliced > 0 && sink.nativeSlices >= spliced, sink.nativeSlices + " " + spliced);
      assertTrue(inf.nativeBuffersLive() > 0, "slices still hold their buffers");
      sink.held.forEach(Runnable::run);
      assertEquals(0, inf.nativeBuffersLive());
    }
  }

  @Test
  void shouldFreeEveryNativeBufferWhenTheSinkFails() throws Exception {
    assumeTrue(LibdeflateChunkDecoder.usable(), "libdeflate not installed");
    Path tgz = realTgz("gzip");
    try (Arena arena = Arena.ofShared()) {
      ParallelGzipInflater inf = inflater(tgz, arena);
      HoldingSink sink = new HoldingSink(5);
      assertThrows(InterruptedException.class, () -> inf.run(sink, new AtomicLong()));
      sink.held.forEach(Runnable::run);
      assertEquals(0, inf.nativeBuffersLive());
    }
  }

  @Test
  void shouldStopAtTheEndOfTheFirstMemberWhenAnotherFollows() throws Exception {
    byte[] a = Tars.random(1, 600_000);
    byte[] first = Tars.gzip(a);
    byte[] both = new byte[first.length + first.length];
    System.arraycopy(first, 0, both, 0, first.length);
    System.arraycopy(first, 0, both, first.length, first.length);
    Path gz = Files.write(dir.resolve("two.gz"), both);
    Result r = inflate(gz, 2);
    assertArrayEquals(a, r.out());
    assertEquals(first.length, r.end());
  }

  @Test
  void shouldReportACrcMismatchNamingTheArchive() throws Exception {
    Path tgz = realTgz("gzip");
    byte[] b = Files.readAllBytes(tgz);
    b[b.length - 8] ^= 1;
    Path bad = Files.write(dir.resolve("crc.tgz"), b);
    CorruptArchiveException e = assertThrows(CorruptArchiveException.class, () -> inflate(bad, 2));
    assertTrue(e.getMessage().contains("crc.tgz"), e.getMessage());
    assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
  }

  @Test
  void shouldReportATruncatedFileNamingTheArchive() throws Exception {
    Path tgz = realTgz("gzip");
    byte[] b = Files.readAllBytes(tgz);
    Path cut = Files.write(dir.resolve("cut.tgz"), Arrays.copyOf(b, b.length * 2 / 3));
    CorruptArchiveException e = assertThrows(CorruptArchiveException.class, () -> inflate(cut, 2));
    assertTrue(e.getMessage().contains("cut.tgz"), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void shouldReportDamagedDeflateDataInsteadOfWrongBytes() throws Exception {
    Path tgz = realTgz("gzip");
    byte[] b = Files.readAllBytes(tgz);
    for (int i = b.length / 2; i < b.length / 2 + 64; i++) {
      b[i] = (byte) (b[i] * 31 + 7);
    }
    Path bad = Files.write(dir.resolve("damaged.tgz"), b);
    CorruptArchiveException e = assertThrows(CorruptArchiveException.class, () -> inflate(bad, 2));
    assertTrue(e.getMessage().contains("damaged.tgz"), e.getMessage());
  }

  @Test
  void shouldCombineCrcsAsTheCrcOfTheJoinedBytes() {
    byte[] data = Tars.random(7, 100_000);
    for (int cut : new int[] {0, 1, 4095, 65_536, 99_999, 100_000}) {
      java.util.zip.CRC32 a = new java.util.zip.CRC32();
      a.update(data, 0, cut);
      java.util.zip.CRC32 b = new java.util.zip.CRC32();
      b.update(data, cut, data.length - cut);
      java.util.zip.CRC32 all = new java.util.zip.CRC32();
      all.update(data);
      assertEquals(
          all.getValue(),
          Crc32Combine.combine(a.getValue(), b.getValue(), data.length - cut),
          "cut at " + cut);
    }
  }
}
