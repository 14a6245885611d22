package dev.nuload.index;

/**
 * Fills a new token map. Entries go to a temporary file next to the target; {@link #commit()}
 * closes it and renames it to the target name, so readers never see a half-written map. Closing
 * without committing deletes the temporary file. Not thread-safe.
 *
 * @param <V> {@link Long} or {@link String}.
 */
public interface TokenMapWriter<V> extends AutoCloseable {
  /**
   * Adds an entry.
   *
   * @param token the key; must not already be present.
   * @param value the value.
   * @throws IllegalArgumentException when the token is already present (the index would silently
   *     lose an entry otherwise).
   */
  void put(String token, V value);

  /**
   * Returns how many entries were put so far.
   *
   * @return the entry count.
   */
  long size();

  /**
   * Closes the map and moves it to its target name, replacing an older file.
   *
   * @return what a later {@link TokenMaps} open must find: size, CRC32C and entry count.
   */
  TokenMapFile commit();

  /** Discards the temporary file unless {@link #commit()} ran. */
  @Override
  void close();
}
