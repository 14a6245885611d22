package dev.nuload.nuscenes.synth;

import java.util.List;

/** Everything simulated for one scene, held only until its tables and files are written. */
final class SceneData {
  /** Frames of one sensor, in time order. */
  static final class Frames {
    final long[] ts;
    final boolean[] key;
    final int[] sample;
    final String[] tokens;
    final double[][] egoT;
    final double[][] egoQ;

    Frames(int n) {
      ts = new long[n];
      key = new boolean[n];
      sample = new int[n];
      tokens = new String[n];
      egoT = new double[n][];
      egoQ = new double[n][];
    }

    int size() {
      return ts.length;
    }
  }

  final DatasetPlan.ScenePlan plan;
  String token;
  String description;
  long[] sampleTs;
  String[] sampleTokens;
  EgoTrajectory ego;
  String[] calibTokens;
  Frames[] frames;
  List<Tracks.Track> tracks;

  SceneData(DatasetPlan.ScenePlan plan) {
    this.plan = plan;
  }

  double seconds(long micros) {
    return (micros - sampleTs[0]) / 1e6;
  }
}
