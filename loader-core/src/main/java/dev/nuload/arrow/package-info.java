/**
 * Arrow IPC files, dataset-agnostic: an atomic file writer fed from a caller-filled {@link
 * org.apache.arrow.vector.VectorSchemaRoot}, a reader that exposes schema, metadata and row count
 * without loading the data, a memory-mapped file whose record batches each thread loads without
 * copying ({@link dev.nuload.arrow.MappedArrowFile}, {@link dev.nuload.arrow.MappedBatchCursor};
 * both readers are {@link dev.nuload.arrow.ArrowBatches}), and helpers for schema and field
 * metadata (shapes, layouts).
 *
 * <p>Ownership: every class takes a {@link org.apache.arrow.memory.BufferAllocator} from the
 * caller; only applications and tests create a {@code RootAllocator} (and {@code MappedArrowFile}
 * for its footer and cursors, whose mapped buffers take no memory). Files are written uncompressed
 * in the IPC <em>file</em> format (random access, memory-mappable from pyarrow).
 */
package dev.nuload.arrow;
