"""Les cahiers d'exercices sont générés depuis leurs sources, et le restent (sans exécution).

Une source par cahier (``lstm_lib/grading/exNN.py``) ; ``tools/make_exercises.py``
en tire le cahier et le tableau de ``exercises/index.md``. Ces tests vérifient
qu'aucun fichier généré n'a dérivé (et que la vérification sait le voir), que la
disposition relue par le correcteur est là (identifiants, étiquettes, position),
et la configuration dérivée de l'édition élève.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from lstm_lib.grading import NOTEBOOKS, definition, layout
from lstm_lib.grading.core import plural

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_student_edition  # noqa: E402
import make_exercises  # noqa: E402


def _nb(name) -> dict:
    return json.loads((ROOT / "exercises" / f"{definition(name).NOTEBOOK}.ipynb").read_text(encoding="utf-8"))


def _src(cell) -> str:
    return "".join(cell["source"])


# --------------------------------------------------------------------------
# Une source, des fichiers générés qui n'en dérivent pas
# --------------------------------------------------------------------------

def test_generated_files_match_their_sources():
    files = make_exercises.generated_files()
    reports = any(getattr(definition(name), "RUBRIC", None) for name in NOTEBOOKS)
    # les cahiers, exercises/index.md et, pour la grille d'un rapport noté à la main, guide-enseignant.md
    assert len(files) == len(NOTEBOOKS) + 1 + reports
    assert make_exercises.drift(files) == [], "lancez : python tools/make_exercises.py"
    assert make_exercises.orphans() == []
    assert make_exercises.main(["--check"]) == 0


@pytest.fixture
def copy_root(tmp_path):
    (tmp_path / "exercises").mkdir()
    for path in (ROOT / "exercises").iterdir():
        if path.suffix in (".ipynb", ".md"):
            shutil.copy2(path, tmp_path / "exercises" / path.name)
    return tmp_path


def test_drift_is_detected_both_ways(copy_root, monkeypatch):
    assert make_exercises.drift(make_exercises.generated_files(copy_root)) == []
    # Un cahier retouché à la main…
    path = copy_root / "exercises" / f"{definition('ex02').NOTEBOOK}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    statement = next(c for c in nb["cells"] if c.get("id") == layout.statement_id("ex1"))
    statement["source"][-2] = statement["source"][-2].replace("numpy", "NumPy")
    path.write_text(make_exercises.render(nb), encoding="utf-8")
    assert make_exercises.drift(make_exercises.generated_files(copy_root)) == [path]
    path.write_text(make_exercises.render(make_exercises.notebook_for(definition("ex02"))), encoding="utf-8")
    # … ou une source changée sans régénérer : les deux se voient.
    ex = definition("ex03").EXERCISES[0]
    monkeypatch.setattr(ex, "points", ex.points + 1)
    stale = make_exercises.drift(make_exercises.generated_files(copy_root))
    assert stale == [copy_root / "exercises" / f"{definition('ex03').NOTEBOOK}.ipynb",
                     copy_root / "exercises" / "index.md"]
    # Un cahier sans source.
    (copy_root / "exercises" / "ex99_orphelin.ipynb").write_text("{}", encoding="utf-8")
    assert [p.name for p in make_exercises.orphans(copy_root)] == ["ex99_orphelin.ipynb"]


def test_generated_notebooks_say_so():
    for name in NOTEBOOKS:
        meta = _nb(name)["metadata"][layout.METADATA_KEY]
        assert meta["cahier"] == name and meta["edition"] == "publique"
        assert "ne pas modifier" in meta["genere"] and f"lstm_lib/grading/{name}.py" in meta["genere"]
    attributes = (ROOT / ".gitattributes").read_text(encoding="utf-8")
    assert "exercises/ex[0-9][0-9]_*.ipynb linguist-generated=true" in attributes
    index = (ROOT / "exercises" / "index.md").read_text(encoding="utf-8")
    for block in make_exercises.INDEX_BLOCKS:
        assert re.search(rf"^% généré:{block} .*ne pas modifier", index, re.M) and f"% fin:{block}" in index


def test_index_page_table_matches_sources():
    import reading_time

    text = (ROOT / "exercises" / "index.md").read_text(encoding="utf-8")
    for name in NOTEBOOKS:
        module = definition(name)
        row = next(line for line in text.splitlines() if f"{{doc}}`{module.NOTEBOOK}`" in line)
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert int(cells[2]) == len(module.EXERCISES), row
        points = f"{sum(ex.points for ex in module.EXERCISES):g}"
        if getattr(module, "RUBRIC", None):  # un mini-projet : la partie automatique, puis le rapport
            points += f" + {sum(c.points for c in module.RUBRIC):g} (rapport)"
        assert cells[3] == points, row
        # La durée du cahier : celle que la page du chapitre affiche (tools/reading_time.py, une seule règle).
        minutes = reading_time.estimate_exercises(_nb(name))["exercises"]
        assert cells[4] == reading_time.format_minutes(sum(e["minutes"] for e in minutes)), row


def test_index_gives_time_and_level_of_each_exercise():
    """Le tableau « un par un » : chaque exercice, son niveau et sa durée (donnée par la source, ou estimée)."""
    import reading_time

    text = (ROOT / "exercises" / "index.md").read_text(encoding="utf-8")
    block = text.split("% généré:detail", 1)[1].split("% fin:detail", 1)[0]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines()[1:] if line.startswith("| ex")]
    expected = [(name, ex) for name in NOTEBOOKS for ex in definition(name).EXERCISES]
    assert len(rows) == len(expected)
    for (name, ex), row in zip(expected, rows):
        assert row[0] == name and row[1].startswith(f"{ex.key} — "), row
        assert row[2] == (ex.level or "—"), row
        if ex.minutes:
            assert row[3] == reading_time.format_minutes(ex.minutes), row
        else:
            assert row[3].endswith("(estimée)"), row
        assert float(row[4]) == ex.points, row


def test_replace_block_refuses_a_missing_block():
    with pytest.raises(ValueError, match="bloc généré « tableau » introuvable"):
        make_exercises.replace_block("# Exercices\n", "tableau", "|a|")


# --------------------------------------------------------------------------
# La disposition que relit le correcteur
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_layout(name):
    nb = _nb(name)
    cells = nb["cells"]
    ids = [c.get("id") for c in cells]
    assert len(ids) == len(set(ids)) and ids[:4] == ["colab-setup", "introduction", layout.IDENTITY_ID, "preparation"]
    assert ids[-2:] == ["bilan-titre", "bilan"] and _src(cells[-1]) == "cahier.bilan()"
    assert _src(cells[2]).rstrip().endswith('etudiant = ""') and cells[2]["metadata"]["tags"] == [layout.IDENTITY_ID]
    keys = [ex.key for ex in definition(name).EXERCISES]
    unpack = ", ".join(keys) + ("," if len(keys) == 1 else "")  # « ex1, = … » : un seul exercice, pas la liste
    assert f'Cahier("{name}", globals())' in _src(cells[3]) and f"{unpack} = cahier.exercices" in _src(cells[3])
    for ex in definition(name).EXERCISES:
        k = ids.index(layout.answer_id(ex.key))
        answer, check = cells[k], cells[k + 1]
        assert answer["cell_type"] == "code" and _src(answer) == ex.starter.rstrip("\n")
        assert answer["metadata"]["tags"] == layout.answer_tags(ex.key)
        assert check["id"] == layout.check_id(ex.key) and _src(check).startswith(layout.check_source(ex.key))
        statement = _src(cells[ids.index(layout.statement_id(ex.key))])
        assert statement.startswith(f"````{{exercise}} {ex.key} — ") and f":label: {name}-{ex.key}\n" in statement
        assert statement.splitlines()[0].endswith(f" — {plural(ex.points, 'point')}")
        assert 1 <= k - ids.index(layout.statement_id(ex.key)) <= 3  # énoncé, (données), (aide), réponse
        # Un énoncé propre à la copie s'affiche juste sous l'énoncé, par exK.enonce().
        personal = layout.data_id(ex.key) in ids
        assert personal == ex.personal
        if personal:
            assert ids.index(layout.data_id(ex.key)) == ids.index(layout.statement_id(ex.key)) + 1
            assert _src(cells[ids.index(layout.data_id(ex.key))]) == layout.data_source(ex.key)
        # La durée donnée par la source est dans les métadonnées de l'énoncé (tools/reading_time.py la lit).
        meta = cells[ids.index(layout.statement_id(ex.key))]["metadata"]
        assert meta.get("lstm_exercises", {}).get("minutes") == ex.minutes
        solution = _src(cells[ids.index(layout.solution_id(ex.key))])
        assert solution.startswith(f"````{{solution}} {name}-{ex.key}\n:class: dropdown\n")
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_statements_follow_french_typography(name):
    """Espace insécable avant « : ; ? ! » dans chaque énoncé, hors code et hors maths."""
    import re

    from lstm_lib.grading.core import _CODE

    bad = []
    for cell in _nb(name)["cells"]:
        if cell.get("id", "").startswith("enonce-"):
            inner = "\n".join(_src(cell).splitlines()[1:-1])  # sans la clôture ```` de la directive
            prose = "".join(_CODE.split(inner)[0::2])
            bad += [f"{cell['id']} : …{m.group(0)}" for m in re.finditer(r".{0,25} [:;?!]", prose)]
    print(f"{name} : {len(bad)} espaces ordinaires avant : ; ? !")
    assert bad == [], bad


def test_answer_cells_are_found_without_ids():
    """Une copie en nbformat 4.4 (sans identifiants) : par l'étiquette, sinon par la position."""
    nb = _nb("ex04")
    for cell in nb["cells"]:
        cell.pop("id")
    keys = [ex.key for ex in definition("ex04").EXERCISES]
    expected = [k for k, c in enumerate(nb["cells"]) if "reponse" in c["metadata"].get("tags", [])]
    assert [layout.locate_answer(nb["cells"], key) for key in keys] == [(k, "étiquette") for k in expected]
    for cell in nb["cells"]:
        cell["metadata"] = {}
    assert [layout.locate_answer(nb["cells"], key) for key in keys] == [(k, "position") for k in expected]
    # Une cellule de vérification supprimée : introuvable, pas une autre cellule.
    del nb["cells"][expected[1] + 1]
    assert layout.locate_answer(nb["cells"], keys[1]) == (None, "")


