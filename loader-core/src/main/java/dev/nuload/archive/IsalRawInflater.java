package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.zip.DataFormatException;

/**
 * {@link RawInflater} on Intel's ISA-L ({@code libisal.so.2}, {@code isal_inflate} from {@code
 * igzip_lib.h}), called through the FFM API. The deflate stream is decoded with {@code crc_flag =
 * ISAL_GZIP_NO_HDR}: ISA-L computes the gzip CRC-32 while it decodes; the gzip header and trailer
 * stay with {@link GzipDecoder}. ISA-L needs its pointers in native memory, so input is copied into
 * a native buffer and output copied out of one.
 *
 * <p>The few fields of {@code struct inflate_state} used here are read and written at fixed offsets
 * (x86-64, ISA-L 2.x; table in {@code docs/format/isal-inflate-state.md}, pinned by {@code
 * IsalRawInflaterTest} against the installed header). ISA-L keeps up to 8 bytes of input in a bit
 * buffer ({@code read_in}); when the stream ends, {@code read_in_length / 8} of them follow the
 * stream and are counted back by {@link #getRemaining()}.
 */
final class IsalRawInflater implements RawInflater {
  /** Shared-object name of ISA-L. */
  static final String LIBRARY = "libisal.so.2";

  /** {@code sizeof(struct inflate_state)}. */
  static final long STATE_SIZE = 87368;

  /** Offset of {@code uint8_t *next_out}. */
  static final long NEXT_OUT = 0;

  /** Offset of {@code uint32_t avail_out}. */
  static final long AVAIL_OUT = 8;

  /** Offset of {@code uint32_t total_out}. */
  static final long TOTAL_OUT = 12;

  /** Offset of {@code uint8_t *next_in}. */
  static final long NEXT_IN = 16;

  /** Offset of {@code uint64_t read_in} (the bit buffer, next bit lowest). */
  static final long READ_IN = 24;

  /** Offset of {@code uint32_t avail_in}. */
  static final long AVAIL_IN = 32;

  /** Offset of {@code int32_t read_in_length} (bits buffered in {@code read_in}). */
  static final long READ_IN_LENGTH = 36;

  /** Offset of {@code enum isal_block_state block_state}. */
  static final long BLOCK_STATE = 21160;

  /** Offset of {@code uint32_t crc_flag}. */
  static final long CRC_FLAG = 21172;

  /** Offset of {@code uint32_t crc}. */
  static final long CRC = 21176;

  /** Offset of {@code uint32_t hist_bits}. */
  static final long HIST_BITS = 21180;

  /** Offset of {@code int16_t tmp_in_size} (bytes of a cut block header held back). */
  static final long TMP_IN_SIZE = 21206;

  /** Offset of {@code int32_t tmp_out_valid}. */
  static final long TMP_OUT_VALID = 21208;

  /** Offset of {@code int32_t tmp_out_processed}. */
  static final long TMP_OUT_PROCESSED = 21212;

  /** Offset of {@code uint8_t tmp_out_buffer[]} (ISA-L's copy of the recent output, the window). */
  static final long TMP_OUT_BUFFER = 21544;

  /** {@code ISAL_BLOCK_NEW_HDR}: between two blocks. */
  static final int ISAL_BLOCK_NEW_HDR = 0;

  /** {@code ISAL_BLOCK_HDR}: stopped inside a block header for want of input. */
  static final int ISAL_BLOCK_HDR = 1;

  /** {@code ISAL_BLOCK_FINISH}: all input decoded and all output flushed. */
  static final int ISAL_BLOCK_FINISH = 5;

  /** {@code ISAL_GZIP_NO_HDR}: raw deflate, gzip CRC-32 of the output kept in {@code crc}. */
  static final int ISAL_GZIP_NO_HDR = 2;

  /** {@code ISAL_NEED_DICT}. */
  static final int ISAL_NEED_DICT = 6;

  private static final ValueLayout.OfInt U32 = JAVA_INT;
  private static final MemorySegment INIT_SYMBOL;
  private static final MemorySegment INFLATE_SYMBOL;
  private static final MemorySegment SET_DICT_SYMBOL;

  /** Why the library did not load, or null when it did. */
  static final Throwable LOAD_FAILURE;

  static {
    // Only the library and its symbols here: linking the downcalls spins classes (tens of ms of
    // CPU), done on first use by Handles so a run that never inflates gzip does not pay for it.
    MemorySegment init = null;
    MemorySegment inflate = null;
    MemorySegment setDict = null;
    Throwable failure = null;
    try {
      SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
      init = find(lib, "isal_inflate_init");
      inflate = find(lib, "isal_inflate");
      setDict = find(lib, "isal_inflate_set_dict");
    } catch (Throwable t) { // IllegalArgumentException (not found), IllegalCallerException, ...
      failure = t;
    }
    INIT_SYMBOL = init;
    INFLATE_SYMBOL = inflate;
    SET_DICT_SYMBOL = setDict;
    LOAD_FAILURE = failure;
  }

