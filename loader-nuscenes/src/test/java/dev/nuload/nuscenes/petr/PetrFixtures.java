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
public final class PetrFixtures {
  private static List<InfoRecord> records;

  private PetrFixtures() {}

  /**
   * Returns the scene-0523 dataroot.
   *
   * @return the fixture folder.
   */
  public static Path dataroot() {
    return Fixtures.real("scene-0523");
  }

  /**
   * Returns the scene's info records in order.
   *
   * @return the records (rows 0 and 1 have their images).
   */
  public static synchronized List<InfoRecord> scene0523() {
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
