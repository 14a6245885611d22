package dev.nuload.nuscenes.synth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
            List<Map<String, Object>> l = (List<Map<String, Object>>) value(p);
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

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(value(p));
        }
        return l;
      }
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() != JsonToken.END_OBJECT) {
          String k = p.currentName();
          p.nextToken();
          m.put(k, value(p));
        }
        return m;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        return p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      default -> {
        return null;
      }
    }
  }
}
