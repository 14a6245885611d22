package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.zip.DataFormatException;

/**
 * One ISA-L raw deflate decoder that reads straight from a compressed stream in memory (a mapped
 * file) and can start at any bit offset, with an optional 32 KiB window standing in for the output
 * that came before. It tells its exact input position in bits, so a caller can check that it
 * stopped at a given block boundary. No checksum is computed here.
 *
 * <p>Starting mid-byte writes the remaining bits of the first byte into ISA-L's bit buffer ({@code
 * read_in}, {@code read_in_length}); the position is the input handed over minus what ISA-L has not
 * used: bits in {@code read_in}, bytes left in {@code avail_in}, and the bytes of a cut block
 * header it holds back ({@code tmp_in_size}). Field offsets: {@code
 * docs/format/isal-inflate-state.md}.
 */
final class IsalChunkDecoder implements AutoCloseable {
  /** Window (history) size of deflate. */
  static final int WINDOW = 32 * 1024;

  private final Arena arena = Arena.ofConfined();
  private final MemorySegment state;
  private final MemorySegment out;
  private final MemorySegment input;
  private long fedEnd;

  /**
   * Creates a decoder.
   *
   * @param input the whole compressed stream.
   * @param outCapacity size of the native output buffer (most bytes per {@link #inflate} call).
   */
  IsalChunkDecoder(MemorySegment input, int outCapacity) {
    if (!IsalRawInflater.available()) {
      throw new IllegalStateException(
          IsalRawInflater.LIBRARY + " not usable: " + IsalRawInflater.LOAD_FAILURE);
    }
    this.input = input;
    this.state = arena.allocate(IsalRawInflater.STATE_SIZE, 64);
    this.out = arena.allocate(outCapacity, 64);
  }