def test_student_edition_notebook_has_no_solution():
    module = definition("ex02")
    public = make_exercises.render(make_exercises.notebook_for(module))
    student_nb = make_exercises.notebook_for(module, edition="eleve", colab_url="https://example.org/eleve")
    student = make_exercises.render(student_nb)
    assert "{solution}" in public and ".solution()" in public
    assert "{solution}" not in student and ".solution()" not in student
    assert "git+https://example.org/eleve" in student and student_nb["metadata"]["lstm_grading"]["edition"] == "eleve"
    for ex in module.EXERCISES:
        assert json.dumps(ex.solution.strip())[1:-1] not in student
    # Même code dans les cellules de réponse : le correcteur note les deux éditions de la même façon.
    answers = lambda nb: [c["source"] for c in nb["cells"] if "reponse" in c["metadata"].get("tags", [])]  # noqa: E731
    assert answers(student_nb) == answers(make_exercises.notebook_for(module))


def test_every_exercise_notebook_has_a_source():
    """Un cahier d'exercices sans source ne serait jamais corrigé (et l'inverse)."""
    on_disk = sorted(p.name[:4] for p in (ROOT / "exercises").glob("ex[0-9][0-9]_*.ipynb"))
    assert on_disk == list(NOTEBOOKS)
    assert len(NOTEBOOKS) >= 6  # la découverte des modules a bien fonctionné


