package dev.nuload.nuscenes.infos;

import dev.nuload.nuscenes.info.InfoArrowWriter;
import dev.nuload.nuscenes.info.InfoFileMetadata;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.info.InfoSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/** The production {@link InfoFileFormat}: Arrow IPC files written by {@link InfoArrowWriter}. */
public final class ArrowInfoFileFormat implements InfoFileFormat {
  /** Creates the format. */
  public ArrowInfoFileFormat() {}

  @Override
  public String schemaVersion() {
    return InfoSchema.FORMAT_VERSION;
  }

  @Override
  public Sink create(Path target, FileMeta meta) {
    BufferAllocator allocator = new RootAllocator();
    InfoArrowWriter w;
    try {
      w =
          InfoArrowWriter.create(
              target,
              new InfoFileMetadata(
                  meta.version(),
                  meta.split(),
                  meta.sourceFingerprint(),
                  meta.optionsJson(),
                  meta.createdBy()),
              allocator);
    } catch (IOException | RuntimeException e) {
      allocator.close();
      throw e instanceof IOException io ? unchecked(target, io) : (RuntimeException) e;
    }
    return new Sink() {
      @Override
      public void write(InfoRecord record) {
        w.write(record);
      }

      @Override
      public void commit() {
        try {
          w.commit();
        } catch (IOException e) {
          throw unchecked(target, e);
        }
      }

      @Override
      public void close() {
        try {
          w.close();
        } catch (IOException e) {
          throw unchecked(target, e);
        } finally {
          allocator.close();
        }
      }
    };
  }

  private static UncheckedIOException unchecked(Path target, IOException e) {
    return new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
  }
}
