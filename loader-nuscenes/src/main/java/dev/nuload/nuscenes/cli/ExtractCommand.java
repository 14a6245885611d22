package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import dev.nuload.archive.ArchiveProgress;
import dev.nuload.archive.ArchiveResult;
import dev.nuload.archive.BadEntryPolicy;
import dev.nuload.archive.ChecksumManifest;
import dev.nuload.archive.ExtractLimits;
import dev.nuload.archive.ExtractOptions;
import dev.nuload.archive.Extractor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nuload extract}: safe, parallel, resumable extraction of nuScenes archives ({@code .tgz},
 * {@code .tar}, {@code .tar.zst}, including repacked ones with an index) into a dataset root.
 */
@Command(
    name = "extract",
    description = {
      "Extracts archives (gzip, zstd or tar, detected from their bytes) into a dataset root:"
          + " several archives at once, one large .tgz inflated on all cores (with ISA-L),"
          + " decompression overlapped with N writer threads, frames of a repacked .tar.zst on all"
          + " cores. Refuses absolute and '..' names, links, devices and"
          + " anything that would write through a link. Each file appears under its final name"
          + " only when complete; a journal per archive lets a rerun finish what a killed run"
          + " started without redoing finished files.",
      ""
    })
public final class ExtractCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin HelpOption helpOption;

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "ARCHIVE", description = "Archives to extract.")
  List<Path> archives;

  @Option(names = "--to", required = true, paramLabel = "DATAROOT", description = "Target folder.")
  Path to;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description =
          "Writer / decoder threads; also the threads that inflate one large .tgz, shared among"
              + " archives extracted at once (default: the number of cores, at least 2; 1 inflates"
              + " each .tgz on one thread).")
  Integer workers;

  @Option(
      names = "--archives-at-once",
      paramLabel = "N",
      description = "Archives extracted at the same time (default: the number of cores).")
  Integer archivesAtOnce;

  @Option(
      names = "--include",
      paramLabel = "GLOB",
      split = ",",
      description =
          "Extract only entries matching GLOB or inside a folder matching it (repeatable),"
              + " e.g. 'samples/CAM_*'. With a repacked archive only the frames holding them are read.")
  List<String> includes = new ArrayList<>();

  @Option(
      names = "--verify",
      paramLabel = "MANIFEST",
      description =
          "md5sum/sha256sum-style file: archive names are checked as they are read, entry names"
              + " before each file is published.")
  Path verify;

  @Option(
      names = "--on-bad-entry",
      defaultValue = "fail",
      paramLabel = "fail|skip",
      description =
          "Refused entry: stop the archive (exit 3) or skip it with a warning (default: ${DEFAULT-VALUE}).")
  String onBadEntry;

  @Option(names = "--overwrite", description = "Replace existing files of a different size.")
  boolean overwrite;

  @Option(
      names = "--max-ratio",
      paramLabel = "R",
      description = "Largest expansion ratio (default: 200).")
  Double maxRatio;

  @Option(
      names = "--max-bytes",
      paramLabel = "BYTES",
      description = "Most bytes of files per archive (default: 4 TiB).")
  Long maxBytes;

  @Option(
      names = "--min-free",
      paramLabel = "BYTES",
      description = "Free space to keep in the target (default: 1 GiB).")
  Long minFree;

  @Option(
      names = "--zstd-window-log-max",
      paramLabel = "N",
      description = "Largest zstd window accepted, log2 bytes (default: 27, at most 31).")
  Integer zstdWindowLogMax;

  @Option(
      names = "--sync",
      description =
          "Flush the extracted data to disk (syncfs) before an archive is marked complete, so the"
              + " journal also holds after a power loss. Without it a killed process is still"
              + " resumed correctly.")
  boolean sync;

  @Option(
      names = "--no-index",
      description = "Ignore a repacked archive's index (read it as a stream).")
  boolean noIndex;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress and no summary; errors only.")
  boolean quiet;

  @Option(names = "--json", description = "Print the summary as JSON on stdout.")
  boolean json;

  /** Creates the command. */
  public ExtractCommand() {}

  @Override
  public Integer call() throws Exception {
    BadEntryPolicy policy =
        switch (onBadEntry.toLowerCase(Locale.ROOT)) {
          case "fail" -> BadEntryPolicy.FAIL;
          case "skip" -> BadEntryPolicy.SKIP;
          default ->
              throw new NuloadException(ExitCode.USAGE, "--on-bad-entry must be fail or skip");
        };
    ExtractLimits limits = ExtractLimits.DEFAULTS;
    try {
      if (maxRatio != null) {
        limits = limits.withMaxRatio(maxRatio);
      }
      if (maxBytes != null) {
        limits = limits.withMaxTotalBytes(maxBytes);
      }
      if (minFree != null) {
        limits = limits.withMinFreeBytes(minFree);
      }
      if (zstdWindowLogMax != null) {
        limits = limits.withZstdWindowLogMax(zstdWindowLogMax);
      }
    } catch (IllegalArgumentException e) {
      throw new NuloadException(ExitCode.USAGE, e.getMessage(), e);
    }
    ExtractOptions o = ExtractOptions.defaults(to);
    int w = workers != null ? workers : o.workers();
    int a = archivesAtOnce != null ? archivesAtOnce : o.archivesAtOnce();
    if (w < 1 || a < 1) {
      throw new NuloadException(ExitCode.USAGE, "--workers and --archives-at-once must be >= 1");
    }
    o =
        o.withThreads(w, a)
            .withIncludes(includes)
            .withPolicy(policy)
            .withLimits(limits)
            .withOverwrite(overwrite)
            .withUseIndex(!noIndex)
            .withDurable(sync)
            .withManifest(verify != null ? ChecksumManifest.read(verify) : ChecksumManifest.NONE);
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    List<ArchiveProgress> live = new CopyOnWriteArrayList<>();
    boolean bar = !quiet && Terminal.isInteractive();
    long t0 = System.nanoTime();
    List<ArchiveResult> results;
    ProgressLine line = bar ? new ProgressLine(err, live, t0) : null;
    try (Extractor ex = new Extractor(o)) {
      if (line != null) {
        line.start();
      }
      results =
          ex.extractAll(
              archives,
              new Extractor.Listener() {
                @Override
                public void started(ArchiveProgress p) {
                  live.add(p);
                }

                @Override
                public void warning(String text) {
                  synchronized (err) {
                    err.println((bar ? "\r\033[K" : "") + "nuload extract: warning: " + text);
                    err.flush();
                  }
                }

                @Override
                public void finished(ArchiveResult r) {
                  if (r.error() != null) {
                    synchronized (err) {
                      err.println(
                          (bar ? "\r\033[K" : "") + "nuload extract: " + r.error().getMessage());
                      err.flush();
                    }
                  }
                }
              });
    } finally {
      if (line != null) {
        line.stop();
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    int code = ExitCode.OK;
    for (ArchiveResult r : results) {
      if (r.error() != null) {
        int c = r.error().exitCode();
        code = code == ExitCode.OK ? c : Math.max(code, c);
      }
    }
    if (json) {
      out.println(json(results, seconds));
    } else if (!quiet) {
      long files = 0;
      long bytes = 0;
      for (ArchiveResult r : results) {
        files += r.filesWritten();
        bytes += r.bytesWritten();
        out.printf(
            Locale.ROOT,
            "extract: %-40s %-10s %,9d files %,10.1f MB %,7.1f s  %s%n",
            r.archive().getFileName(),
            r.status().name().toLowerCase(Locale.ROOT).replace('_', '-'),
            r.filesWritten(),
            r.bytesWritten() / 1e6,
            r.seconds(),
            r.method()
                + (r.filesSkipped() > 0 ? ", " + r.filesSkipped() + " already present" : "")
                + (r.entriesRefused() > 0
                    ? ", " + r.entriesRefused() + " refused entries skipped"
                    : ""));
      }
      out.printf(
          Locale.ROOT,
          "extract: %d archive(s), %,d files, %,.1f MB in %.1f s (%,.0f MB/s written) into %s%n",
          results.size(),
          files,
          bytes / 1e6,
          seconds,
          bytes / 1e6 / Math.max(seconds, 1e-9),
          to);
    }
    out.flush();
    return code;
  }

  static String json(List<ArchiveResult> results, double seconds) {
    StringBuilder b =
        new StringBuilder("{\"seconds\": ").append(String.format(Locale.ROOT, "%.3f", seconds));
    b.append(", \"archives\": [");
    for (int i = 0; i < results.size(); i++) {
      ArchiveResult r = results.get(i);
      if (i > 0) {
        b.append(", ");
      }
      b.append("{\"archive\": ").append(quote(r.archive().toString()));
      b.append(", \"status\": ").append(quote(r.status().name()));
      b.append(", \"method\": ").append(quote(r.method()));
      b.append(", \"files_written\": ").append(r.filesWritten());
      b.append(", \"files_skipped\": ").append(r.filesSkipped());
      b.append(", \"entries_refused\": ").append(r.entriesRefused());
      b.append(", \"bytes_written\": ").append(r.bytesWritten());
      b.append(", \"compressed_bytes\": ").append(r.compressedBytes());
      b.append(", \"seconds\": ").append(String.format(Locale.ROOT, "%.3f", r.seconds()));
      b.append(", \"error\": ").append(r.error() == null ? "null" : quote(r.error().getMessage()));
      b.append("}");
    }
    return b.append("]}").toString();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** A progress line on stderr, redrawn four times a second while a terminal is attached. */
  private static final class ProgressLine {
    private final PrintWriter err;
    private final List<ArchiveProgress> live;
    private final long t0;
    private Thread thread;
    private volatile boolean running = true;

    ProgressLine(PrintWriter err, List<ArchiveProgress> live, long t0) {
      this.err = err;
      this.live = live;
      this.t0 = t0;
    }

    void start() {
      thread =
          Thread.ofPlatform()
              .daemon()
              .name("nuload-progress")
              .start(
                  () -> {
                    while (running) {
                      draw();
                      try {
                        Thread.sleep(250);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    void stop() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join();
      synchronized (err) {
        err.print("\r\033[K");
        err.flush();
      }
    }

    private void draw() {
      long read = 0;
      long total = 0;
      long bytes = 0;
      long files = 0;
      StringBuilder per = new StringBuilder();
      for (ArchiveProgress p : live) {
        read += p.compressedRead();
        total += p.compressedSize();
        bytes += p.bytesWritten();
        files += p.filesWritten();
        if (!p.finished()) {
          per.append(
              String.format(
                  Locale.ROOT,
                  " | %s %d%%",
                  p.archive().getFileName(),
                  p.compressedSize() == 0 ? 100 : p.compressedRead() * 100 / p.compressedSize()));
        }
      }
      double s = (System.nanoTime() - t0) / 1e9;
      double rate = read / Math.max(s, 1e-3);
      long eta = rate > 0 ? (long) ((total - read) / rate) : -1;
      String text =
          String.format(
              Locale.ROOT,
              "extract: %5.1f%% %,.0f/%,.0f MB read, %,d files, %,.0f MB/s written, ETA %s%s",
              total == 0 ? 0.0 : read * 100.0 / total,
              read / 1e6,
              total / 1e6,
              files,
              bytes / 1e6 / Math.max(s, 1e-3),
              eta < 0 ? "?" : String.format("%d:%02d", eta / 60, eta % 60),
              per);
      synchronized (err) {
        err.print("\r\033[K" + text);
        err.flush();
      }
    }
  }
}
