package dev.nuload.arrow;

import dev.nuload.BadDataException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An uncompressed Arrow IPC file mapped read-only into memory, for random access to its record
 * batches without copying them: the file's pages are page cache, shared by every process that maps
 * the file, and a loaded batch costs only its vectors' validity bitmaps in private memory.
 *
 * <p>Opening reads and checks the footer and schema ({@link ArrowFileBatchReader}'s checks and
 * messages), maps the whole file and checks that every record batch lies inside it. The object is
 * immutable and thread-safe; each thread reads through its own {@link #cursor()}.
 *
 * <p>The mapping has no close: it is released by the garbage collector once neither this object nor
 * any buffer of a batch loaded from it is reachable, so no thread can ever read unmapped memory. A
 * file replaced by a rename (as {@code AtomicArrowFileWriter} does) stays the old one here.
 */
public final class MappedArrowFile {
  private final Path file;
  private final Schema schema;
  private final List<ArrowBlock> blocks;
  private final long[] batchRows;
  private final MemorySegment data;

  private MappedArrowFile(Path file, Schema schema, List<ArrowBlock> blocks, MemorySegment data) {
    this.file = file;
    this.schema = schema;
    this.blocks = blocks;
    this.data = data;
    this.batchRows = new long[blocks.size()];
    for (int i = 0; i < batchRows.length; i++) {
      batchRows[i] = header(i).length();
    }
  }

  /**
   * Opens and maps a file.
   *
   * @param file an Arrow IPC file (not a stream), uncompressed.
   * @return the mapped file.
   * @throws IOException if the file cannot be read or mapped.
   * @throws BadDataException naming the file when it is not a valid Arrow IPC file.
   */
  public static MappedArrowFile open(Path file) throws IOException {
    Schema schema;
    List<ArrowBlock> blocks;
    try (BufferAllocator footer = new RootAllocator();
        ArrowFileBatchReader r = ArrowFileBatchReader.open(file, footer)) {
      schema = r.schema();
      blocks = r.blocks();
    }
    MemorySegment data;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      // an automatic arena: unmapped only when unreachable (see the class comment)
      data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto());
    }
    for (ArrowBlock b : blocks) {
      long end = b.getOffset() + b.getMetadataLength() + b.getBodyLength();
      if (b.getOffset() < 0 || b.getMetadataLength() < 8 || end > data.byteSize()) {
        throw new BadDataException(
            file
                + ": record batch at offset "
                + b.getOffset()
                + " ends at "
                + end
                + ", past the end of the file ("
                + data.byteSize()
                + " bytes)");
      }
    }
    return new MappedArrowFile(file, schema, blocks, data);
  }

  /**
   * Returns the mapped file.
   *
   * @return the path given to {@link #open}.
   */
  public Path file() {
    return file;
  }

  /**
   * Returns the schema, including field and schema metadata.
   *
   * @return the file's schema.
   */
  public Schema schema() {
    return schema;
  }

  /**
   * Returns the number of record batches.
   *
   * @return the batch count from the footer.
   */
  public int batchCount() {
    return blocks.size();
  }

  /**
   * Returns the row count of every record batch (read from their headers at open).
   *
   * @return one length per batch, in file order.
   */
  public long[] batchRowCounts() {
    return batchRows.clone();
  }

  /**
   * Returns a new cursor for one thread.
   *
   * @return a cursor with an empty root; close it when done.
   */
  public MappedBatchCursor cursor() {
    return new MappedBatchCursor(this);
  }

  /**
   * Returns batch {@code index} as buffers that point into the mapping (no data is read).
   *
   * @param index 0 to {@link #batchCount()} - 1.
   * @param allocator the allocator the buffers are accounted to (they take no memory from it).
   * @return the batch; the caller closes it after loading it into a root.
   */
  ArrowRecordBatch recordBatch(int index, BufferAllocator allocator) throws IOException {
    if (index < 0 || index >= blocks.size()) {
      throw new IndexOutOfBoundsException(
          file + ": batch " + index + " does not exist (" + blocks.size() + " batches)");
    }
    RecordBatch header = header(index);
    if (header.compression() != null) {
      throw new BadDataException(
          file + ": record batch " + index + " is compressed; only uncompressed files are read");
    }
    ArrowBlock b = blocks.get(index);
    long bodyAt = b.getOffset() + b.getMetadataLength();
    MemorySegment keep = data;
    ForeignAllocation body =
        new ForeignAllocation(b.getBodyLength(), data.address() + bodyAt) {
          // The batch's buffers hold this allocation, so the mapping lives as long as they do.
          @SuppressWarnings("unused")
          private final MemorySegment mapping = keep;

          @Override
          protected void release0() {}
        };
    ArrowBuf buf = allocator.wrapForeignAllocation(body);
    try {
      return MessageSerializer.deserializeRecordBatch(header, buf); // releases buf
    } catch (IOException | RuntimeException e) {
      if (buf.refCnt() > 0) {
        buf.close();
      }
      throw e;
    }
  }

  /** Parses the flatbuffer header of batch {@code index}, from the mapping. */
  private RecordBatch header(int index) {
    ArrowBlock b = blocks.get(index);
    ByteBuffer m =
        data.asSlice(b.getOffset(), b.getMetadataLength())
            .asByteBuffer()
            .order(ByteOrder.LITTLE_ENDIAN);
    // encapsulated message: [0xFFFFFFFF] int32 length, then the flatbuffer (IPC format)
    int at = m.getInt(0) == -1 ? 8 : 4;
    int length = m.getInt(at - 4);
    if (length <= 0 || at + (long) length > m.capacity()) {
      throw new BadDataException(
          file + ": record batch " + index + " has a bad header length " + length);
    }
    Message msg = Message.getRootAsMessage(m.slice(at, length).order(ByteOrder.LITTLE_ENDIAN));
    if (msg.headerType() != MessageHeader.RecordBatch) {
      throw new BadDataException(
          file + ": block " + index + " is not a record batch (type " + msg.headerType() + ")");
    }
    return (RecordBatch) msg.header(new RecordBatch());
  }
}
