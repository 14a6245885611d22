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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The demo's serve stage: PETRv2 batches (uint8, training augmentation) from the demo's info file
 * into a ring in {@code /dev/shm}, read by a real Python consumer process ({@code python3 -m
 * nuload.ring}) when Python with numpy is there, otherwise by the Java ring reader.
 */
final class DemoServe {
  static final int BATCH = 2;
  static final int SAMPLES = 8;

  private DemoServe() {}

  /**
   * What the stage did.
   *
   * @param consumer who read the ring.
   * @param batches batches the consumer read.
   * @param samples samples the consumer read.
   * @param serveSeconds the producer's wall time.
   * @param detail shape of the image tensor and the consumer's note.
   */
  record Outcome(String consumer, long batches, long samples, double serveSeconds, String detail) {}

  static Outcome run(Path infos, Path dataroot, Path ring)
      throws IOException, InterruptedException {
    PetrConfig config = PetrConfig.petrv2_800x320().withDtype(TensorDType.UINT8);
    EngineOptions options =
        EngineOptions.builder()
            .batchSize(BATCH)
            .workers(Runtime.getRuntime().availableProcessors())
            .slots(2)
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
            .limit(SAMPLES)
            .source();
    Files.deleteIfExists(ring);
    Path python = pythonPackage();
    String imgShape =
        "[" + BATCH + ", " + Arrays.toString(config.imageShape()).substring(1) + " uint8";
    if (python != null) {
      ProcessBuilder pb =
          new ProcessBuilder("python3", "-m", "nuload.ring", ring.toString(), "--timeout", "120")
              .redirectError(ProcessBuilder.Redirect.INHERIT);
      pb.environment().put("PYTHONPATH", python.toString());
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
      RingServer.Result r = RingServer.serve(ring, source, options, 30_000, 0, null, false);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      String text = out.join().strip();
      if (p.exitValue() != 0) {
        throw new IOException("the Python consumer failed (exit " + p.exitValue() + "): " + text);
      }
      Map<String, Object> summary = JsonValues.lastObject(text);
      long batches = (long) JsonValues.number(summary, "batches");
      long samples = (long) JsonValues.number(summary, "samples");
      return new Outcome(
          "python3 -m nuload.ring (numpy views into the ring)",
          batches,
          samples,
          r.seconds(),
          "img " + imgShape);
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
                throw new java.io.UncheckedIOException(e);
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
        "img " + imgShape);
  }

  /** The repository's python/ folder when python3 can import numpy, else null. */
  private static Path pythonPackage() {
    String repo = System.getProperty("nuload.repo.dir");
    if (repo == null) {
      return null;
    }
    Path dir = Path.of(repo, "python");
    if (!Files.isRegularFile(dir.resolve("nuload/ring.py"))) {
      return null;
    }
    try {
      ProcessBuilder pb = new ProcessBuilder("python3", "-c", "import numpy, nuload.ring");
      pb.environment().put("PYTHONPATH", dir.toString());
      pb.redirectErrorStream(true);
      Process p = pb.start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0 ? dir : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
