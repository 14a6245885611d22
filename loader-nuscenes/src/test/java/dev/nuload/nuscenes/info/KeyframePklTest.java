package dev.nuload.nuscenes.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java record of the real scene-0061 keyframe against {@code bevfusion_infos_v0x.pkl}, a real
 * mmdet3d v0.x converter output (metadata version v1.0-test, so no annotation keys). The pkl's
 * paths carry the converter's {@code data/nuscenes/} root prefix; nuload stores paths relative to
 * the dataset root, so the prefix is stripped before comparing. Its single lidar sweep points at a
 * record the trimmed tables do not hold (and the trimmed tables have no prev/next fields), so only
 * the cams entries and the top-level fields are compared.
 */
class KeyframePklTest {
  private static final String PREFIX = "data/nuscenes/";

  @TempDir Path tmp;

  private static final String PKL_TO_JSON =
      "import json, pickle, sys\n"
          + "import numpy as np\n"
          + "def c(v):\n"
          + "    if isinstance(v, dict): return {k: c(x) for k, x in v.items()}\n"
          + "    if isinstance(v, (list, tuple)): return [c(x) for x in v]\n"
          + "    if isinstance(v, np.ndarray): return c(v.tolist())\n"
          + "    if isinstance(v, np.generic): return c(v.item())\n"
          + "    if isinstance(v, float) and v != v: return None\n"
          + "    return v\n"
          + "d = pickle.load(open(sys.argv[1], 'rb'))\n"
          + "json.dump(c(d), open(sys.argv[2], 'w'), allow_nan=False)\n";

  @Test
  void shouldMatchCamsAndPosesOfTheRealConverterPkl() {
    Path dir = InfoFixtures.real("keyframe-scene-0061");
    Path json = tmp.resolve("pkl.json");
    InfoFixtures.python(
        List.of(
            "-c", PKL_TO_JSON, dir.resolve("bevfusion_infos_v0x.pkl").toString(), json.toString()));
    Map<String, Object> pkl = InfoParity.map(InfoFixtures.readJson(json));
    assertEquals("v1.0-test", InfoParity.map(pkl.get("metadata")).get("version"));
    Map<String, Object> expected = InfoParity.map(((List<?>) pkl.get("infos")).get(0));

    NuScenesTables tables = NuScenesTables.load(dir.resolve("tables-trimmed"), p -> {});
    InfoBuilder builder = new InfoBuilder(tables, NuScenesVersion.TEST);
    List<InfoRecord> records = new ArrayList<>();
    builder.buildScenes(List.of("scene-0061"), records::add);
    assertEquals(1, records.size());
    InfoRecord actual = records.get(0);

    InfoParity parity =
        new InfoParity().paths(p -> p.startsWith(PREFIX) ? p.substring(PREFIX.length()) : p);
    parity.top("pkl", expected, actual);
    parity.cams("pkl", expected, actual);
    System.out.println("parity bevfusion_infos_v0x.pkl: " + parity.summary());
    assertTrue(parity.diffs.isEmpty(), parity.summary());
    assertNull(actual.annotations());
  }
}
