package dev.nuload.nuscenes.petr;

import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.info.InfoBuilder;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.table.Fixtures;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real scene-0523 info records (built once per JVM); rows 0 and 1 have their images. */
final class PetrFixtures {
  private static List<InfoRecord> records;

  private PetrFixtures() {}

  static Path dataroot() {
    return Fixtures.real("scene-0523");
  }

  static synchronized List<InfoRecord> scene0523() {
    if (records == null) {
      Path tables = dataroot().resolve("v1.0-trainval");
      InfoBuilder b = new InfoBuilder(NuScenesTables.load(tables), NuScenesVersion.TRAINVAL);
      List<InfoRecord> out = new ArrayList<>();
      b.buildScenes(List.of("scene-0523"), out::add);
      records = List.copyOf(out);
    }
    return records;
  }
}
