"""Les durées de lecture et d'exercices (tools/reading_time.py) et ce que le guide de
l'enseignant en tire (tools/teacher_guide.py).

Deux niveaux : les fonctions de mesure, sur des cas dont on connaît la réponse ; puis
un petit livre construit par Sphinx dans un dossier temporaire (quelques secondes),
pour vérifier la ligne sous le titre, les rôles du guide, un chapitre ajouté sans
réglage et la mise à jour du guide quand un chapitre change.
"""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import reading_time as rt  # noqa: E402

NBSP = "\u00a0"


# --- mesures élémentaires -----------------------------------------------------------


@pytest.mark.parametrize(
    "minutes, expected",
    [(0, "~5 min"), (7.4, "~5 min"), (7.6, "~10 min"), (44.9, "~45 min"), (57.6, "~1 h"),
     (62, "~1 h"), (75, "~1 h 15"), (128, "~2 h 10")],
)
def test_format_minutes_rounds_to_five_minutes(minutes, expected):
    assert rt.format_minutes(minutes) == expected.replace(" ", NBSP)


def test_count_words_ignores_punctuation():
    assert rt.count_words("La porte d'oubli : f_t ≈ 1 — elle garde « tout » !") == 8


@pytest.mark.parametrize("spec, numbers", [("5", [5]), ("1-3", [1, 2, 3]), ("1,4", [1, 4]), ("1-2, 7", [1, 2, 7])])
def test_parse_chapters(spec, numbers):
    assert rt.parse_chapters(spec) == numbers


@pytest.mark.parametrize("spec", ["", "un", "3-1", "1;2"])
def test_parse_chapters_rejects_bad_specs_in_french(spec):
    with pytest.raises(ValueError, match="attendu|envers"):
        rt.parse_chapters(spec)


@pytest.mark.parametrize(
    "docname, number",
    [("chapters/07_bptt", 7), ("exercises/ex07_bptt", 7), ("chapters/10_apres", 10), ("glossaire", None)],
)
def test_chapter_number(docname, number):
    assert rt.chapter_number(docname) == number


# --- exercices -----------------------------------------------------------------------


def _cell(kind, source, **metadata):
    return {"cell_type": kind, "metadata": metadata, "source": source, **({"outputs": []} if kind == "code" else {})}


def _exercise(label, words, solution_lines, answer="def f(x):\n    raise NotImplementedError", **cell_metadata):
    statement = " ".join(["mot"] * words)
    solution = "\n".join(f"y{i} = {i}" for i in range(solution_lines))
    cells = [
        _cell("markdown", f"````{{exercise}} {label}\n:label: {label}\n:nonumber:\n\n{statement}\n````", **cell_metadata),
        _cell("code", answer, tags=["reponse"]),
        _cell("code", f"{label}.verifier()"),
    ]
    if solution_lines:
        cells.append(_cell("markdown", f"````{{solution}} {label}\n:class: dropdown\n\n```python\n# un commentaire\n{solution}\n```\n````"))
    return cells


def _notebook(*cells, **metadata):
    metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "language_info": {"name": "python"}, **metadata}
    return {"cells": [c for group in cells for c in group], "metadata": metadata, "nbformat": 4, "nbformat_minor": 4}


def test_exercise_estimate_from_statement_and_solution():
    # 400 mots (2 min) + 3 lignes de solution (6 min, le commentaire ne compte pas) + 2 min de vérification.
    notebook = _notebook(_exercise("a-ex1", words=400, solution_lines=3))
    result = rt.estimate_exercises(notebook)
    print(result)
    assert result["exercises"] == [{"label": "a-ex1", "minutes": pytest.approx(10.0), "source": "estimate"}]
    assert result["minutes"] == pytest.approx(10.0)


def test_exercise_without_solution_counts_its_answer_cell():
    notebook = _notebook(_exercise("a-ex1", words=0, solution_lines=0, answer="x = ...\ny = ...\nz = ..."))
    (exercise,) = rt.estimate_exercises(notebook)["exercises"]
    assert exercise["minutes"] == pytest.approx(3 * 2 + 2)


def test_text_outside_exercises_is_read_at_prose_speed():
    intro = [_cell("markdown", "# Titre\n\n" + " ".join(["mot"] * 199))]  # 200 mots avec le titre
    result = rt.estimate_exercises(_notebook(intro, _exercise("a-ex1", words=0, solution_lines=1)))
    assert result["other_minutes"] == pytest.approx(1.0)
    assert result["minutes"] == pytest.approx(1.0 + 2 + 2)


