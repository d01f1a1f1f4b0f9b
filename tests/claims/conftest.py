"""La suite des affirmations : chaque conclusion qu'un chapitre tire d'une expérience aléatoire,
refaite sur plusieurs graines, et vérifiée telle que le texte l'énonce.

Une cellule vérifiée par nbval fige ce qu'affiche **une** exécution ; elle ne dit pas si la
phrase d'à côté est vraie. Ici, chaque test relance l'expérience du chapitre — **son propre
code**, lu dans le cahier, à ses réglages — sur ``SEEDS`` (5 graines), affiche les nombres
obtenus, puis vérifie la conclusion elle-même (« LSTM sous 0,01 sur au moins 4 graines sur 5 »).
Le chapitre écrit la plage mesurée ici ; si un réglage change et que la conclusion ne tient
plus, le test échoue.

Un fichier par chapitre, ``test_claims_chNN.py``, qui se suffit à lui-même : ajouter un
chapitre, c'est ajouter un fichier, sans toucher à celui-ci. Tous les tests de ce dossier
reçoivent la marque ``claims`` (``pytest -m claims`` les lance seuls, ``-m "not claims"``
les écarte).

Outils partagés (importés par ``from .conftest import …``) :

- ``SEEDS`` : les graines de la suite, ``range(5)`` ;
- ``chapter(name, until=None, **overrides)`` : exécute les cellules de code du cahier
  ``chapters/<name>.ipynb`` dans un espace de noms neuf et le rend. Seules sont sautées la
  cellule Colab et les cellules de widgets ; les figures sont dessinées hors écran (Agg)
  puis fermées. Dans les cellules vérifiées (étiquette ``nbval-check-output``), les ``assert``
  sont retirés : ils vérifient la graine du chapitre, la suite vérifie la conclusion sur
  toutes les graines. ``overrides`` remplace la valeur d'une affectation de premier niveau
  (``SEED=3`` remplace ``SEED = 0``) ; ``until`` arrête l'exécution après la première
  cellule qui définit ce nom (pour n'importer qu'une fonction et ses données) ;
- ``run_jobs(jobs)`` : exécute une liste de ``Job`` en parallèle, un processus par cœur
  (variable ``CLAIMS_WORKERS`` pour en changer), un seul fil PyTorch par processus ; rend
  leurs résultats dans l'ordre. Un ``Job`` lance soit le chapitre entier et rend des valeurs
  de son espace de noms (``Job(name, outputs=(…), overrides={…})``), soit une fonction du
  chapitre (``Job(name, call="train", args=(…), kwargs={…}, until="train")``). Ce que rend
  un job doit pouvoir passer d'un processus à l'autre (nombres, tableaux, historiques) ;
  ``post=f`` applique au résultat, dans le processus de calcul, une fonction ``f`` définie
  au premier niveau d'un module (pour ne renvoyer que des nombres, pas des modèles) ;

- ``show(title, values)`` : affiche une ligne « titre : v₀ ; v₁ ; … » (graine par graine),
  pour que ``pytest -s`` montre chaque nombre avant qu'on le vérifie ;
- ``count(condition, values)`` : combien de graines satisfont la condition.
"""

from __future__ import annotations

import ast
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SEEDS = range(5)
WIDGET_CALLS = ("_explorer(",)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.claims)


# --- exécuter le code d'un chapitre -------------------------------------------------------


def _skipped(cell) -> bool:
    tags = set(cell.get("metadata", {}).get("tags", []))
    source = "".join(cell["source"])
    return cell["cell_type"] != "code" or "colab" in tags or any(call in source for call in WIDGET_CALLS)


class _DropAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()


def _bound_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)
    return names


def _override(tree: ast.Module, overrides: dict, applied: set) -> None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in overrides:
                node.value = ast.parse(repr(overrides[name]), mode="eval").body
                applied.add(name)


def chapter(name: str, until: str | None = None, **overrides) -> dict:
    """Exécute le code du cahier ``chapters/<name>.ipynb`` (voir l'en-tête du module) ; rend l'espace de noms."""
    import matplotlib

    matplotlib.use("Agg")  # aucune fenêtre : plt.show() ne fait rien
    import matplotlib.pyplot as plt

    path = ROOT / "chapters" / f"{name}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace: dict[str, Any] = {"__name__": f"chapitre_{name}"}
    applied: set[str] = set()
    for index, cell in enumerate(cells):
        if _skipped(cell):
            continue
        tree = ast.parse("".join(cell["source"]), filename=f"{path.name}, cellule {index}")
        if "nbval-check-output" in cell.get("metadata", {}).get("tags", []):
            tree = ast.fix_missing_locations(_DropAsserts().visit(tree))
        _override(tree, overrides, applied)

        exec(compile(tree, f"{path.name}, cellule {index}", "exec"), namespace)
        plt.close("all")
        if until is not None and until in _bound_names(tree):
            break
    missing = set(overrides) - applied
    if missing:
        raise KeyError(f"{name} : aucune affectation de premier niveau pour {sorted(missing)} (avant « {until} »)")
    if until is not None and until not in namespace:
        raise KeyError(f"{name} : aucune cellule (hors figures et cellules vérifiées) ne définit « {until} »")
    return namespace


# --- plusieurs graines en parallèle ------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """Une exécution : le chapitre entier (``outputs``), ou une de ses fonctions (``call``)."""

    name: str
    outputs: tuple[str, ...] = ()
    overrides: dict = field(default_factory=dict)
    call: str | None = None
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    until: str | None = None
    post: Callable | None = None  # fonction (de ce module ou d'un module de test) appliquée au résultat


def _run_job(job: Job):
    import torch

    torch.set_num_threads(1)
    namespace = chapter(job.name, until=job.until, **job.overrides)
    if job.call is not None:
        result = namespace[job.call](*job.args, **job.kwargs)
    else:
        result = {key: namespace[key] for key in job.outputs}
    return job.post(result) if job.post is not None else result


def run_jobs(jobs: list[Job]) -> list:
    """Les résultats des ``jobs``, dans l'ordre, calculés par un processus par cœur."""
    workers = int(os.environ.get("CLAIMS_WORKERS", os.cpu_count() or 1))
    workers = max(1, min(workers, len(jobs)))
    context = multiprocessing.get_context("spawn")  # un processus neuf : aucun état hérité de torch
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_run_job, jobs))


# --- afficher puis vérifier ---------------------------------------------------------------


def show(title: str, values, fmt: str = "{:.4g}") -> None:
    print(f"{title} : " + " ; ".join(fmt.format(v) for v in values))


def count(condition: Callable[[Any], bool], values) -> int:
    return sum(bool(condition(v)) for v in values)
