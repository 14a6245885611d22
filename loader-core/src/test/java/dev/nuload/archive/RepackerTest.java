package dev.nuload.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nuload repack}: frames at entry boundaries, the index, and extraction through it. */
class RepackerTest {
  @TempDir Path dir;

  private Path realTgz() throws Exception {
    Path tgz = dir.resolve("real.tgz");
    Tars.run(ExtractorTest.REAL, "sh", "-c", "tar -czf " + tgz + " samples v1.0-trainval");
    return tgz;
  }

  private Path repack(Path tgz, int frameBytes) throws Exception {
    Path zst = dir.resolve("real.tar.zst");
    new Repacker(3, frameBytes, 2).repack(tgz, zst, new AtomicLong());
    return zst;
  }

  private static ArchiveResult extract(Path archive, ExtractOptions o) throws Exception {
    try (Extractor ex = new Extractor(o)) {
      return ex.extract(archive, new Extractor.Listener() {});
    }
  }

  private Map<String, String> tarTree(Path tgz) throws Exception {
    Path t = Files.createDirectories(dir.resolve("tar-ref"));
    Tars.run(t, "tar", "-xzf", tgz.toString());
    return Tars.tree(t);
  }

  @Test
  void shouldWriteArchiveThatZstdAndTarRead() throws Exception {
    assumeTrue(Tars.hasTool("zstd"), "zstd not installed");
    Path tgz = realTgz();
    Path zst = repack(tgz, 256 << 10);
    Path t = Files.createDirectories(dir.resolve("zstd-tar"));
    String msg = Tars.run(t, "sh", "-c", "zstd -dc " + zst + " | tar -xf - 2>&1");
    assertFalse(msg.contains("lone zero block"), msg);
    assertEquals(tarTree(tgz), Tars.tree(t));
  }

  @Test
  void shouldCutFramesAtEntryBoundaries() throws Exception {
    Path zst = repack(realTgz(), 256 << 10);
    try (FileChannel ch = FileChannel.open(zst, StandardOpenOption.READ)) {
      RepackIndex index = RepackIndex.read(ch, "real.tar.zst");
      assertNotNull(index);
      assertTrue(index.frames().size() > 3, "several frames: " + index.frames().size());
      for (RepackIndex.Frame f : index.frames()) {
        ByteBuffer b = ByteBuffer.allocate((int) f.length());
        ch.read(b, f.offset());
        byte[] tar = Zstd.decompress(b.array(), (int) f.tarLength());
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        for (int i = 0; i < f.entryCount(); i++) {
          TarHeader h = r.next();
          assertEquals(index.entries().get(f.firstEntry() + i).name(), h.name());
          assertEquals(index.entries().get(f.firstEntry() + i).size(), h.size());
        }
        assertEquals(null, r.next(), "frame ends at an entry boundary");
      }
    }
  }

  @Test
  void shouldExtractThroughIndexToTheSameTreeAsTar() throws Exception {
    Path tgz = realTgz();
    Path zst = repack(tgz, 256 << 10);
    Path out = dir.resolve("out");
    ArchiveResult r = extract(zst, ExtractOptions.defaults(out).withThreads(3, 1));
    assertEquals(ArchiveResult.Status.EXTRACTED, r.status(), String.valueOf(r.error()));
    assertTrue(r.method().contains("indexed"), r.method());
    assertEquals(tarTree(tgz), Tars.tree(out));
  }

  @Test
  void shouldReadOnlyFramesHoldingIncludedEntries() throws Exception {
    Path zst = repack(realTgz(), 64 << 10);
    Path out = dir.resolve("out");
    ArchiveResult r = extract(zst, ExtractOptions.defaults(out).withIncludes(List.of("v1.0-*")));
    assertEquals(ArchiveResult.Status.EXTRACTED, r.status(), String.valueOf(r.error()));
    assertTrue(Files.exists(out.resolve("v1.0-trainval/sample.json")));
    assertFalse(Files.exists(out.resolve("samples")));
    assertTrue(
        r.compressedBytes() < Files.size(zst) / 4,
        "read " + r.compressedBytes() + " of " + Files.size(zst) + " bytes");
  }

