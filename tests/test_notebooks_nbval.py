"""nbval sur chaque cahier de chapters/ et exercises/ (``--nbval-lax``).

Les cahiers sont enregistrés sans sorties ; or nbval ne compare les cellules
``# NBVAL_CHECK_OUTPUT`` qu'à des sorties *enregistrées* (une cellule sans
compteur d'exécution n'est jamais comparée). La référence est donc la version
exécutée par le build du livre, tirée du cache d'exécution de Jupyter Book :
nbval ré-exécute chaque cahier dans un noyau neuf et vérifie que ces cellules
affichent exactement ce que montre le site. Les autres cellules doivent
seulement s'exécuter sans erreur.
"""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from jupyter_cache import get_cache
from nbval.plugin import find_comment_markers

from conftest import notebook_params, rel

CELL_TIMEOUT_S = 300  # filet de sécurité ; le budget réel (30 s par cahier) est dans benchmarks/


def executed_reference(built_book, path):
    """Le cahier tel que le build l'a exécuté (sorties comprises)."""
    nb = nbformat.read(path, as_version=4)
    try:
        _, merged = get_cache(str(built_book.cache_dir)).merge_match_into_notebook(nb)
    except KeyError:
        pytest.fail(
            f"{rel(path)} n'est pas dans le cache d'exécution du build "
            f"({built_book.cache_dir}) : le build l'a-t-il exécuté ? Journal : {built_book.log_path}"
        )
    return merged


def is_checked(cell) -> bool:
    return cell.cell_type == "code" and dict(find_comment_markers(cell.source)).get("check", False)


@pytest.mark.parametrize("path", notebook_params())
def test_checked_cells_print_something(built_book, path):
    """Une cellule # NBVAL_CHECK_OUTPUT sans sortie ne vérifierait rien."""
    reference = executed_reference(built_book, path)
    silent = [i for i, cell in enumerate(reference.cells) if is_checked(cell) and not cell.outputs]
    assert not silent, f"{rel(path)} : cellules # NBVAL_CHECK_OUTPUT sans sortie : {silent}"


@pytest.mark.parametrize("path", notebook_params())
def test_nbval(built_book, path, tmp_path):
    reference = executed_reference(built_book, path)
    target = tmp_path / path.name
    nbformat.write(reference, target)
    cmd = [
        sys.executable, "-m", "pytest", str(target),
        "--nbval-lax", "--nbval-current-env", f"--nbval-cell-timeout={CELL_TIMEOUT_S}",
        "-p", "no:cacheprovider", "--color=no", "-q",
    ]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
    output = proc.stdout + proc.stderr
    if proc.returncode == 5:
        pytest.fail(f"{rel(path)} : nbval n'a collecté aucune cellule")
    assert proc.returncode == 0, f"nbval échoue sur {rel(path)} (code {proc.returncode}) :\n{output[-6000:]}"
