"""lstm_grader.structure : les cellules de réponse retrouvées, avec ou sans identifiants de cellule."""

from __future__ import annotations

import random

import nbformat
import pytest

from lstm_grader import copies
from lstm_grader.structure import locate
from lstm_lib.grading import NOTEBOOKS, definition, exercises_for


def _cells(nb, keep_ids=True):
    return [{"type": c.cell_type, "id": c.get("id") if keep_ids else None, "source": c.source} for c in nb.cells]


def _starter(name):
    return _cells(nbformat.read(copies.starter_path(name), as_version=4))


def _expected(nb, name):
    position = {c.get("id"): k for k, c in enumerate(nb.cells)}
    return {ex.cell_id: position[ex.cell_id] for ex in exercises_for(name)}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_copy_with_ids_is_located_by_ids(name):
    nb = copies.solved(name)
    found = locate(_cells(nb), exercises_for(name), _starter(name))
    assert not found.fallback and found.verdicts == {}
    assert found.index_of == _expected(nb, name)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_nbformat_44_copy_without_ids_is_located_by_position(name):
    nb = copies.solved(name)
    found = locate(_cells(nb, keep_ids=False), exercises_for(name), _starter(name))
    assert found.fallback and found.verdicts == {}
    assert found.index_of == _expected(nb, name)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_fallback_survives_extra_cells_and_regenerated_ids(name):
    """Un éditeur qui régénère les identifiants, un élève qui ajoute des cellules de brouillon."""
    nb = copies.solved(name)
    expected = _expected(nb, name)
    cells = _cells(nb)
    rng = random.Random(0)
    for cell in cells:
        cell["id"] = f"{rng.getrandbits(32):08x}"
    # Une cellule de brouillon juste après chaque réponse : les positions attendues se décalent.
    shifted, out = {}, []
    for k, cell in enumerate(cells):
        out.append(cell)
        if k in expected.values():
            shifted[next(cid for cid, v in expected.items() if v == k)] = len(out) - 1
            out.append({"type": "code", "id": "brouillon", "source": "print('essai')"})
    found = locate(out, exercises_for(name), _starter(name))
    assert found.fallback and found.verdicts == {}
    assert found.index_of == shifted


def test_untouched_answer_and_changed_first_line():
    name = "ex02"
    nb = copies.fill(name, {"ex1": "# j'ai tout réécrit\ndef forget_gate(h, x, W, b):\n    return 0\n"})
    found = locate(_cells(nb, keep_ids=False), exercises_for(name), _starter(name))
    assert found.index_of == _expected(nb, name)


def test_without_starter_the_first_line_is_the_marker():
    name = "ex02"
    nb = copies.solved(name)
    found = locate(_cells(nb, keep_ids=False), exercises_for(name), None)
    located = {cid: k for cid, k in found.index_of.items()}
    for ex in definition(name).EXERCISES:
        if ex.solution.strip().splitlines()[0].strip() == ex.starter.strip().splitlines()[0].strip():
            assert located[ex.cell_id] == _expected(nb, name)[ex.cell_id]


def test_deleted_answer_cell_is_introuvable_in_both_modes():
    name = "ex04"
    nb = copies.solved(name)
    nb.cells = [c for c in nb.cells if c.get("id") != "reponse-ex2"]
    for keep in (True, False):
        found = locate(_cells(nb, keep_ids=keep), exercises_for(name), _starter(name))
        assert found.verdicts["ex2"].statut == "introuvable", keep
        assert set(found.verdicts) == {"ex2"}
