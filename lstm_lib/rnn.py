"""Le réseau récurrent simple (RNN) et ce qui le limite : la disparition du gradient.

Un RNN simple n'a qu'une équation : ``h_t = tanh(W · [h_{t−1}, x_t] + b)``,
avec ``W`` de forme ``(H, H + I)`` agissant sur ``[h_{t−1}, x_t]`` (h
d'abord, comme pour la cellule LSTM).

Le gradient qui remonte de ``h_T`` vers ``h_{T−k}`` est un produit de ``k``
jacobiennes ``∂h_t/∂h_{t−1} = diag(1 − h_t²) · W_h`` (``W_h = W[:, :H]``) :
si le rayon spectral de ``W_h`` est inférieur à 1, il décroît
géométriquement avec le retard ``k`` (:func:`rnn_gradient_norms`). Le long
du chemin de la mémoire d'un LSTM, ``∂c_T/∂c_{T−k}`` est le produit des
portes d'oubli ``f_{T−k+1} ⊙ … ⊙ f_T`` : il survit tant que ``f ≈ 1``
(:func:`lstm_cell_path_gradient`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import (
    as_float_array,
    check_dtype_arg,
    check_last_dim,
    check_ndim,
    check_positive_int,
    check_real,
    check_seed,
    check_unit_interval,
    common_dtype,
)

__all__ = ["RNNParams", "rnn_step", "rnn_forward", "rnn_gradient_norms", "lstm_cell_path_gradient"]


@dataclass
class RNNParams:
    """Les poids d'un RNN simple : ``W`` de forme ``(H, H + I)`` sur ``[h_{t−1}, x_t]``, ``b`` de forme ``(H,)``."""

    W: np.ndarray
    b: np.ndarray

    def __post_init__(self):
        where = "RNNParams"
        W = as_float_array(self.W, "W", where)
        b = as_float_array(self.b, "b", where)
        check_ndim(W, (2,), "W", where, "(H, H + I)")
        H, HI = W.shape
        if HI <= H:
            raise ValueError(
                f"{where} : « W » doit avoir la forme (H, H + I) avec I ≥ 1, reçu la forme {W.shape}."
            )
        if b.shape != (H,):
            raise ValueError(f"{where} : « b » doit avoir la forme (H,) = ({H},), reçu la forme {b.shape}.")
        dtype = common_dtype(W, b)
        object.__setattr__(self, "W", W.astype(dtype, copy=False))
        object.__setattr__(self, "b", b.astype(dtype, copy=False))

    @property
    def hidden_size(self) -> int:
        """``H``, la taille de l'état caché."""
        return self.W.shape[0]

    @property
    def input_size(self) -> int:
        """``I``, la taille de l'entrée ``x_t``."""
        return self.W.shape[1] - self.W.shape[0]

    @property
    def dtype(self) -> np.dtype:
        return self.W.dtype

    @property
    def W_h(self) -> np.ndarray:
        """Le bloc récurrent ``W[:, :H]``, celui qui agit sur ``h_{t−1}``."""
        return self.W[:, : self.hidden_size]

    def spectral_radius(self) -> float:
        """Le rayon spectral de ``W_h`` : le plus grand module de ses valeurs propres."""
        return float(np.max(np.abs(np.linalg.eigvals(self.W_h))))

    def astype(self, dtype) -> "RNNParams":
        """Une copie des paramètres dans un autre dtype (float32 ou float64)."""
        dtype = check_dtype_arg(dtype, "RNNParams.astype")
        return RNNParams(W=self.W.astype(dtype), b=self.b.astype(dtype))

    @classmethod
    def random(cls, input_size: int, hidden_size: int, *, seed: int = 0,
               spectral_radius: float | None = None, dtype=np.float64) -> "RNNParams":
        """Des poids tirés au hasard, de façon reproductible.

        Comme PyTorch, chaque poids suit la loi uniforme sur ``[−1/√H, 1/√H]``.
        Si ``spectral_radius`` est donné (un réel > 0), le bloc récurrent
        ``W[:, :H]`` est ensuite multiplié par le facteur qui donne ce rayon
        spectral exactement : en dessous de 1, le gradient disparaît avec le
        retard.
        """
        where = "RNNParams.random"
        I = check_positive_int(input_size, "input_size", where)
        H = check_positive_int(hidden_size, "hidden_size", where)
        seed = check_seed(seed, where)
        dtype = check_dtype_arg(dtype, where)
        rng = np.random.default_rng(seed)
        k = 1.0 / np.sqrt(H)
        W = rng.uniform(-k, k, size=(H, H + I))
        b = rng.uniform(-k, k, size=(H,))
        if spectral_radius is not None:
            target = check_real(spectral_radius, "spectral_radius", where)
            if target <= 0:
                raise ValueError(f"{where} : « spectral_radius » doit être > 0, reçu {target}.")
            current = np.max(np.abs(np.linalg.eigvals(W[:, :H])))
            W[:, :H] *= target / current
        return cls(W=W.astype(dtype), b=b.astype(dtype))


