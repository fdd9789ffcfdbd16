#!/usr/bin/env bash
# End-to-end check for CI: builds the release `ddpm` and runs a short real pipeline on
# Fashion-MNIST (Debian's dataset-fashion-mnist) with a tiny model and a handful of steps:
#   train → sample (DDIM) → info → export → sample from the export → inpaint → resume
# Each stage checks its exit code and the files it should write. About a minute, most of it the build.
#   scripts/e2e.sh      DDPM_E2E_DATA=DIR   another Fashion-MNIST folder
#                       SCRATCH_PATH=DIR    build in another SwiftPM scratch folder (default .build)
#                       DDPM_BINARY=PATH    skip the build and test this binary
set -uo pipefail
cd "$(dirname "$0")/.."

data="${DDPM_E2E_DATA:-/usr/share/datasets/fashion-mnist}"
scratch="${SCRATCH_PATH:-.build}"
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok    $1"; }
fail() { failed=$((failed + 1)); echo "FAIL  $1" >&2; }
summary() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

# check NAME FILE... -- COMMAND...: runs COMMAND (output in $work/NAME.log), then expects exit 0 and every FILE.
check() {
  local name="$1"; shift
  local files=()
  while [ "$1" != "--" ]; do files+=("$1"); shift; done
  shift
  "$@" >"$work/$name.log" 2>&1
  local status=$?
  if [ "$status" -ne 0 ]; then
    fail "$name: exit $status from: $*"
    sed 's/^/      /' "$work/$name.log" | tail -5 >&2
    return 1
  fi
  for f in "${files[@]}"; do
    if [ ! -s "$f" ]; then fail "$name: $f was not written"; return 1; fi
  done
  pass "$name"
}

# 1. Build (DDPM_BINARY=PATH skips it and tests that binary).
if [ -n "${DDPM_BINARY:-}" ]; then
  ddpm="$DDPM_BINARY"
  [ -x "$ddpm" ] && pass "binary $ddpm" || { fail "DDPM_BINARY=$ddpm is not executable"; summary; }
else
  echo "building ddpm (release, scratch $scratch)..."
  log="$(mktemp -t ddpm-e2e-build.XXXXXX)"
  if swift build -c release --product ddpm --scratch-path "$scratch" >"$log" 2>&1; then
    pass "build"
  else
    fail "build"; tail -20 "$log" >&2; rm -f "$log"; summary
  fi
  rm -f "$log"
  ddpm="$(swift build -c release --product ddpm --scratch-path "$scratch" --show-bin-path)/ddpm"
fi

if [ ! -f "$data/train-images-idx3-ubyte.gz" ] && [ ! -f "$data/train-images-idx3-ubyte" ]; then
  echo "Fashion-MNIST not found in $data (apt-get install dataset-fashion-mnist); pipeline skipped"
  summary
fi

work="$(mktemp -d -t ddpm-e2e.XXXXXX)"
trap 'rm -rf "$work"' EXIT
run="$work/run"
tiny=(--dataset fashion-mnist --data-dir "$data" --limit 512 --image-size 28 --base-channels 8 --channel-multipliers 1,2
      --res-blocks 1 --attention-resolutions none --timesteps 100 --batch-size 16 --learning-rate 1e-3
      --checkpoint-every 10 --sample-every 10 --validate-every 10 --validation-images 64)

# 2. Train 20 steps: run folder, checkpoints, best checkpoint, a preview grid.
check train "$run/config.yaml" "$run/metrics.jsonl" "$run/loss.png" "$run/checkpoints/step-00000020.safetensors" \
  "$run/checkpoints/best.safetensors" "$run/samples/step-00000010.png" -- \
  "$ddpm" train "${tiny[@]}" --steps 20 --run-dir "$run"

# 3. Sample from the run folder with a few DDIM steps.
check sample "$work/grid.png" -- \
  "$ddpm" sample --checkpoint "$run" --n 8 --sampler ddim --steps 10 --out "$work/grid.png" --trajectory "$work/strip.png"

# 4. info shows the grid's provenance and the checkpoint's step.
check info -- "$ddpm" info "$work/grid.png"
if grep -q "checkpoint-step: 20" "$work/info.log" && grep -q "sampler: ddim" "$work/info.log"; then
  pass "info provenance"
else
  fail "info provenance: no checkpoint-step/sampler lines"; sed 's/^/      /' "$work/info.log" >&2
fi
check info-checkpoint -- "$ddpm" info "$run/checkpoints/step-00000020.safetensors"
grep -q "^step: 20" "$work/info-checkpoint.log" && pass "info checkpoint step" || fail "info checkpoint step"

# 5. Export in the diffusers layout, then sample from the export: same weights and seed, same PNG pixels.
check export "$work/export/config.json" "$work/export/diffusion_pytorch_model.safetensors" -- \
  "$ddpm" export --checkpoint "$run" --out "$work/export"
check sample-export "$work/grid-export.png" -- \
  "$ddpm" sample --checkpoint "$work/export" --n 8 --sampler ddim --steps 10 --out "$work/grid-export.png"

# 5b. Inpaint the upper half of two Fashion-MNIST test images (the checkpoint's own dataset and test split).
check inpaint "$work/inpaint.png" "$work/inpainted/input00001-01.png" -- \
  "$ddpm" inpaint --checkpoint "$run" --mask upper-half --n 2 --n-per-image 2 --steps 10 --jump-length 3 --resample 2 \
  --out "$work/inpaint.png" --out-dir "$work/inpainted"

# 6. Resume to step 25.
check resume "$run/checkpoints/step-00000025.safetensors" -- "$ddpm" train --resume "$run" --steps 25
grep -q "stopped at step 25" "$work/resume.log" && pass "resume reached step 25" || fail "resume did not reach step 25"

# 7. A user error exits non-zero with one "Error:" line.
if "$ddpm" sample --checkpoint "$work/nowhere.safetensors" >"$work/error.log" 2>&1; then
  fail "missing checkpoint: exit 0"
elif [ "$(grep -c '^Error: ' "$work/error.log")" -eq 1 ] && grep -q "nowhere.safetensors" "$work/error.log"; then
  pass "missing checkpoint is a one-line error"
else
  fail "missing checkpoint message"; sed 's/^/      /' "$work/error.log" >&2
fi

summary
