package dev.nuload.nuscenes.infos;

import dev.nuload.index.IndexUnusableException;
import dev.nuload.index.TokenMap;
import dev.nuload.index.TokenMapFile;
import dev.nuload.index.TokenMapWriter;
import dev.nuload.index.TokenMaps;
import dev.nuload.nuscenes.infos.InfosManifest.OutputFile;
import dev.nuload.nuscenes.table.NuScenesTable;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The token index next to the Arrow info files (documented in {@code docs/format/token-index.md}):
 *
 * <ul>
 *   <li>{@value #SAMPLE_FILE}: {@code sample.token} to its place in the info files, a {@code long}
 *       holding the split ordinal (position in the manifest's {@code options.splits}) in the high
 *       32 bits and the row in that split's file in the low 32 bits;
 *   <li>{@value #SAMPLE_DATA_FILE}: every {@code sample_data.token} (keyframes and sweeps, all
 *       splits) to its {@code filename}, the path relative to the dataset root.
 * </ul>
 *
 * <p>The index is a cache: {@link #open} checks both files against the manifest and throws {@link
 * IndexUnusableException} for anything unexpected, and {@code nuload infos} then rebuilds.
 */
public final class NuScenesTokenIndex implements AutoCloseable {
  /** File name of the sample map. */
  public static final String SAMPLE_FILE = "nuscenes_token_index_sample.cmap";

  /** File name of the sample_data map. */
  public static final String SAMPLE_DATA_FILE = "nuscenes_token_index_sample_data.cmap";

  /** Layout version of the two maps, recorded in the manifest options. */
  public static final int FORMAT_VERSION = 1;

  /**
   * Where a sample's info record is.
   *
   * @param split the split name.
   * @param row the 0-based row in {@code nuscenes_infos_<split>.arrow}.
   */
  public record SampleLocation(String split, int row) {}

  private final List<String> splits;
  private final TokenMap<Long> samples;
  private final TokenMap<String> sampleData;

  private NuScenesTokenIndex(
      List<String> splits, TokenMap<Long> samples, TokenMap<String> sampleData) {
    this.splits = splits;
    this.samples = samples;
    this.sampleData = sampleData;
  }

  /**
   * Packs a sample location into the sample map's value.
   *
   * @param splitOrdinal the split's position in the manifest's split list.
   * @param row the row in that split's file.
   * @return {@code splitOrdinal << 32 | row}.
   */
  public static long encode(int splitOrdinal, int row) {
    return ((long) splitOrdinal << 32) | (row & 0xffffffffL);
  }

  /**
   * Opens the index of an output folder after checking it against the manifest.
   *
   * @param dir the output folder.
   * @param manifest its manifest.
   * @return the open index.
   * @throws IndexUnusableException when a map is unlisted, missing, changed or has another entry
   *     count than the manifest records.
   */
  public static NuScenesTokenIndex open(Path dir, InfosManifest manifest)
      throws IndexUnusableException {
    TokenMap<Long> s =
        TokenMaps.openLongMap(expected(dir, manifest, InfosManifest.KIND_SAMPLE_INDEX));
    try {
      TokenMap<String> sd =
          TokenMaps.openStringMap(expected(dir, manifest, InfosManifest.KIND_SAMPLE_DATA_INDEX));
      return new NuScenesTokenIndex(manifest.options().splits(), s, sd);
    } catch (IndexUnusableException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * Checks both maps against the manifest (presence, size, CRC32C, opening, entry count) and closes
   * them again.
   *
   * @param dir the output folder.
   * @param manifest its manifest.
   * @throws IndexUnusableException naming the file and the mismatch.
   */
  public static void verify(Path dir, InfosManifest manifest) throws IndexUnusableException {
    open(dir, manifest).close();
  }

  static TokenMapFile expected(Path dir, InfosManifest manifest, String kind)
      throws IndexUnusableException {
    OutputFile f =
        manifest
            .file(kind, null)
            .orElseThrow(() -> new IndexUnusableException("manifest lists no " + kind));
    return new TokenMapFile(dir.resolve(f.name()), f.rows(), f.size(), f.crc32c());
  }

  /**
   * Looks up a sample.
   *
   * @param token {@code sample.token}.
   * @return its split and row, or null when the token is not in the built splits.
   */
  public SampleLocation sample(String token) {
    Long v = samples.get(token);
    if (v == null) {
      return null;
    }
    return new SampleLocation(splits.get((int) (v >>> 32)), (int) (long) v);
  }

  /**
   * Looks up a sample_data file.
   *
   * @param token {@code sample_data.token}.
   * @return the path relative to the dataset root, or null when the token is unknown.
   */
  public String sampleDataPath(String token) {
    return sampleData.get(token);
  }

  /**
   * Returns the entry counts.
   *
   * @return {samples, sample_data}.
   */
  public long[] sizes() {
    return new long[] {samples.size(), sampleData.size()};
  }

  @Override
  public void close() {
    samples.close();
    sampleData.close();
  }

  /**
   * Starts the sample map, sized for the samples of every split to be written.
   *
   * @param file the final file (in a staging folder).
   * @param samples the total sample count.
   * @return the writer; put {@link #encode} values.
   */
  public static TokenMapWriter<Long> sampleWriter(Path file, long samples) {
    return TokenMaps.createLongMap(file, samples, 32);
  }

  /**
   * Writes the sample_data map from the tables: every sample_data record, sized from the table's
   * record count and average file name length.
   *
   * @param tables the loaded tables.
   * @param file the final file (in a staging folder).
   * @return the committed file description.
   */
  public static TokenMapFile writeSampleData(NuScenesTables tables, Path file) {
    int n = tables.count(NuScenesTable.SAMPLE_DATA);
    long tokenChars = 0;
    long pathBytes = 0;
    for (int r = 0; r < n; r++) {
      tokenChars += tables.token(NuScenesTable.SAMPLE_DATA, r).length();
      pathBytes += tables.sampleDataFilename(r).getBytes(StandardCharsets.UTF_8).length;
    }
    double avgToken = n == 0 ? 32 : (double) tokenChars / n;
    double avgPath = n == 0 ? 64 : (double) pathBytes / n;
    try (TokenMapWriter<String> w = TokenMaps.createStringMap(file, n, avgToken, avgPath)) {
      for (int r = 0; r < n; r++) {
        w.put(tables.token(NuScenesTable.SAMPLE_DATA, r), tables.sampleDataFilename(r));
      }
      return w.commit();
    }
  }
}
