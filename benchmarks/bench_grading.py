"""Banc d'essai du correcteur : une classe générée de 30 copies, temps par copie, coût du bac à sable.

Usage : ``python benchmarks/bench_grading.py [--copies 30] [--jobs N] [--repeat 1]``.

La classe mélange les six cahiers et des copies de niveaux différents : toutes
les réponses justes, le cahier de départ intact, et des copies à moitié
faites (la moitié des exercices résolus, tirés avec une graine). Chaque copie
est exécutée dans son propre noyau, comme en vrai, deux fois : dans le bac à
sable (bubblewrap et cgroup par copie, le réglage par défaut), puis sans
(``sandbox="none"``, ce que fait ``--no-sandbox``) ; la différence est le coût
du bac à sable lui-même. Objectif : au plus 2 s par copie sur 2 cœurs, bac à
sable compris. (Une mesure, jamais un test.)
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


def startup_overhead(n: int = 15) -> dict[str, tuple[float, float]]:
    """Le coût du bac à sable seul : démarrer ``python -c "import numpy, lstm_lib"`` directement, dans
    bubblewrap, et par le lanceur du correcteur (cgroup par copie, rlimit, bubblewrap) ; (médiane, min) en s."""
    import statistics
    import subprocess

    from lstm_grader.sandbox import Cgroups, Limits, find_sandbox, kernel_env

    limits = Limits(2048, 128, 256)
    sandbox, cgroups = find_sandbox("bwrap"), Cgroups.detect()
    inner = [sys.executable, "-c", "import numpy, lstm_lib"]
    out = {}
    with tempfile.TemporaryDirectory(prefix="bench-bac-") as tmp:
        exchange = Path(tmp) / "echange"
        (exchange / "travail").mkdir(parents=True)
        wrapped = sandbox.wrap(inner, exchange=exchange, cwd=exchange / "travail", env=kernel_env("/tmp"),
                               limits=limits, private=Path(tmp) / "bac", tag="bench")
        for label, argv, with_cgroup in (("direct", inner, False), ("bubblewrap", wrapped, False),
                                         ("lanceur, cgroup et bubblewrap", wrapped, True)):
            times = []
            for _ in range(n):
                start = time.perf_counter()
                group = cgroups.create(limits) if with_cgroup and cgroups.version else None
                launch = []
                if with_cgroup:
                    launch = [sys.executable, "-I", "-m", "lstm_grader.launch"]
                    for procs in (group.procs if group else []):
                        launch += ["--cgroup-procs", procs]
                    for name, value in limits.rlimits().items():
                        launch += ["--rlimit", f"{name}={value}"]
                    launch.append("--")
                subprocess.run(launch + argv, check=True)
                if group is not None:
                    group.kill_all()
                    group.remove()
                times.append(time.perf_counter() - start)
            out[label] = (statistics.median(times), min(times))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="copies en parallèle (défaut : celui de la commande, deux par cœur)")
    parser.add_argument("--repeat", type=int, default=1, help="mesures de chaque réglage (la meilleure est gardée)")
    args = parser.parse_args(argv)
    per_copy = {}
    with tempfile.TemporaryDirectory(prefix="bench-correction-") as tmp:
        paths = make_class(Path(tmp), args.copies)
        for sandbox in ("auto", "none"):
            # Échauffement : importer torch et les références (ex05) une fois, hors mesure.
            grade_paths(paths[4:5], GradingOptions(seed=0, jobs=1, sandbox=sandbox), progress=False)
            best = None
            for _ in range(max(1, args.repeat)):
                start = time.perf_counter()
                rows = grade_paths(paths, GradingOptions(seed=1, jobs=args.jobs, sandbox=sandbox), progress=True)
                elapsed = time.perf_counter() - start
                best = elapsed if best is None else min(best, elapsed)
            graded = len({r.copy for r in rows})
            full = sum(1 for r in rows if r.status == "réussi")
            label = "avec bac à sable" if sandbox == "auto" else "sans bac à sable (--no-sandbox)"
            per_copy[sandbox] = best / graded
            print(f"{label} : {graded} copies ({len(rows)} lignes, {full} exercices réussis) en {best:.1f} s "
                  f"avec {args.jobs} copies en parallèle, sur {os.cpu_count()} cœur(s) : "
                  f"{best / graded:.2f} s par copie")
    print(f"temps par copie avec le bac à sable : {per_copy['auto']:.2f} s (objectif : ≤ 2 s sur 2 cœurs) ; "
          f"coût du bac à sable : {per_copy['auto'] - per_copy['none']:+.2f} s par copie "
          f"({per_copy['auto'] / per_copy['none']:.2f} × le temps sans)")
    startup = startup_overhead()
    direct = startup["direct"]
    for label, (median, best) in startup.items():
        print(f"démarrage d'un interpréteur (numpy, lstm_lib), {label} : médiane {median:.3f} s, min {best:.3f} s"
              + ("" if label == "direct" else f" ({median - direct[0]:+.3f} s en médiane)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
