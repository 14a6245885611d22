package dev.nuload.nuscenes.petr;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.nuload.image.ChannelNormalization;
import dev.nuload.image.TensorDType;
import dev.nuload.nuscenes.JsonValues;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form {@code nuload-pipeline/1} of a {@link PetrConfig} (docs/format/pipeline-config.md):
 * reading with the documented defaults and refusals, and writing. Every refusal is an {@link
 * IllegalArgumentException} whose message starts with the origin (the file) and names the key path
 * and value, e.g. {@code cfg.json: ida_aug_conf.rot_lim [-5.4, 5.4] is not served: nuload serves
 * [0, 0] only}. Unknown keys are refused at every level and so are duplicate keys, so a typo never
 * falls back to a default.
 *
 * <p>What the file does not hold: the image mode and the output dtype (nuload's own choices; a
 * config read here is {@link ImageMode#EXACT} and {@link TensorDType#FLOAT32}) and {@code source}
 * (read and checked, not kept).
 */
final class PipelineConfigJson {
  /** The value of {@code format}. */
  static final String FORMAT = "nuload-pipeline/1";

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final List<String> TOP =
      List.of(
          "format",
          "name",
          "source",
          "cameras",
          "frames",
          "ida_aug_conf",
          "global_rot_scale_trans",
          "img_norm_cfg",
          "size_divisor",
          "class_names",
          "point_cloud_range",
          "use_valid_flag",
          "sweep_range",
          "sweep_interval");
  private static final List<String> IDA =
      List.of("H", "W", "final_dim", "resize_lim", "bot_pct_lim", "rot_lim", "rand_flip");
  private static final List<String> GLOBAL =
      List.of("rot_range", "scale_ratio_range", "translation_std", "reverse_angle");
  private static final List<String> NORM = List.of("mean", "std", "to_rgb");
  private static final List<Double> DEFAULT_RANGE = List.of(-51.2, -51.2, -5.0, 51.2, 51.2, 3.0);

  private PipelineConfigJson() {}

  /**
   * Reads a config.
   *
   * @param json the text.
   * @param origin what the messages name (the file).
   * @return the config, exact mode, float32.
   * @throws IllegalArgumentException naming origin, key path and value for anything refused.
   */
  static PetrConfig read(String json, String origin) {
    Object root;
    try (JsonParser p = JSON.createParser(json)) {
      root = JsonValues.read(p, p.nextToken());
      if (p.nextToken() != null) {
        throw new IllegalArgumentException(origin + ": text after the JSON object");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(origin + ": not valid JSON: " + e.getMessage(), e);
    }
    if (!(root instanceof Map<?, ?>)) {
      throw new IllegalArgumentException(
          origin + ": a pipeline config is a JSON object, got " + show(root));
    }
    Node top = new Node(origin, "", asMap(root), TOP);
    String format = top.string("format", null);
    if (!FORMAT.equals(format)) {
      throw top.refuse("format", format, "is not supported: nuload reads " + FORMAT);
    }
    String name = top.string("name", null);
    if (name.isEmpty()) {
      throw top.refuse("name", name, "must not be empty");
    }
    if (top.has("source") && top.get("source") != null) {
      top.string("source", null);
    }
    List<String> cameras = top.names("cameras", PetrConfig.CAMERAS);
    int frames = top.integer("frames", 1);
    if (frames != 1 && frames != 2) {
      throw top.refuse("frames", frames, "is not served: nuload serves 1 or 2");
    }

    Node ida = top.object("ida_aug_conf", IDA);
    int sourceHeight = ida.positive("H", 900);
    int sourceWidth = ida.positive("W", 1600);
    List<Long> finalDim = ida.ints("final_dim", 2, null);
    for (long d : finalDim) {
      if (d <= 0 || d > Integer.MAX_VALUE) {
        throw ida.refuse("final_dim", finalDim, "must hold two positive sizes [fH, fW]");
      }
    }
    double[] resize = ida.range("resize_lim", null);
    if (!(resize[0] > 0)
        || (int) (sourceWidth * resize[0]) < 1
        || (int) (sourceHeight * resize[0]) < 1) {
      throw ida.refuse(
          "resize_lim", ida.get("resize_lim"), "must be positive and resize H x W to at least 1x1");
    }
    double[] bot = ida.range("bot_pct_lim", List.of(0.0, 0.0));
    if (bot[0] < 0 || bot[1] >= 1) {
      throw ida.refuse("bot_pct_lim", ida.get("bot_pct_lim"), "must lie in [0, 1)");
    }
    double[] rot = ida.range("rot_lim", List.of(0.0, 0.0));
    if (rot[0] != 0 || rot[1] != 0) {
      throw ida.refuse("rot_lim", ida.get("rot_lim"), "is not served: nuload serves [0, 0] only");
    }
    boolean randFlip = ida.bool("rand_flip", false);

    double[] globalRot = {0, 0};
    double[] scale = {1, 1};
    if (top.has("global_rot_scale_trans") && top.get("global_rot_scale_trans") != null) {
      Node g = top.object("global_rot_scale_trans", GLOBAL);
      globalRot = g.range("rot_range", null);
      scale = g.range("scale_ratio_range", null);
      if (!(scale[0] > 0)) {
        throw g.refuse("scale_ratio_range", g.get("scale_ratio_range"), "must be positive");
      }
      for (double t : g.numbers("translation_std", 3, List.of(0.0, 0.0, 0.0))) {
        if (t != 0) {
          throw g.refuse(
              "translation_std",
              g.get("translation_std"),
              "is not served: nuload serves [0, 0, 0] only");
        }
      }
      if (!g.bool("reverse_angle", true)) {
        throw g.refuse("reverse_angle", false, "is not served: nuload serves true only");
      }
    }

    Node norm = top.object("img_norm_cfg", NORM);
    double[] mean = norm.numbers("mean", 3, null);
    double[] std = norm.numbers("std", 3, null);
    for (double s : std) {
      if (s == 0) {
        throw norm.refuse("std", norm.get("std"), "must not hold 0");
      }
    }
    boolean toRgb = norm.bool("to_rgb", false);

    int sizeDivisor = top.positive("size_divisor", 32);
    List<String> classes = top.names("class_names", PetrConfig.CLASSES);
    double[] pcr = top.numbers("point_cloud_range", 6, DEFAULT_RANGE);
    for (int i = 0; i < 3; i++) {
      if (!(pcr[i] < pcr[i + 3])) {
        throw top.refuse(
            "point_cloud_range",
            top.get("point_cloud_range"),
            "must be [xmin, ymin, zmin, xmax," + " ymax, zmax] with each min below its max");
      }
    }
    boolean useValidFlag = top.bool("use_valid_flag", true);
    List<Long> sweepRange = top.ints("sweep_range", 2, List.of(3L, 27L));
    if (sweepRange.get(0) < 0
        || sweepRange.get(0) >= sweepRange.get(1)
        || sweepRange.get(1) > 1e6) {
      throw top.refuse("sweep_range", sweepRange, "must be [lo, hi] with 0 <= lo < hi");
    }
    double sweepInterval = top.number("sweep_interval", 0.083);
    if (!(sweepInterval > 0)) {
      throw top.refuse("sweep_interval", sweepInterval, "must be positive");
    }
    try {
      return new PetrConfig(
          name,
          cameras,
          frames,
          sourceWidth,
          sourceHeight,
          (int) (long) finalDim.get(1),
          (int) (long) finalDim.get(0),
          resize[0],
          resize[1],
          bot[0],
          bot[1],
          randFlip,
          globalRot[0],
          globalRot[1],
          scale[0],
          scale[1],
          new ChannelNormalization(mean, std, toRgb),
          sizeDivisor,
          classes,
          useValidFlag,
          pcr,
          (int) (long) sweepRange.get(0),
          (int) (long) sweepRange.get(1),
          sweepInterval,
          ImageMode.EXACT,
          TensorDType.FLOAT32);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes a config in the documented key order; {@code global_rot_scale_trans} is null when the
   * config neither rotates nor scales.
   *
   * @param c the config (mode and dtype are not written).
   * @return pretty-printed JSON.
   */
  static String write(PetrConfig c) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("format", FORMAT);
      g.writeStringField("name", c.name());
      g.writeNullField("source");
      strings(g, "cameras", c.cameras());
      g.writeNumberField("frames", c.frames());
      g.writeObjectFieldStart("ida_aug_conf");
      g.writeNumberField("H", c.sourceHeight());
      g.writeNumberField("W", c.sourceWidth());
      g.writeFieldName("final_dim");
      g.writeArray(new int[] {c.finalHeight(), c.finalWidth()}, 0, 2);
      numbers(g, "resize_lim", c.resizeMin(), c.resizeMax());
      numbers(g, "bot_pct_lim", c.botPctMin(), c.botPctMax());
      numbers(g, "rot_lim", 0.0, 0.0);
      g.writeBooleanField("rand_flip", c.randFlip());
      g.writeEndObject();
      boolean identity =
          c.globalRotMin() == 0 && c.globalRotMax() == 0 && c.scaleMin() == 1 && c.scaleMax() == 1;
      if (identity) {
        g.writeNullField("global_rot_scale_trans");
      } else {
        g.writeObjectFieldStart("global_rot_scale_trans");
        numbers(g, "rot_range", c.globalRotMin(), c.globalRotMax());
        numbers(g, "scale_ratio_range", c.scaleMin(), c.scaleMax());
        numbers(g, "translation_std", 0.0, 0.0, 0.0);
        g.writeBooleanField("reverse_angle", true);
        g.writeEndObject();
      }
      g.writeObjectFieldStart("img_norm_cfg");
      numbers(g, "mean", c.normalization().mean());
      numbers(g, "std", c.normalization().std());
      g.writeBooleanField("to_rgb", c.normalization().toRgb());
      g.writeEndObject();
      g.writeNumberField("size_divisor", c.sizeDivisor());
      strings(g, "class_names", c.classes());
      numbers(g, "point_cloud_range", c.pointCloudRange());
      g.writeBooleanField("use_valid_flag", c.useValidFlag());
      g.writeFieldName("sweep_range");
      g.writeArray(new int[] {c.sweepRangeMin(), c.sweepRangeMax()}, 0, 2);
      g.writeNumberField("sweep_interval", c.sweepInterval());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to a string", e);
    }
    return out.toString();
  }

  private static void strings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String s : values) {
      g.writeString(s);
    }
    g.writeEndArray();
  }

  private static void numbers(JsonGenerator g, String field, double... values) throws IOException {
    g.writeFieldName(field);
    g.writeArray(values, 0, values.length);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }

  /** A value as the messages show it: JSON, lists on one line. */
  static String show(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "\"" + s + "\"";
    }
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      for (Object o : l) {
        parts.add(show(o));
      }
      return "[" + String.join(", ", parts) + "]";
    }
    if (v instanceof Map<?, ?>) {
      return "{...}";
    }
    return String.valueOf(v);
  }

  /** One JSON object of the config, with its key path for the messages. */
  private record Node(String origin, String prefix, Map<String, Object> map, List<String> known) {
    Node {
      for (String key : map.keySet()) {
        if (!known.contains(key)) {
          throw new IllegalArgumentException(
              origin
                  + ": unknown key "
                  + prefix
                  + key
                  + " (known here: "
                  + String.join(", ", known)
                  + ")");
        }
      }
    }

    boolean has(String key) {
      return map.containsKey(key);
    }

    Object get(String key) {
      return map.get(key);
    }

    IllegalArgumentException refuse(String key, Object value, String why) {
      return new IllegalArgumentException(
          origin + ": " + prefix + key + " " + show(value) + " " + why);
    }

    private Object required(String key, Object fallback) {
      if (map.containsKey(key) && map.get(key) != null) {
        return map.get(key);
      }
      if (fallback == null) {
        throw new IllegalArgumentException(
            origin
                + ": "
                + prefix
                + key
                + (map.containsKey(key) ? " must not be null" : " is required"));
      }
      return fallback;
    }

    Node object(String key, List<String> keys) {
      Object v = required(key, null);
      if (!(v instanceof Map<?, ?>)) {
        throw refuse(key, v, "must be an object");
      }
      return new Node(origin, prefix + key + ".", asMap(v), keys);
    }

    String string(String key, String fallback) {
      Object v = required(key, fallback);
      if (!(v instanceof String s)) {
        throw refuse(key, v, "must be a string");
      }
      return s;
    }

    boolean bool(String key, boolean fallback) {
      Object v = required(key, fallback);
      if (!(v instanceof Boolean b)) {
        throw refuse(key, v, "must be true or false");
      }
      return b;
    }

    int integer(String key, int fallback) {
      Object v = required(key, (long) fallback);
      if (!(v instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
        throw refuse(key, v, "must be an integer");
      }
      return (int) (long) l;
    }

    int positive(String key, int fallback) {
      int v = integer(key, fallback);
      if (v <= 0) {
        throw refuse(key, v, "must be positive");
      }
      return v;
    }

    double number(String key, double fallback) {
      Object v = required(key, fallback);
      if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        throw refuse(key, v, "must be a number");
      }
      return n.doubleValue();
    }

    private List<?> list(String key, int n, List<?> fallback, String what) {
      Object v = required(key, fallback);
      if (!(v instanceof List<?> l) || (n > 0 && l.size() != n)) {
        throw refuse(key, v, "must be " + what);
      }
      return l;
    }

    double[] numbers(String key, int n, List<Double> fallback) {
      String what = "a list of " + n + " numbers";
      List<?> l = list(key, n, fallback, what);
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        if (!(l.get(i) instanceof Number x) || !Double.isFinite(x.doubleValue())) {
          throw refuse(key, l, "must be " + what);
        }
        out[i] = x.doubleValue();
      }
      return out;
    }

    double[] range(String key, List<Double> fallback) {
      double[] r = numbers(key, 2, fallback);
      if (r[0] > r[1]) {
        throw refuse(key, get(key), "must be [min, max] with min <= max");
      }
      return r;
    }

    List<Long> ints(String key, int n, List<Long> fallback) {
      String what = "a list of " + n + " integers";
      List<?> l = list(key, n, fallback, what);
      List<Long> out = new ArrayList<>();
      for (Object o : l) {
        if (!(o instanceof Long x)) {
          throw refuse(key, l, "must be " + what);
        }
        out.add(x);
      }
      return out;
    }

    List<String> names(String key, List<String> fallback) {
      List<?> l = list(key, 0, fallback, "a list of names");
      Set<String> seen = new HashSet<>();
      List<String> out = new ArrayList<>();
      for (Object o : l) {
        if (!(o instanceof String s) || s.isEmpty()) {
          throw refuse(key, l, "must be a list of names");
        }
        if (!seen.add(s)) {
          throw refuse(key, l, "names " + show(s) + " twice");
        }
        out.add(s);
      }
      if (out.isEmpty()) {
        throw refuse(key, l, "must not be empty");
      }
      return out;
    }
  }
}
