package dev.nuload.arrow;

import dev.nuload.BadDataException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads an Arrow IPC file batch by batch into one reused {@link VectorSchemaRoot} (Arrow's {@code
 * ArrowReader} shape). Schema, schema metadata and the row count are available right after {@link
 * #open} without loading any batch (the row count reads only the batch headers).
 *
 * <p>The batches are copied into buffers of the caller's allocator; {@link MappedArrowFile} reads
 * the same files without copying. The root belongs to this reader: its contents stay valid until
 * the next {@link #loadNextBatch()} / {@link #loadBatch(int)} or {@link #close()}. {@link #close()}
 * releases the root's buffers and the file; the allocator stays open and owned by the caller.
 */
public final class ArrowFileBatchReader implements ArrowBatches {
  private final Path file;
  private final FileChannel channel;
  private final ArrowFileReader reader;
  private final List<ArrowBlock> blocks;
  private long[] batchRows;

  private ArrowFileBatchReader(Path file, FileChannel channel, ArrowFileReader reader)
      throws IOException {
    this.file = file;
    this.channel = channel;
    this.reader = reader;
    this.blocks = reader.getRecordBlocks();
  }

  /**
   * Opens a file and reads its footer and schema.
   *
   * @param file an Arrow IPC file (not a stream).
   * @param allocator the caller's allocator; the batch buffers are allocated from it.
   * @return the open reader.
   * @throws IOException if the file cannot be read.
   * @throws BadDataException if the file is not a valid Arrow IPC file (the message names it).
   */
  public static ArrowFileBatchReader open(Path file, BufferAllocator allocator) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    ArrowFileReader r = new ArrowFileReader(ch, allocator);
    try {
      r.getVectorSchemaRoot(); // reads the footer and schema, validates the magic
      return new ArrowFileBatchReader(file, ch, r);
    } catch (IOException | RuntimeException e) {
      r.close();
      ch.close();
      if (e instanceof java.nio.file.NoSuchFileException) {
        throw e;
      }
      throw new BadDataException(
          file + ": not a readable Arrow IPC file (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Returns the file this reader reads.
   *
   * @return the path given to {@link #open}.
   */
  @Override
  public Path file() {
    return file;
  }

  /**
   * Returns the schema, including field and schema metadata.
   *
   * @return the file's schema.
   */
  @Override
  public Schema schema() {
    try {
      return reader.getVectorSchemaRoot().getSchema();
    } catch (IOException e) {
      throw new BadDataException(file + ": cannot read the schema: " + e.getMessage(), e);
    }
  }

  /**
   * Returns the schema metadata (key/value strings).
   *
   * @return an unmodifiable map, empty when the file has none.
   */
  public Map<String, String> schemaMetadata() {
    Map<String, String> m = schema().getCustomMetadata();
    return m == null ? Map.of() : Map.copyOf(m);
  }

  /**
   * Returns the record-batch blocks of the footer (offsets and lengths in the file).
   *
   * @return an unmodifiable list, in file order.
   */
  public List<ArrowBlock> blocks() {
    return List.copyOf(blocks);
  }

  /**
   * Returns the number of record batches.
   *
   * @return the batch count from the footer.
   */
  @Override
  public int batchCount() {
    return blocks.size();
  }

  /**
   * Returns the total row count, reading only the record-batch headers (no data).
   *
   * @return the sum of the batch lengths.
   * @throws IOException if a header cannot be read.
   */
  public long rowCount() throws IOException {
    long n = 0;
    for (long c : batchRowCounts()) {
      n += c;
    }
    return n;
  }

  /**
   * Returns the row count of every record batch, reading only their headers (no data).
   *
   * @return one length per batch, in file order.
   * @throws IOException if a header cannot be read.
   */
  @Override
  public long[] batchRowCounts() throws IOException {
    if (batchRows == null) {
      long[] counts = new long[blocks.size()];
      long saved = channel.position();
      try {
        for (int i = 0; i < counts.length; i++) {
          ArrowBlock b = blocks.get(i);
          channel.position(b.getOffset());
          MessageMetadataResult m = MessageSerializer.readMessage(new ReadChannel(channel));
          if (m == null) {
            throw new BadDataException(file + ": no record batch at offset " + b.getOffset());
          }
          RecordBatch rb = (RecordBatch) m.getMessage().header(new RecordBatch());
          counts[i] = rb.length();
        }
      } finally {
        channel.position(saved);
      }
      batchRows = counts;
    }
    return batchRows.clone();
  }

  /**
   * Returns the root the batches are loaded into.
   *
   * @return the reused root; valid until the next load or {@link #close()}.
   */
  @Override
  public VectorSchemaRoot root() {
    try {
      return reader.getVectorSchemaRoot();
    } catch (IOException e) {
      throw new BadDataException(file + ": cannot read the schema: " + e.getMessage(), e);
    }
  }

  /**
   * Loads the next batch into {@link #root()}.
   *
   * @return false at the end of the file.
   * @throws IOException on a read error.
   */
  public boolean loadNextBatch() throws IOException {
    return reader.loadNextBatch();
  }

  /**
   * Loads batch {@code index} into {@link #root()}.
   *
   * @param index 0 to {@link #batchCount()} - 1.
   * @throws IOException on a read error.
   * @throws IndexOutOfBoundsException naming the file and the batch count.
   */
  @Override
  public void loadBatch(int index) throws IOException {
    if (index < 0 || index >= blocks.size()) {
      throw new IndexOutOfBoundsException(
          file + ": batch " + index + " does not exist (" + blocks.size() + " batches)");
    }
    reader.loadRecordBatch(blocks.get(index));
  }

  /**
   * Releases the root's buffers and closes the file. The allocator stays open.
   *
   * @throws IOException if the file cannot be closed.
   */
  @Override
  public void close() throws IOException {
    try {
      reader.close();
    } finally {
      channel.close();
    }
  }
}
