"""course_lib.labs: the CIFAR-10 labs' scripts and their shared runtime (lab 1: adversarial training,
lab 2: WGAN).

- ``at``: lab 1's training script (``python -m course_lib.labs.at``); its epochs run through
  ``course_lib.robust.training.run_epoch``, its ``--method`` choices come from ``course_lib.robust.METHODS``
- ``wgan``: lab 2's training script (``python -m course_lib.labs.wgan``); its iterations run through
  ``course_lib.gans.training``'s game oracle and step
- the runtime both share, by topic: ``device`` (profile, device, precision, compile, DDP, global-batch BN),
  ``rng`` (seeds, generator states), ``checkpoints`` (atomic files, the one resume rule, ``restore``),
  ``logs`` (JSONL metrics, divergence guard), ``cli`` (one-line errors, exit codes, older spellings);
  their names are re-exported here (``from course_lib.labs import Checkpoints``)
- ``quality``: FID, Inception features and the feature classifier; its distances come from ``gans.distances``
- ``preflight``: the hardware check before a long run
- ``tables``: lab 1's table recipes (``--table elle|beta|awp|mart|ddd``): a slide table's rows trained with
  ``at.train``, written beside the published numbers

Every name here is **lazy** (PEP 562 ``__getattr__``, :mod:`course_lib._lazy`): each module imports
torch, and ``at`` / ``wgan`` import the models, data and training code of a whole lab, so importing them
eagerly would make any ``import course_lib.labs.<module>`` (and ``python -m`` of a script) pay for all
of them. ``from course_lib.labs import at, Checkpoints`` imports just what those need.
"""

from course_lib._lazy import lazy_exports

_LAZY = {
    "at": None, "checkpoints": None, "cli": None, "device": None, "logs": None, "preflight": None,
    "quality": None, "rng": None, "tables": None, "wgan": None,
    "PROFILES": "device", "PRECISIONS": "device", "resolve_profile": "device", "Runtime": "device",
    "GlobalBatchNorm1d": "device", "GlobalBatchNorm2d": "device", "GlobalBatchNorm3d": "device",
    "convert_sync_batchnorm": "device", "choose_device": "device", "make_runtime": "device",
    "unwrap": "device", "init_distributed": "device", "cleanup_distributed": "device",
    "params_max_diff": "device", "buffers_max_diff": "device", "sync_buffers": "device", "seed_all": "rng",
    "rank_seed": "rng", "seed_rank": "rng", "gather_rng_states": "rng", "rng_state": "rng",
    "set_rng_state": "rng", "CHECKPOINT_LAST": "checkpoints", "CHECKPOINT_BEST": "checkpoints",
    "CheckpointError": "checkpoints", "save_checkpoint": "checkpoints", "load_checkpoint": "checkpoints",
    "Checkpoints": "checkpoints", "stored_config": "checkpoints", "check_same_run": "checkpoints",
    "start_or_resume": "checkpoints", "restore": "checkpoints", "read_jsonl": "logs", "MetricsLog": "logs",
    "json_default": "logs", "DIVERGED_EXIT_CODE": "logs", "DivergenceError": "logs",
    "DivergenceGuard": "logs", "grad_norm": "logs", "Parser": "cli", "canonical": "cli", "choice": "cli",
    "metavar": "cli", "cli_errors": "cli",
    "Preflight": "preflight",
    "InceptionFeatures": "quality", "fid": "quality", "extract_features": "quality",
    "inception_weights_path": "quality", "train_feature_classifier": "quality",
    "ATConfig": "at", "WGANConfig": "wgan",
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())

__all__ = sorted(_LAZY)
