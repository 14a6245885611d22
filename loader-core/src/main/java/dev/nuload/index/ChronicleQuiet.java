package dev.nuload.index;

/**
 * Chronicle settings applied before any Chronicle class initialises: no usage analytics (Chronicle
 * otherwise posts an event to an outside host on first use), no start-up banner, no disk-space
 * monitor thread. Each property is set only when the user has not set it.
 */
final class ChronicleQuiet {
  /** Properties and the value nuload gives them when unset. */
  static final String[][] PROPERTIES = {
    {"chronicle.analytics.disable", "true"},
    {"chronicle.announcer.disable", "true"},
    {"chronicle.disk.monitor.disable", "true"},
  };

  private ChronicleQuiet() {}

  /** Sets each property of {@link #PROPERTIES} that is unset. Idempotent. */
  static void apply() {
    for (String[] p : PROPERTIES) {
      if (System.getProperty(p[0]) == null) {
        System.setProperty(p[0], p[1]);
      }
    }
  }
}
