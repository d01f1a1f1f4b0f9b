"""Une cellule LSTM, une équation par fonction.

Les notations sont celles du texte source : les poids agissent sur la
concaténation ``[h_{t−1}, x_t]`` (h d'abord), donc chaque matrice ``W`` a la
forme ``(H, H + I)`` où ``H`` est la taille de l'état caché et ``I`` celle de
l'entrée. Toutes les fonctions acceptent un vecteur (forme ``(H,)``) ou un lot
(forme ``(B, H)``), en float32 ou float64, et conservent le dtype.

Les six étapes d'un pas de temps :

1. ``f_t = σ(W_f · [h_{t−1}, x_t] + b_f)``  ← quoi oublier ?  (:func:`forget_gate`)
2. ``i_t = σ(W_i · [h_{t−1}, x_t] + b_i)``  ← quoi ajouter ?  (:func:`input_gate`)
3. ``ĉ_t = tanh(W_c · [h_{t−1}, x_t] + b_c)`` ← valeur à ajouter (:func:`candidate`)
4. ``c_t = f_t ⊙ c_{t−1} + i_t ⊙ ĉ_t``      ← mémoire mise à jour (:func:`update_memory`)
5. ``o_t = σ(W_o · [h_{t−1}, x_t] + b_o)``  ← quoi sortir ?  (:func:`output_gate`)
6. ``h_t = o_t ⊙ tanh(c_t)``                ← sortie (:func:`hidden_output`)

:func:`lstm_step` enchaîne les six et rend chaque intermédiaire.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from ._checks import (
    as_float_array,
    check_last_dim,
    check_ndim,
    check_positive_int,
    check_dtype_arg,
    check_real,
    check_seed,
    common_dtype,
)

__all__ = [
    "sigmoid",
    "tanh",
    "concat_inputs",
    "forget_gate",
    "input_gate",
    "candidate",
    "output_gate",
    "update_memory",
    "hidden_output",
    "LSTMParams",
    "StepRecord",
    "lstm_step",
]


# --------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------

def sigmoid(z):
    """Sigmoïde logistique ``σ(z) = 1 / (1 + e^{−z})``, à valeurs dans ]0, 1[.

    Calculée sous la forme ``σ(z) = ½ (1 + tanh(z / 2))``, identique
    mathématiquement mais sans jamais évaluer ``e^{−z}`` : aucun
    dépassement de capacité, même pour ``|z| = 10⁴``.
    """
    z = as_float_array(z, "z", "sigmoid")
    return _sigmoid(z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # Chemin interne, sans vérification : z est déjà un tableau flottant fini.
    out = np.tanh(z * 0.5)
    out *= 0.5
    out += 0.5
    return out


def tanh(z):
    """Tangente hyperbolique ``tanh(z) = (e^{z} − e^{−z}) / (e^{z} + e^{−z})``, à valeurs dans ]−1, 1[.

    ``np.tanh`` est stable pour tout ``z`` fini (il sature à ±1).
    """
    z = as_float_array(z, "z", "tanh")
    return np.tanh(z)


# --------------------------------------------------------------------------
# Les portes
# --------------------------------------------------------------------------

def concat_inputs(h_prev, x_t):
    """La concaténation ``[h_{t−1}, x_t]`` (h d'abord, comme dans le texte).

    ``h_prev`` de forme ``(H,)`` ou ``(B, H)`` et ``x_t`` de forme ``(I,)`` ou
    ``(B, I)`` donnent un tableau de forme ``(H + I,)`` ou ``(B, H + I)``.
    """
    h_prev, x_t = _check_h_x(h_prev, x_t, "concat_inputs")
    return np.concatenate([h_prev, x_t], axis=-1)


def _check_h_x(h_prev, x_t, where):
    h_prev = as_float_array(h_prev, "h_prev", where)
    x_t = as_float_array(x_t, "x_t", where)
    check_ndim(h_prev, (1, 2), "h_prev", where, "(H,) ou (B, H)")
    check_ndim(x_t, (1, 2), "x_t", where, "(I,) ou (B, I)")
    if h_prev.ndim != x_t.ndim or (h_prev.ndim == 2 and h_prev.shape[0] != x_t.shape[0]):
        raise ValueError(
            f"{where} : « h_prev » et « x_t » doivent être tous deux des vecteurs, ou "
            f"deux lots de même taille B ; reçu h_prev de forme {h_prev.shape} et "
            f"x_t de forme {x_t.shape}."
        )
    return h_prev, x_t


def _preactivation(h_prev, x_t, W, b, where):
    """``W · [h_{t−1}, x_t] + b``, après vérification des formes."""
    h_prev, x_t = _check_h_x(h_prev, x_t, where)
    W = as_float_array(W, "W", where)
    b = as_float_array(b, "b", where)
    H, I = h_prev.shape[-1], x_t.shape[-1]
    if W.shape != (H, H + I):
        raise ValueError(
            f"{where} : « W » doit avoir la forme (H, H + I) = ({H}, {H + I}) pour "
            f"h_prev de taille H = {H} et x_t de taille I = {I} ; reçu la forme {W.shape}."
        )
    if b.shape != (H,):
        raise ValueError(
            f"{where} : « b » doit avoir la forme (H,) = ({H},), reçu la forme {b.shape}."
        )
    dtype = common_dtype(h_prev, x_t, W, b)
    hx = np.concatenate([h_prev, x_t], axis=-1).astype(dtype, copy=False)
    return hx @ W.T.astype(dtype, copy=False) + b.astype(dtype, copy=False)


def forget_gate(h_prev, x_t, W, b):
    """Porte d'oubli : ``f_t = σ(W_f · [h_{t−1}, x_t] + b_f)``.

    Chaque composante, entre 0 et 1, dit quelle part de la mémoire
    ``c_{t−1}`` est gardée : ``f_t ≈ 1`` garde, ``f_t ≈ 0`` oublie.
    """
    return _sigmoid(_preactivation(h_prev, x_t, W, b, "forget_gate"))


def input_gate(h_prev, x_t, W, b):
    """Porte d'entrée : ``i_t = σ(W_i · [h_{t−1}, x_t] + b_i)``.

    Chaque composante, entre 0 et 1, dit dans quelle mesure la dimension
    correspondante de la mémoire reçoit le candidat ``ĉ_t`` (les « tiroirs »).
    """
    return _sigmoid(_preactivation(h_prev, x_t, W, b, "input_gate"))


def candidate(h_prev, x_t, W, b):
    """Candidat : ``ĉ_t = tanh(W_c · [h_{t−1}, x_t] + b_c)``.

    La nouvelle information proposée pour la mémoire, entre −1 et 1.
    """
    return np.tanh(_preactivation(h_prev, x_t, W, b, "candidate"))


def output_gate(h_prev, x_t, W, b):
    """Porte de sortie : ``o_t = σ(W_o · [h_{t−1}, x_t] + b_o)``.

    Chaque composante, entre 0 et 1, dit quelle part de ``tanh(c_t)`` sort
    dans ``h_t``.
    """
    return _sigmoid(_preactivation(h_prev, x_t, W, b, "output_gate"))


def _same_shape(where, **arrays):
    checked = {k: as_float_array(v, k, where) for k, v in arrays.items()}
    shapes = {k: v.shape for k, v in checked.items()}
    if len(set(shapes.values())) != 1:
        detail = ", ".join(f"{k} {s}" for k, s in shapes.items())
        raise ValueError(
            f"{where} : tous les arguments doivent avoir la même forme ; reçu {detail}."
        )
    dtype = common_dtype(*checked.values())
    return [v.astype(dtype, copy=False) for v in checked.values()]


def update_memory(f, c_prev, i, c_hat):
    """Mise à jour de la mémoire : ``c_t = f_t ⊙ c_{t−1} + i_t ⊙ ĉ_t``.

    La part du passé qu'on garde (``f_t ⊙ c_{t−1}``) plus la part du présent
    qu'on ajoute (``i_t ⊙ ĉ_t``) ; ``⊙`` est le produit composante par
    composante. Les quatre arguments ont la même forme.
    """
    f, c_prev, i, c_hat = _same_shape("update_memory", f=f, c_prev=c_prev, i=i, c_hat=c_hat)
    return f * c_prev + i * c_hat


def hidden_output(o, c):
    """Sortie : ``h_t = o_t ⊙ tanh(c_t)``.

    La porte de sortie ``o_t`` choisit quelle part de la mémoire, écrasée
    dans ]−1, 1[ par ``tanh``, devient visible.
    """
    o, c = _same_shape("hidden_output", o=o, c=c)
    return o * np.tanh(c)


# --------------------------------------------------------------------------
# Les paramètres d'une cellule
# --------------------------------------------------------------------------

_GATES = ("f", "i", "c", "o")


@dataclass
class LSTMParams:
    """Les poids d'une cellule LSTM, au format du livre.

    Chaque ``W_g`` a la forme ``(H, H + I)`` et agit sur ``[h_{t−1}, x_t]`` ;
    chaque ``b_g`` a la forme ``(H,)``. ``g`` vaut ``f`` (oubli), ``i``
    (entrée), ``c`` (candidat ĉ) ou ``o`` (sortie). Tous les tableaux ont le
    même dtype (float32 ou float64).
    """

    W_f: np.ndarray
    b_f: np.ndarray
    W_i: np.ndarray
    b_i: np.ndarray
    W_c: np.ndarray
    b_c: np.ndarray
    W_o: np.ndarray
    b_o: np.ndarray

    def __post_init__(self):
        where = "LSTMParams"
        arrays = {fl.name: as_float_array(getattr(self, fl.name), fl.name, where) for fl in fields(self)}
        W_f = arrays["W_f"]
        check_ndim(W_f, (2,), "W_f", where, "(H, H + I)")
        H, HI = W_f.shape
        if HI <= H:
            raise ValueError(
                f"{where} : « W_f » doit avoir la forme (H, H + I) avec I ≥ 1, "
                f"reçu la forme {W_f.shape}."
            )
        dtype = common_dtype(*arrays.values())
        for g in _GATES:
            if arrays[f"W_{g}"].shape != (H, HI):
                raise ValueError(
                    f"{where} : « W_{g} » doit avoir la même forme que W_f, {(H, HI)}, "
                    f"reçu la forme {arrays[f'W_{g}'].shape}."
                )
            if arrays[f"b_{g}"].shape != (H,):
                raise ValueError(
                    f"{where} : « b_{g} » doit avoir la forme (H,) = ({H},), "
                    f"reçu la forme {arrays[f'b_{g}'].shape}."
                )
        for name, arr in arrays.items():
            object.__setattr__(self, name, arr.astype(dtype, copy=False))

    @property
    def hidden_size(self) -> int:
        """``H``, la taille de l'état caché et de la mémoire."""
        return self.W_f.shape[0]

    @property
    def input_size(self) -> int:
        """``I``, la taille de l'entrée ``x_t``."""
        return self.W_f.shape[1] - self.W_f.shape[0]

    @property
    def dtype(self) -> np.dtype:
        return self.W_f.dtype

    @classmethod
    def random(cls, input_size: int, hidden_size: int, *, seed: int = 0,
               forget_bias: float = 0.0, dtype=np.float64) -> "LSTMParams":
        """Des poids tirés au hasard, de façon reproductible.

        Comme PyTorch, chaque poids et chaque biais suit la loi uniforme sur
        ``[−1/√H, 1/√H]`` ; ``forget_bias`` est ensuite **ajouté** à ``b_f``.
        Jozefowicz et al. (2015) recommandent 1.0 : ``σ(1) ≈ 0,73``, une
        demi-vie de la mémoire d'environ 2,2 pas au lieu de 1 pour ``σ(0) = 0,5``,
        un coup de pouce plutôt qu'une mémoire longue. Pour des dépendances de
        ``T`` pas, l'initialisation « chrono » de Tallec et Ollivier (2018)
        tire ``b_f`` dans ``log U(1, T − 1)`` (et ``b_i = −b_f``).
        """
        where = "LSTMParams.random"
        I = check_positive_int(input_size, "input_size", where)
        H = check_positive_int(hidden_size, "hidden_size", where)
        forget_bias = check_real(forget_bias, "forget_bias", where)
        dtype = check_dtype_arg(dtype, where)
        rng = np.random.default_rng(check_seed(seed, where))
        k = 1.0 / np.sqrt(H)
        values = {}
        for g in _GATES:
            values[f"W_{g}"] = rng.uniform(-k, k, size=(H, H + I))
            values[f"b_{g}"] = rng.uniform(-k, k, size=(H,))
        values["b_f"] = values["b_f"] + forget_bias
        return cls(**{name: v.astype(dtype) for name, v in values.items()})

    def astype(self, dtype) -> "LSTMParams":
        """Une copie des paramètres dans un autre dtype (float32 ou float64)."""
        dtype = check_dtype_arg(dtype, "LSTMParams.astype")
        return LSTMParams(**{fl.name: getattr(self, fl.name).astype(dtype) for fl in fields(self)})

    def stacked(self) -> tuple[np.ndarray, np.ndarray]:
        """Les quatre portes empilées : ``W`` de forme ``(4H, H + I)`` et ``b`` de forme ``(4H,)``,
        dans l'ordre f, i, c, o (celui du livre ; PyTorch utilise i, f, g, o)."""
        W = np.concatenate([getattr(self, f"W_{g}") for g in _GATES], axis=0)
        b = np.concatenate([getattr(self, f"b_{g}") for g in _GATES], axis=0)
        return W, b

    def n_parameters(self) -> int:
        """Nombre de paramètres : ``4 · (H · (H + I) + H)``."""
        return sum(getattr(self, fl.name).size for fl in fields(self))


# --------------------------------------------------------------------------
# Un pas complet
# --------------------------------------------------------------------------

_STEP_LABELS = {
    "f": "1. f_t = σ(W_f · [h_{t−1}, x_t] + b_f)   ← quoi oublier ?",
    "i": "2. i_t = σ(W_i · [h_{t−1}, x_t] + b_i)   ← quoi ajouter ?",
    "c_hat": "3. ĉ_t = tanh(W_c · [h_{t−1}, x_t] + b_c) ← valeur à ajouter",
    "c": "4. c_t = f_t ⊙ c_{t−1} + i_t ⊙ ĉ_t       ← mémoire mise à jour",
    "o": "5. o_t = σ(W_o · [h_{t−1}, x_t] + b_o)   ← quoi sortir ?",
    "h": "6. h_t = o_t ⊙ tanh(c_t)                 ← sortie",
}


@dataclass(frozen=True)
class StepRecord:
    """Tous les intermédiaires d'un pas de temps : ``f, i, c_hat, c, o, h``.

    ``print(record)`` affiche les six étapes du résumé, dans l'ordre.
    :func:`lstm_step` y range aussi les entrées du pas, ``x_t``, ``h_prev``
    et ``c_prev`` : la rétropropagation en a besoin
    (:func:`lstm_lib.backward.lstm_step_backward`).
    """

    f: np.ndarray
    i: np.ndarray
    c_hat: np.ndarray
    c: np.ndarray
    o: np.ndarray
    h: np.ndarray
    x_t: np.ndarray | None = None
    h_prev: np.ndarray | None = None
    c_prev: np.ndarray | None = None

    def __str__(self) -> str:
        with np.printoptions(precision=4, suppress=True):
            lines = [f"{_STEP_LABELS[name]}\n   = {getattr(self, name)}" for name in _STEP_LABELS]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in _STEP_LABELS}


def check_params(params, where: str) -> "LSTMParams":
    if not isinstance(params, LSTMParams):
        raise TypeError(
            f"{where} : « params » doit être un LSTMParams, reçu un objet de type "
            f"{type(params).__name__}. Créez-en un avec LSTMParams.random(input_size, hidden_size)."
        )
    return params


def check_state(state, name: str, batch: int | None, H: int, where: str) -> np.ndarray:
    """Vérifie un état ``h`` ou ``c`` : ``(H,)`` sans lot, ``(B, H)`` avec."""
    state = as_float_array(state, name, where)
    expected = (H,) if batch is None else (batch, H)
    if state.shape != expected:
        raise ValueError(
            f"{where} : « {name} » doit avoir la forme {expected} "
            f"(taille cachée H = {H}{'' if batch is None else f', lot B = {batch}'}), "
            f"reçu la forme {state.shape}."
        )
    return state


def lstm_step(x_t, h_prev, c_prev, params: LSTMParams) -> StepRecord:
    """Un pas de temps complet : les six équations, dans l'ordre du résumé.

    ``x_t`` de forme ``(I,)`` ou ``(B, I)`` ; ``h_prev`` et ``c_prev`` de forme
    ``(H,)`` ou ``(B, H)``. Rend un :class:`StepRecord` qui contient
    ``f, i, c_hat, c, o, h`` ; ``record.h`` et ``record.c`` sont le nouvel état.
    """
    where = "lstm_step"
    params = check_params(params, where)
    x_t = as_float_array(x_t, "x_t", where)
    check_ndim(x_t, (1, 2), "x_t", where, "(I,) ou (B, I)")
    check_last_dim(x_t, params.input_size, "x_t", where, "la taille d'entrée I des paramètres")
    batch = x_t.shape[0] if x_t.ndim == 2 else None
    H = params.hidden_size
    h_prev = check_state(h_prev, "h_prev", batch, H, where)
    c_prev = check_state(c_prev, "c_prev", batch, H, where)
    f = forget_gate(h_prev, x_t, params.W_f, params.b_f)
    i = input_gate(h_prev, x_t, params.W_i, params.b_i)
    c_hat = candidate(h_prev, x_t, params.W_c, params.b_c)
    c = update_memory(f, c_prev, i, c_hat)
    o = output_gate(h_prev, x_t, params.W_o, params.b_o)
    h = hidden_output(o, c)
    dtype = h.dtype
    return StepRecord(f=f, i=i, c_hat=c_hat, c=c, o=o, h=h, x_t=x_t.astype(dtype, copy=False),
                      h_prev=h_prev.astype(dtype, copy=False), c_prev=c_prev.astype(dtype, copy=False))
