package dev.nuload.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GnuTimeTest {
  @TempDir Path dir;

  @Test
  void shouldReportPeakRssOfACommandThatHoldsMemory() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/time")), "GNU time is not installed");
    Path report = dir.resolve("time.txt");
    // python3 holding 200 MB of bytes: the peak must show it
    List<String> cmd =
        GnuTime.wrap(
            List.of(
                "python3",
                "-c",
                "b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"),
            report);
    assertEquals(0, new ProcessBuilder(cmd).inheritIO().start().waitFor());
    GnuTime.Report r = GnuTime.read(report);
    assertTrue(r.peakRssMib() > 200 && r.peakRssMib() < 2000, "peak RSS " + r.peakRssMib());
    assertTrue(r.cpuSeconds() >= 0, "cpu " + r.cpuSeconds());
  }

  @Test
  void shouldGiveNoReportWhenNoneWasWritten() throws Exception {
    assertNull(GnuTime.read(dir.resolve("absent.txt")));
  }

  @Test
  void shouldNameTheFileOfAReportItCannotRead() throws Exception {
    Path report = Files.writeString(dir.resolve("time.txt"), "sh: not a report\n");
    IOException e = assertThrows(IOException.class, () -> GnuTime.read(report));
    assertTrue(e.getMessage().contains(report.toString()), e.getMessage());
  }
}
