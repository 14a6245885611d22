package dev.nuload.nuscenes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.BadDataException;
import dev.nuload.ExitCode;
import dev.nuload.ResourceException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

class NuloadCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = NuloadCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @TestFactory
  List<DynamicTest> shouldPrintHelpAndExitZeroForEveryCommand() {
    return NuloadCli.commandLine().getSubcommands().keySet().stream()
        .map(
            name ->
                DynamicTest.dynamicTest(
                    name,
                    () -> {
                      StringWriter sw = new StringWriter();
                      CommandLine cl = NuloadCli.commandLine();
                      cl.setOut(new PrintWriter(sw, true));
                      int code =
                          name.equals("help") ? cl.execute("help") : cl.execute(name, "--help");
                      assertEquals(ExitCode.OK, code, name + " --help");
                      assertTrue(sw.toString().contains("Usage:"), sw.toString());
                    }))
        .toList();
  }

  @Test
  void shouldBuildOnlyTheNamedSubcommandForARun() {
    assertEquals(
        java.util.Set.of("extract"), NuloadCli.commandLine("extract").getSubcommands().keySet());
  }

  @Test
  void shouldBuildEverySubcommandWhenTheFirstArgumentNamesNone() {
    assertEquals(
        NuloadCli.commandLine().getSubcommands().keySet(),
        NuloadCli.commandLine("--help").getSubcommands().keySet());
    assertTrue(NuloadCli.commandLine("--help").getSubcommands().size() > 10);
  }

  @Test
  void shouldPrintACommandsUsageThroughHelp() {
    CommandLine cl = NuloadCli.commandLine("help"); // as main builds it for this command line
    cl.setOut(new PrintWriter(out, true));
    assertEquals(ExitCode.OK, cl.execute("help", "extract"));
    assertTrue(out.toString().contains("Usage: nuload extract"), out.toString());
  }

  @Test
  void shouldExitWithUsageCodeForUnknownOption() {
    assertEquals(ExitCode.USAGE, run("--no-such-option"));
    assertTrue(err.toString().contains("--no-such-option"), err.toString());
  }

  @Test
  void shouldExitWithUsageCodeForUnknownCommand() {
    assertEquals(ExitCode.USAGE, run("no-such-command"));
  }

  @Test
  void shouldListExitCodesInRootHelp() {
    assertEquals(ExitCode.OK, run("--help"));
    assertTrue(out.toString().contains("3   bad data"), out.toString());
    assertTrue(out.toString().contains("4   out of resources"), out.toString());
  }

  @Test
  void shouldMapBadDataToExitCodeThree() {
    assertEquals(ExitCode.BAD_DATA, NuloadCli.exitCodeOf(new BadDataException("x")));
  }

  @Test
  void shouldMapWrappedResourceProblemToExitCodeFour() {
    assertEquals(
        ExitCode.OUT_OF_RESOURCES,
        NuloadCli.exitCodeOf(new RuntimeException(new ResourceException("no space"))));
  }

  @Test
  void shouldMapUnexpectedExceptionToExitCodeOne() {
    assertEquals(ExitCode.FAILURE, NuloadCli.exitCodeOf(new IllegalStateException("bug")));
  }
}