# --------------------------------------------------------------------------
# Configuration de l'édition élève (sans build)
# --------------------------------------------------------------------------

def test_student_config_changes_only_what_it_must():
    base = build_student_edition.load_base()
    derived = build_student_edition.student_config(base, "https://github.com/prof/lstm-eleve", "cours")
    assert derived["sphinx"]["config"]["hide_solutions"] is True
    assert derived["title"].endswith("(édition élève)")
    assert derived["repository"] == {**base["repository"], "url": "https://github.com/prof/lstm-eleve",
                                     "branch": "cours"}
    assert "hide_solutions" not in (base.get("sphinx", {}).get("config") or {})
    for key in base:
        if key not in ("title", "sphinx", "repository"):
            assert derived[key] == base[key], key
    for key, value in (base["sphinx"].get("config") or {}).items():
        assert derived["sphinx"]["config"][key] == value
    local = build_student_edition.build_config(copy.deepcopy(derived))
    for name in base["sphinx"].get("local_extensions") or {}:
        assert Path(local["sphinx"]["local_extensions"][name]) == (ROOT / "tools").resolve()
    assert Path(local["execute"]["cache"]).is_absolute()


def test_student_edition_dry_run(capsys):
    assert build_student_edition.main(["--repository", "https://github.com/prof/lstm-eleve", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "hide_solutions: true" in out and "https://github.com/prof/lstm-eleve" in out and "-W" in out


def test_student_edition_refuses_the_public_repository(capsys):
    url = build_student_edition.load_base()["repository"]["url"]
    with pytest.raises(SystemExit) as exit_info:
        build_student_edition.main(["--repository", url, "--dry-run"])
    assert exit_info.value.code == 2 and "livre public" in capsys.readouterr().err


@pytest.mark.parametrize("text, expected", [
    ("avant\n\n```{solution} q1\n:class: dropdown\nRéponse.\n```\n\naprès\n", "avant\n\naprès\n"),
    ("a\n````{solution} q\n```python\nx = 1\n```\n````\nb", "a\nb"),
    ("a\n:::{solution} q\ntexte\n:::\nb\n", "a\nb\n"),
    ("```{exercise}\n:label: q\nÉnoncé\n```\n", "```{exercise}\n:label: q\nÉnoncé\n```\n"),
])
def test_strip_solutions(text, expected):
    assert build_student_edition.strip_solutions(text) == expected


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_notebook_has_two_exercises_above_apply(name):
    """Au moins deux exercices d'analyse, d'évaluation, de conception ou de débogage par cahier."""
    from lstm_lib.grading.core import HIGHER_LEVELS, LEVELS

    exercises = definition(name).EXERCISES
    assert all(ex.level in LEVELS and ex.minutes for ex in exercises), [(ex.key, ex.level) for ex in exercises]
    higher = [f"{ex.key} ({ex.level})" for ex in exercises if ex.level in HIGHER_LEVELS]
    print(f"{name} : {', '.join(higher)}")
    if getattr(definition(name), "RUBRIC", None):  # le mini-projet : un seul livrable, qui se conçoit
        assert len(higher) == len(exercises), higher
        return
    assert len(higher) >= 2, higher
