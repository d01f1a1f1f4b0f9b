"""Les grilles précalculées des widgets (lstm_lib/grids/*.json) n'ont pas dérivé du code des chapitres.

Chaque fichier est écrit par tools/make_widget_grids.py avec le code du chapitre ; ici, on
recalcule un échantillon de ses points par le même chemin (le cahier exécuté jusqu'à la
fonction voulue, puis un entraînement) et on compare au fichier. Si le chapitre change
(réglages, données, modèle) sans que la grille soit régénérée, ce test échoue.
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from conftest import ROOT
from lstm_lib.widgets import GRIDS, precomputed_grid

from french_errors import check_french_error


def _generator():
    spec = importlib.util.spec_from_file_location("make_widget_grids", ROOT / "tools" / "make_widget_grids.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_grid_file_says_it_is_generated_and_has_a_maker():
    generator = _generator()
    files = sorted(p.stem for p in GRIDS.glob("*.json"))
    print("grilles :", files)
    assert files == sorted(generator.GRID_MAKERS), "un fichier de grille sans générateur, ou l'inverse"
    for name in files:
        raw = json.loads((GRIDS / f"{name}.json").read_text(encoding="utf-8"))
        assert f"tools/make_widget_grids.py {name}" in raw["_généré"], raw["_généré"]


def test_precomputed_grid_refuses_unknown_names_in_french():
    check_french_error(lambda: precomputed_grid("pas_de_grille"), FileNotFoundError, "pas de grille")
    check_french_error(lambda: precomputed_grid("../etc"), ValueError, "le nom d'une grille")


@pytest.mark.parametrize("delay", [2])
def test_chapter6_delay_grid_matches_a_fresh_training(delay):
    """Un point de la grille du chapitre 6 (retard 2, hors des deux retards que le cahier vérifie
    lui-même à chaque build), réentraîné ici : mêmes scores, même score « début »."""
    import torch

    torch.set_num_threads(1)
    generator = _generator()
    grid = precomputed_grid("06_delay_f1")
    ns = generator._chapter("06_bidirectionnalite", until="onset_scores", SEED=grid["seed"])
    fresh = generator.delay_point(ns, delay, grid["seed"])
    stored = grid["scores"][grid["delays"].index(delay)]
    print(f"retard {delay} : F1 fichier {stored['F1']:.6f}, recalculé {fresh['scores']['F1']:.6f}")
    for key, value in stored.items():
        assert fresh["scores"][key] == pytest.approx(value, abs=1e-9), key
    for kind in ("bosse", "pic"):
        gap = np.abs(np.array(fresh["p_onset"][kind]) - grid["p_onset"][kind][grid["delays"].index(delay)]).max()
        print(f"score « début », {kind} : écart maximal {gap:.1e}")
        assert gap < 1e-6
