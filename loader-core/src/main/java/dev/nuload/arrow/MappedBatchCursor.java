package dev.nuload.arrow;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One thread's view of a {@link MappedArrowFile}: a root whose vectors point into the mapping,
 * loaded with one record batch at a time. Loading copies no data; reading a value reads the mapped
 * page. Loading the batch that is already loaded does nothing.
 *
 * <p>Not thread-safe: give each thread its own cursor (they share the mapping). {@link #close()}
 * releases the root; the mapping stays with the {@link MappedArrowFile}.
 */
public final class MappedBatchCursor implements ArrowBatches {
  private final MappedArrowFile file;
  private final BufferAllocator allocator = new RootAllocator();
  private final VectorSchemaRoot root;
  private final VectorLoader loader;
  private int loaded = -1;

  MappedBatchCursor(MappedArrowFile file) {
    this.file = file;
    this.root = VectorSchemaRoot.create(file.schema(), allocator);
    this.loader = new VectorLoader(root);
  }

  @Override
  public Path file() {
    return file.file();
  }

  @Override
  public Schema schema() {
    return file.schema();
  }

  @Override
  public int batchCount() {
    return file.batchCount();
  }

  @Override
  public long[] batchRowCounts() {
    return file.batchRowCounts();
  }

  @Override
  public VectorSchemaRoot root() {
    return root;
  }

  /**
   * Returns the batch in {@link #root()}.
   *
   * @return its index, or -1 before the first load.
   */
  public int loadedBatch() {
    return loaded;
  }

  @Override
  public void loadBatch(int index) throws IOException {
    if (index == loaded) {
      return;
    }
    loaded = -1;
    try (ArrowRecordBatch batch = file.recordBatch(index, allocator)) {
      loader.load(batch);
    }
    loaded = index;
  }

  @Override
  public void close() {
    root.close();
    allocator.close();
  }
}
