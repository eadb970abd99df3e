"""Test-wide settings: small torch models run fastest on one thread (the CI machine has 2 cores)."""

import torch

torch.set_num_threads(1)
