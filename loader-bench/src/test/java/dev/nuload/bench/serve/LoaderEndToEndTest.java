package dev.nuload.bench.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.nuscenes.JsonValues;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoaderEndToEndTest {
  /** A summary line as loader_bench.py prints it (after its other output). */
  private static String line(double nuloadFirst, double nuloadRate, double dlFirst, double dlRate) {
    return String.format(
        Locale.ROOT,
        "warming up\n{\"config\": \"petr\", \"batch_size\": 2, \"workers\": 2, \"nuload\":"
            + " {\"first_batch_s\": %s, \"steady_samples_per_s\": %s, \"batches\": 10,"
            + " \"samples\": 20, \"server_peak_rss_mib\": 300.0, \"trainer_peak_rss_mib\": 480.0},"
            + " \"dataloader\": {\"first_batch_s\": %s, \"steady_samples_per_s\": %s,"
            + " \"batches\": 10, \"samples\": 20, \"workers_peak_rss_mib\": null,"
            + " \"trainer_peak_rss_mib\": 290.0}, \"steady_ratio\": 2.0}",
        nuloadFirst,
        nuloadRate,
        dlFirst,
        dlRate);
  }

  private static LoaderEndToEnd.Run run(String text) throws IOException {
    return LoaderEndToEnd.Run.of(JsonValues.lastObject(text));
  }

  @Test
  void shouldReadBothLoadersFiguresFromTheSummaryLine() throws Exception {
    LoaderEndToEnd.Run r = run(line(2.0, 16.0, 0.8, 8.0));
    assertEquals(new LoaderEndToEnd.Side(2.0, 16.0, 480.0, 300.0), r.nuload());
    assertEquals(0.8, r.dataloader().firstBatchS());
    assertEquals(8.0, r.dataloader().samplesPerS());
    assertTrue(Double.isNaN(r.dataloader().loaderPeakRssMib()), "null reads as unknown");
  }

  @Test
  void shouldRefuseASummaryWithoutTheLoaders() {
    assertThrows(IOException.class, () -> run("{\"nuload\": {\"first_batch_s\": 1}}"));
    assertThrows(
        IOException.class,
        () -> run("{\"nuload\": {\"first_batch_s\": 1}, \"dataloader\": {\"first_batch_s\": 1}}"));
  }

  @Test
  void shouldReportMediansAndRatiosPerSetting() throws Exception {
    List<LoaderEndToEnd.Run> exact =
        List.of(
            run(line(2.0, 16.0, 0.8, 8.0)),
            run(line(3.0, 12.0, 1.2, 6.0)),
            run(line(2.5, 14.0, 1.0, 7.0)));
    List<LoaderEndToEnd.Run> fast = List.of(run(line(1.0, 30.0, 1.0, 10.0)));
    LoaderEndToEnd.Result result =
        new LoaderEndToEnd.Result("real JPEGs", 2, 10, List.of(exact, fast));
    List<String> md = result.markdown();
    assertTrue(
        md.contains("| exact float32 | 2.50 s | 1.00 s | 0.40x | 14.00 | 7.00 | 2.00x |"),
        String.join("\n", md));
    assertTrue(md.contains("| fast uint8 | 1.00 s | 1.00 s | 1.00x | 30.00 | 10.00 | 3.00x |"));
    assertTrue(md.contains("| exact float32 | 480 MiB | 300 MiB | 290 MiB | unknown |"));
    assertTrue(md.stream().anyMatch(l -> l.contains("median of 3 round(s)")));
    Map<String, Object> json = result.json();
    assertEquals(10, json.get("batches_after_first"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> settings = (List<Map<String, Object>>) json.get("settings");
    assertEquals(2, settings.size());
    assertEquals("uint8", settings.get(1).get("dtype"));
    assertEquals(2.0, (double) settings.get(0).get("steady_ratio"), 1e-12);
    assertEquals(0.4, (double) settings.get(0).get("first_batch_ratio"), 1e-12);
    assertEquals(3, ((List<?>) settings.get(0).get("runs")).size());
  }
}
