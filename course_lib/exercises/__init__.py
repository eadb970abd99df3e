"""course_lib.exercises: checkers with feedback for the exercise notebooks (``lectures/exercises/``).

One module per lecture (``l00_welcome`` … ``l09_beyond_one_model``), each holding ``check_<exercise>(answer)``
functions built on :mod:`course_lib.exercises._core`: a checker prints ``✓ solved: <title>``, or what is
wrong with a hint naming the likely mistake, or ``… not solved yet``; it never raises.

Lectures 00–02: ``l00_welcome`` (the GD step on a quadratic, its contraction factor, the threshold 2/L for a
new matrix, the fastest fixed step, GDA's growth factor on xy), ``l01_adversarial_examples`` (FGSM, one PGD
step, the projection onto the ℓ1 ball, the linear worst case in three norms, FGSM as one PGA step, where the
ℓ1 maximiser jumps), ``l02_danskin`` (Danskin's directional derivative and its sign, the projection onto the
simplex, the min-norm point of a convex hull, the angle where −u stops ascending, the adversarial loss's
gradient jump).

Lectures 03–05: ``l03_catastrophic_overfitting`` (the sin toy model's FGSM step, ε_c for B = 12, where the
FGSM-AT minimiser jumps, the smallest range that collapses, GradAlign's penalty, the N-FGSM step),
``l04_adversarial_training`` (the projected PGD step, FOSC, the step size PGD converges best with, the TRADES
and MART losses, AWP's layer-wise perturbation, CFOL's Exp3 update), ``l05_certified_robustness`` (interval
bounds through a linear layer and a ReLU, CROWN's lower bound and ReLU relaxation, the randomized-smoothing
radius and its Monte Carlo cap, a Lipschitz bound, the largest radius CROWN verifies).

Lectures 06–08: ``l06_gans_and_wasserstein`` (W₁ by sorting, the JSD with the mixture, a critic attaining
W₁, the WGAN-GP penalty, the Dirac-GAN under GDA), ``l07_minimax_dynamics`` (the EG and OGDA steps, EG's
contraction factor and the EG / OGDA thresholds on xy, the local-Nash test, the spurious cycle's radius),
``l08_weak_minty`` (the weak-MVI ratio and ρ, the EG+ step and its thresholds, AdaptiveEG+, SEG vs BC-SEG+).

Lecture 09: ``l09_beyond_one_model`` (the SGM gradient of a linear residual network and of a 1-D one, the
transfer success rate, one step of the universal perturbation, the hardest training examples).
"""

from course_lib.exercises._core import (
    NOT_YET,
    SOLVED,
    Wrong,
    call,
    compare_number,
    exercise,
    expect_array,
    expect_function,
    expect_number,
)

__all__ = ["NOT_YET", "SOLVED", "Wrong", "call", "compare_number", "exercise", "expect_array",
           "expect_function", "expect_number"]
