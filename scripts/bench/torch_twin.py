#!/usr/bin/env python3
"""The PyTorch twin of each `ddpm` measurement in scripts/bench-vs-pytorch.sh.

Every workload builds diffusers' UNet2DModel from the config.json that `ddpm export` wrote, so
both sides run the same architecture by construction, and prints one JSON line:
  {"workload": ..., "seconds": [...], "cpu_seconds": [...], "images": <images per timed run>, "max_rss_bytes": ...}
(cpu_seconds: process CPU time of each run, all threads: on a loaded machine it stretches far
less than wall time, so the table reports a CPU-time ratio next to the wall-time one)

  train    one training step at --batch: draw t and eps, eps-MSE, backward, clip, AdamW, EMA
  forward  one sampling forward pass at --batch (eval mode, no autograd)
  ddim     diffusers' DDIMPipeline, --steps steps, --n images, on the exported weights
  loop     the whole training loop for --minutes: data (IDX or PNG folder, as ddpm reads it),
           flips, loss, backward, clip, AdamW, EMA, a log line every 25 steps; the figure is
           images / seconds after the first step (the first step warms up, as in ddpm's log)

Threads: torch.set_num_threads(--threads), the same count ddpm runs with.
"""
import argparse
import gzip
import json
import os
import resource
import time

import numpy as np
import torch
import diffusers.utils.import_utils

# A torchvision built for another torch (pytorch-fid pulls one in) breaks diffusers' pipeline
# imports; neither the UNet nor DDIM needs it.
diffusers.utils.import_utils._torchvision_available = False
from diffusers import DDIMPipeline, DDIMScheduler, UNet2DModel  # noqa: E402


def max_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024   # Linux: kilobytes


def linear_alphas_cumprod(timesteps=1000, beta_min=1e-4, beta_max=0.02):
    betas = torch.linspace(beta_min, beta_max, timesteps, dtype=torch.float64)
    return torch.cumprod(1 - betas, 0).float()


class Recipe:
    """ddpm's training step: eps-prediction MSE, global-norm clip, AdamW, EMA (configs/*.yaml)."""

    def __init__(self, model, lr, weight_decay, clip, ema_decay):
        self.model = model
        self.opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
        self.ema = [p.detach().clone() for p in model.parameters()]
        self.params = list(model.parameters())
        self.clip, self.ema_decay = clip, ema_decay
        self.abar = linear_alphas_cumprod()

    def step(self, x0):
        n = x0.shape[0]
        t = torch.randint(0, len(self.abar), (n,))
        eps = torch.randn_like(x0)
        a = self.abar[t].view(n, 1, 1, 1)
        xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
        loss = torch.nn.functional.mse_loss(self.model(xt, t).sample, eps)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        if self.clip > 0:
            torch.nn.utils.clip_grad_norm_(self.params, self.clip)
        self.opt.step()
        with torch.no_grad():
            torch._foreach_lerp_(self.ema, self.params, 1 - self.ema_decay)
        return loss


def timed(body, repeats, warmup=1):
    for _ in range(warmup):
        body()
    seconds, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        body()
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return seconds, cpu


def load_model(model_dir, train):
    model = UNet2DModel.from_pretrained(model_dir)
    model.train(train)
    return model


def batch_input(model, batch, seed=1):
    g = torch.Generator().manual_seed(seed)
    c, s = model.config.in_channels, model.config.sample_size
    return torch.rand(batch, c, s, s, generator=g) * 2 - 1


def run_train(a):
    model = load_model(a.model_dir, train=True)
    recipe = Recipe(model, a.lr, a.weight_decay, a.clip, a.ema_decay)
    x0 = batch_input(model, a.batch)
    return timed(lambda: recipe.step(x0), a.repeats), a.batch


def run_forward(a):
    model = load_model(a.model_dir, train=False)
    x = batch_input(model, a.batch)
    t = torch.tensor([(i * 997) % 1000 for i in range(a.batch)])
    with torch.no_grad():
        return timed(lambda: model(x, t).sample, a.repeats), a.batch


def run_ddim(a):
    model = load_model(a.model_dir, train=False)
    scheduler = DDIMScheduler(num_train_timesteps=1000, beta_schedule="linear", beta_start=1e-4, beta_end=0.02,
                              clip_sample=True, timestep_spacing="linspace")
    pipe = DDIMPipeline(unet=model, scheduler=scheduler)
    pipe.set_progress_bar_config(disable=True)
    body = lambda: pipe(batch_size=a.n, num_inference_steps=a.steps, eta=0.0, output_type="np",
                        generator=torch.Generator().manual_seed(0))
    return timed(body, a.repeats, warmup=0), a.n


def read_idx_images(folder):
    """Fashion-MNIST / MNIST training images, scaled to [-1, 1] as ddpm's IDX reader does."""
    for name in ("train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            raw = (gzip.open if name.endswith(".gz") else open)(path, "rb").read()
            n, h, w = (int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(3))
            x = np.frombuffer(raw, np.uint8, n * h * w, 16).reshape(n, 1, h, w)
            return torch.from_numpy(x.astype(np.float32) / 127.5 - 1)
    from PIL import Image
    files = sorted(f for f in os.listdir(folder) if f.lower().endswith(".png"))
    x = np.stack([np.asarray(Image.open(os.path.join(folder, f)).convert("RGB")) for f in files])
    return torch.from_numpy(x.transpose(0, 3, 1, 2).astype(np.float32) / 127.5 - 1)


def run_loop(a):
    model = load_model(a.model_dir, train=True)
    recipe = Recipe(model, a.lr, a.weight_decay, a.clip, a.ema_decay)
    data = read_idx_images(a.data_dir)
    if a.limit:
        data = data[: a.limit]
    g = torch.Generator().manual_seed(0)
    order, cursor, step, images, window = torch.randperm(len(data), generator=g), 0, 0, 0, []
    deadline, start = None, None
    while True:
        if cursor + a.batch > len(order):
            order, cursor = torch.randperm(len(data), generator=g), 0
        x0 = data[order[cursor: cursor + a.batch]]
        cursor += a.batch
        if a.flip:
            flip = torch.rand(a.batch, generator=g) < 0.5
            x0 = torch.where(flip.view(-1, 1, 1, 1), x0.flip(3), x0)
        window.append(recipe.step(x0).item())
        step += 1
        if step == 1:   # the first step warms up; time from here, as ddpm's log does
            start, cpu_start = time.perf_counter(), time.process_time()
            deadline = start + a.minutes * 60
            continue
        images += a.batch
        if step % 25 == 0:
            print(f"step {step} loss {sum(window) / len(window):.4f}", file=open(os.devnull, "w"))
            window = []
        if time.perf_counter() >= deadline:
            break
    return ([time.perf_counter() - start], [time.process_time() - cpu_start]), images


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("workload", choices=["train", "forward", "ddim", "loop"])
    p.add_argument("--model-dir", required=True, help="a `ddpm export` folder")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--n", type=int, default=64)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--minutes", type=float, default=2)
    p.add_argument("--data-dir")
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--flip", action="store_true")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--ema-decay", type=float, default=0.999)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    (seconds, cpu), images = {"train": run_train, "forward": run_forward, "ddim": run_ddim, "loop": run_loop}[a.workload](a)
    print(json.dumps({"workload": a.workload, "seconds": seconds, "cpu_seconds": cpu, "images": images, "max_rss_bytes": max_rss_bytes(),
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
