/**
 * Persisted token lookups: string tokens mapped to a {@code long} or a string, stored in
 * memory-mapped files that several processes can open at once.
 *
 * <p>{@link dev.nuload.index.TokenMaps} is the only entry point. It writes a map to a temporary
 * name and renames it into place on {@link dev.nuload.index.TokenMapWriter#commit()}, and it opens
 * a map only after checking it against what the writer recorded (size, CRC32C, entry count): an
 * index is a cache, and a file that fails a check raises {@link
 * dev.nuload.index.IndexUnusableException} so the caller rebuilds it. The store is Chronicle Map;
 * no Chronicle type appears in this package's API, and Chronicle's usage analytics are switched off
 * before any Chronicle class initialises.
 */
package dev.nuload.index;
