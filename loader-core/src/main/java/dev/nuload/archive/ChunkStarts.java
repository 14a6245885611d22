package dev.nuload.archive;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Drives the search for where the chunks of a {@link ParallelGzipInflater} start: each chunk after
 * the first starts at the first dynamic block header {@link DeflateBlockFinder} finds after its
 * nominal start, searched once and shared by the tasks that need it.
 */
final class ChunkStarts {
  /**
   * Most bit offsets searched for one chunk's start: 1 MiB of compressed data. Every common
   * compressor writes a block header far more often (zlib about every 16 K symbols, libdeflate
   * every 300 KB of output or less); a chunk without one in range is simply not used.
   */
  static final long MAX_SEARCH_BITS = 8L << 20;

  /**
   * Most bit offsets one task searches for the next used chunk's start (16 chunks without a
   * header): beyond that it decodes on to the end of the member instead, so data in which no start
   * can be found (one huge block) costs a bounded search rather than one per chunk. Runs of stored
   * blocks are stepped over and cost almost nothing.
   */
  private static final long MAX_CASCADE_SEARCH_BITS = 16 * MAX_SEARCH_BITS;

  /** A start not searched yet. */
  private static final long UNKNOWN = -2;

  private final long deflateStart;
  private final long chunkBytes;
  private final int chunks;
  private final AtomicLongArray starts;

  /**
   * Creates the starts of {@code chunks} chunks, none searched yet.
   *
   * @param deflateStart byte offset of the deflate stream (the first chunk's start).
   * @param chunkBytes nominal compressed bytes per chunk.
   * @param chunks how many chunks.
   */
  ChunkStarts(long deflateStart, long chunkBytes, int chunks) {
    this.deflateStart = deflateStart;
    this.chunkBytes = chunkBytes;
    this.chunks = chunks;
    this.starts = new AtomicLongArray(chunks);
    for (int i = 0; i < chunks; i++) {
      starts.set(i, UNKNOWN);
    }
  }

  private long nominal(int k) {
    return deflateStart + k * chunkBytes;
  }

  /**
   * Returns the start bit of chunk {@code k}, or -1 when no header was found in its range. Each is
   * searched once: the task of chunk k and the task before it both need it.
   */
  long startOf(DeflateBlockFinder finder, int k) {
    if (k == 0) {
      return deflateStart * 8;
    }
    long known = starts.get(k);
    if (known != UNKNOWN) {
      return known;
    }
    long found =
        finder.find(
            nominal(k) * 8,
            nominal(k + 1) * 8,
            ParallelGzipInflater.MIN_HEADER_BITS,
            MAX_SEARCH_BITS);
    starts.set(k, found);
    return found;
  }

  /**
   * Returns the first chunk from {@code k} on with a start, or {@link #chunks} when none has or the
   * search for it grew past {@link #MAX_CASCADE_SEARCH_BITS}.
   */
  int nextStartingChunk(DeflateBlockFinder finder, int k) {
    long spent = finder.searchedBits();
    while (k < chunks && startOf(finder, k) < 0) {
      if (finder.searchedBits() - spent > MAX_CASCADE_SEARCH_BITS) {
        return chunks;
      }
      k++;
    }
    return k;
  }
}
