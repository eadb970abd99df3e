"""course_lib.gans: GANs as min-max games (EE-556 Lecture 11 "GANs"; the non-zero-sum talk, "GANs with SEG+").

* :mod:`~course_lib.gans.distances`: W_1 in 1-D by sorting, sliced Wasserstein, W_p by optimal matching,
  the KR dual as an LP, the Fréchet distance (W_2² of Gaussian fits), empirical convergence rates;
* :mod:`~course_lib.gans.pushforward`: push-forward measures (ω² for ω ~ N(0,1) is χ²(1));
* :mod:`~course_lib.gans.targets`, :mod:`~course_lib.gans.nets`: 2-D targets, MLP generator/critic,
  spectral normalization, Lipschitz bounds;
* :mod:`~course_lib.gans.losses`: vanilla, non-saturating, WGAN (clipping / gradient penalty), hinge;
* :mod:`~course_lib.gans.optim`: :class:`GameOptimizer` (Adam, GDA, EG, OGDA, SEG+ on z = (x, y));
* :mod:`~course_lib.gans.dirac`, :mod:`~course_lib.gans.training`, :mod:`~course_lib.gans.quality`.
"""

from course_lib.gans.dirac import DiracGenerator, dirac_critic, dirac_operator, dirac_trajectory
from course_lib.gans.distances import (
    frechet_distance,
    kr_dual_lp,
    optimal_matching,
    sliced_wasserstein,
    w1_normals_1d,
    w1_primal_lp,
    w1_to_normal_1d,
    wasserstein_1d,
    wasserstein_p,
)
from course_lib.gans.losses import (
    GAN_LOSSES,
    clip_weights_,
    critic_loss,
    generator_loss,
    gradient_penalty,
    is_zero_sum,
)
from course_lib.gans.nets import (
    apply_spectral_norm,
    lipschitz_upper_bound,
    make_critic,
    make_generator,
    neural_distance,
)
from course_lib.gans.optim import GAME_METHODS, GameOptimizer
from course_lib.gans.quality import mode_stats, w2_floor, w2_to_target
from course_lib.gans.targets import TARGETS, Target, make_target
from course_lib.gans.training import GanRun, train_gan

__all__ = [
    "GAME_METHODS", "GAN_LOSSES", "TARGETS", "DiracGenerator", "GameOptimizer", "GanRun", "Target",
    "apply_spectral_norm", "clip_weights_", "critic_loss", "dirac_critic", "dirac_operator",
    "dirac_trajectory", "frechet_distance", "generator_loss", "gradient_penalty", "is_zero_sum", "kr_dual_lp",
    "lipschitz_upper_bound", "make_critic", "make_generator", "make_target", "mode_stats", "neural_distance",
    "optimal_matching", "sliced_wasserstein", "train_gan", "w1_primal_lp", "w2_floor", "w2_to_target",
    "wasserstein_1d", "wasserstein_p", "w1_normals_1d", "w1_to_normal_1d",
]
