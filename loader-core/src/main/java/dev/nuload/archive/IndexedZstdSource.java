package dev.nuload.archive;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Reads a repacked .tar.zst through its {@link RepackIndex}: each frame is read, decompressed and
 * its entries written by one writer thread, many frames at once, and frames with nothing left to
 * write are skipped.
 */
final class IndexedZstdSource {
  /**
   * Frames up to this size are read and decompressed in off-heap buffers reused by each thread, and
   * files are written straight from the decompressed frame (no copy through the Java heap).
   */
  static final int DIRECT_FRAME_MAX = 64 << 20;

  private static final ThreadLocal<ByteBuffer[]> FRAME_BUFFERS =
      ThreadLocal.withInitial(() -> new ByteBuffer[2]);

  private static final ThreadLocal<ZstdDecompressCtx> ZSTD_CONTEXT =
      ThreadLocal.withInitial(ZstdDecompressCtx::new);

  private final ExtractOptions options;
  private final EntryWriterPool writerPool;
  private final TarWalk walk;
  private final TargetWriter target;

  IndexedZstdSource(
      ExtractOptions options, EntryWriterPool writerPool, TarWalk walk, TargetWriter target) {
    this.options = options;
    this.writerPool = writerPool;
    this.walk = walk;
    this.target = target;
  }

  /**
   * Extracts the frames that hold anything still to write, on the writer threads; frames whose
   * entries are all done are not read.
   */
  void extract(ExtractRun run, FileChannel ch, RepackIndex index)
      throws IOException, InterruptedException {
    List<Future<?>> tasks = new ArrayList<>();
    for (RepackIndex.Frame f : index.frames()) {
      if (!frameNeeded(run, index, f)) {
        continue; // not read at all
      }
      tasks.add(
          writerPool.submit(
              () -> {
                if (run.error.get() != null) {
                  return null;
                }
                try {
                  decodeIndexedFrame(run, ch, f);
                } catch (Throwable t) {
                  run.fail(t);
                }
                return null;
              }));
    }
    for (Future<?> t : tasks) {
      try {
        t.get();
      } catch (ExecutionException e) {
        run.fail(e.getCause());
      }
    }
    run.rethrow();
  }

  private boolean frameNeeded(ExtractRun run, RepackIndex index, RepackIndex.Frame f) {
    boolean needed = false;
    long skipped = 0;
    for (int i = f.firstEntry(); i < f.firstEntry() + f.entryCount(); i++) {
      RepackIndex.Entry e = index.entries().get(i);
      String clean;
      try {
        clean = EntryNames.clean(run.name, e.name(), options.limits(), true);
      } catch (UnsafeEntryException x) {
        return true; // let the parser refuse it with the normal message
      }
      boolean dir = e.type() == '5' || (e.type() == 0 && e.name().endsWith("/"));
      if (clean.isEmpty() || !walk.included(clean)) {
        continue;
      }
      if (dir) {
        needed |= !target.knownDirs.contains(clean) && !run.isDirectory(clean);
        continue;
      }
      Long done = run.journal.done().get(clean);
      if (done == null || done != e.size() || !run.presentWithSize(clean, e.size())) {
        return true;
      }
      skipped++;
    }
    if (!needed) {
      run.filesSkipped.addAndGet(skipped);
    }
    return needed;
  }

  private void decodeIndexedFrame(ExtractRun run, FileChannel ch, RepackIndex.Frame f)
      throws IOException, InterruptedException {
    if (f.tarLength() <= DIRECT_FRAME_MAX && f.length() <= DIRECT_FRAME_MAX) {
      decodeIndexedFrameDirect(run, ch, f);
      return;
    }
    InputStream slice = new ChannelSlice(ch, f.offset(), f.length(), run.progress.compressedRead);
    try (ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(slice)) {
      z.setLongMax(options.limits().zstdWindowLogMax());
      InputStream counted = new LimitedStream(z, f.tarLength());
      try {
        walk.parse(run, new TarReader(counted), true);
      } catch (IOException e) {
        if (e instanceof EOFException
            || e.getMessage() == null
            || !e.getMessage().contains("tar")) {
          throw new CorruptArchiveException(
              run.name, f.offset(), run.lastEntry, "bad zstd frame: " + e.getMessage(), e);
        }
        throw e;
      }
    }
  }

  private static ByteBuffer frameBuffer(int which, long size) {
    ByteBuffer[] b = FRAME_BUFFERS.get();
    if (b[which] == null || b[which].capacity() < size) {
      b[which] = ByteBuffer.allocateDirect((int) Math.max(size, 8L << 20));
    }
    return b[which].clear().limit((int) size);
  }

  private void decodeIndexedFrameDirect(ExtractRun run, FileChannel ch, RepackIndex.Frame f)
      throws IOException, InterruptedException {
    ByteBuffer src = frameBuffer(0, f.length());
    long pos = f.offset();
    while (src.hasRemaining()) {
      int n = ch.read(src, pos);
      if (n < 0) {
        throw new CorruptArchiveException(
            run.name, pos, null, "archive ends inside an indexed frame", null);
      }
      pos += n;
    }
    run.progress.compressedRead.addAndGet(f.length());
    src.flip();
    ByteBuffer tar = frameBuffer(1, f.tarLength());
    int got;
    try {
      got = ZSTD_CONTEXT.get().decompressDirectByteBuffer(tar, 0, tar.limit(), src, 0, src.limit());
    } catch (com.github.luben.zstd.ZstdException e) {
      throw new CorruptArchiveException(
          run.name, f.offset(), null, "bad zstd frame: " + e.getMessage(), e);
    }
    if (got != f.tarLength()) {
      throw new CorruptArchiveException(
          run.name,
          f.offset(),
          null,
          "zstd frame holds " + got + " bytes, the index says " + f.tarLength(),
          null);
    }
    BufferInput in = new BufferInput(tar);
    walk.parse(run, new TarReader(in), true, in);
  }
}
