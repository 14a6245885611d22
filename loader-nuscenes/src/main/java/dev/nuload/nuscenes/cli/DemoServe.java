package dev.nuload.nuscenes.cli;

import dev.nuload.image.TensorDType;
import dev.nuload.nuscenes.JsonValues;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.serve.PetrBatches;
import dev.nuload.nuscenes.serve.PetrSampleSource;
import dev.nuload.pipeline.EngineOptions;
import dev.nuload.pipeline.RingServer;
import dev.nuload.shm.RingBatch;
import dev.nuload.shm.RingReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The demo's serve stage: PETR training batches (6 views of 800x320, exact float32, the bench's
 * serve workload) from the demo's info file into a ring in {@code /dev/shm}, read by a real Python
 * trainer process, and then the same samples through a PyTorch DataLoader running the Python PETR
 * pipeline with as many worker processes, so the two rates come from one run.
 *
 * <p>The trainer is {@code examples/python/train_tiny.py} with {@code --step-ms 0} (data only) when
 * torch is importable; otherwise {@code python3 -m nuload.ring} (numpy views) reads the ring and
 * the DataLoader is not run; without numpy the Java ring reader consumes it.
 */
final class DemoServe {
  static final int BATCH = 2;

  private DemoServe() {}

  /**
   * What the stage did.
   *
   * @param consumer who read the ring.
   * @param batches batches the consumer read.
   * @param samples samples the consumer read.
   * @param serveSeconds the producer's wall time.
   * @param steadySamplesPerSecond the consumer's rate after its first batch (start-up left out), or
   *     NaN where the consumer does not measure it.
   * @param baseline the DataLoader's rate on the same samples, or null with the reason in {@code
   *     baselineNote}.
   * @param baselineNote what the baseline was, or why it did not run.
   * @param imgShape the image tensor of a batch, e.g. {@code [2, 6, 3, 320, 800] float32}.
   */
  record Outcome(
      String consumer,
      long batches,
      long samples,
      double serveSeconds,
      double steadySamplesPerSecond,
      Double baseline,
      String baselineNote,
      String imgShape) {}

  /** The pipeline the stage serves: PETR 800x320, one frame of 6 views, exact float32. */
  static PetrConfig config() {
    return PetrConfig.petrv1_800x320().withDtype(TensorDType.FLOAT32);
  }

  static Outcome run(Path infos, Path dataroot, Path ring, int epochs)
      throws IOException, InterruptedException {
    PetrConfig config = config();
    int workers = Runtime.getRuntime().availableProcessors();
    EngineOptions options =
        EngineOptions.builder()
            .batchSize(BATCH)
            .workers(workers)
            .slots(4)
            .epochs(epochs)
            .shuffle(true)
            .seed(0)
            .build();
    PetrSampleSource source =
        PetrBatches.builder()
            .infos(infos)
            .dataroot(dataroot)
            .config(config)
            .train(true)
            .engine(options)
            .source();
    Files.deleteIfExists(ring);
    String imgShape =
        "[" + BATCH + ", " + Arrays.toString(config.imageShape()).substring(1) + " float32";
    Path repo = repo();
    Path trainer = repo == null ? null : repo.resolve("examples/python/train_tiny.py");
    if (trainer != null && Files.isRegularFile(trainer) && python(repo, "import numpy, torch")) {
      List<String> ringArgs =
          List.of(
              "ring",
              "--ring",
              ring.toString(),
              "--timeout",
              "120",
              "--epochs",
              String.valueOf(epochs),
              "--step-ms",
              "0",
              "--quiet");
      Python consumer = Python.start(repo, trainer, ringArgs);
      RingServer.Result r = RingServer.serve(ring, source, options, 30_000, 0, null, false);
      Map<String, Object> summary = consumer.summary();
      List<String> loaderArgs =
          List.of(
              "dataloader",
              "--infos",
              infos.toString(),
              "--dataroot",
              dataroot.toString(),
              "--batch-size",
              String.valueOf(BATCH),
              "--workers",
              String.valueOf(workers),
              "--epochs",
              String.valueOf(epochs),
              "--step-ms",
              "0",
              "--quiet");
      Map<String, Object> loader = Python.start(repo, trainer, loaderArgs).summary();
      return new Outcome(
          "a PyTorch trainer process (train_tiny.py)",
          (long) JsonValues.number(summary, "steps"),
          (long) JsonValues.number(summary, "samples"),
          r.seconds(),
          JsonValues.number(summary, "steady_samples_per_s"),
          JsonValues.number(loader, "steady_samples_per_s"),
          "PyTorch DataLoader, " + workers + " workers, Python PETR pipeline",
          imgShape);
    }
    String noTorch = "not run: python3 with torch not found (pip install torch)";
    if (repo != null && python(repo, "import numpy, nuload.ring")) {
      Python consumer =
          Python.start(
              repo, null, List.of("-m", "nuload.ring", ring.toString(), "--timeout", "120"));
      RingServer.Result r = RingServer.serve(ring, source, options, 30_000, 0, null, false);
      Map<String, Object> summary = consumer.summary();
      return new Outcome(
          "python3 -m nuload.ring (numpy views into the ring)",
          (long) JsonValues.number(summary, "batches"),
          (long) JsonValues.number(summary, "samples"),
          r.seconds(),
          Double.NaN,
          null,
          noTorch,
          imgShape);
    }
    CompletableFuture<long[]> consumer =
        CompletableFuture.supplyAsync(
            () -> {
              long[] n = new long[2];
              try (RingReader reader = RingReader.open(ring, Duration.ofSeconds(120))) {
                RingBatch b;
                while ((b = reader.next()) != null) {
                  n[0]++;
                  n[1] += b.size();
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              return n;
            });
    RingServer.Result r = RingServer.serve(ring, source, options, 30_000, 0, null, false);
    long[] n = consumer.join();
    return new Outcome(
        "Java RingReader (python3 with numpy not found)",
        n[0],
        n[1],
        r.seconds(),
        Double.NaN,
        null,
        noTorch,
        imgShape);
  }

  /** The checkout the CLI runs from (the launcher sets {@code nuload.repo.dir}), or null. */
  private static Path repo() {
    String repo = System.getProperty("nuload.repo.dir");
    return repo == null || !Files.isRegularFile(Path.of(repo, "python/nuload/ring.py"))
        ? null
        : Path.of(repo);
  }

  /** Whether python3 runs {@code code} with the checkout's python/ folder on its path. */
  private static boolean python(Path repo, String code) throws InterruptedException {
    try {
      ProcessBuilder pb = new ProcessBuilder("python3", "-c", code);
      pb.environment().put("PYTHONPATH", repo.resolve("python").toString());
      pb.redirectErrorStream(true);
      Process p = pb.start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** A Python child whose last output line is a JSON summary. */
  private record Python(Process process, CompletableFuture<String> out) {
    static Python start(Path repo, Path script, List<String> args) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add("python3");
      if (script != null) {
        cmd.add(script.toString());
      }
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("PYTHONPATH", repo.resolve("python").toString());
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                  return "";
                }
              });
      return new Python(p, out);
    }

    Map<String, Object> summary() throws IOException, InterruptedException {
      if (!process.waitFor(300, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("demo: " + process.info().commandLine().orElse("python3") + " hung");
      }
      String text = out.join().strip();
      if (process.exitValue() != 0) {
        throw new IOException(
            "demo: the Python process failed (exit " + process.exitValue() + "): " + text);
      }
      return JsonValues.lastObject(text);
    }
  }
}
