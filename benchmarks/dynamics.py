"""Benchmark of the vectorised min-max dynamics (issue 3): run with `python benchmarks/dynamics.py`.

(a) EG on the Forsaken game, 10⁴ starts × 10³ steps, against a per-start Python loop doing the same
    arithmetic (the same ``eg_step`` on one start at a time; timed on a subset, compared per start-step);
(b) median latency of the trajectory widget's update after a control change, through its own callback.
The last line is machine-readable.
"""

from __future__ import annotations

import time

import numpy as np

from course_lib.minimax import bilinear, forsaken, simulate
from course_lib.minimax.algorithms import eg_step
from course_lib.minimax.widgets import build_trajectory_widget

N, T, N_LOOP, GAMMA = 10_000, 1_000, 20, 0.05


def vectorised_seconds(game, z0: np.ndarray, repeats: int = 3) -> tuple[float, float]:
    """Best wall-clock and CPU seconds of ``repeats`` runs (CPU time is robust on a shared machine)."""
    wall, cpu = np.inf, np.inf
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        run = simulate(game, "eg", z0, T, step=GAMMA, box=1.5, every=T)
        wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    assert run.z.shape == (2, N, 2) and np.all(np.isfinite(run.z))
    return wall, cpu


def loop_seconds_per_start_step(game, z0: np.ndarray) -> float:
    """One start at a time: the same step function, the same clip, a Python loop over starts and steps."""
    t0 = time.perf_counter()
    for z in z0[:N_LOOP]:
        z = z[None, :]
        for _ in range(T):
            z, _ = eg_step(game.V, z, GAMMA)
            z = np.clip(z, -1.5, 1.5)
    return (time.perf_counter() - t0) / (N_LOOP * T)


def widget_update_ms(repeats: int = 21) -> float:
    starts = np.random.default_rng(0).uniform(-1, 1, size=(8, 2))
    panel = build_trajectory_widget(bilinear(), starts, method="EG", step=0.2, steps=100)
    times = []
    for i in range(repeats):
        t0 = time.perf_counter()
        panel.step.value = 0.2 + 0.01 * (i % 2 + 1)  # a new value each time fires the observer
        times.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(times))


def main() -> None:
    game = forsaken()
    z0 = np.random.default_rng(0).uniform(-1.5, 1.5, size=(N, 2))
    simulate(game, "eg", z0[:10], 5, step=GAMMA)  # warm up
    vec, cpu = vectorised_seconds(game, z0)
    per_loop = loop_seconds_per_start_step(game, z0)
    speedup = per_loop * N * T / vec
    ms = widget_update_ms()
    print(f"EG on Forsaken, {N} starts x {T} steps, vectorised: {vec:.3f} s wall (target <= 1 s), "
          f"{cpu:.3f} s CPU")
    print(f"per-start Python loop: {per_loop * 1e6:.2f} us per start-step, "
          f"extrapolated {per_loop * N * T:.1f} s")
    print(f"speed-up of the vectorised run: {speedup:.0f}x (target >= 100x)")
    print(f"trajectory widget update (8 starts x 100 EG steps), median: {ms:.1f} ms (target <= 50 ms)")
    print(f"eg_10k_x_1k_s={vec:.3f} loop_speedup={speedup:.0f} widget_update_ms={ms:.1f}")


if __name__ == "__main__":
    main()
