"""Infos baseline for the benchmark: the work `create_data.py` does, done by a straightforward numpy
implementation (reference_infos.py): load the 13 tables once, build the info records of every
split of the version (camera sweeps included), and pickle each split as the Python tools do.

Prints one JSON line on stdout: {"records": {split: n}, "wall_s", "cpu_s", "max_rss_mib"}.

Usage: python3 infos_baseline.py DATAROOT VERSION OUTDIR
"""

import json
import os
import pickle
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_infos as ref  # noqa: E402

SPLITS = {"v1.0-mini": ["mini_train", "mini_val"], "v1.0-trainval": ["train", "val"],
          "v1.0-test": ["test"]}


def main(dataroot, version, outdir):
    start = time.perf_counter()
    tables = ref.Tables(dataroot, version)
    annotated = "test" not in version
    counts = {}
    for split in SPLITS[version]:
        infos = [ref.build_info(tables, s, 10, 5, 5, annotated)
                 for s in ref.split_samples(tables, version, split)]
        counts[split] = len(infos)
        with open(os.path.join(outdir, f"nuscenes_infos_{split}.pkl"), "wb") as f:
            pickle.dump({"infos": infos, "metadata": {"version": version}}, f)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"records": counts, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
                      "max_rss_mib": peak_rss_mib()}))


def peak_rss_mib():
    """VmHWM of this process image. (ru_maxrss is not used: a child spawned by a JVM inherits the
    JVM's high-water mark there.)"""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main(*sys.argv[1:4])
