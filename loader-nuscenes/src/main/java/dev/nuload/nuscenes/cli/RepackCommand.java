package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import dev.nuload.archive.Repacker;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nuload repack}: rewrites an archive as a seekable, indexed {@code .tar.zst}. */
@Command(
    name = "repack",
    description = {
      "Rewrites a .tgz (or .tar, .tar.zst) as a .tar.zst of independent zstd frames cut at entry"
          + " boundaries plus an entry index, so 'nuload extract' runs it on all cores and can pull"
          + " a subset (--include) without reading the rest. Any zstd tool still reads it:"
          + " zstd -dc OUT | tar -x.",
      ""
    })
public final class RepackCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin HelpOption helpOption;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IN", description = "Source archive.")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "The .tar.zst to write.")
  Path out;

  @Option(
      names = "--level",
      defaultValue = "3",
      description = "zstd level 1..19 (default: ${DEFAULT-VALUE}).")
  int level;

  @Option(
      names = "--frame-mib",
      defaultValue = "4",
      description = "Uncompressed MiB per frame (default: ${DEFAULT-VALUE}).")
  int frameMib;

  @Option(names = "--threads", description = "Compression threads (default: the number of cores).")
  Integer threads;

  /** Creates the command. */
  public RepackCommand() {}

  @Override
  public Integer call() throws Exception {
    if (level < 1 || level > 19 || frameMib < 1 || frameMib > 1024) {
      throw new NuloadException(ExitCode.USAGE, "--level must be 1..19 and --frame-mib 1..1024");
    }
    if (!Files.isRegularFile(in)) {
      throw new NuloadException(ExitCode.OUT_OF_RESOURCES, "repack: no such archive: " + in);
    }
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    long t0 = System.nanoTime();
    Repacker.Result r =
        new Repacker(level, frameMib << 20, Math.max(1, t)).repack(in, out, new AtomicLong());
    double s = (System.nanoTime() - t0) / 1e9;
    PrintWriter o = spec.commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "repack: %s -> %s: %,d entries in %,d frames, %,.1f MB tar -> %,.1f MB in %.1f s%n",
        in.getFileName(),
        out,
        r.entries(),
        r.frames(),
        r.tarBytes() / 1e6,
        r.outputBytes() / 1e6,
        s);
    o.flush();
    return 0;
  }
}
