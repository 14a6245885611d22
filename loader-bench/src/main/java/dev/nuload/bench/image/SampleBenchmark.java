package dev.nuload.bench.image;

import dev.nuload.image.TensorDType;
import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.info.InfoBuilder;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.petr.AugmentParams;
import dev.nuload.nuscenes.petr.ImageMode;
import dev.nuload.nuscenes.petr.PetrAugmentation;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.petr.PetrSampleProcessor;
import dev.nuload.nuscenes.petr.SampleResult;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * One whole PETRv2 training sample ({@link PetrSampleProcessor#process}: 12 views of the real
 * scene-0523 second keyframe and its previous keyframe, augmentation, geometry, targets) per
 * operation, in each mode and dtype; the epoch advances every call so the augmentation varies.
 *
 * <p>Run: {@code java -jar loader-bench/target/benchmarks.jar SampleBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class SampleBenchmark {
  /** Image mode. */
  @Param({"EXACT", "FAST"})
  public String mode;

  /** Output dtype. */
  @Param({"FLOAT32", "UINT8"})
  public String dtype;

  private Arena arena;
  private PetrSampleProcessor processor;
  private MemorySegment dst;
  private InfoRecord info;
  private int epoch;
  private PetrConfig config;

  /** Builds the info record and the processor. */
  @Setup(Level.Trial)
  public void setUp() {
    Path root = ImageBenchmark.image().getParent().getParent().resolve("scene-0523");
    InfoBuilder b =
        new InfoBuilder(
            NuScenesTables.load(root.resolve("v1.0-trainval")), NuScenesVersion.TRAINVAL);
    List<InfoRecord> records = new ArrayList<>();
    b.buildScenes(List.of("scene-0523"), records::add);
    info = records.get(1); // its 6-entry sweep list: training picks 3..5, row 0's images at 5
    config =
        PetrConfig.petrv2_800x320()
            .withMode(ImageMode.valueOf(mode))
            .withDtype(TensorDType.valueOf(dtype));
    arena = Arena.ofShared();
    dst = arena.allocate(config.imageBytes(), 64);
    processor = new PetrSampleProcessor(config, root);
  }

  /** Closes the processor and the destination. */
  @TearDown(Level.Trial)
  public void tearDown() {
    processor.close();
    arena.close();
  }

  /**
   * One training sample into the destination.
   *
   * @param bh sink.
   */
  @Benchmark
  public void trainSample(Blackhole bh) {
    // training draws a sweep in 3..5 of the 6-entry list; only entry 5 (the previous keyframe) has
    // its images in the fixtures, so the drawn resize/crop/flip/rotation/scale are kept and the
    // sweep is pinned to 5
    AugmentParams p = PetrAugmentation.draw(config, 7, epoch++, 1, true, 6);
    p =
        new AugmentParams(
            p.resizeRatio(),
            p.resizeWidth(),
            p.resizeHeight(),
            p.cropLeft(),
            p.cropTop(),
            p.flip(),
            5,
            p.rotation(),
            p.scale());
    SampleResult r = processor.process(info, p, true, dst);
    bh.consume(r);
    bh.consume(dst.get(ValueLayout.JAVA_BYTE, 4096));
  }

  /**
   * Runs this benchmark from an IDE.
   *
   * @param args ignored.
   * @throws RunnerException on JMH failure.
   */
  public static void main(String[] args) throws RunnerException {
    new Runner(new OptionsBuilder().include(SampleBenchmark.class.getSimpleName()).build()).run();
  }
}
