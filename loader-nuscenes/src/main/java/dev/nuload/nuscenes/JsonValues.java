package dev.nuload.nuscenes;

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
  private JsonValues() {}

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
