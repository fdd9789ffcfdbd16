#!/usr/bin/env bash
# ddpm against PyTorch (diffusers' UNet2DModel) on THIS machine, interleaved and repeated.
#
# For each config (tiny, small, cifar) and each workload, the ddpm measurement is followed at once
# by its PyTorch twin, and the whole set is repeated --rounds times: a shared machine drifts by tens
# of percent within minutes, so only a ratio measured this way means anything. Workloads:
#   train    a full training step at batch 64 (eps-MSE, backward, clip, AdamW, EMA)   ddpm bench --workload train
#   forward  a sampling forward pass at batch 64                                      ddpm bench --workload sample
#   ddim     ddpm sample --sampler ddim --steps 50 --n 64 (the whole process, load and PNG included)
#            against diffusers' DDIMPipeline (the pipeline call only) on the weights `ddpm export` wrote
#   loop     the whole training loop for --minutes (data, flips, loss, backward, clip, AdamW, EMA, logging),
#            ddpm train against a PyTorch loop with the same recipe, images/s after the first step
# Each side is its own process; peak RSS is that process's maximum resident set (/usr/bin/time).
# PyTorch runs diffusers' UNet2DModel built from the config.json that `ddpm export` wrote, so both
# sides are the same architecture by construction; FLOPs are counted once (ddpm's UNetFlops) for both.
#
# Usage: scripts/bench-vs-pytorch.sh [--quick] [--rounds N] [--repeats N] [--minutes M]
#                                    [--configs "tiny small cifar"] [--workloads "train forward ddim loop"]
#                                    [--threads N] [--venv DIR] [--work DIR]
# Environment: DDPM_BINARY=PATH measures that binary instead of building one; OPENBLAS_CORETYPE, if
# set, is passed on (ddpm otherwise picks OpenBLAS's AVX-512 kernels itself where the CPU has them).
#   --quick   3 rounds, 3 repeats, tiny and small only, half-minute loops (a quarter of an hour on a busy 2-core machine)
# The PyTorch side lives in a throwaway venv outside the tree (default /tmp/venv-fixtures, made by
# scripts/fixtures/setup-venv.sh: torch==2.13.0+cpu, diffusers, safetensors).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3 repeats=5 minutes=2 threads="$(nproc)"
configs="tiny small cifar" workloads="train forward ddim loop"
venv="${DDPM_BENCH_VENV:-/tmp/venv-fixtures}" work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) rounds=3 repeats=3 minutes=0.5 configs="tiny small" ;;
    --rounds) rounds="$2"; shift ;;
    --repeats) repeats="$2"; shift ;;
    --minutes) minutes="$2"; shift ;;
    --configs) configs="$2"; shift ;;
    --workloads) workloads="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --venv) venv="$2"; shift ;;
    --work) work="$2"; shift ;;
    -h|--help) sed -n 2,24p "$0"; exit 0 ;;
    *) echo "bench-vs-pytorch.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# 1. The PyTorch side, once, outside the tree.
if ! "$venv/bin/python" -c 'import torch, diffusers' 2>/dev/null; then
  echo "setting up PyTorch in $venv (once)..."
  scripts/fixtures/setup-venv.sh "$venv"
fi
py="$venv/bin/python"

# 2. ddpm, release (DDPM_BINARY=PATH skips the build and measures that binary).
if [ -n "${DDPM_BINARY:-}" ]; then
  ddpm="$(realpath "$DDPM_BINARY")"
else
  echo "building ddpm (release)..."
  swift build -c release --product ddpm >/tmp/ddpm-bench-build.log 2>&1 || { tail -20 /tmp/ddpm-bench-build.log; exit 1; }
  ddpm="$(swift build -c release --product ddpm --show-bin-path)/ddpm"
fi

work="${work:-$(mktemp -d -t ddpm-bench.XXXXXX)}"
mkdir -p "$work"
results="$work/results.jsonl"
: >"$results"
export DDPM_THREADS="$threads" OMP_NUM_THREADS="$threads"
echo "work folder: $work   threads: $threads   rounds: $rounds   repeats: $repeats   loop: $minutes min"

# record SIDE CONFIG WORKLOAD ROUND JSON RSS_KB: one line of results.jsonl.
record() {
  "$py" -c 'import json, sys; r = json.loads(sys.argv[5]); r.update(side=sys.argv[1], config=sys.argv[2], workload=sys.argv[3],
round=int(sys.argv[4]), process_rss_bytes=int(sys.argv[6]) * 1024); print(json.dumps(r))' "$@" >>"$results"
}

# timed_rss OUT COMMAND...: runs COMMAND with stdout to OUT; prints its max RSS in kB (and leaves
# its CPU seconds, user + system, in OUT.cpu).
timed_rss() {
  local out="$1"; shift
  /usr/bin/time -f '%M %U %S' -o "$out.rss" "$@" >"$out" 2>"$out.err" || { echo "FAILED: $*" >&2; tail -5 "$out.err" >&2; return 1; }
  tail -1 "$out.rss" | awk '{ print $2 + $3 }' >"$out.cpu"
  tail -1 "$out.rss" | cut -d' ' -f1
}

data_args() {   # the training data of a config: Fashion-MNIST, or random PNGs for cifar (CIFAR-10 is not offline)
  case "$1" in
    cifar) echo "--dataset folder --data-dir $work/cifar-pngs --image-size 32" ;;
    *) echo "--dataset fashion-mnist --data-dir /usr/share/datasets/fashion-mnist" ;;
  esac
}
data_dir() { case "$1" in cifar) echo "$work/cifar-pngs" ;; *) echo /usr/share/datasets/fashion-mnist ;; esac; }

