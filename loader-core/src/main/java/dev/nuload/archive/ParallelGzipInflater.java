package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Arrays;
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
 * <p>How. The compressed bytes are cut into chunks of {@link #chunkBytes}. Each chunk after the
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
 */
final class ParallelGzipInflater {
  /** Shortest dynamic block header accepted as a chunk start (see the class comment). */
  static final int MIN_HEADER_BITS = 96;

  /** Output produced per decode step while the two stand-in decoders run side by side. */
  static final int SPECULATIVE_STEP = 64 * 1024;

  /**
   * Output after which a chunk whose output still depends on the stand-in window waits for the real
   * window instead of decoding twice on (that happens in data full of long back-reference chains,
   * such as lidar point files); while it waits, its core is free for the tar parser and writers.
   */
  private static final int SPECULATION_LIMIT = 256 * 1024;

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

  private final long maxPieceBytes;
  private final int speculativeStep;
  private final boolean libdeflate;

  private final AtomicLong searchedBits = new AtomicLong();
  private final String archive;
  private final WindowResolver resolver;
  private final MemorySegment file;
  private final long deflateStart;
  private final long chunkBytes;
  private final int chunks;
  private final ExecutorService pool;
  private final int ahead;

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

  private final ChunkChain chain;
  private final ChunkStarts chunkStarts;
  private int used;
  private int dropped;
  private long speculativeBytes;

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
    this.maxPieceBytes = maxPieceBytes;
    this.splicer = new LibdeflateSplicer(file, chunkBytes, maxPieceBytes);
    this.speculativeStep = speculativeStep;
    this.libdeflate = libdeflate && LibdeflateChunkDecoder.usable();
    this.archive = archive;
    this.resolver = new WindowResolver(archive);
    this.file = file;
    this.deflateStart = deflateStart;
    this.chunkBytes = chunkBytes;
    long span = Math.max(1, file.byteSize() - deflateStart);
    this.chunks = (int) Math.max(1, (span + chunkBytes - 1) / chunkBytes);
    this.pool = pool;
    this.ahead = Math.max(2, threads * 2);
    this.chain = new ChunkChain(chunks);
    this.chunkStarts = new ChunkStarts(deflateStart, chunkBytes, chunks);
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

  /** Decodes the rest of a chunk with libdeflate, into native buffers. */
  private final LibdeflateSplicer splicer;

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

  /** Output blocks given back by the sink; reused before new ones are allocated. */
  private final ConcurrentLinkedQueue<byte[]> freeBlocks = new ConcurrentLinkedQueue<>();

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
          window.add(pool.submit(() -> decodeChunk(k)));
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
          release(reported, reached);
          reported = reached;
          if (p.error != null) {
            throw p.error;
          }
          if (p.finished) {
            return checkTrailer((p.endBit + 7) >>> 3, crc, total);
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
            release(reported, fed);
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
      return checkTrailer(end, Crc32Combine.combine(crc, c.getValue(), produced), total + produced);
    }
  }

  private volatile long streamedFrom = -1;

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
        searchedBits.get() / 8);
  }

  /**
   * Drops the mapped pages of compressed bytes already used from this process (they stay in the
   * page cache), so its resident size stays near the chunks in flight instead of growing to the
   * archive's size.
   */
  private void release(long from, long to) {
    long page = 4096;
    long a = (from + page - 1) / page * page;
    long b = to / page * page;
    if (MADVISE == null || b <= a || file.address() % page != 0) {
      return;
    }
    try {
      int r = (int) MADVISE.invokeExact(file.asSlice(a, b - a), b - a, MADV_DONTNEED);
      assert r == 0 || r == -1;
    } catch (Throwable t) {
      // advisory only
    }
  }

  private static final int MADV_DONTNEED = 4;
  private static final java.lang.invoke.MethodHandle MADVISE = madvise();

  private static java.lang.invoke.MethodHandle madvise() {
    try {
      java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
      return linker
          .defaultLookup()
          .find("madvise")
          .map(
              m ->
                  linker.downcallHandle(
                      m,
                      java.lang.foreign.FunctionDescriptor.of(
                          java.lang.foreign.ValueLayout.JAVA_INT,
                          java.lang.foreign.ValueLayout.ADDRESS,
                          java.lang.foreign.ValueLayout.JAVA_LONG,
                          java.lang.foreign.ValueLayout.JAVA_INT)))
          .orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
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

  private long checkTrailer(long at, long crc, long total) {
    if (at + 8 > file.byteSize()) {
      throw corrupt(at, "truncated gzip trailer");
    }
    long storedCrc = le32(at);
    long storedSize = le32(at + 4);
    if (storedCrc != crc) {
      throw corrupt(
          at,
          String.format(
              "gzip CRC mismatch in the member starting at byte 0 (stored %08x, computed %08x)",
              storedCrc, crc));
    }
    if (storedSize != (total & 0xFFFFFFFFL)) {
      throw corrupt(at, "gzip length mismatch in the member starting at byte 0");
    }
    return at + 8;
  }

  private long le32(long at) {
    return file.get(LE_INT, at) & 0xFFFFFFFFL;
  }

  private static final java.lang.foreign.ValueLayout.OfInt LE_INT =
      java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

  // ------------------------------------------------------------------ one chunk

  private Piece decodeChunk(int k) {
    Piece p = new Piece(k, freeBlocks);
    DeflateBlockFinder finder = new DeflateBlockFinder(file);
    try {
      decodeChunk(p, finder);
    } finally {
      searchedBits.addAndGet(finder.searchedBits());
      chain.completed(p);
    }
    return p;
  }

  private void decodeChunk(Piece p, DeflateBlockFinder finder) {
    int k = p.index;
    long start = chunkStarts.startOf(finder, k);
    if (start < 0) {
      return;
    }
    p.startBit = start;
    int nextChunk = chunkStarts.nextStartingChunk(finder, k + 1);
    long end = nextChunk < chunks ? chunkStarts.startOf(finder, nextChunk) : -1;
    boolean speculative = k > 0;
    CRC32 tail = new CRC32();
    boolean spliceLater = libdeflate;
    if (k == 0 && libdeflate && (start & 7) == 0) {
      // The stream's start: no window to wait for.
      if (splicer.splice(p, start, end, nextChunk, new byte[0], tail)) {
        finish(p, null, null, tail);
        return;
      }
      spliceLater = false; // the ISA-L decoder below finds out why
    }
    long seekFrom = -1; // input byte where ISA-L began to look for a block boundary, step by step
    // With libdeflate taking the bulk, ISA-L's output comes in small steps: a small buffer.
    try (IsalChunkDecoder a = new IsalChunkDecoder(file, libdeflate ? speculativeStep : BLOCK);
        IsalChunkDecoder b = speculative ? new IsalChunkDecoder(file, speculativeStep) : null) {
      a.start(start, speculative ? WindowResolver.WINDOW_A : null);
      if (b != null) {
        b.start(start, WindowResolver.WINDOW_B);
      }
      IsalChunkDecoder second = b;
      byte[] prefixB = speculative ? new byte[speculativeStep * 4] : null;
      long lastDiff = -1;
      while (true) {
        long feedEnd = end < 0 ? file.byteSize() : ((end + 7) >>> 3) + 8;
        a.feedTo(seekFrom < 0 ? feedEnd : Math.min(feedEnd, a.fedEnd() + SEEK_STEP));
        if (second != null) {
          second.feedTo(feedEnd);
        }
        while (true) {
          if (chain.aborted() || (speculative && chain.notUsed(k))) {
            p.startBit = -1; // not used: nothing to hand on
            return;
          }
          int n;
          try {
            n = a.inflate(second != null ? speculativeStep : BLOCK);
            if (second != null && second.inflate(speculativeStep) != n) {
              throw new IllegalStateException("stand-in decoders disagree on output length");
            }
          } catch (DataFormatException e) {
            p.error = corrupt(a.positionBits() >>> 3, "bad deflate data: " + e.getMessage());
            p.endBit = a.positionBits();
            finish(p, second, prefixB, tail);
            return;
          }
          if (second != null) {
            long base = p.length;
            if (base + n > prefixB.length) {
              prefixB = Arrays.copyOf(prefixB, (int) Math.max(prefixB.length * 2L, base + n));
            }
            MemorySegment.copy(second.output(), JAVA_BYTE, 0, prefixB, (int) base, n);
            long mis = MemorySegment.mismatch(a.output(), 0, n, second.output(), 0, n);
            if (mis >= 0) {
              for (int i = n - 1; i >= mis; i--) {
                if (a.output().get(JAVA_BYTE, i) != second.output().get(JAVA_BYTE, i)) {
                  lastDiff = base + i;
                  break;
                }
              }
            }
            p.append(a.output(), n);
            if (p.length - (lastDiff + 1) >= IsalChunkDecoder.WINDOW
                || a.finished()
                || WindowResolver.useRealWindow(
                    a, second, chain.windowFor(k, p.length >= SPECULATION_LIMIT))) {
              // No later byte can come from the stand-in window.
              p.prefixB = prefixB;
              p.prefixLength = (int) p.length;
              second = null; // closed with b below
            }
          } else if (n > 0) {
            tail.update(a.output().asSlice(0, n).asByteBuffer());
            p.append(a.output(), n);
          }
          if (spliceLater
              && second == null
              && p.length - (lastDiff + 1) >= IsalChunkDecoder.WINDOW) {
            // The last 32 KiB are real: from here ISA-L gets its input in small steps until it
            // stops inside a block header, and libdeflate decodes the rest of the chunk.
            a.takeBackInput();
            spliceLater = false;
            seekFrom = a.fedEnd();
          }
          if (p.length > maxPieceBytes) {
            p.oversized();
            return;
          }
          if (a.finished()) {
            p.finished = true;
            p.endBit = a.positionBits();
            finish(p, second, prefixB, tail);
            return;
          }
          if (n == 0) {
            break; // all input handed over so far is used
          }
        }
        if (seekFrom >= 0) {
          long h = a.positionBits();
          if (a.atBlockBoundary() && h != end) {
            seekFrom = -1;
            if (splicer.splice(p, h, end, nextChunk, p.last(IsalChunkDecoder.WINDOW), tail)) {
              finish(p, null, prefixB, tail);
              return;
            }
            continue; // libdeflate failed: ISA-L goes on and finds out why
          }
          if (a.fedEnd() - seekFrom >= MAX_SEEK_BYTES || a.fedEnd() >= feedEnd) {
            seekFrom = -1; // no header met: ISA-L decodes the rest
          }
          continue; // hand over the next step
        }
        if (end < 0) {
          p.error = corrupt(file.byteSize(), "truncated gzip data (unexpected end of file)");
          p.endBit = a.positionBits();
          finish(p, second, prefixB, tail);
          return;
        }
        if (a.inHeader() && a.positionBits() == end) {
          p.endBit = end;
          p.endChunk = nextChunk;
          finish(p, second, prefixB, tail);
          return;
        }
        // The guess was not a block boundary: decode on to the next chunk's start.
        nextChunk = chunkStarts.nextStartingChunk(finder, nextChunk + 1);
        end = nextChunk < chunks ? chunkStarts.startOf(finder, nextChunk) : -1;
      }
    }
  }

  /**
   * Input handed to ISA-L per call while it looks for a block boundary: shorter than the code
   * tables of nearly every dynamic block header, so the input ends inside the header of nearly
   * every block and ISA-L stops there ({@link IsalChunkDecoder#atBlockBoundary()}).
   */
  static final int SEEK_STEP = 64;

  /** Input after which ISA-L stops looking for a block boundary and decodes the chunk itself. */
  private static final int MAX_SEEK_BYTES = 1 << 20;

  private void finish(Piece p, IsalChunkDecoder second, byte[] prefixB, CRC32 tail) {
    if (second != null) { // still two decoders: the whole piece is prefix
      p.prefixB = prefixB;
      p.prefixLength = (int) p.length;
    }
    p.tailCrc = tail.getValue();
    p.lastA = p.last((int) Math.min(p.length, IsalChunkDecoder.WINDOW));
    WindowResolver.Window w = p.index > 0 ? chain.windowFor(p.index, false) : null;
    if (p.prefixB != null && w != null && p.error == null) {
      // Resolve here, on this pool thread, rather than on the in-order thread. The piece's last
      // bytes were copied first: the chain resolves those itself.
      try {
        resolver.resolve(p, w.bytes(), w.outputBefore());
      } catch (CorruptArchiveException e) {
        p.resolved = false; // the in-order thread resolves again and reports it
      }
    }
  }

  private CorruptArchiveException corrupt(long at, String reason) {
    return new CorruptArchiveException(archive, at, null, reason, null);
  }
}
