"""Des données synthétiques, tirées avec une graine : le radar du texte source, le problème de l'addition,
et les deux tâches du chapitre 10 (rappel associatif, parité courante).

Le radar : chaque pas de temps est un vecteur ``[amplitude, distance]``
(``input_size = 2``, comme dans le texte). Trois classes :

- ``0`` « bruit » : du bruit seulement ;
- ``1`` « bosse » : un vrai écho, l'amplitude reste haute pendant plusieurs pas,
  à une distance stable ;
- ``2`` « pic » : un pic isolé de **même hauteur**, pendant un seul pas.

Distinguer une bosse d'un pic demande de se souvenir de ce qui s'est passé
aux pas précédents ; placer la bosse tôt dans une longue séquence
(``bump_position=(0, 5)``) demande de s'en souvenir longtemps.

Le problème de l'addition (forme moderne, Le, Jaitly et Hinton 2015) : des
valeurs uniformes sur [0, 1] et un canal marqueur avec deux 1 ; la cible est
la somme des deux valeurs marquées. Prédire la moyenne (1) donne une erreur
quadratique moyenne de 1/6 ≈ 0,167.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_int_range, check_positive_int, check_real, check_seed

__all__ = ["RADAR_CLASSES", "RadarBatch", "radar_sequences", "RadarStreams", "radar_streams", "adding_problem",
           "associative_recall", "running_parity"]

RADAR_CLASSES = ("bruit", "bosse", "pic")
"""Nom de chaque étiquette : 0 = bruit seul, 1 = bosse soutenue, 2 = pic isolé de même hauteur."""

_NOISE, _BUMP, _SPIKE = 0, 1, 2


@dataclass(frozen=True)
class RadarBatch:
    """Un lot de séquences radar et ce qui les décrit.

    - ``x`` : float32, ``(n, T, 2)``, canaux ``[amplitude, distance]`` ; après
      la fin d'une séquence (``lengths``), tout vaut 0 (remplissage) ;
    - ``labels`` : int64, ``(n,)``, indices dans :data:`RADAR_CLASSES` ;
    - ``lengths`` : int64, ``(n,)``, la longueur réelle de chaque séquence ;
    - ``onsets`` : int64, ``(n,)``, premier pas de l'événement (−1 pour le bruit) ;
    - ``durations`` : int64, ``(n,)``, durée de l'événement en pas
      (1 pour un pic, 0 pour le bruit).
    """

    x: np.ndarray
    labels: np.ndarray
    lengths: np.ndarray
    onsets: np.ndarray
    durations: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def per_step_onset_labels(self) -> np.ndarray:
        """Étiquettes par pas, ``(n, T)`` int64 : 1 au premier pas d'une bosse, 0 ailleurs."""
        n, T, _ = self.x.shape
        out = np.zeros((n, T), dtype=np.int64)
        rows = np.flatnonzero(self.labels == _BUMP)
        out[rows, self.onsets[rows]] = 1
        return out

    def valid_mask(self) -> np.ndarray:
        """Masque ``(n, T)`` booléen : ``True`` aux pas réels, ``False`` dans le remplissage."""
        T = self.x.shape[1]
        return np.arange(T)[None, :] < self.lengths[:, None]


