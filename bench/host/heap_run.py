#!/usr/bin/python3
"""
Runs the heap_bench_* binaries one after another (never in parallel: they
time each other otherwise), prints their JSON lines unchanged, then one
"heap_vs_glibc" line per heap: the speed-up over glibc per size (glibc ns /
heap ns, so 2.0 means twice as fast) and the geometric mean over small
sizes (16-256 B), which issue 5 wants >= 1.5 for slab.

  heap_run.py BENCH_BINARY...
"""
import json
import math
import subprocess
import sys

SMALL = (16, 32, 64, 128, 256)
TARGET = 1.5


def run(binary):
    out = subprocess.run([binary], stdout=subprocess.PIPE, check=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        print(line, flush=True)
        rows.append(json.loads(line))
    return rows


def by_size(rows, heap, bench):
    return {r["size"]: r["ns_per_pair"] for r in rows if r["heap"] == heap and r["bench"] == bench}


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else 0.0


def compare(rows, heap):
    line = {"bench": "heap_vs_glibc", "heap": heap}
    for bench in ("heap_pair", "heap_batch"):
        mine, base = by_size(rows, heap, bench), by_size(rows, "glibc", bench)
        speedup = {s: round(base[s] / mine[s], 2) for s in sorted(mine) if s in base and mine[s]}
        key = bench.split("_")[1]
        line[key + "_speedup"] = {str(s): v for s, v in speedup.items()}
        line[key + "_small_geomean"] = round(geomean([speedup[s] for s in SMALL if s in speedup]), 2)
    mine = [r for r in rows if r["heap"] == heap and r["bench"] == "heap_trace"]
    base = [r for r in rows if r["heap"] == "glibc" and r["bench"] == "heap_trace"]
    if mine and base:
        line["trace_speedup"] = round(base[0]["ns_per_op"] / mine[0]["ns_per_op"], 2)
        line["trace_overhead"] = mine[0]["overhead"]
        line["glibc_trace_overhead"] = base[0]["overhead"]
    if heap == "slab":
        line["target_small_speedup"] = TARGET
        line["target_met"] = min(line["pair_small_geomean"], line["batch_small_geomean"]) >= TARGET
    return line


def main(argv):
    rows = []
    for binary in argv[1:]:
        rows += run(binary)
    heaps = [h for h in dict.fromkeys(r["heap"] for r in rows) if h != "glibc"]
    for heap in heaps:
        print(json.dumps(compare(rows, heap)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