def _check_rnn_params(params, where) -> RNNParams:
    if not isinstance(params, RNNParams):
        raise TypeError(
            f"{where} : « params » doit être un RNNParams, reçu un objet de type "
            f"{type(params).__name__}. Créez-en un avec RNNParams.random(input_size, hidden_size)."
        )
    return params


def _check_state(h, batch, H, where, name="h0"):
    h = as_float_array(h, name, where)
    expected = (H,) if batch is None else (batch, H)
    if h.shape != expected:
        raise ValueError(
            f"{where} : « {name} » doit avoir la forme {expected} (taille cachée H = {H}"
            f"{'' if batch is None else f', lot B = {batch}'}), reçu la forme {h.shape}."
        )
    return h


def rnn_step(x_t, h_prev, params: RNNParams):
    """Un pas de RNN simple : ``h_t = tanh(W · [h_{t−1}, x_t] + b)``.

    ``x_t`` de forme ``(I,)`` ou ``(B, I)`` ; ``h_prev`` de forme ``(H,)`` ou
    ``(B, H)``. Rend ``h_t``, de la forme de ``h_prev``.
    """
    where = "rnn_step"
    params = _check_rnn_params(params, where)
    x_t = as_float_array(x_t, "x_t", where)
    check_ndim(x_t, (1, 2), "x_t", where, "(I,) ou (B, I)")
    check_last_dim(x_t, params.input_size, "x_t", where, "la taille d'entrée I des paramètres")
    batch = x_t.shape[0] if x_t.ndim == 2 else None
    h_prev = _check_state(h_prev, batch, params.hidden_size, where, "h_prev")
    dtype = common_dtype(x_t, h_prev, params.W)
    hx = np.concatenate([h_prev, x_t], axis=-1).astype(dtype, copy=False)
    return np.tanh(hx @ params.W.T.astype(dtype, copy=False) + params.b.astype(dtype, copy=False))


def _prepare(x, params, h0, where):
    params = _check_rnn_params(params, where)
    x = as_float_array(x, "x", where)
    check_ndim(x, (2, 3), "x", where, "(T, I) ou (B, T, I)")
    check_last_dim(x, params.input_size, "x", where, "la taille d'entrée I des paramètres")
    if x.shape[-2] == 0:
        raise ValueError(
            f"{where} : la séquence « x » doit compter au moins un pas de temps, reçu la forme {x.shape}."
        )
    batch = x.shape[0] if x.ndim == 3 else None
    H = params.hidden_size
    h0 = np.zeros((H,) if batch is None else (batch, H), x.dtype) if h0 is None else _check_state(h0, batch, H, where)
    dtype = common_dtype(x, h0, params.W)
    return x.astype(dtype, copy=False), params.astype(dtype), h0.astype(dtype, copy=False)


def rnn_forward(x, params: RNNParams, h0=None):
    """Passe une séquence entière dans le RNN : ``h_t = tanh(W · [h_{t−1}, x_t] + b)`` pour chaque ``t``.

    ``x`` de forme ``(T, I)`` ou ``(B, T, I)`` ; ``h0`` (zéro par défaut) de
    forme ``(H,)`` ou ``(B, H)``. Rend ``(h_seq, h_T)`` : tous les états
    cachés, de forme ``(T, H)`` ou ``(B, T, H)``, et le dernier.
    Redonner ``h_T`` à l'appel suivant prolonge la séquence exactement.
    """
    x, params, h = _prepare(x, params, h0, "rnn_forward")
    H = params.hidden_size
    W_hT = params.W[:, :H].T
    # La projection de l'entrée ne dépend pas de h : on la calcule pour tous les pas d'un coup.
    x_proj = x @ params.W[:, H:].T + params.b
    h_seq = np.empty(x.shape[:-1] + (H,), x.dtype)
    for t in range(x.shape[-2]):
        h = np.tanh(h @ W_hT + x_proj[..., t, :])
        h_seq[..., t, :] = h
    return h_seq, h.copy()


