package dev.nuload.archive;

import dev.nuload.NuloadException;
import java.nio.file.Path;

/**
 * What extracting one archive did.
 *
 * @param archive the archive.
 * @param status the outcome.
 * @param method how it was read (format, parallelism), for the summary.
 * @param filesWritten files published by this run.
 * @param filesSkipped files already present from an earlier run (journal or same size).
 * @param entriesRefused entries left out under {@link BadEntryPolicy#SKIP}.
 * @param bytesWritten file bytes published by this run.
 * @param compressedBytes archive bytes read.
 * @param seconds wall time.
 * @param error the error when {@code status} is FAILED, else null.
 */
public record ArchiveResult(
    Path archive,
    Status status,
    String method,
    long filesWritten,
    long filesSkipped,
    long entriesRefused,
    long bytesWritten,
    long compressedBytes,
    double seconds,
    NuloadException error) {

  /** Outcome of one archive. */
  public enum Status {
    /** Every selected entry is now in the target; the journal says COMPLETE. */
    EXTRACTED,
    /** An earlier run completed it and its files are still there; nothing was read. */
    UP_TO_DATE,
    /** Stopped by an error; the journal keeps what was finished, a rerun resumes. */
    FAILED
  }
}
