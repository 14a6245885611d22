package dev.nuload.nuscenes.info;

import dev.nuload.arrow.AtomicArrowFileWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes {@link InfoRecord}s to an info file ({@link InfoSchema}, {@code
 * docs/format/infos-arrow.md}) in record batches of at most {@code batchRows} rows, so memory stays
 * bounded by one batch whatever the split size. The file appears atomically on {@link #commit()};
 * closing without a commit leaves any earlier file at the target untouched and no temporary file.
 *
 * <p>Records are taken as they come ({@link #write(InfoRecord)} is a {@link Consumer}), in the
 * order the file should have (the builder's sample.json order, spec 2.3). A record that does not
 * fit the schema (wrong vector length, cameras out of order, annotations in a test file) raises a
 * {@link dev.nuload.BadDataException} naming its token and the field.
 *
 * <pre>{@code
 * try (BufferAllocator a = parent.newChildAllocator("infos", 0, Long.MAX_VALUE);
 *     InfoArrowWriter w = InfoArrowWriter.create(path, metadata, a)) {
 *   builder.build(w::write);
 *   w.commit();
 * }
 * }</pre>
 *
 * <p>The writer owns its {@link VectorSchemaRoot} and closes it; the allocator stays the caller's.
 */
public final class InfoArrowWriter implements AutoCloseable, Consumer<InfoRecord> {
  /** Default rows per record batch. */
  public static final int DEFAULT_BATCH_ROWS = 1024;

  private final InfoFileMetadata metadata;
  private final int batchRows;
  private final VectorSchemaRoot root;
  private final InfoVectors vectors;
  private final AtomicArrowFileWriter file;
  private int pending;
  private boolean closed;

  private InfoArrowWriter(
      InfoFileMetadata metadata, int batchRows, VectorSchemaRoot root, AtomicArrowFileWriter file) {
    this.metadata = metadata;
    this.batchRows = batchRows;
    this.root = root;
    this.file = file;
    this.vectors = new InfoVectors(root, metadata.annotated());
    root.allocateNew();
  }

  /**
   * Creates a writer with {@link #DEFAULT_BATCH_ROWS} rows per batch.
   *
   * @param target the info file, conventionally {@code <name>.arrow}; its directory must exist.
   * @param metadata the schema metadata (version, split, fingerprint, options, tool).
   * @param allocator the caller's allocator for one batch of vectors.
   * @return the writer.
   * @throws IOException if the temporary file cannot be created.
   */
  public static InfoArrowWriter create(
      Path target, InfoFileMetadata metadata, BufferAllocator allocator) throws IOException {
    return create(target, metadata, allocator, DEFAULT_BATCH_ROWS);
  }

  /**
   * Creates a writer.
   *
   * @param target the info file; its directory must exist.
   * @param metadata the schema metadata.
   * @param allocator the caller's allocator for one batch of vectors.
   * @param batchRows rows per record batch, at least 1.
   * @return the writer.
   * @throws IOException if the temporary file cannot be created.
   */
  public static InfoArrowWriter create(
      Path target, InfoFileMetadata metadata, BufferAllocator allocator, int batchRows)
      throws IOException {
    Objects.requireNonNull(metadata, "metadata");
    if (batchRows < 1) {
      throw new IllegalArgumentException("batchRows must be at least 1, got " + batchRows);
    }
    VectorSchemaRoot root = VectorSchemaRoot.create(InfoSchema.schema(metadata), allocator);
    try {
      return new InfoArrowWriter(
          metadata, batchRows, root, AtomicArrowFileWriter.create(target, root));
    } catch (IOException | RuntimeException e) {
      root.close();
      throw e;
    }
  }

  /**
   * Writes all records of an iterator to {@code target} and commits.
   *
   * @param target the info file.
   * @param metadata the schema metadata.
   * @param records the records in file order.
   * @param allocator the caller's allocator.
   * @return the number of rows written.
   * @throws IOException on a write error (no file is left at the target then).
   */
  public static long write(
      Path target,
      InfoFileMetadata metadata,
      Iterator<InfoRecord> records,
      BufferAllocator allocator)
      throws IOException {
    try (InfoArrowWriter w = create(target, metadata, allocator)) {
      while (records.hasNext()) {
        w.write(records.next());
      }
      w.commit();
      return w.rowsWritten();
    }
  }

  /**
   * Appends one record; a full batch is written to the temporary file.
   *
   * @param record the record.
   * @throws dev.nuload.BadDataException if the record does not fit the schema.
   * @throws UncheckedIOException on a write error.
   */
  public void write(InfoRecord record) {
    if (closed) {
      throw new IllegalStateException("info writer of " + file.target() + " is closed");
    }
    Objects.requireNonNull(record, "record");
    vectors.write(pending, record);
    pending++;
    if (pending == batchRows) {
      try {
        flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file.tempFile(), e);
      }
    }
  }

  /**
   * Same as {@link #write(InfoRecord)}, so the writer can be passed as a {@code
   * Consumer<InfoRecord>}.
   *
   * @param record the record.
   */
  @Override
  public void accept(InfoRecord record) {
    write(record);
  }

  /**
   * Returns the rows accepted so far (written or pending in the current batch).
   *
   * @return the row count.
   */
  public long rowsWritten() {
    return file.rowsWritten() + pending;
  }

  /**
   * Returns the metadata this file is written with.
   *
   * @return the metadata.
   */
  public InfoFileMetadata metadata() {
    return metadata;
  }

  /**
   * Writes the last batch, finishes the file and renames it atomically to the target.
   *
   * @return the target path.
   * @throws IOException on a write or rename error.
   */
  public Path commit() throws IOException {
    if (pending > 0 || file.batchesWritten() == 0) {
      flush();
    }
    Path p = file.commit();
    close();
    return p;
  }

  private void flush() throws IOException {
    root.setRowCount(pending);
    file.writeBatch();
    pending = 0;
    // Keep the buffers, which have grown to one batch's size, instead of reallocating them:
    // reset() zeroes them and makes the vectors empty again.
    for (FieldVector v : root.getFieldVectors()) {
      v.reset();
    }
  }

  /**
   * Releases the vectors; without a prior {@link #commit()} also deletes the temporary file.
   *
   * @throws IOException if the temporary file cannot be deleted.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      file.close();
    } finally {
      root.close();
    }
  }
}
