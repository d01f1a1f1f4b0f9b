"""Vérifications du cadre du livre sans le construire : configuration, glossaire,
bibliographie, rôles {term} et {cite} employés dans les pages, cellule Colab."""

from __future__ import annotations

import re
import subprocess
import sys
import types

import pytest
import yaml
from pybtex.database import parse_file

from conftest import ROOT, colab_cell, notebook_paths, read_notebook, rel, source_of, toc_docnames

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
ROLE = re.compile(r"\{(term|cite(?::[a-z]+)?)\}`([^`]*)`")


def contributing_terms() -> list[str]:
    match = re.search(r"Termes\s+définis\s+\(orthographe\s+exacte\)\s*:\s*(.+?)\.\s*\n\s*\n", CONTRIBUTING, re.S)
    assert match, "CONTRIBUTING.md : liste « Termes définis (orthographe exacte) : … » introuvable"
    return [t.strip() for t in " ".join(match.group(1).split()).split(",")]


def contributing_keys() -> list[str]:
    match = re.search(r"clés\s+de\s+`references\.bib`\s*:\s*(.+?)\.\s*\n", CONTRIBUTING, re.S)
    assert match, "CONTRIBUTING.md : liste des clés de references.bib introuvable"
    return re.findall(r"`([A-Za-z0-9_]+)`", match.group(1))


def glossary_terms() -> list[str]:
    text = (ROOT / "glossaire.md").read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    assert block, "glossaire.md doit contenir une directive {glossary}"
    return [
        line.strip()
        for line in block.group(1).splitlines()
        if line.strip() and not line[0].isspace() and not line.startswith(":")
    ]


def page_texts():
    """(nom, texte) de chaque page en Markdown et de chaque cellule Markdown des cahiers."""
    for docname in toc_docnames():
        path = source_of(docname)
        if path is None or path.suffix != ".md":
            continue
        yield rel(path), path.read_text(encoding="utf-8")
    for path in notebook_paths():
        for i, cell in enumerate(read_notebook(path)["cells"]):
            if cell["cell_type"] == "markdown":
                src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                yield f"{rel(path)} (cellule {i})", src


def roles(kind: str):
    for where, text in page_texts():
        for role, content in ROLE.findall(text):
            if role.split(":")[0] == kind:
                yield where, content


# --- configuration ---------------------------------------------------------


def test_config_is_french_executed_and_checked():
    assert CONFIG["title"] == "Comprendre les LSTM"
    assert CONFIG["sphinx"]["config"]["language"] == "fr"
    assert CONFIG["only_build_toc_files"] is True
    execute = CONFIG["execute"]
    assert execute["execute_notebooks"] == "cache"
    assert 0 < execute["timeout"] <= 300, "un délai par cellule doit être fixé"
    assert execute.get("allow_errors", False) is False
    extensions = CONFIG["sphinx"]["extra_extensions"]
    assert "sphinx_exercise" in extensions and "sphinx_togglebutton" in extensions
    assert CONFIG["bibtex_bibfiles"] == ["references.bib"]


def test_config_launch_and_repository_buttons():
    launch = CONFIG["launch_buttons"]
    assert launch["binderhub_url"] == "https://mybinder.org"
    assert launch["colab_url"] == "https://colab.research.google.com"
    assert launch["thebe"] is True
    html = CONFIG["html"]
    assert html["use_repository_button"] and html["use_issues_button"] and html["use_edit_page_button"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", CONFIG["repository"]["url"])


def test_repository_url_is_written_once():
    """L'adresse du dépôt n'est écrite que dans _config.yml (tools/colab_cell.py la lit)."""
    url = CONFIG["repository"]["url"]
    assert colab_cell.repository_url() == url
    offenders = []
    for path in ROOT.rglob("*"):
        parts = path.relative_to(ROOT).parts
        if path.is_dir() or any(p in {".venv", "_build", ".git", "node_modules"} for p in parts):
            continue
        if path.suffix not in {".py", ".md", ".yml", ".yaml", ".toml", ".txt", ".cfg", ".sh"}:
            continue
        if path.name == "_config.yml":
            continue
        if url in path.read_text(encoding="utf-8", errors="replace"):
            offenders.append(rel(path))
    assert not offenders, f"l'adresse du dépôt est recopiée dans {offenders} : lisez-la dans _config.yml"


# --- glossaire --------------------------------------------------------------


def test_glossary_defines_exactly_the_contributing_terms():
    terms = glossary_terms()
    assert len(terms) == len(set(terms)), "terme défini deux fois dans le glossaire"
    expected = contributing_terms()
    assert len(expected) >= 30
    assert set(terms) == set(expected), (
        f"manquants : {sorted(set(expected) - set(terms))} ; en trop : {sorted(set(terms) - set(expected))}"
    )


def test_glossary_gives_english_equivalent_and_definition():
    text = (ROOT / "glossaire.md").read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S).group(1)
    entries = re.split(r"\n(?=\S)", block.strip())
    entries = [e for e in entries if not e.startswith(":")]
    assert len(entries) == len(glossary_terms())
    for entry in entries:
        term, _, definition = entry.partition("\n")
        definition = " ".join(definition.split())
        assert definition.startswith("*"), f"« {term} » : la définition commence par l'équivalent anglais en italique"
        assert len(definition) > 80, f"« {term} » : définition trop courte"