def rnn_gradient_norms(x, params: RNNParams, h0=None):
    """Norme du gradient ``‖∂h_T/∂h_{T−k}‖₂`` en fonction du retard ``k``.

    Par la règle de dérivation en chaîne,
    ``∂h_T/∂h_{T−k} = J_T · J_{T−1} ⋯ J_{T−k+1}`` avec
    ``J_t = ∂h_t/∂h_{t−1} = diag(1 − h_t²) · W_h``. Chaque facteur a une
    norme au plus ``‖W_h‖₂`` ; avec un rayon spectral inférieur à 1 le
    produit décroît géométriquement : c'est la disparition du gradient.

    ``x`` de forme ``(T, I)`` (une seule séquence). Rend ``(lags, norms)`` :
    ``lags = 0, 1, …, T − 1`` et ``norms[k]`` la norme spectrale (norme 2)
    de ``∂h_T/∂h_{T−k}`` (``norms[0] = 1``, la jacobienne de ``h_T`` par
    rapport à elle-même).
    """
    where = "rnn_gradient_norms"
    x_arr = as_float_array(x, "x", where)
    check_ndim(x_arr, (2,), "x", where, "(T, I) (une seule séquence, sans lot)")
    x, params, h0 = _prepare(x_arr, params, h0, where)
    h_seq, _ = rnn_forward(x, params, h0)
    T, H = h_seq.shape
    W_h = params.W_h
    jacobian = np.eye(H, dtype=x.dtype)  # ∂h_T/∂h_T
    norms = np.empty(T, dtype=x.dtype)
    for k in range(T):
        norms[k] = np.linalg.norm(jacobian, 2)
        # On remonte d'un pas : multiplier à droite par J_{T−k} = diag(1 − h²_{T−k}) · W_h.
        t = T - 1 - k
        jacobian = (jacobian * (1.0 - h_seq[t] ** 2)) @ W_h
    return np.arange(T), norms


def lstm_cell_path_gradient(f):
    """Le gradient le long du chemin de la mémoire : ``∂c_T/∂c_{T−k} = f_{T−k+1} ⊙ … ⊙ f_T``.

    Sur le chemin direct ``c_{t−1} → c_t`` (en ignorant ce qui passe par les
    portes), ``∂c_t/∂c_{t−1} = diag(f_t)`` : en remontant de ``k`` pas, on
    multiplie ``k`` portes d'oubli. Avec ``f ≈ 1`` le gradient survit.

    ``f`` : les portes d'oubli, de forme ``(T, H)`` (par exemple ``trace.f``)
    ou ``(B, T, H)``, à valeurs dans ``[0, 1]``. Rend ``(lags, values)`` :
    ``lags = 0, …, T − 1`` et ``values`` de la forme de ``f``, où
    ``values[..., k, :]`` est le produit des ``k`` dernières portes (le
    retard 0 donne des 1). La jacobienne étant diagonale, sa norme spectrale
    est ``values.max(axis=-1)``.
    """
    where = "lstm_cell_path_gradient"
    f = as_float_array(f, "f", where)
    check_ndim(f, (2, 3), "f", where, "(T, H) ou (B, T, H)")
    if f.shape[-2] == 0:
        raise ValueError(f"{where} : « f » doit compter au moins un pas de temps, reçu la forme {f.shape}.")
    check_unit_interval(f, "f", where)
    T = f.shape[-2]
    # Les portes rangées du dernier pas au premier : f_T, f_{T−1}, …, f_2.
    latest_first = np.flip(f, axis=-2)[..., : T - 1, :]
    values = np.ones_like(f)
    values[..., 1:, :] = np.cumprod(latest_first, axis=-2)
    return np.arange(T), values
