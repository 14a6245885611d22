package dev.nuload.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.shm.RingBatch;
import dev.nuload.shm.RingReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RingServerTest {
  @TempDir Path dir;

  /**
   * Serves 3 batches to a consumer that holds each for 1.2 s, so the status line is printed at
   * least twice; returns what the status writer received.
   */
  private String serveSlowly(boolean redraw) throws Exception {
    Path ring = dir.resolve("status.ring");
    EngineOptions options = EngineOptions.builder().batchSize(2).slots(2).workers(1).build();
    CompletableFuture<Integer> consumer =
        CompletableFuture.supplyAsync(
            () -> {
              int batches = 0;
              try (RingReader r = openWhenReady(ring)) {
                RingBatch b;
                while ((b = r.next()) != null) {
                  Thread.sleep(1200);
                  r.release(b);
                  batches++;
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
              return batches;
            });
    StringWriter text = new StringWriter();
    RingServer.Result result =
        RingServer.serve(
            ring,
            new PatternSampleSource(6, 1, 4, 4, Set.of()),
            options,
            30_000,
            0,
            new PrintWriter(text),
            redraw);
    assertEquals(3, consumer.get());
    assertEquals(3, result.batches());
    return text.toString();
  }

  private static RingReader openWhenReady(Path ring) throws Exception {
    for (int i = 0; ; i++) {
      try {
        return RingReader.open(ring, Duration.ofSeconds(10));
      } catch (java.io.IOException | RuntimeException e) {
        if (i > 200) {
          throw e;
        }
        Thread.sleep(25);
      }
    }
  }

  @Test
  void shouldRedrawTheStatusLineInPlaceAndEndItWithOneNewLine() throws Exception {
    String text = serveSlowly(true);
    assertTrue(text.startsWith("\rserve: "), text);
    assertTrue(text.indexOf('\r', 1) > 0, "redrawn at least twice: " + text);
    assertEquals(text.length() - 1, text.indexOf('\n'), "one new line, at the end: " + text);
  }

  @Test
  void shouldPrintOneStatusLinePerSecondWhenNotRedrawing() throws Exception {
    String text = serveSlowly(false);
    assertFalse(text.contains("\r"), text);
    String[] lines = text.split("\n");
    assertTrue(lines.length >= 2, text);
    for (String line : lines) {
      assertTrue(line.matches("serve: \\d+ batches, \\d+ samples, .*producer wait \\d+%"), line);
    }
  }
}
