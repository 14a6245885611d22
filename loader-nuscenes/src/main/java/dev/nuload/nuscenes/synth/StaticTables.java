package dev.nuload.nuscenes.synth;

import dev.nuload.nuscenes.synth.TableWriters.Fragment;
import dev.nuload.nuscenes.synth.TableWriters.Table;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The dataset-wide tables: category, attribute, visibility, sensor, log and map. */
final class StaticTables {
  private StaticTables() {}

  static List<Fragment> fragments(DatasetPlan plan) {
    try {
      Fragment cat = new Fragment(Table.CATEGORY);
      for (Taxonomy.Category c : Taxonomy.CATEGORIES) {
        cat.gen().writeStartObject();
        cat.string("token", c.token());
        cat.string("name", c.name());
        cat.string("description", c.description());
        cat.gen().writeNumberField("index", c.index());
        cat.gen().writeEndObject();
        cat.endRecord();
      }
      Fragment attr = new Fragment(Table.ATTRIBUTE);
      for (Taxonomy.Named a : Taxonomy.ATTRIBUTES) {
        attr.gen().writeStartObject();
        attr.string("token", a.token());
        attr.string("name", a.name());
        attr.string("description", a.description());
        attr.gen().writeEndObject();
        attr.endRecord();
      }
      Fragment vis = new Fragment(Table.VISIBILITY);
      for (Taxonomy.Visibility v : Taxonomy.VISIBILITIES) {
        vis.gen().writeStartObject();
        vis.string("description", v.description());
        vis.string("token", v.token());
        vis.string("level", v.level());
        vis.gen().writeEndObject();
        vis.endRecord();
      }
      Fragment sen = new Fragment(Table.SENSOR);
      for (Taxonomy.Sensor s : Taxonomy.SENSORS) {
        sen.gen().writeStartObject();
        sen.string("token", s.token());
        sen.string("channel", s.channel());
        sen.string("modality", s.modality());
        sen.gen().writeEndObject();
        sen.endRecord();
      }
      Fragment log = new Fragment(Table.LOG);
      for (DatasetPlan.Log l : plan.logs) {
        log.gen().writeStartObject();
        log.string("token", l.token());
        log.string("logfile", l.logfile());
        log.string("vehicle", l.vehicle());
        log.string("date_captured", l.date());
        log.string("location", l.location());
        log.gen().writeEndObject();
        log.endRecord();
      }
      Fragment map = new Fragment(Table.MAP);
      for (DatasetPlan.MapPlan m : plan.maps) {
        map.gen().writeStartObject();
        map.string("category", "semantic_prior");
        map.string("token", m.token());
        map.string("filename", "maps/" + m.token() + ".png");
        map.gen().writeFieldName("log_tokens");
        map.gen().writeStartArray();
        for (String t : m.logTokens()) {
          map.gen().writeString(t);
        }
        map.gen().writeEndArray();
        map.gen().writeEndObject();
        map.endRecord();
      }
      return List.of(
          cat.finish(), attr.finish(), vis.finish(), sen.finish(), log.finish(), map.finish());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
