package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import dev.nuload.image.TensorDType;
import dev.nuload.nuscenes.petr.ImageMode;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.serve.PetrBatches;
import dev.nuload.nuscenes.serve.PetrSampleSource;
import dev.nuload.pipeline.EngineOptions;
import dev.nuload.pipeline.RingServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nuload serve}: PETR / PETRv2 batches from an info file into a shared-memory ring, until
 * every epoch is served and the consumer has released the last batch (or the consumer is gone).
 */
@Command(
    name = "serve",
    versionProvider = NuloadVersion.class,
    description = {
      "Serves PETR/PETRv2 batches (images decoded, augmented, normalised; lidar2img,"
          + " intrinsics, GT boxes) from an info file into a shared-memory ring that a trainer"
          + " maps without copying (Python: nuload.ring.RingReader; C: include/nuload_ring.h).",
      ""
    })
public final class ServeCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Mixin EngineOptionsMixin engine;

  @Spec CommandSpec spec;

  @Option(names = "--infos", required = true, description = "Arrow info file (nuload infos).")
  Path infos;

  @Option(names = "--dataroot", required = true, description = "Dataset root the paths are in.")
  Path dataroot;

  @Option(
      names = "--ring",
      required = true,
      paramLabel = "PATH",
      description = "ring file, normally under /dev/shm.")
  Path ring;

  @Option(
      names = "--eval",
      description = "test pipeline: no augmentation, no shuffle (default: training).")
  boolean eval;

  @Option(
      names = "--preset",
      defaultValue = "petrv2",
      description = "petrv2 (800x320, 2 frames) or petrv1 (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--frames", description = "frames per sample: 1 or 2 (default: the preset's).")
  Integer frames;

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
      description = "serve only the first N samples of the file (smoke runs).")
  int limit;

  /** Creates the command (picocli fills the fields). */
  public ServeCommand() {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (limit < 1) {
      throw new NuloadException(ExitCode.USAGE, "--limit must be at least 1, got " + limit);
    }
    PetrConfig config;
    EngineOptions options;
    try {
      config =
          PetrConfig.preset(preset)
              .withDtype(TensorDType.parse(dtype))
              .withMode(ImageMode.parse(mode));
      if (frames != null) {
        config = config.withFrames(frames);
      }
      options = engine.engineOptions(!eval);
    } catch (IllegalArgumentException e) {
      throw new NuloadException(ExitCode.USAGE, e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    PetrSampleSource source =
        PetrBatches.builder()
            .infos(infos)
            .dataroot(dataroot)
            .config(config)
            .train(!eval)
            .engine(options)
            .limit(limit)
            .source();
    out.printf(
        Locale.ROOT,
        "serve: %s, %d samples, %s %s, %s, batch %d, %d workers, %d epochs -> %s (pid %d)%n",
        infos.getFileName(),
        source.size(),
        config.name(),
        config.mode().name().toLowerCase(Locale.ROOT),
        eval ? "test pipeline" : "training augmentation, seed " + engine.seed,
        options.batchSize(),
        options.workers(),
        options.epochs(),
        ring,
        ProcessHandle.current().pid());
    out.flush();
    RingServer.Result r =
        RingServer.serve(
            ring,
            source,
            options,
            engine.consumerTimeoutMs(),
            engine.attachTimeoutMs(),
            spec.commandLine().getErr(),
            Terminal.isInteractive());
    if (r.replacedStale() != null) {
      out.println("serve: replaced " + r.replacedStale());
    }
    if (r.consumerGone() != null) {
      out.println("serve: stopped: " + r.consumerGone());
    }
    out.printf(
        Locale.ROOT,
        "serve: %d batches, %d samples in %.2f s (%.1f samples/s), producer wait %.0f%%%n",
        r.batches(),
        r.samples(),
        r.seconds(),
        r.samples() / Math.max(1e-9, r.seconds()),
        100 * r.producerWaitFraction());
    out.flush();
    return ExitCode.OK;
  }
}
