package dev.nuload.arrow;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The record batches of one Arrow IPC file, loaded one at a time into a reused {@link
 * VectorSchemaRoot}: {@link ArrowFileBatchReader} copies a batch into the caller's allocator, a
 * {@link MappedBatchCursor} points the vectors at the mapped file. One thread at a time.
 */
public interface ArrowBatches extends AutoCloseable {
  /**
   * Returns the file the batches are read from.
   *
   * @return the path the file was opened with.
   */
  Path file();

  /**
   * Returns the schema, including field and schema metadata.
   *
   * @return the file's schema.
   */
  Schema schema();

  /**
   * Returns the number of record batches.
   *
   * @return the batch count from the footer.
   */
  int batchCount();

  /**
   * Returns the row count of every record batch without loading any.
   *
   * @return one length per batch, in file order.
   * @throws IOException if a batch header cannot be read.
   */
  long[] batchRowCounts() throws IOException;

  /**
   * Returns the root the batches are loaded into.
   *
   * @return the reused root; valid until the next load or {@link #close()}.
   */
  VectorSchemaRoot root();

  /**
   * Loads batch {@code index} into {@link #root()}.
   *
   * @param index 0 to {@link #batchCount()} - 1.
   * @throws IOException on a read error.
   * @throws IndexOutOfBoundsException naming the file and the batch count.
   */
  void loadBatch(int index) throws IOException;

  /**
   * Releases the root's buffers (and what the implementation opened).
   *
   * @throws IOException if the file cannot be closed.
   */
  @Override
  void close() throws IOException;
}
