"""Vérification des entrées : chaque fonction publique passe par ici, une fois, à sa première ligne.

Les appels internes (d'une fonction de la bibliothèque à une autre) ne vérifient plus rien :
les tableaux y sont déjà propres.

Le but est pédagogique : une entrée mal formée doit produire une erreur en
français qui dit ce qui était attendu et ce qui est arrivé (forme, type,
NaN…), jamais une trace de diffusion (*broadcasting*) numpy incompréhensible,
ni un résultat faux en silence.
"""

from __future__ import annotations

import numbers

import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def _describe(value) -> str:
    """Décrit brièvement une valeur reçue (type, forme, dtype)."""
    if isinstance(value, np.ndarray):
        return f"un tableau numpy de forme {value.shape} et de dtype {value.dtype}"
    return f"un objet de type {type(value).__name__}"


def as_float_array(value, name: str, where: str) -> np.ndarray:
    """Convertit ``value`` en tableau flottant (float32 ou float64), fini.

    - float32 et float64 sont conservés tels quels ;
    - les entiers et les listes de nombres deviennent float64 ;
    - booléens, complexes, chaînes et objets sont refusés (TypeError) ;
    - NaN et infinis sont refusés (ValueError).
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(
            f"{where} : « {name} » doit être un tableau de nombres réels, "
            f"reçu {_describe(value)}."
        )
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        raise TypeError(
            f"{where} : « {name} » est un tenseur PyTorch ; lstm_lib travaille en numpy. "
            f"Convertissez-le avec {name}.detach().cpu().numpy()."
        )
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:  # listes irrégulières, objets exotiques
        raise TypeError(
            f"{where} : « {name} » doit être un tableau de nombres réels de forme "
            f"régulière, reçu {_describe(value)} ({exc})."
        ) from None
    if arr.dtype == object:
        raise TypeError(
            f"{where} : « {name} » doit être un tableau de nombres réels de forme "
            f"régulière, reçu un tableau d'objets (liste irrégulière ?)."
        )
    if arr.dtype.kind == "b":
        raise TypeError(
            f"{where} : « {name} » doit contenir des nombres réels, reçu des booléens "
            f"(dtype {arr.dtype})."
        )
    if arr.dtype.kind in "iu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind == "f":
        if arr.dtype not in FLOAT_DTYPES:
            arr = arr.astype(np.float64)
    else:
        raise TypeError(
            f"{where} : « {name} » doit contenir des nombres réels (float32 ou float64), "
            f"reçu le dtype {arr.dtype}."
        )
    if not np.all(np.isfinite(arr)):
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(np.isinf(arr).sum())
        raise ValueError(
            f"{where} : « {name} » contient des valeurs non finies "
            f"({n_nan} NaN, {n_inf} infini(s)) ; attendu uniquement des nombres finis."
        )
    return arr


def check_ndim(arr: np.ndarray, allowed: tuple[int, ...], name: str, where: str, meaning: str) -> None:
    """Vérifie le nombre de dimensions ; ``meaning`` décrit les formes admises."""
    if arr.ndim not in allowed:
        raise ValueError(
            f"{where} : « {name} » doit être de forme {meaning}, "
            f"reçu la forme {arr.shape} ({arr.ndim} dimension(s))."
        )


def check_positive_int(value, name: str, where: str, minimum: int = 1) -> int:
    """Vérifie un entier ≥ ``minimum`` (les booléens sont refusés)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where} : « {name} » doit être un entier, reçu {_describe(value)}.")
    if value < minimum:
        raise ValueError(f"{where} : « {name} » doit être un entier ≥ {minimum}, reçu {value}.")
    return int(value)


def check_real(value, name: str, where: str) -> float:
    """Vérifie un nombre réel fini (les booléens sont refusés)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where} : « {name} » doit être un nombre réel, reçu {_describe(value)}.")
    if not np.isfinite(value):
        raise ValueError(f"{where} : « {name} » doit être un nombre fini, reçu {value}.")
    return float(value)


def check_int_range(value, name: str, where: str, minimum: int, maximum: int) -> tuple[int, int]:
    """Un entier ``k`` ou un couple ``(lo, hi)`` (bornes incluses) dans ``[minimum, maximum]``.

    Rend toujours un couple ``(lo, hi)`` ; un entier ``k`` donne ``(k, k)``.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        lo = hi = int(value)
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value
    ):
        lo, hi = int(value[0]), int(value[1])
    else:
        raise TypeError(
            f"{where} : « {name} » doit être un entier ou un couple d'entiers (lo, hi), "
            f"reçu {value!r}."
        )
    if lo > hi:
        raise ValueError(
            f"{where} : « {name} » = ({lo}, {hi}) : la borne basse doit être ≤ la borne haute."
        )
    if lo < minimum or hi > maximum:
        raise ValueError(
            f"{where} : « {name} » doit rester entre {minimum} et {maximum} (bornes incluses), "
            f"reçu {value!r}."
        )
    return lo, hi


