package dev.nuload.pipeline;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.Optional;

/**
 * Ties this process's life to the process that started it (a trainer that owns this server): when
 * that parent ends, however it ends, {@code onGone} runs (normally {@code System.exit}, whose
 * shutdown hooks remove the ring).
 *
 * <p>Two mechanisms, either enough: the Linux parent-death signal ({@code prctl(PR_SET_PDEATHSIG,
 * SIGTERM)}, asked for through FFM, best effort), and a daemon thread that checks every {@code
 * interval} whether this process still has that parent (a process whose parent ends is re-parented,
 * so its parent pid changes; unlike a liveness probe of the parent pid, this is not fooled by a
 * zombie or a reused pid).
 */
public final class ParentWatch {
  private static final int PR_SET_PDEATHSIG = 1;
  private static final int SIGTERM = 15;

  private ParentWatch() {}

  /**
   * Starts watching.
   *
   * @param parentPid the pid the caller says started this process.
   * @param interval how often the thread checks.
   * @param onGone what to do once the parent is gone (runs once, on the watch thread, or at once
   *     when the parent is already gone).
   * @return whether the parent-death signal was set (false off Linux or without native access).
   */
  public static boolean start(long parentPid, Duration interval, Runnable onGone) {
    boolean signal = setParentDeathSignal();
    if (!isParent(parentPid)) {
      onGone.run();
      return signal;
    }
    Thread.ofPlatform()
        .daemon()
        .name("nuload-parent-watch")
        .start(
            () -> {
              try {
                while (isParent(parentPid)) {
                  Thread.sleep(interval);
                }
              } catch (InterruptedException e) {
                return;
              }
              onGone.run();
            });
    return signal;
  }

  /**
   * Whether this process's parent is {@code pid} now.
   *
   * @param pid a pid.
   * @return true while the parent is that process.
   */
  public static boolean isParent(long pid) {
    Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    return parent.isPresent() && parent.get().pid() == pid;
  }

  private static boolean setParentDeathSignal() {
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle prctl =
          linker.downcallHandle(
              linker.defaultLookup().find("prctl").orElseThrow(),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG),
              Linker.Option.firstVariadicArg(1));
      return (int) prctl.invokeExact(PR_SET_PDEATHSIG, (long) SIGTERM) == 0;
    } catch (Throwable e) {
      return false; // not Linux, or no native access: the watch thread still notices
    }
  }
}
