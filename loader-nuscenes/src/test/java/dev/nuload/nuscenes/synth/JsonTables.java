package dev.nuload.nuscenes.synth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.nuload.nuscenes.JsonValues;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test helper: reads a table file into maps with Jackson streaming (ints stay Long). */
final class JsonTables {
  private static final JsonFactory FACTORY = new JsonFactory();
  private final Path dir;
  private final Map<String, List<Map<String, Object>>> cache = new HashMap<>();

  JsonTables(Path dir) {
    this.dir = dir;
  }

  List<Map<String, Object>> table(String name) {
    return cache.computeIfAbsent(
        name,
        n -> {
          try (JsonParser p = FACTORY.createParser(dir.resolve(n + ".json").toFile())) {
            p.nextToken();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> l =
                (List<Map<String, Object>>) JsonValues.read(p, p.currentToken());
            return l;
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  Map<String, Map<String, Object>> byToken(String name) {
    Map<String, Map<String, Object>> m = new HashMap<>();
    for (Map<String, Object> r : table(name)) {
      m.put((String) r.get("token"), r);
    }
    return m;
  }
}