def test_minutes_given_in_cell_metadata_win():
    notebook = _notebook(
        _exercise("a-ex1", words=400, solution_lines=3, lstm_exercises={"minutes": 25}),
        _exercise("a-ex2", words=400, solution_lines=3),
    )
    first, second = rt.estimate_exercises(notebook)["exercises"]
    assert first == {"label": "a-ex1", "minutes": 25.0, "source": "metadata"}
    assert second["source"] == "estimate" and second["minutes"] == pytest.approx(10.0)


def test_minutes_given_in_notebook_metadata_by_label():
    notebook = _notebook(
        _exercise("a-ex1", words=0, solution_lines=1),
        _exercise("a-ex2", words=0, solution_lines=1),
        lstm_exercises={"minutes": {"a-ex2": 12}},
    )
    first, second = rt.estimate_exercises(notebook)["exercises"]
    assert first["source"] == "estimate"
    assert second == {"label": "a-ex2", "minutes": 12.0, "source": "metadata"}


@pytest.mark.parametrize("bad", [0, -3, "dix", True, float("nan")])
def test_bad_minutes_in_metadata_get_a_french_error(bad):
    notebook = _notebook(_exercise("a-ex1", words=0, solution_lines=1, lstm_exercises={"minutes": bad}))
    with pytest.raises(ValueError, match=r"doit être un nombre de minutes positif ; reçu"):
        rt.estimate_exercises(notebook, where="ex99")


def test_notebook_minutes_must_be_a_mapping():
    notebook = _notebook(_exercise("a-ex1", words=0, solution_lines=1), lstm_exercises={"minutes": 30})
    with pytest.raises(ValueError, match="dictionnaire"):
        rt.estimate_exercises(notebook)


