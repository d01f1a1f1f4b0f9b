"""Écrit les grilles des widgets trop longues à calculer dans leur cahier : lstm_lib/grids/<nom>.json.

    .venv/bin/python tools/make_widget_grids.py            # toutes les grilles
    .venv/bin/python tools/make_widget_grids.py 06_delay_f1

Un widget « grille » (lstm_lib.widgets.grid_explorer) montre des résultats calculés d'avance.
Quand la grille tient dans le budget de 30 s du cahier, le cahier la calcule lui-même ; sinon
(un entraînement par position du curseur), ce script la calcule avec **le code du chapitre**,
exécuté comme le fait la suite tests/claims (``chapter(nom, until=…)`` de
tests/claims/conftest.py : les cellules du cahier, dans l'ordre, jusqu'à la fonction voulue).
Le fichier dit qu'il est généré et par quelle commande ; le cahier le lit par
``lstm_lib.widgets.precomputed_grid`` et vérifie qu'il redonne ce qu'il vient lui-même de
calculer ; tests/test_widget_grids.py recalcule un échantillon de points.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRIDS = ROOT / "lstm_lib" / "grids"


def _chapter(name: str, until: str, **overrides) -> dict:
    """L'espace de noms du cahier exécuté jusqu'à ``until`` (le même outil que tests/claims)."""
    spec = importlib.util.spec_from_file_location("claims_conftest", ROOT / "tests" / "claims" / "conftest.py")
    module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    if spec.name not in sys.modules:
        sys.modules[spec.name] = module  # ses dataclasses cherchent leur module dans sys.modules
        spec.loader.exec_module(module)
    return module.chapter(name, until=until, **overrides)


# --- Chapitre 6 : le F1 selon le retard accordé au LSTM ---------------------------------

DELAYS = (0, 1, 2, 3, 4, 5)


def delay_point(ns: dict, delay: int, seed: int) -> dict:
    """Un point de la grille : le LSTM du chapitre entraîné avec ce retard, ses scores et son
    score « début » sur la première bosse et le premier pic de la validation."""
    import numpy as np
    import torch

    model = ns["train_onset_model"](False, delay, seed=seed)
    with torch.no_grad():
        logits = model(ns["x_val"])
    scores = ns["onset_scores"](logits, ns["delay_labels"](ns["y_val"], delay))
    labels = ns["val_batch"].labels
    p_onset = torch.softmax(logits, dim=-1)[..., 1].numpy()
    picks = {"bosse": int(np.flatnonzero(labels == 1)[0]), "pic": int(np.flatnonzero(labels == 2)[0])}
    return {"scores": {k: float(v) for k, v in scores.items()},
            "p_onset": {kind: p_onset[idx].astype(float).tolist() for kind, idx in picks.items()}}


def delay_f1(seed: int = 0, delays=DELAYS) -> dict:
    import torch

    torch.set_num_threads(1)  # comme le chapitre : un fil, des nombres qui ne dépendent pas des cœurs
    ns = _chapter("06_bidirectionnalite", until="onset_scores", SEED=seed)
    points = [delay_point(ns, d, seed) for d in delays]
    return {"seed": seed, "delays": list(delays), "scores": [p["scores"] for p in points],
            "p_onset": {kind: [p["p_onset"][kind] for p in points] for kind in ("bosse", "pic")}}


GRID_MAKERS = {"06_delay_f1": delay_f1}


def write(name: str) -> Path:
    start = time.perf_counter()
    grid = GRID_MAKERS[name]()
    header = {"_généré": f"généré par «\xa0python tools/make_widget_grids.py {name}\xa0» — ne pas modifier à la main "
                         "(tests/test_widget_grids.py recalcule un échantillon de points)"}
    GRIDS.mkdir(exist_ok=True)
    path = GRIDS / f"{name}.json"
    path.write_text(json.dumps({**header, **grid}, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{path.relative_to(ROOT)} écrit en {time.perf_counter() - start:.1f} s")
    return path


def main(argv: list[str]) -> int:
    names = argv or sorted(GRID_MAKERS)
    unknown = [n for n in names if n not in GRID_MAKERS]
    if unknown:
        print(f"Erreur\xa0: grilles inconnues {unknown} (connues\xa0: {sorted(GRID_MAKERS)}).", file=sys.stderr)
        return 2
    for name in names:
        write(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
