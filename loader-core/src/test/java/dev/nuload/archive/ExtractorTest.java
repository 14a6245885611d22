package dev.nuload.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extraction of well-formed archives: identical trees to {@code tar -x}, formats, resume. */
class ExtractorTest {
  static final Path REAL =
      Path.of(System.getProperty("nuload.testdata.dir", "../testdata"))
          .resolve("nuscenes-real/scene-0523");

  @TempDir Path dir;

  /** Real nuScenes files (tables and camera JPEGs of scene-0523) packed by GNU tar + gzip. */
  private Path realTgz(String compressor) throws Exception {
    return Tars.realArchive(dir, compressor);
  }

  private ArchiveResult extract(Path archive, Path target, ExtractOptions o) throws IOException {
    try (Extractor ex = new Extractor(o)) {
      return ex.extract(archive, new Extractor.Listener() {});
    }
  }

  private ArchiveResult extract(Path archive, Path target) throws IOException {
    return extract(archive, target, ExtractOptions.defaults(target));
  }

  private Map<String, String> tarX(Path archive, String flags) throws Exception {
    Path t = Files.createDirectories(dir.resolve("tar-" + archive.getFileName()));
    Tars.run(t, "tar", flags, archive.toString());
    return Tars.tree(t);
  }

  @Test
  void shouldGiveTheSameTreeAsTarForGzipArchive() throws Exception {
    Path tgz = realTgz("gzip");
    Path out = dir.resolve("out");
    ArchiveResult r = extract(tgz, out);
    assertEquals(ArchiveResult.Status.EXTRACTED, r.status(), String.valueOf(r.error()));
    Map<String, String> expected = tarX(tgz, "-xzf");
    assertTrue(expected.size() > 100, "fixture has files");
    assertEquals(expected, Tars.tree(out));
  }

  @Test
  void shouldGiveTheSameTreeAsTarForPigzArchive() throws Exception {
    assumeTrue(Tars.hasTool("pigz"), "pigz not installed");
    Path tgz = realTgz("pigz");
    Path out = dir.resolve("out");
    assertEquals(ArchiveResult.Status.EXTRACTED, extract(tgz, out).status());
    assertEquals(tarX(tgz, "-xzf"), Tars.tree(out));
  }

  @Test
  void shouldGiveTheSameTreeAsTarWhenOneGzipMemberIsInflatedInParallel() throws Exception {
    assumeTrue(IsalRawInflater.available(), "libisal.so.2 not installed");
    Path tgz = realTgz("gzip");
    Path out = dir.resolve("out");
    ArchiveResult r = extractInParallel(tgz, out, ExtractOptions.defaults(out));
    assertEquals(ArchiveResult.Status.EXTRACTED, r.status(), String.valueOf(r.error()));
    assertTrue(r.method().contains("parallel inflate"), r.method());
    assertTrue(r.method().matches(".* chunks used(; \\d+ finished by libdeflate)?\\)"), r.method());
    assertEquals(2, r.method().split("chunks used", -1).length, "named once: " + r.method());
    assertEquals(tarX(tgz, "-xzf"), Tars.tree(out));
  }

  @Test
  void shouldInflateOneGzipMemberOnOneThreadWithOneWorker() throws Exception {
    assumeTrue(IsalRawInflater.available(), "libisal.so.2 not installed");
    Path tgz = realTgz("gzip");
    Path out = dir.resolve("out");
    ArchiveResult r = extractInSmallChunks(tgz, out, ExtractOptions.defaults(out), 1);
    assertEquals(ArchiveResult.Status.EXTRACTED, r.status(), String.valueOf(r.error()));
    assertFalse(r.method().contains("parallel"), r.method());
    assertEquals(tarX(tgz, "-xzf"), Tars.tree(out));
  }