def radar_sequences(n, T=50, *, classes=(0, 1, 2), bump_position=None, bump_length=(5, 10),
                    amplitude=1.0, noise_std=0.15, lengths=None, seed=0) -> RadarBatch:
    """Tire ``n`` séquences radar ``[amplitude, distance]`` de ``T`` pas, avec une graine.

    Chaque pas : l'amplitude vaut ``|bruit|`` (bruit gaussien d'écart type
    ``noise_std``) et la distance est tirée uniformément dans [0, 1] (le
    bruit n'a pas de distance stable). Pendant un événement, l'amplitude
    reçoit en plus ``amplitude`` et la distance est celle de la cible (tirée
    dans [0,2 ; 0,8], plus un petit bruit).

    - ``classes`` : les étiquettes à tirer (parmi 0 bruit, 1 bosse, 2 pic),
      en proportions égales (à une séquence près), dans un ordre mélangé ;
    - ``bump_position`` : premier pas de l'événement (bosse ou pic, la même
      règle pour les deux) : ``None`` = uniforme sur toutes les positions
      où il tient dans la séquence, un entier, ou un couple ``(lo, hi)``
      (bornes incluses) ;
    - ``bump_length`` : durée d'une bosse, un entier ou ``(lo, hi)`` (bornes incluses) ;
    - ``lengths`` : ``None`` (toutes de longueur ``T``) ou ``(lo, hi)`` (bornes
      incluses) pour des longueurs variables, complétées par des zéros ;
    - ``seed`` : la graine ; même graine, mêmes séquences.

    Rend un :class:`RadarBatch`.
    """
    where = "radar_sequences"
    n = check_positive_int(n, "n", where)
    T = check_positive_int(T, "T", where, minimum=2)
    seed = check_seed(seed, where)
    amplitude = check_real(amplitude, "amplitude", where)
    if amplitude <= 0:
        raise ValueError(f"{where} : « amplitude » doit être > 0, reçu {amplitude}.")
    noise_std = check_real(noise_std, "noise_std", where)
    if noise_std < 0:
        raise ValueError(f"{where} : « noise_std » doit être ≥ 0, reçu {noise_std}.")
    classes = _check_classes(classes, where)
    len_lo, len_hi = (T, T) if lengths is None else check_int_range(lengths, "lengths", where, 2, T)
    dur_lo, dur_hi = check_int_range(bump_length, "bump_length", where, 2, T)
    # La plus longue bosse doit tenir dans la plus courte séquence.
    if 1 in classes and dur_hi > len_lo:
        raise ValueError(
            f"{where} : une bosse de {dur_hi} pas (« bump_length ») ne tient pas dans une "
            f"séquence de {len_lo} pas (longueur minimale) ; réduisez bump_length ou allongez les séquences."
        )
    if bump_position is not None:
        pos_lo, pos_hi = check_int_range(bump_position, "bump_position", where, 0, T - 1)
        longest = dur_hi if 1 in classes else 1
        if pos_hi + longest > len_lo:
            raise ValueError(
                f"{where} : un événement de {longest} pas commençant au pas {pos_hi} "
                f"(« bump_position ») dépasse la fin d'une séquence de {len_lo} pas ; "
                f"attendu bump_position + durée ≤ {len_lo}."
            )

    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.resize(np.asarray(classes, dtype=np.int64), n))
    seq_lengths = rng.integers(len_lo, len_hi + 1, size=n)
    durations = np.where(labels == _BUMP, rng.integers(dur_lo, dur_hi + 1, size=n), 1)
    durations[labels == _NOISE] = 0
    if bump_position is None:
        # Uniforme sur 0 … longueur − durée, séquence par séquence.
        latest = seq_lengths - np.maximum(durations, 1)
        onsets = np.floor(rng.random(n) * (latest + 1)).astype(np.int64)
    else:
        onsets = rng.integers(pos_lo, pos_hi + 1, size=n)
    onsets[labels == _NOISE] = -1

    amplitude_channel = np.abs(rng.normal(0.0, noise_std, size=(n, T)))
    distance_channel = rng.random((n, T))
    target_distance = rng.uniform(0.2, 0.8, size=n)
    distance_jitter = rng.normal(0.0, 0.02, size=(n, T))
    steps = np.arange(T)[None, :]
    in_event = (steps >= onsets[:, None]) & (steps < (onsets + durations)[:, None])
    amplitude_channel = amplitude_channel + amplitude * in_event
    distance_channel = np.where(in_event, target_distance[:, None] + distance_jitter, distance_channel)

    x = np.stack([amplitude_channel, distance_channel], axis=-1)
    x[steps >= seq_lengths[:, None]] = 0.0  # remplissage après la fin
    return RadarBatch(
        x=x.astype(np.float32),
        labels=labels.astype(np.int64),
        lengths=seq_lengths.astype(np.int64),
        onsets=onsets.astype(np.int64),
        durations=durations.astype(np.int64),
    )


def _check_classes(classes, where):
    if isinstance(classes, (str, bytes)) or not hasattr(classes, "__iter__"):
        raise TypeError(
            f"{where} : « classes » doit être une suite d'étiquettes parmi 0, 1, 2, reçu {classes!r}."
        )
    classes = tuple(classes)
    if not classes or any(isinstance(c, bool) or not isinstance(c, (int, np.integer)) or c not in (0, 1, 2)
                          for c in classes):
        raise ValueError(
            f"{where} : « classes » doit être une suite non vide d'étiquettes parmi 0 (bruit), "
            f"1 (bosse), 2 (pic), reçu {classes!r}."
        )
    if len(set(classes)) != len(classes):
        raise ValueError(f"{where} : « classes » contient des doublons : {classes!r}.")
    return tuple(int(c) for c in classes)


def adding_problem(n, T, seed=0):
    """Le problème de l'addition : retenir deux valeurs marquées et rendre leur somme.

    ``x`` float32 ``(n, T, 2)`` : canal 0, des valeurs uniformes sur [0, 1] ;
    canal 1, un marqueur qui vaut 1 exactement deux fois (une fois dans chaque
    moitié de la séquence) et 0 ailleurs. ``y`` float32 ``(n,)`` : la somme
    des deux valeurs marquées. Rend ``(x, y)``.
    """
    where = "adding_problem"
    n = check_positive_int(n, "n", where)
    T = check_positive_int(T, "T", where, minimum=2)
    seed = check_seed(seed, where)
    rng = np.random.default_rng(seed)
    values = rng.random((n, T)).astype(np.float32)
    half = T // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, T, size=n)
    markers = np.zeros((n, T), dtype=np.float32)
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    y = values[rows, first] + values[rows, second]
    return np.stack([values, markers], axis=-1), y.astype(np.float32)


