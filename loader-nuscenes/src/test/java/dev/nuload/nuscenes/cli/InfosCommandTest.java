package dev.nuload.nuscenes.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.index.TokenMaps;
import dev.nuload.nuscenes.info.InfoArrowReader;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.infos.InfosManifest;
import dev.nuload.nuscenes.infos.InfosManifest.OutputFile;
import dev.nuload.nuscenes.infos.NuScenesTokenIndex;
import dev.nuload.nuscenes.synth.SynthOptions;
import dev.nuload.nuscenes.synth.SyntheticDataset;
import dev.nuload.nuscenes.table.NuScenesTable;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** End to end: synthetic mini (meta-only) through {@code nuload infos}. */
class InfosCommandTest {
  @TempDir static Path shared;
  @TempDir Path dir;

  private StringWriter out;
  private StringWriter err;
  private Path data;
  private Path tablesDir;
  private Path o;

  @BeforeAll
  static void synth() {
    SyntheticDataset.generate(
        SynthOptions.builder(shared.resolve("data")).scenes(2).sensorFiles(false).build(), l -> {});
  }

  @BeforeEach
  void copyDataset() throws Exception {
    data = dir.resolve("data");
    tablesDir = data.resolve("v1.0-mini");
    Files.createDirectories(tablesDir);
    try (Stream<Path> s = Files.list(shared.resolve("data/v1.0-mini"))) {
      for (Path p : s.toList()) {
        Files.copy(p, tablesDir.resolve(p.getFileName()));
      }
    }
    o = dir.resolve("out");
  }

  private int run(String... extra) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cl = NuloadCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    String[] base = {
      "infos", "--dataroot", data.toString(), "--version", "v1.0-mini", "--out", o.toString()
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return cl.execute(args);
  }

  private void build() {
    assertEquals(0, run(), out + "\n" + err);
  }

