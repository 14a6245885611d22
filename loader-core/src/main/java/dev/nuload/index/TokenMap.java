package dev.nuload.index;

import java.nio.file.Path;

/**
 * A persisted, read-mostly map from a token (an ASCII string, for nuScenes a 32-hex-digit token) to
 * a value. Lookups are safe from several threads. Open one with {@link TokenMaps}.
 *
 * @param <V> {@link Long} or {@link String}.
 */
public interface TokenMap<V> extends AutoCloseable {
  /**
   * Looks up a token.
   *
   * @param token the key.
   * @return the value, or null when the token is absent.
   */
  V get(String token);

  /**
   * Returns the entry count.
   *
   * @return how many tokens the map holds.
   */
  long size();

  /**
   * Returns the file backing this map.
   *
   * @return the path the map was opened from.
   */
  Path file();

  /** Unmaps the file. Lookups after close fail. */
  @Override
  void close();
}
