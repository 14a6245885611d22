package dev.nuload.nuscenes.petr;

import dev.nuload.BadDataException;
import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * A user's pipeline config file to a {@link PetrConfig}: {@code .json} is the form {@code
 * nuload-pipeline/1} and is read directly; an mmdet3d {@code .py} or a Paddle3D {@code .yml} /
 * {@code .yaml} config is first converted by {@code python3 -m nuload.config FILE} (the Python
 * converter of the checkout's {@code python/} folder, put on {@code PYTHONPATH}), whose stdout is
 * that JSON (docs/format/pipeline-config.md).
 *
 * <p>Errors are {@link NuloadException}s with the CLI's exit codes: a refused or unreadable file,
 * and the converter's own refusal (its exit status 3 with a one-line message on stderr, passed on
 * as is), are {@link BadDataException} (3); a converter that cannot run (python3 missing, the
 * {@code nuload.config} module absent, a hang) is {@link ExitCode#OUT_OF_RESOURCES} (4) with a
 * message naming {@code python3 -m nuload.config} and the file; any other failure of the converter
 * is {@link ExitCode#FAILURE} with its last stderr line; a file of another kind is a usage error.
 */
public final class PipelineConfigFiles {
  /** The converter, as the messages name it. */
  static final String CONVERTER = "python3 -m nuload.config";

  private static final long TIMEOUT_SECONDS = 120;

  private final String python;
  private final Path pythonPath;

  /**
   * Creates a reader that runs the converter with a given interpreter and module folder.
   *
   * @param python the interpreter ({@code python3}, or a path).
   * @param pythonPath the folder holding the {@code nuload} package (put first on {@code
   *     PYTHONPATH}), or null to leave {@code PYTHONPATH} as it is.
   */
  public PipelineConfigFiles(String python, Path pythonPath) {
    this.python = python;
    this.pythonPath = pythonPath;
  }

  /**
   * Returns the reader the CLI uses: {@code python3} with the checkout's {@code python/} folder
   * (the launcher passes the checkout as {@code -Dnuload.repo.dir}).
   *
   * @return the reader.
   */
  public static PipelineConfigFiles standard() {
    String repo = System.getProperty("nuload.repo.dir");
    return new PipelineConfigFiles("python3", repo == null ? null : Path.of(repo, "python"));
  }

  /**
   * Reads a config file.
   *
   * @param file {@code .json}, {@code .py}, {@code .yml} or {@code .yaml}.
   * @return the config (exact mode, float32; mode and dtype are not part of a config file).
   * @throws NuloadException as the class comment says.
   */
  public PetrConfig read(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    if (!List.of("json", "py", "yml", "yaml").contains(ext) || !name.contains(".")) {
      throw new NuloadException(
          ExitCode.USAGE,
          file
              + ": a pipeline config is .json (nuload-pipeline/1), .py (mmdet3d) or .yml/.yaml"
              + " (Paddle3D)");
    }
    if (!Files.isRegularFile(file)) {
      throw new BadDataException(file + ": config file not found");
    }
    try {
      if (ext.equals("json")) {
        return PetrConfig.fromJson(file);
      }
      return PetrConfig.fromJson(convert(file), file + " (converted by " + CONVERTER + ")");
    } catch (IllegalArgumentException e) {
      throw new BadDataException(e.getMessage(), e);
    } catch (IOException e) {
      throw new BadDataException(file + ": cannot read the config: " + e.getMessage(), e);
    }
  }

  /** Runs the converter on {@code file} and returns its stdout. */
  private String convert(Path file) {
    List<String> cmd = List.of(python, "-m", "nuload.config", file.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (pythonPath != null) {
      Map<String, String> env = pb.environment();
      String old = env.get("PYTHONPATH");
      env.put(
          "PYTHONPATH",
          old == null || old.isEmpty()
              ? pythonPath.toString()
              : pythonPath + java.io.File.pathSeparator + old);
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw unavailable(file, python + " could not be started (" + e.getMessage() + ")", e);
    }
    try {
      p.getOutputStream().close();
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> text(p.getErrorStream()));
      String out = text(p.getInputStream());
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw unavailable(file, "it did not finish in " + TIMEOUT_SECONDS + " s", null);
      }
      String stderr = err.join();
      int rc = p.exitValue();
      if (rc == 0) {
        return out;
      }
      String last = lastLine(stderr);
      if (rc == ExitCode.BAD_DATA && !last.isEmpty()) {
        throw new BadDataException(last);
      }
      if (stderr.contains("No module named") && stderr.contains("nuload")) {
        throw unavailable(
            file,
            "the module is not installed ("
                + last
                + (pythonPath == null
                    ? "; nuload.repo.dir is not set, so only python3's own path was searched"
                    : "; searched " + pythonPath + " and python3's own path")
                + ")",
            null);
      }
      throw new NuloadException(
          ExitCode.FAILURE,
          file
              + ": "
              + CONVERTER
              + " failed (exit "
              + rc
              + ")"
              + (last.isEmpty() ? "" : ": " + last));
    } catch (IOException | UncheckedIOException | CompletionException e) {
      throw unavailable(file, "its output could not be read (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw unavailable(file, "interrupted", e);
    }
  }

  private static NuloadException unavailable(Path file, String why, Throwable cause) {
    return new NuloadException(
        ExitCode.OUT_OF_RESOURCES,
        file
            + ": cannot convert it: `"
            + CONVERTER
            + " "
            + file
            + "` is not available: "
            + why
            + "; give a .json config (nuload-pipeline/1) instead",
        cause);
  }

  private static String text(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String lastLine(String text) {
    List<String> lines = new ArrayList<>();
    for (String l : text.split("\n")) {
      if (!l.isBlank()) {
        lines.add(l.strip());
      }
    }
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }
}
