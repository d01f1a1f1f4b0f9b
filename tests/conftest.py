"""Outils partagés par les tests du livre.

- ``ROOT``, ``notebook_paths()``, ``toc_docnames()`` : ce que contient le dépôt ;
- la fixture de session ``built_book`` : le livre construit **une seule fois** par
  session (``jupyter-book build . -n -W --keep-going --all`` dans ``_build``), que
  partagent tous les tests qui regardent le site ou les sorties des cahiers.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("chapters", "exercises")
# Dossiers qui ne contiennent jamais de pages du livre.
IGNORED_DIRS = {".venv", "_build", "node_modules", ".git", ".ipynb_checkpoints", "build", "dist"}

sys.path.insert(0, str(ROOT / "tools"))
import book  # noqa: E402  (tools/book.py)
import colab_cell  # noqa: E402  (tools/colab_cell.py, réexporté pour les tests)


def notebook_paths() -> list[Path]:
    """Les cahiers du livre : chapters/*.ipynb et exercises/*.ipynb."""
    return sorted(p for d in NOTEBOOK_DIRS for p in (ROOT / d).glob("*.ipynb"))


def all_repository_notebooks() -> list[Path]:
    """Tous les .ipynb du dépôt, hors environnements, builds et dossiers cachés."""
    found = []
    for path in ROOT.rglob("*.ipynb"):
        parts = path.relative_to(ROOT).parts
        if any(part in IGNORED_DIRS or part.startswith(".") for part in parts[:-1]):
            continue
        found.append(path)
    return sorted(found)


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@lru_cache(maxsize=1)
def toc_docnames() -> tuple[str, ...]:
    """Les pages de ``_toc.yml``, dans l'ordre (analysées par sphinx-external-toc)."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    return tuple(parse_toc_yaml(ROOT / "_toc.yml"))


def source_of(docname: str) -> Path | None:
    """Le fichier source d'une page de la table des matières, ou None s'il manque."""
    for suffix in (".ipynb", ".md"):
        candidate = ROOT / f"{docname}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def notebook_params():
    """Paramètres pytest : un par cahier présent (ids lisibles) ; liste vide si aucun."""
    return [pytest.param(p, id=rel(p)) for p in notebook_paths()]


@pytest.fixture(scope="session")
def built_book() -> book.BuildResult:
    """Construit le livre une fois pour toute la session de tests."""
    result = book.build(ROOT, all_pages=True, echo=False)
    log_path = result.build_dir / "test-build.log"
    log_path.write_text(result.log, encoding="utf-8")
    result.log_path = log_path  # type: ignore[attr-defined]
    return result


@pytest.fixture(scope="session")
def built_html(built_book) -> Path:
    """Le dossier HTML du site. Avec --keep-going, le site est écrit même quand le
    build signale des avertissements (test_build_succeeds_without_warnings les
    rapporte) ; on ne s'arrête ici que si le site n'a pas été écrit du tout."""
    index = built_book.html_dir / "index.html"
    if not index.is_file():
        pytest.fail(
            f"le build du livre n'a pas produit de site (code {built_book.returncode}) ; "
            f"journal : {built_book.log_path}\n" + built_book.summary()
        )
    return built_book.html_dir


@pytest.fixture(scope="module")
def one_torch_thread():
    """Un seul fil PyTorch pour les petits tenseurs d'un module de tests (plus rapide, surtout sur
    une machine partagée) ; le réglage d'origine est rétabli à la fin du module. S'emploie avec
    ``pytestmark = pytest.mark.usefixtures("one_torch_thread")``."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def assert_french_error(call, error, fragment):
    """``call()`` lève ``error`` avec ``fragment`` dans son message, en typographie française
    (espace insécable avant « : » « ; » « ? » « ! » et à l'intérieur des guillemets)."""
    import re

    with pytest.raises(error) as excinfo:
        call()
    message = str(excinfo.value)
    assert fragment in message, message
    assert not re.search(r" [:;?!](\s|$)", message), message
    assert "\u00ab " not in message and " \u00bb" not in message, message


def central_differences(loss, value, eps=1e-6):
    """Le gradient de ``loss`` par rapport au tableau ``value``, composante par composante, par
    différences finies centrées : ``(L(v + ε) − L(v − ε)) / 2ε`` (erreur de l'ordre de ε²)."""
    import numpy as np

    grad = np.empty(value.shape)
    for idx in np.ndindex(value.shape):
        plus, minus = value.copy(), value.copy()
        plus[idx] += eps
        minus[idx] -= eps
        grad[idx] = (loss(plus) - loss(minus)) / (2 * eps)
    return grad
