package dev.nuload.nuscenes.infos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nuload.index.IndexUnusableException;
import dev.nuload.index.TokenMapFile;
import dev.nuload.index.TokenMapWriter;
import dev.nuload.nuscenes.infos.InfosManifest.BuildOptions;
import dev.nuload.nuscenes.infos.InfosManifest.OutputFile;
import dev.nuload.nuscenes.infos.InfosManifest.Summary;
import dev.nuload.nuscenes.synth.SynthOptions;
import dev.nuload.nuscenes.synth.SyntheticDataset;
import dev.nuload.nuscenes.table.NuScenesTable;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NuScenesTokenIndexTest {
  @TempDir static Path root;
  static NuScenesTables tables;

  @BeforeAll
  static void synth() {
    SyntheticDataset.generate(
        SynthOptions.builder(root.resolve("data")).scenes(2).sensorFiles(false).build(), l -> {});
    tables = NuScenesTables.load(root.resolve("data/v1.0-mini"));
  }

  private InfosManifest manifest(Path out) {
    TokenMapFile sd =
        NuScenesTokenIndex.writeSampleData(
            tables, out.resolve(NuScenesTokenIndex.SAMPLE_DATA_FILE));
    TokenMapFile s;
    int n = tables.count(NuScenesTable.SAMPLE);
    try (TokenMapWriter<Long> w =
        NuScenesTokenIndex.sampleWriter(out.resolve(NuScenesTokenIndex.SAMPLE_FILE), n)) {
      for (int r = 0; r < n; r++) {
        w.put(tables.token(NuScenesTable.SAMPLE, r), NuScenesTokenIndex.encode(r % 2, r));
      }
      s = w.commit();
    }
    return new InfosManifest(
        1,
        "t",
        "t",
        "id",
        "/",
        "v1.0-mini",
        "f",
        List.of(),
        new BuildOptions(List.of("mini_train", "mini_val"), 10, "1", 1),
        List.of(
            new OutputFile(
                NuScenesTokenIndex.SAMPLE_FILE,
                InfosManifest.KIND_SAMPLE_INDEX,
                null,
                s.sizeBytes(),
                s.entries(),
                s.crc32c()),
            new OutputFile(
                NuScenesTokenIndex.SAMPLE_DATA_FILE,
                InfosManifest.KIND_SAMPLE_DATA_INDEX,
                null,
                sd.sizeBytes(),
                sd.entries(),
                sd.crc32c())),
        new Summary(Map.of(), 0, 0));
  }

  @Test
  void shouldMapEverySampleDataTokenToItsFilename() throws Exception {
    Path out = root.resolve("a");
    InfosManifest m = manifest(out);
    try (NuScenesTokenIndex idx = NuScenesTokenIndex.open(out, m)) {
      int n = tables.count(NuScenesTable.SAMPLE_DATA);
      assertEquals(n, idx.sizes()[1]);
      for (int r = 0; r < n; r++) {
        assertEquals(
            tables.sampleDataFilename(r),
            idx.sampleDataPath(tables.token(NuScenesTable.SAMPLE_DATA, r)));
      }
      assertNull(idx.sampleDataPath("0".repeat(32)));
    }
  }

  @Test
  void shouldMapSampleTokenToSplitAndRow() throws Exception {
    Path out = root.resolve("b");
    InfosManifest m = manifest(out);
    try (NuScenesTokenIndex idx = NuScenesTokenIndex.open(out, m)) {
      assertEquals(
          new NuScenesTokenIndex.SampleLocation("mini_val", 3),
          idx.sample(tables.token(NuScenesTable.SAMPLE, 3)));
    }
  }

  @Test
  void shouldRefuseIndexTheManifestDoesNotList() throws Exception {
    Path out = root.resolve("c");
    InfosManifest m = manifest(out);
    InfosManifest without =
        new InfosManifest(
            1,
            "t",
            "t",
            "id",
            "/",
            "v1.0-mini",
            "f",
            List.of(),
            m.options(),
            List.of(m.files().get(1)),
            m.summary());
    assertThrows(IndexUnusableException.class, () -> NuScenesTokenIndex.verify(out, without));
  }
}
