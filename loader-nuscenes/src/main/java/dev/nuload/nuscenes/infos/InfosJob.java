package dev.nuload.nuscenes.infos;

import dev.nuload.BadDataException;
import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import dev.nuload.index.IndexUnusableException;
import dev.nuload.index.TokenMapFile;
import dev.nuload.index.TokenMapWriter;
import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.Splits;
import dev.nuload.nuscenes.info.InfoBuilder;
import dev.nuload.nuscenes.info.InfoOptions;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.infos.InfosManifest.BuildOptions;
import dev.nuload.nuscenes.infos.InfosManifest.OutputFile;
import dev.nuload.nuscenes.infos.InfosManifest.Summary;
import dev.nuload.nuscenes.infos.SourceFingerprint.TableStamp;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * {@code nuload infos} without the command line: tables to info files, token index and manifest,
 * skipping all work when the manifest says the output is current.
 *
 * <p>Order of work, chosen so that a failure never damages an earlier good output: fingerprint the
 * tables and compare with the manifest (no table is parsed when nothing changed); load the tables
 * strictly (bad tables stop here with {@link BadDataException}); write every file into a staging
 * folder inside the output folder; then delete the old manifest, move the new files into place,
 * write the new manifest, and delete files of the old build that the new one does not list.
 */
public final class InfosJob {
  /** Name of the staging folder inside the output folder (suffixed with the process id). */
  public static final String STAGING_PREFIX = ".staging-";

  /**
   * What to build.
   *
   * @param dataroot the dataset root.
   * @param version the version (its tables are {@code dataroot/<version>/}).
   * @param splits splits to build; empty for the official splits of the version that have scenes.
   * @param out the output folder.
   * @param maxSweeps most lidar sweeps per record.
   * @param force rebuild even when the output is current.
   */
  public record Request(
      Path dataroot,
      NuScenesVersion version,
      List<String> splits,
      Path out,
      int maxSweeps,
      boolean force) {
    /** Copies the split list. */
    public Request {
      splits = List.copyOf(splits);
    }
  }

  /** Whether the job built or found the output current. */
  public enum Outcome {
    /** Nothing to do: the manifest matches tables, options and files. */
    UP_TO_DATE,
    /** The output was (re)built. */
    BUILT
  }

  /**
   * What the job did.
   *
   * @param outcome built or up to date.
   * @param reason why it rebuilt (null when up to date).
   * @param out the output folder.
   * @param manifest the manifest now in the folder.
   * @param elapsed wall time of the run.
   */
  public record Result(
      Outcome outcome, String reason, Path out, InfosManifest manifest, Duration elapsed) {}

  /** Receives messages and progress; called on the job's thread. */
  public interface Listener {
    /** Ignores everything (library callers and benchmarks that print their own summary). */
    Listener QUIET =
        new Listener() {
          @Override
          public void info(String line) {}

          @Override
          public void progress(String split, long done, long total) {}
        };

    /**
     * A line for the user (reasons, phases).
     *
     * @param line the message.
     */
    void info(String line);

    /**
     * Records written so far in a split.
     *
     * @param split the split.
     * @param done records written.
     * @param total records of the split.
     */
    void progress(String split, long done, long total);
  }

  private final InfoFileFormat format;
  private final Listener listener;
  private final String createdBy;

  /**
   * Creates a job.
   *
   * @param format how info files are written.
   * @param listener receives messages and progress.
   * @param createdBy tool and version for the manifest and file metadata.
   */
  public InfosJob(InfoFileFormat format, Listener listener, String createdBy) {
    this.format = format;
    this.listener = listener;
    this.createdBy = createdBy;
  }

  /**
   * Returns the split list recorded in the options: the request's, or the official splits.
   *
   * @param r the request.
   * @return split names.
   * @throws NuloadException with {@link ExitCode#USAGE} for an unknown split name.
   */
  static List<String> requestedSplits(Request r) {
    List<String> splits = r.splits().isEmpty() ? r.version().splits() : r.splits();
    for (String s : splits) {
      try {
        Splits.scenes(s);
      } catch (IllegalArgumentException e) {
        throw new NuloadException(ExitCode.USAGE, e.getMessage(), e);
      }
    }
    return splits;
  }

