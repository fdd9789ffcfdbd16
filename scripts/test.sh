#!/usr/bin/env bash
# The test command: installs what is needed, then runs every test in a release build
# (numeric code is ~50x slower in debug). Timings are never part of tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift test -c release -Xswiftc -enable-testing "$@"