def associative_recall(n, n_pairs=8, n_keys=16, seed=0):
    """Rappel associatif (chapitre 10) : lire des paires (clé, valeur), puis rendre la valeur d'une clé.

    Chaque séquence a ``n_pairs + 1`` pas. Aux ``n_pairs`` premiers, l'entrée
    juxtapose une clé et une valeur, codées « un parmi ``n_keys`` » (les clés
    d'une séquence sont distinctes) ; au dernier pas, seule une des clés déjà
    vues est donnée : la cible est la valeur qui l'accompagnait. Il faut donc
    garder **toutes** les paires jusqu'à la question.

    Rend ``x`` float32 ``(n, n_pairs + 1, 2 · n_keys)`` et ``y`` int64 ``(n,)``
    (valeurs dans ``[0, n_keys[``).
    """
    where = "associative_recall"
    n = check_positive_int(n, "n", where)
    n_pairs = check_positive_int(n_pairs, "n_pairs", where)
    n_keys = check_positive_int(n_keys, "n_keys", where, minimum=2)
    seed = check_seed(seed, where)
    if n_pairs > n_keys:
        raise ValueError(
            f"{where} : « n_pairs » ({n_pairs}) ne peut pas dépasser « n_keys » ({n_keys}) : "
            f"les clés d'une séquence sont distinctes."
        )
    rng = np.random.default_rng(seed)
    keys = np.argsort(rng.random((n, n_keys)), axis=1)[:, :n_pairs]  # n_pairs clés distinctes par séquence
    values = rng.integers(0, n_keys, size=(n, n_pairs))
    asked = rng.integers(0, n_pairs, size=n)
    rows, steps = np.arange(n)[:, None], np.arange(n_pairs)[None, :]
    x = np.zeros((n, n_pairs + 1, 2 * n_keys), dtype=np.float32)
    x[rows, steps, keys] = 1.0
    x[rows, steps, n_keys + values] = 1.0
    x[np.arange(n), n_pairs, keys[np.arange(n), asked]] = 1.0
    return x, values[np.arange(n), asked].astype(np.int64)


def running_parity(n, T, seed=0):
    """Parité courante (chapitre 10) : à chaque pas, le nombre de 1 déjà lus est-il impair ?

    ``x`` float32 ``(n, T, 1)`` : des bits tirés au hasard ; ``y`` int64
    ``(n, T)`` : ``y_t = (x_1 + … + x_t) mod 2``. Un état d'un seul bit,
    retourné à chaque 1, suffit à la calculer sur une séquence de n'importe
    quelle longueur.
    """
    where = "running_parity"
    n = check_positive_int(n, "n", where)
    T = check_positive_int(T, "T", where)
    seed = check_seed(seed, where)
    bits = np.random.default_rng(seed).integers(0, 2, size=(n, T))
    return bits[..., None].astype(np.float32), (np.cumsum(bits, axis=1) % 2).astype(np.int64)


@dataclass(frozen=True)
class RadarStreams:
    """Des flux radar du mini-projet : plusieurs événements par flux, un bruit qui dérive.

    - ``x`` : float32, ``(n, T, 2)``, canaux ``[amplitude, distance]`` ; après la fin
      d'un flux (``lengths``), tout vaut 0 ;
    - ``lengths`` : int64, ``(n,)``, la longueur réelle de chaque flux ;
    - ``events`` : int8, ``(n, T)``, à chaque pas 0 (rien), 1 (bosse) ou 2 (parasite) ;
    - ``noise_level`` : float32, ``(n, T)``, l'écart type du bruit d'amplitude à chaque pas.
    """

    x: np.ndarray
    lengths: np.ndarray
    events: np.ndarray
    noise_level: np.ndarray

    def __len__(self) -> int:
        return len(self.lengths)

    @property
    def bumps(self) -> np.ndarray:
        """Masque ``(n, T)`` booléen : ``True`` à chaque pas d'une bosse."""
        return self.events == _BUMP

    def valid_mask(self) -> np.ndarray:
        """Masque ``(n, T)`` booléen : ``True`` aux pas réels, ``False`` dans le remplissage."""
        return np.arange(self.x.shape[1])[None, :] < self.lengths[:, None]


