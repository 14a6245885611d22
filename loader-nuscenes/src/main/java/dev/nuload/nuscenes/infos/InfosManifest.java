package dev.nuload.nuscenes.infos;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.nuload.nuscenes.JsonValues;
import dev.nuload.nuscenes.infos.SourceFingerprint.TableStamp;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code nuscenes_infos_manifest.json}: what {@code nuload infos} built, from which tables, with
 * which options. It is written last, after every file it lists is in place, so its presence means a
 * complete build. The format is documented in {@code docs/format/infos-manifest.md}; {@link
 * #FIELDS} lists every field and is pinned against that document by a test.
 *
 * @param manifestVersion {@link #MANIFEST_VERSION}.
 * @param createdBy the tool, for example {@code nuload 0.1.0}.
 * @param createdAt ISO-8601 instant of the build.
 * @param datasetId the short id of dataroot and version (see {@link OutputDirs#datasetId}).
 * @param dataroot the real path of the dataset root.
 * @param version the nuScenes version, for example {@code v1.0-trainval}.
 * @param sourceFingerprint {@link SourceFingerprint#value()} of the tables read.
 * @param tables the per-table stamps the fingerprint was made of.
 * @param options what, besides the tables, determines the output.
 * @param files every file written, infos and index.
 * @param summary counts and time of the build (informational; not compared).
 */
public record InfosManifest(
    int manifestVersion,
    String createdBy,
    String createdAt,
    String datasetId,
    String dataroot,
    String version,
    String sourceFingerprint,
    List<TableStamp> tables,
    BuildOptions options,
    List<OutputFile> files,
    Summary summary) {

  /** File name of the manifest in the output folder. */
  public static final String FILE_NAME = "nuscenes_infos_manifest.json";

  /** Version of this manifest layout. */
  public static final int MANIFEST_VERSION = 1;

  /** Kind of an Arrow info file ({@link OutputFile#kind()}). */
  public static final String KIND_INFOS = "infos";

  /** Kind of the sample token index. */
  public static final String KIND_SAMPLE_INDEX = "sample_index";

  /** Kind of the sample_data token index. */
  public static final String KIND_SAMPLE_DATA_INDEX = "sample_data_index";

  /** Every field of the JSON, as a path ({@code []} marks array elements), in file order. */
  public static final List<String> FIELDS =
      List.of(
          "manifest_version",
          "created_by",
          "created_at",
          "dataset_id",
          "dataroot",
          "version",
          "source_fingerprint",
          "tables[].name",
          "tables[].size",
          "tables[].mtime_ns",
          "tables[].edge_crc32c",
          "options.splits",
          "options.max_sweeps",
          "options.infos_schema_version",
          "options.index_format_version",
          "files[].name",
          "files[].kind",
          "files[].split",
          "files[].size",
          "files[].rows",
          "files[].crc32c",
          "summary.samples",
          "summary.boxes",
          "summary.seconds");

  /**
   * The inputs besides the tables that determine the output; a change means a rebuild.
   *
   * @param splits the requested splits, in order (the defaults when none were named).
   * @param maxSweeps most lidar sweeps per sample.
   * @param infosSchemaVersion the Arrow info schema version of the writer.
   * @param indexFormatVersion {@link NuScenesTokenIndex#FORMAT_VERSION}.
   */
  public record BuildOptions(
      List<String> splits, int maxSweeps, String infosSchemaVersion, int indexFormatVersion) {
    /** Copies the split list. */
    public BuildOptions {
      splits = List.copyOf(splits);
    }
  }

  /**
   * One written file.
   *
   * @param name the file name inside the output folder.
   * @param kind {@link #KIND_INFOS}, {@link #KIND_SAMPLE_INDEX} or {@link #KIND_SAMPLE_DATA_INDEX}.
   * @param split the split of an info file, null for an index.
   * @param size the length in bytes.
   * @param rows records of an info file, entries of an index.
   * @param crc32c CRC32C of an index file, -1 for an info file (not recorded: too large to check on
   *     every run).
   */
  public record OutputFile(
      String name, String kind, String split, long size, long rows, long crc32c) {}

  /**
   * Informational counts of the build.
   *
   * @param samples samples per split, in split order.
   * @param boxes ground-truth boxes over all splits.
   * @param seconds wall time of the build.
   */
  public record Summary(Map<String, Long> samples, long boxes, double seconds) {
    /** Copies the map, keeping its order. */
    public Summary {
      samples = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(samples));
    }
  }

  /** Copies the lists. */
  public InfosManifest {
    tables = List.copyOf(tables);
    files = List.copyOf(files);
  }

  /**
   * Returns the file of a kind (and split, for info files).
   *
   * @param kind the kind.
   * @param split the split, or null.
   * @return the entry, if listed.
   */
  public Optional<OutputFile> file(String kind, String split) {
    return files.stream()
        .filter(f -> f.kind().equals(kind) && java.util.Objects.equals(f.split(), split))
        .findFirst();
  }

  /**
   * Writes the manifest to {@code dir/}{@link #FILE_NAME} through a temporary file and a rename.
   *
   * @param dir the output folder.
   * @return the manifest path.
   */
  public Path write(Path dir) {
    Path target = dir.resolve(FILE_NAME);
    Path temp = dir.resolve(FILE_NAME + ".tmp-" + ProcessHandle.current().pid());
    try {
      try (OutputStream os = Files.newOutputStream(temp);
          JsonGenerator g = new JsonFactory().createGenerator(os)) {
        g.useDefaultPrettyPrinter();
        writeJson(g);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the temporary name is never read
      }
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  private void writeJson(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeNumberField("manifest_version", manifestVersion);
    g.writeStringField("created_by", createdBy);
    g.writeStringField("created_at", createdAt);
    g.writeStringField("dataset_id", datasetId);
    g.writeStringField("dataroot", dataroot);
    g.writeStringField("version", version);
    g.writeStringField("source_fingerprint", sourceFingerprint);
    g.writeArrayFieldStart("tables");
    for (TableStamp t : tables) {
      g.writeStartObject();
      g.writeStringField("name", t.name());
      g.writeNumberField("size", t.size());
      g.writeNumberField("mtime_ns", t.mtimeNanos());
      g.writeStringField("edge_crc32c", hex(t.edgeCrc32c()));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("options");
    g.writeArrayFieldStart("splits");
    for (String s : options.splits()) {
      g.writeString(s);
    }
    g.writeEndArray();
    g.writeNumberField("max_sweeps", options.maxSweeps());
    g.writeStringField("infos_schema_version", options.infosSchemaVersion());
    g.writeNumberField("index_format_version", options.indexFormatVersion());
    g.writeEndObject();
    g.writeArrayFieldStart("files");
    for (OutputFile f : files) {
      g.writeStartObject();
      g.writeStringField("name", f.name());
      g.writeStringField("kind", f.kind());
      if (f.split() == null) {
        g.writeNullField("split");
      } else {
        g.writeStringField("split", f.split());
      }
      g.writeNumberField("size", f.size());
      g.writeNumberField("rows", f.rows());
      if (f.crc32c() < 0) {
        g.writeNullField("crc32c");
      } else {
        g.writeStringField("crc32c", hex(f.crc32c()));
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("summary");
    g.writeObjectFieldStart("samples");
    for (Map.Entry<String, Long> e : summary.samples().entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeNumberField("boxes", summary.boxes());
    g.writeNumberField("seconds", summary.seconds());
    g.writeEndObject();
    g.writeEndObject();
  }

  private static String hex(long crc) {
    return String.format("%08x", crc);
  }

  /**
   * Reads the manifest of an output folder. Anything unreadable (absent, truncated, wrong version,
   * missing field) reads as absent: the caller rebuilds.
   *
   * @param dir the output folder.
   * @return the manifest, or empty with no usable manifest.
   */
  public static Optional<InfosManifest> read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
      Object tree = JsonValues.read(p, p.nextToken());
      return Optional.of(fromTree(asMap(tree)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Parses a manifest from a JSON tree, throwing on any missing or mistyped field.
   *
   * @param m the top-level object.
   * @return the manifest.
   */
  static InfosManifest fromTree(Map<String, Object> m) {
    int mv = (int) num(m, "manifest_version");
    if (mv != MANIFEST_VERSION) {
      throw new IllegalArgumentException("manifest_version " + mv);
    }
    List<TableStamp> tables = new ArrayList<>();
    for (Object o : asList(m.get("tables"))) {
      Map<String, Object> t = asMap(o);
      tables.add(
          new TableStamp(
              str(t, "name"),
              num(t, "size"),
              num(t, "mtime_ns"),
              Long.parseLong(str(t, "edge_crc32c"), 16)));
    }
    Map<String, Object> o = asMap(m.get("options"));
    List<String> splits = asList(o.get("splits")).stream().map(s -> (String) s).toList();
    BuildOptions options =
        new BuildOptions(
            splits,
            (int) num(o, "max_sweeps"),
            str(o, "infos_schema_version"),
            (int) num(o, "index_format_version"));
    List<OutputFile> files = new ArrayList<>();
    for (Object x : asList(m.get("files"))) {
      Map<String, Object> f = asMap(x);
      Object crc = f.get("crc32c");
      files.add(
          new OutputFile(
              str(f, "name"),
              str(f, "kind"),
              (String) f.get("split"),
              num(f, "size"),
              num(f, "rows"),
              crc == null ? -1 : Long.parseLong((String) crc, 16)));
    }
    Map<String, Object> s = asMap(m.get("summary"));
    Map<String, Long> samples = new LinkedHashMap<>();
    asMap(s.get("samples")).forEach((k, v) -> samples.put(k, ((Number) v).longValue()));
    Summary summary =
        new Summary(samples, num(s, "boxes"), ((Number) s.get("seconds")).doubleValue());
    return new InfosManifest(
        mv,
        str(m, "created_by"),
        str(m, "created_at"),
        str(m, "dataset_id"),
        str(m, "dataroot"),
        str(m, "version"),
        str(m, "source_fingerprint"),
        tables,
        options,
        files,
        summary);
  }

  private static String str(Map<String, Object> m, String key) {
    if (!(m.get(key) instanceof String s)) {
      throw new IllegalArgumentException("missing string " + key);
    }
    return s;
  }

  private static long num(Map<String, Object> m, String key) {
    if (!(m.get(key) instanceof Number n)) {
      throw new IllegalArgumentException("missing number " + key);
    }
    return n.longValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    if (!(o instanceof Map)) {
      throw new IllegalArgumentException("expected an object");
    }
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object o) {
    if (!(o instanceof List)) {
      throw new IllegalArgumentException("expected an array");
    }
    return (List<Object>) o;
  }
}