  @Test
  void shouldGiveTheSameTreeAsTarForZstdArchive() throws Exception {
    assumeTrue(Tars.hasTool("zstd"), "zstd not installed");
    Path zst = realTgz("zstd");
    Path out = dir.resolve("out");
    ArchiveResult r = extract(zst, out);
    assertEquals(ArchiveResult.Status.EXTRACTED, r.status(), String.valueOf(r.error()));
    Path t = Files.createDirectories(dir.resolve("tar-zst"));
    Tars.run(t, "sh", "-c", "zstd -dc " + zst + " | tar -xf -");
    assertEquals(Tars.tree(t), Tars.tree(out));
  }

  @Test
  void shouldGiveTheSameTreeAsTarForPlainTarWithLongNames() throws Exception {
    String longName =
        "samples/CAM_FRONT/" + "n015-2018-07-24-11-22-45+0800__CAM_FRONT__".repeat(4) + ".jpg";
    Path tar =
        new Tars()
            .dir("samples/")
            .file("samples/a.bin", Tars.random(1, 100_000))
            .file(longName, Tars.random(2, 5000))
            .file("samples/empty.txt", new byte[0])
            .writeTar(dir.resolve("x.tar"));
    Path out = dir.resolve("out");
    assertEquals(ArchiveResult.Status.EXTRACTED, extract(tar, out).status());
    assertEquals(tarX(tar, "-xf"), Tars.tree(out));
  }

  @Test
  void shouldDecodeConcatenatedGzipMembers() throws Exception {
    byte[] tar =
        new Tars()
            .file("a/1.bin", Tars.random(3, 300_000))
            .file("a/2.bin", Tars.random(4, 10))
            .tar();
    ByteArrayOutputStream cat = new ByteArrayOutputStream();
    int half = 200_000;
    cat.writeBytes(Tars.gzip(java.util.Arrays.copyOf(tar, half)));
    cat.writeBytes(Tars.gzip(java.util.Arrays.copyOfRange(tar, half, tar.length)));
    Path tgz = Files.write(dir.resolve("cat.tgz"), cat.toByteArray());
    Path out = dir.resolve("out");
    assertEquals(ArchiveResult.Status.EXTRACTED, extract(tgz, out).status());
    assertEquals(tarX(tgz, "-xzf"), Tars.tree(out));
  }

  @Test
  void shouldDecodeBgzfMembersInParallel() throws Exception {
    Tars t = new Tars();
    for (int i = 0; i < 40; i++) {
      t.file("samples/f" + i + ".bin", Tars.random(i, 20_000 + i * 999));
    }
    Path gz = Files.write(dir.resolve("x.tar.gz"), Tars.bgzf(t.tar()));
    Path out = dir.resolve("out");
    ArchiveResult r = extract(gz, out);
    assertEquals(ArchiveResult.Status.EXTRACTED, r.status(), String.valueOf(r.error()));
    assertTrue(r.method().contains("BGZF"), r.method());
    assertEquals(tarX(gz, "-xzf"), Tars.tree(out));
  }

  @Test
  void shouldDecodeMultiFrameZstdInParallel() throws Exception {
    Tars t = new Tars();
    for (int i = 0; i < 30; i++) {
      t.file("sweeps/f" + i + ".bin", Tars.random(i, 50_000));
    }
    byte[] tar = t.tar();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    for (int off = 0; off < tar.length; off += 300_000) { // frames cut mid-entry on purpose
      byte[] part = java.util.Arrays.copyOfRange(tar, off, Math.min(tar.length, off + 300_000));
      try (var ctx = new com.github.luben.zstd.ZstdCompressCtx()) {
        z.writeBytes(ctx.setContentSize(true).setChecksum(true).compress(part));
      }
    }
    Path zst = Files.write(dir.resolve("x.tar.zst"), z.toByteArray());
    Path out = dir.resolve("out");
    ArchiveResult r = extract(zst, out);
    assertEquals(ArchiveResult.Status.EXTRACTED, r.status(), String.valueOf(r.error()));
    assertTrue(r.method().contains("frames decoded"), r.method());
    Path ref = Files.createDirectories(dir.resolve("ref"));
    Files.write(dir.resolve("x.tar"), tar);
    Tars.run(ref, "tar", "-xf", dir.resolve("x.tar").toString());
    assertEquals(Tars.tree(ref), Tars.tree(out));
  }