  /** The downcall handles, linked on first use. */
  static final class Handles {
    // void isal_inflate_init(struct inflate_state *state)
    static final MethodHandle INIT =
        Linker.nativeLinker().downcallHandle(INIT_SYMBOL, FunctionDescriptor.ofVoid(ADDRESS));
    // int isal_inflate(struct inflate_state *state)
    static final MethodHandle INFLATE =
        Linker.nativeLinker()
            .downcallHandle(INFLATE_SYMBOL, FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // int isal_inflate_set_dict(struct inflate_state *state, uint8_t *dict, uint32_t dict_len)
    static final MethodHandle SET_DICT =
        Linker.nativeLinker()
            .downcallHandle(
                SET_DICT_SYMBOL, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
  }

  private static MemorySegment find(SymbolLookup lib, String name) {
    return lib.find(name)
        .orElseThrow(() -> new IllegalArgumentException(LIBRARY + " lacks symbol " + name));
  }

  /**
   * Tells whether the library and its symbols loaded.
   *
   * @return true when usable.
   */
  static boolean available() {
    return LOAD_FAILURE == null;
  }

  private final Arena arena = Arena.ofConfined();
  private final MemorySegment state;
  private final MemorySegment inBuf;
  private final MemorySegment outBuf;
  private byte[] javaIn;
  private int javaPos;
  private int javaEnd;

  /**
   * Creates an engine.
   *
   * @param inCapacity native input buffer size (input is copied in pieces of this size).
   * @param outCapacity native output buffer size (most bytes one {@link #inflate} call produces).
   */
  IsalRawInflater(int inCapacity, int outCapacity) {
    if (!available()) {
      throw new IllegalStateException(LIBRARY + " not usable: " + LOAD_FAILURE, LOAD_FAILURE);
    }
    state = arena.allocate(STATE_SIZE, 64);
    inBuf = arena.allocate(Math.max(64, inCapacity), 64);
    outBuf = arena.allocate(Math.max(64, outCapacity), 64);
    reset();
  }

  @Override
  public void reset() {
    try {
      Handles.INIT.invokeExact(state);
    } catch (Throwable t) {
      throw new IllegalStateException("isal_inflate_init failed", t);
    }
    state.set(U32, CRC_FLAG, ISAL_GZIP_NO_HDR);
    state.set(U32, HIST_BITS, 0);
    state.set(ADDRESS, NEXT_IN, inBuf);
    state.set(U32, AVAIL_IN, 0);
    javaIn = null;
    javaPos = 0;
    javaEnd = 0;
  }

  @Override
  public void setInput(byte[] b, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    javaIn = b;
    javaPos = off;
    javaEnd = off + len;
  }

  @Override
  public int inflate(byte[] out, int off, int len) throws DataFormatException {
    java.util.Objects.checkFromIndexSize(off, len, out.length);
    if (len == 0 || finished()) {
      return 0;
    }
    int want = (int) Math.min(len, outBuf.byteSize());
    while (true) {
      int availIn = state.get(U32, AVAIL_IN);
      if (availIn == 0 && javaPos < javaEnd) {
        int k = (int) Math.min(javaEnd - javaPos, inBuf.byteSize());
        MemorySegment.copy(javaIn, javaPos, inBuf, JAVA_BYTE, 0, k);
        javaPos += k;
        state.set(ADDRESS, NEXT_IN, inBuf);
        state.set(U32, AVAIL_IN, k);
        availIn = k;
      }
      state.set(ADDRESS, NEXT_OUT, outBuf);
      state.set(U32, AVAIL_OUT, want);
      int r;
      try {
        r = (int) Handles.INFLATE.invokeExact(state);
      } catch (Throwable t) {
        throw new IllegalStateException("isal_inflate failed", t);
      }
      if (r < 0 || r == ISAL_NEED_DICT) {
        throw new DataFormatException(message(r));
      }
      int produced = want - state.get(U32, AVAIL_OUT);
      if (produced > 0) {
        MemorySegment.copy(outBuf, JAVA_BYTE, 0, out, off, produced);
        return produced;
      }
      int left = state.get(U32, AVAIL_IN);
      if (finished() || (left == 0 && javaPos == javaEnd)) {
        return 0;
      }
      if (left == availIn) {
        throw new DataFormatException("isal_inflate made no progress (code " + r + ")");
      }
    }
  }

  static String message(int code) {
    return switch (code) {
      case -1 -> "invalid deflate block";
      case -2 -> "invalid deflate symbol";
      case -3 -> "invalid back-reference distance";
      case ISAL_NEED_DICT -> "deflate stream needs a preset dictionary";
      default -> "isal_inflate error " + code;
    };
  }

  @Override
  public boolean finished() {
    return state.get(U32, BLOCK_STATE) == ISAL_BLOCK_FINISH;
  }

  @Override
  public boolean needsInput() {
    return !finished() && state.get(U32, AVAIL_IN) == 0 && javaPos == javaEnd;
  }

  @Override
  public int getRemaining() {
    int buffered = finished() ? state.get(U32, READ_IN_LENGTH) / 8 : 0;
    return (javaEnd - javaPos) + state.get(U32, AVAIL_IN) + buffered;
  }

  @Override
  public long crc() {
    return state.get(U32, CRC) & 0xFFFFFFFFL;
  }

  @Override
  public void close() {
    arena.close();
  }
}
