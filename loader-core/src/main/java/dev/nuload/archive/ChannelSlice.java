package dev.nuload.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a byte range of a file with positional reads: the compressed bytes of one indexed zstd
 * frame, counted into the archive's progress.
 */
final class ChannelSlice extends InputStream {
  private final FileChannel ch;
  private final AtomicLong progress;
  private long pos;
  private final long end;

  ChannelSlice(FileChannel ch, long offset, long length, AtomicLong progress) {
    this.ch = ch;
    this.pos = offset;
    this.end = offset + length;
    this.progress = progress;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (pos >= end) {
      return -1;
    }
    int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
    if (n <= 0) {
      return -1;
    }
    pos += n;
    progress.addAndGet(n);
    return n;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }
}