def check_unit_interval(arr: np.ndarray, name: str, where: str, *, open_low: bool = False,
                        open_high: bool = False) -> None:
    """Vérifie que toutes les valeurs sont dans [0, 1] (bornes ouvertes sur demande)."""
    low_ok = arr > 0 if open_low else arr >= 0
    high_ok = arr < 1 if open_high else arr <= 1
    if not np.all(low_ok & high_ok):
        interval = ("]" if open_low else "[") + "0, 1" + ("[" if open_high else "]")
        bad = arr[~(low_ok & high_ok)].ravel()[0]
        raise ValueError(
            f"{where} : « {name} » doit être dans {interval}, reçu par exemple la valeur {bad}."
        )


def check_dtype_arg(dtype, where: str) -> np.dtype:
    """Un argument ``dtype`` : float32 ou float64 seulement."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{where} : « dtype » doit être float32 ou float64, reçu {dtype!r}.") from None
    if dt not in FLOAT_DTYPES:
        raise TypeError(f"{where} : « dtype » doit être float32 ou float64, reçu {dt}.")
    return dt


def check_seed(seed, where: str) -> int:
    """Une graine : un entier ≥ 0 (les booléens sont refusés)."""
    return check_positive_int(seed, "seed", where, minimum=0)


def check_params(params, cls, where: str):
    """``params`` doit être une instance de ``cls`` (LSTMParams, RNNParams, GRUParams)."""
    if not isinstance(params, cls):
        raise TypeError(
            f"{where} : « params » doit être un {cls.__name__}, reçu un objet de type "
            f"{type(params).__name__}. Créez-en un avec {cls.__name__}.random(input_size, hidden_size)."
        )
    return params


def check_state(state, name: str, batch: int | None, H: int, where: str) -> np.ndarray:
    """Vérifie un état (``h``, ``c``) ou son gradient : ``(H,)`` sans lot, ``(B, H)`` avec."""
    state = as_float_array(state, name, where)
    expected = (H,) if batch is None else (batch, H)
    if state.shape != expected:
        raise ValueError(
            f"{where} : « {name} » doit avoir la forme {expected} "
            f"(taille cachée H = {H}{'' if batch is None else f', lot B = {batch}'}), "
            f"reçu la forme {state.shape}."
        )
    return state


def check_input(x, params, name: str, ndim: tuple[int, ...], meaning: str, where: str) -> np.ndarray:
    """Une entrée ``x_t`` (un pas) ou ``x`` (une séquence) : nombre de dimensions et taille ``I``."""
    x = as_float_array(x, name, where)
    check_ndim(x, ndim, name, where, meaning)
    if x.shape[-1] != params.input_size:
        raise ValueError(
            f"{where} : la dernière dimension de « {name} » doit valoir {params.input_size} "
            f"(la taille d'entrée I des paramètres), reçu la forme {x.shape}."
        )
    return x


def check_sequence(x, params, cls, where: str, **states):
    """Les entrées d'un passage sur une séquence (LSTM, RNN, GRU), vérifiées une fois.

    ``x`` de forme ``(T, I)`` ou ``(B, T, I)``, au moins un pas ; chaque état de ``states``
    (``h0=…``, ``c0=…``) vaut zéro par défaut, sinon de forme ``(H,)`` ou ``(B, H)``. Rend
    ``x``, les paramètres et les états, tous dans le même dtype.
    """
    params = check_params(params, cls, where)
    x = check_input(x, params, "x", (2, 3), "(T, I) ou (B, T, I)", where)
    if x.shape[-2] == 0:
        raise ValueError(
            f"{where} : la séquence « x » doit compter au moins un pas de temps, reçu la forme {x.shape}."
        )
    batch = x.shape[0] if x.ndim == 3 else None
    H = params.hidden_size
    shape = (H,) if batch is None else (batch, H)
    states = [np.zeros(shape, x.dtype) if s is None else check_state(s, name, batch, H, where)
              for name, s in states.items()]
    dtype = np.result_type(x, *states, np.empty(0, params.dtype))
    if params.dtype != dtype:
        params = params.astype(dtype)
    return (x.astype(dtype, copy=False), params, *(s.astype(dtype, copy=False) for s in states))
