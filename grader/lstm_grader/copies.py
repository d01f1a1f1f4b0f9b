"""Fabriquer des copies à partir des cahiers de départ (tests, banc d'essai, essais de l'enseignant).

:func:`fill` remplace le code des cellules de réponse d'un cahier de départ ;
:func:`solved` le remplit avec les solutions de référence (celles que montre
``.solution()``, définies dans ``lstm_lib.grading.exNN``, hors des cahiers).
"""

from __future__ import annotations

from pathlib import Path

from lstm_lib.grading.registry import definition

__all__ = ["EXERCISES_DIR", "starter_path", "fill", "solved", "write"]

#: Le dossier des cahiers de départ, dans une copie du dépôt.
EXERCISES_DIR = Path(__file__).resolve().parents[2] / "exercises"  # grader/lstm_grader/copies.py → racine du dépôt


def starter_path(name: str, directory: Path | None = None) -> Path:
    module = definition(name)
    return Path(directory or EXERCISES_DIR) / f"{module.NOTEBOOK}.ipynb"


def fill(name: str, answers: dict[str, str], directory: Path | None = None):
    """Le cahier de départ ``name`` dont les cellules de réponse ``answers`` (clé → code) sont remplacées."""
    import nbformat

    nb = nbformat.read(starter_path(name, directory), as_version=4)
    by_id = {cell.get("id"): cell for cell in nb.cells}
    for key, source in answers.items():
        cell_id = f"reponse-{key}"
        if cell_id not in by_id:
            raise KeyError(f"fill : pas de cellule « {cell_id} » dans le cahier {name}")
        by_id[cell_id].source = source
    return nb


def solved(name: str, directory: Path | None = None):
    """Le cahier ``name`` rempli avec les solutions de référence."""
    return fill(name, {ex.key: ex.solution for ex in definition(name).EXERCISES}, directory)


def write(nb, path: str | Path) -> Path:
    import nbformat

    path = Path(path)
    nbformat.write(nb, path)
    return path
