package dev.nuload.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads an archive file front to back for one decoder, counting the compressed bytes read (for
 * progress and error offsets) and feeding an optional digest of the whole file in the same pass.
 */
final class SourceReader extends InputStream {
  private final FileChannel ch;
  private MessageDigest digest;
  private final AtomicLong progress;
  private long pos;

  SourceReader(FileChannel ch, MessageDigest digest, AtomicLong progress) {
    this.ch = ch;
    this.digest = digest;
    this.progress = progress;
  }

  /**
   * Returns the digest this reader feeds, or null.
   *
   * @return the digest of the whole file being taken, or null.
   */
  MessageDigest digest() {
    return digest;
  }

  /** Stops feeding the digest: another reader has fed it the whole file. */
  void digestedElsewhere() {
    digest = null;
  }

  /**
   * Moves to {@code position} without reading (and without counting progress); only for a source
   * without a digest, after another reader has used the bytes before it.
   *
   * @param position the file offset of the next byte to read.
   */
  void seek(long position) {
    if (digest != null) {
      throw new IllegalStateException("a digested source is read front to back");
    }
    pos = position;
  }

  /** Returns the file offset of the next byte to be read. */
  long position() {
    return pos;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int r = ch.read(ByteBuffer.wrap(b, off, len), pos);
    if (r <= 0) {
      return -1;
    }
    if (digest != null) {
      digest.update(b, off, r);
    }
    pos += r;
    progress.addAndGet(r);
    return r;
  }

  /**
   * Reads exactly {@code len} bytes at the current position.
   *
   * @return false when the file ends first.
   */
  boolean readFully(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int r = read(b, off, len);
      if (r < 0) {
        return false;
      }
      off += r;
      len -= r;
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  /** Reads the rest of the file (only for the digest). */
  void drain() throws IOException {
    byte[] b = new byte[1 << 16];
    while (read(b, 0, b.length) >= 0) {}
  }
}
