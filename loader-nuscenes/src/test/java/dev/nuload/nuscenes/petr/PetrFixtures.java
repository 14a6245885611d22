package dev.nuload.nuscenes.petr;

import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.info.InfoBuilder;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.table.Fixtures;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real scene-0523 info records (built once per JVM; rows 0 and 1 have their images), the real
 * scene-0061 keyframe, and a non-default pipeline config (PETR 600x240).
 */
public final class PetrFixtures {
  private static List<InfoRecord> records;

  /**
   * PETR 600x240 as a user's config says it, in the form {@code nuload-pipeline/1}: one frame,
   * resize_lim [0.36, 0.48] (so a training resize can be narrower than 600: black columns), the
   * test pipeline at r = max(240/900, 600/1600) = 0.375, padded to 256 x 608 by size_divisor 32.
   */
  public static final String PETR_600X240_JSON =
      """
      {"format": "nuload-pipeline/1", "name": "petr_r50_600x240", "source": "petr_600x240.py",
       "frames": 1,
       "ida_aug_conf": {"H": 900, "W": 1600, "final_dim": [240, 600],
                        "resize_lim": [0.36, 0.48], "rand_flip": true},
       "global_rot_scale_trans": {"rot_range": [-0.3925, 0.3925],
                                  "scale_ratio_range": [0.95, 1.05]},
       "img_norm_cfg": {"mean": [103.53, 116.28, 123.675], "std": [57.375, 57.12, 58.395]}}
      """;

  /**
   * Returns {@link #PETR_600X240_JSON} read.
   *
   * @return the config (exact mode, float32).
   */
  public static PetrConfig petr600x240() {
    return PetrConfig.fromJson(PETR_600X240_JSON, "petr_600x240.json");
  }

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
   * Returns the info record of the real scene-0061 keyframe (v1.0-mini, trimmed tables, no
   * annotations: built as test split).
   *
   * @return the record.
   */
  public static InfoRecord scene0061() {
    Path tables = Fixtures.real("keyframe-scene-0061").resolve("tables-trimmed");
    InfoBuilder b = new InfoBuilder(NuScenesTables.load(tables, p -> {}), NuScenesVersion.TEST);
    List<InfoRecord> out = new ArrayList<>();
    b.buildScenes(List.of("scene-0061"), out::add);
    return out.get(0);
  }

  /**
   * Builds a dataset root for {@link #scene0061()}: the fixture keeps its JPEGs in one folder, the
   * record names them under {@code samples/CAM_*}; links put them where the record says.
   *
   * @param dir an empty folder.
   * @return {@code dir}, holding a link per camera image.
   */
  public static Path dataroot0061(Path dir) {
    Path flat = Fixtures.real("keyframe-scene-0061");
    try {
      for (InfoRecord.SensorEntry cam : scene0061().cams()) {
        Path link = dir.resolve(cam.dataPath());
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(
            link, flat.resolve(Path.of(cam.dataPath()).getFileName()).toAbsolutePath());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
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
