package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * The decoded output of one chunk task of {@link ParallelGzipInflater}, from a start bit to a
 * proven end bit: heap blocks, then possibly libdeflate's native tail, with what window resolution
 * needs (the second stand-in decoder's bytes, the last 32 KiB as decoded).
 */
final class Piece {
  private static final int BLOCK = ChunkPipe.CHUNK;

  final int index;
  long startBit = -1;
  long endBit;
  int endChunk = -1;
  boolean finished;
  final List<byte[]> blocks = new ArrayList<>();
  final Queue<byte[]> free;
  long length;
  byte[] prefixB;
  int prefixLength;
  long prefixCrc;
  long tailCrc;
  byte[] lastA;
  volatile boolean resolved;
  boolean oversized;
  CorruptArchiveException error;

  /** Output libdeflate decoded after the heap blocks, in {@link #tailBuffer}; or null. */
  MemorySegment tail;

  OutBufferPool.OutBuffer tailBuffer;

  Piece(int index, Queue<byte[]> free) {
    this.index = index;
    this.free = free;
  }

  /** Drops the output: this chunk is inflated again, streaming, on the in-order thread. */
  void oversized() {
    oversized = true;
    blocks.clear();
    releaseTail();
    length = 0;
    prefixB = null;
    prefixLength = 0;
  }

  /** Bytes of output in the heap blocks (the rest is {@link #tail}). */
  long heapLength() {
    return tail == null ? length : length - tail.byteSize();
  }

  /** Lets go of the native output (idempotent); slices handed on keep it until released. */
  void releaseTail() {
    if (tailBuffer != null) {
      OutBufferPool.OutBuffer b = tailBuffer;
      tailBuffer = null;
      b.holders.release();
    }
  }

  long crc() {
    if (prefixB == null) {
      return tailCrc;
    }
    return Crc32Combine.combine(prefixCrc, tailCrc, length - prefixLength);
  }

  void append(MemorySegment src, int n) {
    if (tail != null) {
      throw new IllegalStateException("output appended after the native tail");
    }
    int done = 0;
    while (done < n) {
      int off = (int) (length % BLOCK);
      if (off == 0) {
        byte[] b = free.poll();
        blocks.add(b != null && b.length == BLOCK ? b : new byte[BLOCK]);
      }
      byte[] blk = blocks.get(blocks.size() - 1);
      int k = Math.min(n - done, BLOCK - off);
      MemorySegment.copy(src, JAVA_BYTE, done, blk, off, k);
      done += k;
      length += k;
    }
  }

  /** Copies the last {@code n} output bytes (as decoded, stand-ins unresolved). */
  byte[] last(int n) {
    byte[] r = new byte[n];
    long from = length - n;
    int copied = 0;
    if (tail != null) {
      int fromTail = (int) Math.min(n, tail.byteSize());
      MemorySegment.copy(tail, JAVA_BYTE, tail.byteSize() - fromTail, r, n - fromTail, fromTail);
      n -= fromTail;
    }
    while (copied < n) {
      long at = from + copied;
      byte[] blk = blocks.get((int) (at / BLOCK));
      int off = (int) (at % BLOCK);
      int k = Math.min(n - copied, BLOCK - off);
      System.arraycopy(blk, off, r, copied, k);
      copied += k;
    }
    return r;
  }
}
