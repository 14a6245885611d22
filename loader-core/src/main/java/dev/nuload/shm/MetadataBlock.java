package dev.nuload.shm;

import static dev.nuload.shm.RingDescriptor.*;

import dev.nuload.ResourceException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Collects one batch's metadata row by row and writes it as metadata records into a slot. Reused
 * from batch to batch: buffers grow to the largest batch seen and are never shrunk.
 */
public final class MetadataBlock {
  private final List<MetaSpec> fields;
  private final int[][] lengths;
  private final byte[][] payload;
  private final int[] payloadLength;
  private final int[] rows;

  /**
   * Creates a block.
   *
   * @param fields the metadata fields, in record order.
   * @param batchSize rows per batch.
   */
  public MetadataBlock(List<MetaSpec> fields, int batchSize) {
    this.fields = List.copyOf(fields);
    this.lengths = new int[fields.size()][batchSize];
    this.payload = new byte[fields.size()][256];
    this.payloadLength = new int[fields.size()];
    this.rows = new int[fields.size()];
  }

  /**
   * Returns the fields.
   *
   * @return the metadata fields in record order.
   */
  public List<MetaSpec> fields() {
    return fields;
  }

  /** Forgets every row. */
  public void clear() {
    Arrays.fill(payloadLength, 0);
    Arrays.fill(rows, 0);
  }

  /**
   * Appends the next row of a field.
   *
   * @param field the field number.
   * @param src bytes of the row (a string's UTF-8, or count x rowBytes array bytes).
   * @param offset start in src.
   * @param length byte count.
   * @param count the value stored in the record's length table (string bytes or array rows).
   */
  public void appendRow(int field, byte[] src, int offset, int length, int count) {
    int n = payloadLength[field];
    if (n + length > payload[field].length) {
      payload[field] =
          Arrays.copyOf(payload[field], Math.max(n + length, payload[field].length * 2));
    }
    System.arraycopy(src, offset, payload[field], n, length);
    payloadLength[field] = n + length;
    lengths[field][rows[field]++] = count;
  }

  /**
   * Writes the records for {@code rowCount} rows into a slot's metadata area.
   *
   * @param area the slot's metadata area (its length is the capacity).
   * @param rowCount rows every field must hold.
   * @param sequence the batch sequence, for the error message.
   * @return the bytes written.
   * @throws ResourceException when the records do not fit the capacity.
   */
  public long writeTo(MemorySegment area, int rowCount, long sequence) {
    long at = 0;
    for (int f = 0; f < fields.size(); f++) {
      if (rows[f] != rowCount) {
        throw new IllegalStateException(
            "metadata " + fields.get(f).name() + " has " + rows[f] + " rows, batch " + rowCount);
      }
      at += recordLength(f, rowCount);
    }
    if (at > area.byteSize()) {
      throw new ResourceException(
          "metadata of batch "
              + sequence
              + " needs "
              + at
              + " bytes but a slot's metadata area holds "
              + area.byteSize()
              + "; raise the metadata capacity");
    }
    at = 0;
    for (int f = 0; f < fields.size(); f++) {
      MetaSpec spec = fields.get(f);
      long len = recordLength(f, rowCount);
      byte[] name = spec.name().getBytes(StandardCharsets.UTF_8);
      area.asSlice(at, len).fill((byte) 0);
      Mem.putInt(area, at + RECORD_LENGTH_OFFSET, (int) len);
      area.set(ValueLayout.JAVA_BYTE, at + RECORD_KIND_OFFSET, (byte) spec.kind().code());
      area.set(
          ValueLayout.JAVA_BYTE,
          at + RECORD_DTYPE_OFFSET,
          (byte) (spec.dtype() == null ? 0 : spec.dtype().code()));
      int[] inner = spec.innerShape();
      area.set(ValueLayout.JAVA_BYTE, at + RECORD_INNER_NDIM_OFFSET, (byte) inner.length);
      area.set(ValueLayout.JAVA_BYTE, at + RECORD_NAME_LENGTH_OFFSET, (byte) name.length);
      for (int d = 0; d < inner.length; d++) {
        Mem.putInt(area, at + RECORD_INNER_SHAPE_OFFSET + 4L * d, inner[d]);
      }
      Mem.putInt(area, at + RECORD_ROW_COUNT_OFFSET, rowCount);
      long p = at + RECORD_HEADER_LENGTH;
      MemorySegment.copy(name, 0, area, ValueLayout.JAVA_BYTE, p, name.length);
      p += align(name.length, 8);
      for (int r = 0; r < rowCount; r++) {
        Mem.putInt(area, p + 4L * r, lengths[f][r]);
      }
      p += align(4L * rowCount, 8);
      MemorySegment.copy(payload[f], 0, area, ValueLayout.JAVA_BYTE, p, payloadLength[f]);
      at += len;
    }
    return at;
  }

  private long recordLength(int f, int rowCount) {
    int nameLength = fields.get(f).name().getBytes(StandardCharsets.UTF_8).length;
    return RECORD_HEADER_LENGTH
        + align(nameLength, 8)
        + align(4L * rowCount, 8)
        + align(payloadLength[f], 8);
  }
}