def radar_streams(n, lengths=(80, 160), *, bump_length=(2, 10), spike_length=(1, 2), gap=(6, 30),
                  noise_std=(0.1, 0.3), drift=0.15, amplitude=1.0, seed=0) -> RadarStreams:
    """Tire ``n`` flux radar ``[amplitude, distance]`` de longueurs variables, avec une graine.

    Plus durs que :func:`radar_sequences` : chaque flux enchaîne plusieurs événements,
    séparés par ``gap`` pas de calme (tirés dans ``(lo, hi)``) — des **bosses** (un vrai
    écho, à distance stable, qui dure ``bump_length`` pas) et des **parasites** (de même
    hauteur, ``spike_length`` pas, à une distance quelconque à chaque pas), à parts égales ;
    un parasite de 2 pas et une bosse de 2 pas ont la même amplitude, seule la distance les
    distingue. Le bruit d'amplitude ``|N(0, σ_t)|`` a un écart type qui **dérive lentement** :
    ``σ_t = σ₀ + drift · sin(2π t / P + φ)`` (borné à 0,02), avec ``σ₀`` tiré dans
    ``noise_std`` et une période ``P`` de 80 à 240 pas, propres à chaque flux.

    - ``lengths`` : un entier ou ``(lo, hi)`` (bornes incluses), la longueur de chaque flux ;
      ``T`` (la largeur du lot) est la plus grande ; la fin est remplie de zéros ;
    - ``seed`` : la graine ; même graine, mêmes flux.

    Rend un :class:`RadarStreams`.
    """
    where = "radar_streams"
    n = check_positive_int(n, "n", where)
    len_lo, len_hi = check_int_range(lengths, "lengths", where, 20, 100_000)
    bump_lo, bump_hi = check_int_range(bump_length, "bump_length", where, 2, len_lo // 2)
    spike_lo, spike_hi = check_int_range(spike_length, "spike_length", where, 1, len_lo // 2)
    gap_lo, gap_hi = check_int_range(gap, "gap", where, 1, len_lo)
    if not (isinstance(noise_std, (tuple, list)) and len(noise_std) == 2):
        raise TypeError(f"{where} : « noise_std » doit être un couple de réels (lo, hi), reçu {noise_std!r}.")
    noise_lo = check_real(noise_std[0], "noise_std", where)
    noise_hi = check_real(noise_std[1], "noise_std", where)
    if not 0 <= noise_lo <= noise_hi:
        raise ValueError(f"{where} : « noise_std » doit vérifier 0 ≤ lo ≤ hi, reçu {tuple(noise_std)!r}.")
    drift = check_real(drift, "drift", where)
    if drift < 0:
        raise ValueError(f"{where} : « drift » doit être ≥ 0, reçu {drift}.")
    amplitude = check_real(amplitude, "amplitude", where)
    if amplitude <= 0:
        raise ValueError(f"{where} : « amplitude » doit être > 0, reçu {amplitude}.")
    seed = check_seed(seed, where)

    rng = np.random.default_rng(seed)
    seq_lengths = rng.integers(len_lo, len_hi + 1, size=n)
    T = int(seq_lengths.max())
    steps = np.arange(T)[None, :]
    base = rng.uniform(noise_lo, noise_hi, size=(n, 1))
    period = rng.uniform(80.0, 240.0, size=(n, 1))
    phase = rng.uniform(0.0, 2 * np.pi, size=(n, 1))
    level = np.maximum(base + drift * np.sin(2 * np.pi * steps / period + phase), 0.02)
    events = np.zeros((n, T), dtype=np.int8)
    target = np.zeros((n, T))
    for row in range(n):
        cursor = int(rng.integers(gap_lo, gap_hi + 1))
        while True:
            kind = _BUMP if rng.random() < 0.5 else _SPIKE
            lo, hi = (bump_lo, bump_hi) if kind == _BUMP else (spike_lo, spike_hi)
            duration = int(rng.integers(lo, hi + 1))
            if cursor + duration > seq_lengths[row]:
                break
            events[row, cursor:cursor + duration] = kind
            target[row, cursor:cursor + duration] = rng.uniform(0.2, 0.8)
            cursor += duration + int(rng.integers(gap_lo, gap_hi + 1))
    amplitude_channel = np.abs(rng.normal(size=(n, T))) * level + amplitude * (events > 0)
    distance_channel = rng.random((n, T))
    bump = events == _BUMP
    distance_channel[bump] = target[bump] + rng.normal(0.0, 0.02, size=int(bump.sum()))
    x = np.stack([amplitude_channel, distance_channel], axis=-1)
    padding = steps >= seq_lengths[:, None]
    x[padding] = 0.0
    events[padding] = 0
    return RadarStreams(x=x.astype(np.float32), lengths=seq_lengths.astype(np.int64), events=events,
                        noise_level=np.where(padding, 0.0, level).astype(np.float32))
