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

:func:`lstm_loop` écrit les six dans le corps d'une boucle sur le temps (le chapitre 3
l'affiche) ; :func:`lstm_step` en fait un seul pas et rend chaque intermédiaire. Chaque
fonction publique vérifie ses entrées une fois, à sa première ligne (messages en français,
:mod:`lstm_lib._checks`) ; les appels internes ne vérifient plus rien.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
import numpy as np

from ._checks import (
    as_float_array,
    check_dtype_arg,
    check_input,
    check_ndim,
    check_params,
    check_positive_int,
    check_real,
    check_seed,
    check_state,
)

__all__ = [
    "QUANTITIES",
    "sigmoid",
    "tanh",
    "concat_inputs",
    "forget_gate",
    "input_gate",
    "candidate",
    "output_gate",
    "update_memory",
    "hidden_output",
    "CellParams",
    "LSTMParams",
    "Quantities",
    "StepRecord",
    "LSTMTrace",
    "lstm_loop",
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


def gate_inputs(where, h_prev, x_t, W, **biases):
    """Vérifie les entrées d'une porte : ``h_prev``, ``x_t``, ``W`` de forme ``(H, H + I)``, biais ``(H,)``.

    Rend ``h_prev, x_t, W`` puis les biais, dans l'ordre donné, tous dans le même dtype.
    """
    h_prev, x_t = _check_h_x(h_prev, x_t, where)
    W = as_float_array(W, "W", where)
    H, I = h_prev.shape[-1], x_t.shape[-1]
    if W.shape != (H, H + I):
        raise ValueError(
            f"{where} : « W » doit avoir la forme (H, H + I) = ({H}, {H + I}) pour "
            f"h_prev de taille H = {H} et x_t de taille I = {I} ; reçu la forme {W.shape}."
        )
    checked = []
    for name, b in biases.items():
        b = as_float_array(b, name, where)
        if b.shape != (H,):
            raise ValueError(
                f"{where} : « {name} » doit avoir la forme (H,) = ({H},), reçu la forme {b.shape}."
            )
        checked.append(b)
    dtype = np.result_type(h_prev, x_t, W, *checked)
    return [a.astype(dtype, copy=False) for a in (h_prev, x_t, W, *checked)]


def forget_gate(h_prev, x_t, W, b):
    """Porte d'oubli : ``f_t = σ(W_f · [h_{t−1}, x_t] + b_f)``.

    Chaque composante, entre 0 et 1, dit quelle part de la mémoire
    ``c_{t−1}`` est gardée : ``f_t ≈ 1`` garde, ``f_t ≈ 0`` oublie.
    """
    h_prev, x_t, W, b = gate_inputs("forget_gate", h_prev, x_t, W, b=b)
    return _sigmoid(np.concatenate([h_prev, x_t], axis=-1) @ W.T + b)


def input_gate(h_prev, x_t, W, b):
    """Porte d'entrée : ``i_t = σ(W_i · [h_{t−1}, x_t] + b_i)``.

    Chaque composante, entre 0 et 1, dit dans quelle mesure la dimension
    correspondante de la mémoire reçoit le candidat ``ĉ_t`` (les « tiroirs »).
    """
    h_prev, x_t, W, b = gate_inputs("input_gate", h_prev, x_t, W, b=b)
    return _sigmoid(np.concatenate([h_prev, x_t], axis=-1) @ W.T + b)


def candidate(h_prev, x_t, W, b):
    """Candidat : ``ĉ_t = tanh(W_c · [h_{t−1}, x_t] + b_c)``.

    La nouvelle information proposée pour la mémoire, entre −1 et 1.
    """
    h_prev, x_t, W, b = gate_inputs("candidate", h_prev, x_t, W, b=b)
    return np.tanh(np.concatenate([h_prev, x_t], axis=-1) @ W.T + b)


def output_gate(h_prev, x_t, W, b):
    """Porte de sortie : ``o_t = σ(W_o · [h_{t−1}, x_t] + b_o)``.

    Chaque composante, entre 0 et 1, dit quelle part de ``tanh(c_t)`` sort
    dans ``h_t``.
    """
    h_prev, x_t, W, b = gate_inputs("output_gate", h_prev, x_t, W, b=b)
    return _sigmoid(np.concatenate([h_prev, x_t], axis=-1) @ W.T + b)


def _same_shape(where, **arrays):
    checked = {k: as_float_array(v, k, where) for k, v in arrays.items()}
    shapes = {k: v.shape for k, v in checked.items()}
    if len(set(shapes.values())) != 1:
        detail = ", ".join(f"{k} {s}" for k, s in shapes.items())
        raise ValueError(
            f"{where} : tous les arguments doivent avoir la même forme ; reçu {detail}."
        )
    dtype = np.result_type(*checked.values())
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
class CellParams:
    """Ce que partagent les poids des cellules du livre (LSTM, GRU, RNN simple).

    Chaque champ ``W…`` est une matrice ``(H, H + I)`` qui agit sur ``[h_{t−1}, x_t]``,
    chaque champ ``b…`` un biais ``(H,)`` ; le premier champ (``W_f``, ``W_r`` ou ``W``)
    donne ``H`` et ``I``. Les tableaux sont vérifiés à la construction et ramenés à un même
    dtype (float32 ou float64).
    """

    def __post_init__(self):
        where = type(self).__name__
        arrays = {fl.name: as_float_array(getattr(self, fl.name), fl.name, where) for fl in fields(self)}
        ref = fields(self)[0].name
        check_ndim(arrays[ref], (2,), ref, where, "(H, H + I)")
        H, HI = arrays[ref].shape
        if HI <= H:
            raise ValueError(
                f"{where} : « {ref} » doit avoir la forme (H, H + I) avec I ≥ 1, "
                f"reçu la forme {arrays[ref].shape}."
            )
        for name, arr in arrays.items():
            if name.startswith("W") and arr.shape != (H, HI):
                raise ValueError(
                    f"{where} : « {name} » doit avoir la même forme que {ref}, {(H, HI)}, "
                    f"reçu la forme {arr.shape}."
                )
            if name.startswith("b") and arr.shape != (H,):
                raise ValueError(
                    f"{where} : « {name} » doit avoir la forme (H,) = ({H},), reçu la forme {arr.shape}."
                )
        dtype = np.result_type(*arrays.values())
        for name, arr in arrays.items():
            object.__setattr__(self, name, arr.astype(dtype, copy=False))

    @property
    def hidden_size(self) -> int:
        """``H``, la taille de l'état caché (et de la mémoire d'un LSTM)."""
        return getattr(self, fields(self)[0].name).shape[0]

    @property
    def input_size(self) -> int:
        """``I``, la taille de l'entrée ``x_t``."""
        W = getattr(self, fields(self)[0].name)
        return W.shape[1] - W.shape[0]

    @property
    def dtype(self) -> np.dtype:
        return getattr(self, fields(self)[0].name).dtype

    def astype(self, dtype):
        """Une copie des paramètres dans un autre dtype (float32 ou float64)."""
        dtype = check_dtype_arg(dtype, f"{type(self).__name__}.astype")
        return type(self)(**{fl.name: getattr(self, fl.name).astype(dtype) for fl in fields(self)})

    def n_parameters(self) -> int:
        """Nombre de paramètres au format du livre (les éléments de tous les tableaux)."""
        return sum(getattr(self, fl.name).size for fl in fields(self))

    @classmethod
    def _uniform(cls, input_size, hidden_size, seed, dtype):
        """L'initialisation de PyTorch, pour chaque champ dans l'ordre : la loi uniforme sur ``[−1/√H, 1/√H]``.

        Vérifie les arguments de ``random`` et rend ``(tableaux en float64, dtype demandé)``.
        """
        where = f"{cls.__name__}.random"
        I = check_positive_int(input_size, "input_size", where)
        H = check_positive_int(hidden_size, "hidden_size", where)
        dtype = check_dtype_arg(dtype, where)
        rng = np.random.default_rng(check_seed(seed, where))
        k = 1.0 / np.sqrt(H)
        return {fl.name: rng.uniform(-k, k, size=(H, H + I) if fl.name.startswith("W") else (H,))
                for fl in fields(cls)}, dtype


@dataclass
class LSTMParams(CellParams):
    """Les poids d'une cellule LSTM, au format du livre.

    Chaque ``W_g`` a la forme ``(H, H + I)`` et agit sur ``[h_{t−1}, x_t]`` ;
    chaque ``b_g`` a la forme ``(H,)``. ``g`` vaut ``f`` (oubli), ``i``
    (entrée), ``c`` (candidat ĉ) ou ``o`` (sortie). Tous les tableaux ont le
    même dtype (float32 ou float64). ``n_parameters()`` vaut ``4 · (H · (H + I) + H)``.
    """

    W_f: np.ndarray
    b_f: np.ndarray
    W_i: np.ndarray
    b_i: np.ndarray
    W_c: np.ndarray
    b_c: np.ndarray
    W_o: np.ndarray
    b_o: np.ndarray

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
        values, dtype = cls._uniform(input_size, hidden_size, seed, dtype)
        values["b_f"] = values["b_f"] + check_real(forget_bias, "forget_bias", "LSTMParams.random")
        return cls(**{name: v.astype(dtype) for name, v in values.items()})

    def stacked(self, gates: str = "fico") -> tuple[np.ndarray, np.ndarray]:
        """Les quatre portes empilées : ``W`` de forme ``(4H, H + I)`` et ``b`` de forme ``(4H,)``.

        Dans l'ordre ``gates`` : f, i, c, o par défaut (celui du livre ; la rétropropagation
        s'en sert), f, i, o, c pour le chemin rapide (les trois sigmoïdes d'abord). L'ordre de
        PyTorch (i, f, g, o) est l'affaire de :mod:`lstm_lib.torch_bridge`.
        """
        W = np.concatenate([getattr(self, f"W_{g}") for g in gates], axis=0)
        b = np.concatenate([getattr(self, f"b_{g}") for g in gates], axis=0)
        return W, b


# --------------------------------------------------------------------------
# Les six grandeurs d'un pas
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Quantities:
    """Les six grandeurs d'un pas de LSTM, dans l'ordre des équations : ``f, i, c_hat, c, o, h``.

    La seule liste de ces noms dans la bibliothèque (:data:`QUANTITIES` en est la copie en
    tuple) : :class:`StepRecord` (un pas), :class:`~lstm_lib.sequences.LSTMTrace` (une
    séquence), les figures et le schéma de la cellule la lisent ici.
    """

    f: np.ndarray
    i: np.ndarray
    c_hat: np.ndarray
    c: np.ndarray
    o: np.ndarray
    h: np.ndarray

    def as_dict(self) -> dict[str, np.ndarray]:
        """Les six grandeurs, dans l'ordre des équations."""
        return {name: getattr(self, name) for name in QUANTITIES}


QUANTITIES = tuple(fl.name for fl in fields(Quantities))
"""``("f", "i", "c_hat", "c", "o", "h")`` : les noms des six grandeurs d'un pas, dans l'ordre."""

_STEP_LABELS = dict(zip(QUANTITIES, (
    "1. f_t = σ(W_f · [h_{t−1}, x_t] + b_f)   ← quoi oublier ?",
    "2. i_t = σ(W_i · [h_{t−1}, x_t] + b_i)   ← quoi ajouter ?",
    "3. ĉ_t = tanh(W_c · [h_{t−1}, x_t] + b_c) ← valeur à ajouter",
    "4. c_t = f_t ⊙ c_{t−1} + i_t ⊙ ĉ_t       ← mémoire mise à jour",
    "5. o_t = σ(W_o · [h_{t−1}, x_t] + b_o)   ← quoi sortir ?",
    "6. h_t = o_t ⊙ tanh(c_t)                 ← sortie",
)))


@dataclass(frozen=True)
class StepRecord(Quantities):
    """Tous les intermédiaires d'un pas de temps : ``f, i, c_hat, c, o, h``.

    ``print(record)`` affiche les six étapes du résumé, dans l'ordre.
    :func:`lstm_step` y range aussi les entrées du pas, ``x_t``, ``h_prev``
    et ``c_prev`` : la rétropropagation en a besoin
    (:func:`lstm_lib.backward.lstm_step_backward`).
    """

    x_t: np.ndarray | None = None
    h_prev: np.ndarray | None = None
    c_prev: np.ndarray | None = None

    def __str__(self) -> str:
        with np.printoptions(precision=4, suppress=True):
            lines = [f"{_STEP_LABELS[name]}\n   = {getattr(self, name)}" for name in QUANTITIES]
        return "\n".join(lines)


# --------------------------------------------------------------------------
# Un pas complet
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class LSTMTrace(Quantities):
    """Chaque intermédiaire à chaque pas de temps.

    Chaque champ (``f, i, c_hat, c, o, h``) a la forme ``(T, H)`` pour une
    entrée ``(T, I)``, ou ``(B, T, H)`` pour un lot ``(B, T, I)`` : l'axe du
    temps est toujours l'avant-dernier.
    """


def lstm_loop(x, p: LSTMParams, h, c):
    """La boucle du livre : les six équations à chaque pas de temps, sans aucune vérification.

    ``x`` de forme ``(T, I)`` ou ``(B, T, I)``, ``h`` et ``c`` l'état de départ, tout
    dans le dtype de ``p`` (:func:`~lstm_lib.sequences.lstm_forward_explicit` et
    :func:`lstm_step` vérifient les entrées, puis l'appellent). Rend ``(trace, (h_T, c_T))``.
    """
    steps = []
    for t in range(x.shape[-2]):
        hx = np.concatenate([h, x[..., t, :]], axis=-1)  # [h_{t−1}, x_t]
        f = _sigmoid(hx @ p.W_f.T + p.b_f)              # 1. quoi oublier ?
        i = _sigmoid(hx @ p.W_i.T + p.b_i)              # 2. quoi ajouter ?
        c_hat = np.tanh(hx @ p.W_c.T + p.b_c)           # 3. valeur à ajouter
        c = f * c + i * c_hat                           # 4. mémoire mise à jour
        o = _sigmoid(hx @ p.W_o.T + p.b_o)              # 5. quoi sortir ?
        h = o * np.tanh(c)                              # 6. sortie
        steps.append((f, i, c_hat, c, o, h))
    trace = LSTMTrace(*(np.stack(q, axis=-2) for q in zip(*steps)))
    return trace, (h, c)


def lstm_step(x_t, h_prev, c_prev, params: LSTMParams) -> StepRecord:
    """Un pas de temps complet : les six équations, dans l'ordre du résumé.

    ``x_t`` de forme ``(I,)`` ou ``(B, I)`` ; ``h_prev`` et ``c_prev`` de forme
    ``(H,)`` ou ``(B, H)``. Rend un :class:`StepRecord` qui contient
    ``f, i, c_hat, c, o, h`` ; ``record.h`` et ``record.c`` sont le nouvel état.
    Un pas, c'est une séquence d'un pas : le calcul est celui de :func:`lstm_loop`.
    """
    x_t, h_prev, c_prev, params = _check_step(x_t, h_prev, c_prev, params, "lstm_step")
    trace, _ = lstm_loop(x_t[..., None, :], params, h_prev, c_prev)
    return StepRecord(*(v[..., 0, :] for v in trace.as_dict().values()), x_t=x_t, h_prev=h_prev, c_prev=c_prev)


def _check_step(x_t, h_prev, c_prev, params, where):
    """Les entrées d'un pas, vérifiées une fois et ramenées au même dtype."""
    params = check_params(params, LSTMParams, where)
    x_t = check_input(x_t, params, "x_t", (1, 2), "(I,) ou (B, I)", where)
    batch = x_t.shape[0] if x_t.ndim == 2 else None
    h_prev = check_state(h_prev, "h_prev", batch, params.hidden_size, where)
    c_prev = check_state(c_prev, "c_prev", batch, params.hidden_size, where)
    dtype = np.result_type(x_t, h_prev, c_prev, np.empty(0, params.dtype))
    if params.dtype != dtype:
        params = params.astype(dtype)
    return (*(a.astype(dtype, copy=False) for a in (x_t, h_prev, c_prev)), params)
