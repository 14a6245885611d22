package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;

/**
 * Inflates one gzip member (a single deflate stream, as every official nuScenes {@code .tgz} is) on
 * several threads, and hands the output on in order.
 *
 * <p>How. The compressed bytes are cut into chunks of {@code chunkBytes}. Each chunk after the
 * first starts at the first dynamic block header found after its nominal start ({@link
 * DeflateBlockFinder}), and its task decodes from there with ISA-L before the data in front of it
 * is known. Back-references into that unknown 32 KiB window are resolved afterwards: the chunk is
 * decoded twice at once, with two stand-in windows whose bytes encode their own position
 * differently ({@code a[q] = q mod 256}, {@code b[q] = a[q] + q / 256 + 1 mod 256}). An output byte
 * that comes from the window differs between the two and names its window position {@code q}; a
 * byte that does not, is equal. Once the last 32 KiB of output agree, no later byte can depend on
 * the window and the second decoder stops; with JPEG-heavy archives this takes some tens of KiB.
 * When the chunk before is done, its last 32 KiB replace the stand-in: {@code out[i] = window[q]}.
 *
 * <p>Why it is exact. A chunk's start is used only after the decoder of the chunk before stopped
 * exactly there, in a block header ({@link IsalChunkDecoder#inHeader()} at that bit offset, with
 * the input cut 8 bytes after it and headers of at least {@link #MIN_HEADER_BITS} bits, so the
 * header cannot be completed). By induction from the first chunk, which starts at the real start of
 * the stream, every chunk used is decoded from a real block boundary. When a decoder does not stop
 * at the next chunk's start (the finder's guess was not a boundary), it simply decodes on through
 * that chunk to the one after, and the guessed chunk's work is dropped. The CRC-32 and length in
 * the gzip trailer are checked over the whole output (per-chunk CRCs combined).
 *
 * <p>Where. This class submits the chunk tasks and hands their output on in order (or inflates the
 * rest itself once a chunk is over the cap); {@link ChunkInflater} is the task, {@link ChunkStarts}
 * finds where chunks start, {@link ChunkChain} links the used chunks and hands each its real
 * window, {@link WindowResolver} replaces stand-in bytes, {@link LibdeflateSplicer} hands the rest
 * of a chunk to libdeflate and {@link GzipTrailer} checks the trailer.
 */
final class ParallelGzipInflater {
  /** Shortest dynamic block header accepted as a chunk start (see the class comment). */
  static final int MIN_HEADER_BITS = 96;

  /** Output produced per decode step while the two stand-in decoders run side by side. */
  static final int SPECULATIVE_STEP = 64 * 1024;

  /**
   * Input handed to ISA-L per call while it looks for a block boundary: shorter than the code
   * tables of nearly every dynamic block header, so the input ends inside the header of nearly
   * every block and ISA-L stops there ({@link IsalChunkDecoder#atBlockBoundary()}).
   */
  static final int SEEK_STEP = 64;

  private static final int BLOCK = ChunkPipe.CHUNK;

  /**
   * Least output one chunk may hold in memory before it is handed on; the cap is 16 times the
   * chunk's compressed size when that is more (an 8 MiB chunk of camera data inflates to about 9
   * MB; its cap is 128 MiB). A chunk that inflates past the cap (highly compressible data, or a
   * decompression bomb) is not kept: from its start on, the member is inflated on the in-order
   * thread and streamed, so memory stays bounded and the extractor's ratio limit sees the bytes as
   * they come.
   */
  static final long MAX_PIECE_BYTES = 64L << 20;

  /**
   * Output cap of one chunk as a multiple of its compressed size (see {@link #MAX_PIECE_BYTES}).
   */
  static final int MAX_PIECE_RATIO = 16;

  /**
   * Counters for reports and tests; {@code libdeflate} counts the chunks of which libdeflate
   * decoded the part after the first block boundary with a known window; {@code searchedBytes} is
   * how much compressed data was searched for chunk starts (eighths of the bit offsets tried).
   */
  record Stats(
      int chunks,
      int used,
      int dropped,
      long speculativeBytes,
      long streamedFrom,
      int libdeflate,
      long searchedBytes) {}

  private final String archive;
  private final MemorySegment file;
  private final long deflateStart;
  private final int chunks;
  private final ExecutorService pool;
  private final int ahead;

  /** Output blocks given back by the sink; reused before new ones are allocated. */
  private final ConcurrentLinkedQueue<byte[]> freeBlocks = new ConcurrentLinkedQueue<>();

  private final WindowResolver resolver;

  /** Decodes the rest of a chunk with libdeflate, into native buffers. */
  private final LibdeflateSplicer splicer;

  private final ChunkChain chain;
  private final ChunkInflater chunkInflater;
  private int used;
  private int dropped;
  private long speculativeBytes;
  private volatile long streamedFrom = -1;

