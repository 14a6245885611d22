package dev.nuload.bench.shm;

import dev.nuload.shm.DType;
import dev.nuload.shm.RingBatch;
import dev.nuload.shm.RingDescriptor;
import dev.nuload.shm.RingLayout;
import dev.nuload.shm.RingOptions;
import dev.nuload.shm.RingReader;
import dev.nuload.shm.RingWriter;
import dev.nuload.shm.TensorSpec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Cost of handing one batch from producer to consumer through the ring, against the cost of the
 * consumer reading the batch's bytes once (what a trainer does at least).
 *
 * <pre>
 *  handOff          claim(s) -> publish -> next() -> release     (protocol only, no data touched)
 *  handOffAndRead   the same + the consumer reads every byte     (bytes / time = GB/s through the ring)
 *  readBaseline     the consumer reads the same bytes from plain off-heap memory, no ring
 * </pre>
 *
 * The hand-off overhead per batch is {@code handOff / readBaseline} of the time a trainer needs
 * just to read the batch. Runs single-threaded (producer and consumer alternate) so it measures the
 * protocol, not scheduling; the ring is a real file in /dev/shm ({@code shm}) or process memory.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingHandOffBenchmark {
  /** Bytes of one batch's tensor data. */
  @Param({"1048576", "33554432"})
  public int batchBytes;

  /** Where the ring lives. */
  @Param({"shm", "process"})
  public String where;

  private Path dir;
  private RingWriter writer;
  private RingReader reader;
  private Arena arena;
  private MemorySegment plain;
  private long sequence;

  /** Creates the ring and the baseline memory. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    RingLayout layout =
        RingLayout.plan(List.of(TensorSpec.of("img", DType.UINT8, batchBytes / 8)), 8, 4, 0);
    RingOptions options = new RingOptions(100, 60_000, 0, 1, 1, 0, 1);
    if (where.equals("shm")) {
      Path base = Path.of("/dev/shm");
      dir =
          Files.createTempDirectory(
              Files.isDirectory(base) ? base : Path.of("/tmp"), "nuload-bench");
      writer = RingWriter.create(dir.resolve("ring"), layout, options);
      reader = RingReader.open(dir.resolve("ring"), Duration.ofSeconds(10));
    } else {
      writer = RingWriter.inProcess(layout, options);
      reader = RingReader.attach(writer.memory(), Duration.ofSeconds(10));
    }
    arena = Arena.ofShared();
    plain = arena.allocate(batchBytes, RingDescriptor.PAGE);
    plain.fill((byte) 1);
  }

  /** Frees everything. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    reader.close();
    writer.close();
    arena.close();
    if (dir != null) {
      Files.deleteIfExists(dir);
    }
  }

  private RingBatch pass() throws InterruptedException {
    RingWriter.Slot slot = writer.claim(sequence);
    slot.sample(0, (int) sequence, RingDescriptor.SAMPLE_OK);
    slot.describe(0, (int) sequence, 8, 0);
    writer.publish(slot);
    sequence++;
    return reader.next();
  }

  private static long sum(MemorySegment m) {
    long s = 0;
    long n = m.byteSize() / 8;
    for (long i = 0; i < n; i++) {
      s += m.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
    }
    return s;
  }

  /**
   * The protocol alone.
   *
   * @param bh sink.
   * @throws InterruptedException never in practice.
   */
  @Benchmark
  public void handOff(Blackhole bh) throws InterruptedException {
    RingBatch b = pass();
    bh.consume(b.sampleIndex(0));
    reader.release(b);
  }

  /**
   * The protocol and one read of every byte.
   *
   * @param bh sink.
   * @throws InterruptedException never in practice.
   */
  @Benchmark
  public void handOffAndRead(Blackhole bh) throws InterruptedException {
    RingBatch b = pass();
    bh.consume(sum(b.tensor("img")));
    reader.release(b);
  }

  /**
   * One read of every byte of plain memory.
   *
   * @param bh sink.
   */
  @Benchmark
  public void readBaseline(Blackhole bh) {
    bh.consume(sum(plain));
  }

  /**
   * Runs this benchmark from an IDE.
   *
   * @param args ignored.
   * @throws RunnerException when JMH fails.
   */
  public static void main(String[] args) throws RunnerException {
    new Runner(new OptionsBuilder().include(RingHandOffBenchmark.class.getSimpleName()).build())
        .run();
  }
}
