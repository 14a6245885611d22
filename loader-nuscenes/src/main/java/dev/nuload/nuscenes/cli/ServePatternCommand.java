package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.pipeline.EngineOptions;
import dev.nuload.pipeline.PatternSampleSource;
import dev.nuload.pipeline.RingServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Hidden {@code nuload serve-pattern}: serves the dataset-agnostic {@link PatternSampleSource}
 * (values computed from the sample index and epoch) into a ring, with the same engine and ring as
 * {@code nuload serve}. The Python and C client tests run it as a real producer process.
 */
@Command(
    name = "serve-pattern",
    hidden = true,
    mixinStandardHelpOptions = true,
    versionProvider = NuloadVersion.class,
    description = "Serves deterministic pattern samples into a shared-memory ring (for tests).")
public final class ServePatternCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--ring", required = true, paramLabel = "PATH", description = "ring file.")
  Path ring;

  @Option(names = "--samples", defaultValue = "20", description = "dataset size.")
  int samples;

  @Option(names = "--views", defaultValue = "2", description = "cameras per sample.")
  int views;

  @Option(names = "--height", defaultValue = "8", description = "image height.")
  int height;

  @Option(names = "--width", defaultValue = "12", description = "image width.")
  int width;

  @Mixin EngineOptionsMixin engine;

  @Option(names = "--shuffle", description = "shuffle every epoch.")
  boolean shuffle;

  @Option(names = "--bad", split = ",", description = "sample indices that fail.")
  List<Integer> bad = List.of();

  /** Creates the command (picocli fills the fields). */
  public ServePatternCommand() {}

  @Override
  public Integer call() throws Exception {
    EngineOptions options = engine.engineOptions(shuffle);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PatternSampleSource source =
        new PatternSampleSource(samples, views, height, width, new HashSet<>(bad));
    out.printf(
        Locale.ROOT, "serve-pattern: serving %s (pid %d)%n", ring, ProcessHandle.current().pid());
    out.flush();
    RingServer.Result r =
        RingServer.serve(
            ring,
            source,
            options,
            engine.consumerTimeoutMs(),
            engine.attachTimeoutMs(),
            err,
            false);
    if (r.replacedStale() != null) {
      out.println("serve-pattern: replaced " + r.replacedStale());
    }
    if (r.consumerGone() != null) {
      out.println("serve-pattern: stopped: " + r.consumerGone());
    }
    out.printf(
        Locale.ROOT,
        "serve-pattern: %d batches, %d samples in %.2f s, producer wait %.0f%%%n",
        r.batches(),
        r.samples(),
        r.seconds(),
        100 * r.producerWaitFraction());
    out.flush();
    return ExitCode.OK;
  }
}
