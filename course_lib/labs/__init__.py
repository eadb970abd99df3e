"""course_lib.labs: the CIFAR-10 labs' scripts and their shared runtime (lab 1: adversarial training,
lab 2: WGAN).

- ``runtime``: checkpoints, metrics logs, seeding and distributed helpers shared by the scripts
- ``at``: lab 1's training script (``python -m course_lib.labs.at``)
- ``wgan``: lab 2's training script (``python -m course_lib.labs.wgan``)
- ``quality``: FID / Inception features and weight-free sample-quality measures
- ``preflight``: the hardware check before a long run

Every name here is **lazy** (PEP 562 ``__getattr__``, :mod:`course_lib._lazy`): each module imports
torch, and ``at`` / ``wgan`` import the models, data and training code of a whole lab, so importing them
eagerly would make any ``import course_lib.labs.<module>`` (and ``python -m`` of a script) pay for all
of them. ``from course_lib.labs import at, runtime`` imports just those two.
"""

from course_lib._lazy import lazy_exports

_LAZY = {
    "at": None, "preflight": None, "quality": None, "runtime": None, "wgan": None,
    "Checkpoints": "runtime", "CheckpointError": "runtime", "DivergenceError": "runtime",
    "MetricsLog": "runtime", "Runtime": "runtime", "make_runtime": "runtime",
    "Preflight": "preflight",
    "InceptionFeatures": "quality", "fid": "quality", "frechet_distance": "quality",
    "sliced_wasserstein": "quality",
    "WGANConfig": "wgan",
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())

__all__ = sorted(_LAZY)
