"""Starts `nuload serve` as a child of the trainer and owns its lifetime (used by `nuload.torch.Loader`).

The server program is found in this order:

1. ``$NULOAD_HOME/nuload`` (a checkout or an install of nuload: the launcher builds and runs the jar);
2. ``nuload`` on ``PATH``;
3. a jar inside this package (``nuload/lib/nuload-cli.jar``), run with ``$JAVA_HOME/bin/java`` or the
   ``java`` on ``PATH`` (Java 25 or newer).

The child never outlives the trainer:

- it serves with ``--parent-pid`` (this process): the server asks Linux for the parent-death signal
  (SIGTERM) and also checks five times a second that this process is still its parent, so it stops
  as soon as the trainer ends, however it ends (exception, Ctrl-C, SIGTERM, SIGKILL); the launcher
  ``exec``s the JVM, so the JVM is this process's own child;
- it serves with ``--remove-on-exit``: a server ended by a signal or a failure removes its ring's
  name from ``/dev/shm`` itself (the trainer keeps reading its mapping);
- the trainer's ring reader beats a heartbeat; a trainer that stops beating (a hang, a stop) is
  noticed by the server after ``consumer_timeout`` seconds and the server exits;
- ``Server.close()`` (called by ``Loader.close()``, its context manager, ``atexit`` and its
  finaliser) stops the child with SIGTERM, then SIGKILL after a grace period, and removes the ring
  and the log if they are still there.

The server's own output (stdout and stderr) goes to a log file next to nothing the user sees:
``Server.log_tail()`` returns its end, which :class:`ServerError` carries when the server fails.
"""

from __future__ import annotations

import atexit
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref

class ServerError(RuntimeError):
    """The `nuload serve` child failed: the message is the server's own (its last error lines)."""

    def __init__(self, message, log_tail=""):
        super().__init__(message)
        self.log_tail = log_tail


def find_launcher(env=None):
    """The command that runs nuload: a list of arguments before the command name, e.g.
    ``['/opt/nuload/nuload']`` or ``['java', ..., '-jar', 'nuload-cli.jar']``. Raises
    FileNotFoundError naming the places looked at."""
    env = os.environ if env is None else env
    looked = []
    home = env.get("NULOAD_HOME")
    if home:
        launcher = pathlib.Path(home) / "nuload"
        if os.access(launcher, os.X_OK):
            return [str(launcher)]
        looked.append(f"$NULOAD_HOME/nuload ({launcher})")
    else:
        looked.append("$NULOAD_HOME (unset)")
    on_path = shutil.which("nuload", path=env.get("PATH"))
    if on_path:
        return [on_path]
    looked.append("nuload on PATH")
    jar = pathlib.Path(__file__).resolve().parent / "lib" / "nuload-cli.jar"
    if jar.is_file():
        java_home = env.get("JAVA_HOME")
        java = str(pathlib.Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
        if java:
            return [java, "--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
                    "-cp", str(jar), "dev.nuload.nuscenes.cli.NuloadCli"]
        looked.append(f"java for {jar} ($JAVA_HOME unset, no java on PATH)")
    else:
        looked.append(f"the package's jar ({jar})")
    raise FileNotFoundError(
        "nuload.torch.Loader cannot find the nuload server; looked at " + ", ".join(looked)
        + ". Set NULOAD_HOME to a nuload checkout (the folder with the ./nuload launcher).")


def _stop(proc, ring, log, grace):
    """Stops the child and removes what it may have left (runs from close, atexit and the finaliser)."""
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        except ProcessLookupError:
            pass
    for path in (ring, log):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


class Server:
    """One `nuload serve` child process writing one ring (see the module docstring)."""

    def __init__(self, args, ring, env=None, grace=10.0):
        self.ring = os.fspath(ring)
        self.args = list(args)
        launcher = find_launcher(env)
        fd, self.log_path = tempfile.mkstemp(prefix="nuload-serve-", suffix=".log")
        self._log = os.fdopen(fd, "wb", buffering=0)
        self.command = launcher + ["serve", *self.args, "--ring", self.ring, "--remove-on-exit",
                                   "--parent-pid", str(os.getpid())]
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            env=dict(os.environ if env is None else env), close_fds=True)
        self.pid = self.process.pid
        self._finalizer = weakref.finalize(self, _stop, self.process, self.ring, self.log_path, grace)
        atexit.register(self._finalizer)
        self._lock = threading.Lock()

    def poll(self):
        """The child's exit code, or None while it runs."""
        return self.process.poll()

    def log_tail(self, lines=20):
        """The last lines the server printed (its error message among them when it failed)."""
        try:
            text = pathlib.Path(self.log_path).read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def error(self, what):
        """A ServerError for a server that stopped or failed, carrying its own last messages."""
        try:
            code = self.process.wait(timeout=2.0)  # a failing server is on its way out
        except subprocess.TimeoutExpired:
            code = None
        tail = self.log_tail()
        status = "is still running" if code is None else f"exited with code {code}"
        lines = [line for line in tail.splitlines() if line.startswith("nuload")] or tail.splitlines()[-3:]
        detail = "\n".join(lines)
        return ServerError(f"{what}: nuload serve (pid {self.pid}) {status}"
                           + (f":\n{detail}" if detail else ""), tail)

    def wait_for_ring(self, timeout):
        """Waits until the ring file exists; raises ServerError when the server exits first (bad
        infos, a missing file, no space in /dev/shm: its message is in the error) or after
        ``timeout`` seconds (the first start of a checkout builds the jar: minutes)."""
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.ring):
            if self.poll() is not None:
                raise self.error(f"the server stopped before it created its ring {self.ring}")
            if time.monotonic() > deadline:
                self.close()
                raise ServerError(f"nuload serve did not create {self.ring} within {timeout:g} s; "
                                  f"its output ends with:\n{self.log_tail()}")
            time.sleep(0.02)

    def close(self):
        """Stops the server (SIGTERM, then SIGKILL after the grace period) and removes its ring."""
        with self._lock:
            if self._finalizer.alive:
                self._finalizer()
                atexit.unregister(self._finalizer)
            if not self._log.closed:
                self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
