package dev.nuload.archive;

/** What extraction does with a refused entry. */
public enum BadEntryPolicy {
  /** Stop the archive with an error (exit code 3); the default. */
  FAIL,
  /** Leave the entry out, report it as a warning, and go on. */
  SKIP
}
