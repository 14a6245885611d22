package dev.nuload.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins docs/format/extract-journal.md and docs/format/repacked-tar-zst.md to the code: every offset
 * and length in those tables appears here as a literal.
 */
class FormatLayoutTest {
  @TempDir Path dir;

  @Test
  void shouldMatchJournalByteTable() throws Exception {
    assertEquals(40, ExtractJournal.HEADER_LENGTH);
    assertEquals(16, ExtractJournal.ARCHIVE_SIZE_OFFSET);
    assertEquals(24, ExtractJournal.ARCHIVE_MTIME_OFFSET);
    assertEquals(32, ExtractJournal.CREATED_OFFSET);
    assertEquals(8, ExtractJournal.RECORD_PREFIX);
    assertEquals(11, ExtractJournal.BODY_FIXED);
    Path f = dir.resolve("x.journal");
    try (ExtractJournal j = ExtractJournal.open(f, 123456789L, 1700000000123L)) {
      j.fileDone("samples/a.jpg", 77);
      j.complete(77, "", true);
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    b.get(0, magic);
    assertArrayEquals("NULDJRN1".getBytes(StandardCharsets.US_ASCII), magic);
    assertEquals(1, b.getInt(8));
    assertEquals(40, b.getInt(12));
    assertEquals(123456789L, b.getLong(16));
    assertEquals(1700000000123L, b.getLong(24));
    // record 1 at 40: length, crc, kind, size, name length, name
    int name = "samples/a.jpg".length();
    assertEquals(11 + name, b.getInt(40));
    assertEquals(1, b.get(48));
    assertEquals(77, b.getLong(49));
    assertEquals(name, b.getShort(57));
    assertEquals("samples/a.jpg", new String(b.array(), 59, name, StandardCharsets.UTF_8));
    CRC32 crc = new CRC32();
    crc.update(b.array(), 48, 11 + name);
    assertEquals((int) crc.getValue(), b.getInt(44));
    int second = 48 + 11 + name;
    assertEquals(11, b.getInt(second));
    assertEquals(2, b.get(second + 8));
    assertEquals(second + 8 + 11, b.capacity());
  }

  @Test
  void shouldMatchRepackIndexByteTable() {
    assertEquals(0x184D2A5B, RepackIndex.SKIPPABLE_MAGIC);
    assertEquals(24, RepackIndex.PAYLOAD_HEADER);
    assertEquals(40, RepackIndex.FRAME_RECORD);
    assertEquals(11, RepackIndex.ENTRY_FIXED);
    assertEquals(16, RepackIndex.FOOTER);
    RepackIndex idx =
        new RepackIndex(
            List.of(new RepackIndex.Frame(0, 1000, 0, 4096, 0, 2)),
            List.of(
                new RepackIndex.Entry("a/", (byte) '5', 0),
                new RepackIndex.Entry("a/b", (byte) '0', 5)));
    ByteBuffer b = ByteBuffer.wrap(idx.encode()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0x184D2A5B, b.getInt(0));
    int payload = 24 + 40 + (11 + 2) + (11 + 3) + 16;
    assertEquals(payload, b.getInt(4));
    byte[] magic = new byte[8];
    b.get(8, magic);
    assertArrayEquals("NULDIDX1".getBytes(StandardCharsets.US_ASCII), magic);
    assertEquals(1, b.getInt(16));
    assertEquals(1, b.getInt(20));
    assertEquals(2, b.getLong(24));
    assertEquals(0, b.getLong(32));
    assertEquals(1000, b.getLong(40));
    assertEquals(0, b.getLong(48));
    assertEquals(4096, b.getLong(56));
    assertEquals(0, b.getInt(64));
    assertEquals(2, b.getInt(68));
    assertEquals(0, b.getLong(72));
    assertEquals('5', b.get(80));
    assertEquals(2, b.getShort(81));
    assertEquals(5, b.getLong(85));
    assertEquals(payload + 8, b.getLong(b.capacity() - 16));
    b.get(b.capacity() - 8, magic);
    assertArrayEquals("NULDIDXE".getBytes(StandardCharsets.US_ASCII), magic);
  }
}
