#!/bin/sh
# Seed 002's guidance sweep: for each guidance weight w, draw PER images of every class with
# `ddpm sample --class all --guidance w`, then score them with `ddpm evaluate --samples`:
#   - FID (feature-net), precision and recall of all 10·PER images against the test split;
#   - the share of images the feature-net classifier puts in the class they were drawn for
#     (each class's images evaluated as their own folder: its top-1 class histogram).
# Writes OUT/sweep.csv and, with a Python that has matplotlib (PYTHON, default
# /tmp/venv-fixtures/bin/python), OUT/guidance-sweep.png.
#
# usage: scripts/guidance-sweep.sh CHECKPOINT OUT [PER_CLASS=40] [DDIM_STEPS=25]
#   env: DDPM (binary, default .build/release/ddpm), WEIGHTS ("0 0.5 1 2 4"), EVAL_ARGS (e.g.
#        "--feature-net FILE --cache-dir DIR"), DATASET (fashion-mnist), SEED (1)
set -eu
checkpoint=$1 out=$2 per=${3:-40} steps=${4:-25}
ddpm=${DDPM:-.build/release/ddpm} weights=${WEIGHTS:-"0 0.5 1 2 4"} dataset=${DATASET:-fashion-mnist} seed=${SEED:-1}
python=${PYTHON:-/tmp/venv-fixtures/bin/python}
mkdir -p "$out"
here=$(cd "$(dirname "$0")" && pwd)
for w in $weights; do
    dir="$out/w$w"
    if [ ! -f "$dir/$(printf '%05d' $((per * 10 - 1))).png" ]; then
        start=$(date +%s)
        "$ddpm" sample --checkpoint "$checkpoint" --class all --n "$per" --guidance "$w" --sampler ddim --steps "$steps" \
            --seed "$seed" --batch-size 100 --images-dir "$dir" --out "$out/grid-w$w.png" --force
        echo "w=$w sampled in $(( $(date +%s) - start )) s"
    fi
    # shellcheck disable=SC2086
    "$ddpm" evaluate --samples "$dir" --dataset "$dataset" --n $((per * 10)) --report "$out/eval-w$w.json" --force ${EVAL_ARGS:-} \
        > "$out/eval-w$w.txt"
    # Image k of a --class all run has class k / PER: one folder (of links) per class.
    for class in 0 1 2 3 4 5 6 7 8 9; do
        classdir="$out/w$w-class$class"
        mkdir -p "$classdir"
        k=0
        while [ $k -lt "$per" ]; do
            name=$(printf '%05d.png' $((class * per + k)))
            ln -sf "$(cd "$dir" && pwd)/$name" "$classdir/$name"
            k=$((k + 1))
        done
        # shellcheck disable=SC2086
        "$ddpm" evaluate --samples "$classdir" --dataset "$dataset" --n "$per" --report "$out/eval-w$w-class$class.json" --force \
            ${EVAL_ARGS:-} > /dev/null
    done
done
"$python" "$here/guidance_sweep_table.py" "$out" $weights
