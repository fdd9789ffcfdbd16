#!/usr/bin/env bash
# The test command: installs what is needed, runs every unit test in a release build (numeric
# code is ~50x slower in debug), then the end-to-end CLI pipeline on Fashion-MNIST with the
# binary the tests just built. Timings are never part of tests (`ddpm bench` is separate).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift test -c release -Xswiftc -enable-testing "$@"
DDPM_BINARY="$(swift build -c release --show-bin-path)/ddpm" scripts/e2e.sh
