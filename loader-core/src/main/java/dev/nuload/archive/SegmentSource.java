package dev.nuload.archive;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Reads an archive made of many gzip members (BGZF) or zstd frames: each member or frame is decoded
 * whole on a decoder thread, several at once, and the results go to the tar walk in order.
 */
final class SegmentSource {
  private final ExtractOptions options;
  private final ExecutorService decoders;

  SegmentSource(ExtractOptions options, ExecutorService decoders) {
    this.options = options;
    this.decoders = decoders;
  }

  /**
   * Reads the members or frames in order and decodes up to twice as many as there are workers at
   * once on the decoder threads, putting their output into {@code pipe} in order.
   */
  void decode(
      ExtractRun run,
      ChunkPipe pipe,
      boolean zstd,
      List<GzipDecoder.Segment> segs,
      List<ZstdFrames.Frame> allFrames)
      throws IOException, InterruptedException {
    Deque<Future<byte[]>> window = new ArrayDeque<>();
    int maxWindow = options.workers() * 2;
    long pos = 0;
    int next = 0;
    while (next < segs.size() || !window.isEmpty()) {
      while (next < segs.size() && window.size() < maxWindow) {
        GzipDecoder.Segment s = segs.get(next++);
        if (s.offset() > pos) { // skippable frames between data frames: read for the digest
          byte[] gap = new byte[(int) (s.offset() - pos)];
          run.source.readFully(gap, 0, gap.length);
        }
        byte[] src = new byte[(int) s.length()];
        if (!run.source.readFully(src, 0, src.length)) {
          throw new CorruptArchiveException(run.name, s.offset(), null, "truncated archive", null);
        }
        pos = s.offset() + s.length();
        window.add(
            decoders.submit(
                () ->
                    zstd
                        ? decodeFrame(run, src, s)
                        : GzipDecoder.decodeMember(src, run.name, s.offset(), options.inflate())));
      }
      Future<byte[]> head = window.poll();
      byte[] data;
      try {
        data = head.get();
      } catch (ExecutionException e) {
        for (Future<byte[]> f : window) {
          f.cancel(true);
        }
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new IOException(e.getCause());
      }
      pipe.put(data, data.length, false);
    }
    run.source.drain();
  }

  /** Decompresses one zstd frame whose content size is stated in its header. */
  private static byte[] decodeFrame(ExtractRun run, byte[] src, GzipDecoder.Segment s) {
    try (ZstdDecompressCtx ctx = new ZstdDecompressCtx()) {
      byte[] out = new byte[(int) s.contentSize()];
      int n = ctx.decompressByteArray(out, 0, out.length, src, 0, src.length);
      if (n != out.length) {
        throw new CorruptArchiveException(
            run.name, s.offset(), null, "zstd frame shorter than its stated size", null);
      }
      return out;
    } catch (com.github.luben.zstd.ZstdException e) {
      throw new CorruptArchiveException(
          run.name, s.offset(), null, "bad zstd frame: " + e.getMessage(), e);
    }
  }
}
