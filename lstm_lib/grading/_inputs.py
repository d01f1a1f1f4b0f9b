"""Tirage des entrées de test des exercices (toujours depuis un ``numpy.random.Generator``)."""

from __future__ import annotations

import numpy as np

from ..cells import LSTMParams


def vector(rng: np.random.Generator, n: int, scale: float = 1.0) -> np.ndarray:
    return rng.normal(0.0, scale, size=n)


def unit(rng: np.random.Generator, *shape, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    return rng.uniform(low, high, size=shape)


def weights(rng: np.random.Generator, H: int, I: int, scale: float = 0.7):
    """Une matrice ``W`` de forme ``(H, H + I)`` et un biais ``b`` de forme ``(H,)``."""
    return rng.normal(0.0, scale, size=(H, H + I)), rng.normal(0.0, scale, size=H)


def params(rng: np.random.Generator, I: int, H: int) -> LSTMParams:
    """Des paramètres de cellule tirés par :meth:`LSTMParams.random` (graine prise dans ``rng``)."""
    return LSTMParams.random(I, H, seed=int(rng.integers(2**31)))


def sizes(rng: np.random.Generator):
    """Des tailles (H, I) variées, jamais égales (pour que h et x ne s'échangent pas en silence)."""
    H = int(rng.integers(3, 6))
    I = int(rng.integers(1, 3))
    if I == H:
        I += 1
    return H, I
