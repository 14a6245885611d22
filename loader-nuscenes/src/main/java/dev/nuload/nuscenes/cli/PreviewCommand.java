package dev.nuload.nuscenes.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.nuload.BadDataException;
import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import dev.nuload.image.NpyFiles;
import dev.nuload.image.TensorDType;
import dev.nuload.nuscenes.info.InfoArrowReader;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.petr.AugmentParams;
import dev.nuload.nuscenes.petr.ImageMode;
import dev.nuload.nuscenes.petr.PetrAugmentation;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.petr.PetrPreview;
import dev.nuload.nuscenes.petr.PetrSampleProcessor;
import dev.nuload.nuscenes.petr.SampleMetaJson;
import dev.nuload.nuscenes.petr.SampleResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nuload preview}: runs the PETR pipeline on one sample and writes what it produced, so a
 * person can check that geometry and augmentation agree: {@code img.npy} (float32 {@code [V, 3, H,
 * W]}, normalised and padded), {@code meta.json} (views, lidar2img, intrinsics, img_shape and the
 * rest of the metas) and one PNG per view (de-normalised, GT box edges projected). It also reports
 * how far the fast mode is from the exact one on this sample.
 */
@Command(
    name = "preview",
    description = {
      "Processes one sample with the PETR pipeline (the PETRv2 800x320 preset by default, or"
          + " the training config given by --config) and writes img.npy, meta.json and one PNG"
          + " per view with the projected GT boxes.",
      ""
    })
