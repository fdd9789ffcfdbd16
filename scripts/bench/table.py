#!/usr/bin/env python3
"""The table of scripts/bench-vs-pytorch.sh, from its results.jsonl (standard library only).

  table.py RESULTS.jsonl                 prints the markdown table
  table.py --loop-rate METRICS.jsonl CPU [LOG MINUTES]
                                         ddpm train's whole-loop figure as {"seconds": [s], "images": n, ...}:
                                         the images and time of every log window after step 1 (the first
                                         step warms up, and the PyTorch loop is timed the same way); CPU is
                                         the process's CPU seconds (all of it, start-up included); with
                                         LOG (train's output) and MINUTES, a run too short for a second log
                                         window gives a lower bound from its step count

Per workload and side, each round gives one time: the median of its timed runs. The table shows the
median over rounds and the fastest single run, images/s and model GFLOP/s at the median, the share of
this machine's fp32 peak (the FMA loop `ddpm bench` runs at the start of every train/forward round,
median over those rounds), the ratio ddpm/PyTorch in images/s (median over rounds, with min-max), and
the largest peak RSS of the side's processes. The CPU-time ratio is the same ratio in process CPU
seconds (all threads): on a loaded machine wall time stretches with the other work, CPU time much less.
"""
import json
import statistics
import sys
from collections import defaultdict

WORKLOADS = [("train", "train step ×64"), ("forward", "sampling forward ×64"),
             ("ddim", "DDIM 50 steps, 64 images (end to end)"), ("loop", "whole training loop")]


def loop_rate(path, cpu, log=None, minutes=None, batch=64):
    records = [json.loads(line) for line in open(path) if line.strip()]
    steps = [r for r in records if "imagesPerSecond" in r]
    seconds, images, previous = 0.0, 0, None
    for r in steps:
        if previous is not None:
            n = (r["step"] - previous) * batch
            images += n
            seconds += n / r["imagesPerSecond"]
        previous = r["step"]
    if images == 0 and log and steps and steps[0]["step"] == 1:
        # Fewer than 25 steps: no log window after step 1. ddpm stops after the first step that ends
        # past the --minutes budget, so steps 2..N-1 all ended within it: (N - 2) steps in at most
        # budget - (time of step 1) seconds, a lower bound on ddpm's rate.
        import re
        m = re.search(r"stopped at step (\d+): time budget used", open(log).read())
        if m and int(m.group(1)) > 2:
            images = (int(m.group(1)) - 2) * batch
            seconds = float(minutes) * 60 - batch / steps[0]["imagesPerSecond"]
    print(json.dumps({"seconds": [seconds], "cpu_seconds": [cpu], "images": images}))


def table(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    flops = {}      # (config, "train"|"forward") -> FLOPs of one run at batch 64
    peaks = []      # GFLOP/s of the FMA loop, best run of each sample
    runs = defaultdict(lambda: defaultdict(dict))   # (config, workload) -> side -> round -> record
    for r in rows:
        if r["workload"] == "peak":
            peaks.append(r["flops"] / min(r["seconds"]) / 1e9)
            continue
        if r["side"] == "ddpm" and r.get("flops"):
            flops[(r["config"], r["workload"])] = r["flops"]
        if r.get("images", 0) > 0 and r.get("seconds"):   # a loop too short for one log window has none
            runs[(r["config"], r["workload"])][r["side"]][r["round"]] = r
    peak = statistics.median(peaks) if peaks else float("nan")

    def flops_per_image(config, workload):   # `ddpm bench` counts a batch of 64
        if workload in ("train", "forward") and (config, workload) in flops:
            return flops[(config, workload)] / 64
        if workload == "ddim" and (config, "forward") in flops:
            return 50 * flops[(config, "forward")] / 64
        if workload == "loop" and (config, "train") in flops:
            return flops[(config, "train")] / 64
        return None

    configs = list(dict.fromkeys(r["config"] for r in rows if r["workload"] != "peak"))
    print(f"fp32 peak of this machine (FMA loop, median of {len(peaks)} samples): {peak:.0f} GFLOP/s\n")
    print("| config | workload | ddpm median / min | PyTorch median / min | ddpm images/s | PyTorch images/s "
          "| ddpm GFLOP/s (% peak) | PyTorch GFLOP/s (% peak) | ratio median (min–max) | CPU-time ratio | peak RSS ddpm / PyTorch |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for c in configs:
        for w, label in WORKLOADS:
            sides = runs.get((c, w))
            if not sides or "ddpm" not in sides or "torch" not in sides:
                if any(r["config"] == c and r["workload"] == w for r in rows):
                    print(f"| {c} | {label} | no figure: a run gave no timing (loop shorter than 26 steps?) |" + " |" * 8)
                continue
            cells, rates = [], {}
            for side in ("ddpm", "torch"):
                per_round = {k: statistics.median(v["seconds"]) / v["images"] for k, v in sides[side].items()}
                fastest = min(min(v["seconds"]) / v["images"] for v in sides[side].values())
                med = statistics.median(per_round.values())
                images = next(iter(sides[side].values()))["images"]
                cells.append((med * images, fastest * images, 1 / med,
                              max(v["process_rss_bytes"] for v in sides[side].values())))
                rates[side] = per_round
            cpu = {side: {k: statistics.median(v["cpu_seconds"]) / v["images"] for k, v in sides[side].items()
                          if v.get("cpu_seconds")} for side in ("ddpm", "torch")}
            both = sorted(set(cpu["ddpm"]) & set(cpu["torch"]))
            cpu_ratio = f"{statistics.median(cpu['torch'][k] / cpu['ddpm'][k] for k in both):.2f}×" if both else "–"
            common = sorted(set(rates["ddpm"]) & set(rates["torch"]))
            ratios = [rates["torch"][k] / rates["ddpm"][k] for k in common]
            f = flops_per_image(c, w)

            def gf(rate):
                if f is None:
                    return "–"
                g = f * rate / 1e9
                return f"{g:.0f} ({100 * g / peak:.0f}%)"

            (dm, dmin, dr, drss), (tm, tmin, tr, trss) = cells
            if w == "loop":   # timed spans of different lengths: show the images they hold
                dmin, tmin = (next(iter(sides[x].values()))["images"] for x in ("ddpm", "torch"))
            span = (lambda t, m: f"{fmt_s(t)} ({m} images)") if w == "loop" else (lambda t, m: f"{fmt_s(t)} / {fmt_s(m)}")
            print(f"| {c} | {label} | {span(dm, dmin)} | {span(tm, tmin)} | {dr:.1f} | {tr:.1f} "
                  f"| {gf(dr)} | {gf(tr)} | **{statistics.median(ratios):.2f}×** ({min(ratios):.2f}–{max(ratios):.2f}) "
                  f"| {cpu_ratio} | {drss / 2**20:.0f} / {trss / 2**20:.0f} MiB |")


def fmt_s(seconds):
    return f"{seconds * 1e3:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


if __name__ == "__main__":
    if len(sys.argv) in (4, 6) and sys.argv[1] == "--loop-rate":
        loop_rate(sys.argv[2], float(sys.argv[3]), *sys.argv[4:])
    elif len(sys.argv) == 2:
        table(sys.argv[1])
    else:
        sys.exit(__doc__)
