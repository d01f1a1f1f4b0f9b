"""nbval sur chaque cahier de chapters/ et exercises/ (``--nbval-lax``).

Une cellule dont nbval compare la sortie porte l'étiquette de cellule
``nbval-check-output`` (nbval lit les étiquettes comme les commentaires, et une
étiquette ne se voit pas sur le site). Les cahiers sont enregistrés sans
sorties ; or nbval ne compare ces cellules qu'à des sorties *enregistrées* (une
cellule sans compteur d'exécution n'est jamais comparée). La référence est donc
la version exécutée par le build du livre, tirée du cache d'exécution de Jupyter
Book : nbval ré-exécute chaque cahier dans un noyau neuf et vérifie que ces
cellules affichent exactement ce que montre le site. Les autres cellules doivent
seulement s'exécuter sans erreur.
"""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest
from jupyter_cache import get_cache
from nbval.plugin import find_comment_markers, find_metadata_tags

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
    """Vrai si nbval compare la sortie de la cellule (étiquette nbval-check-output, ou commentaire)."""
    if cell.cell_type != "code":
        return False
    options = dict(find_metadata_tags(cell.metadata))
    options.update(find_comment_markers(cell.source))  # comme nbval : le commentaire l'emporte
    return bool(options.get("check", False))


@pytest.mark.parametrize("path", notebook_params())
def test_checked_cells_print_something(built_book, path):
    """Une cellule vérifiée (nbval-check-output) sans sortie ne vérifierait rien."""
    reference = executed_reference(built_book, path)
    silent = [i for i, cell in enumerate(reference.cells) if is_checked(cell) and not cell.outputs]
    assert not silent, f"{rel(path)} : cellules nbval-check-output sans sortie : {silent}"


def _run_nbval(notebook_path, cwd):
    cmd = [
        sys.executable, "-m", "pytest", str(notebook_path),
        "--nbval-lax", "--nbval-current-env", f"--nbval-cell-timeout={CELL_TIMEOUT_S}",
        "-p", "no:cacheprovider", "--color=no", "-q",
    ]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.parametrize("stored, passes", [("42\n", True), ("41\n", False)], ids=["même sortie", "sortie changée"])
def test_nbval_compares_tagged_cells(tmp_path, stored, passes):
    """L'étiquette nbval-check-output suffit : nbval compare la cellule, et échoue si la sortie change."""
    nb = nbformat.v4.new_notebook()
    checked = nbformat.v4.new_code_cell("print(6 * 7)", metadata={"tags": ["nbval-check-output"]})
    checked.execution_count = 1
    checked.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored)]
    free = nbformat.v4.new_code_cell("print(6 * 9)")  # non étiquetée : --nbval-lax ne la compare pas
    free.execution_count = 2
    free.outputs = [nbformat.v4.new_output("stream", name="stdout", text="0\n")]
    nb.cells = [checked, free]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    target = tmp_path / "probe.ipynb"
    nbformat.write(nb, target)
    assert is_checked(checked) and not is_checked(free)
    code, output = _run_nbval(target, tmp_path)
    assert (code == 0) is passes, f"nbval a rendu le code {code} :\n{output[-3000:]}"



@pytest.mark.parametrize("path", notebook_params())
def test_nbval(built_book, path, tmp_path):
    reference = executed_reference(built_book, path)
    target = tmp_path / path.name
    nbformat.write(reference, target)
    code, output = _run_nbval(target, tmp_path)
    if code == 5:
        pytest.fail(f"{rel(path)} : nbval n'a collecté aucune cellule")
    assert code == 0, f"nbval échoue sur {rel(path)} (code {code}) :\n{output[-6000:]}"


CHAPTERS = [p for p in notebook_params() if rel(p.values[0]).startswith("chapters/")]
# « … : True » affirme une conclusion sans montrer le nombre qui la fonde. (« expr = True », la
# valeur d'une expression Python montrée pour elle-même, comme « -0.0 == 0.0 = True », reste permis.)
BARE_VERDICT = re.compile(r":\s*(True|False)\s*$")


@pytest.mark.parametrize("path", CHAPTERS)
def test_checked_cells_print_numbers_not_bare_verdicts(built_book, path):
    """Une cellule vérifiée affiche le nombre puis le vérifie (« écart = 3,1 × 10⁻¹⁶ (< 10⁻¹²) »),
    jamais un verdict seul (« identiques : True »)."""
    reference = executed_reference(built_book, path)
    offenders = []
    for i, cell in enumerate(reference.cells):
        if not is_checked(cell):
            continue
        text = "".join(output.get("text", "") for output in cell.outputs if output.get("output_type") == "stream")
        offenders += [f"cellule {i} : {line.strip()}" for line in text.splitlines() if BARE_VERDICT.search(line)]
    assert not offenders, f"{rel(path)} : verdicts sans nombre :\n" + "\n".join(offenders)
