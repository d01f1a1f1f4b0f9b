"""Le réseau récurrent simple (RNN) et ce qui le limite : la disparition du gradient.

Un RNN simple n'a qu'une équation : ``h_t = tanh(W · [h_{t−1}, x_t] + b)``,
avec ``W`` de forme ``(H, H + I)`` agissant sur ``[h_{t−1}, x_t]`` (h
d'abord, comme pour la cellule LSTM).

Le gradient qui remonte de ``h_T`` vers ``h_{T−k}`` est un produit de ``k``
jacobiennes ``∂h_t/∂h_{t−1} = diag(1 − h_t²) · W_h`` (``W_h = W[:, :H]``) :
dès que ``γ · σ_max(W_h) < 1`` (``γ`` le plus grand des ``1 − h²``), il
décroît géométriquement avec le retard ``k`` (:func:`rnn_gradient_norms`).

Pour un LSTM, deux mesures à ne pas confondre :

- le **chemin direct** de la mémoire, ``c_{t−1} → c_t`` à portes figées :
  ``f_{T−k+1} ⊙ … ⊙ f_T``, qui ne s'éteint pas tant que ``f ≈ 1``
  (:func:`lstm_cell_path_gradient`) ;
- la jacobienne **complète** ``∂c_T/∂c_{T−k}``, qui ajoute les chemins qui
  passent par ``h`` et par les portes (:func:`lstm_step_jacobian`,
  :func:`lstm_memory_gradient_norms`) : elle peut être bien plus petite que
  le chemin direct, ou bien plus grande, car un LSTM peut aussi exploser.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import (
    as_float_array,
    check_input,
    check_ndim,
    check_params,
    check_real,
    check_sequence,
    check_state,
    check_unit_interval,
)
from .cells import CellParams, LSTMParams, _check_step, lstm_loop
from .sequences import lstm_forward

__all__ = [
    "RNNParams",
    "rnn_step",
    "rnn_forward",
    "rnn_gradient_norms",
    "lstm_cell_path_gradient",
    "lstm_step_jacobian",
    "lstm_memory_gradient_norms",
]


@dataclass
class RNNParams(CellParams):
    """Les poids d'un RNN simple : ``W`` de forme ``(H, H + I)`` sur ``[h_{t−1}, x_t]``, ``b`` de forme ``(H,)``."""

    W: np.ndarray
    b: np.ndarray

    @property
    def W_h(self) -> np.ndarray:
        """Le bloc récurrent ``W[:, :H]``, celui qui agit sur ``h_{t−1}``."""
        return self.W[:, : self.hidden_size]

    def spectral_radius(self) -> float:
        """Le rayon spectral de ``W_h`` : le plus grand module de ses valeurs propres."""
        return float(np.max(np.abs(np.linalg.eigvals(self.W_h))))

    @classmethod
    def random(cls, input_size: int, hidden_size: int, *, seed: int = 0,
               spectral_radius: float | None = None, dtype=np.float64) -> "RNNParams":
        """Des poids tirés au hasard, de façon reproductible.

        Comme PyTorch, chaque poids suit la loi uniforme sur ``[−1/√H, 1/√H]``,
        de variance ``1/(3H)`` : d'après la loi du cercle, les valeurs propres
        d'une telle matrice ``H × H`` remplissent à peu près le disque de rayon
        ``√(H · 1/(3H)) = 1/√3 ≈ 0,58``, d'où un rayon spectral voisin de 0,6.
        Si ``spectral_radius`` est donné (un réel > 0), le bloc récurrent
        ``W[:, :H]`` est ensuite multiplié par le facteur qui donne ce rayon
        spectral exactement.
        """
        where = "RNNParams.random"
        values, dtype = cls._uniform(input_size, hidden_size, seed, dtype)
        W, b, H = values["W"], values["b"], values["b"].shape[0]
        if spectral_radius is not None:
            target = check_real(spectral_radius, "spectral_radius", where)
            if target <= 0:
                raise ValueError(f"{where} : « spectral_radius » doit être > 0, reçu {target}.")
            current = np.max(np.abs(np.linalg.eigvals(W[:, :H])))
            W[:, :H] *= target / current
        return cls(W=W.astype(dtype), b=b.astype(dtype))


def rnn_step(x_t, h_prev, params: RNNParams):
    """Un pas de RNN simple : ``h_t = tanh(W · [h_{t−1}, x_t] + b)``.

    ``x_t`` de forme ``(I,)`` ou ``(B, I)`` ; ``h_prev`` de forme ``(H,)`` ou
    ``(B, H)``. Rend ``h_t``, de la forme de ``h_prev``.
    """
    x_t, h_prev, p = _check_rnn_step(x_t, h_prev, params, "rnn_step")
    return np.tanh(np.concatenate([h_prev, x_t], axis=-1) @ p.W.T + p.b)


