package dev.nuload.archive;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The chain of used chunks of a {@link ParallelGzipInflater}: which chunk follows which (each used
 * chunk's proven end names the next), and the real window before each, handed to the task that
 * waits for it; chunks off the chain, and every chunk once the run stops, are told they are not
 * used.
 */
final class ChunkChain {
  private static final Exception NOT_USED =
      new Exception("chunk start not on the chain", null, false, false) {};

  private final int chunks;
  private volatile boolean aborted;
  private final CompletableFuture<WindowResolver.Window>[] windows;
  private final Piece[] done;
  private int chainAt;

  /**
   * Creates the chain of {@code chunks} chunks; only the first one's window (empty) is known.
   *
   * @param chunks how many chunks.
   */
  ChunkChain(int chunks) {
    this.chunks = chunks;
    @SuppressWarnings("unchecked")
    CompletableFuture<WindowResolver.Window>[] w = new CompletableFuture[chunks];
    for (int i = 0; i < chunks; i++) {
      w[i] = new CompletableFuture<>();
    }
    w[0].complete(new WindowResolver.Window(new byte[IsalChunkDecoder.WINDOW], 0));
    this.windows = w;
    this.done = new Piece[chunks];
  }

  /**
   * Tells whether the run stopped ({@link #abortAll()}).
   *
   * @return true once stopped.
   */
  boolean aborted() {
    return aborted;
  }

  /**
   * Tells whether chunk {@code k} is known not to be used (off the chain, or the run stopped).
   *
   * @param k the chunk.
   * @return true when its task may stop.
   */
  boolean notUsed(int k) {
    return windows[k].isCompletedExceptionally();
  }

  /**
   * Records a finished task and walks the chain of used chunks as far as results allow: each used
   * chunk's proven end names the next used chunk, whose real window (the last 32 KiB before it)
   * becomes known; chunks skipped over are told they are not used.
   */
  synchronized void completed(Piece p) {
    if (p.index >= chainAt && !windows[p.index].isCompletedExceptionally()) {
      done[p.index] = p;
    }
    while (chainAt < chunks) {
      Piece c = done[chainAt];
      if (c == null) {
        return;
      }
      if (c.error != null || c.finished || c.oversized || c.endChunk < 0) {
        // The chain ends here: no later chunk is used, so none may wait for its window.
        for (int i = chainAt + 1; i < chunks; i++) {
          windows[i].completeExceptionally(NOT_USED);
        }
        return;
      }
      WindowResolver.Window w = windows[chainAt].getNow(null);
      byte[] real = WindowResolver.resolvedLast(c, w.bytes());
      for (int i = chainAt + 1; i < c.endChunk; i++) {
        windows[i].completeExceptionally(NOT_USED);
        done[i] = null;
      }
      windows[c.endChunk].complete(new WindowResolver.Window(real, w.outputBefore() + c.length));
      done[chainAt] = null;
      chainAt = c.endChunk;
    }
  }

  /** Stops every task: they return at their next step; none keeps waiting for a window. */
  void abortAll() {
    aborted = true;
    for (CompletableFuture<WindowResolver.Window> w : windows) {
      w.completeExceptionally(NOT_USED);
    }
  }

  /**
   * Returns the real window before chunk {@code k} if known, else null; with {@code wait}, waits
   * for it (null when the chunk turns out not to be used).
   */
  WindowResolver.Window windowFor(int k, boolean wait) {
    if (!wait) {
      return windows[k].getNow(null);
    }
    try {
      return windows[k].get();
    } catch (ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
