package dev.nuload.nuscenes.cli;

import dev.nuload.archive.TarGzWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import picocli.CommandLine;

/**
 * The workload the {@code nuload} launcher runs once per build to record the JVM's ahead-of-time
 * cache ({@code -XX:AOTCacheOutput}, JEP 483 and 514): the classes it loads and links, and the
 * method profiles, are stored in {@code nuload-cli.aot} next to the jar, and every later run starts
 * with them already loaded ({@code -XX:AOTCache}). It runs the commands whose start-up is a large
 * share of their time: {@code extract} of a {@code .tgz} large enough to be inflated on all cores
 * and of its repacked {@code .tar.zst}, {@code repack}, and the help of every command.
 *
 * <p>Everything is written under one temporary folder, deleted at the end. Exits with 1 when a
 * command fails, so a broken training run is seen rather than cached.
 */
public final class AotTraining {
  /** Files per folder and bytes per file: 24 MiB of camera-like data, above the parallel floor. */
  private static final int FILES = 8;

  private static final int FILE_BYTES = 1 << 20;
  private static final String[] FOLDERS = {"samples/CAM_FRONT", "sweeps/CAM_BACK", "sweeps/LIDAR"};

  private AotTraining() {}

  /**
   * Runs the training workload.
   *
   * @param args ignored.
   * @throws IOException when the temporary folder cannot be written.
   */
  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("nuload-aot-");
    try {
      Path tgz = archive(dir);
      Path zst = dir.resolve("train.tar.zst");
      run("repack", tgz.toString(), zst.toString());
      run("extract", "--quiet", "--to", dir.resolve("out-tgz").toString(), tgz.toString());
      run("extract", "--quiet", "--to", dir.resolve("out-zst").toString(), zst.toString());
      run("--help");
      for (String name : NuloadCli.commandLine().getSubcommands().keySet()) {
        run(name, "--help");
      }
    } finally {
      DemoCommand.deleteTree(dir);
    }
  }

  /**
   * A {@code .tgz} of JPEG-like files: bytes with a skewed distribution and no repeats, which
   * deflate codes as dynamic-Huffman literal blocks (as it does camera images).
   */
  private static Path archive(Path dir) throws IOException {
    Path src = Files.createDirectories(dir.resolve("src"));
    Path tgz = dir.resolve("train.tgz");
    Random random = new Random(1);
    byte[] data = new byte[FILE_BYTES];
    try (TarGzWriter w = new TarGzWriter(tgz, 1)) {
      for (String folder : FOLDERS) {
        w.addDirectory(folder.substring(0, folder.indexOf('/')));
        w.addDirectory(folder);
        for (int i = 0; i < FILES; i++) {
          for (int j = 0; j < data.length; j++) {
            data[j] = (byte) (random.nextInt(256) & random.nextInt(256));
          }
          Path f = Files.write(src.resolve("f"), data);
          w.addFile(folder + "/" + i + ".jpg", f);
        }
      }
      w.commit();
    }
    return tgz;
  }

  private static void run(String... args) {
    CommandLine cl = NuloadCli.commandLine(args[0]);
    cl.setOut(new PrintWriter(Writer.nullWriter()));
    int code = cl.execute(args);
    if (code != 0) {
      System.err.println(
          "nuload AOT training: 'nuload " + String.join(" ", args) + "' exited " + code);
      System.exit(1);
    }
  }
}
