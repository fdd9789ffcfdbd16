#!/usr/bin/env bash
# The main job on a fresh machine: installs what is needed, builds ddpm (release), trains the
# tiny UNet on Fashion-MNIST (Debian's dataset-fashion-mnist) for a few minutes, and samples a grid.
#   scripts/quickstart.sh [MINUTES]      (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-5}"
scripts/bootstrap.sh
echo "building ddpm (release)..." >&2
swift build -c release --product ddpm 2>&1 | grep -E "error|warning: unre|Compiling|Build" | grep -v Compiling >&2 || true
ddpm=".build/release/ddpm"
[ -x "$ddpm" ] || { echo "quickstart: build failed" >&2; exit 1; }
run="runs/quickstart-$(date +%Y%m%d-%H%M%S)"
"$ddpm" train --config configs/tiny.yaml --dataset fashion-mnist --minutes "$minutes" --run-dir "$run" \
  --validate-every 500 --validation-images 512 --sample-every 0
"$ddpm" sample --checkpoint "$run" --n 64 --sampler ddim --steps 100 --out "$run/samples.png" \
  --trajectory "$run/trajectory.png"
echo
echo "outputs:"
echo "  samples      $run/samples.png"
echo "  trajectory   $run/trajectory.png"
echo "  loss curve   $run/loss.png"
echo "  metrics      $run/metrics.jsonl"
echo "  checkpoints  $run/checkpoints/"
