"""Vérifications sans exécution : table des matières, cahiers propres, cellule Colab."""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import (
    all_repository_notebooks,
    colab_cell,
    notebook_params,
    read_notebook,
    rel,
    source_of,
    toc_docnames,
)


def test_toc_lists_chapters_exercises_and_annexes():
    names = toc_docnames()
    assert names[0] == "intro", "la page d'accueil du livre doit être intro"
    for required in ("glossaire", "bibliographie", "exercises/index"):
        assert required in names, f"_toc.yml doit contenir {required}"
    chapters = [n for n in names if n.startswith("chapters/")]
    # Les six chapitres du texte source (partie « Chapitres »), puis ceux de la partie « Approfondir ».
    assert len(chapters) >= 6, f"au moins 6 chapitres attendus dans _toc.yml, trouvés : {chapters}"
    assert chapters == sorted(chapters), "les chapitres doivent suivre l'ordre du texte source (01 … 06), puis 07, 08…"
    exercises = [n for n in names if n.startswith("exercises/ex")]
    assert len(exercises) >= 6, f"au moins 6 cahiers d'exercices attendus dans _toc.yml, trouvés : {exercises}"
    chapter_suffixes = [c.split("/", 1)[1] for c in chapters]
    exercise_suffixes = [e.split("/", 1)[1][2:] for e in exercises]
    # Les six premiers chapitres ont chacun leur cahier ; ceux d'« Approfondir » l'auront plus tard.
    assert chapter_suffixes[:6] == exercise_suffixes[:6], "exNN_<suffixe> doit reprendre le suffixe du chapitre NN"
    # Sauf le mini-projet du livre (il reprend plusieurs chapitres) : le dernier cahier d'exercices.
    projects = [s for s in exercise_suffixes if s.endswith("_mini_projet")]
    assert projects in ([], [exercise_suffixes[-1]]), "le mini-projet vient après tous les cahiers de chapitre"
    assert all(s in chapter_suffixes for s in exercise_suffixes if s not in projects), \
        "chaque cahier exNN_<suffixe> suit un chapitre NN_<suffixe>"


@pytest.mark.parametrize("docname", toc_docnames())
def test_toc_entry_exists(docname):
    assert source_of(docname) is not None, f"_toc.yml cite « {docname} », mais ni {docname}.ipynb ni {docname}.md n'existe"


@pytest.mark.parametrize("path", [pytest.param(p, id=rel(p)) for p in all_repository_notebooks()])
def test_notebook_is_in_toc(path):
    docname = rel(path)[: -len(".ipynb")]
    assert docname in toc_docnames(), f"{rel(path)} n'est pas dans _toc.yml : ajoutez « - file: {docname} »"


@pytest.mark.parametrize("path", notebook_params())
def test_notebook_is_valid_nbformat(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name"), f"{rel(path)} : métadonnée kernelspec absente"


@pytest.mark.parametrize("path", notebook_params())
def test_notebook_has_no_outputs(path):
    nb = read_notebook(path)
    dirty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{rel(path)} : cellules {dirty} enregistrées avec des sorties ou un compteur d'exécution ; "
        "videz-les (Jupyter : « Clear All Outputs ») avant de committer"
    )


@pytest.mark.parametrize("path", notebook_params())
def test_colab_cell_is_first(path):
    nb = read_notebook(path)
    first = nb["cells"][0] if nb["cells"] else {}
    expected = colab_cell.colab_source()
    fix = f"lancez : python tools/colab_cell.py {rel(path)}"
    assert first.get("cell_type") == "code", f"{rel(path)} : la première cellule doit être la cellule Colab ; {fix}"
    source = first["source"] if isinstance(first["source"], str) else "".join(first["source"])
    assert source == expected, f"{rel(path)} : la cellule Colab n'est pas à jour ; {fix}"
    tags = first.get("metadata", {}).get("tags", [])
    assert {"colab", "remove-cell"} <= set(tags), f"{rel(path)} : étiquettes colab et remove-cell attendues ; {fix}"
    others = [i for i, c in enumerate(nb["cells"][1:], 1) if colab_cell.is_colab_cell(c)]
    assert not others, f"{rel(path)} : cellule Colab en double (cellules {others})"


