package dev.nuload.shm;

import static dev.nuload.shm.RingDescriptor.*;

import dev.nuload.ResourceException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The producer side of a batch ring: creates the file (or an anonymous in-process ring), hands out
 * slots in sequence order once the consumer has released them, publishes them, beats a heartbeat,
 * and records the end of the stream or an error.
 *
 * <p>Protocol per sequence {@code s} in slot {@code s % K}: {@link #claim} waits until {@code
 * consumer_cursor > s - K}, then stores {@code 2s+1} in the slot's sequence word; the caller fills
 * the slot; {@link #publish} writes the slot header, then stores {@code 2s+2} (release) and the
 * publish cursor {@code s+1} (release). A reader acquires the sequence word, so it never sees a
 * half-written batch.
 *
 * <p>{@link #claim} and {@link #publish} may run on different threads as long as each sequence is
 * claimed before it is published and sequences are published in order.
 *
 * <p>Ownership: {@link #close()} stops the heartbeat, unmaps the file, releases the lock and
 * deletes the ring file unless the stream failed (a failed ring stays so a late consumer can read
 * the error; the next producer replaces it).
 */
public final class RingWriter implements AutoCloseable {
  /** Least time between two consumer liveness checks while {@link #claim} waits. */
  private static final long CONSUMER_CHECK_NANOS = 5_000_000;

  private final Path path;
  private final Path lockPath;
  private final RingLayout layout;
  private final RingOptions options;
  private final Arena arena;
  private final MemorySegment file;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Slot[] slots;
  private final Thread heartbeat;
  private final String replaced;
  private volatile boolean closed;

  /** One slot of the ring, reused for every sequence that maps to it. */
  public static final class Slot {
    private final int index;
    private final MemorySegment memory;
    private final MemorySegment metadataArea;
    private long sequence = -1;
    private int epoch;
    private int batchIndex;
    private int sampleCount;
    private int flags;
    private int skipped;
    private long metadataLength;
    private int metadataRecords;

    Slot(int index, MemorySegment memory, RingLayout layout) {
      this.index = index;
      this.memory = memory;
      this.metadataArea = memory.asSlice(layout.metadataOffset(), layout.metadataCapacity());
    }

    /**
     * Returns the slot number.
     *
     * @return 0..K-1.
     */
    public int index() {
      return index;
    }

    /**
     * Returns the sequence this slot is claimed for.
     *
     * @return the sequence.
     */
    public long sequence() {
      return sequence;
    }

    /**
     * Returns the whole slot (header, sample table, tensors, metadata area).
     *
     * @return the slot memory; valid until the writer closes.
     */
    public MemorySegment memory() {
      return memory;
    }

    /**
     * Returns the metadata area.
     *
     * @return the slot's metadata area.
     */
    public MemorySegment metadataArea() {
      return metadataArea;
    }

    /**
     * Sets the batch's identity.
     *
     * @param epoch the epoch.
     * @param batchIndex the batch index within the epoch.
     * @param sampleCount rows filled.
     * @param flags {@link RingDescriptor#FLAG_END_OF_EPOCH} and friends.
     */
    public void describe(int epoch, int batchIndex, int sampleCount, int flags) {
      this.epoch = epoch;
      this.batchIndex = batchIndex;
      this.sampleCount = sampleCount;
      this.flags = flags;
    }

    /**
     * Records one sample-table row.
     *
     * @param row the row.
     * @param sampleIndex the dataset index of the sample.
     * @param status {@link RingDescriptor#SAMPLE_OK} or {@link RingDescriptor#SAMPLE_SKIPPED}.
     */
    public void sample(int row, int sampleIndex, int status) {
      long e = SAMPLE_TABLE_OFFSET + (long) SAMPLE_ENTRY_LENGTH * row;
      Mem.putInt(memory, e, sampleIndex);
      Mem.putInt(memory, e + 4, status);
    }

    /**
     * Sets the skipped-sample count.
     *
     * @param skipped rows skipped by the bad-sample policy.
     */
    public void skipped(int skipped) {
      this.skipped = skipped;
    }

    /**
     * Sets the metadata extent.
     *
     * @param length bytes in use.
     * @param records record count.
     */
    public void metadata(long length, int records) {
      this.metadataLength = length;
      this.metadataRecords = records;
    }
  }

  private RingWriter(
      Path path,
      Path lockPath,
      RingLayout layout,
      RingOptions options,
      Arena arena,
      MemorySegment file,
      FileChannel lockChannel,
      FileLock lock,
      String replaced) {
    this.path = path;
    this.lockPath = lockPath;
    this.layout = layout;
    this.options = options;
    this.arena = arena;
    this.file = file;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.replaced = replaced;
    this.slots = new Slot[layout.slotCount()];
    for (int i = 0; i < slots.length; i++) {
      long off = slotOffset(layout.slotsOffset(), layout.slotStride(), i);
      slots[i] = new Slot(i, file.asSlice(off, layout.slotStride()), layout);
    }
    this.heartbeat =
        Thread.ofPlatform().daemon().name("nuload-ring-heartbeat").unstarted(this::beat);
  }

  /**
   * Creates a ring file at {@code path} and marks it ready. Checks free space first, refuses when a
   * live producer holds the ring, and replaces a stale ring left by a dead producer.
   *
   * @param path the ring file, usually under {@code /dev/shm}.
   * @param layout the planned geometry.
   * @param options heartbeat, timeouts and informational fields.
   * @return the writer, ready for {@link #claim}.
   * @throws ResourceException when space is short or another producer holds the ring.
   * @throws IOException when the file cannot be created.
   */
  public static RingWriter create(Path path, RingLayout layout, RingOptions options)
      throws IOException {
    path = path.toAbsolutePath();
    Path dir = path.getParent();
    if (!Files.isDirectory(dir)) {
      throw new ResourceException("ring directory " + dir + " does not exist");
    }
    Path lockPath = dir.resolve(path.getFileName() + ".lock");
    FileChannel lockChannel =
        FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null; // held by another writer in this JVM
    } catch (IOException | RuntimeException e) {
      lockChannel.close();
      throw e;
    }
    if (lock == null) {
      lockChannel.close();
      throw new ResourceException(
          "ring "
              + path
              + " is served by another live producer"
              + describeHolder(path)
              + "; stop it or choose another ring path");
    }
    Path tmp = dir.resolve(path.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Arena arena = null;
    boolean ok = false;
    try {
      String replaced = Files.exists(path) ? "stale ring" + describeHolder(path) : null;
      Files.deleteIfExists(tmp);
      RingFiles.checkSpace(path, layout.fileLength());
      RingFiles.allocate(tmp, layout.fileLength());
      arena = Arena.ofShared();
      MemorySegment file;
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        file = ch.map(FileChannel.MapMode.READ_WRITE, 0, layout.fileLength(), arena);
      }
      initialize(file, layout, options);
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      RingWriter w =
          new RingWriter(path, lockPath, layout, options, arena, file, lockChannel, lock, replaced);
      w.heartbeat.start();
      ok = true;
      return w;
    } finally {
      if (!ok) {
        Files.deleteIfExists(tmp);
        if (arena != null) {
          arena.close();
        }
        lock.release();
        lockChannel.close();
      }
    }
  }

  /**
   * Creates an anonymous ring in process memory, for the in-process loader: same layout and
   * protocol, no file, no lock.
   *
   * @param layout the planned geometry.
   * @param options timeouts.
   * @return the writer.
   */
  public static RingWriter inProcess(RingLayout layout, RingOptions options) {
    Arena arena = Arena.ofShared();
    MemorySegment file = arena.allocate(layout.fileLength(), PAGE);
    initialize(file, layout, options);
    RingWriter w = new RingWriter(null, null, layout, options, arena, file, null, null, null);
    w.heartbeat.start();
    return w;
  }

  private static void initialize(MemorySegment file, RingLayout layout, RingOptions options) {
    layout.writeTo(file);
    long now = System.currentTimeMillis();
    Mem.putLong(file, BATCHES_PER_EPOCH_OFFSET, options.batchesPerEpoch());
    Mem.putInt(file, EPOCHS_OFFSET, options.epochs());
    Mem.putInt(file, RANK_OFFSET, options.rank());
    Mem.putInt(file, WORLD_SIZE_OFFSET, options.worldSize());
    Mem.putLong(file, PRODUCER_PID_OFFSET, ProcessHandle.current().pid());
    Mem.putLong(file, PRODUCER_START_MS_OFFSET, now);
    Mem.putLong(file, PRODUCER_HEARTBEAT_MS_OFFSET, now);
    Mem.putLong(file, HEARTBEAT_INTERVAL_MS_OFFSET, options.heartbeatIntervalMs());
    // Ready signal: every field above is visible to a reader that load-acquires a non-zero version.
    Mem.putIntRelease(file, VERSION_OFFSET, VERSION);
  }

  private static String describeHolder(Path path) {
    if (!Files.isRegularFile(path)) {
      return "";
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        Arena a = Arena.ofConfined()) {
      if (ch.size() < HEADER_LENGTH) {
        return " (" + ch.size() + " bytes, not a ring)";
      }
      MemorySegment h = ch.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_LENGTH, a);
      long pid = Mem.getLong(h, PRODUCER_PID_OFFSET);
      long beat = Mem.getLong(h, PRODUCER_HEARTBEAT_MS_OFFSET);
      return " (pid "
          + pid
          + ", last heartbeat "
          + (System.currentTimeMillis() - beat)
          + " ms ago)";
    } catch (IOException e) {
      return " (unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * Tells what this writer replaced when it was created.
   *
   * @return a description of the stale ring it replaced, if any.
   */
  public Optional<String> replacedStale() {
    return Optional.ofNullable(replaced);
  }

  /**
   * Returns the ring file.
   *
   * @return the path, or null for an in-process ring.
   */
  public Path path() {
    return path;
  }

  /**
   * Returns the geometry.
   *
   * @return the layout.
   */
  public RingLayout layout() {
    return layout;
  }

  /**
   * Returns the whole ring memory, for an in-process reader.
   *
   * @return the mapped or allocated ring.
   */
  public MemorySegment memory() {
    return file;
  }

  /**
   * Waits until the slot for {@code sequence} is free, then marks it as being written.
   *
   * @param sequence the next sequence (claimed in order, from 0).
   * @return the slot to fill.
   * @throws ConsumerGoneException when the consumer dies, stops beating, or never attaches.
   * @throws InterruptedException when interrupted while waiting.
   */
  public Slot claim(long sequence) throws InterruptedException {
    long waitStart = System.nanoTime();
    long nextCheck = waitStart;
    int spins = 0;
    while (sequence - Mem.getLongAcquire(file, CONSUMER_CURSOR_OFFSET) >= slots.length) {
      if (closed) {
        throw new IllegalStateException("ring writer is closed");
      }
      if (Mem.getIntAcquire(file, STREAM_STATE_OFFSET) == STATE_FAILED) {
        throw new IllegalStateException("ring " + where() + " has failed; nothing more is served");
      }
      long now = System.nanoTime();
      if (now - nextCheck >= 0) {
        // the liveness check reads /proc; timeouts are seconds, so a few looks per 10 ms suffice
        checkConsumer(waitStart);
        nextCheck = now + CONSUMER_CHECK_NANOS;
      }
      if (++spins < 100) {
        Thread.onSpinWait();
      } else {
        Thread.sleep(0, 200_000);
      }
    }
    Slot slot = slots[(int) (sequence % slots.length)];
    slot.sequence = sequence;
    slot.skipped = 0;
    slot.metadataLength = 0;
    slot.metadataRecords = 0;
    // Marks the slot as being written; readers waiting for 2s+2 keep waiting.
    Mem.putLongRelease(slot.memory, SLOT_SEQ_WORD_OFFSET, 2 * sequence + 1);
    return slot;
  }

  private void checkConsumer(long waitStartNanos) {
    long pid = Mem.getLongAcquire(file, CONSUMER_PID_OFFSET);
    long now = System.currentTimeMillis();
    if (pid == 0) {
      long waited = (System.nanoTime() - waitStartNanos) / 1_000_000;
      if (options.attachTimeoutMs() > 0 && waited > options.attachTimeoutMs()) {
        throw new ConsumerGoneException(
            "no consumer attached to ring " + where() + " within " + waited + " ms");
      }
      return;
    }
    if (path != null && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      throw new ConsumerGoneException("consumer pid " + pid + " of ring " + where() + " is gone");
    }
    long silent = now - Mem.getLongAcquire(file, CONSUMER_HEARTBEAT_MS_OFFSET);
    if (silent > options.consumerTimeoutMs()) {
      throw new ConsumerGoneException(
          "consumer pid "
              + pid
              + " of ring "
              + where()
              + " has not beaten for "
              + silent
              + " ms (timeout "
              + options.consumerTimeoutMs()
              + " ms)");
    }
  }

  private String where() {
    return path == null ? "(in-process)" : path.toString();
  }

  /**
   * Publishes a claimed slot: writes its header, then makes it visible.
   *
   * @param slot a slot returned by {@link #claim}, filled.
   */
  public void publish(Slot slot) {
    MemorySegment m = slot.memory;
    Mem.putLong(m, SLOT_SEQUENCE_OFFSET, slot.sequence);
    Mem.putInt(m, SLOT_EPOCH_OFFSET, slot.epoch);
    Mem.putInt(m, SLOT_BATCH_INDEX_OFFSET, slot.batchIndex);
    Mem.putInt(m, SLOT_SAMPLE_COUNT_OFFSET, slot.sampleCount);
    Mem.putInt(m, SLOT_FLAGS_OFFSET, slot.flags);
    Mem.putInt(m, SLOT_SKIPPED_COUNT_OFFSET, slot.skipped);
    Mem.putInt(m, SLOT_METADATA_LENGTH_OFFSET, (int) slot.metadataLength);
    Mem.putInt(m, SLOT_METADATA_RECORDS_OFFSET, slot.metadataRecords);
    // Publishes the batch: tensors, table, metadata and header above happen-before a reader's
    // acquire of 2s+2.
    Mem.putLongRelease(m, SLOT_SEQ_WORD_OFFSET, 2 * slot.sequence + 2);
    Mem.putLongRelease(file, PUBLISH_CURSOR_OFFSET, slot.sequence + 1);
  }

  /**
   * Publishes the end-of-stream marker at {@code sequence} and sets the stream state to ended.
   *
   * @param sequence the sequence after the last batch.
   * @throws InterruptedException when interrupted while waiting for the slot.
   */
  public void end(long sequence) throws InterruptedException {
    Slot slot = claim(sequence);
    slot.describe(0, 0, 0, FLAG_END_OF_STREAM);
    publish(slot);
    Mem.putIntRelease(file, STREAM_STATE_OFFSET, STATE_ENDED);
  }

  /**
   * Records an error and sets the stream state to failed; a waiting reader raises it.
   *
   * @param message what failed (truncated to 3071 bytes of UTF-8).
   */
  public void fail(String message) {
    byte[] b = message.getBytes(StandardCharsets.UTF_8);
    int n = Mem.putString(file, ERROR_MESSAGE_OFFSET, message, ERROR_MESSAGE_CAPACITY);
    Mem.putInt(file, ERROR_LENGTH_OFFSET, Math.min(n, b.length));
    // The error text is visible to a reader that load-acquires STATE_FAILED.
    Mem.putIntRelease(file, STREAM_STATE_OFFSET, STATE_FAILED);
  }

  /**
   * Waits until the consumer has released every published sequence, or is gone.
   *
   * @return true when every batch was released; false when the consumer went away first.
   * @throws InterruptedException when interrupted.
   */
  public boolean awaitReleased() throws InterruptedException {
    long waitStart = System.nanoTime();
    long published = Mem.getLongAcquire(file, PUBLISH_CURSOR_OFFSET);
    while (Mem.getLongAcquire(file, CONSUMER_CURSOR_OFFSET) < published) {
      try {
        checkConsumer(waitStart);
      } catch (ConsumerGoneException e) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  /**
   * Returns the number of sequences the consumer has released.
   *
   * @return the consumer cursor.
   */
  public long consumerCursor() {
    return Mem.getLongAcquire(file, CONSUMER_CURSOR_OFFSET);
  }

  /**
   * Returns the total time the consumer reports it waited for batches.
   *
   * @return nanoseconds.
   */
  public long consumerWaitNanos() {
    return Mem.getLongAcquire(file, CONSUMER_WAIT_NS_OFFSET);
  }

  private void beat() {
    while (!closed) {
      // Liveness for readers; nothing else is published with it.
      Mem.putLongRelease(file, PRODUCER_HEARTBEAT_MS_OFFSET, System.currentTimeMillis());
      try {
        Thread.sleep(options.heartbeatIntervalMs());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops the heartbeat, unmaps, releases the lock; deletes the file unless the stream failed. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    heartbeat.interrupt();
    try {
      heartbeat.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boolean failed = Mem.getIntAcquire(file, STREAM_STATE_OFFSET) == STATE_FAILED;
    arena.close();
    if (path != null) {
      try {
        if (!failed) {
          Files.deleteIfExists(path);
        }
      } finally {
        // The lock file stays: deleting it would let two producers lock two different inodes.
        lock.release();
        lockChannel.close();
      }
    }
  }

  /**
   * Returns the lock file next to the ring.
   *
   * @return {@code PATH.lock}, or null in process.
   */
  public Path lockPath() {
    return lockPath;
  }
}
