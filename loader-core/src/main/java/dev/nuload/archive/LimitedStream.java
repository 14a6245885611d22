package dev.nuload.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Stops at the frame's stated tar length and insists the frame holds that much: the tar of one
 * indexed zstd frame too large to decode in a buffer.
 */
final class LimitedStream extends InputStream {
  private final InputStream in;
  private long left;

  LimitedStream(InputStream in, long length) {
    this.in = in;
    this.left = length;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (left == 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, left));
    if (n < 0) {
      throw new EOFException("zstd frame ends before its indexed tar length");
    }
    left -= n;
    return n;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }
}
