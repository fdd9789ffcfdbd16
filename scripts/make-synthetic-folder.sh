#!/usr/bin/env bash
# Makes a synthetic image-folder dataset at CelebA scale: N RGB PNGs of SIDE×SIDE pixels, each a
# smooth two-colour gradient with a soft ellipse ("a face on a background") and a little noise, so
# the files compress like photographs rather than like pure noise. Used to measure the folder
# dataset path (README, "Data at scale"); not needed by the tests.
#
#   scripts/make-synthetic-folder.sh [DIR] [N] [SIDE]      defaults: /tmp/ddpm-synthetic-200k 200000 64
#
# Deterministic: image k is drawn from numpy's PCG64 seeded with k. Needs python3 with numpy.
set -euo pipefail
dir=${1:-/tmp/ddpm-synthetic-200k}
count=${2:-200000}
side=${3:-64}
mkdir -p "$dir"
python3 - "$dir" "$count" "$side" <<'PY'
import struct, sys, zlib
import numpy as np

folder, count, side = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def png(rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))

y, x = np.mgrid[0:side, 0:side].astype(np.float32) / (side - 1)
for k in range(count):
    g = np.random.Generator(np.random.PCG64(k))
    a, b, face = g.uniform(0, 255, 3), g.uniform(0, 255, 3), g.uniform(60, 230, 3)
    angle = g.uniform(0, np.pi)
    t = (np.cos(angle) * x + np.sin(angle) * y)[..., None]
    image = a * (1 - t) + b * t
    cx, cy, rx, ry = g.uniform(0.35, 0.65), g.uniform(0.35, 0.65), g.uniform(0.18, 0.3), g.uniform(0.22, 0.38)
    inside = np.clip(1.5 - ((x - cx) / rx) ** 2 - ((y - cy) / ry) ** 2, 0, 1)[..., None]
    image = image * (1 - inside) + face * inside + g.normal(0, 4, (side, side, 3))
    with open(f"{folder}/{k:06d}.png", "wb") as f:
        f.write(png(np.clip(image, 0, 255).astype(np.uint8)))
    if (k + 1) % 20000 == 0:
        print(f"{k + 1} / {count}", file=sys.stderr)
PY
echo "wrote $count PNGs of ${side}x${side} to $dir"
