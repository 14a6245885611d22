package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import dev.nuload.image.TensorDType;
import dev.nuload.nuscenes.petr.ImageMode;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.serve.PetrBatches;
import dev.nuload.pipeline.EngineOptions;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Which samples and which PETR pipeline: the options {@code nuload serve} and the hidden {@code
 * nuload sample-digests} share, so the digests always describe what serve serves. The pipeline
 * itself ({@code --preset}, {@code --config}, {@code --frames}) is {@link PetrPipelineMixin}, which
 * {@code nuload preview} shares too.
 */
final class PetrSamplesMixin {
  @Option(names = "--infos", required = true, description = "Arrow info file (nuload infos).")
  Path infos;

  @Option(names = "--dataroot", required = true, description = "Dataset root the paths are in.")
  Path dataroot;

  @Option(
      names = "--eval",
      description = "test pipeline: no augmentation, no shuffle (default: training).")
  boolean eval;

  @Mixin PetrPipelineMixin pipeline;

  @Option(
      names = "--dtype",
      defaultValue = "float32",
      description =
          "image element type: float32 or float16 (normalised) or uint8 (normalise on the GPU;"
              + " 4x fewer bytes) (default: ${DEFAULT-VALUE}).")
  String dtype;

  @Option(
      names = "--mode",
      defaultValue = "exact",
      description =
          "exact (Pillow-identical resampling) or fast (DCT-scaled decode)"
              + " (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--limit",
      defaultValue = "2147483647",
      description = "only the first N samples of the file (smoke runs).")
  int limit;

  /** Creates the mixin (picocli fills the fields). */
  PetrSamplesMixin() {}

  /**
   * Returns the pipeline settings.
   *
   * @return the preset or config file with the chosen dtype, mode and frames.
   * @throws NuloadException usage for an unknown preset, dtype, mode or frame count, or both {@code
   *     --preset} and {@code --config}; bad data or out of resources for a config file that is
   *     refused or cannot be converted ({@link PetrPipelineMixin#pipeline()}).
   */
  PetrConfig config() {
    TensorDType t;
    ImageMode m;
    try {
      t = TensorDType.parse(dtype);
      m = ImageMode.parse(mode);
    } catch (IllegalArgumentException e) {
      throw new NuloadException(ExitCode.USAGE, e.getMessage(), e);
    }
    return pipeline.pipeline().withDtype(t).withMode(m);
  }

  /**
   * Returns the batch builder for these samples.
   *
   * @param config from {@link #config()}.
   * @param engine the engine options.
   * @return the builder, not yet reading the info file.
   * @throws NuloadException (usage) when {@code --limit} is below 1.
   */
  PetrBatches batches(PetrConfig config, EngineOptions engine) {
    if (limit < 1) {
      throw new NuloadException(ExitCode.USAGE, "--limit must be at least 1, got " + limit);
    }
    return PetrBatches.builder()
        .infos(infos)
        .dataroot(dataroot)
        .config(config)
        .train(!eval)
        .engine(engine)
        .limit(limit);
  }
}
