package dev.nuload.image;

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
 * Downcall handles into {@code libturbojpeg.so.0} (libjpeg-turbo's TurboJPEG 2.x API, as declared
 * in {@code turbojpeg.h}). The library is looked up once in the global arena and stays loaded for
 * the life of the process. Functions that never call back into Java are linked as critical with
 * heap access, so Java arrays can be passed without a copy.
 */
final class TurboJpeg {
  /**
   * The TurboJPEG shared object: the system property {@value JpegCodecs#TURBOJPEG_PATH_PROP_NAME}
   * (a file path, or a name the dynamic linker resolves), else {@code libturbojpeg.so.0}.
   */
  static final String LIBRARY =
      System.getProperty(JpegCodecs.TURBOJPEG_PATH_PROP_NAME, "libturbojpeg.so.0");

  /** {@code TJPF_RGB}. */
  static final int TJPF_RGB = 0;

  /** {@code TJPF_BGR}. */
  static final int TJPF_BGR = 1;

  /** {@code TJSAMP_444}. */
  static final int TJSAMP_444 = 0;

  /** {@code TJSAMP_422}. */
  static final int TJSAMP_422 = 1;

  /** {@code TJSAMP_420}. */
  static final int TJSAMP_420 = 2;

  /** {@code TJSAMP_GRAY}. */
  static final int TJSAMP_GRAY = 3;

  /** {@code TJSAMP_440}. */
  static final int TJSAMP_440 = 4;

  /** {@code TJSAMP_411}. */
  static final int TJSAMP_411 = 5;

  /** {@code TJCS_YCbCr}. */
  static final int TJCS_YCBCR = 1;

  /** {@code TJCS_GRAY}. */
  static final int TJCS_GRAY = 2;

  /** {@code TJFLAG_NOREALLOC}: never reallocate the caller's output buffer. */
  static final int TJFLAG_NOREALLOC = 1024;

  static final MethodHandle INIT_COMPRESS;
  static final MethodHandle INIT_DECOMPRESS;
  static final MethodHandle COMPRESS2;
  static final MethodHandle DECOMPRESS_HEADER3;
  static final MethodHandle DECOMPRESS2;
  static final MethodHandle DESTROY;
  static final MethodHandle GET_ERROR_STR2;
  static final MethodHandle BUF_SIZE;
  static final MethodHandle GET_SCALING_FACTORS;
  static final MethodHandle DECOMPRESS_TO_YUV_PLANES;
  static final MethodHandle PLANE_WIDTH;
  static final MethodHandle PLANE_HEIGHT;

  /** Why the library did not load, or null when it did. */
  static final Throwable LOAD_FAILURE;

  static {
    MethodHandle initC = null;
    MethodHandle initD = null;
    MethodHandle comp = null;
    MethodHandle hdr = null;
    MethodHandle dec = null;
    MethodHandle destroy = null;
    MethodHandle err = null;
    MethodHandle bufSize = null;
    MethodHandle scaling = null;
    MethodHandle yuv = null;
    MethodHandle planeW = null;
    MethodHandle planeH = null;
    Throwable failure = null;
    try {
      Linker linker = Linker.nativeLinker();
      SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
      Linker.Option critical = Linker.Option.critical(true);
      initC = linker.downcallHandle(find(lib, "tjInitCompress"), FunctionDescriptor.of(ADDRESS));
      initD = linker.downcallHandle(find(lib, "tjInitDecompress"), FunctionDescriptor.of(ADDRESS));
      // int tjCompress2(handle, const uchar* src, int w, int pitch, int h, int pf,
      //                 uchar** jpegBuf, ulong* jpegSize, int subsamp, int qual, int flags)
      comp =
          linker.downcallHandle(
              find(lib, "tjCompress2"),
              FunctionDescriptor.of(
                  JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                  ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT),
              critical);
      // int tjDecompressHeader3(handle, const uchar* jpeg, ulong size, int* w, int* h,
      //                         int* subsamp, int* colorspace)
      hdr =
          linker.downcallHandle(
              find(lib, "tjDecompressHeader3"),
              FunctionDescriptor.of(
                  JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS),
              critical);
      // int tjDecompress2(handle, const uchar* jpeg, ulong size, uchar* dst, int w, int pitch,
      //                   int h, int pf, int flags)
      dec =
          linker.downcallHandle(
              find(lib, "tjDecompress2"),
              FunctionDescriptor.of(
                  JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                  JAVA_INT, JAVA_INT),
              critical);
      destroy =
          linker.downcallHandle(find(lib, "tjDestroy"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
      err =
          linker.downcallHandle(
              find(lib, "tjGetErrorStr2"), FunctionDescriptor.of(ADDRESS, ADDRESS));
      bufSize =
          linker.downcallHandle(
              find(lib, "tjBufSize"),
              FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));
      // tjscalingfactor* tjGetScalingFactors(int* numScalingFactors)
      scaling =
          linker.downcallHandle(
              find(lib, "tjGetScalingFactors"), FunctionDescriptor.of(ADDRESS, ADDRESS));
      // int tjDecompressToYUVPlanes(handle, const uchar* jpeg, ulong size, uchar** dstPlanes,
      //                              int width, int* strides, int height, int flags)
      yuv =
          linker.downcallHandle(
              find(lib, "tjDecompressToYUVPlanes"),
              FunctionDescriptor.of(
                  JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT,
                  JAVA_INT),
              critical);
      // int tjPlaneWidth(int componentID, int width, int subsamp), tjPlaneHeight alike
      planeW =
          linker.downcallHandle(
              find(lib, "tjPlaneWidth"),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
              critical);
      planeH =
          linker.downcallHandle(
              find(lib, "tjPlaneHeight"),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
              critical);
    } catch (Throwable t) { // IllegalArgumentException (not found), IllegalCallerException, ...
      failure = t;
    }
    INIT_COMPRESS = initC;
    INIT_DECOMPRESS = initD;
    COMPRESS2 = comp;
    DECOMPRESS_HEADER3 = hdr;
    DECOMPRESS2 = dec;
    DESTROY = destroy;
    GET_ERROR_STR2 = err;
    BUF_SIZE = bufSize;
    GET_SCALING_FACTORS = scaling;
    DECOMPRESS_TO_YUV_PLANES = yuv;
    PLANE_WIDTH = planeW;
    PLANE_HEIGHT = planeH;
    LOAD_FAILURE = failure;
  }

  private TurboJpeg() {}

  private static MemorySegment find(SymbolLookup lib, String name) {
    return lib.find(name)
        .orElseThrow(() -> new IllegalArgumentException(LIBRARY + " lacks symbol " + name));
  }

  /**
   * Tells whether the library and all symbols loaded.
   *
   * @return true when usable.
   */
  static boolean available() {
    return LOAD_FAILURE == null;
  }

  /**
   * Returns the last error message of a handle.
   *
   * @param handle a TurboJPEG instance handle.
   * @return the message, never null.
   */
  static String errorString(MemorySegment handle) {
    try {
      MemorySegment s = (MemorySegment) GET_ERROR_STR2.invokeExact(handle);
      return s.equals(MemorySegment.NULL) ? "unknown error" : s.reinterpret(512).getString(0);
    } catch (Throwable t) {
      return "unknown error (" + t + ")";
    }
  }
}
