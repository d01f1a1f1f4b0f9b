"""Tirage des entrées de test des exercices (toujours depuis un ``numpy.random.Generator``).

Des entrées qui **démentent les fausses croyances**, plutôt que des entrées commodes :

- :func:`sizes`, :func:`shapes` : des tailles toutes différentes (``H ≠ I``, et ``B``,
  ``T``, ``H``, ``I`` deux à deux distinctes), pour qu'un axe échangé ou une matrice
  transposée ne passe pas en silence ;
- :func:`padded_batch` : un lot de séquences de longueurs différentes, dont le
  remplissage est du **bruit** (de grandes valeurs, jamais des zéros) : une réponse
  qui oublie le masque ne peut pas tomber juste parce que le remplissage serait neutre ;
- :func:`two_directions` : les poids d'un LSTM bidirectionnel, **différents** dans les
  deux sens, pour qu'une réponse qui n'utilise qu'un jeu de poids échoue.
"""

from __future__ import annotations

import numpy as np

from ..cells import LSTMParams

__all__ = ["vector", "unit", "weights", "params", "sizes", "shapes", "padded_batch", "two_directions",
           "GARBAGE_SCALE"]

#: L'ordre de grandeur du bruit de remplissage (bien au-delà des vraies valeurs, mais fini).
GARBAGE_SCALE = 50.0


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


def shapes(rng: np.random.Generator, *, batch=(2, 6), steps=(3, 9), hidden=(2, 6), inputs=(1, 5)):
    """Des tailles ``(B, T, H, I)`` deux à deux distinctes, chacune dans son intervalle ``[bas, haut[``.

    Aucune n'égale une autre : un ``transpose`` ou un ``reshape`` faux change la forme, ou
    lève une erreur, au lieu de rendre un tableau de la bonne forme aux mauvaises valeurs.
    """
    for _ in range(1000):
        drawn = tuple(int(rng.integers(lo, hi)) for lo, hi in (batch, steps, hidden, inputs))
        if len(set(drawn)) == 4:
            return drawn
    raise ValueError("shapes : intervalles trop étroits pour tirer quatre tailles distinctes")


def padded_batch(rng: np.random.Generator, B: int, T: int, features: int, *, min_length: int = 1,
                 garbage: float = GARBAGE_SCALE):
    """Un lot rempli : ``(x, lengths, mask)``.

    ``x`` de forme ``(B, T, features)`` : les ``lengths[b]`` premiers pas de la séquence ``b``
    sont des valeurs normales centrées réduites, la suite est du bruit d'amplitude ``garbage``
    (jamais des zéros) ; ``lengths`` (entiers de ``min_length`` à ``T``, la plus longue vaut
    ``T`` et au moins une est plus courte, dans un ordre quelconque) ; ``mask`` de forme
    ``(B, T)``, ``True`` sur les pas valides.
    """
    if B < 2 or T < 2:
        raise ValueError(f"padded_batch : il faut B ≥ 2 et T ≥ 2 pour un lot rempli, reçu B = {B}, T = {T}")
    lengths = rng.integers(min_length, T + 1, size=B)
    lengths[rng.integers(B)] = T
    if np.all(lengths == T):
        lengths[(int(np.argmax(lengths)) + 1) % B] = int(rng.integers(min_length, T))
    mask = np.arange(T)[None, :] < lengths[:, None]
    x = rng.normal(size=(B, T, features))
    noise = garbage * (1.0 + rng.random(size=x.shape)) * rng.choice([-1.0, 1.0], size=x.shape)
    x[~mask] = noise[~mask]
    return x, lengths.astype(np.int64), mask


def two_directions(rng: np.random.Generator, I: int, H: int) -> tuple[LSTMParams, LSTMParams]:
    """Les poids ``(avant, arrière)`` d'un LSTM bidirectionnel, tirés séparément (jamais égaux)."""
    forward = params(rng, I, H)
    backward = params(rng, I, H)
    while np.allclose(forward.W_f, backward.W_f):  # deux graines égales : improbable, mais on s'en assure
        backward = params(rng, I, H)
    return forward, backward