  @Test
  void shouldExtractSeveralArchivesAtOnceIntoOneRoot() throws Exception {
    Path a =
        new Tars()
            .file("samples/CAM_FRONT/a.jpg", Tars.random(1, 1000))
            .writeTgz(dir.resolve("a.tgz"));
    Path b =
        new Tars()
            .file("samples/CAM_BACK/b.jpg", Tars.random(2, 1000))
            .writeTgz(dir.resolve("b.tgz"));
    Path out = dir.resolve("out");
    try (Extractor ex = new Extractor(ExtractOptions.defaults(out).withThreads(2, 2))) {
      List<ArchiveResult> rs = ex.extractAll(List.of(a, b), new Extractor.Listener() {});
      assertEquals(2, rs.size());
      rs.forEach(r -> assertEquals(ArchiveResult.Status.EXTRACTED, r.status()));
    }
    assertEquals(
        Set(
            "samples",
            "samples/CAM_FRONT",
            "samples/CAM_FRONT/a.jpg",
            "samples/CAM_BACK",
            "samples/CAM_BACK/b.jpg"),
        Tars.tree(out).keySet());
  }

  private static java.util.Set<String> Set(String... s) {
    return new java.util.TreeSet<>(List.of(s));
  }

  @Test
  void shouldSkipAnArchiveWhoseJournalIsComplete() throws Exception {
    Path tgz = realTgz("gzip");
    Path out = dir.resolve("out");
    extract(tgz, out);
    ArchiveResult again = extract(tgz, out);
    assertEquals(ArchiveResult.Status.UP_TO_DATE, again.status());
    assertEquals(0, again.compressedBytes());
  }

