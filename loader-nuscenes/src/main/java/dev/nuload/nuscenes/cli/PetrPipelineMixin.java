package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.petr.PipelineConfigFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which PETR pipeline: a preset or the user's own config file, and the frame count. Shared by
 * {@code nuload serve}, {@code nuload sample-digests} (through {@link PetrSamplesMixin}) and {@code
 * nuload preview}, so the three read a config the same way.
 */
final class PetrPipelineMixin {
  /** The preset when neither {@code --preset} nor {@code --config} is given. */
  static final String DEFAULT_PRESET = "petrv2";

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      description =
          "petrv2 (800x320, 2 frames) or petrv1 (800x320, 1 frame) (default: petrv2; not with"
              + " --config).")
  String preset;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "the training config's data settings instead of a preset, by FILE's extension: json"
              + " is the form nuload-pipeline/1 (docs/format/pipeline-config.md), read as it is;"
              + " py (mmdet3d) and yml or yaml (Paddle3D) are converted to it by python3 -m"
              + " nuload.config FILE. Unknown keys and values nuload cannot honour are refused"
              + " (exit 3); exit 4 when the converter cannot run.")
  Path config;

  @Option(
      names = "--frames",
      paramLabel = "N",
      description = "frames per sample: 1 or 2 (default: the preset's or the config's).")
  Integer frames;

  /** Creates the mixin (picocli fills the fields). */
  PetrPipelineMixin() {}

  /**
   * Returns the chosen pipeline with {@code --frames} applied (exact mode, float32 unless the
   * caller changes them).
   *
   * @return the config.
   * @throws NuloadException usage for both {@code --preset} and {@code --config}, an unknown preset
   *     or a bad frame count; bad data (3) or out of resources (4) from {@link
   *     PipelineConfigFiles}.
   */
  PetrConfig pipeline() {
    if (preset != null && config != null) {
      throw new NuloadException(
          ExitCode.USAGE, "--config and --preset are mutually exclusive (give one)");
    }
    PetrConfig c;
    try {
      c = config != null ? null : PetrConfig.preset(preset != null ? preset : DEFAULT_PRESET);
    } catch (IllegalArgumentException e) {
      throw new NuloadException(ExitCode.USAGE, e.getMessage(), e);
    }
    if (c == null) {
      c = PipelineConfigFiles.standard().read(config);
    }
    try {
      return frames != null ? c.withFrames(frames) : c;
    } catch (IllegalArgumentException e) {
      throw new NuloadException(ExitCode.USAGE, "--frames: " + e.getMessage(), e);
    }
  }
}
