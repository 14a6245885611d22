package dev.nuload.nuscenes.petr;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Locale;

/**
 * The metas of one processed sample as JSON fields, named as PETR's {@code img_metas} and the
 * augmentation's parameters ({@code nuload preview}'s {@code meta.json}; the parity tests hand the
 * same fields to the Python reference): {@code views}, {@code lidar2img}, {@code intrinsics},
 * {@code extrinsics} (4x4 nested lists), {@code img_shape}, {@code pad_shape}, {@code timestamp},
 * {@code filename}, {@code sample_idx}, {@code preset}, {@code mode}, {@code dtype}, {@code
 * img_norm_cfg}, {@code augmentation} ({@code resize}, {@code resize_dims}, {@code crop} as left,
 * top, right, bottom, {@code flip}, {@code rot_angle}, {@code scale_ratio}, {@code sweep_index}),
 * {@code gt_bboxes_3d} and {@code gt_labels_3d}.
 */
public final class SampleMetaJson {
  private SampleMetaJson() {}

  /**
   * Writes the fields into the object the generator is in.
   *
   * @param g a generator inside an object.
   * @param r the sample.
   * @param c the config it was processed with.
   * @throws IOException from the generator.
   */
  public static void writeFields(JsonGenerator g, SampleResult r, PetrConfig c) throws IOException {
    g.writeArrayFieldStart("views");
    for (String v : r.views()) {
      g.writeString(v);
    }
    g.writeEndArray();
    matrices(g, "lidar2img", r.lidar2img());
    matrices(g, "intrinsics", r.intrinsics());
    matrices(g, "extrinsics", r.extrinsics());
    g.writeArrayFieldStart("img_shape");
    g.writeNumber(r.imgHeight());
    g.writeNumber(r.imgWidth());
    g.writeEndArray();
    g.writeArrayFieldStart("pad_shape");
    g.writeNumber(r.padHeight());
    g.writeNumber(r.padWidth());
    g.writeEndArray();
    g.writeArrayFieldStart("timestamp");
    for (double t : r.timestamps()) {
      g.writeNumber(t);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("filename");
    for (String f : r.filenames()) {
      g.writeString(f);
    }
    g.writeEndArray();
    g.writeStringField("sample_idx", r.token());
    g.writeStringField("preset", c.name());
    g.writeStringField("mode", c.mode().name().toLowerCase(Locale.ROOT));
    g.writeStringField("dtype", c.dtype().name().toLowerCase(Locale.ROOT));
    g.writeObjectFieldStart("img_norm_cfg");
    g.writeArrayFieldStart("mean");
    for (double m : c.normalization().mean()) {
      g.writeNumber(m);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("std");
    for (double s : c.normalization().std()) {
      g.writeNumber(s);
    }
    g.writeEndArray();
    g.writeBooleanField("to_rgb", c.normalization().toRgb());
    g.writeEndObject();
    AugmentParams p = r.params();
    g.writeObjectFieldStart("augmentation");
    g.writeNumberField("resize", p.resizeRatio());
    g.writeArrayFieldStart("resize_dims");
    g.writeNumber(p.resizeWidth());
    g.writeNumber(p.resizeHeight());
    g.writeEndArray();
    g.writeArrayFieldStart("crop");
    g.writeNumber(p.cropLeft());
    g.writeNumber(p.cropTop());
    g.writeNumber(p.cropLeft() + c.finalWidth());
    g.writeNumber(p.cropTop() + c.finalHeight());
    g.writeEndArray();
    g.writeBooleanField("flip", p.flip());
    g.writeNumberField("rot_angle", p.rotation());
    g.writeNumberField("scale_ratio", p.scale());
    g.writeNumberField("sweep_index", r.sweepIndex());
    g.writeEndObject();
    PetrTargets t = r.targets();
    g.writeArrayFieldStart("gt_bboxes_3d");
    for (int b = 0; b < t.size(); b++) {
      g.writeStartArray();
      for (int k = 0; k < 9; k++) {
        g.writeNumber(t.boxes()[b * 9 + k]);
      }
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("gt_labels_3d");
    for (int l : t.labels()) {
      g.writeNumber(l);
    }
    g.writeEndArray();
  }

  private static void matrices(JsonGenerator g, String name, double[][] ms) throws IOException {
    g.writeArrayFieldStart(name);
    for (double[] m : ms) {
      g.writeStartArray();
      for (int i = 0; i < 4; i++) {
        g.writeStartArray();
        for (int j = 0; j < 4; j++) {
          g.writeNumber(m[i * 4 + j]);
        }
        g.writeEndArray();
      }
      g.writeEndArray();
    }
    g.writeEndArray();
  }
}
