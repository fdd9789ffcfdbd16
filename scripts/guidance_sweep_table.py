"""Table and plot of scripts/guidance-sweep.sh's results (seed 002's guidance sweep).

Reads OUT/eval-wW.json (all classes) and OUT/eval-wW-classC.json (class C's images alone), both
written by `ddpm evaluate --samples`, and writes OUT/sweep.csv, OUT/guidance-sweep.png, and
OUT/guidance-grids.png: the first 8 images of every class (the `--class all` grids' left columns)
side by side for each w.
Usage: python guidance_sweep_table.py OUT W1 W2 ...
"""
import csv
import json
import sys

out, weights = sys.argv[1], sys.argv[2:]
rows = []
for w in weights:
    with open(f"{out}/eval-w{w}.json") as f:
        scores = json.load(f)["samples"]
    hits = total = 0
    for c in range(10):
        with open(f"{out}/eval-w{w}-class{c}.json") as f:
            counts = json.load(f)["samples"]["classHistogram"]["counts"]
        hits += counts[c]
        total += sum(counts)
    rows.append({"w": float(w), "diffusers_guidance_scale": 1 + float(w), "requested_class_share": hits / total,
                 "fid_feature_net": scores["fidFeatureNet"], "precision": scores["precisionRecall"]["precision"],
                 "recall": scores["precisionRecall"]["recall"], "images": total})

with open(f"{out}/sweep.csv", "w", newline="") as f:
    writer = csv.DictWriter(f, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
print("| w | diffusers scale | classified as requested | FID (feature net) | precision | recall |")
print("| --- | --- | --- | --- | --- | --- |")
for r in rows:
    print(f"| {r['w']:g} | {r['diffusers_guidance_scale']:g} | {100 * r['requested_class_share']:.1f} % | "
          f"{r['fid_feature_net']:.2f} | {r['precision']:.3f} | {r['recall']:.3f} |")

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit("matplotlib not found: wrote the table only")
ws = [r["w"] for r in rows]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.plot(ws, [r["requested_class_share"] for r in rows], "o-", label="classified as requested class")
left.plot(ws, [r["precision"] for r in rows], "s-", label="precision")
left.plot(ws, [r["recall"] for r in rows], "^-", label="recall")
left.set_xlabel("guidance weight w (diffusers scale = 1 + w)")
left.set_ylim(0, 1)
left.legend()
right.plot(ws, [r["fid_feature_net"] for r in rows], "o-", color="C3")
right.set_xlabel("guidance weight w")
right.set_ylabel("FID (feature net; lower is better)")
fig.suptitle(f"Classifier-free guidance sweep, {rows[0]['images']} images per w")
fig.tight_layout()
fig.savefig(f"{out}/guidance-sweep.png", dpi=100)

from PIL import Image, ImageDraw  # noqa: E402 (matplotlib brings Pillow)

# --class all grids: a label column (widest name "T-shirt/top": 11 glyphs of 6 px − 1, plus 2 px
# margins) then 28-px tiles with 2-px padding; keep the first 8 tiles of every row.
label, tile, keep = 11 * 6 - 1 + 4, 30, 8
grids = [Image.open(f"{out}/grid-w{w}.png").convert("L") for w in weights]
header = 14
width = label + sum(keep * tile + 2 + 8 for _ in grids)
sheet = Image.new("L", (width, grids[0].height + header), 0)
draw = ImageDraw.Draw(sheet)
x = 0
for k, (w, grid) in enumerate(zip(weights, grids)):
    left = 0 if k == 0 else label
    part = grid.crop((left, 0, label + keep * tile + 2, grid.height))
    sheet.paste(part, (x, header))
    draw.text((x + (label if k == 0 else 0) + 4, 1), f"w = {w}", fill=255)
    x += part.width + 8
sheet.save(f"{out}/guidance-grids.png", optimize=True)
print(f"wrote {out}/sweep.csv, {out}/guidance-sweep.png and {out}/guidance-grids.png")