def test_term_roles_point_to_glossary_terms():
    known = {t.lower() for t in glossary_terms()}
    unknown = []
    for where, content in roles("term"):
        target = re.search(r"<([^>]+)>\s*$", content)
        term = (target.group(1) if target else content).strip().lower()
        if term not in known:
            unknown.append(f"{where} : {content}")
    assert not unknown, "termes absents du glossaire :\n" + "\n".join(unknown)


# --- bibliographie ----------------------------------------------------------

BIB = parse_file(str(ROOT / "references.bib"))

# Faits de ../shared/GUIDE.md §3 : (revue, volume, numéro, pages, année).
GUIDE_FACTS = {
    "hochreiter1997": ("Neural Computation", "9", "8", "1735--1780", "1997"),
    "gers2000": ("Neural Computation", "12", "10", "2451--2471", "2000"),
    "bengio1994": ("IEEE Transactions on Neural Networks", "5", "2", "157--166", "1994"),
    "schuster1997": ("IEEE Transactions on Signal Processing", "45", "11", "2673--2681", "1997"),
    "graves2005": ("Neural Networks", "18", "5--6", "602--610", "2005"),
    "greff2017": ("IEEE Transactions on Neural Networks and Learning Systems", "28", "10", "2222--2232", "2017"),
}


def test_bibliography_has_exactly_the_contributing_keys():
    assert set(BIB.entries) == set(contributing_keys())
    assert {"olah2015", "zhang2023d2l"} <= set(BIB.entries)


@pytest.mark.parametrize("key", sorted(GUIDE_FACTS))
def test_journal_references_match_the_guide(key):
    fields = BIB.entries[key].fields
    got = tuple(fields.get(f, "") for f in ("journal", "volume", "number", "pages", "year"))
    assert got == GUIDE_FACTS[key]


def test_every_reference_is_complete():
    required = {
        "article": ("title", "journal", "volume", "pages", "year", "doi"),
        "inproceedings": ("title", "booktitle", "pages", "year", "url"),
        "book": ("title", "publisher", "year"),
        "misc": ("title", "year", "url"),
    }
    for key, entry in BIB.entries.items():
        assert entry.persons.get("author"), f"{key} : auteurs manquants"
        missing = [f for f in required[entry.type] if not entry.fields.get(f)]
        assert not missing, f"{key} : champs manquants {missing}"


def test_cited_keys_exist():
    keys = set(BIB.entries)
    unknown = [
        f"{where} : {key.strip()}"
        for where, content in roles("cite")
        for key in content.split(",")
        if key.strip() not in keys
    ]
    assert not unknown, "clés {cite} absentes de references.bib :\n" + "\n".join(unknown)


def test_chapter_bibliographies_are_filtered():
    """Une bibliographie de chapitre sans filtre listerait tout le livre (sans avertissement)."""
    directive = re.compile(r"```\{bibliography\}[^\n]*\n(.*?)```", re.S)
    for where, text in page_texts():
        for options in directive.findall(text):
            if where == "bibliographie.md":
                assert ":all:" in options
            else:
                assert ":filter: docname in docnames" in options, f"{where} : ajoutez « :filter: docname in docnames »"


def test_bibliography_page_lists_everything():
    text = (ROOT / "bibliographie.md").read_text(encoding="utf-8")
    assert re.search(r"```\{bibliography\}\n:all:\n```", text)


# --- cellule Colab ------------------------------------------------------------


def test_colab_cell_does_nothing_outside_colab(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(colab_cell.colab_source(), "colab", "exec"), {})
    assert calls == []


def test_colab_cell_installs_the_repository_in_colab(monkeypatch):
    calls, widgets = [], []
    monkeypatch.setattr(subprocess, "run", lambda args, **k: calls.append((args, k)))
    google = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    colab.output = types.SimpleNamespace(enable_custom_widget_manager=lambda: widgets.append(True))
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    exec(compile(colab_cell.colab_source(), "colab", "exec"), {})
    url = CONFIG["repository"]["url"]
    assert calls == [([sys.executable, "-m", "pip", "install", "-q", f"lstm_lib[aeon] @ git+{url}"], {"check": True})]
    assert widgets == [True]