  @Test
  void shouldRewriteOnlyMissingFilesOnRerun() throws Exception {
    Path tgz = realTgz("gzip");
    Path out = dir.resolve("out");
    ArchiveResult first = extract(tgz, out);
    Path journal = out.resolve(".nuload/extract/" + tgz.getFileName() + ".journal");
    // Cut the COMPLETE record off, as if the run had been killed before the end.
    long len = Files.size(journal) - ExtractJournal.RECORD_PREFIX - ExtractJournal.BODY_FIXED;
    try (var ch =
        java.nio.channels.FileChannel.open(journal, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(len);
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(out.resolve("samples"))) {
      s.filter(Files::isRegularFile).forEach(files::add);
    }
    Map<Path, Object> keys = new HashMap<>();
    for (Path f : files) {
      keys.put(f, Files.readAttributes(f, BasicFileAttributes.class).fileKey());
    }
    Files.delete(files.get(0));
    Files.delete(files.get(1));
    ArchiveResult second = extract(tgz, out);
    assertEquals(ArchiveResult.Status.EXTRACTED, second.status(), String.valueOf(second.error()));
    assertEquals(2, second.filesWritten());
    assertEquals(first.filesWritten() - 2, second.filesSkipped());
    for (Path f : files.subList(2, files.size())) {
      assertEquals(
          keys.get(f),
          Files.readAttributes(f, BasicFileAttributes.class).fileKey(),
          f + " rewritten");
    }
    assertEquals(tarX(tgz, "-xzf"), Tars.tree(out));
  }

  @Test
  void shouldRemoveTemporaryFilesOfAKilledRunWhenResuming() throws Exception {
    Path tgz =
        new Tars()
            .file("samples/CAM_FRONT/a.jpg", Tars.random(1, 1000))
            .file("samples/CAM_FRONT/b.jpg", Tars.random(2, 1000))
            .writeTgz(dir.resolve("x.tgz"));
    Path out = dir.resolve("out");
    extract(tgz, out);
    Path journal = out.resolve(".nuload/extract/x.tgz.journal");
    try (var ch =
        java.nio.channels.FileChannel.open(journal, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(Files.size(journal) - ExtractJournal.RECORD_PREFIX - ExtractJournal.BODY_FIXED);
    }
    Files.delete(out.resolve("samples/CAM_FRONT/b.jpg"));
    // What a process with id 1 killed while writing b.jpg leaves behind.
    String tag = String.format("%08x", "x.tgz".hashCode());
    Path stale = out.resolve("samples/CAM_FRONT/.nuload-tmp-" + tag + "-1-7");
    Files.write(stale, new byte[10]);
    Path foreign = out.resolve("samples/CAM_FRONT/.nuload-tmp-0badc0de-1-7");
    Files.write(foreign, new byte[3]);
    ArchiveResult r = extract(tgz, out);
    assertEquals(ArchiveResult.Status.EXTRACTED, r.status(), String.valueOf(r.error()));
    assertFalse(Files.exists(stale), "stale temporary file removed");
    assertTrue(
        Files.exists(foreign), "another archive's temporary file is not this run's to remove");
    assertTrue(Files.exists(out.resolve("samples/CAM_FRONT/b.jpg")));
  }

  @Test
  void shouldExtractOnlyIncludedEntries() throws Exception {
    Path tgz =
        new Tars()
            .file("samples/CAM_FRONT/a.jpg", Tars.random(1, 100))
            .file("samples/LIDAR_TOP/b.bin", Tars.random(2, 100))
            .file("v1.0-mini/scene.json", Tars.random(3, 100))
            .writeTgz(dir.resolve("x.tgz"));
    Path out = dir.resolve("out");
    extract(tgz, out, ExtractOptions.defaults(out).withIncludes(List.of("samples/CAM_*")));
    assertEquals(
        Set("samples", "samples/CAM_FRONT", "samples/CAM_FRONT/a.jpg"), Tars.tree(out).keySet());
  }

  @Test
  void shouldVerifyEntriesAgainstSha256Manifest() throws Exception {
    byte[] good = Tars.random(1, 1000);
    Path tgz =
        new Tars()
            .file("a/good.bin", good)
            .file("a/bad.bin", Tars.random(2, 10))
            .writeTgz(dir.resolve("x.tgz"));
    String sha =
        HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(good));
    Path manifest =
        Files.writeString(
            dir.resolve("SHA256SUMS"), sha + "  a/good.bin\n" + "0".repeat(64) + "  a/bad.bin\n");
    Path out = dir.resolve("out");
    ArchiveResult r =
        extract(
            tgz, out, ExtractOptions.defaults(out).withManifest(ChecksumManifest.read(manifest)));
    assertEquals(ArchiveResult.Status.FAILED, r.status());
    assertTrue(
        r.error().getMessage().contains("a/bad.bin")
            && r.error().getMessage().contains("SHA-256 mismatch"),
        r.error().getMessage());
    assertFalse(Files.exists(out.resolve("a/bad.bin")), "mismatching file never published");
  }

  @Test
  void shouldRefuseArchiveWhoseMd5DiffersFromManifest() throws Exception {
    Path tgz = new Tars().file("a/x.bin", Tars.random(1, 1000)).writeTgz(dir.resolve("x.tgz"));
    Path manifest =
        Files.writeString(dir.resolve("MD5SUMS"), "0123456789abcdef0123456789abcdef  x.tgz\n");
    Path out = dir.resolve("out");
    ArchiveResult r =
        extract(
            tgz, out, ExtractOptions.defaults(out).withManifest(ChecksumManifest.read(manifest)));
    assertEquals(ArchiveResult.Status.FAILED, r.status());
    assertTrue(r.error().getMessage().startsWith("x.tgz: MD5 mismatch"), r.error().getMessage());
    assertEquals(3, r.error().exitCode());
  }

  @Test
  void shouldAcceptArchiveWhoseMd5MatchesManifest() throws Exception {
    Path tgz = new Tars().file("a/x.bin", Tars.random(1, 1000)).writeTgz(dir.resolve("x.tgz"));
    String md5 =
        HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("MD5").digest(Files.readAllBytes(tgz)));
    Path manifest = Files.writeString(dir.resolve("MD5SUMS"), md5 + " *x.tgz\n");
    Path out = dir.resolve("out");
    ArchiveResult r =
        extract(
            tgz, out, ExtractOptions.defaults(out).withManifest(ChecksumManifest.read(manifest)));
    assertNull(r.error());
  }

