#!/usr/bin/env bash
# Installs the Debian packages ddpm needs. Idempotent: prints nothing when all are present.
#   libopenblas-dev        CBLAS (GEMM) for the tensor core
#   libpng-dev             PNG output (pulls zlib1g-dev, used for .gz datasets)
#   dataset-fashion-mnist  the default training data (IDX files in /usr/share/datasets)
set -euo pipefail
packages=(libopenblas-dev libpng-dev zlib1g-dev dataset-fashion-mnist)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "bootstrap: installing ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