  /**
   * Starts decoding at {@code bit}, with {@code window} (up to {@link #WINDOW} bytes, or null for
   * none) as the output before it; a back-reference reaching before the window is an error.
   *
   * @param bit bit offset in the input of a block header.
   * @param window the preceding output or a stand-in for it, or null at the start of a stream.
   */
  void start(long bit, MemorySegment window) {
    try {
      IsalRawInflater.Handles.INIT.invokeExact(state);
      state.set(JAVA_INT, IsalRawInflater.CRC_FLAG, 0); // ISAL_DEFLATE: raw, no checksum
      state.set(JAVA_INT, IsalRawInflater.HIST_BITS, 0);
      if (window != null) {
        int r =
            (int)
                IsalRawInflater.Handles.SET_DICT.invokeExact(
                    state, window, (int) Math.min(WINDOW, window.byteSize()));
        if (r != 0) {
          throw new IllegalStateException("isal_inflate_set_dict failed: " + r);
        }
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("isal_inflate_init failed", t);
    }
    long byteOff = bit >>> 3;
    int skip = (int) (bit & 7);
    if (skip != 0) {
      state.set(
          JAVA_LONG, IsalRawInflater.READ_IN, (input.get(JAVA_BYTE, byteOff) & 0xffL) >>> skip);
      state.set(JAVA_INT, IsalRawInflater.READ_IN_LENGTH, 8 - skip);
      byteOff++;
    }
    fedEnd = byteOff;
    state.set(ADDRESS, IsalRawInflater.NEXT_IN, input.asSlice(byteOff, 0));
    state.set(JAVA_INT, IsalRawInflater.AVAIL_IN, 0);
  }

  /**
   * Hands over the input up to byte {@code endByte} (exclusive); only once the previous input is
   * used up ({@link #inputLeft()} is 0).
   *
   * @param endByte end of the input to use.
   */
  void feedTo(long endByte) {
    long end = Math.min(endByte, input.byteSize());
    if (end <= fedEnd) {
      return;
    }
    int n = (int) Math.min(end - fedEnd, Integer.MAX_VALUE - 8);
    state.set(ADDRESS, IsalRawInflater.NEXT_IN, input.asSlice(fedEnd, n));
    state.set(JAVA_INT, IsalRawInflater.AVAIL_IN, n);
    fedEnd += n;
  }

  /**
   * Takes back the input handed over but not yet taken in by ISA-L (into its bit buffer or its copy
   * of a cut header); {@link #feedTo} hands it over again later, in steps of the caller's choice.
   */
  void takeBackInput() {
    fedEnd -= inputLeft();
    state.set(JAVA_INT, IsalRawInflater.AVAIL_IN, 0);
  }

  /**
   * Returns the end of the input handed over so far.
   *
   * @return a byte offset in the input.
   */
  long fedEnd() {
    return fedEnd;
  }

  /**
   * Returns input bytes handed over but not yet taken in by ISA-L.
   *
   * @return bytes left in {@code avail_in}.
   */
  int inputLeft() {
    return state.get(JAVA_INT, IsalRawInflater.AVAIL_IN);
  }

  /**
   * Decodes up to {@code max} bytes into the output buffer.
   *
   * @param max most bytes to produce (at most the output capacity).
   * @return bytes produced, readable with {@link #output()} until the next call.
   * @throws DataFormatException on invalid deflate data.
   */
  int inflate(int max) throws DataFormatException {
    int want = (int) Math.min(max, out.byteSize());
    state.set(ADDRESS, IsalRawInflater.NEXT_OUT, out);
    state.set(JAVA_INT, IsalRawInflater.AVAIL_OUT, want);
    int r;
    try {
      r = (int) IsalRawInflater.Handles.INFLATE.invokeExact(state);
    } catch (Throwable t) {
      throw new IllegalStateException("isal_inflate failed", t);
    }
    if (r < 0 || r == IsalRawInflater.ISAL_NEED_DICT) {
      throw new DataFormatException(IsalRawInflater.message(r));
    }
    return want - state.get(JAVA_INT, IsalRawInflater.AVAIL_OUT);
  }

  /**
   * Returns the native output buffer.
   *
   * @return the buffer; the last {@link #inflate} call's bytes start at 0.
   */
  MemorySegment output() {
    return out;
  }

  /**
   * Tells whether the final block was decoded and all its output handed out.
   *
   * @return true at the end of the deflate stream.
   */
  boolean finished() {
    return state.get(JAVA_INT, IsalRawInflater.BLOCK_STATE) == IsalRawInflater.ISAL_BLOCK_FINISH;
  }

  /**
   * Tells whether the decoder stopped inside (at the start of) a block header for want of input.
   *
   * @return true in {@code ISAL_BLOCK_HDR}.
   */
  boolean inHeader() {
    return state.get(JAVA_INT, IsalRawInflater.BLOCK_STATE) == IsalRawInflater.ISAL_BLOCK_HDR;
  }

  /**
   * Tells whether the decoder stopped between two blocks or inside a block header: then {@link
   * #positionBits()} is where a block begins.
   *
   * @return true in {@code ISAL_BLOCK_NEW_HDR} or {@code ISAL_BLOCK_HDR}.
   */
  boolean atBlockBoundary() {
    int s = state.get(JAVA_INT, IsalRawInflater.BLOCK_STATE);
    return s == IsalRawInflater.ISAL_BLOCK_NEW_HDR || s == IsalRawInflater.ISAL_BLOCK_HDR;
  }

  /**
   * Returns the bit offset of the first input bit not yet decoded. When {@link #inHeader()}, it is
   * where the cut block header starts; after {@link #finished()}, where the deflate stream ends.
   *
   * @return a bit offset in the input.
   */
  long positionBits() {
    long unused =
        8L * state.get(JAVA_INT, IsalRawInflater.AVAIL_IN)
            + state.get(JAVA_INT, IsalRawInflater.READ_IN_LENGTH)
            + 8L * state.get(JAVA_SHORT, IsalRawInflater.TMP_IN_SIZE);
    return 8 * fedEnd - unused;
  }

  /**
   * Replaces this decoder's window with real bytes, where this decoder and {@code other} started at
   * the same point with the two stand-in windows of {@link WindowResolver}: every byte of ISA-L's
   * window (its copy of the recent output, including output decoded but not yet handed out) that
   * differs between the two came from the stand-in and is replaced by the real window byte it
   * names. Afterwards this decoder's output is real and {@code other} is not needed.
   *
   * @param other the decoder with the second stand-in window, at the same position.
   * @param window the real {@link #WINDOW} bytes before the start.
   * @return false when the window is not held as one plain copy right now (try after the next
   *     call).
   */
  boolean resolveWindow(IsalChunkDecoder other, byte[] window) {
    int valid = state.get(JAVA_INT, IsalRawInflater.TMP_OUT_VALID);
    int processed = state.get(JAVA_INT, IsalRawInflater.TMP_OUT_PROCESSED);
    if (valid < WINDOW
        || valid != other.state.get(JAVA_INT, IsalRawInflater.TMP_OUT_VALID)
        || processed != other.state.get(JAVA_INT, IsalRawInflater.TMP_OUT_PROCESSED)) {
      return false;
    }
    // The window is the last WINDOW bytes decoded; output decoded but not handed out yet starts at
    // `processed` and may begin before it: resolve both, or those bytes would come out unresolved.
    int from = Math.min(processed, valid - WINDOW);
    long at = IsalRawInflater.TMP_OUT_BUFFER + from;
    for (int i = 0; i < valid - from; i++) {
      byte a = state.get(JAVA_BYTE, at + i);
      byte b = other.state.get(JAVA_BYTE, at + i);
      if (a != b) {
        state.set(JAVA_BYTE, at + i, window[WindowResolver.standIn(a, b)]);
      }
    }
    return true;
  }

  @Override
  public void close() {
    arena.close();
  }
}
