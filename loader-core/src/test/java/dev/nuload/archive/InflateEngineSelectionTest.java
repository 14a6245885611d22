package dev.nuload.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Which inflate engine {@link InflateEngine#selected()} picks. */
class InflateEngineSelectionTest {
  @Test
  void shouldSelectJdkEngineWhenIsalIsDisabledByProperty() {
    String before = System.getProperty(InflateEngine.ISAL_PROP_NAME);
    System.setProperty(InflateEngine.ISAL_PROP_NAME, "false");
    try {
      assertEquals(InflateEngine.JAVA, InflateEngine.selected());
    } finally {
      if (before == null) {
        System.clearProperty(InflateEngine.ISAL_PROP_NAME);
      } else {
        System.setProperty(InflateEngine.ISAL_PROP_NAME, before);
      }
    }
  }

  @Test
  void shouldSelectIsalWhenTheLibraryLoads() {
    Assumptions.assumeTrue(
        InflateEngine.ISAL.available(), "libisal.so.2 not installed (apt-get install libisal2)");
    Assumptions.assumeFalse(
        "false".equalsIgnoreCase(System.getProperty(InflateEngine.ISAL_PROP_NAME)),
        "ISA-L disabled by -Dnuload.isal=false");
    assertEquals(InflateEngine.ISAL, InflateEngine.selected());
    assertNull(InflateEngine.ISAL.loadFailure());
  }

  @Test
  void shouldAlwaysHaveTheJdkEngine() {
    assertTrue(InflateEngine.JAVA.available());
  }

  @Test
  void shouldCarryTheEngineChosenInTheOptions() {
    ExtractOptions o = ExtractOptions.defaults(Path.of("x")).withInflate(InflateEngine.JAVA);
    assertEquals(InflateEngine.JAVA, o.inflate());
  }
}
