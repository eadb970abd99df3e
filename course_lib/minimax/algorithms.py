"""One step of each min-max algorithm, written as a pure function of the operator V.

Every deterministic step has the signature ::

    z_next, state = <name>_step(V, z, step, state, **options)

* ``V`` maps an array to an array of the same shape (``Game.V`` on shape (N, 2), or the joint gradient
  operator [∇ₓΦ, −∇ᵧΦ] of a network's parameter vector);
* ``z`` is a numpy array of shape (N, 2) or (N, d), or a torch tensor of any shape;
* ``step`` is the step size α (γ for the EG+ family, which also takes the relaxation ``alpha``);
* ``state`` is what the method remembers between steps (OGDA: V(z_{k−1}); RFBS: z_{k−1}; Popov:
  V(z̄_{k−1}); CEG+: the extrapolated point z̄_k), ``None`` before the first step.

The steps use only ``+``, ``−`` and multiplication by scalars on ``z`` and on the values of ``V``, so
the same functions run on numpy arrays and torch tensors (keep them under ``torch.no_grad()``). The
exceptions, which need numpy arrays of shape (N, d), are marked: PPM with a Jacobian (Newton inner
solve), AdaptiveEG+ and CurvatureEG+ (row-wise inner products and norms); AltGDA needs the split
``dx`` of z into (x, y) along the last axis.

Update rules follow the non-zero-sum talk (Cevher, 2024) ("Basic algorithms for minimax") and the papers
cited per step
(§1 table, §3.2 for the CEG+ family from LIONS-EPFL/weak-minty-code, §3.5 for BC-SEG+).
Initialisation: V(z_{−1}) := V(z₀), z_{−1} := z₀, z̄_{−1} := z₀, so the first step of OGDA, RFBS and
Popov is a GDA step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Operator = Callable[[Any], Any]


def _identity(z: Any) -> Any:
    return z


def _rowdot(a: Any, b: Any) -> Any:
    """⟨a, b⟩ over the last axis, kept as a column so that it broadcasts against rows of ``a``."""
    prod = a * b
    return prod.sum(axis=-1, keepdims=True) if isinstance(prod, np.ndarray) else prod.sum(-1, keepdim=True)


def gda_step(V: Operator, z: Any, alpha: float, state: Any = None) -> tuple[Any, None]:
    """GDA: z⁺ = z − αV(z)."""
    return z - alpha * V(z), None


def agda_step(V: Operator, z: Any, alpha: float, state: Any = None, *,
              dx: int | None = None) -> tuple[Any, None]:
    """Alternating GDA, x first: x⁺ = x − α∇ₓΦ(x, y), then y⁺ = y + α∇ᵧΦ(x⁺, y).

    ``dx``: how many leading coordinates of the last axis belong to x (default: half of them).
    """
    dx = z.shape[-1] // 2 if dx is None else dx
    mask_x = z * 0
    mask_x[..., :dx] = 1
    z_half = z - alpha * mask_x * V(z)
    return z_half - alpha * (1 - mask_x) * V(z_half), None


def ppm_step(V: Operator, z: Any, alpha: float, state: Any = None, *, jac: Operator | None = None,
             tol: float = 1e-12, max_iter: int = 100) -> tuple[Any, None]:
    """Proximal point: z⁺ = z − αV(z⁺), an implicit equation solved by an inner loop.

    With ``jac`` (numpy, J_V of shape (N, d, d)) the inner solve is Newton's method, exact after one
    iteration when V is linear; without it, the fixed-point iteration w ← z − αV(w) (needs αL < 1).
    Stops when the residual ‖w − z + αV(w)‖∞ ≤ ``tol``.
    """
    w = z
    for _ in range(max_iter):
        residual = w - z + alpha * V(w)
        if float(abs(residual).max()) <= tol:
            break
        if jac is None:
            w = z - alpha * V(w)
        else:
            eye = np.eye(z.shape[-1])
            w = w - np.linalg.solve(eye + alpha * jac(w), residual[..., None])[..., 0]
    return w, None


def eg_step(V: Operator, z: Any, alpha: float, state: Any = None) -> tuple[Any, None]:
    """Extragradient (Korpelevich): z̄ = z − αV(z), z⁺ = z − αV(z̄)."""
    z_bar = z - alpha * V(z)
    return z - alpha * V(z_bar), None


def ogda_step(V: Operator, z: Any, alpha: float, state: Any = None) -> tuple[Any, Any]:
    """Optimistic GDA in FoRB form: z⁺ = z − α[2V(z) − V(z_prev)]; state = V(z)."""
    v = V(z)
    v_prev = v if state is None else state
    return z - alpha * (2 * v - v_prev), v


def popov_step(V: Operator, z: Any, alpha: float, state: Any = None) -> tuple[Any, Any]:
    """Popov / past extragradient: z̄ = z − αV(z̄_prev), z⁺ = z − αV(z̄); state = V(z̄)."""
    v_bar_prev = V(z) if state is None else state
    v_bar = V(z - alpha * v_bar_prev)
    return z - alpha * v_bar, v_bar


def rfbs_step(V: Operator, z: Any, alpha: float, state: Any = None) -> tuple[Any, Any]:
    """Reflected forward-backward splitting: z⁺ = z − αV(2z − z_prev); state = z."""
    z_prev = z if state is None else state
    return z - alpha * V(2 * z - z_prev), z


def eg_plus_step(V: Operator, z: Any, gamma: float, state: Any = None, *,
                 alpha: float = 0.5) -> tuple[Any, None]:
    """EG+ (Diakonikolas et al. 2021): z̄ = z − γV(z), z⁺ = z − αγV(z̄) (γ = 1/L, α = ½ canonically)."""
    z_bar = z - gamma * V(z)
    return z - alpha * gamma * V(z_bar), None


def ceg_plus_step(V: Operator, z: Any, gamma: float, state: Any = None, *, alpha: float = 0.5,
                  project: Operator = _identity, lam: float = 1.0) -> tuple[Any, Any]:
    """CEG+ (Pethick et al. 2022): Hz = z − γV(z), z̄ = Q(Hz), d = z̄ − γV(z̄) − Hz, z⁺ = z + λαd.

    ``project`` is Q (identity: unconstrained, then z⁺ = z − λαγV(z̄)); state = z̄.
    """
    Hz = z - gamma * V(z)
    z_bar = project(Hz)
    d = z_bar - gamma * V(z_bar) - Hz
    return z + lam * alpha * d, z_bar


def adaptive_eg_plus_step(V: Operator, z: Any, gamma: float, state: Any = None, *,
                          project: Operator = _identity, lam: float = 1.0,
                          sigma_ratio: float = -0.495) -> tuple[Any, Any]:
    """AdaptiveEG+: the CEG+ step with α = σ/γ + ⟨z̄ − z, d⟩/‖d‖² per row, σ = ``sigma_ratio``·γ."""
    Hz = z - gamma * V(z)
    z_bar = project(Hz)
    d = z_bar - gamma * V(z_bar) - Hz
    dd = _rowdot(d, d)
    alpha = sigma_ratio + _rowdot(z_bar - z, d) / (dd + (dd == 0))
    return z + lam * alpha * d, z_bar


def _spectral_norm(J: np.ndarray) -> np.ndarray:
    return np.linalg.norm(J, ord=2, axis=(-2, -1))


def curvature_eg_plus_step(V: Operator, z: np.ndarray, gamma: float, state: Any = None, *,
                           jac: Operator, nu: float = 0.99, tau: float = 0.5,
                           project: Operator = _identity, lam: float = 1.0,
                           max_backtracks: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """CurvatureEG+: γ₀ = min(γ, ν/‖J_V(z)‖₂), shrink γ ← τγ while γ‖V(z̄) − V(z)‖ > ν‖z̄ − z‖
    (z̄ = Q(z − γV(z))), then the AdaptiveEG+ step with that γ, per row (numpy only)."""
    v = V(z)
    g = np.minimum(gamma, nu / np.maximum(_spectral_norm(jac(z)), 1e-300))[..., None]
    for _ in range(max_backtracks):
        z_bar = project(z - g * v)
        too_big = (g * np.linalg.norm(V(z_bar) - v, axis=-1, keepdims=True)
                   > nu * np.linalg.norm(z_bar - z, axis=-1, keepdims=True))
        if not too_big.any():
            break
        g = np.where(too_big, tau * g, g)
    return adaptive_eg_plus_step(V, z, g, state, project=project, lam=lam)


def bc_seg_plus_step(V: Operator, z: Any, gamma: float, state: Any = None, *, alpha: float = 0.5,
                     noise: Operator | None = None) -> tuple[Any, Any]:
    """BC-SEG+ (Pethick et al. 2023): with one noise draw ξ for V̂(z) = V(z) + ξ and V̂(z_prev),
    z̄ = z − γV̂(z) + (1 − α)(z̄_prev − z_prev + γV̂(z_prev)); z⁺ = z − αγ(V(z̄) + ξ̄). state = (z, z̄).

    ``noise(z)`` draws ξ shaped like z (None: no noise); α is the decaying relaxation α_k.
    """
    xi = noise(z) if noise is not None else 0 * z
    z_prev, z_bar_prev = (z, z) if state is None else state
    z_bar = z - gamma * (V(z) + xi) + (1 - alpha) * (z_bar_prev - z_prev + gamma * (V(z_prev) + xi))
    xi_bar = noise(z) if noise is not None else 0 * z
    return z - alpha * gamma * (V(z_bar) + xi_bar), (z, z_bar)


STEPS: dict[str, Callable[..., tuple[Any, Any]]] = {
    "gda": gda_step, "agda": agda_step, "ppm": ppm_step, "eg": eg_step, "ogda": ogda_step,
    "popov": popov_step, "rfbs": rfbs_step, "eg+": eg_plus_step, "ceg+": ceg_plus_step,
    "adaptive-eg+": adaptive_eg_plus_step, "curvature-eg+": curvature_eg_plus_step,
    "bc-seg+": bc_seg_plus_step,
}
"""Algorithm names accepted by ``simulate``. With noise (σ > 0) "gda" is SGDA, "eg" is SEG and "eg+"
is SEG+ (the decay schedule then shrinks α, keeping the extrapolation γ fixed)."""

ALIASES = {"sgda": "gda", "seg": "eg", "seg+": "eg+", "altgda": "agda", "past-eg": "popov"}
RELAXED = {"eg+", "ceg+", "bc-seg+"}
"""Methods whose ``alpha`` is a relaxation of the update (the step γ stays fixed)."""
