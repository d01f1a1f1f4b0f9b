"""La rétropropagation dans le temps (BPTT), écrite à la main : une fonction par équation du gradient.

Notation : pour toute grandeur ``v`` du calcul, ``δv = ∂L/∂v`` est le
gradient de la perte ``L`` par rapport à ``v`` ; il a la forme de ``v``.
On remonte le temps, du dernier pas au premier. À chaque pas ``t``, on
connaît ``δh_t`` (ce que la perte reproche à ``h_t``, directement ou par
les pas suivants) et ``δc_{t+1} ⊙ f_{t+1}`` (ce qui revient de la mémoire
du pas suivant) ; on en tire, dans l'ordre :

1. ``δo_t = δh_t ⊙ tanh(c_t)``                                   (:func:`d_output_gate`)
2. ``δc_t = δh_t ⊙ o_t ⊙ (1 − tanh² c_t) + δc_{t+1} ⊙ f_{t+1}``  (:func:`d_memory`)
3. ``δf_t = δc_t ⊙ c_{t−1}``                                       (:func:`d_forget_gate`)
4. ``δi_t = δc_t ⊙ ĉ_t``                                           (:func:`d_input_gate`)
5. ``δĉ_t = δc_t ⊙ i_t``                                           (:func:`d_candidate`)
6. ``δc_{t−1} = δc_t ⊙ f_t``, la part qui suit la mémoire           (:func:`d_memory_prev`)
7. les préactivations ``a_g = W_g · [h_{t−1}, x_t] + b_g`` :
   ``δa_g = δg ⊙ g ⊙ (1 − g)`` pour les portes sigmoïdes f, i, o
   (:func:`d_sigmoid_input`), ``δa_c = δĉ ⊙ (1 − ĉ²)`` pour le candidat
   (:func:`d_tanh_input`) ;
8. ``δW_g = δa_g · [h_{t−1}, x_t]ᵀ`` et ``δb_g = δa_g``, sommés sur le lot    (:func:`d_weights`)
9. ``δ[h_{t−1}, x_t] = Σ_g W_gᵀ · δa_g``, coupé en ``δh_{t−1}`` et ``δx_t``   (:func:`d_concat`)

:func:`lstm_step_backward` enchaîne ces équations pour un pas ;
:func:`lstm_backward` les enchaîne sur toute une séquence, du dernier pas au
premier, en sommant les gradients des poids (les mêmes poids servent à tous
les pas). Avec ``truncate=k``, c'est la BPTT **tronquée** : le gradient ne
remonte qu'à l'intérieur de tranches de ``k`` pas, exactement ce que fait
PyTorch quand on coupe l'état avec ``.detach()`` tous les ``k`` pas.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from ._checks import (
    as_float_array,
    check_ndim,
    check_params,
    check_positive_int,
    check_sequence,
    check_state,
)
from .cells import _GATES, QUANTITIES, LSTMParams, StepRecord
from .sequences import lstm_forward

__all__ = [
    "d_output_gate",
    "d_memory",
    "d_forget_gate",
    "d_input_gate",
    "d_candidate",
    "d_memory_prev",
    "d_sigmoid_input",
    "d_tanh_input",
    "d_weights",
    "d_concat",
    "StepGrads",
    "LSTMGrads",
    "lstm_step_backward",
    "lstm_backward",
    "lstm_state_jacobians",
]


def _elementwise(equation):
    """Décore une équation terme à terme : vérifie ses arguments, puis l'applique.

    Les arguments doivent être des tableaux flottants finis de la même forme
    (ils sont convertis dans un dtype commun) ; sinon, une erreur en français.
    L'équation seule, sans vérification, reste accessible sous ``.raw`` : la
    boucle de :func:`lstm_backward` vérifie ses entrées une fois pour toutes,
    puis l'appelle à chaque pas sans refaire ces vérifications.
    """
    names = equation.__code__.co_varnames[: equation.__code__.co_argcount]
    where = equation.__name__

    @functools.wraps(equation)
    def checked(*args):
        if len(args) != len(names):
            raise TypeError(f"{where} : {len(names)} arguments attendus ({', '.join(names)}), reçu {len(args)}.")
        arrays = [as_float_array(value, name, where) for name, value in zip(names, args)]
        if len({arr.shape for arr in arrays}) != 1:
            detail = ", ".join(f"« {name} » {arr.shape}" for name, arr in zip(names, arrays))
            raise ValueError(f"{where} : tous les arguments doivent avoir la même forme ; reçu {detail}.")
        dtype = np.result_type(*arrays)
        return equation(*(arr.astype(dtype, copy=False) for arr in arrays))

    checked.raw = equation
    return checked


# --------------------------------------------------------------------------
# Les équations d'un pas, de la sortie vers l'entrée
# --------------------------------------------------------------------------

@_elementwise
def d_output_gate(d_h, c):
    """Gradient de la porte de sortie : ``δo_t = δh_t ⊙ tanh(c_t)``.

    Vient de ``h_t = o_t ⊙ tanh(c_t)`` : à ``c_t`` fixé, ``h_t`` est
    proportionnel à ``o_t``, avec le coefficient ``tanh(c_t)``.
    """
    return d_h * np.tanh(c)


@_elementwise
def d_memory(d_h, o, c, d_c_next):
    """Gradient de la mémoire : ``δc_t = δh_t ⊙ o_t ⊙ (1 − tanh² c_t) + δc_{t+1} ⊙ f_{t+1}``.

    Deux chemins partent de ``c_t`` : vers la sortie ``h_t = o_t ⊙ tanh(c_t)``
    (dérivée ``o_t ⊙ (1 − tanh² c_t)``), et vers la mémoire suivante
    ``c_{t+1} = f_{t+1} ⊙ c_t + …`` ; ``d_c_next`` est ce second terme,
    ``δc_{t+1} ⊙ f_{t+1}`` (zéro au dernier pas, sauf gradient sur ``c_T``).
    """
    tanh_c = np.tanh(c)
    return d_h * o * (1.0 - tanh_c * tanh_c) + d_c_next


@_elementwise
def d_forget_gate(d_c, c_prev):
    """Gradient de la porte d'oubli : ``δf_t = δc_t ⊙ c_{t−1}``.

    Vient de ``c_t = f_t ⊙ c_{t−1} + i_t ⊙ ĉ_t`` : ``f_t`` multiplie ``c_{t−1}``.
    """
    return d_c * c_prev


@_elementwise
def d_input_gate(d_c, c_hat):
    """Gradient de la porte d'entrée : ``δi_t = δc_t ⊙ ĉ_t``.

    Vient de ``c_t = f_t ⊙ c_{t−1} + i_t ⊙ ĉ_t`` : ``i_t`` multiplie ``ĉ_t``.
    """
    return d_c * c_hat


@_elementwise
def d_candidate(d_c, i):
    """Gradient du candidat : ``δĉ_t = δc_t ⊙ i_t``.

    Vient de ``c_t = f_t ⊙ c_{t−1} + i_t ⊙ ĉ_t`` : ``ĉ_t`` est multiplié par ``i_t``.
    """
    return d_c * i


@_elementwise
def d_memory_prev(d_c, f):
    """Gradient de la mémoire précédente, le long de la mémoire : ``δc_{t−1} = δc_t ⊙ f_t``.

    C'est le « chemin direct » du chapitre 1 : d'un pas au précédent, le
    gradient de la mémoire est multiplié par la porte d'oubli, et rien d'autre.
    (``c_{t−1}`` agit aussi sur ``h_{t−1}`` ; ce chemin-là est compté au pas
    ``t − 1``, par :func:`d_memory`.)
    """
    return d_c * f


@_elementwise
def d_sigmoid_input(d_gate, gate):
    """Gradient d'une préactivation sigmoïde : ``δa = δg ⊙ g ⊙ (1 − g)`` pour ``g = σ(a)``.

    La dérivée de la sigmoïde s'écrit avec sa valeur : ``σ'(a) = σ(a) (1 − σ(a))``.
    Sert aux portes ``f``, ``i`` et ``o``.
    """
    return d_gate * gate * (1.0 - gate)


@_elementwise
def d_tanh_input(d_value, value):
    """Gradient d'une préactivation tanh : ``δa = δv ⊙ (1 − v²)`` pour ``v = tanh(a)``.

    La dérivée de tanh s'écrit elle aussi avec sa valeur : ``tanh'(a) = 1 − tanh²(a)``.
    Sert au candidat ``ĉ_t``.
    """
    return d_value * (1.0 - value * value)


def d_weights(d_a, hx):
    """Gradients des poids d'une porte : ``δW_g = Σ δa_g · [h_{t−1}, x_t]ᵀ`` et ``δb_g = Σ δa_g``.

    Vient de ``a_g = W_g · [h_{t−1}, x_t] + b_g`` : le poids ``W_g[j, k]``
    relie la composante ``k`` de ``[h_{t−1}, x_t]`` à la composante ``j`` de
    ``a_g``. ``d_a`` de forme ``(…, H)`` et ``hx = [h_{t−1}, x_t]`` de forme
    ``(…, H + I)`` : les poids étant partagés par toutes les séquences d'un
    lot et par tous les pas, leurs gradients **s'additionnent** sur tous les
    axes ``…`` (la somme ``Σ``). Rend ``(δW_g, δb_g)``, de formes ``(H, H + I)``
    et ``(H,)``.
    """
    where = "d_weights"
    d_a = as_float_array(d_a, "d_a", where)
    hx = as_float_array(hx, "hx", where)
    if d_a.ndim == 0 or d_a.shape[:-1] != hx.shape[:-1] or hx.ndim == 0:
        raise ValueError(
            f"{where} : « d_a » (…, H) et « hx » (…, H + I) doivent avoir les mêmes axes de lot et de "
            f"temps « … » ; reçu d_a {d_a.shape}, hx {hx.shape}."
        )
    return _d_weights(d_a, hx)


def _d_weights(d_a, hx):
    d_a = d_a.reshape(-1, d_a.shape[-1])
    return d_a.T @ hx.reshape(-1, hx.shape[-1]), d_a.sum(axis=0)


def d_concat(d_a, W):
    """Gradient de l'entrée d'une porte : ``δ[h_{t−1}, x_t] = W_gᵀ · δa_g``.

    Vient de ``a_g = W_g · [h_{t−1}, x_t] + b_g``. Les quatre portes lisent
    le même ``[h_{t−1}, x_t]`` : leurs contributions s'additionnent,
    ``δ[h_{t−1}, x_t] = Σ_g W_gᵀ · δa_g`` (:func:`lstm_step_backward` fait
    la somme). ``d_a`` de forme ``(…, H)``, ``W`` de forme ``(H, H + I)`` ;
    le résultat, de forme ``(…, H + I)``, se coupe en ``δh_{t−1}`` (les ``H``
    premières composantes, h d'abord comme partout dans le livre) et ``δx_t``.
    """
    where = "d_concat"
    d_a = as_float_array(d_a, "d_a", where)
    W = as_float_array(W, "W", where)
    check_ndim(W, (2,), "W", where, "(H, H + I)")
    if d_a.ndim == 0 or d_a.shape[-1] != W.shape[0]:
        raise ValueError(
            f"{where} : la dernière dimension de « d_a » doit valoir H = {W.shape[0]}, le nombre de "
            f"lignes de « W » ; reçu d_a {d_a.shape}, W {W.shape}."
        )
    dtype = np.result_type(d_a, W)
    return _d_concat(d_a.astype(dtype, copy=False), W.astype(dtype, copy=False))


def _d_concat(d_a, W):
    return d_a @ W


# --------------------------------------------------------------------------
# Un pas, puis toute la séquence
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class StepGrads:
    """Les gradients d'un pas de temps, rendus par :func:`lstm_step_backward`.

    - ``params`` : un :class:`~lstm_lib.cells.LSTMParams` de gradients
      (``δW_f, δb_f, …``), même disposition que les poids, sommés sur le lot ;
    - ``x_t``, ``h_prev``, ``c_prev`` : ``δx_t``, ``δh_{t−1}`` et ``δc_{t−1}``
      (à passer au pas précédent) ;
    - ``f``, ``i``, ``c_hat``, ``o`` : les gradients des portes elles-mêmes
      (``δf_t`` …, avant la dérivée de σ ou de tanh) ;
    - ``c`` : ``δc_t``, le gradient total de la mémoire au pas ``t``.
    """

    params: LSTMParams
    x_t: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    f: np.ndarray
    i: np.ndarray
    c_hat: np.ndarray
    o: np.ndarray
    c: np.ndarray


@dataclass(frozen=True)
class LSTMGrads:
    """Les gradients d'une séquence entière, rendus par :func:`lstm_backward`.

    - ``params`` : un :class:`~lstm_lib.cells.LSTMParams` de gradients, sommés
      sur les pas de temps et sur le lot ;
    - ``x`` : ``δx_t`` pour chaque pas, de la forme de ``x`` ;
    - ``h0``, ``c0`` : les gradients de l'état initial.
    """

    params: LSTMParams
    x: np.ndarray
    h0: np.ndarray
    c0: np.ndarray


def _check_record(record, params, where):
    if not isinstance(record, StepRecord):
        raise TypeError(
            f"{where} : « record » doit être le StepRecord d'un pas, rendu par lstm_step ; "
            f"reçu un objet de type {type(record).__name__}."
        )
    missing = [name for name in ("x_t", "h_prev", "c_prev") if getattr(record, name) is None]
    if missing:
        raise ValueError(
            f"{where} : le StepRecord ne contient pas les entrées du pas ({', '.join(missing)}) ; "
            f"créez-le avec lstm_step(x_t, h_prev, c_prev, params), qui les y range."
        )
    H, I = params.hidden_size, params.input_size
    batch = record.h.shape[0] if record.h.ndim == 2 else None
    expected = (H,) if batch is None else (batch, H)
    arrays = {}
    for name in (*QUANTITIES, "h_prev", "c_prev", "x_t"):
        arr = as_float_array(getattr(record, name), f"record.{name}", where)
        want = expected[:-1] + (I,) if name == "x_t" else expected
        if arr.shape != want:
            size = f"taille d'entrée I = {I}" if name == "x_t" else f"taille cachée H = {H}"
            raise ValueError(
                f"{where} : « record.{name} » doit avoir la forme {want} ({size} des paramètres), "
                f"reçu la forme {arr.shape}."
            )
        arrays[name] = arr
    return batch, arrays


def _gate_grads(r, d_h, d_c):
    """Les équations 1 à 7 d'un pas, sans vérification (``r`` : un StepRecord vérifié).

    Rend les gradients des portes et de la mémoire, et ceux des quatre
    préactivations ``δa_g`` (clés f, i, c, o).
    """
    d_o = d_output_gate.raw(d_h, r.c)                  # 1. δo_t = δh_t ⊙ tanh(c_t)
    d_c_t = d_memory.raw(d_h, r.o, r.c, d_c)            # 2. δc_t
    d_f = d_forget_gate.raw(d_c_t, r.c_prev)            # 3. δf_t = δc_t ⊙ c_{t−1}
    d_i = d_input_gate.raw(d_c_t, r.c_hat)              # 4. δi_t = δc_t ⊙ ĉ_t
    d_c_hat = d_candidate.raw(d_c_t, r.i)               # 5. δĉ_t = δc_t ⊙ i_t
    d_c_prev = d_memory_prev.raw(d_c_t, r.f)            # 6. δc_{t−1} = δc_t ⊙ f_t
    d_a = {                                             # 7. les préactivations
        "f": d_sigmoid_input.raw(d_f, r.f),
        "i": d_sigmoid_input.raw(d_i, r.i),
        "c": d_tanh_input.raw(d_c_hat, r.c_hat),
        "o": d_sigmoid_input.raw(d_o, r.o),
    }
    gates = {"f": d_f, "i": d_i, "c_hat": d_c_hat, "o": d_o, "c": d_c_t, "c_prev": d_c_prev}
    return gates, d_a


def lstm_step_backward(record: StepRecord, d_h, d_c, params: LSTMParams) -> StepGrads:
    """Les gradients d'un pas de temps, à partir du :class:`~lstm_lib.cells.StepRecord` de ce pas.

    - ``record`` : rendu par :func:`~lstm_lib.cells.lstm_step` (il contient les
      entrées du pas, ``x_t``, ``h_{t−1}``, ``c_{t−1}``) ;
    - ``d_h`` : ``δh_t``, le gradient **total** de ``h_t`` (celui de la perte
      au pas ``t`` plus celui qui revient du pas ``t + 1``, le ``h_prev`` de
      son :class:`StepGrads`) ;
    - ``d_c`` : ce qui revient de la mémoire du pas suivant, ``δc_{t+1} ⊙ f_{t+1}``
      (le ``c_prev`` du :class:`StepGrads` du pas ``t + 1``), ou ``δc_T`` au dernier pas ;
    - ``params`` : les poids de la cellule.

    Enchaîne les équations 1 à 9 du module et rend un :class:`StepGrads`.
    """
    where = "lstm_step_backward"
    params = check_params(params, LSTMParams, where)
    batch, arrays = _check_record(record, params, where)
    H = params.hidden_size
    d_h = check_state(d_h, "d_h", batch, H, where)
    d_c = check_state(d_c, "d_c", batch, H, where)
    dtype = np.result_type(d_h, d_c, params.W_f, *arrays.values())
    params = params.astype(dtype) if params.dtype != dtype else params
    r = StepRecord(**{name: arr.astype(dtype, copy=False) for name, arr in arrays.items()})
    gates, d_a = _gate_grads(r, d_h.astype(dtype, copy=False), d_c.astype(dtype, copy=False))
    hx = np.concatenate([r.h_prev, r.x_t], axis=-1)
    grads, d_hx = {}, 0.0
    for g in _GATES:
        grads[f"W_{g}"], grads[f"b_{g}"] = _d_weights(d_a[g], hx)     # 8. δW_g, δb_g
        d_hx = d_hx + _d_concat(d_a[g], getattr(params, f"W_{g}"))    # 9. Σ_g W_gᵀ · δa_g
    return StepGrads(params=LSTMParams(**grads), x_t=d_hx[..., H:], h_prev=d_hx[..., :H],
                     c_prev=gates["c_prev"], f=gates["f"], i=gates["i"], c_hat=gates["c_hat"],
                     o=gates["o"], c=gates["c"])


def _check_grad(value, name, shape, dtype, where, meaning):
    if value is None:
        return np.zeros(shape, dtype)
    arr = as_float_array(value, name, where)
    if arr.shape != shape:
        raise ValueError(f"{where} : « {name} » doit avoir la forme {shape} ({meaning}), reçu la forme {arr.shape}.")
    return arr.astype(dtype, copy=False)


def lstm_backward(x, params: LSTMParams, d_h, h0=None, c0=None, d_h_T=None, d_c_T=None,
                  truncate=None) -> LSTMGrads:
    """La rétropropagation dans le temps sur une séquence entière.

    Refait la passe avant (:func:`~lstm_lib.sequences.lstm_forward`), puis
    remonte le temps du dernier pas au premier avec les équations 1 à 7 de
    :func:`lstm_step_backward` ; à chaque pas,
    ``δh_t = ∂L/∂h_t + δh_t|_{depuis t+1}`` et la mémoire renvoie
    ``δc_{t+1} ⊙ f_{t+1}``. Deux différences d'organisation, pas de calcul,
    pour aller vite : les quatre portes sont empilées pour l'équation 9
    (un seul produit matriciel par pas), et l'équation 8 est faite une seule
    fois après la boucle — les gradients des poids sont une **somme** sur
    les pas, qu'un seul produit matriciel calcule d'un coup.

    - ``x`` : ``(T, I)`` ou ``(B, T, I)`` ; ``h0``, ``c0`` : l'état initial
      (zéro par défaut), ``(H,)`` ou ``(B, H)`` ;
    - ``d_h`` : ``∂L/∂h_t`` pour chaque pas, de la forme de ``trace.h``
      (``(T, H)`` ou ``(B, T, H)``) ; ``None`` : zéro (la perte ne lit que l'état final) ;
    - ``d_h_T``, ``d_c_T`` : gradients de la perte par rapport à l'état final
      ``(h_T, c_T)`` (zéro par défaut) ;
    - ``truncate`` : ``None`` (BPTT complète) ou ``k ≥ 1`` : la séquence est
      coupée en tranches de ``k`` pas (``[0, k)``, ``[k, 2k)``…) et le gradient
      ne franchit pas les coupures — comme un ``.detach()`` de ``(h, c)`` tous
      les ``k`` pas dans PyTorch. Il remonte donc au plus ``k`` pas.

    Rend un :class:`LSTMGrads` : ``params`` (sommés sur le temps et le lot),
    ``x``, ``h0``, ``c0``. Le dtype est celui du calcul (float32 ou float64).
    """
    where = "lstm_backward"
    x, params, h0, c0 = check_sequence(x, params, LSTMParams, where, h0=h0, c0=c0)
    if truncate is not None:
        truncate = check_positive_int(truncate, "truncate", where)
    trace, _ = lstm_forward(x, params, h0, c0)
    dtype, state_shape = x.dtype, h0.shape
    d_h = _check_grad(d_h, "d_h", trace.h.shape, dtype, where, "celle de trace.h : un gradient par pas de temps")
    carry_h = _check_grad(d_h_T, "d_h_T", state_shape, dtype, where, "celle de h_T")
    carry_c = _check_grad(d_c_T, "d_c_T", state_shape, dtype, where, "celle de c_T")

    unbatched = x.ndim == 2
    if unbatched:  # un lot d'une séquence, comme lstm_forward
        x, h0, c0, d_h, carry_h, carry_c = x[None], h0[None], c0[None], d_h[None], carry_h[None], carry_c[None]
        trace = type(trace)(**{k: v[None] for k, v in trace.as_dict().items()})
    B, T, I = x.shape
    H = params.hidden_size
    # Comme lstm_forward, on range les vecteurs en colonnes, le lot en dernier : (T, H, B).
    # Pour la trace, ce n'est qu'une vue (lstm_forward la calcule dans cette disposition).
    seq = {k: v.transpose(1, 2, 0) for k, v in trace.as_dict().items()}
    c_prev = np.concatenate([c0.T[None], seq["c"][:-1]])          # c_{t−1} pour chaque t
    hx = np.concatenate([np.concatenate([h0.T[None], seq["h"][:-1]]),  # [h_{t−1}, x_t] pour chaque t
                         x.transpose(1, 2, 0)], axis=1)
    d_h = d_h.transpose(1, 2, 0)
    carry_h, carry_c = carry_h.T, carry_c.T
    W, _ = params.stacked()                       # (4H, H + I), portes f, i, c, o
    d_a = np.empty((T, 4 * H, B), dtype)          # δa_g à chaque pas, les 4 portes empilées
    d_x = np.empty((T, I, B), dtype)
    for t in range(T - 1, -1, -1):
        record = StepRecord(**{k: v[t] for k, v in seq.items()}, c_prev=c_prev[t])
        gates, d_a_t = _gate_grads(record, d_h[t] + carry_h, carry_c)
        for k, g in enumerate(_GATES):
            d_a[t, k * H:(k + 1) * H] = d_a_t[g]
        d_hx = _d_concat(d_a[t].T, W).T           # 9. Σ_g W_gᵀ · δa_g, les quatre portes d'un coup
        carry_h, d_x[t], carry_c = d_hx[:H], d_hx[H:], gates["c_prev"]
        if truncate is not None and t % truncate == 0 and t > 0:
            # Coupure entre les pas t − 1 et t : rien ne remonte plus loin (le « .detach() »).
            carry_h, carry_c = np.zeros_like(carry_h), np.zeros_like(carry_c)
    # 8. Les gradients des poids, sommés sur le temps et sur le lot : un seul produit matriciel.
    d_W, d_b = _d_weights(d_a.transpose(0, 2, 1), hx.transpose(0, 2, 1))
    grads = {}
    for k, g in enumerate(_GATES):
        grads[f"W_{g}"], grads[f"b_{g}"] = d_W[k * H:(k + 1) * H], d_b[k * H:(k + 1) * H]
    d_x, carry_h, carry_c = d_x.transpose(2, 0, 1), carry_h.T, carry_c.T
    if unbatched:
        d_x, carry_h, carry_c = d_x[0], carry_h[0], carry_c[0]
    return LSTMGrads(params=LSTMParams(**grads), x=d_x, h0=carry_h, c0=carry_c)


def lstm_state_jacobians(x, params: LSTMParams, h0=None, c0=None) -> np.ndarray:
    """Les jacobiennes de l'état, pas par pas : ``J_t = ∂(h_t, c_t) / ∂(h_{t−1}, c_{t−1})``.

    L'état d'une cellule LSTM est le couple ``(h_t, c_t)`` ; ``J_t`` est une
    matrice ``(2H, 2H)`` : ses ``H`` premières lignes dérivent ``h_t``, les
    ``H`` suivantes ``c_t`` ; ses ``H`` premières colonnes sont les dérivées
    par rapport à ``h_{t−1}``, les suivantes par rapport à ``c_{t−1}``.
    En remontant de ``k`` pas, ``∂(h_T, c_T)/∂(h_{T−k}, c_{T−k}) = J_T ⋯ J_{T−k+1}``.

    Sur un pas, le bloc ``∂c_t/∂c_{t−1}`` vaut exactement ``diag(f_t)`` : les
    portes lisent ``h_{t−1}``, pas ``c_{t−1}``. Mais dès deux pas, ``c_{t−1}``
    agit aussi sur ``h_t`` (par ``c_t``), que lisent les portes du pas
    suivant : le bloc ``∂c_T/∂c_{T−k}`` du produit contient le chemin direct
    ``diag(f_{T−k+1} ⊙ … ⊙ f_T)`` **et** tous les chemins qui passent par
    ``h``. Ce sont eux qui peuvent faire croître le gradient.

    Chaque ligne de ``J_t`` est une rétropropagation d'un pas
    (:func:`lstm_step_backward`) depuis un vecteur unité : ``δh_t = e_j``
    (ou ``δc_t = e_j``) donne la ligne ``j`` en ``(δh_{t−1}, δc_{t−1})``.
    ``x`` de forme ``(T, I)`` (une seule séquence) ; rend un tableau ``(T, 2H, 2H)``.
    """
    where = "lstm_state_jacobians"
    x_arr = as_float_array(x, "x", where)
    check_ndim(x_arr, (2,), "x", where, "(T, I) (une seule séquence, sans lot)")
    x, params, h0, c0 = check_sequence(x_arr, params, LSTMParams, where, h0=h0, c0=c0)
    trace, _ = lstm_forward(x, params, h0, c0)
    H = params.hidden_size
    units = np.eye(2 * H, dtype=x.dtype)           # 2H vecteurs unités, traités comme un lot
    d_h, d_c = units[:, :H], units[:, H:]
    jacobians = np.empty((x.shape[0], 2 * H, 2 * H), x.dtype)
    h_prev, c_prev = h0, c0
    for t in range(x.shape[0]):
        step = {k: v[t] for k, v in trace.as_dict().items()}
        record = StepRecord(**{k: np.broadcast_to(v, (2 * H, H)) for k, v in step.items()},
                            x_t=np.broadcast_to(x[t], (2 * H, x.shape[1])),
                            h_prev=np.broadcast_to(h_prev, (2 * H, H)), c_prev=np.broadcast_to(c_prev, (2 * H, H)))
        grads = lstm_step_backward(record, d_h, d_c, params)
        jacobians[t] = np.concatenate([grads.h_prev, grads.c_prev], axis=1)
        h_prev, c_prev = trace.h[t], trace.c[t]
    return jacobians