  private Map<String, byte[]> snapshot() throws Exception {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> s = Files.list(o)) {
      for (Path p : s.toList()) {
        m.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    return m;
  }

  private InfosManifest manifest() {
    return InfosManifest.read(o).orElseThrow();
  }

  @Test
  void shouldWriteOneInfoFilePerSplitWithTheSplitsSampleCount() throws Exception {
    build();
    InfosManifest m = manifest();
    NuScenesTables tables = NuScenesTables.load(tablesDir);
    long total = 0;
    for (OutputFile f : m.files()) {
      if (!f.kind().equals(InfosManifest.KIND_INFOS)) {
        continue;
      }
      try (RootAllocator a = new RootAllocator();
          InfoArrowReader r = InfoArrowReader.open(o.resolve(f.name()), a)) {
        assertEquals(f.rows(), r.rowCount(), f.name());
        assertEquals(m.sourceFingerprint(), r.metadata().sourceFingerprint());
      }
      assertEquals("nuscenes_infos_" + f.split() + ".arrow", f.name());
      total += f.rows();
    }
    assertEquals(tables.count(NuScenesTable.SAMPLE), total);
    assertTrue(out.toString().contains("samples"), out.toString());
    assertTrue(out.toString().contains("peak heap"), out.toString());
  }

  @Test
  void shouldIndexEverySampleAtItsRow() throws Exception {
    build();
    InfosManifest m = manifest();
    try (NuScenesTokenIndex idx = NuScenesTokenIndex.open(o, m);
        RootAllocator a = new RootAllocator()) {
      for (OutputFile f : m.files()) {
        if (!f.kind().equals(InfosManifest.KIND_INFOS)) {
          continue;
        }
        try (InfoArrowReader r = InfoArrowReader.open(o.resolve(f.name()), a)) {
          List<InfoRecord> records = r.readAll();
          for (int row = 0; row < records.size(); row++) {
            InfoRecord rec = records.get(row);
            assertEquals(
                new NuScenesTokenIndex.SampleLocation(f.split(), row), idx.sample(rec.token()));
            assertEquals(rec.lidarPath(), idx.sampleDataPath(rec.lidarToken()));
          }
        }
      }
    }
  }

  @Test
  void shouldDoNothingOnSecondRunAndSaySo() throws Exception {
    build();
    Map<String, byte[]> before = snapshot();
    FileTime mtime = Files.getLastModifiedTime(o.resolve(InfosManifest.FILE_NAME));
    assertEquals(0, run(), err.toString());
    assertTrue(out.toString().startsWith("infos: up to date (fingerprint "), out.toString());
    assertTrue(out.toString().contains("nothing to do"), out.toString());
    assertEquals(mtime, Files.getLastModifiedTime(o.resolve(InfosManifest.FILE_NAME)));
    assertSnapshotEquals(before, snapshot());
  }

  @Test
  void shouldRebuildWhenATableIsTouched() throws Exception {
    build();
    Path sample = tablesDir.resolve("sample.json");
    Files.setLastModifiedTime(
        sample, FileTime.fromMillis(Files.getLastModifiedTime(sample).toMillis() + 10_000));
    assertEquals(0, run(), err.toString());
    assertTrue(err.toString().contains("source tables changed (sample.json)"), err.toString());
    assertTrue(out.toString().startsWith("infos: built"), out.toString());
    assertEquals(0, run());
    assertTrue(out.toString().contains("up to date"), out.toString());
  }

  @Test
  void shouldRebuildWhenOptionsChange() throws Exception {
    build();
    assertEquals(0, run("--max-sweeps", "3"), err.toString());
    assertTrue(err.toString().contains("options changed"), err.toString());
    assertEquals(3, manifest().options().maxSweeps());
  }

  @Test
  void shouldRebuildWithForce() throws Exception {
    build();
    assertEquals(0, run("--force"), err.toString());
    assertTrue(err.toString().contains("building (--force)"), err.toString());
  }

  @Test
  void shouldWriteOnlyTheNamedSplitAndDropTheOthersFiles() throws Exception {
    build();
    assertEquals(0, run("--splits", "mini_val"), err.toString());
    assertEquals(
        List.of("mini_val"),
        manifest().files().stream()
            .filter(f -> f.kind().equals(InfosManifest.KIND_INFOS))
            .map(OutputFile::split)
            .toList());
    assertFalse(Files.exists(o.resolve("nuscenes_infos_mini_train.arrow")));
  }

  @Test
  void shouldRebuildTruncatedIndex() throws Exception {
    build();
    try (FileChannel ch =
        FileChannel.open(
            o.resolve(NuScenesTokenIndex.SAMPLE_DATA_FILE), StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() / 2);
    }
    assertEquals(0, run(), err.toString());
    assertTrue(err.toString().contains("bytes, the manifest says"), err.toString());
    NuScenesTokenIndex.verify(o, manifest());
  }

  @Test
  void shouldRebuildIndexWhoseBytesChanged() throws Exception {
    build();
    Path f = o.resolve(NuScenesTokenIndex.SAMPLE_FILE);
    byte[] b = Files.readAllBytes(f);
    b[b.length / 2] ^= 0x11;
    Files.write(f, b);
    assertEquals(0, run(), err.toString());
    assertTrue(err.toString().contains("CRC32C"), err.toString());
    NuScenesTokenIndex.verify(o, manifest());
  }

  @Test
  void shouldRebuildIndexWithWrongEntryCount() throws Exception {
    build();
    Path mf = o.resolve(InfosManifest.FILE_NAME);
    long rows = manifest().file(InfosManifest.KIND_SAMPLE_INDEX, null).orElseThrow().rows();
    String text = Files.readString(mf);
    String patched =
        text.replaceFirst(
            "(\"kind\" : \"sample_index\",[^}]*\"rows\" : )" + rows, "$1" + (rows + 1));
    assertNotEquals(text, patched);
    Files.writeString(mf, patched);
    assertEquals(0, run(), err.toString());
    assertTrue(
        err.toString().contains("holds " + rows + " entries, expected " + (rows + 1)),
        err.toString());
  }

  @Test
  void shouldRebuildIndexThatFailsToOpen() throws Exception {
    build();
    Path f = o.resolve(NuScenesTokenIndex.SAMPLE_FILE);
    long size = Files.size(f);
    Files.write(f, new byte[(int) size]);
    Path mf = o.resolve(InfosManifest.FILE_NAME);
    String crc = String.format("%08x", TokenMaps.crc32c(f));
    OutputFile old = manifest().file(InfosManifest.KIND_SAMPLE_INDEX, null).orElseThrow();
    Files.writeString(
        mf,
        Files.readString(mf)
            .replace(
                "\"crc32c\" : \"" + String.format("%08x", old.crc32c()) + "\"",
                "\"crc32c\" : \"" + crc + "\""));
    assertEquals(0, run(), err.toString());
    assertTrue(err.toString().contains("fails to open"), err.toString());
    NuScenesTokenIndex.verify(o, manifest());
  }

  @Test
  void shouldRebuildWhenManifestIsMissing() throws Exception {
    build();
    Files.delete(o.resolve(InfosManifest.FILE_NAME));
    assertEquals(0, run(), err.toString());
    assertTrue(err.toString().contains("no manifest"), err.toString());
  }

  private void assertBadTablesLeaveOutputUntouched(String expectedInMessage) throws Exception {
    Map<String, byte[]> before = snapshot();
    int rc = run();
    assertEquals(3, rc, out + "\n" + err);
    assertTrue(err.toString().contains(expectedInMessage), err.toString());
    assertSnapshotEquals(before, snapshot());
  }

  private static void assertSnapshotEquals(Map<String, byte[]> a, Map<String, byte[]> b) {
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertArrayEquals(a.get(k), b.get(k), k);
    }
  }