  /**
   * Creates an inflater for the member whose deflate data starts at {@code deflateStart}.
   *
   * @param archive archive name for errors.
   * @param file the whole archive, mapped.
   * @param deflateStart byte offset of the deflate stream (after the gzip header).
   * @param chunkBytes nominal compressed bytes per chunk.
   * @param pool threads that decode chunks.
   * @param threads how many of them to keep busy.
   */
  ParallelGzipInflater(
      String archive,
      MemorySegment file,
      long deflateStart,
      long chunkBytes,
      ExecutorService pool,
      int threads) {
    this(
        archive,
        file,
        deflateStart,
        chunkBytes,
        pool,
        threads,
        Math.max(MAX_PIECE_BYTES, MAX_PIECE_RATIO * chunkBytes),
        true,
        SPECULATIVE_STEP);
  }

  /**
   * As above, with the most output one chunk may hold in memory (see {@link #MAX_PIECE_BYTES}) and
   * whether libdeflate decodes the rest of a chunk once its window is known ({@link
   * LibdeflateChunkDecoder}, when {@link LibdeflateChunkDecoder#usable()}; false keeps every byte
   * on ISA-L), and the output per decode step while two stand-in decoders run side by side ({@link
   * #SPECULATIVE_STEP}; tests use smaller steps).
   */
  ParallelGzipInflater(
      String archive,
      MemorySegment file,
      long deflateStart,
      long chunkBytes,
      ExecutorService pool,
      int threads,
      long maxPieceBytes,
      boolean libdeflate,
      int speculativeStep) {
    this.archive = archive;
    this.file = file;
    this.deflateStart = deflateStart;
    long span = Math.max(1, file.byteSize() - deflateStart);
    this.chunks = (int) Math.max(1, (span + chunkBytes - 1) / chunkBytes);
    this.pool = pool;
    this.ahead = Math.max(2, threads * 2);
    this.resolver = new WindowResolver(archive);
    this.splicer = new LibdeflateSplicer(file, chunkBytes, maxPieceBytes);
    this.chain = new ChunkChain(chunks);
    this.chunkInflater =
        new ChunkInflater(
            archive,
            file,
            chunks,
            maxPieceBytes,
            libdeflate && LibdeflateChunkDecoder.usable(),
            speculativeStep,
            freeBlocks,
            new ChunkStarts(deflateStart, chunkBytes, chunks),
            chain,
            resolver,
            splicer);
  }

  /**
   * Receives the decoded bytes in order. The sink may give each array back to {@link #freeBlocks()}
   * once it is done with it, for reuse.
   */
  interface Sink {
    void accept(byte[] data, int length) throws InterruptedException;

    /**
     * Receives decoded bytes in native memory; {@code release} must run exactly once, when the sink
     * is done with them (also when this throws). The default copies them into a heap array.
     */
    default void acceptNative(MemorySegment data, Runnable release) throws InterruptedException {
      byte[] copy;
      try {
        copy = data.toArray(JAVA_BYTE);
      } finally {
        release.run();
      }
      accept(copy, copy.length);
    }
  }

  /**
   * Reads the compressed runs libdeflate decodes from {@code channel}, the file {@code file} maps,
   * with positional reads instead of through the mapping: the kernel copies them from the page
   * cache, and most of the mapping's pages are never faulted in, released or unmapped.
   *
   * @param channel the archive.
   */
  void readFrom(java.nio.channels.FileChannel channel) {
    splicer.readFrom(channel);
  }

  /**
   * Returns how many native output buffers are allocated and not yet freed (tests: 0 once a run is
   * over and the sink released every slice).
   *
   * @return live buffers.
   */
  int nativeBuffersLive() {
    return splicer.nativeBuffersLive();
  }

  /**
   * Returns the queue a sink gives blocks back to.
   *
   * @return the queue (blocks of {@link ChunkPipe#CHUNK} bytes only).
   */
  Queue<byte[]> freeBlocks() {
    return freeBlocks;
  }