def _check_rnn_step(x_t, h_prev, params, where):
    params = check_params(params, RNNParams, where)
    x_t = check_input(x_t, params, "x_t", (1, 2), "(I,) ou (B, I)", where)
    batch = x_t.shape[0] if x_t.ndim == 2 else None
    h_prev = check_state(h_prev, "h_prev", batch, params.hidden_size, where)
    dtype = np.result_type(x_t, h_prev, params.dtype)
    if params.dtype != dtype:
        params = params.astype(dtype)
    return x_t.astype(dtype, copy=False), h_prev.astype(dtype, copy=False), params


def rnn_forward(x, params: RNNParams, h0=None):
    """Passe une séquence entière dans le RNN : ``h_t = tanh(W · [h_{t−1}, x_t] + b)`` pour chaque ``t``.

    ``x`` de forme ``(T, I)`` ou ``(B, T, I)`` ; ``h0`` (zéro par défaut) de
    forme ``(H,)`` ou ``(B, H)``. Rend ``(h_seq, h_T)`` : tous les états
    cachés, de forme ``(T, H)`` ou ``(B, T, H)``, et le dernier.
    Redonner ``h_T`` à l'appel suivant prolonge la séquence exactement.
    """
    x, params, h = check_sequence(x, params, RNNParams, "rnn_forward", h0=h0)
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
    norme au plus ``γ_t · ‖W_h‖₂``, avec ``γ_t = max_j (1 − h_{t,j}²) ≤ 1`` :
    dès que ``γ · ‖W_h‖₂ < 1``, le produit décroît géométriquement, c'est
    la disparition du gradient (condition suffisante ; le rayon spectral
    ``ρ(W_h) ≤ ‖W_h‖₂`` donne le taux de ``W_h^k`` à la longue).

    ``x`` de forme ``(T, I)`` (une seule séquence). Rend ``(lags, norms)`` :
    ``lags = 0, 1, …, T − 1`` et ``norms[k]`` la norme spectrale (norme 2)
    de ``∂h_T/∂h_{T−k}`` (``norms[0] = 1``, la jacobienne de ``h_T`` par
    rapport à elle-même).
    """
    where = "rnn_gradient_norms"
    x_arr = as_float_array(x, "x", where)
    check_ndim(x_arr, (2,), "x", where, "(T, I) (une seule séquence, sans lot)")
    x, params, h0 = check_sequence(x_arr, params, RNNParams, where, h0=h0)
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
    """Le chemin direct de la mémoire : le produit des portes d'oubli ``f_{T−k+1} ⊙ … ⊙ f_T``.

    Sur le seul chemin ``c_{t−1} → c_t``, portes figées (on ignore ce qui
    passe par ``h_{t−1}`` et par les portes), ``∂c_t/∂c_{t−1} = diag(f_t)`` :
    en remontant de ``k`` pas, on multiplie ``k`` portes d'oubli. Avec
    ``f ≈ 1``, ce chemin ne s'éteint pas. Ce n'est qu'un des termes de la
    jacobienne complète ``∂c_T/∂c_{T−k}`` (:func:`lstm_memory_gradient_norms`).

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


def lstm_step_jacobian(x_t, h_prev, c_prev, params: LSTMParams):
    """La jacobienne complète d'un pas de LSTM : ``∂(h_t, c_t) / ∂(h_{t−1}, c_{t−1})``.

    Avec ``W_gh = W_g[:, :H]`` (le bloc qui lit ``h_{t−1}``), ``σ' = g (1 − g)``
    pour une porte ``g`` et ``tanh' = 1 − ĉ²`` pour le candidat :

    - ``∂c_t/∂c_{t−1} = diag(f_t)``, le chemin direct ;
    - ``∂c_t/∂h_{t−1} = diag(c_{t−1} ⊙ f_t (1 − f_t)) W_fh + diag(ĉ_t ⊙ i_t (1 − i_t)) W_ih
      + diag(i_t ⊙ (1 − ĉ_t²)) W_ch``, les chemins par les portes ;
    - ``∂h_t/∂c_{t−1} = diag(o_t ⊙ (1 − tanh² c_t)) · diag(f_t)`` ;
    - ``∂h_t/∂h_{t−1} = diag(tanh c_t ⊙ o_t (1 − o_t)) W_oh
      + diag(o_t ⊙ (1 − tanh² c_t)) · ∂c_t/∂h_{t−1}``.

    ``x_t`` de forme ``(I,)``, ``h_prev`` et ``c_prev`` de forme ``(H,)`` (un
    seul exemple, sans lot). Rend la matrice ``(2H, 2H)`` faite des blocs
    ``[[∂h_t/∂h_{t−1}, ∂h_t/∂c_{t−1}], [∂c_t/∂h_{t−1}, ∂c_t/∂c_{t−1}]]``.
    """
    where = "lstm_step_jacobian"
    check_input(x_t, check_params(params, LSTMParams, where), "x_t", (1,), "(I,) (un seul exemple, sans lot)", where)
    x_t, h_prev, c_prev, params = _check_step(x_t, h_prev, c_prev, params, where)
    return _step_jacobian(x_t, h_prev, c_prev, params)


