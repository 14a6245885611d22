package dev.nuload.arrow;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

/**
 * Writes one uncompressed Arrow IPC file (random-access format) so that the target path only ever
 * holds a complete file: batches go to a hidden temporary file in the target's directory, and
 * {@link #commit()} finishes the footer, forces the data to disk and renames the temporary file
 * over the target with {@link StandardCopyOption#ATOMIC_MOVE}. Closing without a commit (an
 * exception mid-write) deletes the temporary file and leaves any earlier target untouched.
 *
 * <p>Usage: create the {@link VectorSchemaRoot} (its schema carries the schema metadata), then for
 * each batch fill the root, set its row count and call {@link #writeBatch()}; finally {@link
 * #commit()}. The root stays owned by the caller: this writer never closes it.
 *
 * <pre>{@code
 * try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
 *     AtomicArrowFileWriter w = AtomicArrowFileWriter.create(target, root)) {
 *   while (more) { root.allocateNew(); fill(root); root.setRowCount(n); w.writeBatch(); }
 *   w.commit();
 * }
 * }</pre>
 */
public final class AtomicArrowFileWriter implements AutoCloseable {
  private final Path target;
  private final Path temp;
  private final VectorSchemaRoot root;
  private final FileChannel channel;
  private final ArrowFileWriter writer;
  private long rows;
  private int batches;
  private boolean committed;
  private boolean closed;

  private AtomicArrowFileWriter(Path target, Path temp, VectorSchemaRoot root, FileChannel channel)
      throws IOException {
    this.target = target;
    this.temp = temp;
    this.root = root;
    this.channel = channel;
    this.writer = new ArrowFileWriter(root, null, channel);
    writer.start();
  }

  /**
   * Opens a temporary file next to {@code target} and writes the file header and the schema of
   * {@code root} (including its schema metadata).
   *
   * @param target the final file, conventionally ending in {@code .arrow}; its parent directory
   *     must exist.
   * @param root the caller-owned root whose contents each {@link #writeBatch()} writes.
   * @return the open writer.
   * @throws IOException if the temporary file cannot be created or written.
   */
  public static AtomicArrowFileWriter create(Path target, VectorSchemaRoot root)
      throws IOException {
    Objects.requireNonNull(root, "root");
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new java.nio.file.NoSuchFileException(
          String.valueOf(dir), null, "the directory of " + abs + " does not exist");
    }
    Path temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    FileChannel ch = null;
    try {
      ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      return new AtomicArrowFileWriter(abs, temp, root, ch);
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close();
      }
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /**
   * Writes the root's current rows ({@link VectorSchemaRoot#getRowCount()}) as one record batch.
   *
   * @throws IOException on a write error (the target stays untouched).
   * @throws IllegalStateException after {@link #commit()} or {@link #close()}.
   */
  public void writeBatch() throws IOException {
    checkOpen();
    writer.writeBatch();
    rows += root.getRowCount();
    batches++;
  }

  /**
   * Finishes the file (footer), forces it to disk and atomically renames it to the target,
   * replacing an earlier file there.
   *
   * @return the target path.
   * @throws IOException if the footer cannot be written or the rename fails (the temporary file is
   *     then deleted by {@link #close()}).
   */
  public Path commit() throws IOException {
    checkOpen();
    writer.end();
    channel.force(true);
    writer.close(); // closes the channel as well
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "cannot atomically rename " + temp + " to " + target + ": " + e.getMessage(), e);
    }
    committed = true;
    closed = true;
    return target;
  }

  /**
   * Returns the rows written so far.
   *
   * @return the sum of the row counts of the written batches.
   */
  public long rowsWritten() {
    return rows;
  }

  /**
   * Returns the record batches written so far.
   *
   * @return the batch count.
   */
  public int batchesWritten() {
    return batches;
  }

  /**
   * Returns the final path.
   *
   * @return the absolute target path.
   */
  public Path target() {
    return target;
  }

  /**
   * Returns the temporary file the batches go to until {@link #commit()}.
   *
   * @return a hidden file in the target's directory.
   */
  public Path tempFile() {
    return temp;
  }

  /**
   * Abandons an uncommitted file: closes the channel and deletes the temporary file. Does nothing
   * after {@link #commit()}. Never closes the root.
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
      writer.close();
    } catch (RuntimeException e) {
      // the channel may be broken already; deleting the temp file is what matters
    } finally {
      if (channel.isOpen()) {
        channel.close();
      }
      if (!committed) {
        Files.deleteIfExists(temp);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("writer of " + target + " is already committed or closed");
    }
  }
}
