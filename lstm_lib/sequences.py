"""Une séquence entière : la cellule appliquée à chaque pas de temps.

Deux chemins qui donnent le même résultat (c'est testé) :

- :func:`lstm_forward_explicit` appelle :func:`~lstm_lib.cells.lstm_step` à
  chaque pas — c'est le chemin pédagogique, qui se lit comme le texte ;
- :func:`lstm_forward` fait le même calcul plus vite : un seul produit
  matriciel pour les quatre portes, et la projection de l'entrée
  ``W_x · x_t`` sortie de la boucle (elle ne dépend pas de ``h``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_last_dim, check_ndim, common_dtype
from .cells import LSTMParams, check_params, check_state, lstm_step

__all__ = ["LSTMTrace", "lstm_forward", "lstm_forward_explicit"]


@dataclass(frozen=True)
class LSTMTrace:
    """Chaque intermédiaire à chaque pas de temps.

    Chaque champ (``f, i, c_hat, c, o, h``) a la forme ``(T, H)`` pour une
    entrée ``(T, I)``, ou ``(B, T, H)`` pour un lot ``(B, T, I)`` : l'axe du
    temps est toujours l'avant-dernier.
    """

    f: np.ndarray
    i: np.ndarray
    c_hat: np.ndarray
    c: np.ndarray
    o: np.ndarray
    h: np.ndarray

    def as_dict(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in ("f", "i", "c_hat", "c", "o", "h")}


def _prepare(x, params, h0, c0, where):
    params = check_params(params, where)
    x = as_float_array(x, "x", where)
    check_ndim(x, (2, 3), "x", where, "(T, I) ou (B, T, I)")
    check_last_dim(x, params.input_size, "x", where, "la taille d'entrée I des paramètres")
    if x.shape[-2] == 0:
        raise ValueError(f"{where} : la séquence « x » doit compter au moins un pas de temps, reçu la forme {x.shape}.")
    batch = x.shape[0] if x.ndim == 3 else None
    H = params.hidden_size
    state_shape = (H,) if batch is None else (batch, H)
    h0 = np.zeros(state_shape, x.dtype) if h0 is None else check_state(h0, "h0", batch, H, where)
    c0 = np.zeros(state_shape, x.dtype) if c0 is None else check_state(c0, "c0", batch, H, where)
    dtype = common_dtype(x, h0, c0, params.W_f)
    if params.dtype != dtype:
        params = params.astype(dtype)
    return x.astype(dtype, copy=False), params, h0.astype(dtype, copy=False), c0.astype(dtype, copy=False)


def lstm_forward(x, params: LSTMParams, h0=None, c0=None):
    """Passe une séquence entière dans la cellule (chemin rapide).

    ``x`` de forme ``(T, I)`` ou ``(B, T, I)`` ; ``h0`` et ``c0`` (zéro par
    défaut) de forme ``(H,)`` ou ``(B, H)``. Rend ``(trace, (h_T, c_T))`` :
    la :class:`LSTMTrace` de chaque intermédiaire au fil du temps, et l'état
    final. Redonner cet état final à l'appel suivant prolonge la séquence
    exactement : ``lstm_forward(x[k:], params, h_T, c_T)`` continue
    ``lstm_forward(x[:k], params)``.

    Pour chaque ``t`` : ``[f, i, o, ĉ]`` = activations de
    ``W_x · x_t + W_h · h_{t−1} + b`` (un seul produit matriciel), puis
    ``c_t = f ⊙ c_{t−1} + i ⊙ ĉ`` et ``h_t = o ⊙ tanh(c_t)``.
    """
    x, params, h, c = _prepare(x, params, h0, c0, "lstm_forward")
    H = params.hidden_size
    squeeze = x.ndim == 2
    if squeeze:
        x, h, c = x[None], h[None], c[None]
    B, T, _ = x.shape
    dtype = x.dtype
    # Ordre interne f, i, o, c : les trois sigmoïdes forment un bloc contigu.
    # σ(z) = ½(1 + tanh(z/2)) : on divise d'avance par 2 les lignes des portes
    # sigmoïdes, pour n'avoir qu'un seul appel à tanh par pas.
    W = np.concatenate([params.W_f, params.W_i, params.W_o, params.W_c], axis=0)
    b = np.concatenate([params.b_f, params.b_i, params.b_o, params.b_c], axis=0)
    scale = np.ones(4 * H, dtype)
    scale[: 3 * H] = 0.5
    W = W * scale[:, None]
    b = b * scale
    W_hT = np.ascontiguousarray(W[:, :H].T)  # (H, 4H)
    W_xT = np.ascontiguousarray(W[:, H:].T)  # (I, 4H)
    # Projection de l'entrée pour tous les pas d'un coup, rangée temps d'abord.
    xproj = np.matmul(x.transpose(1, 0, 2), W_xT)  # (T, B, 4H)
    xproj += b
    act = np.empty((T, B, 4 * H), dtype)
    cs = np.empty((T, B, H), dtype)
    hs = np.empty((T, B, H), dtype)
    tanh_c = np.empty((B, H), dtype)
    for t in range(T):
        z = act[t]
        np.matmul(h, W_hT, out=z)
        z += xproj[t]
        np.tanh(z, out=z)
        gates = z[:, : 3 * H]
        gates *= 0.5
        gates += 0.5
        f, i, o, c_hat = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
        c_new = cs[t]
        np.multiply(f, c, out=c_new)
        c_new += i * c_hat
        np.tanh(c_new, out=tanh_c)
        np.multiply(o, tanh_c, out=hs[t])
        h, c = hs[t], c_new
    act = act.transpose(1, 0, 2)
    cs = cs.transpose(1, 0, 2)
    hs = hs.transpose(1, 0, 2)
    trace = LSTMTrace(
        f=act[..., :H], i=act[..., H:2 * H], c_hat=act[..., 3 * H:],
        c=cs, o=act[..., 2 * H:3 * H], h=hs,
    )
    h_T, c_T = hs[:, -1].copy(), cs[:, -1].copy()
    if squeeze:
        trace = LSTMTrace(**{k: v[0] for k, v in trace.as_dict().items()})
        h_T, c_T = h_T[0], c_T[0]
    return trace, (h_T, c_T)


def lstm_forward_explicit(x, params: LSTMParams, h0=None, c0=None):
    """Même calcul que :func:`lstm_forward`, un appel à :func:`lstm_step` par pas.

    Plus lent, mais chaque ligne correspond à une équation du texte. Rend
    ``(trace, (h_T, c_T))`` exactement comme :func:`lstm_forward`.
    """
    x, params, h, c = _prepare(x, params, h0, c0, "lstm_forward_explicit")
    records = []
    for t in range(x.shape[-2]):
        rec = lstm_step(x[..., t, :], h, c, params)
        records.append(rec)
        h, c = rec.h, rec.c
    trace = LSTMTrace(**{
        name: np.stack([getattr(r, name) for r in records], axis=-2)
        for name in ("f", "i", "c_hat", "c", "o", "h")
    })
    return trace, (h, c)
