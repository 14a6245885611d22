package dev.nuload.archive;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * Reads a gzip file of one large member through {@link ParallelGzipInflater}: the file is mapped
 * and inflated in chunks on the decoder threads, and a digest of the archive, when asked for, is
 * taken by a thread of its own over the mapping.
 */
final class ParallelGzipSource {
  private static final int PARALLEL_MIN_CHUNKS = 4;
  private static final long PARALLEL_MIN_BYTES = 16L << 20;

  private final ExtractOptions options;
  private final ExecutorService decoders;
  private final IntSupplier archivesInFlight;

  ParallelGzipSource(
      ExtractOptions options, ExecutorService decoders, IntSupplier archivesInFlight) {
    this.options = options;
    this.decoders = decoders;
    this.archivesInFlight = archivesInFlight;
  }

  /**
   * Tells whether a gzip file this size is inflated by {@link ParallelGzipInflater}: ISA-L in use,
   * two or more workers per archive extracted at once, at least 16 MiB (or {@link
   * #PARALLEL_MIN_CHUNKS} chunks where {@link #gzipChunkBytes()} is set smaller), and not turned
   * off with {@value Extractor#PARALLEL_INFLATE_PROP}{@code =false}.
   */
  boolean parallelInflate(long size) {
    return options.inflate() == InflateEngine.ISAL
        && inflateThreads() >= 2
        && !"false".equalsIgnoreCase(System.getProperty(Extractor.PARALLEL_INFLATE_PROP))
        && size >= Math.min(PARALLEL_MIN_BYTES, PARALLEL_MIN_CHUNKS * gzipChunkBytes());
  }

  /**
   * Threads one archive's parallel inflate may keep busy: the workers shared among the archives
   * extracted side by side (several archives at once already use the cores, one inflate each).
   */
  int inflateThreads() {
    return options.workers() / Math.max(1, archivesInFlight.getAsInt());
  }

  /** Compressed bytes per chunk ({@value Extractor#GZIP_CHUNK_PROP}; at least 64 KiB). */
  private static long gzipChunkBytes() {
    return Math.max(64 << 10, Long.getLong(Extractor.GZIP_CHUNK_PROP, 8L << 20));
  }

  /**
   * Inflates the gzip file's first member in chunks on the decoder threads into {@code pipe}, then
   * any further members on this thread; returns how the chunks went.
   */
  ParallelGzipInflater.Stats inflate(ExtractRun run, FileChannel ch, ChunkPipe pipe)
      throws IOException, InterruptedException {
    try (Arena arena = Arena.ofShared()) {
      MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
      byte[] head = new byte[(int) Math.min(file.byteSize(), 64 << 10)];
      MemorySegment.copy(file, ValueLayout.JAVA_BYTE, 0, head, 0, head.length);
      int start = GzipDecoder.headerLength(head, head.length);
      if (start < 0) {
        throw new CorruptArchiveException(run.name, 0, null, "bad gzip member header", null);
      }
      ParallelGzipInflater inflater =
          new ParallelGzipInflater(
              run.name, file, start, gzipChunkBytes(), decoders, inflateThreads());
      inflater.readFrom(ch);
      Queue<byte[]> free = inflater.freeBlocks();
      // A checksum of the archive itself (--verify) is taken by its own thread over the mapped
      // file while the chunks inflate: still one read of the file, and no single-thread inflate.
      MessageDigest digest = run.source.digest();
      AtomicBoolean stop = new AtomicBoolean();
      Thread digester =
          digest == null
              ? null
              : Thread.ofPlatform()
                  .name("nuload-digest-" + run.name)
                  .daemon()
                  .start(() -> digestAll(digest, file, stop));
      try {
        ParallelGzipInflater.Sink sink =
            new ParallelGzipInflater.Sink() {
              @Override
              public void accept(byte[] data, int length) throws InterruptedException {
                pipe.put(data, length, free);
              }

              @Override
              public void acceptNative(MemorySegment data, Runnable release)
                  throws InterruptedException {
                pipe.put(data, release); // read by the tar parser where libdeflate wrote it
              }
            };
        long end = inflater.run(sink, run.progress.compressedRead);
        if (digester != null) {
          digester.join();
          run.source.digestedElsewhere();
        }
        run.source.seek(end);
        if (end < ch.size()) { // further members, or zero padding
          new GzipDecoder(run.name, run.source, options.inflate()).run(pipe, false);
        }
        return inflater.stats();
      } finally {
        if (digester != null) {
          stop.set(true);
          digester.join(); // it reads the mapping: done before the arena closes
        }
      }
    }
  }

  /** Feeds the whole mapped file to {@code digest}, 8 MiB at a time, until done or stopped. */
  private static void digestAll(MessageDigest digest, MemorySegment file, AtomicBoolean stop) {
    long step = 8L << 20;
    for (long off = 0; off < file.byteSize() && !stop.get(); off += step) {
      digest.update(file.asSlice(off, Math.min(step, file.byteSize() - off)).asByteBuffer());
    }
  }
}
