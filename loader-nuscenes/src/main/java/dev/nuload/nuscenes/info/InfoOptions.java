package dev.nuload.nuscenes.info;

import java.util.List;

/**
 * Settings of the info builder. Start from {@link #defaults()} and change values with the {@code
 * with...} methods; every value is checked in the constructor.
 *
 * @param maxLidarSweeps previous LIDAR_TOP sample_data per record (mmdet3d {@code --max-sweeps},
 *     default 10; 0 gives no lidar sweeps).
 * @param cameraSweepKeyframes PETRv2 {@code num_prev}: previous keyframes walked (default 5; 0
 *     gives no camera sweeps).
 * @param cameraSweepSteps PETRv2 {@code num_sweep}: camera frames walked per keyframe interval
 *     (default 5).
 * @param splits the splits to build, for example {@code [train, val]}; empty means the official
 *     splits of the version that have scenes in the tables.
 * @param threads worker threads (at least 1).
 * @param chunkSize samples per work unit (at least 1).
 */
public record InfoOptions(
    int maxLidarSweeps,
    int cameraSweepKeyframes,
    int cameraSweepSteps,
    List<String> splits,
    int threads,
    int chunkSize) {
  /** mmdet3d's default {@code --max-sweeps}. */
  public static final int MAX_LIDAR_SWEEPS_DEFAULT = 10;

  /** PETR / Paddle3D {@code num_prev}. */
  public static final int CAMERA_SWEEP_KEYFRAMES_DEFAULT = 5;

  /** PETR / Paddle3D {@code num_sweep}. */
  public static final int CAMERA_SWEEP_STEPS_DEFAULT = 5;

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException for a negative count or a thread / chunk count below 1.
   */
  public InfoOptions {
    if (maxLidarSweeps < 0 || cameraSweepKeyframes < 0 || cameraSweepSteps < 0) {
      throw new IllegalArgumentException(
          "sweep counts must be >= 0 (max lidar sweeps "
              + maxLidarSweeps
              + ", camera sweep keyframes "
              + cameraSweepKeyframes
              + ", camera sweep steps "
              + cameraSweepSteps
              + ")");
    }
    if (threads < 1 || chunkSize < 1) {
      throw new IllegalArgumentException(
          "threads and chunk size must be >= 1 (got " + threads + ", " + chunkSize + ")");
    }
    splits = List.copyOf(splits);
  }

  /**
   * Returns the converter defaults: 10 lidar sweeps, 5 x 5 camera sweeps, the official splits, one
   * thread per core, chunks of 32 samples.
   *
   * @return the defaults.
   */
  public static InfoOptions defaults() {
    return new InfoOptions(
        MAX_LIDAR_SWEEPS_DEFAULT,
        CAMERA_SWEEP_KEYFRAMES_DEFAULT,
        CAMERA_SWEEP_STEPS_DEFAULT,
        List.of(),
        Runtime.getRuntime().availableProcessors(),
        32);
  }

  /**
   * Returns a copy with another lidar sweep count.
   *
   * @param n previous lidar sweeps per record.
   * @return the new options.
   */
  public InfoOptions withMaxLidarSweeps(int n) {
    return new InfoOptions(n, cameraSweepKeyframes, cameraSweepSteps, splits, threads, chunkSize);
  }

  /**
   * Returns a copy with other camera sweep counts.
   *
   * @param keyframes {@code num_prev}.
   * @param steps {@code num_sweep}.
   * @return the new options.
   */
  public InfoOptions withCameraSweeps(int keyframes, int steps) {
    return new InfoOptions(maxLidarSweeps, keyframes, steps, splits, threads, chunkSize);
  }

  /**
   * Returns a copy with another split list.
   *
   * @param names split names; empty for the official splits.
   * @return the new options.
   */
  public InfoOptions withSplits(List<String> names) {
    return new InfoOptions(
        maxLidarSweeps, cameraSweepKeyframes, cameraSweepSteps, names, threads, chunkSize);
  }

  /**
   * Returns a copy with another thread count.
   *
   * @param n worker threads.
   * @return the new options.
   */
  public InfoOptions withThreads(int n) {
    return new InfoOptions(
        maxLidarSweeps, cameraSweepKeyframes, cameraSweepSteps, splits, n, chunkSize);
  }

  /**
   * Returns a copy with another chunk size.
   *
   * @param n samples per work unit.
   * @return the new options.
   */
  public InfoOptions withChunkSize(int n) {
    return new InfoOptions(
        maxLidarSweeps, cameraSweepKeyframes, cameraSweepSteps, splits, threads, n);
  }
}
