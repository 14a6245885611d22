package dev.nuload.archive;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the holders of one resource (a native buffer) and gives it back when the last lets go.
 * Thread-safe: holders may let go on any thread.
 */
final class RefCount {
  private final AtomicInteger holders = new AtomicInteger(1);
  private final Runnable onLast;

  /**
   * Creates a count with one holder, the creator.
   *
   * @param onLast runs once, on the thread of the last {@link #release()}.
   */
  RefCount(Runnable onLast) {
    this.onLast = onLast;
  }

  /** Adds a holder. */
  void retain() {
    holders.incrementAndGet();
  }

  /** Lets go of one hold; the last runs the action. */
  void release() {
    if (holders.decrementAndGet() == 0) {
      onLast.run();
    }
  }
}
