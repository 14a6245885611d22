package dev.nuload.nuscenes.info;

import java.util.List;

/**
 * One info record: everything the mmdet3d v0.17.1 / PETR / Paddle3D converters store for one sample
 * (spec part A, sections 2.4 to 2.8), plus the PETRv2 camera sweeps of section 2.7. Paths are
 * relative to the dataset root (Paddle3D style); readers join them with a root when they need the
 * mmdet3d form. Matrices are row-major {@code double[]} (3x3 = 9 values, 4x4 = 16 values).
 *
 * @param token {@code sample.token}.
 * @param sceneToken {@code sample.scene_token} (not in the pkl; kept for sharding and debugging).
 * @param lidarToken {@code sample.data['LIDAR_TOP']} (PETR / Paddle3D field {@code lidar_token}).
 * @param lidarPath the keyframe LIDAR_TOP {@code sample_data.filename}.
 * @param timestamp {@code sample.timestamp}, microseconds.
 * @param lidar2egoTranslation calibrated_sensor translation of the keyframe lidar (3).
 * @param lidar2egoRotation its rotation quaternion w, x, y, z (4).
 * @param ego2globalTranslation ego pose translation at the keyframe lidar time (3).
 * @param ego2globalRotation ego pose rotation w, x, y, z (4).
 * @param cams the 6 camera keyframes, in the order CAM_FRONT, CAM_FRONT_RIGHT, CAM_FRONT_LEFT,
 *     CAM_BACK, CAM_BACK_LEFT, CAM_BACK_RIGHT (section 2.5).
 * @param lidarSweeps previous LIDAR_TOP sample_data, newest first, at most max-sweeps (2.6).
 * @param cameraSweeps PETRv2 camera sweeps (2.7): 0, 6, ..., 30 entries of 6 cameras each.
 * @param annotations the ground truth (2.8), or null for the test version (no keys at all).
 */
public record InfoRecord(
    String token,
    String sceneToken,
    String lidarToken,
    String lidarPath,
    long timestamp,
    double[] lidar2egoTranslation,
    double[] lidar2egoRotation,
    double[] ego2globalTranslation,
    double[] ego2globalRotation,
    List<SensorEntry> cams,
    List<SensorEntry> lidarSweeps,
    List<CameraSweep> cameraSweeps,
    Annotations annotations) {

  /**
   * A {@code cams[CAM]} entry or a lidar {@code sweeps} entry ({@code obtain_sensor2top}, 2.5).
   *
   * @param type camera channel name, or {@code lidar} for a lidar sweep.
   * @param dataPath {@code sample_data.filename}.
   * @param sampleDataToken {@code sample_data.token}.
   * @param sensor2egoTranslation calibrated_sensor translation (3).
   * @param sensor2egoRotation calibrated_sensor rotation w, x, y, z (4).
   * @param ego2globalTranslation ego pose translation at this sample_data's time (3).
   * @param ego2globalRotation ego pose rotation (4).
   * @param timestamp {@code sample_data.timestamp}, microseconds.
   * @param sensor2lidarRotation {@code R_s2l} of 2.5.1, row-major 3x3 (9).
   * @param sensor2lidarTranslation {@code t_s2l} of 2.5.1 (3).
   * @param camIntrinsic the 3x3 camera matrix (9), null for lidar sweeps.
   */
  public record SensorEntry(
      String type,
      String dataPath,
      String sampleDataToken,
      double[] sensor2egoTranslation,
      double[] sensor2egoRotation,
      double[] ego2globalTranslation,
      double[] ego2globalRotation,
      long timestamp,
      double[] sensor2lidarRotation,
      double[] sensor2lidarTranslation,
      double[] camIntrinsic) {}

  /**
   * One entry of the PETRv2 camera sweep list: one frame per camera, in the generator's camera
   * order CAM_FRONT, CAM_FRONT_RIGHT, CAM_BACK_RIGHT, CAM_BACK, CAM_BACK_LEFT, CAM_FRONT_LEFT.
   *
   * @param frames the 6 frames.
   */
  public record CameraSweep(List<CameraSweepFrame> frames) {}

  /**
   * A camera frame of a sweep entry ({@code add_frame}, 2.7).
   *
   * @param channel the camera channel (the dict key in the pkl).
   * @param isKeyFrame {@code sample_data.is_key_frame}.
   * @param dataPath {@code sample_data.filename}.
   * @param timestamp {@code sample_data.timestamp}, microseconds.
   * @param sampleDataToken the real {@code sample_data.token} of the frame.
   * @param sampleToken {@code sample_data.sample_token}: what the Python tools store under the key
   *     {@code sample_data_token} (their bug, kept for parity).
   * @param sensor2lidarRotation {@code R_s2l} relative to the current keyframe lidar (9).
   * @param sensor2lidarTranslation {@code t_s2l} (3).
   * @param intrinsics {@code K4}, 4x4 (16), float32 in the pkl.
   * @param extrinsics {@code E = T_l2c^T}, 4x4 (16), float32 in the pkl.
   * @param lidar2img {@code K4 * T_l2c}, 4x4 (16), float32 in the pkl.
   */
  public record CameraSweepFrame(
      String channel,
      boolean isKeyFrame,
      String dataPath,
      long timestamp,
      String sampleDataToken,
      String sampleToken,
      double[] sensor2lidarRotation,
      double[] sensor2lidarTranslation,
      double[] intrinsics,
      double[] extrinsics,
      double[] lidar2img) {}

  /**
   * Ground truth of a sample (2.8), one row per {@code sample.anns} entry in file order.
   *
   * @param gtBoxes N x 7 row-major: x, y, z, w, l, h, -yaw - pi/2 in the keyframe lidar frame.
   * @param gtNames detection class, or the raw category name when unmapped.
   * @param gtVelocity N x 2 row-major, lidar frame, NaN where the devkit gives NaN.
   * @param numLidarPts {@code num_lidar_pts}.
   * @param numRadarPts {@code num_radar_pts}.
   * @param validFlag {@code num_lidar_pts + num_radar_pts > 0}.
   * @param annotationTokens the {@code sample_annotation} tokens (not in the pkl).
   */
  public record Annotations(
      double[] gtBoxes,
      String[] gtNames,
      double[] gtVelocity,
      long[] numLidarPts,
      long[] numRadarPts,
      boolean[] validFlag,
      String[] annotationTokens) {
    /**
     * Returns the box count.
     *
     * @return N.
     */
    public int size() {
      return gtNames.length;
    }
  }
}
