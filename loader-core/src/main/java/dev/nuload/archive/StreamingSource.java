package dev.nuload.archive;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.nuload.BadDataException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;

/**
 * Streams an archive through one decoder thread into a {@link ChunkPipe} that {@link TarWalk}
 * reads, and checks the digest of the whole archive; also holds the decoder bodies for a plain tar
 * and for a zstd stream.
 */
final class StreamingSource {
  /** A decoder body: fills the pipe from {@code run.source}. */
  interface DecodeBody {
    void run(ChunkPipe pipe) throws IOException, InterruptedException;
  }

  private final ExtractOptions options;
  private final TarWalk walk;

  StreamingSource(ExtractOptions options, TarWalk walk) {
    this.options = options;
    this.walk = walk;
  }

  /**
   * Runs {@code body} on a thread of its own, filling a pipe that the tar walk reads on this
   * thread, waits for the writers, then checks the archive's digest against the manifest when it
   * has one.
   */
  void stream(ExtractRun run, FileChannel ch, ChecksumManifest.Expected archiveSum, DecodeBody body)
      throws IOException, InterruptedException {
    MessageDigest digest = archiveSum == null ? null : archiveSum.newDigest();
    run.source = new SourceReader(ch, digest, run.progress.compressedRead);
    ChunkPipe pipe = new ChunkPipe(16);
    Thread decoder =
        Thread.ofPlatform()
            .name("nuload-inflate-" + run.name)
            .daemon()
            .start(
                () -> {
                  try {
                    body.run(pipe);
                    if (digest != null) {
                      run.source.drain();
                    }
                    pipe.finish();
                  } catch (Throwable t) {
                    pipe.fail(t);
                  }
                });
    try {
      walk.parse(run, new TarReader(pipe), false);
      if (run.error.get() == null) {
        // Read to the end of the decoded stream so a CRC error after the last entry is seen.
        byte[] sink = new byte[8192];
        try {
          while (pipe.read(sink, 0, sink.length) >= 0) {}
        } catch (CorruptArchiveException e) {
          throw e.withEntry(run.lastEntry);
        }
      }
    } finally {
      pipe.close();
      decoder.join();
    }
    run.awaitWriters();
    run.rethrow();
    if (digest != null) {
      String got = archiveSum.mismatch(digest);
      if (got != null) {
        throw new BadDataException(
            run.name
                + ": "
                + archiveSum.algorithm()
                + " mismatch: manifest says "
                + archiveSum.hex()
                + ", archive has "
                + got
                + " (the archive is damaged or not the one listed; it is not marked complete)");
      }
    }
  }

  /** A decoder body for a tar that is not compressed: the file's bytes as they are. */
  void plain(ExtractRun run, ChunkPipe pipe) throws IOException, InterruptedException {
    while (true) {
      byte[] b = pipe.emptyBuffer();
      int n = 0;
      while (n < b.length) {
        int r = run.source.read(b, n, b.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      pipe.put(b, n, true);
      if (n < b.length) {
        return;
      }
    }
  }

  /** A decoder body for zstd read as one stream (frames of unknown size, or just one). */
  void zstdStream(ExtractRun run, ChunkPipe pipe) throws IOException, InterruptedException {
    try (ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(run.source)) {
      z.setLongMax(options.limits().zstdWindowLogMax());
      while (true) {
        byte[] b = pipe.emptyBuffer();
        int n = 0;
        while (n < b.length) {
          int r;
          try {
            r = z.read(b, n, b.length - n);
          } catch (IOException e) {
            throw new CorruptArchiveException(
                run.name, run.source.position(), null, "bad zstd data: " + e.getMessage(), e);
          }
          if (r < 0) {
            break;
          }
          n += r;
        }
        pipe.put(b, n, true);
        if (n < b.length) {
          return;
        }
      }
    }
  }
}
