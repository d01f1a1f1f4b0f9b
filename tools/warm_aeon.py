"""Compile une fois les fonctions numba d'aeon qu'utilise le chapitre 9 (1-NN DTW, MiniRocket).

Usage : ``python tools/warm_aeon.py`` — lancé par ``tools/setup_env.sh`` et
``binder/postBuild`` juste après l'installation.

aeon compile ses calculs avec numba à leur premier appel et garde le code
machine sur disque (``@njit(cache=True)``, dans les ``__pycache__`` du paquet).
Ce premier appel coûte une trentaine de secondes sur un CPU à 2 cœurs : sans
ce préchauffage, la première exécution du chapitre 9 les paierait et
dépasserait son budget de 30 s. On appelle donc les mêmes fonctions, avec les
mêmes types (float64, 12 canaux, plusieurs longueurs), sur des données
aléatoires minuscules : seul le code compilé est gardé, aucun résultat.
"""

from __future__ import annotations

import time

import numpy as np


def main() -> None:
    start = time.perf_counter()
    from aeon.classification.convolution_based import MiniRocketClassifier
    from aeon.classification.distance_based import KNeighborsTimeSeriesClassifier

    rng = np.random.default_rng(0)
    y = np.array(["1", "2"] * 3)
    unequal = [rng.normal(size=(12, n)) for n in (7, 9, 11, 8, 10, 12)]
    KNeighborsTimeSeriesClassifier(distance="dtw").fit(unequal, y).predict(unequal)
    equal = rng.normal(size=(6, 12, 29))
    MiniRocketClassifier(n_kernels=84, random_state=0).fit(equal, y).predict(equal)
    print(f"warm_aeon : fonctions numba d'aeon compilées et mises en cache en {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
