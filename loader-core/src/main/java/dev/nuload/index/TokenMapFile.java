package dev.nuload.index;

import java.nio.file.Path;

/**
 * What a committed token map file looked like when it was written; a reader passes it back to
 * {@link TokenMaps} to refuse a file that changed since.
 *
 * @param file the map file.
 * @param entries the entry count.
 * @param sizeBytes the file length in bytes.
 * @param crc32c the CRC32C of the whole file (lookups do not modify the file).
 */
public record TokenMapFile(Path file, long entries, long sizeBytes, long crc32c) {}
