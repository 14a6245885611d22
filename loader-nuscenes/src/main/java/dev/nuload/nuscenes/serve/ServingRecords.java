package dev.nuload.nuscenes.serve;

import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweep;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweepFrame;
import java.util.ArrayList;
import java.util.List;

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
 */
final class ServingRecords {
  private ServingRecords() {}

  /**
   * Returns the part of {@code r} that serving {@code frames} frames per camera reads.
   *
   * @param r a full record.
   * @param frames frames per camera (1 or 2).
   * @return a record with the same token, cameras and annotations.
   */
  static InfoRecord slim(InfoRecord r, int frames) {
    List<CameraSweep> sweeps = List.of();
    if (frames > 1 && !r.cameraSweeps().isEmpty()) {
      List<CameraSweep> kept = new ArrayList<>(r.cameraSweeps().size());
      for (CameraSweep s : r.cameraSweeps()) {
        List<CameraSweepFrame> fs = new ArrayList<>(s.frames().size());
        for (CameraSweepFrame f : s.frames()) {
          fs.add(
              new CameraSweepFrame(
                  f.channel(),
                  f.isKeyFrame(),
                  f.dataPath(),
                  f.timestamp(),
                  null,
                  null,
                  null,
                  null,
                  f.intrinsics(),
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
