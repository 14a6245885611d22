package dev.nuload.nuscenes.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.synth.SynthOptions;
import dev.nuload.nuscenes.synth.SyntheticDataset;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records built by {@link InfoBuilder} from real and synthetic tables survive the Arrow file. */
class InfoArrowBuilderTest {
  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    allocator.close();
  }

  private List<InfoRecord> roundTrip(List<InfoRecord> in, InfoFileMetadata md) throws IOException {
    Path f = dir.resolve(md.split() + ".arrow");
    InfoArrowWriter.write(f, md, in.iterator(), allocator);
    try (InfoArrowReader r = InfoArrowReader.open(f, allocator)) {
      assertEquals(in.size(), r.rowCount());
      return r.readAll();
    }
  }

  private static InfoFileMetadata md(String version, String split) {
    return new InfoFileMetadata(version, split, "", "{}", "nuload test");
  }

  @Test
  void shouldRoundTripTheRealScene0523() throws IOException {
    Path tables = InfoFixtures.real("scene-0523").resolve("v1.0-trainval");
    InfoBuilder b = new InfoBuilder(NuScenesTables.load(tables), NuScenesVersion.TRAINVAL);
    List<InfoRecord> in = new ArrayList<>();
    b.buildScenes(List.of("scene-0523"), in::add);
    assertEquals(40, in.size());
    List<InfoRecord> out = roundTrip(in, md("v1.0-trainval", "val"));
    for (int i = 0; i < in.size(); i++) {
      InfoArrowRoundTripTest.assertDeepEquals(in.get(i), out.get(i), "sample " + i);
    }
  }

  @Test
  void shouldRoundTripSyntheticTrainAndTestVersions() throws IOException {
    for (NuScenesVersion v : List.of(NuScenesVersion.MINI, NuScenesVersion.TEST)) {
      Path root = dir.resolve(v.dirName());
      SyntheticDataset.generate(
          SynthOptions.builder(root).version(v).scenes(2).sensorFiles(false).build(), l -> {});
      InfoBuilder b = new InfoBuilder(NuScenesTables.load(root.resolve(v.dirName())), v);
      List<InfoRecord> in = new ArrayList<>();
      for (String split : b.splits()) {
        b.build(split, in::add);
      }
      List<InfoRecord> out = roundTrip(in, md(v.dirName(), v.splits().get(0)));
      for (int i = 0; i < in.size(); i++) {
        InfoArrowRoundTripTest.assertDeepEquals(in.get(i), out.get(i), v + " sample " + i);
        if (!v.annotated()) {
          assertNull(out.get(i).annotations());
        }
      }
    }
  }
}