def _step_jacobian(x_t, h_prev, c_prev, params):
    H = params.hidden_size
    trace, _ = lstm_loop(x_t[None], params, h_prev, c_prev)
    f, i, c_hat, c, o, _ = (v[0] for v in trace.as_dict().values())
    W_fh, W_ih, W_ch, W_oh = (getattr(params, f"W_{g}")[:, :H] for g in ("f", "i", "c", "o"))
    tanh_c = np.tanh(c)
    dc_dh = ((c_prev * f * (1 - f))[:, None] * W_fh
             + (c_hat * i * (1 - i))[:, None] * W_ih
             + (i * (1 - c_hat**2))[:, None] * W_ch)
    dc_dc = np.diag(f)
    dh_dc_t = o * (1 - tanh_c**2)  # ∂h_t/∂c_t, composante par composante
    dh_dh = (tanh_c * o * (1 - o))[:, None] * W_oh + dh_dc_t[:, None] * dc_dh
    dh_dc = np.diag(dh_dc_t * f)
    return np.block([[dh_dh, dh_dc], [dc_dh, dc_dc]])


def lstm_memory_gradient_norms(x, params: LSTMParams, h0=None, c0=None):
    """Norme de la jacobienne complète ``‖∂c_T/∂c_{T−k}‖₂`` en fonction du retard ``k``.

    L'état d'un LSTM est le couple ``s_t = (h_t, c_t)`` ; par la règle de
    dérivation en chaîne, ``∂s_T/∂s_{T−k} = J_T · J_{T−1} ⋯ J_{T−k+1}``, où
    ``J_t`` est la jacobienne d'un pas (:func:`lstm_step_jacobian`), et
    ``∂c_T/∂c_{T−k}`` en est le bloc (mémoire, mémoire) : la dérivée par rapport à
    ``c_{T−k}``, ``h_{T−k}`` fixé, tous les chemins compris. Contrairement au
    chemin direct ``f_{T−k+1} ⊙ … ⊙ f_T`` (:func:`lstm_cell_path_gradient`),
    ce produit compte aussi les chemins qui passent par ``h`` et par les
    portes : il peut décroître bien plus vite que le chemin direct, ou croître.

    ``x`` de forme ``(T, I)`` (une seule séquence) ; ``h0`` et ``c0`` (zéro par
    défaut) de forme ``(H,)``. Rend ``(lags, norms)`` : ``lags = 0, …, T − 1``
    et ``norms[k]`` la norme spectrale de ``∂c_T/∂c_{T−k}`` (``norms[0] = 1``).
    """
    where = "lstm_memory_gradient_norms"
    params = check_params(params, LSTMParams, where)
    check_ndim(as_float_array(x, "x", where), (2,), "x", where, "(T, I) (une seule séquence, sans lot)")
    x, params, h0, c0 = check_sequence(x, params, LSTMParams, where, h0=h0, c0=c0)
    trace, _ = lstm_forward(x, params, h0, c0)
    T, H = trace.c.shape
    dtype = trace.c.dtype
    h_prev = np.concatenate([h0[None], trace.h[:-1]])  # h_{t−1} pour t = 0, …, T − 1
    c_prev = np.concatenate([c0[None], trace.c[:-1]])
    product = np.eye(2 * H, dtype=dtype)  # ∂s_T/∂s_T
    norms = np.empty(T, dtype=dtype)
    for k in range(T):
        norms[k] = np.linalg.norm(product[H:, H:], 2)
        # On remonte d'un pas : multiplier à droite par la jacobienne du pas T − k.
        t = T - 1 - k
        product = product @ _step_jacobian(x[t], h_prev[t], c_prev[t], params)
    return np.arange(T), norms
