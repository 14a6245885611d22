package dev.nuload.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.info.InfoArrowWriter;
import dev.nuload.nuscenes.info.InfoBuilder;
import dev.nuload.nuscenes.info.InfoFileMetadata;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the example on the real scene-0523 keyframes whose JPEGs the shared fixtures hold. */
class PetrTrainingLoopTest {
  @Test
  void shouldTrainOverRealKeyframesAndReportEveryBatch(@TempDir Path dir) throws Exception {
    Path root = Path.of(System.getProperty("nuload.testdata.dir"), "nuscenes-real/scene-0523");
    InfoBuilder b =
        new InfoBuilder(
            NuScenesTables.load(root.resolve("v1.0-trainval")), NuScenesVersion.TRAINVAL);
    List<InfoRecord> records = new ArrayList<>();
    b.buildScenes(List.of("scene-0523"), records::add);
    Path infos = dir.resolve("infos.arrow");
    try (RootAllocator a = new RootAllocator()) {
      InfoArrowWriter.write(
          infos,
          new InfoFileMetadata("v1.0-trainval", "val", "example", "{}", "PetrTrainingLoopTest"),
          records.iterator(),
          a);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int seen =
        PetrTrainingLoop.run(infos, root, 2, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(2, seen);
    assertTrue(out.contains("epoch 0 batch 0: samples ["), out);
    assertTrue(out.contains(records.get(0).token()) && out.contains(records.get(1).token()), out);
  }
}
