package dev.nuload.pipeline;

import dev.nuload.shm.ConsumerGoneException;
import dev.nuload.shm.RingBatch;
import dev.nuload.shm.RingOptions;
import dev.nuload.shm.RingReader;
import dev.nuload.shm.RingWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Batches for a JVM trainer: the same engine as {@code nuload serve}, serving into a ring in
 * process memory instead of a shared file. Iterate, use each {@link RingBatch} before taking the
 * next (lease semantics), and close to stop the workers.
 *
 * <pre>{@code
 * try (InProcessLoader loader = InProcessLoader.start(source, options)) {
 *   while (loader.hasNext()) {
 *     RingBatch batch = loader.next();
 *     MemorySegment img = batch.tensor("img");
 *   }
 * }
 * }</pre>
 */
public final class InProcessLoader implements Iterator<RingBatch>, AutoCloseable {
  private final RingWriter writer;
  private final RingReader reader;
  private final Thread engineThread;
  private volatile Throwable engineFailure;
  private RingBatch pending;
  private boolean ended;

  private InProcessLoader(SampleSource source, EngineOptions options) {
    BatchEngine engine = new BatchEngine(source, options);
    RingOptions ringOptions =
        new RingOptions(
            RingOptions.HEARTBEAT_INTERVAL_MS_DEFAULT,
            RingOptions.CONSUMER_TIMEOUT_MS_DEFAULT,
            0,
            options.epochs(),
            options.batchesPerEpoch(source.size()),
            options.rank(),
            options.worldSize());
    this.writer = RingWriter.inProcess(BatchEngine.plan(source, options), ringOptions);
    this.reader = RingReader.attach(writer.memory(), Duration.ofSeconds(30));
    this.engineThread =
        Thread.ofPlatform()
            .name("nuload-in-process-feeder")
            .daemon()
            .start(
                () -> {
                  try {
                    engine.run(writer);
                  } catch (ConsumerGoneException e) {
                    // the iterator was closed early
                  } catch (Throwable t) {
                    engineFailure = t;
                  }
                });
  }

  /**
   * Starts the workers.
   *
   * @param source the dataset.
   * @param options batch size, workers, slots, sampling.
   * @return the running loader.
   */
  public static InProcessLoader start(SampleSource source, EngineOptions options) {
    return new InProcessLoader(source, options);
  }

  /**
   * Tells whether another batch follows; waits for it. Releases the previous batch.
   *
   * @return false at the end of the stream.
   * @throws dev.nuload.shm.ProducerGoneException when the engine failed (the message names the
   *     sample under the FAIL policy).
   */
  @Override
  public boolean hasNext() {
    if (pending == null && !ended) {
      pending = reader.next();
      ended = pending == null;
    }
    return pending != null;
  }

  /**
   * Returns the next batch, valid until the following {@code hasNext}/{@code next} or close.
   *
   * @return the batch.
   */
  @Override
  public RingBatch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the loader has served every epoch");
    }
    RingBatch b = pending;
    pending = null;
    return b;
  }

  /**
   * Returns an unexpected engine failure, if one happened.
   *
   * @return the failure or null.
   */
  public Throwable engineFailure() {
    return engineFailure;
  }

  /** Stops the workers and frees the ring memory. */
  @Override
  public void close() {
    reader.close();
    try {
      engineThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
