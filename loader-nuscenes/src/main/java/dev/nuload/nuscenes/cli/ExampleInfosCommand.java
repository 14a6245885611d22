package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.nuscenes.info.InfoArrowExamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Hidden {@code nuload example-infos DIR}: writes the example info files of {@link
 * InfoArrowExamples} and their JSON dump, for the Python tests and for trying {@code nuload
 * inspect}.
 */
@Command(
    name = "example-infos",
    hidden = true,
    mixinStandardHelpOptions = true,
    versionProvider = NuloadVersion.class,
    description = "Writes small example info files (.arrow) and a JSON dump of their records.")
public final class ExampleInfosCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "output folder (created).")
  Path dir;

  /** Creates the command (picocli fills the fields). */
  public ExampleInfosCommand() {}

  @Override
  public Integer call() throws IOException {
    Files.createDirectories(dir);
    try (BufferAllocator allocator = new RootAllocator()) {
      InfoArrowExamples.writeExamples(dir, allocator);
    }
    spec.commandLine().getOut().println("example-infos: wrote " + dir);
    spec.commandLine().getOut().flush();
    return ExitCode.OK;
  }
}