  /**
   * Runs the job.
   *
   * @param r the request.
   * @return what was done.
   * @throws BadDataException when the tables are missing, malformed or inconsistent (the output
   *     folder is then left as it was).
   */
  public Result run(Request r) {
    long t0 = System.nanoTime();
    Path versionDir = r.dataroot().resolve(r.version().dirName());
    if (!Files.isDirectory(versionDir)) {
      throw new BadDataException(
          "dataroot "
              + r.dataroot()
              + " has no table folder "
              + r.version().dirName()
              + "/ (pass the folder that holds it, or another --version)");
    }
    List<String> splits = requestedSplits(r);
    BuildOptions options =
        new BuildOptions(
            splits, r.maxSweeps(), format.schemaVersion(), NuScenesTokenIndex.FORMAT_VERSION);
    SourceFingerprint fp = SourceFingerprint.of(versionDir);
    Optional<InfosManifest> old = InfosManifest.read(r.out());
    String reason;
    if (r.force()) {
      reason = "--force";
    } else {
      reason = staleReason(r.out(), old, r.version(), fp, options);
      if (reason == null) {
        return new Result(Outcome.UP_TO_DATE, null, r.out(), old.orElseThrow(), elapsed(t0));
      }
    }
    listener.info("infos: building (" + reason + ")");
    NuScenesTables tables = NuScenesTables.load(versionDir);
    InfosManifest m = build(r, tables, fp, options, old, t0);
    return new Result(Outcome.BUILT, reason, r.out(), m, elapsed(t0));
  }

  /**
   * Returns why the output is stale, or null when it is current.
   *
   * @param out the output folder.
   * @param manifest its manifest, if readable.
   * @param version the requested version.
   * @param fp the tables' fingerprint now.
   * @param options the options now.
   * @return a reason naming what differs, or null.
   */
  public static String staleReason(
      Path out,
      Optional<InfosManifest> manifest,
      NuScenesVersion version,
      SourceFingerprint fp,
      BuildOptions options) {
    if (manifest.isEmpty()) {
      return Files.exists(out.resolve(InfosManifest.FILE_NAME))
          ? "manifest " + out.resolve(InfosManifest.FILE_NAME) + " is unreadable"
          : "no manifest in " + out;
    }
    InfosManifest m = manifest.get();
    if (!m.version().equals(version.dirName())) {
      return "version changed (" + m.version() + " -> " + version.dirName() + ")";
    }
    if (!m.sourceFingerprint().equals(fp.value())) {
      return "source tables changed (" + changedTables(m.tables(), fp.tables()) + ")";
    }
    if (!m.options().equals(options)) {
      return "options changed (" + m.options() + " -> " + options + ")";
    }
    for (OutputFile f : m.files()) {
      Path p = out.resolve(f.name());
      try {
        if (!Files.isRegularFile(p)) {
          return "file " + p + " is missing";
        }
        long size = Files.size(p);
        if (size != f.size()) {
          return "file " + p + " has " + size + " bytes, the manifest says " + f.size();
        }
      } catch (IOException e) {
        return "file " + p + " is unreadable: " + e.getMessage();
      }
    }
    try {
      NuScenesTokenIndex.verify(out, m);
    } catch (IndexUnusableException e) {
      return e.getMessage();
    }
    return null;
  }

  private static String changedTables(List<TableStamp> before, List<TableStamp> now) {
    List<String> names = new ArrayList<>();
    Set<TableStamp> old = new HashSet<>(before);
    for (TableStamp t : now) {
      if (!old.contains(t)) {
        names.add(t.name());
      }
    }
    return names.isEmpty() ? "table list" : String.join(", ", names);
  }

  /** Waits for the sample_data index thread and rethrows its failure as it was. */
  private static TokenMapFile joinIndex(Thread thread, CompletableFuture<TokenMapFile> result)
      throws IOException {
    try {
      thread.join();
      return result.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the sample_data token index", e);
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IOException("sample_data token index failed: " + c, c);
    }
  }

