package dev.nuload.shm;

import static dev.nuload.shm.RingDescriptor.*;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The geometry of one ring: tensors, batch size, metadata capacity and slot count, with every
 * offset computed once. A writer plans it from declarations ({@link #plan}); a reader rebuilds it
 * from a file's header and layout descriptor ({@link #read}).
 *
 * @param tensors the dense tensors of a sample, in slot order.
 * @param batchSize B, the sample rows per slot.
 * @param slotCount K, the slots in the ring (the prefetch depth).
 * @param metadataCapacity bytes of each slot's metadata area.
 * @param tensorOffsets offset of each tensor inside a slot.
 * @param metadataOffset offset of the metadata area inside a slot.
 * @param slotStride bytes from one slot to the next.
 * @param slotsOffset file offset of slot 0.
 * @param fileLength total file length.
 */
public record RingLayout(
    List<TensorSpec> tensors,
    int batchSize,
    int slotCount,
    long metadataCapacity,
    long[] tensorOffsets,
    long metadataOffset,
    long slotStride,
    long slotsOffset,
    long fileLength) {

  /** Copies the lists. */
  public RingLayout {
    tensors = List.copyOf(tensors);
    tensorOffsets = tensorOffsets.clone();
  }

  /**
   * Plans a ring.
   *
   * @param tensors the dense tensors of a sample (at least one name each, names unique).
   * @param batchSize B, at least 1.
   * @param slotCount K, at least 2.
   * @param metadataCapacity bytes per slot for metadata records, at least 0.
   * @return the layout.
   */
  public static RingLayout plan(
      List<TensorSpec> tensors, int batchSize, int slotCount, long metadataCapacity) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
    }
    if (slotCount < 2) {
      throw new IllegalArgumentException("slot count " + slotCount + " must be at least 2");
    }
    if (metadataCapacity < 0) {
      throw new IllegalArgumentException("metadata capacity " + metadataCapacity + " < 0");
    }
    if (tensors.size() > (Integer.MAX_VALUE - DESCRIPTOR_OFFSET) / DESCRIPTOR_ENTRY_LENGTH) {
      throw new IllegalArgumentException("too many tensors: " + tensors.size());
    }
    long[] offsets = new long[tensors.size()];
    long at = align(SAMPLE_TABLE_OFFSET + (long) SAMPLE_ENTRY_LENGTH * batchSize, TENSOR_ALIGNMENT);
    java.util.Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < tensors.size(); i++) {
      TensorSpec t = tensors.get(i);
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("tensor name " + t.name() + " is used twice");
      }
      offsets[i] = at;
      at = align(at + Math.multiplyExact(t.sampleBytes(), (long) batchSize), TENSOR_ALIGNMENT);
    }
    long metadataOffset = at;
    long stride = align(metadataOffset + metadataCapacity, PAGE);
    long slotsOffset =
        align(DESCRIPTOR_OFFSET + (long) DESCRIPTOR_ENTRY_LENGTH * tensors.size(), PAGE);
    long fileLength = Math.addExact(slotsOffset, Math.multiplyExact(stride, (long) slotCount));
    return new RingLayout(
        tensors,
        batchSize,
        slotCount,
        metadataCapacity,
        offsets,
        metadataOffset,
        stride,
        slotsOffset,
        fileLength);
  }

  /**
   * Writes the static header fields and the layout descriptor (not the version).
   *
   * @param file the whole mapped file.
   */
  void writeTo(MemorySegment file) {
    Mem.putLong(file, MAGIC_OFFSET, MAGIC);
    Mem.putInt(file, HEADER_LENGTH_OFFSET, HEADER_LENGTH);
    Mem.putLong(file, FILE_LENGTH_OFFSET, fileLength);
    Mem.putInt(file, SLOT_COUNT_OFFSET, slotCount);
    Mem.putInt(file, BATCH_SIZE_OFFSET, batchSize);
    Mem.putLong(file, SLOT_STRIDE_OFFSET, slotStride);
    Mem.putLong(file, SLOTS_OFFSET_OFFSET, slotsOffset);
    Mem.putInt(file, DESCRIPTOR_OFFSET_OFFSET, DESCRIPTOR_OFFSET);
    Mem.putInt(file, TENSOR_COUNT_OFFSET, tensors.size());
    Mem.putInt(file, DESCRIPTOR_ENTRY_LENGTH_OFFSET, DESCRIPTOR_ENTRY_LENGTH);
    Mem.putInt(file, SLOT_HEADER_LENGTH_OFFSET, SLOT_HEADER_LENGTH);
    Mem.putLong(file, SAMPLE_TABLE_OFFSET_OFFSET, SAMPLE_TABLE_OFFSET);
    Mem.putLong(file, METADATA_OFFSET_OFFSET, metadataOffset);
    Mem.putLong(file, METADATA_CAPACITY_OFFSET, metadataCapacity);
    for (int i = 0; i < tensors.size(); i++) {
      TensorSpec t = tensors.get(i);
      long e = DESCRIPTOR_OFFSET + (long) DESCRIPTOR_ENTRY_LENGTH * i;
      Mem.putString(file, e + ENTRY_NAME_OFFSET, t.name(), ENTRY_NAME_CAPACITY);
      Mem.putInt(file, e + ENTRY_DTYPE_OFFSET, t.dtype().code());
      long[] shape = t.shape();
      Mem.putInt(file, e + ENTRY_NDIM_OFFSET, shape.length);
      for (int d = 0; d < MAX_TENSOR_DIMS; d++) {
        Mem.putLong(file, e + ENTRY_SHAPE_OFFSET + 8L * d, d < shape.length ? shape[d] : 0);
      }
      Mem.putLong(file, e + ENTRY_SLOT_OFFSET_OFFSET, tensorOffsets[i]);
    }
  }

  /**
   * Reads the layout from a ready ring file's header and descriptor.
   *
   * @param file the whole mapped file.
   * @return the layout.
   * @throws IllegalStateException when a field is out of range for the mapped size.
   */
  public static RingLayout read(MemorySegment file) {
    int count = Mem.getInt(file, TENSOR_COUNT_OFFSET);
    int descriptor = Mem.getInt(file, DESCRIPTOR_OFFSET_OFFSET);
    int entry = Mem.getInt(file, DESCRIPTOR_ENTRY_LENGTH_OFFSET);
    long fileLength = Mem.getLong(file, FILE_LENGTH_OFFSET);
    if (fileLength != file.byteSize()
        || count < 0
        || entry != DESCRIPTOR_ENTRY_LENGTH
        || descriptor + (long) entry * count > file.byteSize()) {
      throw new IllegalStateException(
          "ring header is inconsistent: file_length="
              + fileLength
              + " mapped="
              + file.byteSize()
              + " tensor_count="
              + count);
    }
    List<TensorSpec> tensors = new ArrayList<>();
    long[] offsets = new long[count];
    for (int i = 0; i < count; i++) {
      long e = descriptor + (long) entry * i;
      String name = Mem.getString(file, e + ENTRY_NAME_OFFSET, ENTRY_NAME_CAPACITY);
      DType dtype = DType.ofCode(Mem.getInt(file, e + ENTRY_DTYPE_OFFSET));
      int ndim = Mem.getInt(file, e + ENTRY_NDIM_OFFSET);
      long[] shape = new long[ndim];
      for (int d = 0; d < ndim; d++) {
        shape[d] = Mem.getLong(file, e + ENTRY_SHAPE_OFFSET + 8L * d);
      }
      tensors.add(new TensorSpec(name, dtype, shape));
      offsets[i] = Mem.getLong(file, e + ENTRY_SLOT_OFFSET_OFFSET);
    }
    return new RingLayout(
        tensors,
        Mem.getInt(file, BATCH_SIZE_OFFSET),
        Mem.getInt(file, SLOT_COUNT_OFFSET),
        Mem.getLong(file, METADATA_CAPACITY_OFFSET),
        offsets,
        Mem.getLong(file, METADATA_OFFSET_OFFSET),
        Mem.getLong(file, SLOT_STRIDE_OFFSET),
        Mem.getLong(file, SLOTS_OFFSET_OFFSET),
        fileLength);
  }

  /**
   * Returns the offsets of each tensor inside a slot.
   *
   * @return a copy.
   */
  @Override
  public long[] tensorOffsets() {
    return tensorOffsets.clone();
  }

  /**
   * Offset of tensor i inside a slot.
   *
   * @param i tensor number.
   * @return the offset.
   */
  public long tensorOffset(int i) {
    return tensorOffsets[i];
  }

  /**
   * Index of a tensor by name.
   *
   * @param name the tensor name.
   * @return its position, or -1.
   */
  public int indexOf(String name) {
    for (int i = 0; i < tensors.size(); i++) {
      if (tensors.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