  /**
   * Decodes the member and checks its trailer.
   *
   * @param sink receives the output in order.
   * @param compressedRead advanced as chunks are handed on (progress).
   * @return the byte offset just after the member's trailer.
   * @throws CorruptArchiveException on bad data, with the compressed offset.
   * @throws InterruptedException when interrupted.
   */
  long run(Sink sink, AtomicLong compressedRead) throws InterruptedException {
    Deque<Future<Piece>> window = new ArrayDeque<>();
    int next = 0;
    long expect = deflateStart * 8;
    byte[] history = new byte[IsalChunkDecoder.WINDOW];
    long total = 0;
    long crc = 0;
    long reported = deflateStart;
    compressedRead.addAndGet(deflateStart);
    try {
      while (true) {
        while (next < chunks && window.size() < ahead) {
          int k = next++;
          window.add(pool.submit(() -> chunkInflater.decodeChunk(k)));
        }
        if (window.isEmpty()) {
          throw new IllegalStateException(archive + ": no chunk starts at bit " + expect);
        }
        Piece p = get(window.poll());
        try {
          if (p.startBit != expect) {
            if (p.startBit >= 0) {
              dropped++;
            }
            continue;
          }
          used++;
          if (p.oversized) {
            chain.abortAll(); // the chunks after it are not needed any more
            return stream(p.startBit, history, total, crc, sink, compressedRead, reported);
          }
          if (p.prefixB != null) {
            if (!p.resolved) {
              resolver.resolve(p, history, total);
            }
            speculativeBytes += p.prefixLength;
          }
          if (p.error != null && p.length == 0) {
            throw p.error;
          }
          crc = Crc32Combine.combine(crc, p.crc(), p.length);
          WindowResolver.keepHistory(p, history);
          total += p.length;
          handOn(p, sink);
          long reached = Math.min(file.byteSize(), (p.endBit + 7) >>> 3);
          compressedRead.addAndGet(reached - reported);
          MappedPages.release(file, reported, reached);
          reported = reached;
          if (p.error != null) {
            throw p.error;
          }
          if (p.finished) {
            return GzipTrailer.check(archive, file, (p.endBit + 7) >>> 3, crc, total);
          }
          expect = p.endBit;
        } finally {
          p.releaseTail();
        }
      }
    } finally {
      // The tasks read the mapped file through raw pointers: wait for every one that started
      // before the caller may unmap it (a cancelled Future does not wait for its task).
      chain.abortAll();
      boolean interrupted = false;
      for (Future<Piece> f : window) {
        while (true) {
          try {
            f.get().releaseTail();
            break;
          } catch (ExecutionException e) {
            break; // the error that matters is already on its way
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      splicer.close();
    }
  }

  /**
   * Hands a piece's output to the sink: the heap blocks, then the native output of libdeflate in
   * slices of at most {@link #BLOCK} bytes, each holding the buffer until the sink releases it.
   */
  private static void handOn(Piece p, Sink sink) throws InterruptedException {
    long heap = p.heapLength();
    for (int i = 0; i < p.blocks.size(); i++) {
      int len = (int) Math.min(BLOCK, heap - (long) i * BLOCK);
      sink.accept(p.blocks.get(i), len);
    }
    if (p.tail != null) {
      OutBufferPool.OutBuffer b = p.tailBuffer;
      for (long off = 0; off < p.tail.byteSize(); off += BLOCK) {
        b.holders.retain();
        sink.acceptNative(
            p.tail.asSlice(off, Math.min(BLOCK, p.tail.byteSize() - off)), b.holders::release);
      }
    }
  }

  /**
   * Inflates the rest of the member from {@code startBit} (a proven block start) on this thread,
   * handing output on in blocks, then checks the trailer.
   */
  private long stream(
      long startBit,
      byte[] history,
      long total,
      long crc,
      Sink sink,
      AtomicLong compressedRead,
      long reported)
      throws InterruptedException {
    streamedFrom = startBit >>> 3;
    CRC32 c = new CRC32();
    long produced = 0;
    try (Arena arena = Arena.ofConfined();
        IsalChunkDecoder d = new IsalChunkDecoder(file, BLOCK)) {
      MemorySegment window = null;
      if (total > 0) {
        int n = (int) Math.min(total, IsalChunkDecoder.WINDOW);
        window = arena.allocate(n);
        MemorySegment.copy(history, IsalChunkDecoder.WINDOW - n, window, JAVA_BYTE, 0, n);
      }
      d.start(startBit, window);
      long step = 8L << 20;
      long fed = startBit >>> 3;
      while (!d.finished()) {
        if (d.inputLeft() == 0) {
          if (fed >= file.byteSize()) {
            throw corrupt(file.byteSize(), "truncated gzip data (unexpected end of file)");
          }
          fed = Math.min(file.byteSize(), fed + step);
          d.feedTo(fed);
          if (fed > reported) {
            compressedRead.addAndGet(fed - reported);
            MappedPages.release(file, reported, fed);
            reported = fed;
          }
        }
        int n;
        try {
          n = d.inflate(BLOCK);
        } catch (DataFormatException e) {
          throw corrupt(d.positionBits() >>> 3, "bad deflate data: " + e.getMessage());
        }
        if (n > 0) {
          byte[] out = freeBlocks.poll();
          if (out == null || out.length != BLOCK) {
            out = new byte[BLOCK];
          }
          MemorySegment.copy(d.output(), JAVA_BYTE, 0, out, 0, n);
          c.update(out, 0, n);
          produced += n;
          sink.accept(out, n);
        }
      }
      long end = (d.positionBits() + 7) >>> 3;
      return GzipTrailer.check(
          archive, file, end, Crc32Combine.combine(crc, c.getValue(), produced), total + produced);
    }
  }

  /**
   * Returns what happened to the chunks of the last {@link #run}.
   *
   * @return chunk counts.
   */
  Stats stats() {
    return new Stats(
        chunks,
        used,
        dropped,
        speculativeBytes,
        streamedFrom,
        splicer.spliced(),
        chunkInflater.searchedBits() / 8);
  }

  private Piece get(Future<Piece> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private CorruptArchiveException corrupt(long at, String reason) {
    return new CorruptArchiveException(archive, at, null, reason, null);
  }
}
