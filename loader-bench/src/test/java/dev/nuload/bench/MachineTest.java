package dev.nuload.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MachineTest {
  @Test
  void shouldRecordTheVersionOfEveryNamedLibrary() {
    String libraries = Machine.libraries();
    for (String artifact :
        new String[] {
          "arrow-vector",
          "chronicle-map",
          "disruptor",
          "commons-compress",
          "zstd-jni",
          "jackson-core",
          "picocli",
          "jmh-core"
        }) {
      assertTrue(
          Pattern.compile("(^|, )" + artifact + " \\d[\\w.-]*(,|$)").matcher(libraries).find(),
          artifact + " missing or without a version in: " + libraries);
    }
  }
}
