package dev.nuload.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken archives (reliability doc R-A1 to R-A6, plus truncated, corrupt CRC,
 * zero-length and huge-ratio archives): each is refused or stopped with a message naming the
 * archive, the entry and the reason, and nothing is written outside the target.
 */
class HostileArchiveTest {
  @TempDir Path dir;
  Path out;
  Path outside;

  @BeforeEach
  void setUp() throws IOException {
    out = dir.resolve("root");
    outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("keep.txt"), "untouched");
  }

  private ArchiveResult extract(Path archive) throws IOException {
    return extract(archive, ExtractOptions.defaults(out));
  }

  private ArchiveResult extract(Path archive, ExtractOptions o) throws IOException {
    Map<String, String> before = snapshotOutsideTarget();
    try (Extractor ex = new Extractor(o)) {
      ArchiveResult r = ex.extract(archive, new Extractor.Listener() {});
      assertEquals(before, snapshotOutsideTarget(), "nothing changes outside the target");
      return r;
    }
  }

  /** Everything under the test folder except the target and the archives. */
  private Map<String, String> snapshotOutsideTarget() throws IOException {
    Map<String, String> m = new HashMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.startsWith(out) || p.getFileName().toString().matches(".*\\.(tgz|tar|zst)$")) {
          continue;
        }
        m.put(
            dir.relativize(p).toString(),
            Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.readString(p) : "-");
      }
    }
    return m;
  }

  private static void assertRefused(ArchiveResult r, String entry, String reason) {
    assertEquals(ArchiveResult.Status.FAILED, r.status());
    String m = r.error().getMessage();
    assertEquals(3, r.error().exitCode(), m);
    assertTrue(m.contains(r.archive().getFileName().toString()), "names the archive: " + m);
    assertTrue(m.contains(entry), "names the entry '" + entry + "': " + m);
    assertTrue(m.contains(reason), "gives the reason '" + reason + "': " + m);
  }

  @Test
  void shouldRefuseEntryWithDotDotComponent() throws Exception {
    Path tgz = new Tars().file("../escape.txt", "x".getBytes()).writeTgz(dir.resolve("dotdot.tgz"));
    assertRefused(extract(tgz), "../escape.txt", "'..' component");
    assertFalse(Files.exists(dir.resolve("escape.txt")));
  }

  @Test
  void shouldRefuseHarmlessLookingDotDotEntryLikeGnuTar() throws Exception {
    Path tgz =
        new Tars()
            .file("a/b.txt", "b".getBytes())
            .file("a/../c.txt", "c".getBytes())
            .writeTgz(dir.resolve("inner.tgz"));
    assertRefused(extract(tgz), "a/../c.txt", "'..' component");
    assertFalse(Files.exists(out.resolve("c.txt")));
  }

  @Test
  void shouldRefuseAbsoluteName() throws Exception {
    String abs = outside.resolve("abs_escape.txt").toString();
    Path tgz = new Tars().file(abs, "x".getBytes()).writeTgz(dir.resolve("abs.tgz"));
    assertRefused(extract(tgz), abs, "absolute name");
    assertFalse(Files.exists(outside.resolve("abs_escape.txt")));
    assertFalse(Files.exists(out.resolve(abs.substring(1))));
  }

  @Test
  void shouldRefuseBackslashAndEmptyNames() throws Exception {
    assertRefused(
        extract(new Tars().file("a\\b.txt", new byte[1]).writeTgz(dir.resolve("bs.tgz"))),
        "a\\b.txt",
        "backslash");
    assertRefused(
        extract(new Tars().file("", new byte[1]).writeTgz(dir.resolve("empty-name.tgz"))),
        "''",
        "empty name");
  }

  @Test
  void shouldRefuseNamesPastDepthAndComponentLimits() throws Exception {
    String deep = "d/".repeat(40) + "f.txt";
    assertRefused(
        extract(new Tars().file(deep, new byte[1]).writeTgz(dir.resolve("deep.tgz"))),
        "d/d/d",
        "deeper than 32");
    String wide = "w".repeat(300) + "/f.txt";
    assertRefused(
        extract(new Tars().file(wide, new byte[1]).writeTgz(dir.resolve("wide.tgz"))),
        "www",
        "component longer than 255");
  }

  @Test
  void shouldRefuseSymlinkEntryAndNeverWriteThroughIt() throws Exception {
    Path tgz =
        new Tars()
            .link("lnk", '2', outside.toString())
            .file("lnk/pwned.txt", "x".getBytes())
            .writeTgz(dir.resolve("symlink.tgz"));
    assertRefused(extract(tgz), "lnk", "symbolic link entries are not extracted");
    assertFalse(Files.exists(out.resolve("lnk"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(outside.resolve("pwned.txt")));
  }

  @Test
  void shouldRefuseEscapingRelativeSymlink() throws Exception {
    Path tgz =
        new Tars().link("x", '2', "../../etc/passwd").writeTgz(dir.resolve("rel-symlink.tgz"));
    assertRefused(extract(tgz), "x", "symbolic link");
    assertFalse(Files.exists(out.resolve("x"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void shouldRefuseHardLink() throws Exception {
    Path tgz = new Tars().link("hl", '1', "/etc/hostname").writeTgz(dir.resolve("hardlink.tgz"));
    assertRefused(extract(tgz), "hl", "hard link entries are not extracted");
    assertFalse(Files.exists(out.resolve("hl"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void shouldRefuseDevicesAndFifos() throws Exception {
    assertRefused(
        extract(new Tars().link("fifo", '6', "").writeTgz(dir.resolve("fifo.tgz"))),
        "fifo",
        "FIFO entries");
    assertRefused(
        extract(new Tars().link("chr", '3', "").writeTgz(dir.resolve("chr.tgz"))),
        "chr",
        "character device");
    assertRefused(
        extract(new Tars().link("blk", '4', "").writeTgz(dir.resolve("blk.tgz"))),
        "blk",
        "block device");
    assertRefused(
        extract(
            new Tars()
                .entry("ctg", '7', new byte[3], 0644, "")
                .writeTgz(dir.resolve("contig.tgz"))),
        "ctg",
        "contiguous file");
    assertFalse(Files.exists(out.resolve("fifo"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void shouldNotFollowSymlinkPlantedInTarget() throws Exception {
    Files.createDirectories(out);
    Files.createSymbolicLink(out.resolve("samples"), outside);
    Path tgz =
        new Tars()
            .file("samples/CAM_FRONT/x.jpg", "x".getBytes())
            .writeTgz(dir.resolve("planted.tgz"));
    assertRefused(
        extract(tgz), "samples/CAM_FRONT/x.jpg", "'samples' is a symbolic link in the target");
    assertTrue(
        Files.isSymbolicLink(out.resolve("samples")), "the link is neither followed nor removed");
    assertFalse(Files.exists(outside.resolve("CAM_FRONT")));
  }

  @Test
  void shouldNotReplaceSymlinkPlantedAtFileName() throws Exception {
    Files.createDirectories(out);
    Files.createSymbolicLink(out.resolve("a.txt"), outside.resolve("keep.txt"));
    Path tgz =
        new Tars().file("a.txt", "evil".getBytes()).writeTgz(dir.resolve("planted-file.tgz"));
    assertRefused(extract(tgz), "a.txt", "symbolic link in the target");
    assertEquals("untouched", Files.readString(outside.resolve("keep.txt")));
  }

  @Test
  void shouldDropSetuidSetgidAndStickyBits() throws Exception {
    Path tgz =
        new Tars()
            .file("bin/suid", "x".getBytes(), 04777)
            .file("bin/sgid", "x".getBytes(), 02644)
            .writeTgz(dir.resolve("suid.tgz"));
    assertEquals(ArchiveResult.Status.EXTRACTED, extract(tgz).status());
    int suid = (Integer) Files.getAttribute(out.resolve("bin/suid"), "unix:mode");
    int sgid = (Integer) Files.getAttribute(out.resolve("bin/sgid"), "unix:mode");
    assertEquals(0, suid & 07000, "no setuid/setgid/sticky: " + Integer.toOctalString(suid));
    assertEquals(0, suid & 022, "no group/other write");
    assertEquals(0644, sgid & 07777 | (sgid & 0), Integer.toOctalString(sgid));
  }

  @Test
  void shouldStopHugeExpansionRatio() throws Exception {
    Path tgz = new Tars().file("zeros.bin", new byte[96 << 20]).writeTgz(dir.resolve("bomb.tgz"));
    ArchiveResult r = extract(tgz);
    assertRefused(r, "zeros.bin", "exceeds the limit 200:1");
    assertFalse(Files.exists(out.resolve("zeros.bin")));
  }

  @Test
  void shouldStopArchivePastTotalBytesLimit() throws Exception {
    Path tgz =
        new Tars()
            .file("a.bin", Tars.random(1, 5000))
            .file("b.bin", Tars.random(2, 5000))
            .writeTgz(dir.resolve("big.tgz"));
    ArchiveResult r =
        extract(
            tgz,
            ExtractOptions.defaults(out)
                .withLimits(ExtractLimits.DEFAULTS.withMaxTotalBytes(8000)));
    assertRefused(r, "b.bin", "more than 8000 bytes");
  }

  @Test
  void shouldRefuseZeroLengthArchive() throws Exception {
    Path empty = Files.write(dir.resolve("empty.tgz"), new byte[0]);
    assertRefused(extract(empty), "(before the first entry)", "empty file (0 bytes)");
  }

  @Test
  void shouldRefuseFileThatIsNoArchive() throws Exception {
    Path junk = Files.write(dir.resolve("junk.tgz"), "hello, not an archive at all".getBytes());
    ArchiveResult r = extract(junk);
    assertEquals(3, r.error().exitCode());
    assertTrue(
        r.error().getMessage().contains("not a gzip, zstd or tar archive"), r.error().getMessage());
  }

  @Test
  void shouldStopTruncatedArchiveWithOffsetAndLeaveNoPartialFile() throws Exception {
    Tars t = new Tars();
    Map<String, byte[]> files = new HashMap<>();
    for (int i = 0; i < 8; i++) {
      byte[] b = Tars.random(i, 200_000);
      files.put("samples/f" + i + ".jpg", b);
      t.file("samples/f" + i + ".jpg", b);
    }
    byte[] tgz = Tars.gzip(t.tar());
    Path cut = Files.write(dir.resolve("cut.tgz"), Arrays.copyOf(tgz, tgz.length / 2));
    ArchiveResult r = extract(cut);
    assertRefused(r, "samples/f", "truncated");
    assertTrue(r.error().getMessage().contains("at archive byte "), r.error().getMessage());
    assertOnlyCompleteFiles(files);
    try (ExtractJournal j =
        ExtractJournal.open(
            out.resolve(".nuload/extract/cut.tgz.journal"),
            Files.size(cut),
            Files.getLastModifiedTime(cut).toMillis())) {
      assertTrue(j.resumed(), "journal kept for the rerun");
      assertEquals(null, j.completeScope(), "archive not marked complete");
    }
  }

  @Test
  void shouldStopTruncatedArchiveInflatedInParallelAndLeaveNoPartialFile() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        IsalRawInflater.available(), "libisal.so.2 not installed");
    Path tgz = Tars.realArchive(dir, "gzip");
    Map<String, byte[]> files = new HashMap<>();
    try (Stream<Path> s = Files.walk(ExtractorTest.REAL)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p)) {
          files.put(ExtractorTest.REAL.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    }
    byte[] b = Files.readAllBytes(tgz);
    Path cut = Files.write(dir.resolve("cut-parallel.tgz"), Arrays.copyOf(b, b.length * 3 / 5));
    ArchiveResult r =
        Tars.withSmallInflateChunks(
            () -> extract(cut, ExtractOptions.defaults(out).withThreads(2, 1)));
    assertEquals(ArchiveResult.Status.FAILED, r.status());
    assertTrue(r.method().contains("parallel inflate"), r.method());
    assertTrue(r.error().getMessage().contains("cut-parallel.tgz"), r.error().getMessage());
    assertTrue(r.error().getMessage().contains("truncated"), r.error().getMessage());
    assertOnlyCompleteFiles(files);
    assertTrue(Files.exists(out.resolve("samples")), "the entries before the cut were written");
  }

  @Test
  void shouldNeverLeaveShortFileWhenTruncatedAnywhere() throws Exception {
    Tars t = new Tars();
    Map<String, byte[]> files = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      byte[] b = Tars.random(i, 30_000 + 7000 * i);
      files.put("s/f" + i, b);
      t.file("s/f" + i, b);
    }
    byte[] tgz = Tars.gzip(t.tar());
    Random rnd = new Random(7);
    for (int k = 0; k < 100; k++) {
      int at = 1 + rnd.nextInt(tgz.length - 1);
      Path cut = Files.write(dir.resolve("cut" + k + ".tgz"), Arrays.copyOf(tgz, at));
      ArchiveResult r = extract(cut);
      assertEquals(ArchiveResult.Status.FAILED, r.status(), "cut at " + at);
      assertInstanceOf(dev.nuload.BadDataException.class, r.error());
      assertOnlyCompleteFiles(files);
    }
  }

  private void assertOnlyCompleteFiles(Map<String, byte[]> files) throws IOException {
    if (!Files.exists(out)) {
      return;
    }
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = out.relativize(p).toString();
        if (Files.isRegularFile(p) && !rel.startsWith(".nuload")) {
          assertArrayEquals(files.get(rel), Files.readAllBytes(p), rel + " is complete");
        }
      }
    }
  }

  @Test
  void shouldStopOnCorruptGzipCrc() throws Exception {
    byte[] tgz = Tars.gzip(new Tars().file("a/x.bin", Tars.random(1, 5000)).tar());
    tgz[tgz.length - 8] ^= 0x55; // the CRC-32 in the trailer
    Path bad = Files.write(dir.resolve("crc.tgz"), tgz);
    ArchiveResult r = extract(bad);
    assertRefused(r, "crc.tgz", "gzip CRC mismatch in the member starting at byte 0");
    assertFalse(
        Files.exists(out.resolve("a/x.bin")), "data of a member that fails its CRC is held back");
  }

  @Test
  void shouldStopOnCorruptDeflateData() throws Exception {
    byte[] tgz = Tars.gzip(new Tars().file("a/x.bin", Tars.random(1, 50_000)).tar());
    for (int i = 100; i < 120; i++) {
      tgz[i] ^= (byte) 0xA5;
    }
    ArchiveResult r = extract(Files.write(dir.resolve("deflate.tgz"), tgz));
    assertEquals(ArchiveResult.Status.FAILED, r.status());
    assertEquals(3, r.error().exitCode(), r.error().getMessage());
    assertFalse(Files.exists(out.resolve("a/x.bin")));
  }

  @Test
  void shouldStopOnBadTarHeaderChecksum() throws Exception {
    byte[] tar =
        new Tars().file("a/x.bin", Tars.random(1, 100)).file("a/y.bin", Tars.random(2, 100)).tar();
    tar[1024 + 10] ^= 1; // name byte of the second header
    ArchiveResult r = extract(Files.write(dir.resolve("hdr.tgz"), Tars.gzip(tar)));
    assertRefused(r, "a/x.bin", "bad tar header checksum at tar offset 1024");
  }

  @Test
  void shouldRefuseZstdWindowAboveLimitAndAcceptItWhenRaised() throws Exception {
    byte[] tar = new Tars().file("w.bin", Tars.random(1, 1000)).tar();
    // A frame with a window descriptor of 2^28 bytes (no content size) and one raw block.
    byte[] z = new byte[6 + 3 + tar.length];
    z[0] = 0x28;
    z[1] = (byte) 0xb5;
    z[2] = 0x2f;
    z[3] = (byte) 0xfd;
    z[4] = 0; // FHD: no content size, not single-segment, no checksum, no dictionary
    z[5] = (byte) (18 << 3); // window log 10 + 18 = 28
    int h = (tar.length << 3) | 1; // raw block, last
    z[6] = (byte) h;
    z[7] = (byte) (h >> 8);
    z[8] = (byte) (h >> 16);
    System.arraycopy(tar, 0, z, 9, tar.length);
    Path zst = Files.write(dir.resolve("window.tar.zst"), z);
    assertRefused(extract(zst), "(before the first entry)", "above the limit 2^27");
    ArchiveResult ok =
        extract(
            zst,
            ExtractOptions.defaults(out)
                .withLimits(ExtractLimits.DEFAULTS.withZstdWindowLogMax(28)));
    assertEquals(ArchiveResult.Status.EXTRACTED, ok.status(), String.valueOf(ok.error()));
  }

  @Test
  void shouldStopTruncatedZstdBeforeWritingAnything() throws Exception {
    byte[] tar = new Tars().file("a.bin", Tars.random(1, 100_000)).tar();
    byte[] z = com.github.luben.zstd.Zstd.compress(tar);
    Path zst = Files.write(dir.resolve("cut.tar.zst"), Arrays.copyOf(z, z.length - 100));
    assertRefused(extract(zst), "(before the first entry)", "truncated zstd frame");
    assertFalse(Files.exists(out.resolve("a.bin")));
  }

  @Test
  void shouldSkipRefusedEntriesWhenPolicyIsSkip() throws Exception {
    Path tgz =
        new Tars()
            .file("ok/a.txt", "a".getBytes())
            .link("ok/lnk", '2', "/etc")
            .file("../evil.txt", "e".getBytes())
            .file("ok/b.txt", "b".getBytes())
            .writeTgz(dir.resolve("mixed.tgz"));
    java.util.List<String> warnings = new java.util.ArrayList<>();
    try (Extractor ex =
        new Extractor(ExtractOptions.defaults(out).withPolicy(BadEntryPolicy.SKIP))) {
      ArchiveResult r =
          ex.extract(
              tgz,
              new Extractor.Listener() {
                @Override
                public void warning(String line) {
                  warnings.add(line);
                }
              });
      assertEquals(ArchiveResult.Status.EXTRACTED, r.status());
      assertEquals(2, r.entriesRefused());
    }
    assertEquals(2, warnings.size(), warnings.toString());
    assertEquals("b", Files.readString(out.resolve("ok/b.txt")));
    assertFalse(Files.exists(out.resolve("ok/lnk"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(dir.resolve("evil.txt")));
  }

  @Test
  void shouldRefuseEntriesInsideTheJournalFolder() throws Exception {
    Path tgz =
        new Tars()
            .file(".nuload/extract/x.tgz.journal", "forged".getBytes())
            .writeTgz(dir.resolve("forge.tgz"));
    assertRefused(extract(tgz), ".nuload/extract/x.tgz.journal", "reserved for nuload's journals");
  }

  @Test
  void shouldStopReadingWhenAnEntryIsRefusedByAWriter() throws Exception {
    Files.createDirectories(out);
    Files.createSymbolicLink(out.resolve("a"), outside);
    Tars t = new Tars().file("a/x.bin", new byte[10]);
    for (int i = 0; i < 400; i++) {
      t.file("b/f" + i, Tars.random(i, 100_000));
    }
    byte[] tgz = Tars.gzip(t.tar());
    ArchiveResult r = extract(Files.write(dir.resolve("stop.tgz"), tgz));
    assertRefused(r, "a/x.bin", "symbolic link in the target");
    assertTrue(r.compressedBytes() < tgz.length, "stopped before the end: " + r.compressedBytes());
  }

  @Test
  void shouldRefuseExistingFileOfOtherSizeUnlessOverwrite() throws Exception {
    Files.createDirectories(out.resolve("a"));
    Files.writeString(out.resolve("a/x.txt"), "older and longer");
    Path tgz = new Tars().file("a/x.txt", "new".getBytes()).writeTgz(dir.resolve("conflict.tgz"));
    assertRefused(extract(tgz), "a/x.txt", "use --overwrite");
    assertEquals("older and longer", Files.readString(out.resolve("a/x.txt")));
    ArchiveResult r = extract(tgz, ExtractOptions.defaults(out).withOverwrite(true));
    assertEquals(ArchiveResult.Status.EXTRACTED, r.status());
    assertEquals("new", Files.readString(out.resolve("a/x.txt")));
  }
}
