"""Le GRU (*gated recurrent unit*, Cho et al. 2014) : deux portes, un seul état.

Le GRU n'a pas de mémoire ``c_t`` séparée : son état caché ``h_t`` joue les
deux rôles. Mêmes conventions que la cellule LSTM du livre : les poids
agissent sur ``[h_{t−1}, x_t]`` (h d'abord), un vecteur ``(H,)`` ou un lot
``(B, H)``, float32 ou float64, dtype conservé. Les quatre étapes d'un pas,
dans la forme de PyTorch (celle de ``nn.GRU``, que :mod:`lstm_lib.torch_bridge`
reproduit) :

1. ``r_t = σ(W_r · [h_{t−1}, x_t] + b_r)``  ← porte de réinitialisation (:func:`reset_gate`)
2. ``z_t = σ(W_z · [h_{t−1}, x_t] + b_z)``  ← porte de mise à jour (:func:`update_gate`)
3. ``n_t = tanh(W_nx · x_t + b_n + r_t ⊙ (W_nh · h_{t−1} + b_hn))`` ← candidat (:func:`gru_candidate`)
4. ``h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ n_t``  ← nouvel état (:func:`gru_update`)

``W_n = [W_nh | W_nx]`` a la forme ``(H, H + I)`` comme les autres, mais la
porte ``r_t`` agit **après** le produit par ``W_nh`` : le biais ``b_hn``
est multiplié par ``r_t`` et ne se fond pas dans ``b_n``.

L'article publié de Cho et al. (2014) applique ``r_t`` **avant** le produit :
``n_t = tanh(W_n · [r_t ⊙ h_{t−1}, x_t] + b)`` (:func:`gru_candidate_cho`) ;
avec les mêmes poids, les deux formes ne donnent pas les mêmes nombres.
Keras appelle ce choix ``reset_after`` ; PyTorch et cuDNN suivent la forme
« après ». :func:`gru_step` et :func:`gru_forward` calculent l'une ou
l'autre (``form="pytorch"`` ou ``"cho"``).

Dans cette convention (celle de PyTorch, de Cho et al. et de d2l), ``z_t``
**garde** le passé, comme la porte d'oubli ``f_t`` d'un LSTM ; d'autres
textes (Chung et al. 2014, par exemple) échangent ``z_t`` et ``1 − z_t``.

:func:`gru_step_backward` donne les gradients d'un pas (forme de PyTorch),
avec les équations du module :mod:`lstm_lib.backward`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from ._checks import (
    as_float_array,
    check_input,
    check_params,
    check_sequence,
    check_state,
)
from .backward import d_sigmoid_input, d_tanh_input, d_weights
from .cells import CellParams, _sigmoid, gate_inputs

__all__ = [
    "GRU_FORMS",
    "GRUParams",
    "GRURecord",
    "GRUTrace",
    "GRUStepGrads",
    "reset_gate",
    "update_gate",
    "gru_candidate",
    "gru_candidate_cho",
    "gru_update",
    "gru_step",
    "gru_forward",
    "gru_step_backward",
]

GRU_FORMS = ("pytorch", "cho")
"""Les deux formes du candidat : ``"pytorch"`` (r après le produit, ``nn.GRU``) et ``"cho"`` (r avant, l'article)."""


# --------------------------------------------------------------------------
# Les équations d'un pas
# --------------------------------------------------------------------------

def reset_gate(h_prev, x_t, W, b):
    """Porte de réinitialisation : ``r_t = σ(W_r · [h_{t−1}, x_t] + b_r)``.

    Entre 0 et 1, elle dit quelle part de l'état précédent le candidat
    ``n_t`` peut lire : ``r_t ≈ 0`` fait repartir le candidat de l'entrée seule.
    """
    h_prev, x_t, W, b = gate_inputs("reset_gate", h_prev, x_t, W, b=b)
    return _sigmoid(np.concatenate([h_prev, x_t], axis=-1) @ W.T + b)


def update_gate(h_prev, x_t, W, b):
    """Porte de mise à jour : ``z_t = σ(W_z · [h_{t−1}, x_t] + b_z)``.

    Entre 0 et 1, elle dit quelle part de l'état précédent est gardée telle
    quelle : ``z_t ≈ 1`` garde ``h_{t−1}`` (le rôle de ``f_t``), ``z_t ≈ 0``
    le remplace par le candidat.
    """
    h_prev, x_t, W, b = gate_inputs("update_gate", h_prev, x_t, W, b=b)
    return _sigmoid(np.concatenate([h_prev, x_t], axis=-1) @ W.T + b)


def _check_candidate(h_prev, x_t, r, W, biases, where):
    h_prev, x_t, W, *biases = gate_inputs(where, h_prev, x_t, W, **biases)
    r = as_float_array(r, "r", where)
    if r.shape != h_prev.shape:
        raise ValueError(f"{where} : « r » doit avoir la forme de « h_prev », {h_prev.shape} ; reçu la forme {r.shape}.")
    dtype = np.result_type(h_prev, r)
    return [a.astype(dtype, copy=False) for a in (h_prev, x_t, r, W, *biases)]


def gru_candidate(h_prev, x_t, r, W, b, b_hn):
    """Candidat, forme de PyTorch : ``n_t = tanh(W_nx · x_t + b_n + r_t ⊙ (W_nh · h_{t−1} + b_hn))``.

    ``W = [W_nh | W_nx]`` de forme ``(H, H + I)`` ; ``r`` de la forme de
    ``h_prev``. La porte ``r_t`` multiplie le produit récurrent **et** son
    biais ``b_hn`` : c'est ce que fait ``nn.GRU``.
    """
    h_prev, x_t, r, W, b, b_hn = _check_candidate(h_prev, x_t, r, W, {"b": b, "b_hn": b_hn}, "gru_candidate")
    H = h_prev.shape[-1]
    return np.tanh(x_t @ W[:, H:].T + b + r * (h_prev @ W[:, :H].T + b_hn))


def gru_candidate_cho(h_prev, x_t, r, W, b):
    """Candidat, forme de l'article de Cho et al. (2014) : ``n_t = tanh(W_n · [r_t ⊙ h_{t−1}, x_t] + b)``.

    La porte ``r_t`` agit **avant** le produit par ``W_nh`` : elle efface des
    composantes de ``h_{t−1}``, puis la cellule calcule comme un RNN simple.
    Un seul biais ``b`` (dans :func:`gru_step`, ``b = b_n + b_hn``).
    """
    h_prev, x_t, r, W, b = _check_candidate(h_prev, x_t, r, W, {"b": b}, "gru_candidate_cho")
    return np.tanh(np.concatenate([r * h_prev, x_t], axis=-1) @ W.T + b)


def gru_update(z, h_prev, n):
    """Nouvel état : ``h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ n_t``.

    Un mélange, composante par composante, de l'état précédent et du
    candidat. Avec ``z`` constant, c'est la moyenne mobile exponentielle du
    chapitre 3, ``c_t = f · c_{t−1} + (1 − f) · x_t`` : le GRU est cette
    moyenne mobile rendue adaptative.
    """
    where = "gru_update"
    arrays = {k: as_float_array(v, k, where) for k, v in (("z", z), ("h_prev", h_prev), ("n", n))}
    if len({a.shape for a in arrays.values()}) != 1:
        detail = ", ".join(f"« {k} » {a.shape}" for k, a in arrays.items())
        raise ValueError(f"{where} : tous les arguments doivent avoir la même forme ; reçu {detail}.")
    dtype = np.result_type(*arrays.values())
    z, h_prev, n = (a.astype(dtype, copy=False) for a in arrays.values())
    return z * h_prev + (1.0 - z) * n


# --------------------------------------------------------------------------
# Les paramètres
# --------------------------------------------------------------------------

@dataclass
class GRUParams(CellParams):
    """Les poids d'une cellule GRU, au format du livre.

    ``W_r``, ``W_z``, ``W_n`` de forme ``(H, H + I)`` sur ``[h_{t−1}, x_t]``
    (h d'abord) ; ``b_r``, ``b_z``, ``b_n`` et ``b_hn`` de forme ``(H,)``.
    ``b_hn`` est le biais du produit récurrent du candidat, celui que
    ``r_t`` multiplie (forme de PyTorch). Trois blocs de poids, contre quatre
    pour un LSTM.
    """

    W_r: np.ndarray
    b_r: np.ndarray
    W_z: np.ndarray
    b_z: np.ndarray
    W_n: np.ndarray
    b_n: np.ndarray
    b_hn: np.ndarray

    @classmethod
    def random(cls, input_size: int, hidden_size: int, *, seed: int = 0, dtype=np.float64) -> "GRUParams":
        """Des poids tirés au hasard, de façon reproductible.

        Comme PyTorch, chaque poids et chaque biais suit la loi uniforme sur
        ``[−1/√H, 1/√H]``.
        """
        values, dtype = cls._uniform(input_size, hidden_size, seed, dtype)
        return cls(**{name: v.astype(dtype) for name, v in values.items()})

    def n_parameters(self) -> int:
        """Nombre de paramètres au format du livre : ``3 · H · (H + I) + 4 · H``.

        PyTorch en compte ``2 H`` de plus par couche : il garde deux biais
        pour ``r`` et pour ``z`` (``b_ir + b_hr``, ``b_iz + b_hz``), dont
        seule la somme compte.
        """
        return sum(getattr(self, fl.name).size for fl in fields(self))


def _check_form(form, where):
    if form not in GRU_FORMS:
        raise ValueError(f"{where} : « form » doit valoir \"pytorch\" ou \"cho\", reçu {form!r}.")


# --------------------------------------------------------------------------
# Un pas, une séquence
# --------------------------------------------------------------------------

_RECORD_LABELS = {
    "r": "1. r_t = σ(W_r · [h_{t−1}, x_t] + b_r)   ← porte de réinitialisation",
    "z": "2. z_t = σ(W_z · [h_{t−1}, x_t] + b_z)   ← porte de mise à jour",
    "n": "3. n_t = tanh(W_nx x_t + b_n + r_t ⊙ (W_nh h_{t−1} + b_hn)) ← candidat",
    "h": "4. h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ n_t ← nouvel état",
}


@dataclass(frozen=True)
class GRURecord:
    """Tous les intermédiaires d'un pas de GRU : ``r, z, n, h`` (``n`` est le candidat).

    Y sont rangées aussi les entrées du pas, ``x_t`` et ``h_prev``, et la
    forme du candidat (``"pytorch"`` ou ``"cho"``) : :func:`gru_step_backward`
    en a besoin. ``print(record)`` affiche les quatre étapes.
    """

    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    h: np.ndarray
    x_t: np.ndarray | None = None
    h_prev: np.ndarray | None = None
    form: str = "pytorch"

    def __str__(self) -> str:
        with np.printoptions(precision=4, suppress=True):
            return "\n".join(f"{_RECORD_LABELS[k]}\n   = {getattr(self, k)}" for k in _RECORD_LABELS)

    def as_dict(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in _RECORD_LABELS}


@dataclass(frozen=True)
class GRUTrace:
    """Chaque intermédiaire à chaque pas : ``r, z, n, h``, de forme ``(T, H)`` ou ``(B, T, H)``."""

    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    h: np.ndarray

    def as_dict(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in ("r", "z", "n", "h")}


def gru_step(x_t, h_prev, params: GRUParams, form: str = "pytorch") -> GRURecord:
    """Un pas de GRU complet : les quatre équations, dans l'ordre.

    ``x_t`` de forme ``(I,)`` ou ``(B, I)`` ; ``h_prev`` de forme ``(H,)`` ou
    ``(B, H)`` ; ``form`` : ``"pytorch"`` (défaut, celle de ``nn.GRU``) ou
    ``"cho"`` (celle de l'article). Rend un :class:`GRURecord` ; ``record.h``
    est le nouvel état.
    """
    where = "gru_step"
    params = check_params(params, GRUParams, where)
    _check_form(form, where)
    x_t = check_input(x_t, params, "x_t", (1, 2), "(I,) ou (B, I)", where)
    batch = x_t.shape[0] if x_t.ndim == 2 else None
    h_prev = check_state(h_prev, "h_prev", batch, params.hidden_size, where)
    p = params
    r = reset_gate(h_prev, x_t, p.W_r, p.b_r)
    z = update_gate(h_prev, x_t, p.W_z, p.b_z)
    if form == "pytorch":
        n = gru_candidate(h_prev, x_t, r, p.W_n, p.b_n, p.b_hn)
    else:
        n = gru_candidate_cho(h_prev, x_t, r, p.W_n, p.b_n + p.b_hn)
    h = gru_update(z, h_prev, n)
    return GRURecord(r=r, z=z, n=n, h=h, x_t=x_t.astype(h.dtype, copy=False),
                     h_prev=h_prev.astype(h.dtype, copy=False), form=form)


def gru_forward(x, params: GRUParams, h0=None, form: str = "pytorch"):
    """Passe une séquence entière dans le GRU, un appel à :func:`gru_step` par pas.

    ``x`` de forme ``(T, I)`` ou ``(B, T, I)`` ; ``h0`` (zéro par défaut) de
    forme ``(H,)`` ou ``(B, H)``. Rend ``(trace, h_T)`` : la
    :class:`GRUTrace` de chaque intermédiaire au fil du temps et l'état final.
    Redonner ``h_T`` à l'appel suivant prolonge la séquence exactement.
    """
    where = "gru_forward"
    check_params(params, GRUParams, where)
    _check_form(form, where)
    x, params, h = check_sequence(x, params, GRUParams, where, h0=h0)
    records = []
    for t in range(x.shape[-2]):
        record = gru_step(x[..., t, :], h, params, form)
        records.append(record)
        h = record.h
    trace = GRUTrace(**{k: np.stack([getattr(r, k) for r in records], axis=-2) for k in ("r", "z", "n", "h")})
    return trace, h


# --------------------------------------------------------------------------
# Les gradients d'un pas
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class GRUStepGrads:
    """Les gradients d'un pas de GRU, rendus par :func:`gru_step_backward`.

    ``params`` : un :class:`GRUParams` de gradients (sommés sur le lot) ;
    ``x_t``, ``h_prev`` : ``δx_t`` et ``δh_{t−1}`` ; ``r``, ``z``, ``n`` :
    les gradients des portes et du candidat.
    """

    params: GRUParams
    x_t: np.ndarray
    h_prev: np.ndarray
    r: np.ndarray
    z: np.ndarray
    n: np.ndarray


def gru_step_backward(record: GRURecord, d_h, params: GRUParams) -> GRUStepGrads:
    """Les gradients d'un pas de GRU (forme de PyTorch), à partir de son :class:`GRURecord`.

    ``d_h`` est ``δh_t``, le gradient total de ``h_t``. En remontant les
    quatre équations (``a`` désigne une préactivation, ``hn = W_nh · h_{t−1} + b_hn``) :

    - ``δz_t = δh_t ⊙ (h_{t−1} − n_t)`` et ``δn_t = δh_t ⊙ (1 − z_t)`` ;
    - ``δh_{t−1} ⊇ δh_t ⊙ z_t`` : le chemin direct, multiplié par ``z_t``
      (comme ``f_t`` pour la mémoire d'un LSTM) ;
    - ``δa_n = δn_t ⊙ (1 − n_t²)``, puis ``δr_t = δa_n ⊙ hn`` et ``δhn = δa_n ⊙ r_t`` ;
    - ``δa_r = δr_t ⊙ r_t ⊙ (1 − r_t)``, ``δa_z = δz_t ⊙ z_t ⊙ (1 − z_t)`` ;
    - poids et entrées comme pour le LSTM (:func:`lstm_lib.backward.d_weights`) :
      ``δW_n = [δhn · h_{t−1}ᵀ | δa_n · x_tᵀ]``, ``δb_n = δa_n``, ``δb_hn = δhn``, etc.

    Rend un :class:`GRUStepGrads`.
    """
    where = "gru_step_backward"
    params = check_params(params, GRUParams, where)
    if not isinstance(record, GRURecord):
        raise TypeError(f"{where} : « record » doit être le GRURecord d'un pas, rendu par gru_step ; "
                        f"reçu un objet de type {type(record).__name__}.")
    if record.x_t is None or record.h_prev is None:
        raise ValueError(f"{where} : le GRURecord ne contient pas les entrées du pas (x_t, h_prev) ; "
                         f"créez-le avec gru_step(x_t, h_prev, params).")
    if record.form != "pytorch":
        raise ValueError(f"{where} : seule la forme \"pytorch\" est rétropropagée ici ; le record est de "
                         f"la forme {record.form!r}.")
    H = params.hidden_size
    if record.h.shape[-1] != H or record.x_t.shape[-1] != params.input_size:
        raise ValueError(
            f"{where} : le GRURecord (H = {record.h.shape[-1]}, I = {record.x_t.shape[-1]}) ne vient pas de "
            f"ces paramètres (H = {H}, I = {params.input_size})."
        )
    batch = record.h.shape[0] if record.h.ndim == 2 else None
    d_h = check_state(d_h, "d_h", batch, H, where)
    p, rec = params, record
    dtype = np.result_type(d_h, rec.h, p.W_r)
    h_prev, x_t = rec.h_prev.astype(dtype, copy=False), rec.x_t.astype(dtype, copy=False)
    r, z, n = (a.astype(dtype, copy=False) for a in (rec.r, rec.z, rec.n))
    d_h = d_h.astype(dtype, copy=False)

    d_z = d_h * (h_prev - n)                          # h_t = z ⊙ h_{t−1} + (1 − z) ⊙ n
    d_n = d_h * (1.0 - z)
    d_h_prev = d_h * z                                # le chemin direct
    d_a_n = d_tanh_input(d_n, n)                      # n = tanh(a_n)
    hn = h_prev @ p.W_n[:, :H].T.astype(dtype) + p.b_hn.astype(dtype)
    d_r = d_a_n * hn                                  # a_n = … + r ⊙ hn
    d_hn = d_a_n * r
    d_a_r = d_sigmoid_input(d_r, r)
    d_a_z = d_sigmoid_input(d_z, z)

    hx = np.concatenate([h_prev, x_t], axis=-1)
    W_r, b_r = d_weights(d_a_r, hx)
    W_z, b_z = d_weights(d_a_z, hx)
    W_nh, b_hn = d_weights(d_hn, h_prev)              # hn = W_nh · h_{t−1} + b_hn
    W_nx, b_n = d_weights(d_a_n, x_t)                 # a_n = W_nx · x_t + b_n + …
    d_hx = d_a_r @ p.W_r.astype(dtype) + d_a_z @ p.W_z.astype(dtype)
    d_h_prev = d_h_prev + d_hx[..., :H] + d_hn @ p.W_n[:, :H].astype(dtype)
    d_x_t = d_hx[..., H:] + d_a_n @ p.W_n[:, H:].astype(dtype)
    grads = GRUParams(W_r=W_r, b_r=b_r, W_z=W_z, b_z=b_z, W_n=np.concatenate([W_nh, W_nx], axis=1),
                      b_n=b_n, b_hn=b_hn)
    return GRUStepGrads(params=grads, x_t=d_x_t, h_prev=d_h_prev, r=d_r, z=d_z, n=d_n)
