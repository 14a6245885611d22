package dev.nuload.nuscenes.infos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.nuload.nuscenes.table.NuScenesTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceFingerprintTest {
  @TempDir Path dir;

  @BeforeEach
  void writeTables() throws Exception {
    for (NuScenesTable t : NuScenesTable.values()) {
      Files.writeString(dir.resolve(t.fileName()), "[{\"token\": \"" + t.tableName() + "\"}]\n");
    }
  }

  @Test
  void shouldBeStableWhenNothingChanged() {
    assertEquals(SourceFingerprint.of(dir), SourceFingerprint.of(dir));
  }

  @Test
  void shouldChangeWhenTableIsTouched() throws Exception {
    SourceFingerprint before = SourceFingerprint.of(dir);
    Path f = dir.resolve("sample.json");
    Files.setLastModifiedTime(
        f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5000));
    assertNotEquals(before.value(), SourceFingerprint.of(dir).value());
  }

  @Test
  void shouldChangeWhenSameSizeContentChangesWithMtimeRestored() throws Exception {
    Path f = dir.resolve("scene.json");
    FileTime mtime = Files.getLastModifiedTime(f);
    SourceFingerprint before = SourceFingerprint.of(dir);
    Files.writeString(f, Files.readString(f).replace("scene", "SCENE"));
    Files.setLastModifiedTime(f, mtime);
    assertNotEquals(before.value(), SourceFingerprint.of(dir).value());
  }

  @Test
  void shouldRecordMissingTableAsMissing() throws Exception {
    Files.delete(dir.resolve("map.json"));
    SourceFingerprint fp = SourceFingerprint.of(dir);
    assertEquals(-1, fp.tables().get(NuScenesTable.MAP.ordinal()).size());
  }

  @Test
  void shouldHashOnlyTheEdgesOfLargeTables() throws Exception {
    Path f = dir.resolve("ego_pose.json");
    byte[] big = new byte[3 * SourceFingerprint.EDGE_BYTES];
    Files.write(f, big);
    FileTime mtime = Files.getLastModifiedTime(f);
    SourceFingerprint before = SourceFingerprint.of(dir);
    big[big.length / 2] = 1; // the middle MiB is not hashed: documented blind spot
    Files.write(f, big);
    Files.setLastModifiedTime(f, mtime);
    assertEquals(before.value(), SourceFingerprint.of(dir).value());
  }
}
