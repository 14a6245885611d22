package dev.nuload.nuscenes.table;

import dev.nuload.BadDataException;
import dev.nuload.NuloadException;
import dev.nuload.ResourceException;
import dev.nuload.nuscenes.table.Columns.BoolColumn;
import dev.nuload.nuscenes.table.Columns.Column;
import dev.nuload.nuscenes.table.Columns.IntColumn;
import dev.nuload.nuscenes.table.Columns.LongColumn;
import dev.nuload.nuscenes.table.Columns.RefColumn;
import dev.nuload.nuscenes.table.Columns.RefListColumn;
import dev.nuload.nuscenes.table.Columns.StringColumn;
import dev.nuload.nuscenes.table.Columns.TextColumn;
import dev.nuload.nuscenes.table.Columns.VectorColumn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The 13 nuScenes tables of one version folder in a compact, read-only, columnar form, plus the
 * indexes the devkit derives at load time (spec 1.6).
 *
 * <p>Records are addressed by <b>row</b>: the 0-based position of the record in its JSON file.
 * Foreign keys are resolved to rows of the referenced table; an empty token ({@code ""}), a
 * dangling token or a reference into an absent table reads as {@code -1}. Numeric fields are held
 * in primitive arrays, repeated strings are interned, tokens and file names are stored as bytes.
 * Float timestamps (Lyft) are rounded to the nearest microsecond.
 *
 * <p>Two ways to load: {@link #load(Path)} is strict and throws {@link BadDataException} naming the
 * table, field and token at the first error (for the info builder); {@link #load(Path,
 * ProblemSink)} is tolerant and reports every problem to a sink (for {@code nuload validate}).
 * Tables are parsed in parallel on a small pool. The instance is immutable and safe to share
 * between threads.
 */
public final class NuScenesTables {
  /** Converter channels whose keyframe every sample must have (spec 2.4, 2.5). */
  public static final List<String> CAMERA_CHANNELS =
      List.of(
          "CAM_FRONT",
          "CAM_FRONT_RIGHT",
          "CAM_FRONT_LEFT",
          "CAM_BACK",
          "CAM_BACK_LEFT",
          "CAM_BACK_RIGHT");

  private static final Set<String> WARN_DANGLING = Set.of("scene.log_token", "map.log_tokens");
  private static final Set<String> NON_EMPTY =
      Set.of(
          "sample_data.sample_token",
          "sample_data.ego_pose_token",
          "sample_data.calibrated_sensor_token",
          "sample.scene_token",
          "sample_annotation.sample_token",
          "sample_annotation.instance_token",
          "instance.category_token",
          "calibrated_sensor.sensor_token");

  private final Path dir;
  private final Map<NuScenesTable, ParsedTable> tables;

  private final StringColumn attrName;
  private final RefColumn csSensor;
  private final VectorColumn csTranslation;
  private final VectorColumn csRotation;
  private final VectorColumn csIntrinsic;
  private final StringColumn catName;
  private final IntColumn catIndex;
  private final VectorColumn epTranslation;
  private final VectorColumn epRotation;
  private final LongColumn epTimestamp;
  private final RefColumn instCategory;
  private final IntColumn instNbr;
  private final RefColumn instFirst;
  private final RefColumn instLast;
  private final StringColumn logFile;
  private final StringColumn logLocation;
  private final RefListColumn mapLogs;
  private final StringColumn mapFilename;
  private final LongColumn sampleTimestamp;
  private final RefColumn sampleScene;
  private final RefColumn samplePrev;
  private final RefColumn sampleNext;
  private final RefColumn annSample;
  private final RefColumn annInstance;
  private final RefListColumn annAttributes;
  private final RefColumn annVisibility;
  private final VectorColumn annTranslation;
  private final VectorColumn annSize;
  private final VectorColumn annRotation;
  private final IntColumn annLidarPts;
  private final IntColumn annRadarPts;
  private final RefColumn annNext;
  private final RefColumn annPrev;
  private final RefColumn sdSample;
  private final RefColumn sdEgoPose;
  private final RefColumn sdCalibratedSensor;
  private final TextColumn sdFilename;
  private final StringColumn sdFileformat;
  private final IntColumn sdWidth;
  private final IntColumn sdHeight;
  private final LongColumn sdTimestamp;
  private final BoolColumn sdKeyFrame;
  private final RefColumn sdNext;
  private final RefColumn sdPrev;
  private final StringColumn sceneName;
  private final StringColumn sceneDescription;
  private final RefColumn sceneLog;
  private final IntColumn sceneNbrSamples;
  private final RefColumn sceneFirst;
  private final RefColumn sceneLast;
  private final StringColumn sensorChannel;
  private final StringColumn sensorModality;
  private final StringColumn visLevel;