  private InfosManifest build(
      Request r,
      NuScenesTables tables,
      SourceFingerprint fp,
      BuildOptions options,
      Optional<InfosManifest> old,
      long t0) {
    InfoOptions io =
        InfoOptions.defaults().withMaxLidarSweeps(r.maxSweeps()).withSplits(r.splits());
    InfoBuilder builder = new InfoBuilder(tables, r.version(), io);
    List<String> toWrite = builder.splits();
    Map<String, Integer> counts = new LinkedHashMap<>();
    long total = 0;
    for (String s : toWrite) {
      int n = builder.count(s);
      counts.put(s, n);
      total += n;
    }
    Path out = r.out();
    Path staging = out.resolve(STAGING_PREFIX + ProcessHandle.current().pid());
    Thread sdThread = null;
    try {
      Files.createDirectories(out);
      deleteTree(staging);
      Files.createDirectories(staging);
      List<OutputFile> files = new ArrayList<>();
      Map<String, Long> samples = new LinkedHashMap<>();
      long[] boxes = {0};
      String optionsJson =
          String.format(
              "{\"max_sweeps\":%d,\"splits\":[%s]}",
              r.maxSweeps(),
              String.join(",", options.splits().stream().map(s -> "\"" + s + "\"").toList()));
      // The sample_data index needs only the tables: write it on its own thread while the info
      // files are built, so the two overlap (the builder does not keep both cores busy).
      Path sdFile = staging.resolve(NuScenesTokenIndex.SAMPLE_DATA_FILE);
      CompletableFuture<TokenMapFile> sdFuture = new CompletableFuture<>();
      sdThread =
          Thread.ofPlatform()
              .name("nuload-sample-data-index")
              .start(
                  () -> {
                    try {
                      sdFuture.complete(NuScenesTokenIndex.writeSampleData(tables, sdFile));
                    } catch (Throwable e) {
                      sdFuture.completeExceptionally(e);
                    }
                  });
      TokenMapFile sampleMap;
      try (TokenMapWriter<Long> sw =
          NuScenesTokenIndex.sampleWriter(staging.resolve(NuScenesTokenIndex.SAMPLE_FILE), total)) {
        for (String split : toWrite) {
          int ordinal = options.splits().indexOf(split);
          long n = counts.get(split);
          String name = format.fileName(split);
          long[] row = {0};
          try (InfoFileFormat.Sink sink =
              format.create(
                  staging.resolve(name),
                  new InfoFileFormat.FileMeta(
                      r.version().dirName(), split, fp.value(), optionsJson, createdBy))) {
            listener.progress(split, 0, n);
            builder.build(
                split,
                (InfoRecord rec) -> {
                  sink.write(rec);
                  sw.put(rec.token(), NuScenesTokenIndex.encode(ordinal, (int) row[0]));
                  if (rec.annotations() != null) {
                    boxes[0] += rec.annotations().size();
                  }
                  row[0]++;
                  listener.progress(split, row[0], n);
                });
            sink.commit();
          }
          samples.put(split, row[0]);
          files.add(
              new OutputFile(
                  name,
                  InfosManifest.KIND_INFOS,
                  split,
                  Files.size(staging.resolve(name)),
                  row[0],
                  -1));
        }
        sampleMap = sw.commit();
      }
      listener.info("infos: finishing the sample_data token index");
      TokenMapFile sdMap = joinIndex(sdThread, sdFuture);
      files.add(indexEntry(sampleMap, InfosManifest.KIND_SAMPLE_INDEX));
      files.add(indexEntry(sdMap, InfosManifest.KIND_SAMPLE_DATA_INDEX));

      InfosManifest m =
          new InfosManifest(
              InfosManifest.MANIFEST_VERSION,
              createdBy,
              Instant.now().toString(),
              OutputDirs.datasetId(r.dataroot(), r.version()),
              OutputDirs.realPath(r.dataroot()),
              r.version().dirName(),
              fp.value(),
              fp.tables(),
              options,
              files,
              new Summary(samples, boxes[0], elapsed(t0).toMillis() / 1000.0));
      publish(out, staging, m, old);
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException("infos: cannot write " + out + ": " + e.getMessage(), e);
    } finally {
      // never delete the staging folder under the index thread's feet
      boolean interrupted = false;
      while (sdThread != null && sdThread.isAlive()) {
        try {
          sdThread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      try {
        deleteTree(staging);
      } catch (IOException ignored) {
        // a stray staging folder is removed by the next build of this process id or by hand
      }
    }
  }

  private static OutputFile indexEntry(TokenMapFile f, String kind) {
    return new OutputFile(
        f.file().getFileName().toString(), kind, null, f.sizeBytes(), f.entries(), f.crc32c());
  }

  private static void publish(Path out, Path staging, InfosManifest m, Optional<InfosManifest> old)
      throws IOException {
    Files.deleteIfExists(out.resolve(InfosManifest.FILE_NAME));
    for (OutputFile f : m.files()) {
      Files.move(
          staging.resolve(f.name()),
          out.resolve(f.name()),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    }
    m.write(out);
    if (old.isPresent()) {
      Set<String> keep = new HashSet<>();
      m.files().forEach(f -> keep.add(f.name()));
      for (OutputFile f : old.get().files()) {
        if (!keep.contains(f.name()) && !f.name().contains("/")) {
          Files.deleteIfExists(out.resolve(f.name()));
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Duration elapsed(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }
}