@pytest.mark.parametrize("path", [p for p in notebook_params() if rel(p.values[0]).startswith("chapters/")])
def test_title_is_not_numbered_by_hand(path):
    """_toc.yml numérote les chapitres ; un titre « 2. Structure… » s'afficherait « 2. 2. Structure… »."""
    nb = read_notebook(path)
    titles = [
        line[2:].strip()
        for cell in nb["cells"]
        if cell["cell_type"] == "markdown"
        for line in ("".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]).splitlines()
        if line.startswith("# ")
    ]
    assert titles, f"{rel(path)} : pas de titre de niveau 1 (« # Titre »)"
    assert not re.match(r"^\d+\s*[.)]", titles[0]), (
        f"{rel(path)} : le titre « {titles[0]} » porte déjà un numéro ; retirez-le, _toc.yml numérote les chapitres"
    )


@pytest.mark.parametrize("path", notebook_params())
def test_no_nbval_comment_in_cell_sources(path):
    """nbval lit les étiquettes de cellule : un commentaire # NBVAL_… serait visible sur le site."""
    nb = read_notebook(path)
    marked = [
        i for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and re.search(r"^\s*#\s*NBVAL_", "".join(cell["source"]), re.M)
    ]
    assert not marked, (
        f"{rel(path)} : cellules {marked} marquées par un commentaire # NBVAL_… ; "
        "retirez-le et donnez à la cellule l'étiquette « nbval-check-output »"
    )


@pytest.mark.parametrize("path", [p for p in notebook_params() if rel(p.values[0]).startswith("chapters/")])
def test_chapters_have_checked_cells(path):
    """Chaque chapitre vérifie des sorties (étiquette nbval-check-output), et seulement sur du code."""
    nb = read_notebook(path)
    tagged = [(i, c["cell_type"]) for i, c in enumerate(nb["cells"])
              if "nbval-check-output" in c.get("metadata", {}).get("tags", [])]
    assert tagged, f"{rel(path)} : aucune cellule étiquetée nbval-check-output"
    assert all(kind == "code" for _, kind in tagged), f"{rel(path)} : étiquette sur une cellule de texte : {tagged}"


HIDDEN_TAGS = {"hide-input", "remove-input", "remove-cell"}


def _bound_and_used(source):
    """Les noms liés au premier niveau d'une cellule, et les noms qu'elle lit sans les avoir liés avant."""
    import ast

    tree = ast.parse(source)
    bound, used = set(), set()
    for node in tree.body:
        loaded = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        # Les noms liés dans l'instruction elle-même (variable de boucle, de compréhension,
        # arguments et variables locales d'une fonction) ne viennent pas d'une autre cellule.
        local = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        local |= {a.arg for n in ast.walk(node) if isinstance(n, ast.arguments)
                  for a in n.posonlyargs + n.args + n.kwonlyargs + [n.vararg, n.kwarg] if a}
        used |= loaded - bound - local
        for n in ast.walk(node):

            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                bound.add(n.id)
            elif isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n in tree.body:
                bound.add(n.name)
            elif isinstance(n, (ast.Import, ast.ImportFrom)):
                bound |= {(a.asname or a.name).split(".")[0] for a in n.names}
    return bound, used


@pytest.mark.parametrize("path", [p for p in notebook_params() if rel(p.values[0]).startswith("chapters/")])
def test_visible_code_uses_no_name_defined_only_in_hidden_cells(path):
    """Un lecteur du site ne voit pas le code des cellules masquées : le code visible ne doit pas
    lire un nom que seule une cellule masquée (hide-input, remove-cell…) a défini."""
    nb = read_notebook(path)
    visible, hidden_only, problems = set(), set(), []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or colab_cell.is_colab_cell(cell):
            continue
        bound, used = _bound_and_used("".join(cell["source"]))
        if HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            hidden_only |= bound - visible
        else:
            problems += [f"cellule {i} : « {name} »" for name in sorted(used & hidden_only)]
            visible |= bound
            hidden_only -= bound
    assert not problems, f"{rel(path)} : le code visible lit des noms définis dans une cellule masquée : {problems}"
