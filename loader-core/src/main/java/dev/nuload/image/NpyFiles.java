package dev.nuload.image;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes tensors as NumPy {@code .npy} files, format version 1.0 (as documented by NumPy's {@code
 * numpy.lib.format}):
 *
 * <pre>
 *   offset  size  field
 *   0       6     magic  \x93 N U M P Y
 *   6       1     major version = 1
 *   7       1     minor version = 0
 *   8       2     header length HL, uint16 little-endian
 *   10      HL    ASCII dict {'descr': '&lt;f4', 'fortran_order': False, 'shape': (V, 3, H, W), }
 *                 padded with spaces and ended by '\n' so that 10 + HL is a multiple of 64
 *   10+HL   ...   the elements, C order, little-endian
 * </pre>
 *
 * Files are written to a temporary sibling and renamed into place, so a reader never sees half a
 * file.
 */
public final class NpyFiles {
  private NpyFiles() {}

  /**
   * Returns the header bytes (magic through padding) for a C-order array.
   *
   * @param dtype element type.
   * @param shape dimensions.
   * @return the header, a multiple of 64 bytes long.
   */
  public static byte[] header(TensorDType dtype, long... shape) {
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      s.append(shape[i]);
      if (shape.length == 1 || i < shape.length - 1) {
        s.append(shape.length == 1 ? "," : ", ");
      }
    }
    s.append(")");
    String dict =
        "{'descr': '" + dtype.numpyDescr() + "', 'fortran_order': False, 'shape': " + s + ", }";
    int total = 10 + dict.length() + 1;
    int padded = (total + 63) / 64 * 64;
    String text = dict + " ".repeat(padded - total) + "\n";
    byte[] h = new byte[10 + text.length()];
    h[0] = (byte) 0x93;
    byte[] magic = "NUMPY".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, h, 1, 5);
    h[6] = 1;
    h[7] = 0;
    h[8] = (byte) (text.length() & 0xFF);
    h[9] = (byte) (text.length() >>> 8);
    System.arraycopy(text.getBytes(StandardCharsets.US_ASCII), 0, h, 10, text.length());
    return h;
  }

  /**
   * Writes an array whose elements are in native order in {@code data}.
   *
   * @param file target path.
   * @param data exactly {@code product(shape) * dtype.bytes()} bytes.
   * @param dtype element type.
   * @param shape dimensions.
   * @throws IOException on write failure (the target is left untouched).
   */
  public static void write(Path file, MemorySegment data, TensorDType dtype, long... shape)
      throws IOException {
    long n = dtype.bytes();
    for (long d : shape) {
      n *= d;
    }
    if (n != data.byteSize()) {
      throw new IllegalArgumentException(
          "shape needs " + n + " bytes, data holds " + data.byteSize());
    }
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN && dtype != TensorDType.UINT8) {
      throw new UnsupportedOperationException("big-endian hosts are not supported");
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        out.write(header(dtype, shape));
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.position(ch.size());
        var buf = data.asByteBuffer();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