public final class PreviewCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin HelpOption helpOption;

  @Spec CommandSpec spec;

  @Option(names = "--infos", required = true, description = "Arrow info file (nuload infos).")
  Path infos;

  @Option(names = "--dataroot", required = true, description = "Dataset root the paths are in.")
  Path dataroot;

  @Option(names = "--sample", required = true, description = "Sample token or row index.")
  String sample;

  @Option(
      names = "--mode",
      defaultValue = "exact",
      description =
          "exact (Pillow-identical) or fast (DCT-scaled decode; default: ${DEFAULT-VALUE}).")
  String mode;

  @picocli.CommandLine.Mixin PetrPipelineMixin pipeline;

  @Option(names = "--train", description = "Training augmentation (default: test pipeline).")
  boolean train;

  @Option(names = "--seed", defaultValue = "0", description = "Augmentation seed.")
  long seed;

  @Option(names = "--epoch", defaultValue = "0", description = "Epoch (feeds the augmentation).")
  int epoch;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  /** Creates the command. */
  public PreviewCommand() {}

  @Override
  public Integer call() throws IOException {
    ImageMode imageMode;
    try {
      imageMode = ImageMode.parse(mode);
    } catch (IllegalArgumentException e) {
      throw new NuloadException(ExitCode.USAGE, e.getMessage(), e);
    }
    PetrConfig config = pipeline.pipeline().withDtype(TensorDType.FLOAT32).withMode(imageMode);
    if (!Files.isRegularFile(infos)) {
      throw new BadDataException(infos + ": info file not found");
    }
    PrintWriter o = spec.commandLine().getOut();
    long[] row = {-1};
    InfoRecord info = find(row);
    Files.createDirectories(out);
    AugmentParams p =
        PetrAugmentation.draw(config, seed, epoch, row[0], train, info.cameraSweeps().size());
    try (Arena arena = Arena.ofConfined();
        PetrSampleProcessor proc = new PetrSampleProcessor(config, dataroot)) {
      MemorySegment img = arena.allocate(config.imageBytes(), 64);
      long t0 = System.nanoTime();
      SampleResult r = proc.process(info, p, train, img);
      long t1 = System.nanoTime();
      NpyFiles.write(out.resolve("img.npy"), img, TensorDType.FLOAT32, config.imageShape());
      PetrConfig u8 = config.withDtype(TensorDType.UINT8);
      MemorySegment exact = arena.allocate(u8.imageBytes(), 64);
      MemorySegment fast = arena.allocate(u8.imageBytes(), 64);
      try (PetrSampleProcessor pe =
              new PetrSampleProcessor(u8.withMode(ImageMode.EXACT), dataroot);
          PetrSampleProcessor pf = new PetrSampleProcessor(u8.withMode(ImageMode.FAST), dataroot)) {
        pe.process(info, p, train, exact);
        pf.process(info, p, train, fast);
      }
      PetrPreview.ModeDifference diff = PetrPreview.compare(exact, fast, u8);
      writeMeta(out.resolve("meta.json"), r, config, row[0], proc.decoderName(), diff);
      final PetrConfig cfg = config;
      for (int view = 0; view < config.views(); view++) {
        final int v = view;
        String name = String.format("%02d_%s.png", v, r.views().get(v).replace("@prev", "_prev"));
        Path png = out.resolve(name);
        atomically(
            png,
            os -> ImageIO.write(PetrPreview.render(img, v, r, cfg.normalization()), "png", os));
      }
      o.printf(
          "preview: sample %s (row %d), %s, %s mode, %s, %d views of %dx%d, %d GT boxes, %.1f ms%n",
          info.token(),
          row[0],
          config.name(),
          config.mode().name().toLowerCase(Locale.ROOT),
          train ? "train seed " + seed + " epoch " + epoch : "test pipeline",
          config.views(),
          config.finalWidth(),
          config.finalHeight(),
          r.targets().size(),
          (t1 - t0) / 1e6);
      o.printf(
          "  fast vs exact (uint8, before normalisation): max abs %d, mean abs %.3f, PSNR %.2f dB%n",
          diff.maxAbs(), diff.meanAbs(), diff.psnrDb());
      o.printf("  wrote img.npy, meta.json and %d PNGs to %s%n", config.views(), out);
      o.flush();
    }
    return 0;
  }

  private InfoRecord find(long[] rowOut) throws IOException {
    try (RootAllocator alloc = new RootAllocator();
        InfoArrowReader reader = InfoArrowReader.open(infos, alloc)) {
      long n = reader.rowCount();
      if (sample.matches("\\d{1,9}") && sample.length() < 32) {
        long row = Long.parseLong(sample);
        if (row >= n) {
          throw new NuloadException(
              ExitCode.USAGE, "--sample " + row + ": " + infos + " has " + n + " rows");
        }
        rowOut[0] = row;
        return reader.read(row);
      }
      for (long row = 0; row < n; row++) {
        InfoRecord r = reader.read(row);
        if (r.token().equals(sample)) {
          rowOut[0] = row;
          return r;
        }
      }
      throw new NuloadException(
          ExitCode.USAGE, "--sample " + sample + ": no such token in " + infos);
    }
  }

  private static void writeMeta(
      Path file,
      SampleResult r,
      PetrConfig c,
      long row,
      String decoder,
      PetrPreview.ModeDifference diff)
      throws IOException {
    atomically(
        file,
        os -> {
          try (JsonGenerator g = new JsonFactory().createGenerator(os, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            SampleMetaJson.writeFields(g, r, c);
            g.writeNumberField("row", row);
            g.writeStringField("decoder", decoder);
            g.writeObjectFieldStart("fast_vs_exact_uint8");
            g.writeNumberField("max_abs", diff.maxAbs());
            g.writeNumberField("mean_abs", diff.meanAbs());
            if (Double.isFinite(diff.psnrDb())) {
              g.writeNumberField("psnr_db", diff.psnrDb());
            } else {
              g.writeNullField("psnr_db");
            }
            g.writeEndObject();
            g.writeEndObject();
          }
        });
  }

  interface Body {
    void write(OutputStream os) throws IOException;
  }

  static void atomically(Path file, Body body) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try (OutputStream os = Files.newOutputStream(tmp)) {
        body.write(os);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
