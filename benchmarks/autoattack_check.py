"""Independent cross-check of the project's robust accuracy against the official AutoAttack.

Trains a PGD-AT model on 8×8 digits (lecture 04's MLP by default; ``--arch cnn`` for a
wider CNN, which takes ~15× longer), then attacks the same model on
the same test images with (a) this project's strongest attack, the ``"ensemble"`` of
:func:`course_lib.robust.metrics.robust_correct` (PGD on CE and on the margin, each with restarts, and
BETA), and (b) AutoAttack "standard" (APGD-CE, APGD-T, FAB-T, Square; Croce & Hein 2020) from the PyPI
package ``pyautoattack`` (module ``pyautoattack``; note its keyword-only ``eps``/``device`` with
defaults 0.3/"cpu", and that ``run_standard_evaluation`` returns ``(x_adv, y_adv)``).

Pass criterion (issue 6): the project's robust accuracy is at most 1 point above AutoAttack's.

    python benchmarks/autoattack_check.py [--arch mlp|cnn] [--eps 0.2] [--epochs 12] [--n-test 450]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

import torch

from course_lib import seed_everything
from course_lib.data.digits import load_digits
from course_lib.models.small import CNN, MLP
from course_lib.robust.methods import PGDAT
from course_lib.robust.metrics import accuracy, robust_correct
from course_lib.robust.training import fit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eps", type=float, default=0.2, help="ℓ∞ radius in [0, 1] pixel units")
    parser.add_argument("--arch", choices=("mlp", "cnn"), default="mlp")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--width", type=int, default=32, help="CNN width (32: the small CNN of the lectures)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--n-test", type=int, default=450)
    parser.add_argument("--steps", type=int, default=50, help="steps of the project's attacks")
    parser.add_argument("--restarts", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        from pyautoattack import AutoAttack
    except ImportError:
        print("pyautoattack is not installed: pip install pyautoattack (no dependencies; Python ≥ 3.10)")
        return 2

    torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    x_train, y_train, x_test, y_test = load_digits()
    x_test, y_test = x_test[: args.n_test], y_test[: args.n_test]
    model = CNN(width=args.width) if args.arch == "cnn" else MLP(hidden=(256,))
    t0 = time.perf_counter()
    fit(model, PGDAT(args.eps, steps=10), (x_train, y_train), epochs=args.epochs, batch_size=64, lr=0.1,
        progress=sys.stderr.isatty())
    model.eval()
    print(f"PGD-AT {args.arch}, eps={args.eps}, {args.epochs} epochs: "
          f"{time.perf_counter() - t0:.0f} s; clean test accuracy {accuracy(model, x_test, y_test):.4f}")

    seed_everything(args.seed)
    t0 = time.perf_counter()
    ours = robust_correct(model, x_test, y_test, args.eps, attack="ensemble", steps=args.steps,
                          restarts=args.restarts, alpha=args.eps / 8)
    t_ours = time.perf_counter() - t0
    logging.getLogger("auto-attack").setLevel(logging.WARNING)
    t0 = time.perf_counter()
    aa = AutoAttack(model, norm="Linf", eps=args.eps, version="standard", device=x_test.device,
                    seed=args.seed)
    x_adv, _ = aa.run_standard_evaluation(x_test, y_test, batch_size=500)
    t_aa = time.perf_counter() - t0
    assert float((x_adv - x_test).abs().max()) <= args.eps + 1e-5
    with torch.no_grad():
        theirs = model(x_adv).argmax(1) == y_test

    acc_ours, acc_aa = 100 * float(ours.float().mean()), 100 * float(theirs.float().mean())
    print(f"project ensemble (PGD-CE + PGD-margin, {args.steps} steps x {args.restarts} restarts, + BETA-"
          f"{args.steps}): {acc_ours:.2f} % robust ({t_ours:.0f} s)")
    print(f"AutoAttack standard (pyautoattack): {acc_aa:.2f} % robust ({t_aa:.0f} s)")
    print(f"gap (project − AutoAttack): {acc_ours - acc_aa:+.2f} points; examples only AutoAttack breaks: "
          f"{int((ours & ~theirs).sum())}, only the project breaks: {int((~ours & theirs).sum())}")
    ok = acc_ours <= acc_aa + 1.0
    print("PASS" if ok else "FAIL", "(project's robust accuracy must be ≤ AutoAttack's + 1 point)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
