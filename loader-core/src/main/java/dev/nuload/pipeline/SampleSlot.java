package dev.nuload.pipeline;

import java.lang.foreign.MemorySegment;

/**
 * One sample's row in a batch slot: a memory segment per tensor (exactly the sample's bytes) and a
 * writer for its metadata fields. Valid only during {@link SampleWorker#fill}.
 */
public interface SampleSlot {
  /**
   * Returns tensor {@code i} of this sample.
   *
   * @param i the tensor number in {@link SampleSource#tensors()}.
   * @return the destination bytes, little-endian, {@code sampleBytes()} long.
   */
  MemorySegment tensor(int i);

  /**
   * Sets a string field.
   *
   * @param field the field number in {@link SampleSource#metadata()}.
   * @param value the string.
   */
  void putString(int field, String value);

  /**
   * Sets a ragged field from raw little-endian bytes.
   *
   * @param field the field number in {@link SampleSource#metadata()}.
   * @param data {@code rows x rowBytes} bytes.
   * @param rows the row count.
   */
  void putRagged(int field, MemorySegment data, int rows);
}
