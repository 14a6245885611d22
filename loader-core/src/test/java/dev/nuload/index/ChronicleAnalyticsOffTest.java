package dev.nuload.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chronicle posts usage analytics to an outside host on first use unless told not to. These tests
 * run the token map in a child JVM started <b>without</b> {@code -Dchronicle.analytics.disable},
 * with a proxy selector and name resolver that record (and refuse) every outside connection.
 */
class ChronicleAnalyticsOffTest {
  @TempDir Path dir;

  private List<String> runProbe(boolean control) throws IOException, InterruptedException {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path work = Files.createDirectories(dir.resolve("work"));
    Path services = dir.resolve("svc");
    Path svcFile = services.resolve("META-INF/services/java.net.spi.InetAddressResolverProvider");
    Files.createDirectories(svcFile.getParent());
    Files.writeString(svcFile, RecordingResolverProvider.class.getName() + "\n");

    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("--add-exports")
          || a.startsWith("--enable-native-access")) {
        cmd.add(a);
      }
    }
    cmd.add("-Duser.home=" + home);
    cmd.add("-cp");
    cmd.add(services + File.pathSeparator + childClassPath());
    cmd.add(PhoneHomeProbe.class.getName());
    cmd.add(work.toString());
    if (control) {
      cmd.add("--control");
    }
    assertFalse(
        cmd.stream().anyMatch(a -> a.contains("chronicle.analytics")),
        "the child must start without the analytics switch: " + cmd);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    List<String> lines = text.lines().toList();
    assertTrue(lines.contains("done"), text);
    return lines;
  }

  /** The test class path without the test framework (surefire passes it in a property). */
  private static String childClassPath() {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Arrays.stream(cp.split(File.pathSeparator))
        .filter(e -> !e.contains("junit") && !e.contains("opentest4j") && !e.contains("surefire"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static List<String> attempts(List<String> lines) {
    String local;
    try {
      local = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      local = "localhost";
    }
    String host = local;
    return lines.stream()
        .filter(l -> l.startsWith("proxy ") || l.startsWith("lookup "))
        .filter(l -> !l.equals("lookup localhost") && !l.equals("lookup " + host))
        .toList();
  }

  @Test
  void shouldAttemptNoOutsideConnectionWhenTokenMapIsUsed() throws Exception {
    List<String> lines = runProbe(false);
    assertEquals(List.of(), attempts(lines), String.join("\n", lines));
  }

  @Test
  void shouldSeeAnOutsideConnectionAttemptInTheControlRun() throws Exception {
    List<String> lines = runProbe(true);
    assertTrue(
        attempts(lines).stream().anyMatch(l -> l.contains("google-analytics.com")),
        "the recorders must see an HTTP attempt, or the first test proves nothing: " + lines);
  }

  @Test
  void shouldSwitchAnalyticsOffInsideTheLibrary() throws Exception {
    List<String> lines = runProbe(false);
    assertTrue(lines.contains("property-before null"), String.join("\n", lines));
    assertTrue(lines.contains("property-after true"), String.join("\n", lines));
  }

  @Test
  void shouldWriteNoAnalyticsStateIntoTheHomeDirectory() throws Exception {
    runProbe(false);
    try (Stream<Path> s = Files.walk(dir.resolve("home"))) {
      List<String> names =
          s.map(Path::getFileName)
              .map(Path::toString)
              .filter(n -> n.contains("chronicle") || n.contains("analytics"))
              .toList();
      assertEquals(List.of(), names);
    }
  }

  @Test
  void shouldKeepTheAnalyticsSenderOffTheClassPath() {
    assertThrows(
        ClassNotFoundException.class,
        () -> Class.forName("net.openhft.chronicle.analytics.Analytics"));
  }
}
