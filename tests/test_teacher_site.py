"""Ce qu'un enseignant trouve sur le site construit : licences, durées de chaque
chapitre, guide de l'enseignant (pages de ``_toc.yml``, lues dans ``_build/html``).

Les tests dans le navigateur (``tests/browser/``) ouvrent aussi le guide, comme
toute page du site : console, ressources, équations, textes alternatifs, titres.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, source_of, toc_docnames

sys.path.insert(0, str(ROOT / "tools"))
import reading_time as rt  # noqa: E402

NBSP = "\u00a0"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
CC_DEED = "https://creativecommons.org/licenses/by-sa/4.0/deed.fr"


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def chapter_docnames() -> list[str]:
    return [d for d in toc_docnames() if d.startswith("chapters/") and rt.chapter_number(d) is not None]


def exercise_docnames() -> list[str]:
    return [d for d in toc_docnames() if re.fullmatch(r"exercises/ex\d+.*", d)]


# --- licences ---------------------------------------------------------------------------


def test_licence_files_are_the_real_texts():
    cc = (ROOT / "LICENSE-CC-BY-SA-4.0").read_text(encoding="utf-8")
    assert cc.startswith("Attribution-ShareAlike 4.0 International")
    for section in range(1, 9):
        assert f"Section {section} -- " in cc, f"section {section} absente du texte CC BY-SA 4.0"
    assert "Creative Commons may be contacted at creativecommons.org." in cc
    assert len(cc) > 18_000  # le texte entier, pas un résumé
    mit = (ROOT / "LICENSE-MIT").read_text(encoding="utf-8")
    assert mit.startswith("MIT License") and "Permission is hereby granted, free of charge" in mit
    notice = (ROOT / "LICENSE").read_text(encoding="utf-8")
    for needle in ("CC BY-SA 4.0", "LICENSE-CC-BY-SA-4.0", "MIT", "LICENSE-MIT", "Créditer le livre"):
        assert needle in notice


def test_package_metadata_says_mit_and_ships_the_licence():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    for name in project["license-files"]:
        assert (ROOT / name).is_file(), name
    assert "LICENSE-MIT" in project["license-files"]


def test_readme_and_intro_state_both_licences():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    intro = (ROOT / "intro.md").read_text(encoding="utf-8")
    for text in (readme, intro):
        assert "CC BY-SA 4.0" in text and "MIT" in text
    assert CC_DEED in intro
    assert "Pour créditer le livre" in intro


def test_footer_of_every_page_has_the_licence_line(built_html):
    pages = sorted(p for p in built_html.rglob("*.html") if not p.relative_to(built_html).parts[0].startswith("_"))
    assert len(pages) >= len(toc_docnames())
    missing = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if re.search(r'<meta[^>]+http-equiv="refresh"', html[:2000], re.I):
            continue  # index.html : simple renvoi vers la première page
        footer = re.search(r'<p class="licence">(.*?)</p>', html, re.S)
        if not footer or CC_DEED not in footer.group(1) or "MIT" not in footer.group(1):
            missing.append(page.relative_to(built_html).as_posix())
    assert not missing, f"ligne de licence absente du pied de page : {missing}"


# --- durées sous le titre de chaque chapitre --------------------------------------------


def _reading_line(html: str) -> str | None:
    found = re.search(r"</h1>\s*<p class=\"reading-time\">(.*?)</p>", html, re.S)
    return found.group(1) if found else None


def test_every_chapter_shows_reading_and_exercise_times(built_html):
    chapters = chapter_docnames()
    assert len(chapters) >= 6
    exercises = {rt.chapter_number(d): d for d in exercise_docnames()}
    problems = []
    for docname in chapters:
        line = _reading_line((built_html / f"{docname}.html").read_text(encoding="utf-8"))
        if line is None:
            problems.append(f"{docname} : pas de ligne « Lecture : … » sous le titre")
            continue
        text = _text(line)
        print(docname, text)
        if not re.fullmatch(rf"Lecture{NBSP}: ~\d+{NBSP}(min|h({NBSP}\d\d)?)(.*)", text):
            problems.append(f"{docname} : {text!r}")
        exercise = exercises.get(rt.chapter_number(docname))
        if exercise is None:
            continue
        # La durée des exercices est celle que donne leur cahier, et renvoie à sa page.
        notebook = rt.read_notebook(source_of(exercise))
        expected = rt.format_minutes(rt.estimate_exercises(notebook)["minutes"])
        if f"exercices{NBSP}: {expected}" not in text:
            problems.append(f"{docname} : exercices attendus à {expected}, lu {text!r}")
        depth = "../" * docname.count("/")
        if f'href="{depth}{exercise}.html"' not in line:
            problems.append(f"{docname} : « exercices » ne renvoie pas à {exercise}")
    assert not problems, "\n".join(problems)


def test_every_exercise_page_shows_its_time(built_html):
    pages = exercise_docnames()
    assert pages
    for docname in pages:
        line = _reading_line((built_html / f"{docname}.html").read_text(encoding="utf-8"))
        assert line and re.fullmatch(rf"Exercices{NBSP}: ~\d+{NBSP}(min|h.*)", _text(line)), (docname, line)


# --- le guide de l'enseignant ------------------------------------------------------------


def _guide(built_html: Path) -> str:
    return (built_html / "guide-enseignant.html").read_text(encoding="utf-8")


def test_guide_is_in_the_toc_and_linked_from_the_introduction(built_html):
    assert "guide-enseignant" in toc_docnames()
    intro = (built_html / "intro.html").read_text(encoding="utf-8")
    assert 'href="guide-enseignant.html"' in intro


def test_guide_covers_what_a_teacher_needs(built_html):
    text = _text(_guide(built_html))
    for heading in ("Prérequis", "Les objectifs de chaque chapitre", "Combien de temps", "Un module de trois semaines",
                    "Organiser les rendus et la correction", "Mettre en place la classe", "Binder", "Colab",
                    "Un JupyterHub d’établissement", "Les rendus en retard", "Ajouter un exercice privé",
                    "Imprimer le livre", "Réutiliser le livre"):
        assert heading in text, f"section « {heading} » absente du guide"
    for needle in ("File › Download", "jupyter-repo2docker", "binder/", "Moodle"):
        assert needle in text


def test_guide_links_the_readme_teacher_section(built_html):
    url = CONFIG["repository"]["url"].rstrip("/")
    branch = CONFIG["repository"].get("branch", "main")
    assert f'href="{url}/blob/{branch}/README.md#corriger-les-exercices-enseignants"' in _guide(built_html)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^## Corriger les exercices \(enseignants\)\s*$", readme, re.M), (
        "le guide renvoie à la section « Corriger les exercices (enseignants) » du README : elle a disparu ?"
    )


def test_guide_durations_come_from_every_chapter(built_html):
    """Chaque chapitre de _toc.yml a sa ligne dans le tableau des durées, avec les
    mêmes durées que sous son titre ; aucun n'y est « à paraître »."""
    html = _guide(built_html)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
    problems = []
    for docname in chapter_docnames():
        row = next((r for r in rows if f'href="{docname}.html"' in r and "<td" in r), None)
        if row is None:
            problems.append(f"{docname} : absent du tableau des durées")
            continue
        cells = [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        line = _text(_reading_line((built_html / f"{docname}.html").read_text(encoding="utf-8")))
        reading = line.split(NBSP + ";")[0].removeprefix(f"Lecture{NBSP}: ")
        if cells[1] != reading or "à paraître" in row:
            problems.append(f"{docname} : {cells} contre « {line} »")
        print(docname, cells)
    assert not problems, "\n".join(problems)


def test_guide_copies_each_written_chapter_objectives(built_html):
    """La liste « Objectifs » de chaque chapitre se lit telle quelle dans le guide."""
    guide = _text(_guide(built_html))
    for docname in chapter_docnames():
        html = (built_html / f"{docname}.html").read_text(encoding="utf-8")
        section = re.search(r'<section id="objectifs">(.*?)</section>', html, re.S)
        assert section, f"{docname} : section « Objectifs » introuvable"
        objectives = re.search(r"<ul.*?</ul>", section.group(1), re.S)
        expected = _text(objectives.group(0))
        assert len(expected) > 100
        assert f"Chapitre {rt.chapter_number(docname)}{NBSP}:" in guide
        assert expected in guide, f"{docname} : objectifs absents du guide"


def test_guide_has_no_unresolved_role(built_html):
    html = _guide(built_html)
    assert "{reading-time}" not in html and "{chapter-ref}" not in html and "problematic" not in html
