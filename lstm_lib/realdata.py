"""Des données réelles de longueurs variables : JapaneseVowels, et le remplissage d'un lot.

JapaneseVowels (archive UEA) : neuf locuteurs japonais prononcent les voyelles
« a » puis « e » enchaînées ; chaque trame est un vecteur de 12 coefficients cepstraux (LPC), et
chaque enregistrement a sa propre durée, de 7 à 29 trames. La tâche : dire qui
parle. Le jeu de données est livré **dans** le paquet ``aeon`` (aucun
téléchargement) ; :func:`load_japanese_vowels` l'importe à la demande, pour
qu'``import lstm_lib`` n'importe pas aeon.

:func:`pad_sequences` met des séquences de longueurs différentes dans un seul
tableau ``(N, T_max, C)`` complété par des zéros, avec la longueur réelle de
chacune — ce qu'attendent ``SequenceModel(…)(x, lengths)`` et
``pack_padded_sequence``.
"""

from __future__ import annotations

import numpy as np

from ._checks import _describe, as_float_array, check_positive_int

__all__ = ["JAPANESE_VOWELS_SPEAKERS", "pad_sequences", "load_japanese_vowels"]

JAPANESE_VOWELS_SPEAKERS = tuple(f"locuteur {k}" for k in range(1, 10))
"""Le nom de chaque classe : l'étiquette ``k`` (0 … 8) est le locuteur ``k + 1`` de l'archive."""


def pad_sequences(sequences, *, length=None, channels_first: bool = True, dtype=np.float32):
    """Range des séquences de longueurs différentes dans un tableau complété par des zéros.

    ``sequences`` : une liste de tableaux 2D, chacun ``(C, L_n)`` (canaux
    d'abord, comme les rend aeon) ou ``(L_n, C)`` avec ``channels_first=False``.
    Rend ``(x, lengths)`` : ``x`` de forme ``(N, T_max, C)`` (le temps en
    deuxième, ``batch_first=True``), nul après la fin de chaque séquence, et
    ``lengths`` int64 ``(N,)``, la longueur réelle ``L_n`` de chacune.
    ``length`` : la longueur ``T`` du tableau (par défaut ``T_max``, la plus
    longue des séquences) ; utile pour donner la même au jeu d'entraînement et au jeu de test.
    """
    where = "pad_sequences"
    if isinstance(sequences, np.ndarray) and sequences.dtype != object:
        sequences = list(sequences)
    if not isinstance(sequences, (list, tuple)) or not sequences:
        raise TypeError(
            f"{where} : « sequences » doit être une liste non vide de tableaux 2D, reçu {_describe(sequences)}."
        )
    arrays = []
    for n, seq in enumerate(sequences):
        arr = as_float_array(seq, f"sequences[{n}]", where)
        if arr.ndim != 2:
            layout = "(C, L)" if channels_first else "(L, C)"
            raise ValueError(
                f"{where} : chaque séquence doit être un tableau 2D {layout}, "
                f"reçu la forme {arr.shape} pour sequences[{n}]."
            )
        arr = arr.T if channels_first else arr
        if arr.shape[0] == 0:
            raise ValueError(f"{where} : sequences[{n}] n'a aucun pas de temps ; attendu au moins un.")
        arrays.append(arr)
    channels = {a.shape[1] for a in arrays}
    if len(channels) > 1:
        raise ValueError(
            f"{where} : toutes les séquences doivent avoir le même nombre de canaux, "
            f"reçu {sorted(channels)} (vérifiez « channels_first »)."
        )
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    T = int(lengths.max())
    if length is not None:
        T = check_positive_int(length, "length", where)
        if T < lengths.max():
            raise ValueError(
                f"{where} : « length » = {T} est plus court que la plus longue séquence "
                f"({lengths.max()} pas) ; attendu length ≥ {lengths.max()}."
            )
    x = np.zeros((len(arrays), T, arrays[0].shape[1]), dtype=dtype)
    for n, a in enumerate(arrays):
        x[n, :len(a)] = a
    return x, lengths


def load_japanese_vowels(split: str):
    """JapaneseVowels, tel que le livre ``aeon`` : ``(séquences, étiquettes)``.

    ``split`` : ``"train"`` (270 enregistrements) ou ``"test"`` (370).
    ``séquences`` est la liste des enregistrements, chacun ``(12, L)`` avec
    ``7 ≤ L ≤ 29`` (12 coefficients, ``L`` trames) ; ``étiquettes`` est un
    tableau int64 de valeurs 0 … 8 (le locuteur moins un : voir
    :data:`JAPANESE_VOWELS_SPEAKERS`). Demande le paquet ``aeon``.
    """
    where = "load_japanese_vowels"
    if not isinstance(split, str) or split.lower() not in ("train", "test"):
        raise ValueError(f"{where} : « split » doit valoir \"train\" ou \"test\", reçu {split!r}.")
    try:
        from aeon.datasets import load_japanese_vowels as aeon_loader
    except ImportError:  # pragma: no cover - dépend de l'environnement
        raise ImportError(
            f"{where} : le paquet aeon est nécessaire (pip install \"lstm_lib[aeon]\")."
        ) from None
    X, y = aeon_loader(split=split.upper())
    sequences = [np.asarray(s, dtype=np.float64) for s in X]
    labels = np.asarray(y).astype(np.int64) - 1
    return sequences, labels
