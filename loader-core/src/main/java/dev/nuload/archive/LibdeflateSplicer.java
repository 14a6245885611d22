package dev.nuload.archive;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * Hands the rest of a chunk of {@link ParallelGzipInflater} to libdeflate once the 32 KiB before it
 * are known ({@link LibdeflateChunkDecoder}); keeps the decoders and their native output buffers
 * ({@link OutBufferPool}) from chunk to chunk, and counts the chunks it decoded.
 */
final class LibdeflateSplicer {
  private final MemorySegment file;
  private final long chunkBytes;
  private final long maxPieceBytes;

  /** libdeflate decoders not in use; each keeps its native buffers between chunks. */
  private final ConcurrentLinkedQueue<LibdeflateChunkDecoder> spliceDecoders =
      new ConcurrentLinkedQueue<>();

  private volatile java.nio.channels.FileChannel channel;

  private final AtomicInteger spliced = new AtomicInteger();

  /** libdeflate's native output buffers. */
  private final OutBufferPool outBuffers;

  /**
   * Creates a splicer for one member.
   *
   * @param file the whole archive, mapped.
   * @param chunkBytes nominal compressed bytes per chunk.
   * @param maxPieceBytes the most output one chunk may hold in memory.
   */
  LibdeflateSplicer(MemorySegment file, long chunkBytes, long maxPieceBytes) {
    this.file = file;
    this.chunkBytes = chunkBytes;
    this.maxPieceBytes = maxPieceBytes;
    this.outBuffers = new OutBufferPool(LibdeflateChunkDecoder.MAX_PREFIX_OUTPUT + maxPieceBytes);
  }

  /**
   * Reads the compressed runs from {@code channel}, the file {@code file} maps (see {@link
   * ParallelGzipInflater#readFrom}).
   *
   * @param channel the archive.
   */
  void readFrom(java.nio.channels.FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Returns how many chunks libdeflate decoded the rest of.
   *
   * @return chunks.
   */
  int spliced() {
    return spliced.get();
  }

  /**
   * Returns how many native output buffers are allocated and not yet freed.
   *
   * @return live buffers.
   */
  int nativeBuffersLive() {
    return outBuffers.live();
  }

  /**
   * Decodes the rest of a chunk, from the proven block boundary {@code from} to {@code end}, with
   * libdeflate, appending the output to {@code p}.
   *
   * @return false, with {@code p} unchanged, when libdeflate did not decode it (bad data, {@code
   *     end} not a block boundary, too much output): the caller goes on with ISA-L.
   */
  boolean splice(Piece p, long from, long end, int nextChunk, byte[] window, CRC32 tail) {
    long span = (end < 0 ? 8 * file.byteSize() : end) - from;
    if (span > 8 * 4 * chunkBytes) {
      return false; // a run much longer than a chunk (unusual): not copied into one buffer
    }
    LibdeflateChunkDecoder d = spliceDecoders.poll();
    if (d == null) {
      d = new LibdeflateChunkDecoder(channel);
    }
    OutBufferPool.OutBuffer buffer = outBuffers.take();
    try {
      LibdeflateChunkDecoder.Outcome o =
          d.decode(file, window, from, end, maxPieceBytes - p.length, buffer.memory);
      if (o == LibdeflateChunkDecoder.Outcome.FAILED) {
        return false;
      }
      MemorySegment out = d.output();
      tail.update(out.asByteBuffer());
      // The output stays where libdeflate wrote it; the sink reads it from there.
      p.tail = out;
      p.tailBuffer = buffer;
      buffer = null;
      p.length += out.byteSize();
      if (o == LibdeflateChunkDecoder.Outcome.AT_END) {
        p.endBit = end;
        p.endChunk = nextChunk;
      } else {
        p.finished = true;
        p.endBit = 8 * d.endByte();
      }
      spliced.incrementAndGet();
      return true;
    } finally {
      if (buffer != null) {
        buffer.holders.release();
      }
      spliceDecoders.add(d);
    }
  }

  /** Closes the decoders and frees the pooled buffers; those still held are freed when released. */
  void close() {
    for (LibdeflateChunkDecoder d; (d = spliceDecoders.poll()) != null; ) {
      d.close();
    }
    outBuffers.close();
  }
}
