package dev.nuload.archive;

import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * An input stream over a buffer whose data can also be handed out as slices: a decompressed indexed
 * zstd frame, whose files are written straight from it.
 */
final class BufferInput extends InputStream {
  private final ByteBuffer buf;

  BufferInput(ByteBuffer buf) {
    this.buf = buf;
  }

  /** Returns the next {@code n} bytes as a slice without consuming them. */
  ByteBuffer slice(long n) {
    return buf.slice(buf.position(), (int) n);
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (!buf.hasRemaining()) {
      return -1;
    }
    int n = Math.min(len, buf.remaining());
    buf.get(b, off, n);
    return n;
  }

  @Override
  public int read() {
    return buf.hasRemaining() ? buf.get() & 0xff : -1;
  }

  @Override
  public long skip(long n) {
    int k = (int) Math.min(n, buf.remaining());
    buf.position(buf.position() + k);
    return k;
  }
}
