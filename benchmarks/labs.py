"""Benchmark of GPU lab 1's epoch, on the CPU at smoke scale (issue 8).

PreActResNet-18 (narrow: ``--width``, default 16) trains for one epoch over a fixed set of batches of a
fake CIFAR-10, fed by the lab's device loader (uint8 on the device, random crop + flip there), with the
lab's methods. Printed: the epoch time of clean training, FGSM-RS and PGD-10 AT, the ratios
FGSM-RS / clean (target ≤ 2.2; floor 2: one attack forward-backward + one training forward-backward)
and PGD-10 / clean (target ≤ 11.5; floor 11), and the share of a *clean* epoch spent loading and
augmenting the batches (target ≤ 0.05; an AT epoch's share is smaller still).
Timings are medians of interleaved repeats, so that load on a shared machine hits all sides alike.

    python benchmarks/labs.py [--repeats 5] [--threads 1] [--width 16] [--batches 4] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import torch

from course_lib.data import cifar10
from course_lib.labs import at


def epoch_seconds(method, model, loader, opt) -> float:
    """Wall time of one training epoch (loading, augmentation, attack and update)."""
    model.train()
    t0 = time.perf_counter()
    for x, y in loader:
        method.step(model, x, y, opt)
    return time.perf_counter() - t0


def loader_seconds(loader) -> float:
    """Wall time of one pass over the loader alone (index, crop, flip, uint8 → float)."""
    t0 = time.perf_counter()
    for x, _ in loader:
        x.sum()                                  # touch the batch
    return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--width", type=int, default=16)
    p.add_argument("--batches", type=int, default=4)
    p.add_argument("--batch-size", type=int, default=32)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        cifar10.write_fake_cifar10(tmp, n_train=a.batches * a.batch_size, n_test=10)
        x, y = cifar10.load_cifar10(tmp)
    loader = cifar10.DeviceLoader(x, y, a.batch_size, train=True, seed=0)
    runs = {}
    for name in ("clean", "fgsm_rs", "pgd"):
        cfg = at.make_config(name, "smoke", width=a.width, attack_steps=10)
        model = at.make_model(cfg)
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
        runs[name] = (at.make_method(cfg), model, opt)
    for method, model, opt in runs.values():      # warm-up
        epoch_seconds(method, model, loader, opt)
    times = {name: [] for name in (*runs, "loader")}
    for _ in range(a.repeats):
        for name, (method, model, opt) in runs.items():
            times[name].append(epoch_seconds(method, model, loader, opt))
        times["loader"].append(loader_seconds(loader))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"PreActResNet-18 width {a.width}, {a.batches} batches of {a.batch_size}, {a.threads} thread(s), "
          f"median of {a.repeats}")
    for name in (*runs, "loader"):
        print(f"  {name:8s} epoch {med[name] * 1e3:9.1f} ms")
    ratio = {k: med[k] / med["clean"] for k in med}
    print(f"fgsm_rs_over_clean={ratio['fgsm_rs']:.3f} pgd10_over_clean={ratio['pgd']:.3f} "
          f"loader_share={ratio['loader']:.4f}")


if __name__ == "__main__":
    main()