  @Test
  void shouldCheckTheArchiveMd5WhileInflatingOneMemberInParallel() throws Exception {
    assumeTrue(IsalRawInflater.available(), "libisal.so.2 not installed");
    Path tgz = realTgz("gzip");
    String md5 =
        HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("MD5").digest(Files.readAllBytes(tgz)));
    String name = tgz.getFileName().toString();
    Path good = Files.writeString(dir.resolve("GOOD"), md5 + "  " + name + "\n");
    Path bad =
        Files.writeString(dir.resolve("BAD"), "0123456789abcdef0123456789abcdef  " + name + "\n");
    Path out = dir.resolve("out-good");
    ArchiveResult ok =
        extractInParallel(
            tgz, out, ExtractOptions.defaults(out).withManifest(ChecksumManifest.read(good)));
    assertEquals(ArchiveResult.Status.EXTRACTED, ok.status(), String.valueOf(ok.error()));
    assertTrue(ok.method().contains("parallel inflate"), ok.method());
    assertEquals(tarX(tgz, "-xzf"), Tars.tree(out));
    Path out2 = dir.resolve("out-bad");
    ArchiveResult no =
        extractInParallel(
            tgz, out2, ExtractOptions.defaults(out2).withManifest(ChecksumManifest.read(bad)));
    assertEquals(ArchiveResult.Status.FAILED, no.status());
    assertTrue(no.error().getMessage().contains("MD5 mismatch"), no.error().getMessage());
  }

  /** Extracts with 2 workers and 64 KiB inflate chunks: a few-MB .tgz takes the parallel path. */
  private ArchiveResult extractInParallel(Path archive, Path target, ExtractOptions o)
      throws Exception {
    return extractInSmallChunks(archive, target, o, 2);
  }

  /** Extracts with 64 KiB inflate chunks and {@code workers} threads for one archive. */
  private ArchiveResult extractInSmallChunks(
      Path archive, Path target, ExtractOptions o, int workers) throws Exception {
    return Tars.withSmallInflateChunks(() -> extract(archive, target, o.withThreads(workers, 1)));
  }

  @Test
  void shouldStopBeforeWritingAnEntryThatWouldLeaveLessThanTheFreeSpaceFloor() throws Exception {
    Path tgz = new Tars().file("a/x.bin", Tars.random(1, 1000)).writeTgz(dir.resolve("x.tgz"));
    Path out = Files.createDirectories(dir.resolve("out"));
    long floor = Files.getFileStore(out).getUsableSpace() + (1L << 30);
    ArchiveResult r =
        extract(
            tgz,
            out,
            ExtractOptions.defaults(out)
                .withLimits(ExtractLimits.DEFAULTS.withMinFreeBytes(floor)));
    assertEquals(ArchiveResult.Status.FAILED, r.status());
    String m = r.error().getMessage();
    assertTrue(m.startsWith("x.tgz: not enough space in " + out), m);
    assertTrue(m.contains("--min-free"), m);
    assertEquals(dev.nuload.ExitCode.OUT_OF_RESOURCES, r.error().exitCode());
    try (Stream<Path> s = Files.walk(out)) {
      assertEquals(
          List.of(),
          s.filter(Files::isRegularFile).filter(p -> !p.toString().contains(".nuload")).toList(),
          "nothing written");
    }
  }
}
