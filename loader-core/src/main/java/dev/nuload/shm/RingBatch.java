package dev.nuload.shm;

import static dev.nuload.shm.RingDescriptor.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A view of one published batch in a ring slot. Valid until it is released ({@link
 * RingReader#release} or the reader's next {@link RingReader#next}); after that the producer may
 * overwrite the memory, and every method throws {@link IllegalStateException}.
 */
public final class RingBatch {
  private final RingLayout layout;
  private final MemorySegment slot;
  private final long sequence;
  private boolean released;

  RingBatch(RingLayout layout, MemorySegment slot, long sequence) {
    this.layout = layout;
    this.slot = slot;
    this.sequence = sequence;
  }

  private void check() {
    if (released) {
      throw new IllegalStateException("batch " + sequence + " was released");
    }
  }

  void markReleased() {
    released = true;
  }

  /**
   * Tells whether the batch was released.
   *
   * @return true after release.
   */
  public boolean released() {
    return released;
  }

  /**
   * Returns the ring sequence of this batch.
   *
   * @return the sequence, counted from 0 across epochs.
   */
  public long sequence() {
    return sequence;
  }

  /**
   * Returns the epoch.
   *
   * @return the epoch this batch belongs to.
   */
  public int epoch() {
    check();
    return Mem.getInt(slot, SLOT_EPOCH_OFFSET);
  }

  /**
   * Returns the batch index within its epoch.
   *
   * @return 0-based index.
   */
  public int batchIndex() {
    check();
    return Mem.getInt(slot, SLOT_BATCH_INDEX_OFFSET);
  }

  /**
   * Returns the number of sample rows.
   *
   * @return rows, at most the batch size.
   */
  public int size() {
    check();
    return Mem.getInt(slot, SLOT_SAMPLE_COUNT_OFFSET);
  }

  /**
   * Tells whether this is the last batch of its epoch.
   *
   * @return the end-of-epoch flag.
   */
  public boolean endOfEpoch() {
    check();
    return (Mem.getInt(slot, SLOT_FLAGS_OFFSET) & FLAG_END_OF_EPOCH) != 0;
  }

  /**
   * Returns the dataset index of a row's sample.
   *
   * @param row the row.
   * @return the sample index.
   */
  public int sampleIndex(int row) {
    check();
    return Mem.getInt(slot, SAMPLE_TABLE_OFFSET + (long) SAMPLE_ENTRY_LENGTH * row);
  }

  /**
   * Tells whether a row was skipped by the bad-sample policy (its tensors are zero).
   *
   * @param row the row.
   * @return true when skipped.
   */
  public boolean skipped(int row) {
    check();
    return Mem.getInt(slot, SAMPLE_TABLE_OFFSET + (long) SAMPLE_ENTRY_LENGTH * row + 4)
        == SAMPLE_SKIPPED;
  }

  /**
   * Returns the rows skipped by the bad-sample policy.
   *
   * @return the count.
   */
  public int skippedCount() {
    check();
    return Mem.getInt(slot, SLOT_SKIPPED_COUNT_OFFSET);
  }

  /**
   * Returns a tensor's bytes for the filled rows: shape {@code [size(), shape...]}.
   *
   * @param name the tensor name.
   * @return a read-only view into the slot.
   * @throws IllegalArgumentException when the layout has no such tensor.
   */
  public MemorySegment tensor(String name) {
    check();
    int i = layout.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no tensor '" + name + "' in ring layout");
    }
    long bytes = layout.tensors().get(i).sampleBytes() * size();
    return slot.asSlice(layout.tensorOffset(i), bytes).asReadOnly();
  }

  /**
   * Returns a string metadata field, one value per row.
   *
   * @param name the field.
   * @return the strings.
   */
  public List<String> strings(String name) {
    List<MemorySegment> rows = rows(name, MetaSpec.Kind.STRING);
    List<String> out = new ArrayList<>(rows.size());
    for (MemorySegment r : rows) {
      out.add(new String(r.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * Returns a ragged metadata field: per row, the bytes of a {@code [n_i, inner...]} array.
   *
   * @param name the field.
   * @return one read-only view per row.
   */
  public List<MemorySegment> ragged(String name) {
    return rows(name, MetaSpec.Kind.RAGGED);
  }

  private List<MemorySegment> rows(String name, MetaSpec.Kind kind) {
    check();
    MemorySegment area = slot.asSlice(layout.metadataOffset(), layout.metadataCapacity());
    int records = Mem.getInt(slot, SLOT_METADATA_RECORDS_OFFSET);
    long at = 0;
    for (int r = 0; r < records; r++) {
      int len = Mem.getInt(area, at + RECORD_LENGTH_OFFSET);
      int nameLength =
          Byte.toUnsignedInt(area.get(ValueLayout.JAVA_BYTE, at + RECORD_NAME_LENGTH_OFFSET));
      byte[] nb =
          area.asSlice(at + RECORD_HEADER_LENGTH, nameLength).toArray(ValueLayout.JAVA_BYTE);
      if (new String(nb, StandardCharsets.UTF_8).equals(name)) {
        int k = area.get(ValueLayout.JAVA_BYTE, at + RECORD_KIND_OFFSET);
        if (k != kind.code()) {
          throw new IllegalArgumentException("metadata '" + name + "' is not " + kind);
        }
        long rowBytes = 1;
        if (kind == MetaSpec.Kind.RAGGED) {
          rowBytes = DType.ofCode(area.get(ValueLayout.JAVA_BYTE, at + RECORD_DTYPE_OFFSET)).size();
          int ndim = area.get(ValueLayout.JAVA_BYTE, at + RECORD_INNER_NDIM_OFFSET);
          for (int d = 0; d < ndim; d++) {
            rowBytes *= Mem.getInt(area, at + RECORD_INNER_SHAPE_OFFSET + 4L * d);
          }
        }
        int rowCount = Mem.getInt(area, at + RECORD_ROW_COUNT_OFFSET);
        long lengths = at + RECORD_HEADER_LENGTH + align(nameLength, 8);
        long payload = lengths + align(4L * rowCount, 8);
        List<MemorySegment> out = new ArrayList<>(rowCount);
        for (int i = 0; i < rowCount; i++) {
          long n = Integer.toUnsignedLong(Mem.getInt(area, lengths + 4L * i)) * rowBytes;
          out.add(area.asSlice(payload, n).asReadOnly());
          payload += n;
        }
        return out;
      }
      at += len;
    }
    throw new IllegalArgumentException("no metadata '" + name + "' in batch " + sequence);
  }
}
