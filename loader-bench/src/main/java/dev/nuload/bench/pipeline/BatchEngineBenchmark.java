package dev.nuload.bench.pipeline;

import dev.nuload.pipeline.EngineOptions;
import dev.nuload.pipeline.InProcessLoader;
import dev.nuload.pipeline.PatternSampleSource;
import dev.nuload.shm.RingBatch;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Samples per second through the whole engine (sampler, Disruptor, N workers, in-order assembly,
 * ring hand-off) for 1..N workers, with the pattern source standing in for decoding: 6 views of 3 x
 * 256 x 448 bytes per sample (2 MiB), the size of a downscaled PETR sample. The score is time per
 * sample; compare worker counts side by side in one run.
 *
 * <pre>
 *  sampler -> feeder -> Disruptor (one event per sample) -> workers (fill) -> assembler -> ring
 *                                                                                 -> consumer
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(1)
public class BatchEngineBenchmark {
  private static final int SAMPLES = 128;

  /** Decode threads. */
  @Param({"1", "2"})
  public int workers;

  private PatternSampleSource source;
  private EngineOptions options;

  /** Plans the source and options. */
  @Setup(Level.Trial)
  public void setUp() {
    source = new PatternSampleSource(SAMPLES, 6, 256, 448, Set.of());
    options =
        EngineOptions.builder()
            .batchSize(8)
            .workers(workers)
            .slots(4)
            .shuffle(true)
            .seed(1)
            .build();
  }

  /**
   * One epoch of 128 samples, every batch consumed.
   *
   * @param bh sink.
   */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public void epoch(Blackhole bh) {
    try (InProcessLoader loader = InProcessLoader.start(source, options)) {
      while (loader.hasNext()) {
        RingBatch b = loader.next();
        bh.consume(b.sampleIndex(0));
      }
    }
  }

  /**
   * Runs this benchmark from an IDE.
   *
   * @param args ignored.
   * @throws RunnerException when JMH fails.
   */
  public static void main(String[] args) throws RunnerException {
    new Runner(new OptionsBuilder().include(BatchEngineBenchmark.class.getSimpleName()).build())
        .run();
  }
}
