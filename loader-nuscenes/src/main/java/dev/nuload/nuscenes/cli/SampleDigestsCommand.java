package dev.nuload.nuscenes.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.petr.PetrSampleProcessor;
import dev.nuload.nuscenes.petr.SampleResult;
import dev.nuload.nuscenes.serve.PetrBatches;
import dev.nuload.nuscenes.serve.PetrSampleSource;
import dev.nuload.pipeline.EngineOptions;
import dev.nuload.pipeline.InProcessLoader;
import dev.nuload.shm.RingBatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
  private static final JsonFactory JSON = new JsonFactory();

  @Spec CommandSpec spec;

  @Mixin PetrSamplesMixin samples;

  @Mixin EngineOptionsMixin engine;

  @Option(
      names = "--in-process-loader",
      description =
          "digest the batches of the in-process Java API (PetrBatches/InProcessLoader) with the"
              + " engine options, one line per batch, instead of one sample at a time.")
  boolean inProcessLoader;

  /** Creates the command (picocli fills the fields). */
  public SampleDigestsCommand() {}

  @Override
  public Integer call() throws IOException {
    PetrConfig config = samples.config();
    if (engine.epochs < 1) {
      throw new NuloadException(ExitCode.USAGE, "--epochs must be at least 1");
    }
    EngineOptions options;
    try {
      options = engine.engineOptions(!samples.eval);
    } catch (IllegalArgumentException e) {
      throw new NuloadException(ExitCode.USAGE, e.getMessage(), e);
    }
    PetrBatches batches = samples.batches(config, options);
    PrintWriter out = spec.commandLine().getOut();
    if (inProcessLoader) {
      try (InProcessLoader loader = batches.open()) {
        while (loader.hasNext()) {
          out.println(batchLine(loader.next()));
        }
      }
    } else {
      PetrSampleSource source = batches.source();
      try (PetrSampleProcessor processor = new PetrSampleProcessor(config, samples.dataroot);
          Arena arena = Arena.ofConfined()) {
        for (int epoch = 0; epoch < options.epochs(); epoch++) {
          for (int i = 0; i < source.size(); i++) {
            MemorySegment img = arena.allocate(config.imageBytes(), 64);
            out.println(sampleLine(source.process(processor, i, epoch, img), epoch, i, img));
          }
        }
      }
    }
    out.flush();
    return ExitCode.OK;
  }

  private static String sampleLine(SampleResult r, int epoch, int sample, MemorySegment img)
      throws IOException {
    double[] boxes = r.targets().boxes();
    ByteBuffer f = le(boxes.length * Float.BYTES);
    for (double b : boxes) {
      f.putFloat((float) b);
    }
    StringWriter line = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(line)) {
      g.writeStartObject();
      g.writeNumberField("epoch", epoch);
      g.writeNumberField("sample", sample);
      writeRow(
          g,
          r.token(),
          img.asByteBuffer(),
          doubles(r.lidar2img()),
          doubles(r.intrinsics()),
          doubles(new double[][] {r.timestamps()}),
          ints(r.imgHeight(), r.imgWidth()),
          f.flip(),
          ints(r.targets().labels()),
          r.targets().size());
      g.writeEndObject();
    }
    return line.toString();
  }

  private static String batchLine(RingBatch b) throws IOException {
    StringWriter line = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(line)) {
      g.writeStartObject();
      g.writeNumberField("sequence", b.sequence());
      g.writeNumberField("epoch", b.epoch());
      g.writeNumberField("index", b.batchIndex());
      g.writeNumberField("size", b.size());
      g.writeBooleanField("end_of_epoch", b.endOfEpoch());
      g.writeArrayFieldStart("samples");
      for (int row = 0; row < b.size(); row++) {
        g.writeNumber(b.sampleIndex(row));
      }
      g.writeEndArray();
      g.writeArrayFieldStart("rows");
      for (int row = 0; row < b.size(); row++) {
        MemorySegment labels = b.ragged("gt_labels").get(row);
        g.writeStartObject();
        writeRow(
            g,
            b.strings("sample_tokens").get(row),
            rowOf(b, "img", row),
            rowOf(b, "lidar2img", row),
            rowOf(b, "intrinsics", row),
            rowOf(b, "timestamps", row),
            rowOf(b, "img_shape", row),
            b.ragged("gt_boxes").get(row).asByteBuffer(),
            labels.asByteBuffer(),
            (int) (labels.byteSize() / Integer.BYTES));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return line.toString();
  }

  private static ByteBuffer rowOf(RingBatch b, String tensor, int row) {
    MemorySegment all = b.tensor(tensor);
    long bytes = all.byteSize() / b.size();
    return all.asSlice(row * bytes, bytes).asByteBuffer();
  }

  private static void writeRow(
      JsonGenerator g,
      String token,
      ByteBuffer img,
      ByteBuffer lidar2img,
      ByteBuffer intrinsics,
      ByteBuffer timestamps,
      ByteBuffer imgShape,
      ByteBuffer gtBoxes,
      ByteBuffer gtLabels,
      int boxes)
      throws IOException {
    g.writeStringField("token", token);
    g.writeStringField("img", sha256(img));
    g.writeStringField("lidar2img", sha256(lidar2img));
    g.writeStringField("intrinsics", sha256(intrinsics));
    g.writeStringField("timestamps", sha256(timestamps));
    g.writeStringField("img_shape", sha256(imgShape));
    g.writeStringField("gt_boxes", sha256(gtBoxes));
    g.writeStringField("gt_labels", sha256(gtLabels));
    g.writeNumberField("boxes", boxes);
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