  @Test
  void shouldExitThreeAndKeepOutputWhenATableIsTruncated() throws Exception {
    build();
    Path f = tablesDir.resolve("sample_annotation.json");
    byte[] b = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
    assertBadTablesLeaveOutputUntouched("sample_annotation");
  }

  @Test
  void shouldExitThreeAndKeepOutputWhenATableIsMissing() throws Exception {
    build();
    Files.delete(tablesDir.resolve("visibility.json"));
    assertBadTablesLeaveOutputUntouched("visibility");
  }

  @Test
  void shouldExitThreeAndKeepOutputWhenATokenDangles() throws Exception {
    build();
    Path f = tablesDir.resolve("sample.json");
    String text = Files.readString(f);
    String broken =
        text.replaceFirst(
            "\"scene_token\":\\s*\"[0-9a-f]{32}\"", "\"scene_token\": \"" + "d".repeat(32) + "\"");
    assertNotEquals(text, broken);
    Files.writeString(f, broken);
    assertBadTablesLeaveOutputUntouched("d".repeat(32));
  }

  @Test
  void shouldExitThreeAndKeepOutputWhenAFieldHasTheWrongType() throws Exception {
    build();
    Path f = tablesDir.resolve("sample.json");
    String text = Files.readString(f);
    String broken = text.replaceFirst("\"timestamp\":\\s*[0-9]+", "\"timestamp\": \"noon\"");
    assertNotEquals(text, broken);
    Files.writeString(f, broken);
    assertBadTablesLeaveOutputUntouched("timestamp");
  }

  @Test
  void shouldExitTwoForUnknownSplit() {
    assertEquals(2, run("--splits", "nonsense"));
    assertTrue(err.toString().contains("nonsense"), err.toString());
  }

  @Test
  void shouldExitTwoForUnknownVersion() {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cl = NuloadCli.commandLine();
    cl.setErr(new PrintWriter(err));
    assertEquals(2, cl.execute("infos", "--dataroot", data.toString(), "--version", "v9"));
  }

  @Test
  void shouldExitThreeWhenTheVersionFolderIsMissing() {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cl = NuloadCli.commandLine();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(out));
    int rc =
        cl.execute(
            "infos",
            "--dataroot",
            data.toString(),
            "--version",
            "v1.0-trainval",
            "--out",
            o.toString());
    assertEquals(3, rc);
    assertTrue(err.toString().contains("v1.0-trainval/"), err.toString());
  }
}
