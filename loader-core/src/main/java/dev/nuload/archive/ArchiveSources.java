package dev.nuload.archive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.IntSupplier;

/**
 * Chooses how to read an archive from its format and layout (plain tar, gzip streamed, BGZF
 * members, one gzip member inflated in parallel, zstd streamed or by frames, repacked .tar.zst by
 * its index), runs that source, and names the method for the result.
 */
final class ArchiveSources {
  private final ExtractOptions options;
  private final StreamingSource streaming;
  private final SegmentSource segments;
  private final ParallelGzipSource parallelGzip;
  private final IndexedZstdSource indexedZstd;

  ArchiveSources(
      ExtractOptions options,
      ExecutorService decoders,
      IntSupplier archivesInFlight,
      TargetWriter target,
      EntryWriterPool writerPool,
      TarWalk walk) {
    this.options = options;
    this.streaming = new StreamingSource(options, walk);
    this.segments = new SegmentSource(options, decoders);
    this.parallelGzip = new ParallelGzipSource(options, decoders, archivesInFlight);
    this.indexedZstd = new IndexedZstdSource(options, writerPool, walk, target);
  }

  /**
   * Extracts {@code run}'s archive with the source its format and layout call for, and returns how
   * it was read (for the result).
   */
  String read(ExtractRun run) throws IOException, InterruptedException {
    ArchiveFormat format = ArchiveFormat.detect(run.archive);
    ChecksumManifest.Expected archiveSum = options.manifest().get(run.name);
    try (FileChannel ch = FileChannel.open(run.archive, StandardOpenOption.READ)) {
      if (format == ArchiveFormat.ZSTD) {
        RepackIndex index = options.useIndex() ? RepackIndex.read(ch, run.name) : null;
        if (index != null && archiveSum == null) {
          // The index names every frame (RepackIndex.read checks that they tile the file): no
          // scan of the block headers. Each frame's decoder checks its own bytes.
          indexedZstd.extract(run, ch, index);
          return "zstd, indexed: "
              + index.frames().size()
              + " frames on "
              + options.workers()
              + " threads";
        }
        List<ZstdFrames.Frame> frames =
            ZstdFrames.scan(ch, run.name, options.limits().zstdWindowLogMax());
        List<GzipDecoder.Segment> segs = new ArrayList<>();
        boolean parallel = true;
        for (ZstdFrames.Frame f : frames) {
          if (f.skippable()) {
            continue;
          }
          if (f.contentSize() < 0 || f.contentSize() > (256 << 20)) {
            parallel = false;
          }
          segs.add(new GzipDecoder.Segment(f.offset(), f.length(), f.contentSize()));
        }
        if (parallel && segs.size() > 1) {
          streaming.stream(
              run, ch, archiveSum, pipe -> segments.decode(run, pipe, true, segs, frames));
          return "zstd, " + segs.size() + " frames decoded on " + options.workers() + " threads";
        }
        streaming.stream(run, ch, archiveSum, pipe -> streaming.zstdStream(run, pipe));
        return "zstd, " + segs.size() + " frame(s), streaming";
      }
      if (format == ArchiveFormat.GZIP) {
        List<GzipDecoder.Segment> members = GzipDecoder.scanBgzf(ch, run.name);
        if (members != null && members.size() > 1) {
          streaming.stream(
              run, ch, archiveSum, pipe -> segments.decode(run, pipe, false, members, null));
          return "gzip (BGZF), "
              + members.size()
              + " members decoded on "
              + options.workers()
              + " threads ("
              + options.inflate().description()
              + ")";
        }
        if (parallelGzip.parallelInflate(ch.size())) {
          // Named before decoding, so a failed run reports how it was read too.
          run.method =
              "gzip, parallel inflate on "
                  + parallelGzip.inflateThreads()
                  + " threads ("
                  + options.inflate().description()
                  + ")";
          ParallelGzipInflater.Stats[] stats = new ParallelGzipInflater.Stats[1];
          streaming.stream(
              run, ch, archiveSum, pipe -> stats[0] = parallelGzip.inflate(run, ch, pipe));
          if (stats[0] == null) {
            return run.method;
          }
          // Inside the closing parenthesis: "... (isa-l (libisal.so.2); 155 of 155 chunks used;
          // 155 finished by libdeflate)".
          return run.method.substring(0, run.method.length() - 1)
              + "; "
              + stats[0].used()
              + " of "
              + stats[0].chunks()
              + " chunks used"
              + (stats[0].libdeflate() > 0
                  ? "; " + stats[0].libdeflate() + " finished by libdeflate)"
                  : ")");
        }
        run.method = "gzip, streaming inflate (" + options.inflate().description() + ")";
        streaming.stream(
            run,
            ch,
            archiveSum,
            pipe -> new GzipDecoder(run.name, run.source, options.inflate()).run(pipe));
        return run.method;
      }
      streaming.stream(run, ch, archiveSum, pipe -> streaming.plain(run, pipe));
      return "tar";
    }
  }
}
