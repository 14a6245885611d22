package dev.nuload.shm;

import static dev.nuload.shm.RingDescriptor.*;

import dev.nuload.ResourceException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>Ownership: the writer holds an exclusive {@code flock} on the ring file itself for its life
 * (the kernel drops it when the process dies). {@link #close()} stops the heartbeat, unmaps the
 * file, deletes it unless the stream failed, and lets go of the lock; nothing else is left in the
 * directory. A failed ring stays so a late consumer can read the error: that consumer removes it
 * once this process has let go of the lock, or the next producer replaces it.
 */
public final class RingWriter implements AutoCloseable {
  /** Least time between two consumer liveness checks while {@link #claim} waits. */
  private static final long CONSUMER_CHECK_NANOS = 5_000_000;

  /**
   * How long a producer waits for the lock of a ring whose producer is gone: a consumer holds it
   * for a moment while it removes that ring.
   */
  private static final long ABANDONED_LOCK_WAIT_NANOS = 1_000_000_000;

  /** Numbers the temporary files of the rings this JVM creates. */
  private static final AtomicLong TEMPORARIES = new AtomicLong();

  private final Path path;
  private final RingLayout layout;
  private final RingOptions options;
  private final Arena arena;
  private final MemorySegment file;
  private final RingLock lock;
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
      RingLayout layout,
      RingOptions options,
      Arena arena,
      MemorySegment file,
      RingLock lock,
      String replaced) {
    this.path = path;
    this.layout = layout;
    this.options = options;
    this.arena = arena;
    this.file = file;
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
   * Creates a ring file at {@code path} and marks it ready. Refuses when a live producer holds the
   * ring, checks free space, and replaces a stale ring left by a dead producer. The file is built
   * as {@code PATH.<pid>.<n>.tmp}, locked from its creation, and appears at {@code path} only when
   * ready.
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
    RingLock stale = lockStale(path);
    String replaced = stale == null ? null : "stale ring" + describeHolder(path);
    // unique in this JVM; the same name from a dead process that had this pid is deleted below
    Path tmp =
        dir.resolve(
            path.getFileName()
                + "."
                + ProcessHandle.current().pid()
                + "."
                + TEMPORARIES.getAndIncrement()
                + ".tmp");
    RingLock own = null;
    Arena arena = null;
    boolean ok = false;
    try {
      removeAbandonedTemporaries(path);
      Files.deleteIfExists(tmp);
      RingFiles.checkSpace(path, layout.fileLength());
      own = RingLock.create(tmp);
      RingFiles.allocate(own, tmp, layout.fileLength());
      arena = Arena.ofShared();
      MemorySegment file;
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        file = ch.map(FileChannel.MapMode.READ_WRITE, 0, layout.fileLength(), arena);
      }
      initialize(file, layout, options);
      while (!install(tmp, path, stale)) {
        // a producer put a ring there after lockStale found none: live (refused) or stale
        stale = lockStale(path);
        replaced = stale == null ? null : "stale ring" + describeHolder(path);
      }
      RingWriter w = new RingWriter(path, layout, options, arena, file, own, replaced);
      w.heartbeat.start();
      ok = true;
      return w;
    } finally {
      if (stale != null) {
        stale.close();
      }
      if (!ok) {
        Files.deleteIfExists(tmp);
        if (arena != null) {
          arena.close();
        }
        if (own != null) {
          own.close();
        }
      }
    }
  }

  /**
   * Locks the ring now at {@code path} so that it can be replaced. A lock held elsewhere is a live
   * producer's, refused at once while the producer pid in the ring's header is alive; with that pid
   * gone it is a consumer removing the ring, or a producer replacing it, given a moment to finish.
   *
   * @return the lock on the stale ring, or null when there is none.
   */
  private static RingLock lockStale(Path path) throws IOException {
    long deadline = System.nanoTime() + ABANDONED_LOCK_WAIT_NANOS;
    while (true) {
      RingLock lock;
      try {
        lock = RingLock.tryLock(path);
      } catch (NoSuchFileException e) {
        return null;
      }
      if (lock != null) {
        return lock;
      }
      long holder = readHeader(path, PRODUCER_PID_OFFSET);
      boolean alive =
          holder > 0 && ProcessHandle.of(holder).map(ProcessHandle::isAlive).orElse(false);
      if (alive || System.nanoTime() - deadline >= 0) {
        throw new ResourceException(
            "ring "
                + path
                + " is served by another live producer"
                + describeHolder(path)
                + "; stop it or choose another ring path");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the lock of " + path);
      }
    }
  }

  /**
   * Puts the ready file at {@code path}: renamed over the stale ring this producer holds locked, or
   * linked as a new name when there was none.
   *
   * @return false when a ring appeared at {@code path} meanwhile (nothing was changed).
   */
  private static boolean install(Path tmp, Path path, RingLock stale) throws IOException {
    if (stale != null) {
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
      return true;
    }
    try {
      // link(2) fails when the name exists; a rename would replace another producer's new ring
      Files.createLink(path, tmp);
    } catch (FileAlreadyExistsException e) {
      return false;
    }
    Files.delete(tmp);
    return true;
  }

  /**
   * Deletes the {@code PATH.<pid>.<n>.tmp} files of producers killed while creating the ring: those
   * whose pid is gone and whose lock is free.
   */
  private static void removeAbandonedTemporaries(Path path) throws IOException {
    Pattern temporary =
        Pattern.compile(Pattern.quote(path.getFileName() + ".") + "([0-9]{1,18})\\.[0-9]+\\.tmp");
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(
            path.getParent(), f -> temporary.matcher(f.getFileName().toString()).matches())) {
      for (Path f : files) {
        Matcher m = temporary.matcher(f.getFileName().toString());
        long pid = m.matches() ? Long.parseLong(m.group(1)) : self;
        if (pid != self && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          RingLock.removeIfAbandoned(f, 0);
        }
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
    RingWriter w = new RingWriter(null, layout, options, arena, file, null, null);
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
    long pid = readHeader(path, PRODUCER_PID_OFFSET);
    long beat = readHeader(path, PRODUCER_HEARTBEAT_MS_OFFSET);
    if (pid < 0 || beat < 0) {
      return "";
    }
    return " (pid " + pid + ", last heartbeat " + (System.currentTimeMillis() - beat) + " ms ago)";
  }

  /** Returns a u64 header field of the ring file at {@code path}, or -1 when it has no header. */
  private static long readHeader(Path path, long offset) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        Arena a = Arena.ofConfined()) {
      if (ch.size() < HEADER_LENGTH) {
        return -1;
      }
      return Mem.getLong(ch.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_LENGTH, a), offset);
    } catch (IOException e) {
      return -1;
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

  /**
   * Removes the ring's name now, failed or not, while the lock is held (so it never removes a newer
   * producer's ring); readers that have it mapped read on. Does nothing for an in-process ring or
   * when the name is already gone. Never throws: it runs from shutdown hooks and error paths.
   */
  public void removeName() {
    if (lock == null) {
      return;
    }
    try {
      if (lock.isAt(path)) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // the name stays; the next producer on the path replaces a stale ring
    }
  }

  /**
   * Stops the heartbeat, unmaps, deletes the file unless the stream failed, and lets go of the
   * lock.
   */
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
    if (lock != null) {
      try {
        // deleted while locked: no one else renames a file over the name meanwhile
        if (!failed && lock.isAt(path)) {
          Files.delete(path);
        }
      } finally {
        lock.close();
      }
    }
  }
}
