package dev.nuload.archive;

import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** {@link RawInflater} on the JDK's {@link Inflater} (zlib) and {@link CRC32}. */
final class JavaRawInflater implements RawInflater {
  private final Inflater inf = new Inflater(true);
  private final CRC32 crc = new CRC32();

  @Override
  public void reset() {
    inf.reset();
    crc.reset();
  }

  @Override
  public void setInput(byte[] b, int off, int len) {
    inf.setInput(b, off, len);
  }

  @Override
  public int inflate(byte[] out, int off, int len) throws DataFormatException {
    int n = inf.inflate(out, off, len);
    if (n > 0) {
      crc.update(out, off, n);
    } else if (inf.needsDictionary()) {
      throw new DataFormatException("deflate stream needs a preset dictionary");
    }
    return n;
  }

  @Override
  public boolean finished() {
    return inf.finished();
  }

  @Override
  public boolean needsInput() {
    return !inf.finished() && inf.needsInput();
  }

  @Override
  public int getRemaining() {
    return inf.getRemaining();
  }

  @Override
  public long crc() {
    return crc.getValue();
  }

  @Override
  public void close() {
    inf.end();
  }
}
