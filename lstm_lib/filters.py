"""La mémoire vue comme un filtre : l'intuition d'ingénieur du texte source.

Avec des portes **constantes**, la mise à jour de la mémoire
``c_t = f · c_{t−1} + i · x_t`` est un filtre linéaire fixe ; avec
``i = 1 − f`` c'est exactement la moyenne mobile exponentielle
``y_t = (1 − α) · y_{t−1} + α · x_t`` de paramètre ``α = 1 − f`` : un filtre
passe-bas. Une cellule LSTM calcule ``f_t`` et ``i_t`` à chaque pas à partir
du contexte : c'est le même filtre, rendu **adaptatif**.

La demi-vie ``ln 0,5 / ln f`` dit au bout de combien de pas la mémoire a
perdu la moitié de sa valeur quand on ne lui ajoute plus rien.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_ndim, check_real, check_unit_interval

__all__ = ["half_life", "ema", "constant_gate_memory", "ema_detector"]


def half_life(f):
    """Demi-vie de la mémoire pour une porte d'oubli constante : ``ln 0,5 / ln f``.

    Sans ajout (``i = 0``), ``c_k = f^k · c_0`` : la mémoire est divisée par
    deux au bout de ``ln 0,5 / ln f`` pas de temps. ``f = 0,5`` donne 1 pas,
    ``f = 0,9`` environ 6,6 pas, ``f = 0,99`` environ 69 pas ; ``f = 1``
    donne ``inf`` (rien ne s'oublie) et ``f = 0`` donne 0 (tout s'oublie
    d'un coup).

    ``f`` : un nombre ou un tableau de valeurs dans ``[0, 1]``. Rend un
    ``float`` pour un nombre, un tableau de même forme sinon.
    """
    where = "half_life"
    scalar = np.ndim(f) == 0 and not isinstance(f, np.ndarray)
    arr = as_float_array(f, "f", where)
    check_unit_interval(arr, "f", where)
    with np.errstate(divide="ignore"):
        # ln 0 = −inf donne 0 (tout s'oublie) ; f = 1 (ln f = 0) : rien ne s'oublie, +inf.
        result = np.where(arr == 1, np.inf, np.log(np.asarray(0.5, arr.dtype)) / np.log(arr))
    result = result.astype(arr.dtype, copy=False)
    return float(result) if scalar else result


def constant_gate_memory(x, f, i=None, c0=0.0):
    """La mise à jour de la mémoire avec des portes constantes : ``c_t = f · c_{t−1} + i · x_t``.

    C'est l'équation ``c_t = f_t ⊙ c_{t−1} + i_t ⊙ ĉ_t`` du texte où les
    portes ne dépendent plus du contexte et où le candidat est l'entrée
    elle-même. Par défaut ``i = 1 − f`` : la mémoire est alors la moyenne
    mobile exponentielle :func:`ema` de paramètre ``α = 1 − f``.

    - ``x`` : le signal, de forme ``(T,)`` ou ``(T, D)`` (le temps d'abord) ;
    - ``f`` : la porte d'oubli, un nombre dans ``[0, 1]`` ;
    - ``i`` : la porte d'entrée, un nombre dans ``[0, 1]`` (``1 − f`` par défaut) ;
    - ``c0`` : la mémoire initiale ``c_0`` (un nombre).

    Rend ``c`` de même forme et de même dtype que ``x`` : ``c[t]`` est la
    mémoire après avoir lu ``x[t]``.
    """
    where = "constant_gate_memory"
    f = _check_gate(f, "f", where)
    i = 1.0 - f if i is None else _check_gate(i, "i", where)
    return _first_order_filter(x, keep=f, add=i, start=c0, where=where)


def ema(x, alpha, y0=0.0):
    """Moyenne mobile exponentielle : ``y_t = (1 − α) · y_{t−1} + α · x_t``.

    Un filtre passe-bas : ``α`` proche de 0 lisse beaucoup (longue mémoire),
    ``α = 1`` recopie l'entrée. C'est :func:`constant_gate_memory` avec
    ``f = 1 − α`` et ``i = α``.

    - ``x`` : le signal, de forme ``(T,)`` ou ``(T, D)`` (le temps d'abord) ;
    - ``alpha`` : un nombre dans ``[0, 1]`` ;
    - ``y0`` : la valeur de départ ``y_0`` (un nombre).

    Rend ``y`` de même forme et de même dtype que ``x``.
    """
    where = "ema"
    alpha = _check_gate(alpha, "alpha", where)
    return _first_order_filter(x, keep=1.0 - alpha, add=alpha, start=y0, where=where)


def _check_gate(value, name, where):
    value = check_real(value, name, where)
    check_unit_interval(np.asarray(value), name, where)
    return value


def _first_order_filter(x, *, keep, add, start, where):
    """``y_t = keep · y_{t−1} + add · x_t`` pour chaque ``t``, à partir de ``y_{−1} = start``.

    Une boucle en clair plutôt que ``scipy.signal.lfilter`` : c'est la même
    récurrence que la cellule LSTM, et scipy n'est pas une dépendance du livre.
    """
    x = as_float_array(x, "x", where)
    check_ndim(x, (1, 2), "x", where, "(T,) ou (T, D)")
    start = check_real(start, "c0" if where == "constant_gate_memory" else "y0", where)
    y = np.empty_like(x)
    previous = np.full(x.shape[1:], start, dtype=x.dtype)
    keep, add = x.dtype.type(keep), x.dtype.type(add)
    for t in range(x.shape[0]):
        previous = keep * previous + add * x[t]
        y[t] = previous
    return y


def ema_detector(alpha, train_amplitude, train_target, test_amplitude):
    """Le détecteur fixe du chapitre 4 : la dernière valeur de l'EMA, comparée à un seuil.

    Pour chaque séquence, ``score = y_T``, la moyenne mobile exponentielle
    (:func:`ema`, paramètre ``alpha``) de son amplitude au dernier pas. Le
    seuil est choisi sur l'entraînement seulement
    (:func:`lstm_lib.metrics.best_threshold`), puis appliqué au test.

    - ``alpha`` : un nombre dans ``[0, 1]`` ;
    - ``train_amplitude``, ``test_amplitude`` : ``(n, T)``, une séquence par ligne ;
    - ``train_target`` : ``(n,)`` booléens, vrai pour « une vraie cible ».

    Rend ``(threshold, train_accuracy, test_says_bump)`` : le seuil, son
    exactitude sur l'entraînement et la décision ``(n_test,)`` sur le test.
    """
    from .metrics import best_threshold  # import local : metrics ne dépend pas des filtres

    where = "ema_detector"
    finals = []
    for name, amplitude in (("train_amplitude", train_amplitude), ("test_amplitude", test_amplitude)):
        amplitude = as_float_array(amplitude, name, where)
        check_ndim(amplitude, (2,), name, where, "(n, T), une séquence par ligne")
        finals.append(ema(amplitude.T, alpha)[-1])  # ema travaille le temps d'abord : (T, n)
    threshold, train_accuracy = best_threshold(finals[0], train_target)
    return threshold, train_accuracy, finals[1] >= threshold
