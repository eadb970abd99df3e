"""Benchmark of the attacks and of adversarial-training epochs on the digits CNN (issue 5).

(a) PGD-10 (ℓ∞, ε = 0.1, α = ε/4, random start): this project vs torchattacks' PGD on the same model and
    inputs; both robust accuracies are printed (they must agree within noise) and the throughput ratio
    (torchattacks time / our time; target ≥ 1.0).
(b) Epoch cost on the same model: FGSM-RS / clean (target ≤ 2.2; floor 2) and PGD-10 AT / clean (target
    ≤ 11.5; floor 11).
Timings are medians of interleaved repeats, so that load on a shared machine hits all sides alike.
torchattacks is optional: install it without its dependencies (it would pull torchvision and a CUDA
torch): ``pip install --no-deps torchattacks==3.5.1``. Without it, (a) is skipped with a message.

    python benchmarks/attacks.py [--repeats 7] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from course_lib.data.digits import load_digits
from course_lib.models import CNN, ForwardCounter
from course_lib.robust.attacks import pgd
from course_lib.robust.fast_at import FGSMRS
from course_lib.robust.methods import PGDAT, AdversarialMethod
from course_lib.robust.metrics import accuracy

EPS, STEPS = 0.1, 10


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _train(model, method, x, y, epochs=1, batch_size=128, seed=0):
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for idx in torch.randperm(len(y), generator=generator).split(batch_size):
            method.step(model, x[idx], y[idx], opt)


def bench_pgd(model, x, y, repeats: int) -> float | None:
    try:
        import torchattacks
    except ImportError:
        print("torchattacks is not installed: skipping (a). Install with "
              "`pip install --no-deps torchattacks==3.5.1`.")
        return None
    theirs = torchattacks.PGD(model, eps=EPS, alpha=EPS / 4, steps=STEPS, random_start=True)
    ours = lambda: pgd(model, x, y, EPS, alpha=EPS / 4, steps=STEPS)  # noqa: E731
    torch.manual_seed(0)
    acc_ours, acc_theirs = accuracy(model, ours(), y), accuracy(model, theirs(x, y), y)
    t_ours, t_theirs = [], []
    for _ in range(repeats):
        t_ours.append(_timed(ours))
        t_theirs.append(_timed(lambda: theirs(x, y)))
    ratio = statistics.median(t_theirs) / statistics.median(t_ours)
    print(f"(a) PGD-{STEPS} on {len(y)} digits, eps={EPS}: robust accuracy ours {acc_ours:.3f}, "
          f"torchattacks {acc_theirs:.3f}; median time ours {statistics.median(t_ours) * 1e3:.1f} ms, "
          f"torchattacks {statistics.median(t_theirs) * 1e3:.1f} ms; throughput ratio {ratio:.2f}")
    return ratio


def bench_epochs(x, y, repeats: int) -> tuple[float, float]:
    methods = {"clean": AdversarialMethod(), "FGSM-RS": FGSMRS(EPS),
               "PGD-10 AT": PGDAT(EPS, alpha=EPS / 4, steps=STEPS)}
    times: dict[str, list[float]] = {name: [] for name in methods}
    examples: dict[str, int] = {}
    for r in range(repeats):
        for name, method in methods.items():
            torch.manual_seed(r)
            model = CNN()
            with ForwardCounter(model) as count:
                times[name].append(_timed(lambda m=model, f=method: _train(m, f, x, y)))
            examples[name] = count.examples
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"(b) epoch on {len(y)} digits, batch 128: "
          + ", ".join(f"{name} {t * 1e3:.0f} ms" for name, t in med.items())
          + "; examples through the network / clean: "
          + ", ".join(f"{name} {n / examples['clean']:.2f}" for name, n in examples.items()))
    return med["FGSM-RS"] / med["clean"], med["PGD-10 AT"] / med["clean"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    x_train, y_train, x_test, y_test = load_digits()
    torch.manual_seed(0)
    model = CNN()
    _train(model, AdversarialMethod(), x_train, y_train, epochs=5)
    model.eval()
    ratio = bench_pgd(model, x_test, y_test, args.repeats)
    fgsm_rs, pgd10 = bench_epochs(x_train, y_train, args.repeats)
    print(f"pgd_vs_torchattacks={'n/a' if ratio is None else f'{ratio:.2f}'} "
          f"fgsm_rs_over_clean={fgsm_rs:.2f} pgd10_over_clean={pgd10:.2f}")


if __name__ == "__main__":
    main()