  @Test
  void shouldResumeIndexedArchiveReadingOnlyFramesOfMissingFiles() throws Exception {
    Path zst = repack(realTgz(), 64 << 10);
    Path out = dir.resolve("out");
    ArchiveResult first = extract(zst, ExtractOptions.defaults(out));
    Path journal = out.resolve(".nuload/extract/real.tar.zst.journal");
    try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
      ch.truncate(Files.size(journal) - ExtractJournal.RECORD_PREFIX - ExtractJournal.BODY_FIXED);
    }
    Path victim;
    try (var s = Files.walk(out.resolve("samples/CAM_FRONT"))) {
      victim = s.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
    Files.delete(victim);
    ArchiveResult second = extract(zst, ExtractOptions.defaults(out));
    assertEquals(ArchiveResult.Status.EXTRACTED, second.status(), String.valueOf(second.error()));
    assertEquals(1, second.filesWritten());
    assertTrue(
        second.compressedBytes() < first.compressedBytes() / 10,
        second.compressedBytes() + " of " + first.compressedBytes() + " bytes read");
    assertTrue(Files.exists(victim));
  }

  @Test
  void shouldExtractStreamingWhenIndexIgnored() throws Exception {
    Path tgz = realTgz();
    Path zst = repack(tgz, 256 << 10);
    Path out = dir.resolve("out");
    ArchiveResult r = extract(zst, ExtractOptions.defaults(out).withUseIndex(false));
    assertFalse(r.method().contains("indexed"), r.method());
    assertEquals(tarTree(tgz), Tars.tree(out));
  }

  @Test
  void shouldRefuseIndexThatDoesNotCoverTheData() throws Exception {
    Path zst = repack(realTgz(), 256 << 10);
    byte[] all = Files.readAllBytes(zst);
    // Frame 0's compressed length is at payload offset 24 + 8 = 32, i.e. 8 + 32 bytes into the
    // index frame.
    long indexLen =
        ByteBuffer.wrap(all, all.length - 16, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    int at = (int) (all.length - indexLen + 8 + RepackIndex.PAYLOAD_HEADER + 8);
    all[at] ^= 0x10;
    Path bad = Files.write(dir.resolve("bad-index.tar.zst"), all);
    ArchiveResult r = extract(bad, ExtractOptions.defaults(dir.resolve("out")));
    assertEquals(ArchiveResult.Status.FAILED, r.status());
    assertTrue(r.error().getMessage().contains("index"), r.error().getMessage());
    assertEquals(3, r.error().exitCode());
  }

  @Test
  void shouldStopIndexedArchiveAtADamagedFrameNamingItsOffset() throws Exception {
    Path zst = repack(realTgz(), 256 << 10);
    List<RepackIndex.Frame> frames;
    try (FileChannel ch = FileChannel.open(zst)) {
      frames = RepackIndex.read(ch, "real.tar.zst").frames();
    }
    RepackIndex.Frame f = frames.get(frames.size() / 2);
    byte[] all = Files.readAllBytes(zst);
    for (long i = f.offset() + 20; i < f.offset() + f.length() - 4; i += 97) {
      all[(int) i] ^= 0x5a; // the frame header stays valid, its blocks do not
    }
    Path bad = Files.write(dir.resolve("bad-frame.tar.zst"), all);

    ArchiveResult r = extract(bad, ExtractOptions.defaults(dir.resolve("out")));

    assertEquals(ArchiveResult.Status.FAILED, r.status());
    assertTrue(r.error().getMessage().contains("bad zstd frame"), r.error().getMessage());
    assertTrue(r.error().getMessage().contains(String.valueOf(f.offset())), r.error().getMessage());
    assertEquals(3, r.error().exitCode());
  }
}
