package dev.nuload.nuscenes;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads small JSON documents (manifests, test fixtures) into plain Java values with Jackson's
 * streaming parser: objects become insertion-ordered maps, arrays lists, integers {@code Long},
 * other numbers {@code Double}. Not for the large nuScenes tables, which have their own columnar
 * reader.
 */
public final class JsonValues {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonValues() {}

  /**
   * Reads the last line of {@code text} that holds a JSON object: the summary line a child process
   * (a Python consumer, a baseline script) prints after its progress output.
   *
   * @param text the child's output.
   * @return the object's fields.
   * @throws IOException when no line holds a JSON object, naming the output's end.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> lastObject(String text) throws IOException {
    String[] lines = text.strip().split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      String line = lines[i].strip();
      if (line.startsWith("{")) {
        try (JsonParser p = FACTORY.createParser(line)) {
          return (Map<String, Object>) read(p, p.nextToken());
        }
      }
    }
    String tail = text.length() > 500 ? "..." + text.substring(text.length() - 500) : text;
    throw new IOException("no JSON summary line in the output: " + tail.strip());
  }

  /**
   * Returns a numeric field of a JSON object.
   *
   * @param object the object's fields.
   * @param key the field.
   * @return its value.
   * @throws IOException when the field is missing or not a number, naming it.
   */
  public static double number(Map<String, Object> object, String key) throws IOException {
    if (object.get(key) instanceof Number n) {
      return n.doubleValue();
    }
    throw new IOException("JSON summary has no number '" + key + "': " + object);
  }

  /**
   * Reads one JSON value into maps, lists, strings, numbers, booleans and nulls.
   *
   * @param p the parser, positioned on the value's first token.
   * @param t that token.
   * @return the value.
   * @throws IOException on malformed JSON.
   */
  public static Object read(JsonParser p, JsonToken t) throws IOException {
    if (t == null) {
      throw new IOException("unexpected end of JSON");
    }
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String name = p.currentName();
          m.put(name, read(p, p.nextToken()));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          l.add(read(p, e));
        }
        return l;
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
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IOException("unexpected JSON token " + t);
    }
  }
}
