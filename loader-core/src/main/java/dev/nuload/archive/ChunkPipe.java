package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A bounded, ordered hand-off of decompressed chunks from one producer thread (the decoder) to one
 * consumer thread (the tar parser), read as an {@link InputStream}. Chunk buffers are recycled: the
 * producer takes an empty buffer with {@link #emptyBuffer()}, fills it and {@link #put}s it; the
 * consumer hands it back when it has read past it. The producer ends the stream with {@link
 * #finish()} or {@link #fail(Throwable)}; the consumer sees the failure as an {@link IOException}
 * from {@code read}. {@link #close()} from the consumer side makes a blocked producer give up.
 */
final class ChunkPipe extends InputStream {
  /** Size of a recycled chunk buffer. */
  static final int CHUNK = 1 << 20;

  private static final Object END = new Object();

  private final BlockingQueue<Object> full;
  private final BlockingQueue<byte[]> empty;
  private volatile boolean closed;
  private byte[] current;
  private int pos;
  private int len;
  private boolean ended;

  /**
   * Creates a pipe.
   *
   * @param depth chunks in flight (memory is depth x 1 MiB).
   */
  ChunkPipe(int depth) {
    full = new ArrayBlockingQueue<>(depth + 2);
    empty = new ArrayBlockingQueue<>(depth + 1);
    for (int i = 0; i < depth; i++) {
      empty.add(new byte[CHUNK]);
    }
  }

  /**
   * A filled chunk: {@code length} valid bytes of {@code data}, offered to {@code returnTo} (the
   * pipe's own empty buffers, a producer's pool, or nowhere when null) once read.
   */
  record Chunk(byte[] data, int length, java.util.Queue<byte[]> returnTo) {}

  /**
   * A filled chunk in native memory (no copy into the Java heap): {@code release} runs once it has
   * been read past, or when the pipe is closed before that; exactly once either way.
   */
  record NativeChunk(MemorySegment data, Runnable release) {}

  /** The producer's failure, delivered in order after the chunks before it. */
  private record Failure(Throwable error) {}

  byte[] emptyBuffer() throws InterruptedException {
    byte[] b = empty.take();
    checkOpen();
    return b;
  }

  void put(byte[] data, int length, boolean recycle) throws InterruptedException {
    put(data, length, recycle ? empty : null);
  }

  /**
   * Hands on a buffer that is not the pipe's own; once read past, it is offered to {@code returnTo}
   * (so the producer can reuse it).
   *
   * @param data the bytes.
   * @param length valid bytes.
   * @param returnTo where the buffer goes once read.
   * @throws InterruptedException when the reader closed the pipe or the thread is interrupted.
   */
  void put(byte[] data, int length, java.util.Queue<byte[]> returnTo) throws InterruptedException {
    checkOpen();
    if (length > 0) {
      full.put(new Chunk(data, length, returnTo));
    } else if (returnTo != null) {
      returnTo.offer(data);
    }
  }

  /**
   * Hands on native bytes; {@code release} runs once they are read past, or at once if the pipe is
   * or gets closed (also when this throws).
   *
   * @param data the bytes (at most {@link Integer#MAX_VALUE}).
   * @param release gives the memory back; runs exactly once.
   * @throws InterruptedException when the reader closed the pipe or the thread is interrupted.
   */
  void put(MemorySegment data, Runnable release) throws InterruptedException {
    if (closed || data.byteSize() == 0) {
      release.run();
      checkOpen();
      return;
    }
    try {
      full.put(new NativeChunk(data, release));
    } catch (InterruptedException e) {
      release.run();
      throw e;
    }
    if (closed) {
      releaseQueued(); // close() may have drained the queue before this chunk went in
      checkOpen();
    }
  }

  /** Runs the release of every native chunk still queued (the pipe is closed). */
  private void releaseQueued() {
    for (Object o; (o = full.poll()) != null; ) {
      if (o instanceof NativeChunk n) {
        n.release().run();
      }
    }
  }

  void finish() throws InterruptedException {
    full.put(END);
  }

  void fail(Throwable t) {
    Failure f = new Failure(t);
    try {
      while (!closed && !full.offer(f, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        // the reader is still draining the chunks before the failure
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void checkOpen() throws InterruptedException {
    if (closed) {
      throw new InterruptedException("pipe closed by the reader");
    }
  }

  private boolean advance() throws IOException {
    if (ended) {
      return false;
    }
    if (current != null && returnCurrent != null) {
      returnCurrent.offer(current);
    }
    releaseCurrentNative();
    current = null;
    Object o;
    try {
      o = full.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for decompressed data");
    }
    if (o == END) {
      ended = true;
      return false;
    }
    if (o instanceof Failure f) {
      ended = true;
      if (f.error() instanceof IOException io) {
        throw io;
      }
      if (f.error() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(f.error().getMessage(), f.error());
    }
    pos = 0;
    if (o instanceof NativeChunk n) {
      current = NATIVE;
      currentNative = n;
      // Held by the pipe until read past, and by every Borrowed slice until released.
      currentHeld = new RefCount(n.release());
      returnCurrent = null;
      len = (int) n.data().byteSize();
      return true;
    }
    Chunk c = (Chunk) o;
    current = c.data();
    returnCurrent = c.returnTo();
    len = c.length();
    return true;
  }

  private void releaseCurrentNative() {
    if (currentNative != null) {
      currentNative = null;
      RefCount h = currentHeld;
      currentHeld = null;
      h.release();
    }
  }

  /**
   * Bytes taken from the pipe without a copy: {@code data} stays valid until {@code release} runs
   * (exactly once).
   */
  record Borrowed(MemorySegment data, Runnable release) {}

  /**
   * Takes the next {@code n} bytes without copying them, when they all lie in one native chunk;
   * otherwise returns null and reads nothing.
   *
   * @param n bytes wanted (at least 1).
   * @return the bytes and their release, or null.
   * @throws IOException as {@link #read(byte[], int, int)}.
   */
  Borrowed borrow(int n) throws IOException {
    int ready = ready();
    if (ready < n || currentNative == null) {
      return null;
    }
    RefCount h = currentHeld;
    h.retain();
    MemorySegment slice = currentNative.data().asSlice(pos, n);
    pos += n;
    return new Borrowed(
        slice,
        new Runnable() {
          private final java.util.concurrent.atomic.AtomicBoolean done =
              new java.util.concurrent.atomic.AtomicBoolean();

          @Override
          public void run() {
            if (done.compareAndSet(false, true)) {
              h.release();
            }
          }
        });
  }

  /** Stands for {@link #current} while the current chunk is a {@link NativeChunk}. */
  private static final byte[] NATIVE = new byte[0];

  private NativeChunk currentNative;
  private RefCount currentHeld;
  private java.util.Queue<byte[]> returnCurrent;

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  /** Moves to a chunk with unread bytes; returns how many, or -1 at the end of the stream. */
  private int ready() throws IOException {
    while (current == null || pos == len) {
      if (!advance()) {
        return -1;
      }
    }
    return len - pos;
  }

  @Override
  public int read(byte[] b, int off, int n) throws IOException {
    if (n == 0) {
      return 0;
    }
    int ready = ready();
    if (ready < 0) {
      return -1;
    }
    int k = Math.min(n, ready);
    if (currentNative != null) {
      MemorySegment.copy(currentNative.data(), JAVA_BYTE, pos, b, off, k);
    } else {
      System.arraycopy(current, pos, b, off, k);
    }
    pos += k;
    return k;
  }

  /**
   * Copies up to {@code dst.remaining()} bytes into {@code dst}.
   *
   * @param dst destination buffer.
   * @return bytes copied, or -1 at the end of the stream.
   * @throws IOException as {@link #read(byte[], int, int)}.
   */
  int read(java.nio.ByteBuffer dst) throws IOException {
    if (!dst.hasRemaining()) {
      return 0;
    }
    int ready = ready();
    if (ready < 0) {
      return -1;
    }
    int k = Math.min(dst.remaining(), ready);
    if (currentNative != null) {
      MemorySegment.copy(
          currentNative.data(), pos, MemorySegment.ofBuffer(dst), 0, k); // from dst's position
      dst.position(dst.position() + k);
    } else {
      dst.put(current, pos, k);
    }
    pos += k;
    return k;
  }

  @Override
  public long skip(long n) throws IOException {
    long done = 0;
    while (done < n) {
      if (current == null || pos == len) {
        if (!advance()) {
          break;
        }
        continue;
      }
      int k = (int) Math.min(n - done, len - pos);
      pos += k;
      done += k;
    }
    return done;
  }

  @Override
  public void close() {
    closed = true;
    releaseCurrentNative();
    releaseQueued();
    // Wake a producer blocked on an empty buffer.
    empty.offer(new byte[0]);
  }
}
