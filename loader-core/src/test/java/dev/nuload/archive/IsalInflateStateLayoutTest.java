package dev.nuload.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the {@code struct inflate_state} offsets {@link IsalRawInflater} relies on (table: {@code
 * docs/format/isal-inflate-state.md}) against the installed {@code igzip_lib.h}: a small C program
 * is compiled with gcc and prints {@code offsetof} of each field. Skipped, with a message, where
 * the header (Debian package {@code libisal-dev}) or gcc is missing.
 */
class IsalInflateStateLayoutTest {
  private static final Path HEADER = Path.of("/usr/include/isa-l/igzip_lib.h");

  @TempDir Path dir;

  @Test
  void shouldMatchStructOffsetsOfInstalledHeader() throws Exception {
    Assumptions.assumeTrue(
        Files.isRegularFile(HEADER),
        HEADER + " not installed (apt-get install libisal-dev): struct offsets not checked");
    Assumptions.assumeTrue(Tars.hasTool("gcc"), "gcc not installed: struct offsets not checked");
    String c =
        """
        #include <stdio.h>
        #include <stddef.h>
        #include <isa-l/igzip_lib.h>
        #define F(f) printf(#f " %zu\\n", offsetof(struct inflate_state, f))
        int main(void) {
          printf("sizeof %zu\\n", sizeof(struct inflate_state));
          F(next_out); F(avail_out); F(next_in); F(avail_in); F(read_in_length);
          F(block_state); F(crc_flag); F(crc); F(hist_bits);
          F(total_out); F(read_in); F(tmp_in_size); F(tmp_out_valid); F(tmp_out_processed);
          F(tmp_out_buffer);
          printf("ISAL_BLOCK_HDR %d\\n", (int) ISAL_BLOCK_HDR);
          printf("ISAL_BLOCK_NEW_HDR %d\\n", (int) ISAL_BLOCK_NEW_HDR);
          printf("sizeof_tmp_in_size %zu\\n", sizeof(((struct inflate_state *) 0)->tmp_in_size));
          printf("ISAL_BLOCK_FINISH %d\\n", (int) ISAL_BLOCK_FINISH);
          printf("ISAL_GZIP_NO_HDR %d\\n", ISAL_GZIP_NO_HDR);
          printf("ISAL_NEED_DICT %d\\n", ISAL_NEED_DICT);
          printf("sizeof_read_in_length %zu\\n", sizeof(((struct inflate_state *) 0)->read_in_length));
          printf("sizeof_block_state %zu\\n", sizeof(((struct inflate_state *) 0)->block_state));
          return 0;
        }
        """;
    Path src = Files.writeString(dir.resolve("layout.c"), c);
    Tars.run(dir, "gcc", "-o", "layout", src.toString());
    String out = Tars.run(dir, dir.resolve("layout").toString());
    Map<String, Long> got = new HashMap<>();
    for (String line : out.split("\n")) {
      String[] kv = line.trim().split(" ");
      got.put(kv[0], Long.parseLong(kv[1]));
    }
    assertEquals(IsalRawInflater.STATE_SIZE, got.get("sizeof"), "sizeof(struct inflate_state)");
    assertEquals(IsalRawInflater.NEXT_OUT, got.get("next_out"), "next_out");
    assertEquals(IsalRawInflater.AVAIL_OUT, got.get("avail_out"), "avail_out");
    assertEquals(IsalRawInflater.NEXT_IN, got.get("next_in"), "next_in");
    assertEquals(IsalRawInflater.AVAIL_IN, got.get("avail_in"), "avail_in");
    assertEquals(IsalRawInflater.READ_IN_LENGTH, got.get("read_in_length"), "read_in_length");
    assertEquals(IsalRawInflater.BLOCK_STATE, got.get("block_state"), "block_state");
    assertEquals(IsalRawInflater.CRC_FLAG, got.get("crc_flag"), "crc_flag");
    assertEquals(IsalRawInflater.CRC, got.get("crc"), "crc");
    assertEquals(IsalRawInflater.HIST_BITS, got.get("hist_bits"), "hist_bits");
    assertEquals(IsalRawInflater.TOTAL_OUT, got.get("total_out"), "total_out");
    assertEquals(IsalRawInflater.READ_IN, got.get("read_in"), "read_in");
    assertEquals(IsalRawInflater.TMP_IN_SIZE, got.get("tmp_in_size"), "tmp_in_size");
    assertEquals(IsalRawInflater.TMP_OUT_VALID, got.get("tmp_out_valid"), "tmp_out_valid");
    assertEquals(
        IsalRawInflater.TMP_OUT_PROCESSED, got.get("tmp_out_processed"), "tmp_out_processed");
    assertEquals(IsalRawInflater.TMP_OUT_BUFFER, got.get("tmp_out_buffer"), "tmp_out_buffer");
    assertEquals(2L, got.get("sizeof_tmp_in_size"));
    assertEquals((long) IsalRawInflater.ISAL_BLOCK_HDR, got.get("ISAL_BLOCK_HDR"));
    assertEquals((long) IsalRawInflater.ISAL_BLOCK_NEW_HDR, got.get("ISAL_BLOCK_NEW_HDR"));
    assertEquals(4L, got.get("sizeof_read_in_length"));
    assertEquals(4L, got.get("sizeof_block_state"));
    assertEquals((long) IsalRawInflater.ISAL_BLOCK_FINISH, got.get("ISAL_BLOCK_FINISH"));
    assertEquals((long) IsalRawInflater.ISAL_GZIP_NO_HDR, got.get("ISAL_GZIP_NO_HDR"));
    assertEquals((long) IsalRawInflater.ISAL_NEED_DICT, got.get("ISAL_NEED_DICT"));
  }
}
