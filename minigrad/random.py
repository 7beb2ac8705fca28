"""Random numbers: one global generator that `manual_seed(n)` resets, so a seed reproduces every
random factory, every init and every DataLoader shuffle. Numbers are drawn on the host (NumPy's
PCG64) and copied to the tensor's device, so a seed gives the same values on CPU and CUDA.
"""

import numpy as np


class Generator:
    """A seedable source of random numbers, like torch.Generator."""

    def __init__(self, device="cpu"):
        self.rng = np.random.Generator(np.random.PCG64())

    def manual_seed(self, seed):
        self.rng = np.random.Generator(np.random.PCG64(seed))
        return self

    def seed(self):
        return self.manual_seed(int(np.random.SeedSequence().entropy % 2**63))


default_generator = Generator()


def manual_seed(seed):
    """Seed the global generator; returns it, like torch.manual_seed."""
    return default_generator.manual_seed(seed)


def rng(generator=None):
    return (generator or default_generator).rng
