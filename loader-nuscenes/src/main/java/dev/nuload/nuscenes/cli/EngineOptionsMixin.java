package dev.nuload.nuscenes.cli;

import dev.nuload.pipeline.BadSamplePolicy;
import dev.nuload.pipeline.EngineOptions;
import dev.nuload.shm.RingOptions;
import picocli.CommandLine.Option;

/** The engine and ring options shared by {@code nuload serve} and {@code nuload serve-pattern}. */
final class EngineOptionsMixin {
  @Option(names = "--batch-size", defaultValue = "4", description = "samples per batch.")
  int batchSize;

  @Option(
      names = "--workers",
      defaultValue = "0",
      description = "decode threads (default 0: one per available core).")
  int workers;

  @Option(
      names = "--slots",
      defaultValue = "4",
      description = "ring slots, i.e. batches prepared ahead (default: ${DEFAULT-VALUE}).")
  int slots;

  @Option(names = "--epochs", defaultValue = "1", description = "epochs to serve.")
  int epochs;

  @Option(names = "--seed", defaultValue = "0", description = "shuffle and augmentation seed.")
  long seed;

  @Option(
      names = "--drop-last",
      description = "DistributedSampler drop_last: cut the index list instead of padding it.")
  boolean dropLast;

  @Option(names = "--rank", defaultValue = "0", description = "this shard (0-based).")
  int rank;

  @Option(names = "--world-size", defaultValue = "1", description = "shard count.")
  int worldSize;

  @Option(
      names = "--bad-samples",
      defaultValue = "FAIL",
      description =
          "policy for a sample that cannot be produced: ${COMPLETION-CANDIDATES}"
              + " (default: ${DEFAULT-VALUE}).")
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

  /** Creates the mixin (picocli fills the fields). */
  EngineOptionsMixin() {}

  EngineOptions engineOptions(boolean shuffle) {
    return EngineOptions.builder()
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
  }

  long consumerTimeoutMs() {
    return consumerTimeout > 0
        ? (long) (consumerTimeout * 1000)
        : RingOptions.CONSUMER_TIMEOUT_MS_DEFAULT;
  }

  long attachTimeoutMs() {
    return (long) (attachTimeout * 1000);
  }
}
