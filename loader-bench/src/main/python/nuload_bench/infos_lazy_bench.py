"""What a training rank pays before its first info record: ``nuload.infos.load`` lazy (the
default) against ``lazy=False``, on one info file.

Each mode runs in its own Python process (so one mode's peak memory says nothing of the other's)
and does what a dataset does at start: ``load()``, ``len``, two records (the first and the
middle one). Reported per mode, from ``/proc/self/status``: ``VmHWM`` (peak resident set,
including the pages of the mapped file it touched), ``RssAnon`` (private memory) before
``load`` and after the two records, the peak of ``RssAnon`` sampled every 5 ms, and
``RssFile``. The lazy mode then times ``--access`` random records, ``sorted_by_timestamp()``
and iterating ``--iterate`` records. Timings are wall clock with whatever page cache the file
has (a file just written is usually cached).

Prints one JSON object on stdout: {"file", "flavor", "rows", "lazy": {...}, "eager": {...}}.

Usage: python3 infos_lazy_bench.py INFOS.arrow [--flavor petr] [--dataroot D]
           [--modes lazy,eager] [--access 200] [--iterate 2000]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 5))


def status_mib():
    """The memory lines of /proc/self/status, in MiB."""
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                out[key] = int(rest.split()[0]) / 1024.0  # kB
    return out


class PeakAnon:
    """Samples RssAnon every 5 ms on a thread; ``peak`` is the largest value seen."""

    def __init__(self):
        self.peak = status_mib()["RssAnon"]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, status_mib()["RssAnon"])

    def stop(self):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, status_mib()["RssAnon"])
        return self.peak


def one_mode(path, flavor, dataroot, lazy, access, iterate):
    t0 = time.perf_counter()
    try:
        import nuload.infos as infos_mod
    except ImportError:
        sys.path.insert(0, os.path.join(REPO, "python"))
        import nuload.infos as infos_mod
    infos_mod._pa()  # pyarrow, imported by the first load otherwise
    import_s = time.perf_counter() - t0  # nuload.infos, numpy and pyarrow
    before = status_mib()
    sampler = PeakAnon()
    t0 = time.perf_counter()
    data = infos_mod.load(path, flavor=flavor, dataroot=dataroot, lazy=lazy)
    load_s = time.perf_counter() - t0
    infos = data["infos"]
    n = len(infos)
    len_s = time.perf_counter() - t0 - load_s
    first = infos[0]
    middle = infos[n // 2]
    total_s = time.perf_counter() - t0
    peak_anon = sampler.stop()
    after = status_mib()
    out = {
        "load_s": round(load_s, 4),
        "len_s": round(len_s, 6),
        "load_len_two_records_s": round(total_s, 4),
        "import_s": round(import_s, 3),
        "rows": n,
        "sweeps_of_first_record": len(first["sweeps"]),
        "boxes_of_middle_record": len(middle.get("gt_names", ())),
        "rss_anon_before_load_mib": round(before["RssAnon"], 1),
        "rss_anon_after_mib": round(after["RssAnon"], 1),
        "peak_rss_anon_mib": round(peak_anon, 1),
        "private_added_mib": round(peak_anon - before["RssAnon"], 1),
        "vm_hwm_mib": round(after["VmHWM"], 1),
        "rss_file_mib": round(after["RssFile"], 1),
    }
    if lazy:
        rng = random.Random(0)
        picks = [rng.randrange(n) for _ in range(access)]
        times = []
        for i in picks:
            t = time.perf_counter()
            infos[i]
            times.append(time.perf_counter() - t)
        times.sort()
        out["random_access_ms"] = {"median": round(1e3 * times[len(times) // 2], 3),
                                   "p90": round(1e3 * times[int(len(times) * 0.9)], 3),
                                   "count": access}
        t = time.perf_counter()
        infos.sorted_by_timestamp()
        out["sorted_by_timestamp_s"] = round(time.perf_counter() - t, 4)
        k = min(iterate, n)
        t = time.perf_counter()
        for _ in infos[:k]:
            pass
        out["iterate_ms_per_record"] = round(1e3 * (time.perf_counter() - t) / max(k, 1), 3)
        out["iterated"] = k
        out["vm_hwm_after_extras_mib"] = round(status_mib()["VmHWM"], 1)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("infos")
    ap.add_argument("--flavor", default="petr", choices=["mmdet3d", "petr"])
    ap.add_argument("--dataroot", default=None)
    ap.add_argument("--modes", default="lazy,eager")
    ap.add_argument("--access", type=int, default=200)
    ap.add_argument("--iterate", type=int, default=2000)
    ap.add_argument("--one", choices=["lazy", "eager"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one_mode(args.infos, args.flavor, args.dataroot, args.one == "lazy",
                                  args.access, args.iterate)))
        return 0
    report = {"file": os.path.abspath(args.infos), "bytes": os.path.getsize(args.infos),
              "flavor": args.flavor, "python": sys.version.split()[0]}
    for mode in args.modes.split(","):
        cmd = [sys.executable, os.path.abspath(__file__), args.infos, "--flavor", args.flavor,
               "--access", str(args.access), "--iterate", str(args.iterate), "--one", mode]
        if args.dataroot is not None:
            cmd += ["--dataroot", args.dataroot]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr)
            return proc.returncode
        report[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
