package dev.nuload.nuscenes.info;

import dev.nuload.BadDataException;
import dev.nuload.arrow.ArrowBatches;
import dev.nuload.arrow.ArrowFileBatchReader;
import dev.nuload.arrow.MappedArrowFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads an info file written by {@link InfoArrowWriter} back into {@link InfoRecord}s (round-trip
 * tests, the serve stage). The PETR sweep matrices {@code intrinsics}, {@code extrinsics} and
 * {@code lidar2img} are derived from the stored {@code cam_intrinsic} and sensor-to-lidar transform
 * (spec 2.5.3).
 *
 * <p>Opening checks the format version and that every field of {@link InfoSchema} is present with
 * its type. Two ways to reach the batches, with the same records:
 *
 * <ul>
 *   <li>{@link #open(Path, BufferAllocator)} copies one record batch at a time into the caller's
 *       allocator; {@link #close()} releases the batch and the file, the allocator stays the
 *       caller's.
 *   <li>{@link #open(MappedArrowFile)} reads a batch where it lies in the mapped file (no copy,
 *       page cache shared between processes): what the serve path uses, one reader per thread on
 *       one shared mapping; {@link #close()} releases the reader's vectors, the mapping stays.
 * </ul>
 *
 * <p>A reader is not thread-safe.
 */
public final class InfoArrowReader implements AutoCloseable {
  private final ArrowBatches file;
  private final InfoFileMetadata metadata;
  private final boolean annotated;
  private final long[] batchStarts;
  private InfoVectors vectors;
  private int loadedBatch = -1;

  private InfoArrowReader(ArrowBatches file) throws IOException {
    this.file = file;
    Schema s = file.schema();
    this.metadata = InfoFileMetadata.fromMap(s.getCustomMetadata(), file.file());
    this.annotated = s.getFields().stream().anyMatch(f -> f.getName().equals("gt_boxes"));
    checkSchema(s, InfoSchema.schema(annotated), file.file());
    // batch row offsets from the batch headers (no data read)
    long[] counts = file.batchRowCounts();
    batchStarts = new long[counts.length + 1];
    for (int b = 0; b < counts.length; b++) {
      batchStarts[b + 1] = batchStarts[b] + counts[b];
    }
  }

  /**
   * Opens an info file.
   *
   * @param path the {@code .arrow} file.
   * @param allocator the caller's allocator for one batch.
   * @return the reader.
   * @throws IOException if the file cannot be read.
   * @throws BadDataException naming the file and field when it is not an info file of this format.
   */
  public static InfoArrowReader open(Path path, BufferAllocator allocator) throws IOException {
    return over(ArrowFileBatchReader.open(path, allocator));
  }

  /**
   * Opens a reader on a mapped info file; each thread opens its own on the same mapping.
   *
   * @param mapped the file, mapped once ({@link MappedArrowFile#open}).
   * @return the reader; its batches point into the mapping.
   * @throws BadDataException naming the file and field when it is not an info file of this format.
   */
  public static InfoArrowReader open(MappedArrowFile mapped) {
    try {
      return over(mapped.cursor());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a mapped file's batch headers were read at open
    }
  }

  private static InfoArrowReader over(ArrowBatches batches) throws IOException {
    try {
      return new InfoArrowReader(batches);
    } catch (IOException | RuntimeException e) {
      batches.close();
      throw e;
    }
  }

  private static void checkSchema(Schema actual, Schema expected, Path file) {
    for (Field e : expected.getFields()) {
      Field a;
      try {
        a = actual.findField(e.getName());
      } catch (IllegalArgumentException ex) {
        a = null;
      }
      if (a == null) {
        throw new BadDataException(file + ": field '" + e.getName() + "' is missing");
      }
      checkField(e.getName(), a, e, file);
    }
  }

  private static void checkField(String path, Field a, Field e, Path file) {
    if (!a.getType().equals(e.getType())) {
      throw new BadDataException(
          file + ": field '" + path + "' has type " + a.getType() + ", expected " + e.getType());
    }
    boolean struct = e.getType() instanceof ArrowType.Struct;
    for (Field ec : e.getChildren()) {
      Field ac =
          struct
              ? a.getChildren().stream()
                  .filter(x -> x.getName().equals(ec.getName()))
                  .findFirst()
                  .orElse(null)
              : (a.getChildren().isEmpty() ? null : a.getChildren().get(0));
      String p = struct ? path + "." + ec.getName() : path + "[]";
      if (ac == null) {
        throw new BadDataException(file + ": field '" + p + "' is missing");
      }
      checkField(p, ac, ec, file);
    }
  }

  /**
   * Returns the file's metadata.
   *
   * @return version, split, fingerprint, options and tool.
   */
  public InfoFileMetadata metadata() {
    return metadata;
  }

  /**
   * Returns whether the file has annotation columns.
   *
   * @return false for test-version files.
   */
  public boolean annotated() {
    return annotated;
  }

  /**
   * Returns the schema as stored.
   *
   * @return the schema with field and schema metadata.
   */
  public Schema schema() {
    return file.schema();
  }

  /**
   * Returns the number of records.
   *
   * @return the row count.
   */
  public long rowCount() {
    return batchStarts[batchStarts.length - 1];
  }

  /**
   * Reads one record.
   *
   * @param row 0 to {@link #rowCount()} - 1.
   * @return a fresh record (no reference to Arrow memory).
   * @throws IOException on a read error.
   * @throws IndexOutOfBoundsException naming the file and the row count.
   */
  public InfoRecord read(long row) throws IOException {
    int i = locate(row); // loads the batch, so before reading the vectors
    return vectors.read(i);
  }

  /**
   * Returns the UTF-8 length of a record's {@code token} without reading the record.
   *
   * @param row 0 to {@link #rowCount()} - 1.
   * @return bytes.
   * @throws IOException on a read error.
   */
  public int tokenBytes(long row) throws IOException {
    int i = locate(row); // loads the batch, so before reading the vectors
    return vectors.tokenBytes(i);
  }

  /**
   * Returns a record's box count without reading the record.
   *
   * @param row 0 to {@link #rowCount()} - 1.
   * @return the number of annotations; 0 in a file without annotations.
   * @throws IOException on a read error.
   */
  public int annotationCount(long row) throws IOException {
    int i = locate(row); // loads the batch, so before reading the vectors
    return vectors.annotationCount(i);
  }

  /** Loads the batch of {@code row} and returns the row's index in it. */
  private int locate(long row) throws IOException {
    if (row < 0 || row >= rowCount()) {
      throw new IndexOutOfBoundsException(
          file.file() + ": row " + row + " does not exist (" + rowCount() + " rows)");
    }
    int b = Arrays.binarySearch(batchStarts, row);
    // an exact hit is the first row of batch b (empty batches: the last of equal starts);
    // otherwise the row is inside the batch before the insertion point
    if (b >= 0) {
      while (b + 1 < batchStarts.length && batchStarts[b + 1] == row) {
        b++;
      }
    } else {
      b = -b - 2;
    }
    load(b);
    return (int) (row - batchStarts[b]);
  }

  /**
   * Calls {@code sink} with every record in file order.
   *
   * @param sink receives each record.
   * @throws IOException on a read error.
   */
  public void forEach(Consumer<InfoRecord> sink) throws IOException {
    for (int b = 0; b < file.batchCount(); b++) {
      load(b);
      int n = file.root().getRowCount();
      for (int i = 0; i < n; i++) {
        sink.accept(vectors.read(i));
      }
    }
  }

  /**
   * Reads every record into a list (small files and tests).
   *
   * @return the records in file order.
   * @throws IOException on a read error.
   */
  public List<InfoRecord> readAll() throws IOException {
    List<InfoRecord> out = new ArrayList<>();
    forEach(out::add);
    return out;
  }

  private void load(int b) throws IOException {
    if (b != loadedBatch) {
      file.loadBatch(b);
      vectors = new InfoVectors(file.root(), annotated);
      loadedBatch = b;
    }
  }

  /**
   * Releases the loaded batch and closes the file.
   *
   * @throws IOException if the file cannot be closed.
   */
  @Override
  public void close() throws IOException {
    file.close();
  }
}