@pytest.mark.parametrize("path", sorted((ROOT / "exercises").glob("ex*.ipynb")), ids=lambda p: p.name)
def test_every_exercise_of_the_book_is_found(path):
    """Chaque directive {exercise} du cahier est un exercice estimé, entre 2 et 60 minutes (le livrable du
    mini-projet, qui reprend plusieurs chapitres : jusqu'à 4 heures)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    markdown = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    directives = len(re.findall(r"^`{3,}\{exercise\}", markdown, re.M))
    result = rt.estimate_exercises(notebook, where=path.name)
    print(path.name, [(e["label"], round(e["minutes"], 1)) for e in result["exercises"]])
    assert len(result["exercises"]) == directives > 0
    longest = 240 if path.stem.endswith("_mini_projet") else 60
    assert all(2 <= e["minutes"] <= longest for e in result["exercises"])


# --- un petit livre construit par Sphinx ---------------------------------------------

PROSE_WORDS = 1000  # 5 min
CODE_LINES = 60  # 6 min
EQUATION_LINES = 3  # 1 min (une équation de deux lignes, une d'une ligne)
# Ligne de titre (2 mots), phrase d'objectifs et liste : comptés en plus, voir expected_words.
OBJECTIVE = "reconnaître une porte fermée à coup sûr"


def _chapter(title: str, words: int, code_lines: int) -> str:
    code = "\n".join(f"x_{i} = {i}" for i in range(code_lines))
    return textwrap.dedent(f"""\
        # {title}

        ## Objectifs

        - {OBJECTIVE}

        ## Texte

        {" ".join(["mot"] * words)}

        ```python
        {{code}}
        ```

        $$
        a = b \\\\
        c = d
        $$

        $$
        e = f
        $$
        """).replace("{code}", code)


def _exercise_notebook() -> dict:
    return _notebook([_cell("markdown", "# Exercices du chapitre 1")],
                     _exercise("ex01-ex1", words=200, solution_lines=2))  # 1 + 4 + 2 = 7 min (+ titre)


GUIDE = textwrap.dedent("""\
    # Guide

    Lecture du chapitre 1 : {reading-time}`1`. Exercices : {exercise-time}`1`.
    Chapitres 1 et 2 : {reading-time}`1-2`. Chapitre 9 : {reading-time}`9`.
    Lien : {chapter-ref}`1`. Futur : {chapter-ref}`Le futur <9>`. Cahier : {exercises-ref}`cahier 1 <1>`.
    Vitesse : {reading-assumption}`prose`. Licence : {repository}`LICENSE`.

    :::{chapter-objectives} 1
    Texte de repli du chapitre 1.
    :::

    :::{chapter-objectives} 9
    :title: Le futur
    Texte de repli du chapitre 9.
    :::
    """)

CONF = textwrap.dedent(f"""\
    import sys
    sys.path.insert(0, {str(ROOT / "tools")!r})
    extensions = ["myst_nb", "sphinx_exercise", "reading_time", "teacher_guide"]
    myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath"]
    nb_execution_mode = "off"
    language = "fr"
    html_theme = "sphinx_book_theme"
    html_theme_options = {{"repository_url": "https://github.com/exemple/livre", "repository_branch": "main"}}
    """)


def _write_index(src: Path, chapters: list[str]) -> None:
    toctree = "\n".join(chapters + ["exercises/ex01_a", "guide"])
    (src / "index.md").write_text(f"# Livre\n\n```{{toctree}}\n{toctree}\n```\n", encoding="utf-8")


def _write_book(src: Path, chapters: list[str]) -> None:
    (src / "chapters").mkdir(parents=True, exist_ok=True)
    (src / "exercises").mkdir(exist_ok=True)
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    _write_index(src, chapters)
    (src / "chapters" / "01_a.md").write_text(_chapter("Chapitre un", PROSE_WORDS, CODE_LINES), encoding="utf-8")
    (src / "chapters" / "02_b.md").write_text(_chapter("Chapitre deux", 2 * PROSE_WORDS, 0), encoding="utf-8")
    (src / "exercises" / "ex01_a.ipynb").write_text(json.dumps(_exercise_notebook()), encoding="utf-8")
    (src / "guide.md").write_text(GUIDE, encoding="utf-8")


def _sphinx(src: Path, out: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-n", "-W", "--keep-going", "-q", str(src), str(out),
         "-d", str(out / ".doctrees")],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _text(html: str) -> str:
    # Blancs ordinaires réduits à une espace ; les espaces insécables restent.
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", "", html)).replace("&nbsp;", NBSP).strip()


def _reading_line(html: str) -> str:
    found = re.search(r'<p class="reading-time">(.*?)</p>', html, re.S)
    assert found, "pas de ligne de durée sur la page"
    return found.group(1)


@pytest.fixture(scope="module")
def small_book(tmp_path_factory):
    src = tmp_path_factory.mktemp("livre")
    out = src.parent / f"{src.name}_build"  # hors des sources (myst-nb écrit jupyter_execute à côté)
    _write_book(src, ["chapters/01_a", "chapters/02_b"])
    _sphinx(src, out)
    return src, out


def _stored(out: Path) -> dict:
    with (out / ".doctrees" / "environment.pickle").open("rb") as handle:
        return getattr(pickle.load(handle), rt.ENV_KEY)


def test_chapter_page_is_measured_prose_and_code_apart(small_book):
    _, out = small_book
    counts = _stored(out)["chapters/01_a"]["counts"]
    print(counts)
    # Texte : le titre (2 mots), « Objectifs », l'objectif (7 mots), « Texte », les 1000 mots.
    assert counts["words"] == PROSE_WORDS + 2 + 1 + len(OBJECTIVE.split()) + 1
    assert counts["code_lines"] == CODE_LINES
    assert counts["equation_lines"] == EQUATION_LINES
    assert counts["figures"] == 0
    # Même texte, deux fois plus long, sans code : le code compte bien à part.
    other = _stored(out)["chapters/02_b"]["counts"]
    assert other["code_lines"] == 0 and other["words"] == 2 * PROSE_WORDS + 2 + 1 + len(OBJECTIVE.split()) + 1


def test_line_under_the_chapter_title(small_book):
    _, out = small_book
    html = (out / "chapters" / "01_a.html").read_text(encoding="utf-8")
    # La ligne suit le titre h1, avant tout le reste.
    assert re.search(r"</h1>\s*<p class=\"reading-time\">", html)
    line = _reading_line(html)
    words = PROSE_WORDS + 11
    reading = words / 200 + CODE_LINES / 10 + EQUATION_LINES * 20 / 60
    print(_text(line), reading)
    assert _text(line) == f"Lecture{NBSP}: {rt.format_minutes(reading)}{NBSP}; exercices{NBSP}: {rt.format_minutes(7 + 0.02)}"
    assert rt.format_minutes(reading) == f"~10{NBSP}min"  # 5,1 + 6 + 1 = 12,1 min
    assert 'href="../exercises/ex01_a.html"' in line


def test_chapter_without_exercises_shows_reading_only(small_book):
    _, out = small_book
    line = _text(_reading_line((out / "chapters" / "02_b.html").read_text(encoding="utf-8")))
    assert line.startswith(f"Lecture{NBSP}:") and "exercices" not in line


def test_exercise_page_shows_its_duration(small_book):
    _, out = small_book
    line = _text(_reading_line((out / "exercises" / "ex01_a.html").read_text(encoding="utf-8")))
    assert line == f"Exercices{NBSP}: ~5{NBSP}min"  # 7 min arrondies aux 5 minutes


def test_guide_roles_are_filled_from_the_chapters(small_book):
    _, out = small_book
    html = (out / "guide.html").read_text(encoding="utf-8")
    text = _text(html)
    store = _stored(out)
    one, two = store["chapters/01_a"]["reading"], store["chapters/02_b"]["reading"]
    # (Le texte du guide de test a des espaces ordinaires ; les durées, des espaces insécables.)
    assert f"Lecture du chapitre 1 : {rt.format_minutes(one)}." in text
    assert f"Exercices : {rt.format_minutes(store['chapters/01_a']['exercises'])}." in text
    assert f"Chapitres 1 et 2 : {rt.format_minutes(one + two)}." in text
    assert "Chapitre 9 : à paraître." in text
    assert "Futur : Le futur (à paraître)." in text
    assert re.search(r'<a class="reference internal" href="chapters/01_a.html">.*?Chapitre un', html, re.S)
    assert re.search(r'href="exercises/ex01_a.html">.*?cahier 1', html, re.S)
    assert f"Vitesse : 200{NBSP}mots par minute." in text
    assert 'href="https://github.com/exemple/livre/blob/main/LICENSE"' in html


def test_guide_copies_the_objectives_or_falls_back(small_book):
    _, out = small_book
    text = _text((out / "guide.html").read_text(encoding="utf-8"))
    # Chapitre 1 : ses objectifs, pas le texte de repli.
    assert f"Chapitre 1{NBSP}: Chapitre un {OBJECTIVE}" in text
    assert "Texte de repli du chapitre 1" not in text
    # Chapitre 9 : absent, donc le texte de repli et son titre annoncé.
    assert f"Chapitre 9{NBSP}: Le futur (à paraître) Texte de repli du chapitre 9." in text


def test_added_chapter_and_changed_chapter_update_the_guide(tmp_path):
    """Un chapitre ajouté à la table des matières a sa durée sans réglage, et le guide
    suit un chapitre modifié sans qu'on le touche (reconstruction incrémentale)."""
    src, out = tmp_path / "livre", tmp_path / "build"
    _write_book(src, ["chapters/01_a", "chapters/02_b"])
    _sphinx(src, out)
    before = _text((out / "guide.html").read_text(encoding="utf-8"))
    (src / "chapters" / "09_c.md").write_text(_chapter("Chapitre neuf", 3000, 0), encoding="utf-8")
    _write_index(src, ["chapters/01_a", "chapters/02_b", "chapters/09_c"])  # le guide, lui, ne change pas
    (src / "chapters" / "01_a.md").write_text(_chapter("Chapitre un", 4 * PROSE_WORDS, CODE_LINES), encoding="utf-8")
    _sphinx(src, out)
    after = _text((out / "guide.html").read_text(encoding="utf-8"))
    store = _stored(out)
    nine = _text(_reading_line((out / "chapters" / "09_c.html").read_text(encoding="utf-8")))
    assert nine == f"Lecture{NBSP}: {rt.format_minutes(store['chapters/09_c']['reading'])}"
    assert "Chapitre 9 : à paraître" in before
    assert f"Chapitre 9 : {rt.format_minutes(store['chapters/09_c']['reading'])}." in after
    assert f"Lecture du chapitre 1 : {rt.format_minutes(store['chapters/01_a']['reading'])}." in after
    assert store["chapters/01_a"]["reading"] > 25  # 4000 mots : la durée a bien changé
    assert f"Chapitre 9{NBSP}: Chapitre neuf {OBJECTIVE}" in after


def test_bad_role_argument_fails_the_build(tmp_path):
    src, out = tmp_path / "livre", tmp_path / "build"
    _write_book(src, ["chapters/01_a"])
    (src / "guide.md").write_text("# Guide\n\n{reading-time}`un`\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(src), str(out)],
                            capture_output=True, text=True, timeout=300)
    print(result.stderr)
    assert result.returncode != 0
    assert "numéros de chapitres attendus" in result.stderr
