package dev.nuload.nuscenes.synth;

import dev.nuload.nuscenes.NuScenesVersion;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of one synthetic dataset run. Build with {@link #builder(Path)}; every value is
 * validated once in {@link Builder#build()}.
 *
 * @param out the dataset root to write ({@code <out>/<version>/*.json}, samples, sweeps, maps).
 * @param version which release to imitate.
 * @param scenes how many scenes (1 to the official count of the version).
 * @param seed generator seed; the same seed gives byte-identical tables.
 * @param sensorFiles whether to write samples/ and sweeps/ ({@code false} = {@code --meta-only}).
 * @param archive whether to pack official-style archives into {@code <out>/archives/}.
 * @param threads worker threads.
 * @param lidarPoints points per lidar sweep.
 * @param samplesPerScene samples (keyframes at 2 Hz) in every scene, or 0 for the release's counts
 *     (38-41 per scene, each split holding the release's samples); a shorter scene has
 *     proportionally fewer sweeps, so it is quicker to make.
 */
public record SynthOptions(
    Path out,
    NuScenesVersion version,
    int scenes,
    long seed,
    boolean sensorFiles,
    boolean archive,
    int threads,
    int lidarPoints,
    int samplesPerScene) {
  /** Points of a real LIDAR_TOP sweep (about 34,000). */
  public static final int LIDAR_POINTS_DEFAULT = 34_000;

  /** Most samples a synthetic scene may hold (a real one holds about 40). */
  public static final int MAX_SAMPLES_PER_SCENE = 100;

  /**
   * Starts a builder with the defaults: v1.0-mini, all its scenes, seed 0, sensor files, no
   * archives, one thread per core, 34,000 lidar points.
   *
   * @param out the dataset root.
   * @return a builder.
   */
  public static Builder builder(Path out) {
    return new Builder(out);
  }

  /** Fluent builder of {@link SynthOptions}. */
  public static final class Builder {
    private final Path out;
    private NuScenesVersion version = NuScenesVersion.MINI;
    private int scenes = -1;
    private long seed;
    private boolean sensorFiles = true;
    private boolean archive;
    private int threads = Runtime.getRuntime().availableProcessors();
    private int lidarPoints = LIDAR_POINTS_DEFAULT;
    private int samplesPerScene;

    private Builder(Path out) {
      this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Sets the version.
     *
     * @param v the release to imitate.
     * @return this builder.
     */
    public Builder version(NuScenesVersion v) {
      this.version = Objects.requireNonNull(v, "version");
      return this;
    }

    /**
     * Sets the scene count (default: the official count of the version).
     *
     * @param n scenes to generate.
     * @return this builder.
     */
    public Builder scenes(int n) {
      this.scenes = n;
      return this;
    }

    /**
     * Sets the seed.
     *
     * @param s the seed.
     * @return this builder.
     */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /**
     * Chooses whether sensor files are written.
     *
     * @param write false for metadata (tables and maps) only.
     * @return this builder.
     */
    public Builder sensorFiles(boolean write) {
      this.sensorFiles = write;
      return this;
    }

    /**
     * Chooses whether archives are packed.
     *
     * @param pack true to write {@code archives/*.tgz}.
     * @return this builder.
     */
    public Builder archive(boolean pack) {
      this.archive = pack;
      return this;
    }

    /**
     * Sets the worker thread count.
     *
     * @param n threads, at least 1.
     * @return this builder.
     */
    public Builder threads(int n) {
      this.threads = n;
      return this;
    }

    /**
     * Sets the lidar points per sweep.
     *
     * @param n points, at least 1.
     * @return this builder.
     */
    public Builder lidarPoints(int n) {
      this.lidarPoints = n;
      return this;
    }

    /**
     * Sets the samples of every scene (default 0: the release's samples per split, 38-41 per
     * scene).
     *
     * @param n samples, 2 to {@link #MAX_SAMPLES_PER_SCENE}, or 0.
     * @return this builder.
     */
    public Builder samplesPerScene(int n) {
      this.samplesPerScene = n;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the options.
     * @throws IllegalArgumentException naming the offending option.
     */
    public SynthOptions build() {
      int n = scenes < 0 ? version.officialSceneCount() : scenes;
      if (n < 1 || n > version.officialSceneCount()) {
        throw new IllegalArgumentException(
            "--scenes must be 1.."
                + version.officialSceneCount()
                + " for "
                + version.dirName()
                + ", got "
                + scenes);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
      }
      if (lidarPoints < 1 || lidarPoints > 1_000_000) {
        throw new IllegalArgumentException("--lidar-points must be 1..1000000, got " + lidarPoints);
      }
      if (samplesPerScene != 0
          && (samplesPerScene < 2 || samplesPerScene > MAX_SAMPLES_PER_SCENE)) {
        throw new IllegalArgumentException(
            "--samples-per-scene must be 2.."
                + MAX_SAMPLES_PER_SCENE
                + " (or 0 for the release's counts), got "
                + samplesPerScene);
      }
      return new SynthOptions(
          out, version, n, seed, sensorFiles, archive, threads, lidarPoints, samplesPerScene);
    }
  }
}
