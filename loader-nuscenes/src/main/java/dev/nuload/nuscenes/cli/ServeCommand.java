package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.serve.PetrSampleSource;
import dev.nuload.pipeline.EngineOptions;
import dev.nuload.pipeline.ParentWatch;
import dev.nuload.pipeline.RingServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
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

  @Mixin PetrSamplesMixin samples;

  @Option(
      names = "--ring",
      required = true,
      paramLabel = "PATH",
      description = "ring file, normally under /dev/shm.")
  Path ring;

  @Option(
      names = "--remove-on-exit",
      description =
          "remove the ring's name however the server ends (a failure or a signal too) instead of"
              + " leaving a failed ring for a late consumer: for a ring owned by one trainer that"
              + " maps it first (nuload.torch.Loader starts the server so).")
  boolean removeOnExit;

  @Option(
      names = "--parent-pid",
      paramLabel = "PID",
      description =
          "exit (removing the ring with --remove-on-exit) as soon as process PID, which started"
              + " this server, ends: the Linux parent-death signal and a check every 0.2 s.")
  Long parentPid;

  /** Creates the command (picocli fills the fields). */
  public ServeCommand() {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    PetrConfig config = samples.config();
    EngineOptions options;
    try {
      options = engine.engineOptions(!samples.eval);
    } catch (IllegalArgumentException e) {
      throw new NuloadException(ExitCode.USAGE, e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (parentPid != null) {
      long parent = parentPid;
      ParentWatch.start(
          parent,
          Duration.ofMillis(200),
          () -> {
            System.err.println("nuload serve: its parent process " + parent + " ended; stopping");
            System.exit(ExitCode.FAILURE);
          });
    }
    PetrSampleSource source = samples.batches(config, options).source();
    out.printf(
        Locale.ROOT,
        "serve: %s, %d samples, %s %s, %s, batch %d, %d workers, %d epochs -> %s (pid %d)%n",
        samples.infos.getFileName(),
        source.size(),
        config.name(),
        config.mode().name().toLowerCase(Locale.ROOT),
        samples.eval ? "test pipeline" : "training augmentation, seed " + engine.seed,
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
            Terminal.isInteractive(),
            removeOnExit);
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
