package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.pipeline.BadSamplePolicy;
import dev.nuload.pipeline.EngineOptions;
import dev.nuload.pipeline.PatternSampleSource;
import dev.nuload.pipeline.RingServer;
import dev.nuload.shm.RingOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

  @Option(names = "--batch-size", defaultValue = "4", description = "samples per batch.")
  int batchSize;

  @Option(
      names = "--workers",
      defaultValue = "0",
      description = "decode threads (0: available cores).")
  int workers;

  @Option(names = "--slots", defaultValue = "4", description = "ring slots (prefetch depth).")
  int slots;

  @Option(names = "--epochs", defaultValue = "1", description = "epochs to serve.")
  int epochs;

  @Option(names = "--seed", defaultValue = "0", description = "shuffle seed.")
  long seed;

  @Option(names = "--shuffle", description = "shuffle every epoch.")
  boolean shuffle;

  @Option(names = "--drop-last", description = "DistributedSampler drop_last.")
  boolean dropLast;

  @Option(names = "--rank", defaultValue = "0", description = "this shard.")
  int rank;

  @Option(names = "--world-size", defaultValue = "1", description = "shard count.")
  int worldSize;

  @Option(names = "--bad", split = ",", description = "sample indices that fail.")
  List<Integer> bad = List.of();

  @Option(
      names = "--bad-samples",
      defaultValue = "FAIL",
      description = "policy for a failing sample: ${COMPLETION-CANDIDATES}.")
  BadSamplePolicy policy;

  @Option(
      names = "--consumer-timeout",
      defaultValue = "10",
      description = "seconds a consumer may stay silent before the producer stops.")
  double consumerTimeout;

  @Option(
      names = "--attach-timeout",
      defaultValue = "0",
      description = "seconds to wait for a first consumer once the ring is full (0: for ever).")
  double attachTimeout;

  /** Creates the command (picocli fills the fields). */
  public ServePatternCommand() {}

  @Override
  public Integer call() throws Exception {
    EngineOptions options =
        EngineOptions.builder()
            .batchSize(batchSize)
            .workers(workers > 0 ? workers : Runtime.getRuntime().availableProcessors())
            .slots(slots)
            .epochs(epochs)
            .seed(seed)
            .shuffle(shuffle)
            .dropLast(dropLast)
            .shard(rank, worldSize)
            .badSamples(policy)
            .build();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PatternSampleSource source =
        new PatternSampleSource(samples, views, height, width, new HashSet<>(bad));
    long timeoutMs =
        consumerTimeout > 0
            ? (long) (consumerTimeout * 1000)
            : RingOptions.CONSUMER_TIMEOUT_MS_DEFAULT;
    out.printf(
        Locale.ROOT, "serve-pattern: serving %s (pid %d)%n", ring, ProcessHandle.current().pid());
    out.flush();
    RingServer.Result r =
        RingServer.serve(ring, source, options, timeoutMs, (long) (attachTimeout * 1000), err);
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
