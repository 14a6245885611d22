package dev.nuload.nuscenes.synth;

import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.Splits;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The dataset-level decisions, made sequentially from the seed before any scene is simulated: which
 * scene names, which logs (vehicle, place, date), which scene belongs to which log and when it
 * starts, and the map records.
 */
final class DatasetPlan {
  /** The four map locations, in map-table order. */
  static final List<String> LOCATIONS =
      List.of(
          "singapore-onenorth",
          "singapore-hollandvillage",
          "singapore-queenstown",
          "boston-seaport");

  /** Rough map extents (metres) within which ego trajectories start: {x0, y0, x1, y1}. */
  private static final double[][] EXTENTS = {
    {350, 500, 1400, 1800}, {400, 600, 2400, 2500}, {400, 600, 2800, 3200}, {350, 600, 2700, 1800}
  };

  /**
   * One log.
   *
   * @param token log token.
   * @param logfile e.g. {@code n008-2018-08-01-15-16-36-0400}.
   * @param vehicle e.g. {@code n008}.
   * @param date {@code YYYY-MM-DD}.
   * @param location one of {@link #LOCATIONS}.
   * @param startMicros epoch microseconds of the log start.
   * @param localHour local hour of day at the start.
   * @param rainy whether it rained during the log.
   * @param calibrations one per channel (index as {@link Taxonomy#SENSORS}).
   * @param extent the area {x0, y0, x1, y1} scenes start in.
   */
  record Log(
      String token,
      String logfile,
      String vehicle,
      String date,
      String location,
      long startMicros,
      int localHour,
      boolean rainy,
      CalibrationPresets.Calibration[] calibrations,
      double[] extent) {}

  /**
   * One scene to simulate.
   *
   * @param index position in the output.
   * @param name official scene name.
   * @param log the scene's log.
   * @param startMicros timestamp of the first sample.
   * @param seed the scene's own seed.
   * @param samples samples to simulate, at least 2: the options' samples per scene, or the scene's
   *     share of the release's count ({@link SampleCounts}).
   */
  record ScenePlan(int index, String name, Log log, long startMicros, long seed, int samples) {}

  /**
   * A map record.
   *
   * @param token map token (also the PNG name).
   * @param location the location it covers.
   * @param logTokens tokens of the logs recorded there.
   */
  record MapPlan(String token, String location, List<String> logTokens) {}

  final List<Log> logs;
  final List<ScenePlan> scenes;
  final List<MapPlan> maps;

  private DatasetPlan(List<Log> logs, List<ScenePlan> scenes, List<MapPlan> maps) {
    this.logs = logs;
    this.scenes = scenes;
    this.maps = maps;
  }