  // derived (spec 1.6)
  private final int sensorCount;
  private final int[] sampleKeyData; // sample * sensorCount + sensor -> sample_data row
  private final int[] sampleAnnStart;
  private final int[] sampleAnnRows;
  private final int[] logMap;

  private NuScenesTables(Path dir, Map<NuScenesTable, ParsedTable> tables) {
    this.dir = dir;
    this.tables = tables;
    ParsedTable t = tables.get(NuScenesTable.ATTRIBUTE);
    attrName = t.column("name");
    t = tables.get(NuScenesTable.CALIBRATED_SENSOR);
    csSensor = t.column("sensor_token");
    csTranslation = t.column("translation");
    csRotation = t.column("rotation");
    csIntrinsic = t.column("camera_intrinsic");
    t = tables.get(NuScenesTable.CATEGORY);
    catName = t.column("name");
    catIndex = t.column("index");
    t = tables.get(NuScenesTable.EGO_POSE);
    epTranslation = t.column("translation");
    epRotation = t.column("rotation");
    epTimestamp = t.column("timestamp");
    t = tables.get(NuScenesTable.INSTANCE);
    instCategory = t.column("category_token");
    instNbr = t.column("nbr_annotations");
    instFirst = t.column("first_annotation_token");
    instLast = t.column("last_annotation_token");
    t = tables.get(NuScenesTable.LOG);
    logFile = t.column("logfile");
    logLocation = t.column("location");
    t = tables.get(NuScenesTable.MAP);
    mapLogs = t.column("log_tokens");
    mapFilename = t.column("filename");
    t = tables.get(NuScenesTable.SAMPLE);
    sampleTimestamp = t.column("timestamp");
    sampleScene = t.column("scene_token");
    samplePrev = t.column("prev");
    sampleNext = t.column("next");
    t = tables.get(NuScenesTable.SAMPLE_ANNOTATION);
    annSample = t.column("sample_token");
    annInstance = t.column("instance_token");
    annAttributes = t.column("attribute_tokens");
    annVisibility = t.column("visibility_token");
    annTranslation = t.column("translation");
    annSize = t.column("size");
    annRotation = t.column("rotation");
    annLidarPts = t.column("num_lidar_pts");
    annRadarPts = t.column("num_radar_pts");
    annNext = t.column("next");
    annPrev = t.column("prev");
    t = tables.get(NuScenesTable.SAMPLE_DATA);
    sdSample = t.column("sample_token");
    sdEgoPose = t.column("ego_pose_token");
    sdCalibratedSensor = t.column("calibrated_sensor_token");
    sdFilename = t.column("filename");
    sdFileformat = t.column("fileformat");
    sdWidth = t.column("width");
    sdHeight = t.column("height");
    sdTimestamp = t.column("timestamp");
    sdKeyFrame = t.column("is_key_frame");
    sdNext = t.column("next");
    sdPrev = t.column("prev");
    t = tables.get(NuScenesTable.SCENE);
    sceneName = t.column("name");
    sceneDescription = t.column("description");
    sceneLog = t.column("log_token");
    sceneNbrSamples = t.column("nbr_samples");
    sceneFirst = t.column("first_sample_token");
    sceneLast = t.column("last_sample_token");
    t = tables.get(NuScenesTable.SENSOR);
    sensorChannel = t.column("channel");
    sensorModality = t.column("modality");
    visLevel = tables.get(NuScenesTable.VISIBILITY).column("level");

    sensorCount = count(NuScenesTable.SENSOR);
    int samples = count(NuScenesTable.SAMPLE);
    sampleKeyData = new int[Math.multiplyExact(samples, Math.max(1, sensorCount))];
    Arrays.fill(sampleKeyData, -1);
    int sds = count(NuScenesTable.SAMPLE_DATA);
    for (int r = 0; r < sds; r++) {
      if (sdKeyFrame.values[r]) {
        int s = sdSample.rows[r];
        int sensor = sampleDataSensor(r);
        if (s >= 0 && sensor >= 0) {
          sampleKeyData[s * sensorCount + sensor] = r; // a later keyframe overwrites (devkit)
        }
      }
    }
    int anns = count(NuScenesTable.SAMPLE_ANNOTATION);
    sampleAnnStart = new int[samples + 1];
    for (int r = 0; r < anns; r++) {
      int s = annSample.rows[r];
      if (s >= 0) {
        sampleAnnStart[s + 1]++;
      }
    }
    for (int s = 0; s < samples; s++) {
      sampleAnnStart[s + 1] += sampleAnnStart[s];
    }
    sampleAnnRows = new int[sampleAnnStart[samples]];
    int[] fill = Arrays.copyOf(sampleAnnStart, samples);
    for (int r = 0; r < anns; r++) {
      int s = annSample.rows[r];
      if (s >= 0) {
        sampleAnnRows[fill[s]++] = r; // file order within each sample
      }
    }
    logMap = new int[count(NuScenesTable.LOG)];
    Arrays.fill(logMap, -1);
    for (int m = 0; m < count(NuScenesTable.MAP); m++) {
      for (int i = mapLogs.starts[m]; i < mapLogs.starts[m + 1]; i++) {
        int l = mapLogs.rows[i];
        if (l >= 0) {
          logMap[l] = m;
        }
      }
    }
  }

