"""Le cache d'exécution du build : vidé quand lstm_lib change, réduit aux exercices quand seuls eux changent."""

from __future__ import annotations

import shutil

import nbformat
from jupyter_cache import get_cache

from conftest import ROOT, book


def _fake_root(tmp_path):
    root = tmp_path / "livre"
    shutil.copytree(ROOT / "lstm_lib", root / "lstm_lib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    for folder in ("chapters", "exercises"):
        (root / folder).mkdir()
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"print('{folder}')")])
        nbformat.write(nb, root / folder / "cahier.ipynb")
    return root


def _cached(build_dir):
    return sorted(r.uri.split("/")[-2] for r in get_cache(str(build_dir / ".jupyter_cache")).list_cache_records())


def test_editing_an_exercise_only_forgets_exercise_notebooks(tmp_path):
    root = _fake_root(tmp_path)
    build_dir = root / "_build"
    book.invalidate_stale_cache(build_dir, root)
    cache = get_cache(str(build_dir / ".jupyter_cache"))
    for folder in ("chapters", "exercises"):
        cache.cache_notebook_file(root / folder / "cahier.ipynb", check_validity=False)
    assert _cached(build_dir) == ["chapters", "exercises"]
    assert book.invalidate_stale_cache(build_dir, root) is False and _cached(build_dir) == ["chapters", "exercises"]
    source = root / "lstm_lib" / "grading" / "ex02.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# retouche\n", encoding="utf-8")
    assert book.invalidate_stale_cache(build_dir, root) is False
    assert _cached(build_dir) == ["chapters"], "retoucher un exercice ne doit oublier que les cahiers d'exercices"
    cells = root / "lstm_lib" / "cells.py"
    cells.write_text(cells.read_text(encoding="utf-8") + "\n# retouche\n", encoding="utf-8")
    assert book.invalidate_stale_cache(build_dir, root) is True
    assert not (build_dir / ".jupyter_cache").exists()
