package dev.nuload.nuscenes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonValuesTest {
  @Test
  void shouldReadTheLastJsonLineAfterProgressOutput() throws IOException {
    String out =
        "step 0: loss 1.2\n{\"samples\": 1}\nstep 1\n{\"samples\": 40, \"rate\": 2.5e1, \"r\": {\"a\": [1, 2]}}\n";
    Map<String, Object> m = JsonValues.lastObject(out);
    assertEquals(40.0, JsonValues.number(m, "samples"));
    assertEquals(25.0, JsonValues.number(m, "rate"));
    assertEquals(Map.of("a", List.of(1L, 2L)), m.get("r"));
  }

  @Test
  void shouldSayWhenTheOutputHasNoJsonLine() {
    IOException e = assertThrows(IOException.class, () -> JsonValues.lastObject("Traceback\nboom"));
    assertTrue(e.getMessage().contains("no JSON summary line") && e.getMessage().contains("boom"));
  }

  @Test
  void shouldNameAMissingOrNonNumericField() throws IOException {
    Map<String, Object> m = JsonValues.lastObject("{\"name\": \"x\"}");
    IOException missing = assertThrows(IOException.class, () -> JsonValues.number(m, "seconds"));
    assertTrue(missing.getMessage().contains("'seconds'"), missing.getMessage());
    assertThrows(IOException.class, () -> JsonValues.number(m, "name"));
  }
}