  /**
   * Loads all tables strictly: the first error (missing table, malformed JSON, wrong type, missing
   * field the converters read, duplicate token, dangling reference) throws.
   *
   * @param versionDir the folder holding the JSON tables, for example {@code root/v1.0-trainval}.
   * @return the tables.
   * @throws BadDataException naming table, field, token and file.
   */
  public static NuScenesTables load(Path versionDir) {
    return load(versionDir, ProblemSink.strict());
  }

  /**
   * Loads all tables, reporting every problem to a sink instead of stopping. A table that is
   * missing or malformed reads as empty ({@link #has} is false).
   *
   * @param versionDir the folder holding the JSON tables.
   * @param sink receives problems from several threads; it may throw to abort.
   * @return the tables.
   */
  public static NuScenesTables load(Path versionDir, ProblemSink sink) {
    int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    Map<NuScenesTable, ParsedTable> tables = new EnumMap<>(NuScenesTable.class);
    List<NuScenesTable> order = new ArrayList<>(List.of(NuScenesTable.values()));
    order.sort(Comparator.comparingLong(t -> -versionDir.resolve(t.fileName()).toFile().length()));
    try (ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads())) {
      Map<NuScenesTable, Future<ParsedTable>> futures = new EnumMap<>(NuScenesTable.class);
      for (NuScenesTable t : order) {
        futures.put(
            t, pool.submit(() -> TableParser.parse(t, versionDir.resolve(t.fileName()), sink)));
      }
      for (NuScenesTable t : NuScenesTable.values()) {
        tables.put(t, await(futures.get(t)));
      }
      List<Future<?>> resolutions = new ArrayList<>();
      for (ParsedTable table : tables.values()) {
        for (Column c : table.columns.values()) {
          if (c instanceof RefColumn || c instanceof RefListColumn) {
            resolutions.add(pool.submit(() -> resolve(table, c, tables, sink)));
          }
        }
      }
      for (Future<?> f : resolutions) {
        await(f);
      }
    }
    return new NuScenesTables(versionDir, tables);
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return r -> {
      Thread th = new Thread(r, "nuload-tables");
      th.setDaemon(true);
      return th;
    };
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading tables", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NuloadException ne) {
        throw ne;
      }
      if (e.getCause() instanceof OutOfMemoryError oom) {
        throw new ResourceException(
            "not enough heap to load the tables (max "
                + Runtime.getRuntime().maxMemory() / (1 << 20)
                + " MiB); raise -Xmx, e.g. NULOAD_JAVA_OPTS=-Xmx4g",
            oom);
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("loading tables failed: " + e.getCause(), e.getCause());
    }
  }

  private static Void resolve(
      ParsedTable table, Column c, Map<NuScenesTable, ParsedTable> tables, ProblemSink sink) {
    String path = table.table.tableName() + "." + c.name;
    Severity dangling = WARN_DANGLING.contains(path) ? Severity.WARN : Severity.ERROR;
    boolean nonEmpty = NON_EMPTY.contains(path) && c.missing == 0;
    ByteStrings raw;
    ParsedTable target;
    int[] rows;
    if (c instanceof RefColumn rc) {
      raw = rc.raw;
      target = tables.get(rc.target);
    } else {
      RefListColumn lc = (RefListColumn) c;
      raw = lc.raw;
      target = tables.get(lc.target);
    }
    int n = raw.size();
    rows = new int[n];
    int listOwner = -1;
    int listDangling = 0;
    String listFirst = null;
    byte[] data = raw.data();
    for (int i = 0; i < n; i++) {
      int len = raw.length(i);
      if (len == 0) {
        rows[i] = -1;
        if (nonEmpty) {
          int row = c instanceof RefListColumn ? -1 : i;
          sink.report(
              new Problem(
                  Severity.ERROR,
                  table.table.tableName(),
                  c.name,
                  row < 0 ? "" : table.tokens.get(row),
                  "empty reference; a " + target.table.tableName() + " token is required"));
        }
        continue;
      }
      int r = target.tokens.find(data, raw.start(i), len);
      rows[i] = r;
      if (r < 0 && target.present) {
        if (c instanceof RefListColumn lc) {
          int owner = ownerRow(table, lc, i);
          if (owner != listOwner) {
            flushList(table, lc, listOwner, listDangling, listFirst, dangling, sink);
            listOwner = owner;
            listDangling = 0;
            listFirst = raw.get(i);
          }
          listDangling++;
        } else {
          sink.report(
              new Problem(
                  dangling,
                  table.table.tableName(),
                  c.name,
                  table.tokens.get(i),
                  "dangling reference: "
                      + target.table.tableName()
                      + " token "
                      + raw.get(i)
                      + " is not in "
                      + target.table.fileName()));
        }
      }
    }
    if (c instanceof RefListColumn lc) {
      flushList(table, lc, listOwner, listDangling, listFirst, dangling, sink);
    }
    if (c instanceof RefColumn rc) {
      boolean[] nonEmptyRows = new boolean[n];
      for (int i = 0; i < n; i++) {
        nonEmptyRows[i] = raw.length(i) > 0;
      }
      rc.nonEmpty = nonEmptyRows;
      rc.rows = rows;
      rc.raw = null;
    } else {
      RefListColumn lc = (RefListColumn) c;
      lc.rows = rows;
      lc.raw = null;
      lc.starts = Arrays.copyOf(lc.starts, table.rows + 1);
    }
    return null;
  }

  private static int ownerRow(ParsedTable table, RefListColumn lc, int i) {
    int lo = 0;
    int hi = table.rows - 1;
    while (lo < hi) { // last row whose list starts at or before i
      int mid = (lo + hi + 1) >>> 1;
      if (lc.starts[mid] <= i) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Reports the dangling entries of one list as a single problem. */
  private static void flushList(
      ParsedTable table,
      RefListColumn lc,
      int owner,
      int count,
      String first,
      Severity severity,
      ProblemSink sink) {
    if (owner < 0 || count == 0) {
      return;
    }
    int total = lc.starts[owner + 1] - lc.starts[owner];
    sink.report(
        new Problem(
            severity,
            table.table.tableName(),
            lc.name,
            table.tokens.get(owner),
            "dangling reference: "
                + count
                + " of "
                + total
                + " "
                + lc.target.tableName()
                + " tokens are not in "
                + lc.target.fileName()
                + " (first: "
                + first
                + ")"));
  }

  // ---------------------------------------------------------------- generic

  /**
   * Returns the version folder the tables were read from.
   *
   * @return the folder given to {@code load}.
   */
  public Path dir() {
    return dir;
  }

  /**
   * Returns whether a table file was present and parseable.
   *
   * @param table the table.
   * @return false when it was missing or malformed (it then has no rows).
   */
  public boolean has(NuScenesTable table) {
    return tables.get(table).present;
  }

  /**
   * Returns the number of records of a table.
   *
   * @param table the table.
   * @return rows in file order; 0 for an absent table.
   */
  public int count(NuScenesTable table) {
    return tables.get(table).rows;
  }

  /**
   * Returns the token of a record.
   *
   * @param table the table.
   * @param row the record.
   * @return its token.
   */
  public String token(NuScenesTable table, int row) {
    return tables.get(table).tokens.get(row);
  }

  /**
   * Finds a record by token.
   *
   * @param table the table.
   * @param token the token.
   * @return its row, or -1.
   */
  public int row(NuScenesTable table, String token) {
    return tables.get(table).tokens.find(token);
  }

  /**
   * Returns how many records of a table lacked a field (it was filled with a default).
   *
   * @param table the table.
   * @param field the field name.
   * @return 0 when every record has it or the field is unknown.
   */
  public int missingFieldCount(NuScenesTable table, String field) {
    Column c = tables.get(table).columns.get(field);
    return c == null ? 0 : c.missing;
  }

  // ---------------------------------------------------------------- attribute, category,
  // visibility

  /**
   * Returns {@code attribute.name}.
   *
   * @param row attribute row.
   * @return the name, for example {@code vehicle.moving}.
   */
  public String attributeName(int row) {
    return attrName.get(row);
  }

  /**
   * Returns {@code category.name}.
   *
   * @param row category row.
   * @return for example {@code vehicle.car}.
   */
  public String categoryName(int row) {
    return catName.get(row);
  }

  /**
   * Returns the optional {@code category.index} (lidarseg label index).
   *
   * @param row category row.
   * @return the index, or -1 when the field is absent.
   */
  public int categoryIndex(int row) {
    return catIndex.values[row];
  }

  /**
   * Returns {@code visibility.level}.
   *
   * @param row visibility row.
   * @return for example {@code v80-100}.
   */
  public String visibilityLevel(int row) {
    return visLevel.get(row);
  }

  // ---------------------------------------------------------------- sensor, calibrated_sensor

  /**
   * Finds a sensor by channel.
   *
   * @param channel for example {@code CAM_FRONT}.
   * @return the sensor row, or -1.
   */
  public int sensorOfChannel(String channel) {
    for (int r = 0; r < sensorCount; r++) {
      if (sensorChannel.get(r).equals(channel)) {
        return r;
      }
    }
    return -1;
  }

  /**
   * Returns {@code sensor.channel}.
   *
   * @param row sensor row.
   * @return for example {@code LIDAR_TOP}.
   */
  public String sensorChannel(int row) {
    return sensorChannel.get(row);
  }

  /**
   * Returns {@code sensor.modality}.
   *
   * @param row sensor row.
   * @return camera, lidar or radar.
   */
  public String sensorModality(int row) {
    return sensorModality.get(row);
  }

  /**
   * Returns {@code calibrated_sensor.sensor_token} as a row.
   *
   * @param row calibrated_sensor row.
   * @return the sensor row, or -1.
   */
  public int calibratedSensorSensor(int row) {
    return csSensor.rows[row];
  }

  /**
   * Returns one component of {@code calibrated_sensor.translation} (sensor origin in ego frame).
   *
   * @param row calibrated_sensor row.
   * @param axis 0, 1 or 2.
   * @return metres.
   */
  public double calibratedSensorTranslation(int row, int axis) {
    return csTranslation.values[row * 3 + axis];
  }

  /**
   * Returns one component of {@code calibrated_sensor.rotation} (w, x, y, z; sensor to ego).
   *
   * @param row calibrated_sensor row.
   * @param i 0 (w) to 3 (z).
   * @return the quaternion component.
   */
  public double calibratedSensorRotation(int row, int i) {
    return csRotation.values[row * 4 + i];
  }

  /**
   * Returns whether {@code calibrated_sensor.camera_intrinsic} is a 3x3 matrix (not {@code []}).
   *
   * @param row calibrated_sensor row.
   * @return true for cameras.
   */
  public boolean hasCameraIntrinsic(int row) {
    return csIntrinsic.present[row];
  }

  /**
   * Returns one element of {@code calibrated_sensor.camera_intrinsic}.
   *
   * @param row calibrated_sensor row.
   * @param i row-major index 0..8.
   * @return the element (0 when the matrix is {@code []}).
   */
  public double cameraIntrinsic(int row, int i) {
    return csIntrinsic.values[row * 9 + i];
  }

  // ---------------------------------------------------------------- ego_pose

  /**
   * Returns {@code ego_pose.timestamp}.
   *
   * @param row ego_pose row.
   * @return µs.
   */
  public long egoPoseTimestamp(int row) {
    return epTimestamp.values[row];
  }

  /**
   * Returns one component of {@code ego_pose.translation} (ego origin in the global frame).
   *
   * @param row ego_pose row.
   * @param axis 0, 1 or 2.
   * @return metres.
   */
  public double egoPoseTranslation(int row, int axis) {
    return epTranslation.values[row * 3 + axis];
  }

  /**
   * Returns one component of {@code ego_pose.rotation} (w, x, y, z; ego to global).
   *
   * @param row ego_pose row.
   * @param i 0 (w) to 3 (z).
   * @return the quaternion component.
   */
  public double egoPoseRotation(int row, int i) {
    return epRotation.values[row * 4 + i];
  }

  // ---------------------------------------------------------------- instance

  /**
   * Returns {@code instance.category_token} as a row.
   *
   * @param row instance row.
   * @return the category row, or -1.
   */
  public int instanceCategory(int row) {
    return instCategory.rows[row];
  }

  /**
   * Returns {@code instance.nbr_annotations}.
   *
   * @param row instance row.
   * @return the stored count.
   */
  public int instanceNbrAnnotations(int row) {
    return instNbr.values[row];
  }

  /**
   * Returns {@code instance.first_annotation_token} as a row.
   *
   * @param row instance row.
   * @return the sample_annotation row, or -1.
   */
  public int instanceFirstAnnotation(int row) {
    return instFirst.rows[row];
  }

  /**
   * Returns {@code instance.last_annotation_token} as a row.
   *
   * @param row instance row.
   * @return the sample_annotation row, or -1.
   */
  public int instanceLastAnnotation(int row) {
    return instLast.rows[row];
  }

  // ---------------------------------------------------------------- log, map

  /**
   * Returns {@code log.logfile}.
   *
   * @param row log row.
   * @return the log file name (empty for Lyft).
   */
  public String logLogfile(int row) {
    return logFile.get(row);
  }

  /**
   * Returns {@code log.location}.
   *
   * @param row log row.
   * @return for example {@code boston-seaport}.
   */
  public String logLocation(int row) {
    return logLocation.get(row);
  }

  /**
   * Returns the derived {@code log.map_token} as a map row (spec 1.6 item 6).
   *
   * @param row log row.
   * @return the map row listing this log, or -1.
   */
  public int logMap(int row) {
    return logMap[row];
  }

  /**
   * Returns {@code map.filename}.
   *
   * @param row map row.
   * @return a path relative to the dataset root.
   */
  public String mapFilename(int row) {
    return mapFilename.get(row);
  }

  /**
   * Returns how many tokens {@code map.log_tokens} lists.
   *
   * @param row map row.
   * @return the list length.
   */
  public int mapLogCount(int row) {
    return mapLogs.starts[row + 1] - mapLogs.starts[row];
  }

  /**
   * Returns one entry of {@code map.log_tokens} as a row.
   *
   * @param row map row.
   * @param i index in the list.
   * @return the log row, or -1 when dangling.
   */
  public int mapLog(int row, int i) {
    return mapLogs.rows[mapLogs.starts[row] + i];
  }

  // ---------------------------------------------------------------- scene

  /**
   * Returns {@code scene.name}.
   *
   * @param row scene row.
   * @return for example {@code scene-0523}.
   */
  public String sceneName(int row) {
    return sceneName.get(row);
  }

  /**
   * Returns {@code scene.description}.
   *
   * @param row scene row.
   * @return free text.
   */
  public String sceneDescription(int row) {
    return sceneDescription.get(row);
  }

  /**
   * Returns {@code scene.log_token} as a row.
   *
   * @param row scene row.
   * @return the log row, or -1.
   */
  public int sceneLog(int row) {
    return sceneLog.rows[row];
  }

  /**
   * Returns {@code scene.nbr_samples}.
   *
   * @param row scene row.
   * @return the stored count.
   */
  public int sceneNbrSamples(int row) {
    return sceneNbrSamples.values[row];
  }

  /**
   * Returns {@code scene.first_sample_token} as a row.
   *
   * @param row scene row.
   * @return the sample row, or -1.
   */
  public int sceneFirstSample(int row) {
    return sceneFirst.rows[row];
  }

  /**
   * Returns {@code scene.last_sample_token} as a row.
   *
   * @param row scene row.
   * @return the sample row, or -1.
   */
  public int sceneLastSample(int row) {
    return sceneLast.rows[row];
  }

  // ---------------------------------------------------------------- sample

  /**
   * Finds a sample by token.
   *
   * @param token the sample token.
   * @return the row, or -1.
   */
  public int sample(String token) {
    return row(NuScenesTable.SAMPLE, token);
  }

  /**
   * Returns {@code sample.timestamp}.
   *
   * @param row sample row.
   * @return µs.
   */
  public long sampleTimestamp(int row) {
    return sampleTimestamp.values[row];
  }

  /**
   * Returns {@code sample.scene_token} as a row.
   *
   * @param row sample row.
   * @return the scene row, or -1.
   */
  public int sampleScene(int row) {
    return sampleScene.rows[row];
  }

  /**
   * Returns {@code sample.prev} as a row.
   *
   * @param row sample row.
   * @return the previous sample row, or -1 at the scene start.
   */
  public int samplePrev(int row) {
    return samplePrev.rows[row];
  }

  /**
   * Returns {@code sample.next} as a row.
   *
   * @param row sample row.
   * @return the next sample row, or -1 at the scene end.
   */
  public int sampleNext(int row) {
    return sampleNext.rows[row];
  }

  /**
   * Returns the derived {@code sample.data[channel]}: the keyframe sample_data of a sensor (the
   * last keyframe in {@code sample_data.json} order, as the devkit does).
   *
   * @param row sample row.
   * @param sensor sensor row (see {@link #sensorOfChannel}).
   * @return the sample_data row, or -1.
   */
  public int sampleKeyframe(int row, int sensor) {
    return sensor < 0 || sensor >= sensorCount ? -1 : sampleKeyData[row * sensorCount + sensor];
  }

  /**
   * Returns the derived {@code sample.data[channel]} looked up by channel name.
   *
   * @param row sample row.
   * @param channel for example {@code LIDAR_TOP}.
   * @return the sample_data row, or -1.
   */
  public int sampleKeyframe(int row, String channel) {
    return sampleKeyframe(row, sensorOfChannel(channel));
  }

  /**
   * Returns the length of the derived {@code sample.anns}.
   *
   * @param row sample row.
   * @return the number of annotations of the sample.
   */
  public int sampleAnnotationCount(int row) {
    return sampleAnnStart[row + 1] - sampleAnnStart[row];
  }

  /**
   * Returns one entry of the derived {@code sample.anns} (sample_annotation.json order).
   *
   * @param row sample row.
   * @param i index, 0 to {@link #sampleAnnotationCount} - 1.
   * @return the sample_annotation row.
   */
  public int sampleAnnotation(int row, int i) {
    return sampleAnnRows[sampleAnnStart[row] + i];
  }

  // ---------------------------------------------------------------- sample_data

  /**
   * Finds a sample_data by token.
   *
   * @param token the sample_data token.
   * @return the row, or -1.
   */
  public int sampleData(String token) {
    return row(NuScenesTable.SAMPLE_DATA, token);
  }

  /**
   * Returns {@code sample_data.sample_token} as a row.
   *
   * @param row sample_data row.
   * @return the sample row, or -1.
   */
  public int sampleDataSample(int row) {
    return sdSample.rows[row];
  }

  /**
   * Returns {@code sample_data.ego_pose_token} as a row.
   *
   * @param row sample_data row.
   * @return the ego_pose row, or -1.
   */
  public int sampleDataEgoPose(int row) {
    return sdEgoPose.rows[row];
  }

  /**
   * Returns {@code sample_data.calibrated_sensor_token} as a row.
   *
   * @param row sample_data row.
   * @return the calibrated_sensor row, or -1.
   */
  public int sampleDataCalibratedSensor(int row) {
    return sdCalibratedSensor.rows[row];
  }

  /**
   * Returns the derived sensor of a sample_data (via calibrated_sensor).
   *
   * @param row sample_data row.
   * @return the sensor row, or -1.
   */
  public int sampleDataSensor(int row) {
    int cs = sdCalibratedSensor.rows[row];
    return cs < 0 ? -1 : csSensor.rows[cs];
  }

  /**
   * Returns the derived {@code sample_data.channel}.
   *
   * @param row sample_data row.
   * @return the channel, or empty when the sensor is unknown.
   */
  public String sampleDataChannel(int row) {
    int s = sampleDataSensor(row);
    return s < 0 ? "" : sensorChannel.get(s);
  }

  /**
   * Returns the derived {@code sample_data.sensor_modality}.
   *
   * @param row sample_data row.
   * @return camera, lidar, radar, or empty when the sensor is unknown.
   */
  public String sampleDataModality(int row) {
    int s = sampleDataSensor(row);
    return s < 0 ? "" : sensorModality.get(s);
  }

  /**
   * Returns {@code sample_data.filename}.
   *
   * @param row sample_data row.
   * @return a path relative to the dataset root.
   */
  public String sampleDataFilename(int row) {
    return sdFilename.get(row);
  }

  /**
   * Returns {@code sample_data.fileformat}.
   *
   * @param row sample_data row.
   * @return for example {@code jpg} or {@code pcd}.
   */
  public String sampleDataFileformat(int row) {
    return sdFileformat.get(row);
  }

  /**
   * Returns {@code sample_data.width}.
   *
   * @param row sample_data row.
   * @return pixels; 0 for non-images.
   */
  public int sampleDataWidth(int row) {
    return sdWidth.values[row];
  }

  /**
   * Returns {@code sample_data.height}.
   *
   * @param row sample_data row.
   * @return pixels; 0 for non-images.
   */
  public int sampleDataHeight(int row) {
    return sdHeight.values[row];
  }

  /**
   * Returns {@code sample_data.timestamp}.
   *
   * @param row sample_data row.
   * @return µs.
   */
  public long sampleDataTimestamp(int row) {
    return sdTimestamp.values[row];
  }

  /**
   * Returns {@code sample_data.is_key_frame}.
   *
   * @param row sample_data row.
   * @return true for keyframes.
   */
  public boolean sampleDataIsKeyFrame(int row) {
    return sdKeyFrame.values[row];
  }

  /**
   * Returns {@code sample_data.prev} as a row (same sensor).
   *
   * @param row sample_data row.
   * @return the previous sample_data row, or -1.
   */
  public int sampleDataPrev(int row) {
    return sdPrev.rows[row];
  }

  /**
   * Returns {@code sample_data.next} as a row (same sensor).
   *
   * @param row sample_data row.
   * @return the next sample_data row, or -1.
   */
  public int sampleDataNext(int row) {
    return sdNext.rows[row];
  }

  // ---------------------------------------------------------------- sample_annotation

  /**
   * Finds a sample_annotation by token.
   *
   * @param token the annotation token.
   * @return the row, or -1.
   */
  public int sampleAnnotation(String token) {
    return row(NuScenesTable.SAMPLE_ANNOTATION, token);
  }

  /**
   * Returns {@code sample_annotation.sample_token} as a row.
   *
   * @param row sample_annotation row.
   * @return the sample row, or -1.
   */
  public int annotationSample(int row) {
    return annSample.rows[row];
  }

  /**
   * Returns {@code sample_annotation.instance_token} as a row.
   *
   * @param row sample_annotation row.
   * @return the instance row, or -1.
   */
  public int annotationInstance(int row) {
    return annInstance.rows[row];
  }

  /**
   * Returns the derived {@code sample_annotation.category_name} (via instance).
   *
   * @param row sample_annotation row.
   * @return the category name, or empty when unresolved.
   */
  public String annotationCategoryName(int row) {
    int i = annInstance.rows[row];
    int c = i < 0 ? -1 : instCategory.rows[i];
    return c < 0 ? "" : catName.get(c);
  }

  /**
   * Returns the length of {@code sample_annotation.attribute_tokens}.
   *
   * @param row sample_annotation row.
   * @return the number of attributes.
   */
  public int annotationAttributeCount(int row) {
    return annAttributes.starts[row + 1] - annAttributes.starts[row];
  }

  /**
   * Returns one entry of {@code sample_annotation.attribute_tokens} as a row.
   *
   * @param row sample_annotation row.
   * @param i index in the list.
   * @return the attribute row, or -1.
   */
  public int annotationAttribute(int row, int i) {
    return annAttributes.rows[annAttributes.starts[row] + i];
  }

  /**
   * Returns {@code sample_annotation.visibility_token} as a row.
   *
   * @param row sample_annotation row.
   * @return the visibility row, or -1 when empty.
   */
  public int annotationVisibility(int row) {
    return annVisibility.rows[row];
  }

  /**
   * Returns one component of {@code sample_annotation.translation} (box centre, global frame).
   *
   * @param row sample_annotation row.
   * @param axis 0, 1 or 2.
   * @return metres.
   */
  public double annotationTranslation(int row, int axis) {
    return annTranslation.values[row * 3 + axis];
  }

  /**
   * Returns one component of {@code sample_annotation.size} (width, length, height).
   *
   * @param row sample_annotation row.
   * @param i 0 (width), 1 (length) or 2 (height).
   * @return metres.
   */
  public double annotationSize(int row, int i) {
    return annSize.values[row * 3 + i];
  }

  /**
   * Returns one component of {@code sample_annotation.rotation} (w, x, y, z; box to global).
   *
   * @param row sample_annotation row.
   * @param i 0 (w) to 3 (z).
   * @return the quaternion component.
   */
  public double annotationRotation(int row, int i) {
    return annRotation.values[row * 4 + i];
  }

  /**
   * Returns {@code sample_annotation.num_lidar_pts}.
   *
   * @param row sample_annotation row.
   * @return the point count.
   */
  public int annotationNumLidarPts(int row) {
    return annLidarPts.values[row];
  }

  /**
   * Returns {@code sample_annotation.num_radar_pts}.
   *
   * @param row sample_annotation row.
   * @return the point count.
   */
  public int annotationNumRadarPts(int row) {
    return annRadarPts.values[row];
  }

  /**
   * Returns {@code sample_annotation.prev} as a row (same instance).
   *
   * @param row sample_annotation row.
   * @return the previous annotation row, or -1.
   */
  public int annotationPrev(int row) {
    return annPrev.rows[row];
  }

  /**
   * Returns {@code sample_annotation.next} as a row (same instance).
   *
   * @param row sample_annotation row.
   * @return the next annotation row, or -1.
   */
  public int annotationNext(int row) {
    return annNext.rows[row];
  }

  /**
   * Returns whether a prev/next/first/last field holds a non-empty token that did not resolve
   * (dangling or into an absent table). Lets callers tell "chain end" from "broken link".
   *
   * @param table the table.
   * @param field the reference field.
   * @param row the record.
   * @return true when the stored token was non-empty but reads as -1.
   */
  public boolean isUnresolved(NuScenesTable table, String field, int row) {
    Column c = tables.get(table).columns.get(field);
    return c instanceof RefColumn rc && rc.rows[row] < 0 && rc.nonEmpty != null && rc.nonEmpty[row];
  }
}
