package dev.nuload.bench.image;

import dev.nuload.image.ChannelNormalization;
import dev.nuload.image.DecodedImage;
import dev.nuload.image.DecodedPlanes;
import dev.nuload.image.ImageIoJpegDecoder;
import dev.nuload.image.JpegDecoder;
import dev.nuload.image.PlanarResizeCropFlipWriter;
import dev.nuload.image.ResampleFilter;
import dev.nuload.image.ResizeCropFlipWriter;
import dev.nuload.image.TensorDType;
import dev.nuload.image.TurboJpegDecoder;
import dev.nuload.nuscenes.petr.PetrConfig;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Per-image costs of the PETR image path on a real 1600x900 nuScenes JPEG: each decoder (full and
 * DCT-scaled), then each transform on an already decoded image: resize+crop+flip in exact (BICUBIC)
 * and fast modes (LINEAR from the DCT-scaled BGR decode, and the fast mode's planar writer from the
 * DCT-scaled Y, Cb, Cr planes), and the normalise/convert/pad write for each dtype (no resize: the
 * pixels are copied and converted only). The training resize ratio r = 0.55 (880x495, crop (40,
 * 175)) is the middle of PETRv2's range.
 *
 * <p>Run: {@code java -jar loader-bench/target/benchmarks.jar ImageBenchmark}; set {@code
 * -Dnuload.testdata.dir} when it is not started from the checkout (the fixtures are in {@code
 * testdata}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class ImageBenchmark {
  static final int RW = 880;
  static final int RH = 495;
  static final int LEFT = 40;
  static final int TOP = 175;

  /** The decoder under test, for the decode benchmarks only (the transforms take no parameter). */
  @State(Scope.Thread)
  public static class Codec {
    /** Which decoder. */
    @Param({"turbojpeg", "imageio"})
    public String decoderName;

    JpegDecoder decoder;
    byte[] jpeg;

    /**
     * Opens the decoder and reads the fixture.
     *
     * @throws IOException when the fixture is missing.
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
      jpeg = Files.readAllBytes(image());
      decoder = decoderName.equals("imageio") ? new ImageIoJpegDecoder() : new TurboJpegDecoder();
    }

    /** Closes the decoder. */
    @TearDown(Level.Trial)
    public void close() {
      decoder.close();
    }
  }

  private Arena arena;
  private TurboJpegDecoder turbo;
  private byte[] jpeg;
  private DecodedImage full; // a copy, decoded once
  private DecodedImage scaled; // a copy at the DCT scale the fast mode uses
  private DecodedPlanes planes; // a copy of the Y, Cb, Cr planes at that scale
  private PlanarResizeCropFlipWriter planar;
  private MemorySegment dst;
  private ResizeCropFlipWriter writer;
  private ResizeCropFlipWriter.Output f32;
  private ResizeCropFlipWriter.Output f16;
  private ResizeCropFlipWriter.Output u8;

  /**
   * Finds the fixture image.
   *
   * @return a real CAM_FRONT JPEG.
   */
  static Path image() {
    String dir = System.getProperty("nuload.testdata.dir", "testdata");
    return Path.of(dir)
        .resolve(
            "nuscenes-real/keyframe-scene-0061/"
                + "n015-2018-07-24-11-22-45+0800__CAM_FRONT__1532402927612460.jpg");
  }

  /**
   * Decodes the fixture and allocates the destination.
   *
   * @throws IOException when the fixture is missing.
   */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    arena = Arena.ofShared();
    jpeg = Files.readAllBytes(image());
    turbo = new TurboJpegDecoder();
    full = copy(turbo.decode(jpeg, jpeg.length, "bench"));
    scaled = copy(turbo.decodeAtLeast(jpeg, jpeg.length, "bench", RW, RH));
    planes = copy(turbo.decodePlanesAtLeast(jpeg, jpeg.length, "bench", RW, RH));
    writer = new ResizeCropFlipWriter();
    planar = new PlanarResizeCropFlipWriter();
    ChannelNormalization n = PetrConfig.petrv2_800x320().normalization();
    f32 = new ResizeCropFlipWriter.Output(800, 320, 800, 320, TensorDType.FLOAT32, n);
    f16 = new ResizeCropFlipWriter.Output(800, 320, 800, 320, TensorDType.FLOAT16, n);
    u8 = new ResizeCropFlipWriter.Output(800, 320, 800, 320, TensorDType.UINT8, n);
    dst = arena.allocate(f32.bytes(), 64);
  }

  private DecodedImage copy(DecodedImage d) {
    long n = (long) d.width() * d.height() * 3;
    MemorySegment m = arena.allocate(n, 64);
    MemorySegment.copy(d.pixels(), 0, m, 0, n);
    return new DecodedImage(m, d.width(), d.height(), d.sourceWidth(), d.sourceHeight());
  }

  private DecodedPlanes copy(DecodedPlanes d) {
    return new DecodedPlanes(
        copy(d.luma()),
        copy(d.cb()),
        copy(d.cr()),
        d.width(),
        d.height(),
        d.lumaStride(),
        d.chromaWidth(),
        d.chromaHeight(),
        d.chromaStride(),
        d.chromaFactorX(),
        d.chromaFactorY(),
        d.sourceWidth(),
        d.sourceHeight());
  }

  private MemorySegment copy(MemorySegment m) {
    MemorySegment c = arena.allocate(Math.max(1, m.byteSize()), 64);
    MemorySegment.copy(m, 0, c, 0, m.byteSize());
    return c;
  }

  /** Releases the decoders and buffers. */
  @TearDown(Level.Trial)
  public void tearDown() {
    turbo.close();
    arena.close();
  }

  /**
   * Full-size decode.
   *
   * @param c the decoder.
   * @param bh sink.
   */
  @Benchmark
  public void decodeFull(Codec c, Blackhole bh) {
    DecodedImage d = c.decoder.decode(c.jpeg, c.jpeg.length, "bench");
    bh.consume(d.pixels().get(ValueLayout.JAVA_BYTE, 12345));
  }

  /**
   * DCT-scaled decode at the fast mode's size (5/8 for r = 0.55; full size for ImageIO).
   *
   * @param c the decoder.
   * @param bh sink.
   */
  @Benchmark
  public void decodeScaled(Codec c, Blackhole bh) {
    DecodedImage d = c.decoder.decodeAtLeast(c.jpeg, c.jpeg.length, "bench", RW, RH);
    bh.consume(d.pixels().get(ValueLayout.JAVA_BYTE, 12345));
  }

  /**
   * DCT-scaled decode to the Y, Cb, Cr planes at the fast mode's size (TurboJPEG only).
   *
   * @param bh sink.
   */
  @Benchmark
  public void decodeScaledPlanes(Blackhole bh) {
    DecodedPlanes d = turbo.decodePlanesAtLeast(jpeg, jpeg.length, "bench", RW, RH);
    bh.consume(d.luma().get(ValueLayout.JAVA_BYTE, 12345));
  }

  /**
   * Exact resize+crop+flip of a decoded image, uint8 out.
   *
   * @param bh sink.
   */
  @Benchmark
  public void resizeExact(Blackhole bh) {
    writer.write(full, RW, RH, LEFT, TOP, true, ResampleFilter.BICUBIC, u8, dst, 0);
    bh.consume(dst.get(ValueLayout.JAVA_BYTE, 777));
  }

  /**
   * Fast resize+crop+flip from the DCT-scaled image (1000x563 to 880x495, 2-tap LINEAR), uint8 out.
   *
   * @param bh sink.
   */
  @Benchmark
  public void resizeFast(Blackhole bh) {
    writer.write(scaled, RW, RH, LEFT, TOP, true, ResampleFilter.LINEAR, u8, dst, 0);
    bh.consume(dst.get(ValueLayout.JAVA_BYTE, 777));
  }

  /**
   * The fast mode's planar writer: resize+crop+flip of the DCT-scaled Y, Cb, Cr planes (2-tap
   * linear) and YCbCr to BGR of the crop, uint8 out.
   *
   * @param bh sink.
   */
  @Benchmark
  public void resizeFastPlanar(Blackhole bh) {
    planar.write(planes, RW, RH, LEFT, TOP, true, u8, dst, 0);
    bh.consume(dst.get(ValueLayout.JAVA_BYTE, 777));
  }

  /**
   * The planar writer with float32 output (normalised).
   *
   * @param bh sink.
   */
  @Benchmark
  public void resizeFastPlanarFloat32(Blackhole bh) {
    planar.write(planes, RW, RH, LEFT, TOP, true, f32, dst, 0);
    bh.consume(dst.get(ValueLayout.JAVA_BYTE, 777));
  }

  /**
   * Crop, normalise and write float32 only (an image already at the resize size: no resampling).
   *
   * @param bh sink.
   */
  @Benchmark
  public void normalizeFloat32(Blackhole bh) {
    writer.write(full, 1600, 900, LEFT, TOP, false, ResampleFilter.BICUBIC, f32, dst, 0);
    bh.consume(dst.get(ValueLayout.JAVA_BYTE, 777));
  }

  /**
   * Crop, normalise and write float16 only.
   *
   * @param bh sink.
   */
  @Benchmark
  public void normalizeFloat16(Blackhole bh) {
    writer.write(full, 1600, 900, LEFT, TOP, false, ResampleFilter.BICUBIC, f16, dst, 0);
    bh.consume(dst.get(ValueLayout.JAVA_BYTE, 777));
  }

  /**
   * Crop and write uint8 only.
   *
   * @param bh sink.
   */
  @Benchmark
  public void convertUint8(Blackhole bh) {
    writer.write(full, 1600, 900, LEFT, TOP, false, ResampleFilter.BICUBIC, u8, dst, 0);
    bh.consume(dst.get(ValueLayout.JAVA_BYTE, 777));
  }

  /**
   * Runs this benchmark from an IDE.
   *
   * @param args ignored.
   * @throws RunnerException on JMH failure.
   */
  public static void main(String[] args) throws RunnerException {
    new Runner(new OptionsBuilder().include(ImageBenchmark.class.getSimpleName()).build()).run();
  }
}
