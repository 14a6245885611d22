package dev.nuload.archive;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * Rewrites a tar archive (gzip, zstd or plain) as a seekable {@code .tar.zst}: the same tar bytes,
 * cut at entry boundaries into independent zstd frames of about {@code frameBytes} each, followed
 * by a {@link RepackIndex}. Any zstd decoder reads the result as one tar; {@link Extractor} uses
 * the index to decompress frames on all cores and to read only the frames an {@code --include}
 * selects. Frames are compressed in parallel; the output is written to a temporary file and renamed
 * onto the target when complete.
 */
public final class Repacker {
  private final int level;
  private final int frameBytes;
  private final int threads;

  /**
   * Creates a repacker.
   *
   * @param level zstd level (1..19).
   * @param frameBytes target uncompressed bytes per frame (an entry larger than this gets a frame
   *     of its own).
   * @param threads compression threads.
   */
  public Repacker(int level, int frameBytes, int threads) {
    if (level < 1 || level > 19 || frameBytes < TarReader.BLOCK || threads < 1) {
      throw new IllegalArgumentException("level 1..19, frameBytes >= 512, threads >= 1");
    }
    this.level = level;
    this.frameBytes = frameBytes;
    this.threads = threads;
  }

  /**
   * What a repack wrote.
   *
   * @param frames data frames.
   * @param entries tar entries.
   * @param tarBytes uncompressed tar bytes.
   * @param outputBytes size of the output file.
   */
  public record Result(int frames, int entries, long tarBytes, long outputBytes) {}

  /**
   * Repacks an archive.
   *
   * @param in the source archive.
   * @param out the {@code .tar.zst} to write.
   * @param progress receives source bytes read, or null.
   * @return what was written.
   * @throws IOException on a read or write error.
   * @throws CorruptArchiveException when the source is truncated or corrupt.
   */
  public Result repack(Path in, Path out, AtomicLong progress) throws IOException {
    String name = in.getFileName().toString();
    ArchiveFormat format = ArchiveFormat.detect(in);
    Path tmp = out.resolveSibling(out.getFileName() + ".nuload-tmp");
    AtomicLong read = progress != null ? progress : new AtomicLong();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads, Thread.ofPlatform().name("nuload-repack-", 0).daemon().factory());
    boolean done = false;
    try (FileChannel src = FileChannel.open(in, StandardOpenOption.READ);
        FileChannel dst =
            FileChannel.open(
                tmp,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
      InputStream raw = new BufferedInputStream(new SourceReader(src, null, read), 1 << 20);
      InputStream tarStream =
          switch (format) {
            case GZIP -> new GZIPInputStream(raw, 1 << 16);
            case ZSTD -> new ZstdInputStreamNoFinalizer(raw);
            case TAR -> raw;
          };
      Recorder rec = new Recorder(tarStream);
      TarReader tar = new TarReader(rec);
      List<RepackIndex.Entry> entries = new ArrayList<>();
      List<RepackIndex.Frame> frames = new ArrayList<>();
      Deque<Pending> window = new ArrayDeque<>();
      long[] outPos = {0};
      long frameTarStart = 0;
      int frameFirstEntry = 0;
      TarHeader h;
      try {
        while ((h = tar.next()) != null) {
          long cut = h.headerOffset();
          if (cut - frameTarStart >= frameBytes && entries.size() > frameFirstEntry) {
            byte[] chunk = rec.take(cut - frameTarStart);
            submit(
                pool,
                window,
                chunk,
                frameTarStart,
                frameFirstEntry,
                entries.size() - frameFirstEntry);
            drain(window, dst, frames, outPos, threads * 2);
            frameTarStart = cut;
            frameFirstEntry = entries.size();
          }
          entries.add(new RepackIndex.Entry(h.name(), h.type(), h.size()));
        }
      } catch (TarReader.TarFormatException | java.io.EOFException e) {
        throw new CorruptArchiveException(name, read.get(), lastName(entries), e.getMessage(), e);
      } catch (java.util.zip.ZipException e) {
        throw new CorruptArchiveException(
            name, read.get(), lastName(entries), "bad gzip data: " + e.getMessage(), e);
      }
      // The rest: the last entries and the end-of-archive marker, padded to two zero blocks.
      byte[] rest = rec.take(rec.recorded());
      byte[] last =
          Arrays.copyOf(
              rest, rest.length + (tar.sawEndMarker() ? TarReader.BLOCK : 2 * TarReader.BLOCK));
      submit(pool, window, last, frameTarStart, frameFirstEntry, entries.size() - frameFirstEntry);
      drain(window, dst, frames, outPos, 0);
      long tarBytes = frameTarStart + last.length;
      byte[] index = new RepackIndex(frames, entries).encode();
      ByteBuffer b = ByteBuffer.wrap(index);
      while (b.hasRemaining()) {
        dst.write(b);
      }
      dst.force(true);
      done = true;
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Result(frames.size(), entries.size(), tarBytes, Files.size(out));
    } finally {
      pool.shutdownNow();
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static String lastName(List<RepackIndex.Entry> entries) {
    return entries.isEmpty() ? null : entries.get(entries.size() - 1).name();
  }

  private record Pending(
      Future<byte[]> compressed, long tarOffset, long tarLength, int first, int count) {}

  private void submit(
      ExecutorService pool,
      Deque<Pending> window,
      byte[] chunk,
      long tarOffset,
      int first,
      int count) {
    Future<byte[]> f =
        pool.submit(
            () -> {
              try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
                ctx.setLevel(level).setChecksum(true).setContentSize(true);
                return ctx.compress(chunk);
              }
            });
    window.add(new Pending(f, tarOffset, chunk.length, first, count));
  }

  private static void drain(
      Deque<Pending> window,
      FileChannel dst,
      List<RepackIndex.Frame> frames,
      long[] outPos,
      int keep)
      throws IOException {
    while (window.size() > keep) {
      Pending p = window.poll();
      byte[] c;
      try {
        c = p.compressed().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      } catch (ExecutionException e) {
        throw new IOException("zstd compression failed: " + e.getCause(), e.getCause());
      }
      ByteBuffer b = ByteBuffer.wrap(c);
      while (b.hasRemaining()) {
        dst.write(b);
      }
      frames.add(
          new RepackIndex.Frame(
              outPos[0], c.length, p.tarOffset(), p.tarLength(), p.first(), p.count()));
      outPos[0] += c.length;
    }
  }

  /** Keeps every byte read (or skipped) through it until {@link #take} hands a prefix out. */
  private static final class Recorder extends InputStream {
    private final InputStream in;
    private byte[] buf = new byte[1 << 22];
    private int len;

    Recorder(InputStream in) {
      this.in = in;
    }

    int recorded() {
      return len;
    }

    byte[] take(long n) {
      byte[] out = Arrays.copyOf(buf, (int) n);
      System.arraycopy(buf, (int) n, buf, 0, len - (int) n);
      len -= (int) n;
      return out;
    }

    private void ensure(int more) {
      if (len + more > buf.length) {
        long want = Math.max((long) buf.length * 2, (long) len + more);
        if (want > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException("a single tar entry above 2 GiB cannot be repacked");
        }
        buf = Arrays.copyOf(buf, (int) want);
      }
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
      int r = in.read(b, off, n);
      if (r > 0) {
        ensure(r);
        System.arraycopy(b, off, buf, len, r);
        len += r;
      }
      return r;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public long skip(long n) throws IOException {
      int want = (int) Math.min(n, 1 << 20);
      ensure(want);
      int r = in.read(buf, len, want);
      if (r <= 0) {
        return 0;
      }
      len += r;
      return r;
    }
  }
}
