package dev.nuload.nuscenes.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import dev.nuload.image.TensorDType;
import dev.nuload.nuscenes.petr.ImageMode;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.petr.PetrSampleProcessor;
import dev.nuload.nuscenes.petr.SampleResult;
import dev.nuload.nuscenes.serve.PetrBatches;
import dev.nuload.nuscenes.serve.PetrSampleSource;
import dev.nuload.pipeline.EngineOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Hidden {@code nuload sample-digests}: what {@code nuload serve} with the same options must put in
 * a slot for every sample and epoch, computed one sample at a time in this process (no engine, no
 * sampler, no ring). Prints one JSON line per (epoch, sample) with the sample token and the SHA-256
 * of each tensor's little-endian bytes as the ring holds them ({@code img}, {@code lidar2img},
 * {@code intrinsics}, {@code timestamps}, {@code img_shape}) and of the {@code gt_boxes} (float32)
 * and {@code gt_labels} (int32) rows. The end-to-end serving tests compare a real consumer's
 * batches against these lines.
 */
@Command(
    name = "sample-digests",
    hidden = true,
    mixinStandardHelpOptions = true,
    versionProvider = NuloadVersion.class,
    description = "Prints per-sample SHA-256 digests of what nuload serve serves (for tests).")
public final class SampleDigestsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--infos", required = true, description = "Arrow info file (nuload infos).")
  Path infos;

  @Option(names = "--dataroot", required = true, description = "Dataset root the paths are in.")
  Path dataroot;

  @Option(names = "--eval", description = "test pipeline (default: training augmentation).")
  boolean eval;

  @Option(names = "--preset", defaultValue = "petrv2", description = "petrv2 or petrv1.")
  String preset;

  @Option(names = "--frames", description = "frames per sample: 1 or 2 (default: the preset's).")
  Integer frames;

  @Option(names = "--dtype", defaultValue = "float32", description = "float32, float16 or uint8.")
  String dtype;

  @Option(names = "--mode", defaultValue = "exact", description = "exact or fast.")
  String mode;

  @Option(names = "--seed", defaultValue = "0", description = "augmentation seed.")
  long seed;

  @Option(names = "--epochs", defaultValue = "1", description = "epochs 0..E-1 to digest.")
  int epochs;

  @Option(
      names = "--limit",
      defaultValue = "2147483647",
      description = "only the first N samples of the file.")
  int limit;

  /** Creates the command (picocli fills the fields). */
  public SampleDigestsCommand() {}

  @Override
  public Integer call() throws IOException {
    PetrConfig config;
    try {
      config =
          PetrConfig.preset(preset)
              .withDtype(TensorDType.parse(dtype))
              .withMode(ImageMode.parse(mode));
      if (frames != null) {
        config = config.withFrames(frames);
      }
    } catch (IllegalArgumentException e) {
      throw new NuloadException(ExitCode.USAGE, e.getMessage(), e);
    }
    if (limit < 1 || epochs < 1) {
      throw new NuloadException(ExitCode.USAGE, "--limit and --epochs must be at least 1");
    }
    PetrSampleSource source =
        PetrBatches.builder()
            .infos(infos)
            .dataroot(dataroot)
            .config(config)
            .train(!eval)
            .engine(EngineOptions.builder().seed(seed).build())
            .limit(limit)
            .source();
    PrintWriter out = spec.commandLine().getOut();
    JsonFactory json = new JsonFactory();
    try (PetrSampleProcessor processor = new PetrSampleProcessor(config, dataroot);
        Arena arena = Arena.ofConfined()) {
      for (int epoch = 0; epoch < epochs; epoch++) {
        for (int i = 0; i < source.size(); i++) {
          MemorySegment img = arena.allocate(config.imageBytes(), 64);
          SampleResult r = source.process(processor, i, epoch, img);
          StringWriter line = new StringWriter();
          try (JsonGenerator g = json.createGenerator(line)) {
            g.writeStartObject();
            g.writeNumberField("epoch", epoch);
            g.writeNumberField("sample", i);
            g.writeStringField("token", r.token());
            g.writeStringField("img", sha256(img.asByteBuffer()));
            g.writeStringField("lidar2img", sha256(doubles(r.lidar2img())));
            g.writeStringField("intrinsics", sha256(doubles(r.intrinsics())));
            g.writeStringField("timestamps", sha256(doubles(new double[][] {r.timestamps()})));
            g.writeStringField("img_shape", sha256(ints(r.imgHeight(), r.imgWidth())));
            double[] boxes = r.targets().boxes();
            ByteBuffer f = le(boxes.length * Float.BYTES);
            for (double b : boxes) {
              f.putFloat((float) b);
            }
            g.writeStringField("gt_boxes", sha256(f.flip()));
            g.writeStringField("gt_labels", sha256(ints(r.targets().labels())));
            g.writeNumberField("boxes", r.targets().size());
            g.writeEndObject();
          }
          out.println(line);
        }
      }
    }
    out.flush();
    return ExitCode.OK;
  }

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer doubles(double[][] rows) {
    int n = 0;
    for (double[] r : rows) {
      n += r.length;
    }
    ByteBuffer b = le(n * Double.BYTES);
    for (double[] r : rows) {
      for (double v : r) {
        b.putDouble(v);
      }
    }
    return b.flip();
  }

  private static ByteBuffer ints(int... values) {
    ByteBuffer b = le(values.length * Integer.BYTES);
    for (int v : values) {
      b.putInt(v);
    }
    return b.flip();
  }

  private static String sha256(ByteBuffer bytes) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(bytes);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
