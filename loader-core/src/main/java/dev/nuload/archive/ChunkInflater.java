package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;

/**
 * The task of {@link ParallelGzipInflater} that decodes one chunk: with ISA-L from its start (with
 * two stand-in windows while the window before it is not known), on to the proven start of the next
 * used chunk, with libdeflate taking the rest once the last 32 KiB are real.
 */
final class ChunkInflater {
  /**
   * Output after which a chunk whose output still depends on the stand-in window waits for the real
   * window instead of decoding twice on (that happens in data full of long back-reference chains,
   * such as lidar point files); while it waits, its core is free for the tar parser and writers.
   */
  private static final int SPECULATION_LIMIT = 256 * 1024;

  private static final int BLOCK = ChunkPipe.CHUNK;

  /** Input after which ISA-L stops looking for a block boundary and decodes the chunk itself. */
  private static final int MAX_SEEK_BYTES = 1 << 20;

  private final String archive;
  private final MemorySegment file;
  private final int chunks;
  private final long maxPieceBytes;
  private final boolean libdeflate;
  private final int speculativeStep;
  private final Queue<byte[]> freeBlocks;
  private final ChunkStarts chunkStarts;
  private final ChunkChain chain;
  private final WindowResolver resolver;
  private final LibdeflateSplicer splicer;
  private final AtomicLong searchedBits = new AtomicLong();

  /**
   * Creates the task body for the chunks of one member.
   *
   * @param archive archive name for errors.
   * @param file the whole archive, mapped.
   * @param chunks how many chunks.
   * @param maxPieceBytes the most output one chunk may hold in memory.
   * @param libdeflate whether libdeflate decodes the rest of a chunk once its window is known.
   * @param speculativeStep output per decode step while two stand-in decoders run side by side.
   * @param freeBlocks output blocks given back by the sink, for reuse.
   * @param chunkStarts where the chunks start.
   * @param chain the chain of used chunks, with their windows.
   * @param resolver resolves stand-in bytes.
   * @param splicer hands the rest of a chunk to libdeflate.
   */
  ChunkInflater(
      String archive,
      MemorySegment file,
      int chunks,
      long maxPieceBytes,
      boolean libdeflate,
      int speculativeStep,
      Queue<byte[]> freeBlocks,
      ChunkStarts chunkStarts,
      ChunkChain chain,
      WindowResolver resolver,
      LibdeflateSplicer splicer) {
    this.archive = archive;
    this.file = file;
    this.chunks = chunks;
    this.maxPieceBytes = maxPieceBytes;
    this.libdeflate = libdeflate;
    this.speculativeStep = speculativeStep;
    this.freeBlocks = freeBlocks;
    this.chunkStarts = chunkStarts;
    this.chain = chain;
    this.resolver = resolver;
    this.splicer = splicer;
  }

  /**
   * Returns how many bit offsets the tasks searched for chunk starts so far.
   *
   * @return bit offsets tried.
   */
  long searchedBits() {
    return searchedBits.get();
  }

  /**
   * Decodes chunk {@code k} from its start to a proven end (the task the inflater submits for it),
   * and records the result on the chain.
   *
   * @param k the chunk.
   * @return its piece; {@code startBit} -1 when it has no start or turned out not to be used.
   */
  Piece decodeChunk(int k) {
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
        a.feedTo(
            seekFrom < 0
                ? feedEnd
                : Math.min(feedEnd, a.fedEnd() + ParallelGzipInflater.SEEK_STEP));
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
