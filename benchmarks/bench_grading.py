"""Banc d'essai du correcteur : une classe générée de 30 copies, temps par copie.

Usage : ``python benchmarks/bench_grading.py [--copies 30] [--jobs N]``.

La classe mélange les six cahiers et des copies de niveaux différents : toutes
les réponses justes, le cahier de départ intact, et des copies à moitié
faites (la moitié des exercices résolus, tirés avec une graine). Chaque copie
est exécutée dans son propre noyau, comme en vrai. Objectif : au plus 2 s par
copie sur 2 cœurs. (Une mesure, jamais un test.)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lstm_lib.grading import NOTEBOOKS, definition
from lstm_grader import copies  # noqa: E402
from lstm_grader.runner import GradingOptions, default_jobs, grade_paths  # noqa: E402


def make_class(directory: Path, n: int, seed: int = 0) -> list[Path]:
    rng = np.random.default_rng(seed)
    paths = []
    for k in range(n):
        name = NOTEBOOKS[k % len(NOTEBOOKS)]
        exercises = definition(name).EXERCISES
        level = k % 3  # 0 : tout juste, 1 : cahier de départ, 2 : à moitié fait
        if level == 0:
            answers = {ex.key: ex.solution for ex in exercises}
        elif level == 1:
            answers = {}
        else:
            chosen = rng.choice(len(exercises), size=len(exercises) // 2, replace=False)
            answers = {exercises[i].key: exercises[i].solution for i in chosen}
        paths.append(copies.write(copies.fill(name, answers), directory / f"eleve{k:02d}_{name}.ipynb"))
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="copies en parallèle (défaut : celui de la commande, deux par cœur)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-correction-") as tmp:
        paths = make_class(Path(tmp), args.copies)
        # Échauffement : importer torch et les références (ex05) une fois, hors mesure.
        grade_paths(paths[4:5], GradingOptions(seed=0, jobs=1), progress=False)
        start = time.perf_counter()
        rows = grade_paths(paths, GradingOptions(seed=1, jobs=args.jobs), progress=True)
        elapsed = time.perf_counter() - start
    graded = len({r.fichier for r in rows})
    full = sum(1 for r in rows if r.statut == "réussi")
    print(f"{graded} copies corrigées ({len(rows)} lignes, {full} exercices réussis) "
          f"en {elapsed:.1f} s avec {args.jobs} processus en parallèle, sur {os.cpu_count()} cœur(s)")
    print(f"temps par copie : {elapsed / graded:.2f} s (objectif : ≤ 2 s sur 2 cœurs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
