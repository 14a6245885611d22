package dev.nuload.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every {@link InflateEngine} meets inside {@link GzipDecoder}: byte-identical output
 * for any member layout, and the same errors (naming the archive and the byte offset) for truncated
 * and corrupt data. ISA-L cases are skipped, with a message, where {@code libisal.so.2} is not
 * installed.
 */
class InflateEngineContractTest {
  @TempDir Path dir;

  private static void assumeUsable(InflateEngine e) {
    Assumptions.assumeTrue(
        e.available(), e + " not usable here (" + e.loadFailure() + "); install libisal2");
  }

  /** Half random bytes (stored or literal-heavy blocks), half text-like runs (matches). */
  private static byte[] mixed(long seed, int n) {
    Random r = new Random(seed);
    byte[] b = new byte[n];
    int i = 0;
    while (i < n) {
      int run = Math.min(n - i, 1 + r.nextInt(5000));
      if (r.nextBoolean()) {
        byte[] x = new byte[run];
        r.nextBytes(x);
        System.arraycopy(x, 0, b, i, run);
      } else {
        for (int k = 0; k < run; k++) {
          b[i + k] = (byte) ("nuScenes sample_data ".charAt(k % 21) + (k / 997));
        }
      }
      i += run;
    }
    return b;
  }

  private static byte[] gzipMember(byte[] data, int level) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream g =
        new GZIPOutputStream(b) {
          {
            def.setLevel(level);
          }
        }) {
      g.write(data);
    }
    return b.toByteArray();
  }

  /** Runs the streaming decoder over a file; returns the output or throws its error. */
  private byte[] decode(Path file, InflateEngine engine) throws Exception {
    ChunkPipe pipe = new ChunkPipe(4);
    AtomicReference<Throwable> err = new AtomicReference<>();
    try (FileChannel ch = FileChannel.open(file)) {
      SourceReader src = new SourceReader(ch, null, new AtomicLong());
      Thread t =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      new GzipDecoder(file.getFileName().toString(), src, engine).run(pipe);
                      pipe.finish();
                    } catch (Throwable x) {
                      err.set(x);
                      pipe.fail(x);
                    }
                  });
      try {
        return pipe.readAllBytes();
      } finally {
        pipe.close();
        t.join();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(InflateEngine.class)
  void shouldDecodeManyMembersOfAnySizeByteIdentically(InflateEngine engine) throws Exception {
    assumeUsable(engine);
    Random r = new Random(11);
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    for (int m = 0; m < 120; m++) {
      int n = m % 10 == 0 ? r.nextInt(3) : r.nextInt(m % 7 == 0 ? 700_000 : 40_000);
      byte[] data = mixed(m, n);
      plain.writeBytes(data);
      gz.writeBytes(gzipMember(data, new int[] {0, 1, 6, 9}[m % 4]));
    }
    Path f = Files.write(dir.resolve("many.gz"), gz.toByteArray());
    assertArrayEquals(plain.toByteArray(), decode(f, engine));
  }

  @ParameterizedTest
  @EnumSource(InflateEngine.class)
  void shouldDecodeOneLargeMemberByteIdentically(InflateEngine engine) throws Exception {
    assumeUsable(engine);
    byte[] data = mixed(5, 5_000_000);
    Path f = Files.write(dir.resolve("one.gz"), gzipMember(data, 6));
    assertArrayEquals(data, decode(f, engine));
  }

  @ParameterizedTest
  @EnumSource(InflateEngine.class)
  void shouldStopOnCrcMismatchNamingMemberAndOffset(InflateEngine engine) throws Exception {
    assumeUsable(engine);
    byte[] a = gzipMember(mixed(1, 100_000), 6);
    byte[] b = gzipMember(mixed(2, 300_000), 6);
    b[b.length - 8] ^= 0x55;
    byte[] cat = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, cat, a.length, b.length);
    Path f = Files.write(dir.resolve("crc.gz"), cat);
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> decode(f, engine));
    assertTrue(
        e.getMessage().contains("gzip CRC mismatch in the member starting at byte " + a.length),
        e.getMessage());
    assertTrue(e.getMessage().contains("crc.gz"), e.getMessage());
    assertTrue(e.getMessage().contains("at archive byte " + (cat.length - 8)), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(InflateEngine.class)
  void shouldStopOnTruncatedDataAtTheEndOfTheFile(InflateEngine engine) throws Exception {
    assumeUsable(engine);
    byte[] gz = gzipMember(mixed(3, 400_000), 6);
    int cut = gz.length / 2;
    Path f = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, cut));
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> decode(f, engine));
    assertTrue(e.getMessage().contains("truncated gzip data"), e.getMessage());
    assertTrue(e.getMessage().contains("at archive byte " + cut), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(InflateEngine.class)
  void shouldStopOnTruncatedTrailer(InflateEngine engine) throws Exception {
    assumeUsable(engine);
    byte[] gz = gzipMember(mixed(3, 50_000), 6);
    Path f = Files.write(dir.resolve("trailer.gz"), Arrays.copyOf(gz, gz.length - 3));
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> decode(f, engine));
    assertTrue(e.getMessage().contains("truncated gzip"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(InflateEngine.class)
  void shouldStopOnInvalidDeflateData(InflateEngine engine) throws Exception {
    assumeUsable(engine);
    byte[] gz = gzipMember(mixed(4, 200_000), 6);
    gz[10] = (byte) 0xff; // first block header: BTYPE 11 is reserved
    Path f = Files.write(dir.resolve("bad.gz"), gz);
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> decode(f, engine));
    assertTrue(e.getMessage().contains("bad deflate data"), e.getMessage());
    assertTrue(e.getMessage().contains("bad.gz"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(InflateEngine.class)
  void shouldDecodeBgzfMemberInMemoryAndCheckItsCrc(InflateEngine engine) throws Exception {
    assumeUsable(engine);
    byte[] data = mixed(6, 65_000);
    byte[] m = Tars.bgzf(data);
    assertArrayEquals(data, GzipDecoder.decodeMember(m, "x.gz", 0, engine));
    m[m.length - 5] ^= 1; // CRC
    CorruptArchiveException e =
        assertThrows(
            CorruptArchiveException.class, () -> GzipDecoder.decodeMember(m, "x.gz", 0, engine));
    assertTrue(e.getMessage().contains("gzip CRC mismatch"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(InflateEngine.class)
  void shouldExtractGzipArchiveLikeTar(InflateEngine engine) throws Exception {
    assumeUsable(engine);
    Tars t = new Tars();
    for (int i = 0; i < 30; i++) {
      t.file("samples/f" + i + ".bin", mixed(i, 10_000 + 31_000 * i));
    }
    Path tgz = Files.write(dir.resolve("x.tgz"), gzipMember(t.tar(), Deflater.BEST_SPEED));
    Path out = dir.resolve("out");
    try (Extractor ex = new Extractor(ExtractOptions.defaults(out).withInflate(engine))) {
      ArchiveResult r = ex.extract(tgz, new Extractor.Listener() {});
      assertEquals(ArchiveResult.Status.EXTRACTED, r.status(), String.valueOf(r.error()));
      assertTrue(r.method().contains(engine.description()), r.method());
    }
    if (Tars.hasTool("tar")) {
      Path ref = Files.createDirectories(dir.resolve("ref"));
      Tars.run(ref, "tar", "-xzf", tgz.toString());
      assertEquals(Tars.tree(ref), Tars.tree(out));
    }
  }
}
