"""Les cahiers d'exercices et leurs définitions racontent la même chose (sans exécution).

Les énoncés, codes de départ et solutions sont définis une fois, dans
``lstm_lib.grading.exNN`` ; les cahiers les reprennent. Ces tests vérifient
qu'ils n'ont pas divergé, que le correcteur retrouvera chaque cellule de
réponse, et que le site affichera exercices et solutions avec sphinx-exercise.
Ils vérifient aussi l'« édition élève » (configuration dérivée de _config.yml).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

from lstm_lib.grading import NOTEBOOKS, definition
from lstm_grader import copies
from lstm_lib.grading.core import fr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_student_edition  # noqa: E402


def _nb(name):
    return nbformat.read(copies.starter_path(name), as_version=4)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_matches_definitions(name):
    nb = _nb(name)
    module = definition(name)
    assert nb.metadata["lstm_grading"]["cahier"] == name
    by_id = {c.get("id"): c for c in nb.cells}
    order = [c.get("id") for c in nb.cells]
    for ex in module.EXERCISES:
        label = f"{name}-{ex.key}"
        answer = by_id[ex.cell_id]
        assert answer.cell_type == "code" and answer.source == ex.starter.rstrip("\n")
        statement = by_id[f"enonce-{ex.key}"].source
        assert statement.startswith(f"````{{exercise}} {ex.key} — {fr(ex.title)} — ")
        assert f":label: {label}\n:nonumber:\n" in statement and fr(ex.statement) in statement
        points = re.search(r" — (\d+) points?$", statement.splitlines()[0])
        assert points and float(points.group(1)) == ex.points
        solution = by_id[f"solution-{ex.key}"].source
        assert solution.startswith(f"````{{solution}} {label}\n:class: dropdown\n")
        assert ex.solution.rstrip() in solution
        check = by_id[f"verification-{ex.key}"].source
        assert check.startswith(f"{ex.key}.verifier()")
        # énoncé, (aide), réponse, vérification, solution : dans cet ordre
        k = order.index(f"enonce-{ex.key}")
        assert order.index(ex.cell_id) < order.index(f"verification-{ex.key}") < order.index(f"solution-{ex.key}")
        assert order.index(ex.cell_id) - k <= 2
    assert nb.cells[-1].source == "cahier.bilan()"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_clean(name):
    nb = _nb(name)
    assert nb.cells[0].get("id") == "colab-setup"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    setup = next(c for c in nb.cells if c.get("id") == "preparation")
    keys = ", ".join(ex.key for ex in definition(name).EXERCISES)
    assert f'Cahier("{name}", globals())' in setup.source and f"{keys} = cahier.exercices" in setup.source


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_answer_cell_ids_are_unique(name):
    ids = [c.get("id") for c in _nb(name).cells]
    assert len(ids) == len(set(ids))


def test_index_page_table_matches_definitions():
    text = (ROOT / "exercises" / "index.md").read_text(encoding="utf-8")
    for name in NOTEBOOKS:
        module = definition(name)
        row = next(line for line in text.splitlines() if f"{{doc}}`{module.NOTEBOOK}`" in line)
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert int(cells[2]) == len(module.EXERCISES), row
        assert float(cells[3]) == sum(ex.points for ex in module.EXERCISES), row


def test_student_edition_only_hides_solutions():
    base = build_student_edition.load_base()
    derived = build_student_edition.student_config(base)
    assert derived["sphinx"]["config"]["hide_solutions"] is True
    assert derived["title"].endswith("(édition élève)")
    assert "hide_solutions" not in (base.get("sphinx", {}).get("config") or {})
    # Tout le reste vient de _config.yml, sans copie à maintenir.
    for key in base:
        if key not in ("title", "sphinx", "execute"):
            assert derived[key] == base[key], key
    for key, value in (base["sphinx"].get("config") or {}).items():
        assert derived["sphinx"]["config"][key] == value
    for name, path in (base["sphinx"].get("local_extensions") or {}).items():
        assert Path(derived["sphinx"]["local_extensions"][name]) == (ROOT / path).resolve()
    assert Path(derived["execute"]["cache"]).is_absolute()


def test_student_edition_dry_run(capsys):
    assert build_student_edition.main(["--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "hide_solutions: true" in out and "--config" in out and "-W" in out


def test_every_exercise_notebook_has_a_definition_module():
    """Un cahier d'exercices sans module exNN.py ne serait jamais corrigé (et l'inverse)."""
    on_disk = sorted(p.name[:4] for p in (ROOT / "exercises").glob("ex[0-9][0-9]_*.ipynb"))
    assert on_disk == list(NOTEBOOKS)
    assert len(NOTEBOOKS) >= 6  # la découverte des modules a bien fonctionné
