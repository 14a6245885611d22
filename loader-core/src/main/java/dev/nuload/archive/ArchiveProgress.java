package dev.nuload.archive;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of one archive's extraction, updated by the extraction threads and read by a
 * progress display at any time.
 */
public final class ArchiveProgress {
  private final Path archive;
  private final long compressedSize;
  final AtomicLong compressedRead = new AtomicLong();
  final AtomicLong bytesWritten = new AtomicLong();
  final AtomicLong filesWritten = new AtomicLong();
  private volatile boolean finished;

  ArchiveProgress(Path archive, long compressedSize) {
    this.archive = archive;
    this.compressedSize = compressedSize;
  }

  /**
   * Returns the archive.
   *
   * @return its path.
   */
  public Path archive() {
    return archive;
  }

  /**
   * Returns the archive's size.
   *
   * @return bytes.
   */
  public long compressedSize() {
    return compressedSize;
  }

  /**
   * Returns the compressed bytes read so far.
   *
   * @return bytes.
   */
  public long compressedRead() {
    return compressedRead.get();
  }

  /**
   * Returns the file bytes written so far.
   *
   * @return bytes.
   */
  public long bytesWritten() {
    return bytesWritten.get();
  }

  /**
   * Returns the files written so far.
   *
   * @return count.
   */
  public long filesWritten() {
    return filesWritten.get();
  }

  /**
   * Returns whether the archive is done (extracted, up to date or failed).
   *
   * @return true when done.
   */
  public boolean finished() {
    return finished;
  }

  void finish() {
    finished = true;
  }
}
