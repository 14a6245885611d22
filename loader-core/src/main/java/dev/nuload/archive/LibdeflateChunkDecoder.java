package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Decodes a run of deflate blocks (from a proven block boundary, with the 32 KiB before it known)
 * in one call to libdeflate ({@code libdeflate.so.0}, Debian/Ubuntu package {@code libdeflate0}),
 * through a stream built by {@link DeflateSplice}. On the JPEG-heavy archives of nuScenes
 * libdeflate inflates about 1.26x as fast as ISA-L (one core, timed from C outside the bench), but
 * only whole streams held in memory; ISA-L still finds the boundaries and decodes where the window
 * is not known yet ({@link ParallelGzipInflater}).
 *
 * <p>The built stream lives in a native buffer from {@code malloc}, kept and reused between calls
 * (pages are touched only as far as a run needs), freed by {@link #close()}; the output goes to a
 * buffer the caller owns (for example from {@link #allocate}).
 */
final class LibdeflateChunkDecoder implements AutoCloseable {
  /** Shared-object name of libdeflate. */
  static final String LIBRARY = "libdeflate.so.0";

  /** System property; {@code false} keeps every chunk on ISA-L. */
  static final String PROP_NAME = "nuload.libdeflate";

  private static final int LIBDEFLATE_SUCCESS = 0;

  private static final MemorySegment ALLOC_SYMBOL;
  private static final MemorySegment FREE_SYMBOL;
  private static final MemorySegment DECOMPRESS_SYMBOL;

  /** Why the library did not load, or null when it did. */
  static final Throwable LOAD_FAILURE;

  static {
    MemorySegment alloc = null;
    MemorySegment free = null;
    MemorySegment decompress = null;
    Throwable failure = null;
    try {
      SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
      alloc = find(lib, "libdeflate_alloc_decompressor");
      free = find(lib, "libdeflate_free_decompressor");
      decompress = find(lib, "libdeflate_deflate_decompress_ex");
    } catch (Throwable t) { // IllegalArgumentException (not found), IllegalCallerException, ...
      failure = t;
    }
    ALLOC_SYMBOL = alloc;
    FREE_SYMBOL = free;
    DECOMPRESS_SYMBOL = decompress;
    LOAD_FAILURE = failure;
  }

  /** The downcall handles, linked on first use. */
  private static final class Handles {
    private static final Linker LINKER = Linker.nativeLinker();
    // struct libdeflate_decompressor *libdeflate_alloc_decompressor(void)
    static final MethodHandle ALLOC =
        LINKER.downcallHandle(ALLOC_SYMBOL, FunctionDescriptor.of(ADDRESS));
    // void libdeflate_free_decompressor(struct libdeflate_decompressor *)
    static final MethodHandle FREE =
        LINKER.downcallHandle(FREE_SYMBOL, FunctionDescriptor.ofVoid(ADDRESS));
    // enum libdeflate_result libdeflate_deflate_decompress_ex(d, in, in_nbytes, out,
    //     out_nbytes_avail, size_t *actual_in_nbytes_ret, size_t *actual_out_nbytes_ret)
    static final MethodHandle DECOMPRESS =
        LINKER.downcallHandle(
            DECOMPRESS_SYMBOL,
            FunctionDescriptor.of(
                JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    static final MethodHandle MALLOC =
        LINKER.downcallHandle(
            LINKER.defaultLookup().find("malloc").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    static final MethodHandle FREE_MEMORY =
        LINKER.downcallHandle(
            LINKER.defaultLookup().find("free").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));
  }

  private static MemorySegment find(SymbolLookup lib, String name) {
    return lib.find(name)
        .orElseThrow(() -> new IllegalArgumentException(LIBRARY + " lacks symbol " + name));
  }

  /**
   * Tells whether chunks may be decoded with libdeflate: the library loaded and {@value #PROP_NAME}
   * is not {@code false}.
   *
   * @return true when usable.
   */
  static boolean usable() {
    return LOAD_FAILURE == null && !"false".equalsIgnoreCase(System.getProperty(PROP_NAME));
  }

  /** How a run ended. */
  enum Outcome {
    /** The run ended at the given bit, which is a block boundary. */
    AT_END,
    /** The original stream's final block ended inside the run ({@link #endByte()}). */
    FINISHED,
    /**
     * Not decoded: bad data, no block boundary at the given end, or more output than allowed. The
     * caller decodes the run another way, which also finds out which it was.
     */
    FAILED
  }

  private final Arena arena = Arena.ofShared(); // pooled: used by whichever thread takes it
  private final MemorySegment sizes = arena.allocate(16, 8);
  private final MemorySegment decompressor;
  private MemorySegment in = MemorySegment.NULL;
  private MemorySegment output = MemorySegment.NULL;
  private long endByte = -1;
  private final java.nio.channels.FileChannel channel;

  /**
   * Creates a decoder; {@link #usable()} must be true.
   *
   * @param channel the file the source segments map: each run's bytes are read from it rather than
   *     copied from the mapping (see {@link DeflateSplice#build}); null copies.
   */
  LibdeflateChunkDecoder(java.nio.channels.FileChannel channel) {
    this.channel = channel;
    try {
      decompressor = (MemorySegment) Handles.ALLOC.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException("libdeflate_alloc_decompressor failed", t);
    }
    if (decompressor.address() == 0) {
      throw new OutOfMemoryError("libdeflate_alloc_decompressor returned NULL");
    }
  }

  /** Most output of a built stream's prefix (the window and the alignment match). */
  static final int MAX_PREFIX_OUTPUT = 64 << 10;

  /**
   * Decodes the run {@code [fromBit, toBit)} of {@code source}.
   *
   * @param source the original deflate stream (a mapped file).
   * @param window the output before the run (see {@link DeflateSplice#build}).
   * @param fromBit first bit of the run, a proven block boundary.
   * @param toBit bit where the run should end at a block boundary, or -1 to decode to the end of
   *     the stream.
   * @param maxOutput most output bytes accepted (more gives {@link Outcome#FAILED}).
   * @param into where the output goes: at least {@link #MAX_PREFIX_OUTPUT} + {@code maxOutput}
   *     bytes; {@link #output()} is a slice of it.
   * @return how it ended; the output is in {@link #output()} unless {@link Outcome#FAILED}.
   */
  Outcome decode(
      MemorySegment source,
      byte[] window,
      long fromBit,
      long toBit,
      long maxOutput,
      MemorySegment into) {
    in = ensure(in, DeflateSplice.capacity(source, fromBit, toBit));
    DeflateSplice s = DeflateSplice.build(in, window, source, fromBit, toBit, channel);
    if (s.prefixOutput > MAX_PREFIX_OUTPUT || into.byteSize() < s.prefixOutput + maxOutput) {
      throw new IllegalArgumentException("output buffer too small: " + into.byteSize());
    }
    int r;
    try {
      r =
          (int)
              Handles.DECOMPRESS.invokeExact(
                  decompressor,
                  in,
                  s.length,
                  into,
                  s.prefixOutput + maxOutput,
                  sizes,
                  sizes.asSlice(8));
    } catch (Throwable t) {
      throw new IllegalStateException("libdeflate_deflate_decompress_ex failed", t);
    }
    if (r != LIBDEFLATE_SUCCESS) {
      return Outcome.FAILED;
    }
    long consumed = sizes.get(JAVA_LONG, 0);
    long produced = sizes.get(JAVA_LONG, 8);
    if (produced < s.prefixOutput) {
      return Outcome.FAILED;
    }
    output = into.asSlice(s.prefixOutput, produced - s.prefixOutput);
    if (toBit >= 0 && consumed == s.length) {
      endByte = -1;
      return Outcome.AT_END;
    }
    endByte = s.sourceEnd(consumed);
    return Outcome.FINISHED;
  }

  /**
   * Returns the output of the last successful {@link #decode}.
   *
   * @return a slice of the native output buffer, valid until the next call.
   */
  MemorySegment output() {
    return output;
  }

  /**
   * Returns the source byte just past the stream's final block after {@link Outcome#FINISHED}.
   *
   * @return a byte offset in the source.
   */
  long endByte() {
    return endByte;
  }

  private static MemorySegment ensure(MemorySegment buf, long size) {
    if (buf.byteSize() >= size) {
      return buf;
    }
    // Whole MiB and a quarter more at least: runs of slightly different lengths then share one
    // buffer (a new buffer is new pages, each faulted in on first touch).
    size = Math.max(size, buf.byteSize() + buf.byteSize() / 4);
    size = (size + (1 << 20) - 1) & -(1L << 20);
    MemorySegment m;
    try {
      m = (MemorySegment) Handles.MALLOC.invokeExact(size);
    } catch (Throwable t) {
      throw new IllegalStateException("malloc failed", t);
    }
    if (m.address() == 0) {
      throw new OutOfMemoryError("malloc(" + size + ") returned NULL");
    }
    // Freed only once the new buffer exists: a failed malloc leaves the field on a live buffer,
    // which close() frees once.
    freeMemory(buf);
    return m.reinterpret(size);
  }

  /**
   * Returns {@code size} bytes from {@code malloc} (not zeroed: pages are touched only as far as
   * they are written); give them back with {@link #freeMemory}.
   */
  static MemorySegment allocate(long size) {
    return ensure(MemorySegment.NULL, size);
  }

  static void freeMemory(MemorySegment buf) {
    if (buf.address() == 0) {
      return;
    }
    try {
      Handles.FREE_MEMORY.invokeExact(buf);
    } catch (Throwable t) {
      throw new IllegalStateException("free failed", t);
    }
  }

  @Override
  public void close() {
    freeMemory(in);
    in = MemorySegment.NULL;
    output = MemorySegment.NULL;
    try {
      Handles.FREE.invokeExact(decompressor);
    } catch (Throwable t) {
      throw new IllegalStateException("libdeflate_free_decompressor failed", t);
    }
    arena.close();
  }
}
