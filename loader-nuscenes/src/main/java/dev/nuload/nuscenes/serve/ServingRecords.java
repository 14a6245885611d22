package dev.nuload.nuscenes.serve;

import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweep;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweepFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts an info record down to what serving reads, so a whole split fits the heap: a trainval train
 * file is about 90% camera sweeps, which only PETRv2's second frame uses, and serving never reads
 * the lidar sweeps.
 *
 * <ul>
 *   <li>lidar sweeps: dropped;
 *   <li>camera sweeps, one frame: dropped (the augmentation draws no sweep for one frame);
 *   <li>camera sweeps, two frames: kept, each frame with only its channel, key-frame flag, path,
 *       timestamp, intrinsics and extrinsics (tokens, {@code sensor2lidar} and {@code lidar2img}
 *       dropped; the processor recomputes {@code lidar2img} from the other two).
 * </ul>
 *
 * <p>A sweep frame shows up in the lists of several consecutive samples, and a camera's intrinsics
 * are the same across a scene, so one instance of {@link #slim} shares equal channel names, paths
 * and intrinsics between the records it returns.
 */
final class ServingRecords {
  private final Map<String, String> strings = new HashMap<>();
  private final Map<Matrix, double[]> matrices = new HashMap<>();

  /** Creates an empty set of shared values; use one per loaded file. */
  ServingRecords() {}

  /** Content key of a double array. */
  private record Matrix(double[] values) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Matrix m && Arrays.equals(values, m.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }
  }

  private String shared(String s) {
    return s == null ? null : strings.computeIfAbsent(s, k -> k);
  }

  private double[] shared(double[] m) {
    return m == null ? null : matrices.computeIfAbsent(new Matrix(m), k -> k.values());
  }

  /**
   * Returns the part of {@code r} that serving {@code frames} frames per camera reads.
   *
   * @param r a full record.
   * @param frames frames per camera (1 or 2).
   * @return a record with the same token, cameras and annotations.
   */
  InfoRecord slim(InfoRecord r, int frames) {
    List<CameraSweep> sweeps = List.of();
    if (frames > 1 && !r.cameraSweeps().isEmpty()) {
      List<CameraSweep> kept = new ArrayList<>(r.cameraSweeps().size());
      for (CameraSweep s : r.cameraSweeps()) {
        List<CameraSweepFrame> fs = new ArrayList<>(s.frames().size());
        for (CameraSweepFrame f : s.frames()) {
          fs.add(
              new CameraSweepFrame(
                  shared(f.channel()),
                  f.isKeyFrame(),
                  shared(f.dataPath()),
                  f.timestamp(),
                  null,
                  null,
                  null,
                  null,
                  shared(f.intrinsics()),
                  f.extrinsics(),
                  null));
        }
        kept.add(new CameraSweep(List.copyOf(fs)));
      }
      sweeps = List.copyOf(kept);
    }
    return new InfoRecord(
        r.token(),
        r.sceneToken(),
        r.lidarToken(),
        r.lidarPath(),
        r.timestamp(),
        r.lidar2egoTranslation(),
        r.lidar2egoRotation(),
        r.ego2globalTranslation(),
        r.ego2globalRotation(),
        r.cams(),
        List.of(),
        sweeps,
        r.annotations());
  }
}