# recipe CONFIG: the config's training recipe as torch_twin.py flags.
recipe() {
  "$py" - "configs/$1.yaml" <<'EOF'
import sys, yaml
t = (yaml.safe_load(open(sys.argv[1])) or {}).get("training", {})
flip = (yaml.safe_load(open(sys.argv[1])) or {}).get("data", {}).get("flip", False)
print(f'--lr {t.get("learningRate", 2e-4)} --weight-decay {t.get("weightDecay", 0)} --clip {t.get("gradClip", 1)} '
      f'--ema-decay {t.get("emaDecay", 0.999)}' + (" --flip" if flip else ""))
EOF
}

# 3. Per config: a model exported by ddpm (one training step, then `ddpm export`).
for c in $configs; do
  if [ "$c" = cifar ] && [ ! -d "$work/cifar-pngs" ]; then
    "$py" -c '
import os, sys, numpy as np
from PIL import Image
out = sys.argv[1]; os.makedirs(out); rng = np.random.default_rng(0)
for i in range(1024):
    Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)).save(f"{out}/{i:04d}.png")' "$work/cifar-pngs"
  fi
  if [ ! -f "$work/export-$c/config.json" ]; then
    # shellcheck disable=SC2046
    "$ddpm" train --config "configs/$c.yaml" $(data_args "$c") --steps 1 --run-dir "$work/run-$c" --force \
      --sample-every 0 --validate-every 1000000 --validation-images 64 >"$work/setup-$c.log" 2>&1
    "$ddpm" export --checkpoint "$work/run-$c" --out "$work/export-$c" --force >>"$work/setup-$c.log" 2>&1
  fi
done

# 4. Rounds: each ddpm measurement, then its twin at once.
for r in $(seq 1 "$rounds"); do
  for c in $configs; do
    for w in $workloads; do
      echo "round $r/$rounds  $c  $w"
      out="$work/r$r-$c-$w"
      case "$w" in
        train|forward)
          bw=$([ "$w" = train ] && echo train || echo sample)
          rss=$(timed_rss "$out.ddpm" "$ddpm" bench --model "$c" --workload "$bw" --repeats "$repeats" --json)
          record ddpm "$c" "$w" "$r" "$(grep '"name":"'"$([ "$w" = train ] && echo train || echo sample)" "$out.ddpm" | tail -1)" "$rss"
          # The FMA loop ran in the same process: keep it as this round's peak sample.
          record ddpm "$c" peak "$r" "$(grep '"name":"FMA loop' "$out.ddpm" | tail -1)" "$rss"
          # shellcheck disable=SC2046
          rss=$(timed_rss "$out.torch" "$py" scripts/bench/torch_twin.py "$w" --model-dir "$work/export-$c" \
                  --threads "$threads" --repeats "$repeats" $(recipe "$c"))
          record torch "$c" "$w" "$r" "$(tail -1 "$out.torch")" "$rss"
          ;;
        ddim)
          t0=$(date +%s.%N)
          rss=$(timed_rss "$out.ddpm" "$ddpm" sample --checkpoint "$work/export-$c" --sampler ddim --steps 50 --n 64 \
                  --out "$work/grid-$c.png" --force)
          t1=$(date +%s.%N)
          record ddpm "$c" ddim "$r" "{\"seconds\": [$(echo "$t1 - $t0" | bc)], \"cpu_seconds\": [$(cat "$out.ddpm.cpu")], \"images\": 64}" "$rss"
          rss=$(timed_rss "$out.torch" "$py" scripts/bench/torch_twin.py ddim --model-dir "$work/export-$c" \
                  --threads "$threads" --repeats 1 --n 64 --steps 50)
          record torch "$c" ddim "$r" "$(tail -1 "$out.torch")" "$rss"
          ;;
        loop)
          # shellcheck disable=SC2046
          rss=$(timed_rss "$out.ddpm" "$ddpm" train --config "configs/$c.yaml" $(data_args "$c") --minutes "$minutes" \
                  --run-dir "$work/loop-$c-$r" --force --sample-every 0 --validate-every 1000000 --checkpoint-every 1000000)
          record ddpm "$c" loop "$r" "$("$py" scripts/bench/table.py --loop-rate "$work/loop-$c-$r/metrics.jsonl" "$(cat "$out.ddpm.cpu")" "$out.ddpm" "$minutes")" "$rss"
          # shellcheck disable=SC2046
          rss=$(timed_rss "$out.torch" "$py" scripts/bench/torch_twin.py loop --model-dir "$work/export-$c" \
                  --threads "$threads" --minutes "$minutes" --data-dir "$(data_dir "$c")" $(recipe "$c"))
          record torch "$c" loop "$r" "$(tail -1 "$out.torch")" "$rss"
          ;;
      esac
    done
  done
done

# 5. One table.
{
  echo "command: scripts/bench-vs-pytorch.sh $*"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')   CPU: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores), $(lscpu | sed -n 's/^CPU family: *//p' | head -1 | sed 's/^/family /')"
  echo "ddpm $(git rev-parse --short HEAD), OpenBLAS kernels: $(grep -o '"blas_core":"[^"]*"' "$work"/r1-*.ddpm 2>/dev/null | head -1 | cut -d'"' -f4)   PyTorch: $("$py" -c 'import torch, diffusers; print("torch", torch.__version__, "diffusers", diffusers.__version__)')"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$py" scripts/bench/table.py "$results"
} | tee "$work/table.md"
echo "results: $results   table: $work/table.md"