  /** Mixes a seed with a stream id (SplitMix64 finaliser), so per-scene streams are independent. */
  static long mix(long seed, long id) {
    long z = seed * 0x9E3779B97F4A7C15L + id * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Returns a 32-hex-digit lowercase token.
   *
   * @param rng the source.
   * @return the token.
   */
  static String token(SplittableRandom rng) {
    long a = rng.nextLong();
    long b = rng.nextLong();
    char[] c = new char[32];
    for (int i = 0; i < 16; i++) {
      c[i] = Character.forDigit((int) ((a >>> (60 - 4 * i)) & 0xF), 16);
      c[16 + i] = Character.forDigit((int) ((b >>> (60 - 4 * i)) & 0xF), 16);
    }
    return new String(c);
  }

  /**
   * Picks {@code n} scene names of a version, spread over its splits in proportion to their sizes
   * (each split gets at least one when {@code n} allows), sorted by name.
   *
   * @param version the version.
   * @param n how many.
   * @return the names.
   */
  static List<String> sceneNames(NuScenesVersion version, int n) {
    List<List<String>> splits = new ArrayList<>();
    for (String s : version.splits()) {
      splits.add(Splits.scenes(s));
    }
    int total = splits.stream().mapToInt(List::size).sum();
    int[] take = new int[splits.size()];
    int given = 0;
    for (int i = 0; i < take.length; i++) {
      take[i] = (int) Math.floor((double) n * splits.get(i).size() / total);
      if (take[i] == 0 && n >= take.length) {
        take[i] = 1;
      }
      given += take[i];
    }
    for (int i = 0; given < n; i = (i + 1) % take.length) {
      if (take[i] < splits.get(i).size()) {
        take[i]++;
        given++;
      }
    }
    for (int i = take.length - 1; given > n; i--) {
      if (take[i] > 1) {
        take[i]--;
        given--;
      }
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < take.length; i++) {
      names.addAll(splits.get(i).subList(0, take[i]));
    }
    names.sort(Comparator.naturalOrder());
    return names;
  }

  private static int logCount(NuScenesVersion v, int n) {
    return switch (v) {
      case MINI -> Math.max(1, (int) Math.ceil(n * 0.8));
      case TRAINVAL -> Math.max(1, (int) Math.round(n * 68.0 / 850));
      case TEST -> Math.max(1, (int) Math.round(n * 15.0 / 150));
    };
  }

  /**
   * Makes the plan.
   *
   * @param o the options.
   * @return the plan.
   */
  static DatasetPlan of(SynthOptions o) {
    SplittableRandom rng = new SplittableRandom(mix(o.seed(), -1));
    List<String> names = sceneNames(o.version(), o.scenes());
    int nLogs = logCount(o.version(), names.size());
    // Locations: every location early on, then boston about half of the time.
    int[] pattern = {3, 0, 2, 1, 3, 3, 0, 3, 2, 3, 1, 0, 3};
    LocalDateTime day = LocalDateTime.of(2018, 7, 23, 0, 0);
    DateTimeFormatter fileFmt = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss");
    List<Log> logs = new ArrayList<>();
    for (int i = 0; i < nLogs; i++) {
      int loc = pattern[i % pattern.length];
      boolean boston = loc == 3;
      day = day.plusDays(1 + rng.nextInt(nLogs > 40 ? 2 : 6));
      int hour = 8 + rng.nextInt(13);
      LocalDateTime local =
          day.withHour(hour).withMinute(rng.nextInt(60)).withSecond(rng.nextInt(60));
      ZoneOffset zone = boston ? ZoneOffset.ofHours(-4) : ZoneOffset.ofHours(8);
      String vehicle = boston ? "n008" : "n015";
      String logfile = vehicle + "-" + local.format(fileFmt) + (boston ? "-0400" : "+0800");
      long startMicros = local.toEpochSecond(zone) * 1_000_000L + rng.nextInt(1_000_000);
      CalibrationPresets.Calibration[] cal =
          new CalibrationPresets.Calibration[Taxonomy.SENSORS.size()];
      for (int c = 0; c < cal.length; c++) {
        cal[c] = CalibrationPresets.perturbed(Taxonomy.SENSORS.get(c).channel(), rng);
      }
      logs.add(
          new Log(
              token(rng),
              logfile,
              vehicle,
              local.toLocalDate().toString(),
              LOCATIONS.get(loc),
              startMicros,
              hour,
              rng.nextDouble() < 0.2,
              cal,
              EXTENTS[loc]));
    }
    int[] samples =
        o.samplesPerScene() > 0 ? null : SampleCounts.plan(o.version(), names, o.seed());
    List<ScenePlan> scenes = new ArrayList<>();
    long[] cursor = new long[nLogs];
    for (int i = 0; i < nLogs; i++) {
      cursor[i] = logs.get(i).startMicros() + 30_000_000L + rng.nextLong(60_000_000L);
    }
    for (int i = 0; i < names.size(); i++) {
      int li = (int) ((long) i * nLogs / names.size());
      long start = cursor[li];
      cursor[li] += 21_000_000L + rng.nextLong(40_000_000L);
      scenes.add(
          new ScenePlan(
              i,
              names.get(i),
              logs.get(li),
              start,
              mix(o.seed(), i),
              samples == null ? o.samplesPerScene() : samples[i]));
    }
    List<MapPlan> maps = new ArrayList<>();
    for (String loc : LOCATIONS) {
      List<String> tokens =
          logs.stream().filter(l -> l.location().equals(loc)).map(Log::token).toList();
      maps.add(new MapPlan(token(rng), loc, tokens));
    }
    return new DatasetPlan(logs, scenes, maps);
  }
}
