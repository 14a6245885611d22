package dev.nuload.pipeline;

import dev.nuload.shm.ConsumerGoneException;
import dev.nuload.shm.RingLayout;
import dev.nuload.shm.RingOptions;
import dev.nuload.shm.RingWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Serves a {@link SampleSource} into a ring file until every epoch is consumed or the consumer is
 * gone: creates the ring, runs the {@link BatchEngine}, prints a status line, waits for the last
 * release, and removes the ring. The serving half of {@code nuload serve}.
 */
public final class RingServer {
  private RingServer() {}

  /**
   * What a serving run did.
   *
   * @param batches batches published.
   * @param samples samples published.
   * @param seconds wall time.
   * @param producerWaitFraction share of the time the feeder waited for a free slot.
   * @param consumerGone why the run stopped early, or null when every batch was released.
   * @param replacedStale the stale ring replaced at start, or null.
   */
  public record Result(
      long batches,
      long samples,
      double seconds,
      double producerWaitFraction,
      String consumerGone,
      String replacedStale) {}

  /**
   * Serves every epoch into {@code ring}, leaving a failed ring for a late consumer: {@link
   * #serve(Path, SampleSource, EngineOptions, long, long, PrintWriter, boolean, boolean)} with
   * {@code removeOnExit} false.
   *
   * @param ring the ring file.
   * @param source the dataset.
   * @param options engine options.
   * @param consumerTimeoutMs how long a consumer may stay silent.
   * @param attachTimeoutMs how long to wait for a first consumer once the ring is full (0: for
   *     ever).
   * @param status where the status line goes (once a second), or null.
   * @param redraw redraw the status line in place.
   * @return what happened.
   * @throws IOException when the ring cannot be created.
   * @throws InterruptedException when interrupted.
   */
  public static Result serve(
      Path ring,
      SampleSource source,
      EngineOptions options,
      long consumerTimeoutMs,
      long attachTimeoutMs,
      PrintWriter status,
      boolean redraw)
      throws IOException, InterruptedException {
    return serve(ring, source, options, consumerTimeoutMs, attachTimeoutMs, status, redraw, false);
  }

  /**
   * Serves every epoch into {@code ring}, optionally removing the ring's name however the server
   * ends.
   *
   * @param ring the ring file.
   * @param source the dataset.
   * @param options engine options.
   * @param consumerTimeoutMs how long a consumer may stay silent.
   * @param attachTimeoutMs how long to wait for a first consumer once the ring is full (0: for
   *     ever).
   * @param status where the status line goes (once a second), or null.
   * @param redraw redraw the status line in place.
   * @param removeOnExit also remove the name of a failed ring, and of a ring stopped by a signal
   *     (SIGTERM, SIGINT; the JVM's shutdown hook), instead of leaving it for a late consumer to
   *     read the error: for a ring owned by one trainer process that maps it before it can need the
   *     error ({@code nuload.torch.Loader}), so nothing stays in {@code /dev/shm} when the trainer
   *     is gone.
   * @return what happened.
   * @throws IOException when the ring cannot be created.
   * @throws InterruptedException when interrupted.
   */
  public static Result serve(
      Path ring,
      SampleSource source,
      EngineOptions options,
      long consumerTimeoutMs,
      long attachTimeoutMs,
      PrintWriter status,
      boolean redraw,
      boolean removeOnExit)
      throws IOException, InterruptedException {
    RingLayout layout = BatchEngine.plan(source, options);
    RingOptions ringOptions =
        new RingOptions(
            RingOptions.HEARTBEAT_INTERVAL_MS_DEFAULT,
            consumerTimeoutMs,
            attachTimeoutMs,
            options.epochs(),
            options.batchesPerEpoch(source.size()),
            options.rank(),
            options.worldSize());
    BatchEngine engine = new BatchEngine(source, options);
    long t0 = System.nanoTime();
    try (RingWriter writer = RingWriter.create(ring, layout, ringOptions)) {
      Thread hook =
          new Thread(
              () -> {
                writer.fail(
                    "producer pid " + ProcessHandle.current().pid() + " was stopped by a signal");
                if (removeOnExit) {
                  writer.removeName();
                }
              });
      Runtime.getRuntime().addShutdownHook(hook);
      Thread reporter = null;
      if (status != null) {
        reporter =
            Thread.ofPlatform()
                .daemon()
                .name("nuload-serve-status")
                .start(() -> report(engine, writer, options, t0, status, redraw));
      }
      String gone = null;
      try {
        engine.run(writer);
        if (!writer.awaitReleased()) {
          gone = "the consumer left before releasing the last batch";
        }
      } catch (ConsumerGoneException e) {
        gone = e.getMessage();
      } catch (RuntimeException | Error e) {
        if (removeOnExit) {
          writer.removeName();
        }
        throw e;
      } finally {
        if (reporter != null) {
          reporter.interrupt();
          reporter.join();
        }
        Runtime.getRuntime().removeShutdownHook(hook);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new Result(
          engine.publishedBatches(),
          engine.publishedSamples(),
          seconds,
          engine.producerWaitNanos() / 1e9 / Math.max(seconds, 1e-9),
          gone,
          writer.replacedStale().orElse(null));
    }
  }

  private static void report(
      BatchEngine engine,
      RingWriter writer,
      EngineOptions options,
      long t0,
      PrintWriter out,
      boolean redraw) {
    long lastAt = t0;
    long lastSamples = 0;
    int width = 0;
    try {
      while (true) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
        long now = System.nanoTime();
        double s = (now - t0) / 1e9;
        long samples = engine.publishedSamples();
        double rate = (samples - lastSamples) / Math.max(1e-9, (now - lastAt) / 1e9);
        lastAt = now;
        lastSamples = samples;
        long full = engine.publishedBatches() - writer.consumerCursor();
        String line =
            String.format(
                Locale.ROOT,
                "serve: %d batches, %d samples, %.1f samples/s, slots full %d/%d, consumer wait"
                    + " %.0f%%, producer wait %.0f%%",
                engine.publishedBatches(),
                samples,
                rate,
                Math.max(0, full),
                options.slots(),
                100 * writer.consumerWaitNanos() / 1e9 / s,
                100 * engine.producerWaitNanos() / 1e9 / s);
        if (redraw) {
          // pad over the rest of a longer previous line
          out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
          width = line.length();
        } else {
          out.println(line);
        }
        out.flush();
      }
    } finally {
      if (redraw && width > 0) {
        out.println();
        out.flush();
      }
    }
  }
}
