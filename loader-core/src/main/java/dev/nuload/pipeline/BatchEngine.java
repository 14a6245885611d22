package dev.nuload.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.nuload.BadDataException;
import dev.nuload.shm.ConsumerGoneException;
import dev.nuload.shm.MetaSpec;
import dev.nuload.shm.MetadataBlock;
import dev.nuload.shm.RingDescriptor;
import dev.nuload.shm.RingLayout;
import dev.nuload.shm.RingWriter;
import dev.nuload.shm.TensorSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves a {@link SampleSource} into a {@link RingWriter}: the sampler's order, batched, filled by
 * N worker threads straight into ring slots, and published strictly in sequence order.
 *
 * <pre>
 *  feeder (caller's thread)          Disruptor ring of SampleEvents (one per sample row)
 *  claim slot s (waits for consumer) --> worker 0 (sequence % N == 0) --+
 *  publish B row events              --> worker 1 (sequence % N == 1) --+--> assembler (in order):
 *                                    --> ...                          --+    sample table, metadata,
 *                                                                            publish slot s
 * </pre>
 *
 * <p>Each row is written by exactly one worker from ({@code sampleIndex}, {@code epoch}) alone, so
 * the bytes of a batch do not depend on the worker count. Events, slots and scratch buffers are
 * created once.
 */
public final class BatchEngine {
  private static final int KIND_SAMPLE = 0;
  private static final int KIND_END = 1;

  /**
   * How long an idle engine thread parks between looks at the sequence it waits for. A sample takes
   * milliseconds to tens of milliseconds to decode, so 100 us of extra latency is noise, while a
   * spinning wait costs a core: Disruptor's {@code BlockingWaitStrategy} blocks only on the
   * feeder's cursor and busy-spins while a later stage (the assembler) waits for the workers, which
   * on a 2-core machine took a third of the CPU away from decoding.
   */
  private static final long IDLE_PARK_NANOS = 100_000;

  private final SampleSource source;
  private final EngineOptions options;
  private final List<TensorSpec> tensors;
  private final List<MetaSpec> metadata;
  private final AtomicLong publishedBatches = new AtomicLong();
  private final AtomicLong publishedSamples = new AtomicLong();
  private final AtomicLong producerWaitNanos = new AtomicLong();

  /**
   * Creates an engine.
   *
   * @param source the dataset.
   * @param options batch size, workers, slots, sampling.
   */
  public BatchEngine(SampleSource source, EngineOptions options) {
    this.source = source;
    this.options = options;
    this.tensors = List.copyOf(source.tensors());
    this.metadata = List.copyOf(source.metadata());
  }

  /**
   * Plans the ring for a source and options.
   *
   * @param source the dataset.
   * @param options the options.
   * @return the layout to create the ring with.
   */
  public static RingLayout plan(SampleSource source, EngineOptions options) {
    long capacity = 0;
    int b = options.batchSize();
    for (MetaSpec m : source.metadata()) {
      capacity +=
          RingDescriptor.RECORD_HEADER_LENGTH
              + RingDescriptor.align(m.name().length(), 8)
              + RingDescriptor.align(4L * b, 8)
              + 8;
    }
    capacity += (long) b * source.maxMetadataBytesPerSample();
    return RingLayout.plan(source.tensors(), b, options.slots(), capacity);
  }

  /**
   * Returns the batches published so far.
   *
   * @return the count.
   */
  public long publishedBatches() {
    return publishedBatches.get();
  }

  /**
   * Returns the samples published so far.
   *
   * @return the count.
   */
  public long publishedSamples() {
    return publishedSamples.get();
  }

  /**
   * Returns the time the feeder spent waiting for a free slot (the consumer being slower).
   *
   * @return nanoseconds.
   */
  public long producerWaitNanos() {
    return producerWaitNanos.get();
  }

  /**
   * Serves every epoch, then the end-of-stream marker. Returns when the last batch is published. On
   * a failure the error is recorded in the ring for the consumer before this method throws.
   *
   * @param writer the ring (its layout must come from {@link #plan}).
   * @throws BadDataException when a sample fails under {@link BadSamplePolicy#FAIL}, naming it.
   * @throws ConsumerGoneException when the consumer goes away.
   * @throws InterruptedException when interrupted.
   */
  public void run(RingWriter writer) throws InterruptedException {
    RingLayout layout = writer.layout();
    ShardSampler sampler = options.sampler(source.size());
    int workers = options.workers();
    int batch = options.batchSize();
    int ringSize = Integer.highestOneBit(Math.max(64, batch * 2) - 1) << 1;
    MemorySegment[][][] rows = rowViews(writer, layout);
    AtomicInteger threadNo = new AtomicInteger();
    List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    Disruptor<SampleEvent> disruptor =
        new Disruptor<>(
            () -> new SampleEvent(metadata),
            ringSize,
            r -> {
              Thread t =
                  Thread.ofPlatform()
                      .daemon()
                      .name("nuload-engine-" + threadNo.getAndIncrement())
                      .unstarted(r);
              threads.add(t);
              return t;
            },
            ProducerType.SINGLE,
            new SleepingWaitStrategy(0, IDLE_PARK_NANOS));
    Assembler assembler = new Assembler(writer, layout, rows);
    WorkerHandler[] handlers = new WorkerHandler[workers];
    for (int i = 0; i < workers; i++) {
      handlers[i] = new WorkerHandler(i, workers, source.newWorker(), rows);
    }
    disruptor.setDefaultExceptionHandler(new FailingExceptionHandler(assembler));
    disruptor.handleEventsWith(handlers).then(assembler);
    RingBuffer<SampleEvent> ring = disruptor.start();
    try {
      long sequence = 0;
      feed:
      for (int epoch = 0; epoch < options.epochs(); epoch++) {
        int[] order = sampler.indices(epoch);
        int batches = options.batchesPerEpoch(source.size());
        for (int b = 0; b < batches; b++) {
          if (assembler.failure != null) {
            break feed;
          }
          int count = Math.min(batch, order.length - b * batch);
          long t0 = System.nanoTime();
          RingWriter.Slot slot;
          try {
            slot = writer.claim(sequence);
          } catch (ConsumerGoneException e) {
            assembler.failure = e;
            break feed;
          } catch (IllegalStateException e) {
            if (assembler.failure != null) {
              break feed;
            }
            throw e;
          }
          producerWaitNanos.addAndGet(System.nanoTime() - t0);
          int flags = b == batches - 1 ? RingDescriptor.FLAG_END_OF_EPOCH : 0;
          for (int r = 0; r < count; r++) {
            long es = ring.next();
            SampleEvent e = ring.get(es);
            e.kind = KIND_SAMPLE;
            e.sequence = sequence;
            e.slot = slot;
            e.row = r;
            e.rows = count;
            e.sampleIndex = order[b * batch + r];
            e.epoch = epoch;
            e.batchIndex = b;
            e.flags = flags;
            e.error = null;
            ring.publish(es);
          }
          sequence++;
        }
      }
      if (assembler.failure == null) {
        long es = ring.next();
        SampleEvent e = ring.get(es);
        e.kind = KIND_END;
        e.sequence = sequence;
        e.error = null;
        ring.publish(es);
      } else {
        assembler.done.countDown();
      }
      assembler.done.await();
    } finally {
      disruptor.halt();
      // halt() only signals; a worker may still be inside fill(), so wait before closing workers.
      for (Thread t : threads) {
        t.join();
      }
      for (WorkerHandler h : handlers) {
        h.worker.close();
      }
    }
    Throwable failure = assembler.failure;
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  private MemorySegment[][][] rowViews(RingWriter writer, RingLayout layout) {
    int k = layout.slotCount();
    int b = layout.batchSize();
    MemorySegment[][][] rows = new MemorySegment[k][b][tensors.size()];
    for (int s = 0; s < k; s++) {
      MemorySegment slot =
          writer
              .memory()
              .asSlice(
                  RingDescriptor.slotOffset(layout.slotsOffset(), layout.slotStride(), s),
                  layout.slotStride());
      for (int r = 0; r < b; r++) {
        for (int t = 0; t < tensors.size(); t++) {
          long bytes = tensors.get(t).sampleBytes();
          rows[s][r][t] = slot.asSlice(layout.tensorOffset(t) + bytes * r, bytes);
        }
      }
    }
    return rows;
  }

  /** One sample row to fill, reused. */
  static final class SampleEvent implements SampleSlot {
    int kind;
    long sequence;
    RingWriter.Slot slot;
    int row;
    int rows;
    int sampleIndex;
    int epoch;
    int batchIndex;
    int flags;
    Throwable error;
    MemorySegment[] tensors;
    final List<MetaSpec> fields;
    final byte[][] scratch;
    final int[] scratchLength;
    final int[] scratchCount;
    final boolean[] scratchSet;

    SampleEvent(List<MetaSpec> fields) {
      this.fields = fields;
      this.scratch = new byte[fields.size()][64];
      this.scratchLength = new int[fields.size()];
      this.scratchCount = new int[fields.size()];
      this.scratchSet = new boolean[fields.size()];
    }

    @Override
    public MemorySegment tensor(int i) {
      return tensors[i];
    }

    @Override
    public void putString(int field, String value) {
      if (fields.get(field).kind() != MetaSpec.Kind.STRING) {
        throw new IllegalArgumentException("metadata " + fields.get(field).name() + " is ragged");
      }
      byte[] b = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      put(field, MemorySegment.ofArray(b), b.length, b.length);
    }

    @Override
    public void putRagged(int field, MemorySegment data, int rows) {
      MetaSpec spec = fields.get(field);
      if (spec.kind() != MetaSpec.Kind.RAGGED || data.byteSize() != (long) rows * spec.rowBytes()) {
        throw new IllegalArgumentException(
            "metadata "
                + spec.name()
                + ": "
                + data.byteSize()
                + " bytes for "
                + rows
                + " rows of "
                + spec.rowBytes()
                + " bytes");
      }
      put(field, data, (int) data.byteSize(), rows);
    }

    private void put(int field, MemorySegment data, int length, int count) {
      if (scratch[field].length < length) {
        scratch[field] = new byte[Math.max(length, scratch[field].length * 2)];
      }
      MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, scratch[field], 0, length);
      scratchLength[field] = length;
      scratchCount[field] = count;
      scratchSet[field] = true;
    }

    void reset() {
      java.util.Arrays.fill(scratchSet, false);
    }
  }

  private static final class WorkerHandler implements EventHandler<SampleEvent> {
    private final int id;
    private final int count;
    final SampleWorker worker;
    private final MemorySegment[][][] rows;

    WorkerHandler(int id, int count, SampleWorker worker, MemorySegment[][][] rows) {
      this.id = id;
      this.count = count;
      this.worker = worker;
      this.rows = rows;
    }

    @Override
    public void onEvent(SampleEvent e, long sequence, boolean endOfBatch) {
      if (sequence % count != id || e.kind != KIND_SAMPLE) {
        return;
      }
      e.tensors = rows[e.slot.index()][e.row];
      e.reset();
      try {
        worker.fill(e.sampleIndex, e.epoch, e);
        for (int f = 0; f < e.fields.size(); f++) {
          if (!e.scratchSet[f]) {
            throw new IllegalStateException(
                "the worker did not set metadata " + e.fields.get(f).name());
          }
        }
      } catch (Throwable t) {
        e.error = t;
      }
    }
  }

  private final class Assembler implements EventHandler<SampleEvent> {
    private final RingWriter writer;
    private final MetadataBlock block;
    private final MemorySegment[][][] rows;
    private final byte[] empty = new byte[0];
    private int skipped;
    final CountDownLatch done = new CountDownLatch(1);
    volatile Throwable failure;

    Assembler(RingWriter writer, RingLayout layout, MemorySegment[][][] rows) {
      this.writer = writer;
      this.block = new MetadataBlock(metadata, layout.batchSize());
      this.rows = rows;
    }

    @Override
    public void onEvent(SampleEvent e, long sequence, boolean endOfBatch) {
      if (failure != null) {
        return;
      }
      try {
        if (e.kind == KIND_END) {
          writer.end(e.sequence);
          done.countDown();
          return;
        }
        assemble(e);
      } catch (Throwable t) {
        fail(t);
      }
    }

    private void assemble(SampleEvent e) {
      RingWriter.Slot slot = e.slot;
      if (e.row == 0) {
        block.clear();
        skipped = 0;
      }
      if (e.error != null) {
        String what =
            "sample "
                + e.sampleIndex
                + " (epoch "
                + e.epoch
                + ", batch "
                + e.batchIndex
                + ", row "
                + e.row
                + "): "
                + e.error.getMessage();
        if (options.badSamples() == BadSamplePolicy.FAIL) {
          fail(new BadDataException(what, e.error));
          return;
        }
        for (MemorySegment t : rows[slot.index()][e.row]) {
          t.fill((byte) 0);
        }
        slot.sample(e.row, e.sampleIndex, RingDescriptor.SAMPLE_SKIPPED);
        skipped++;
        for (int f = 0; f < metadata.size(); f++) {
          block.appendRow(f, empty, 0, 0, 0);
        }
      } else {
        slot.sample(e.row, e.sampleIndex, RingDescriptor.SAMPLE_OK);
        for (int f = 0; f < metadata.size(); f++) {
          block.appendRow(f, e.scratch[f], 0, e.scratchLength[f], e.scratchCount[f]);
        }
      }
      if (e.row == e.rows - 1) {
        slot.describe(e.epoch, e.batchIndex, e.rows, e.flags);
        long length = block.writeTo(slot.metadataArea(), e.rows, e.sequence);
        slot.metadata(length, metadata.size());
        slot.skipped(skipped);
        writer.publish(slot);
        publishedBatches.incrementAndGet();
        publishedSamples.addAndGet(e.rows);
      }
    }

    void fail(Throwable t) {
      if (failure != null) {
        return;
      }
      if (!(t instanceof ConsumerGoneException)) {
        writer.fail(t.getMessage() == null ? t.toString() : t.getMessage());
      }
      failure = t;
      done.countDown();
    }
  }

  private static final class FailingExceptionHandler implements ExceptionHandler<SampleEvent> {
    private final Assembler assembler;

    FailingExceptionHandler(Assembler assembler) {
      this.assembler = assembler;
    }

    @Override
    public void handleEventException(Throwable ex, long sequence, SampleEvent event) {
      assembler.fail(ex);
    }

    @Override
    public void handleOnStartException(Throwable ex) {
      assembler.fail(ex);
    }

    @Override
    public void handleOnShutdownException(Throwable ex) {
      // nothing is served after shutdown
    }
  }
}
