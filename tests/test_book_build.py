"""Le livre se construit sans un seul avertissement, et le site est complet.

La construction a lieu une fois par session (fixture ``built_book`` de conftest.py).
"""

from __future__ import annotations

import html
import re

import pytest
import yaml
from pybtex.database import parse_file

from conftest import ROOT, notebook_paths, rel, source_of, toc_docnames

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPO = CONFIG["repository"]["url"].removeprefix("https://github.com/").strip("/")
BRANCH = CONFIG["repository"]["branch"]


def page(html_dir, docname: str) -> str:
    path = html_dir / f"{docname}.html"
    assert path.is_file(), f"pas de page {rel(path)} pour l'entrée « {docname} » de _toc.yml"
    return path.read_text(encoding="utf-8")


def article(text: str) -> str:
    """Le contenu de la page, sans l'en-tête ni les barres latérales du thème."""
    match = re.search(r'<article class="bd-article"[^>]*>(.*?)</article>', text, re.S)
    assert match, "zone <article> introuvable dans la page"
    return match.group(1)


def test_build_succeeds_without_warnings(built_book):
    assert built_book.returncode == 0 and not built_book.problems, (
        f"jupyter-book build -n -W --keep-going : code {built_book.returncode}, "
        f"{len(built_book.problems)} avertissement(s) ; journal : {built_book.log_path}\n"
        + built_book.summary()
    )
    assert "build succeeded" in built_book.log


@pytest.mark.parametrize("docname", toc_docnames())
def test_every_toc_entry_has_a_page(built_html, docname):
    if source_of(docname) is None:
        pytest.fail(f"{docname} figure dans _toc.yml mais son fichier n'existe pas")
    content = article(page(built_html, docname))
    heading = re.search(r"<h1>(.*?)</h1>", content, re.S)
    assert heading and re.sub(r"<[^>]+>", "", heading.group(1)).strip(), f"{docname} : la page n'a pas de titre"


def test_site_interface_is_french(built_html):
    text = (built_html / "intro.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in text
    assert 'placeholder="Rechercher dans le livre…"' in text
    buttons = re.findall(r'btn__text-container">([^<]*)<', page(built_html, toc_docnames()[1]))
    for english in ("Repository", "Suggest edit", "Open issue", "Live Code", "Launch"):
        assert english not in buttons, f"libellé anglais « {english} » dans les boutons : {buttons}"


@pytest.mark.parametrize("path", [pytest.param(p, id=rel(p)) for p in notebook_paths()])
def test_notebook_page_has_launch_and_source_buttons(built_html, path):
    text = html.unescape(page(built_html, rel(path)[: -len(".ipynb")]))
    target = rel(path)
    assert f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?urlpath=lab/tree/{target}" in text
    assert f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/{target}" in text
    assert "thebe-launch-button" in text or "initThebe" in text
    assert f"https://github.com/{REPO}/edit/{BRANCH}/{target}" in text
    assert f"https://github.com/{REPO}/issues/new" in text


@pytest.mark.parametrize("path", [pytest.param(p, id=rel(p)) for p in notebook_paths()])
def test_figures_have_alt_text(built_html, path):
    """Chaque image d'un cahier porte un texte alternatif (métadonnée mystnb.image.alt)."""
    content = article(page(built_html, rel(path)[: -len(".ipynb")]))
    for tag in re.findall(r"<img\b[^>]*>", content):
        alt = re.search(r'\balt="([^"]*)"', tag)
        src = re.search(r'\bsrc="([^"]*)"', tag)
        alt_text = html.unescape(alt.group(1)).strip() if alt else ""
        assert alt_text and not re.search(r"\.(png|jpe?g|svg|gif)$", alt_text) and (not src or alt_text != src.group(1)), (
            f"{rel(path)} : image sans texte alternatif ({tag[:120]}…) ; ajoutez à la cellule "
            '{"mystnb": {"image": {"alt": "…"}}}'
        )


def test_glossary_page_defines_every_term(built_html):
    content = article(page(built_html, "glossaire"))
    defined = sorted(html.unescape(d).strip().replace("’", "'") for d in re.findall(r'<dt id="term-[^"]*">(.*?)<', content))
    source = (ROOT / "glossaire.md").read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", source, re.S).group(1)
    expected = sorted(line.strip() for line in block.splitlines() if line.strip() and not line[0].isspace() and not line.startswith(":"))
    assert defined == expected


def test_bibliography_page_lists_every_reference(built_html):
    content = article(page(built_html, "bibliographie"))
    # Une entrée par référence ; rôle « listitem » (doc-biblioentry, retiré de DPUB-ARIA 1.1 :
    # tools/site_a11y.py).
    entries = re.findall(r'<div class="citation" id="[^"]+" role="listitem">', content)
    bib = parse_file(str(ROOT / "references.bib"))
    assert len(entries) == len(bib.entries)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())
    # style alpha_fr (tools/sphinx_fr.py) : « et » entre les auteurs, étiquettes [HS97]
    assert "Sepp Hochreiter et Jürgen Schmidhuber" in text
    assert "HS97" in text


def test_textual_citations_name_authors_in_french(built_html):
    """{cite:t} (style label_fr de tools/sphinx_fr.py) : « Hochreiter et Schmidhuber [HS97] »."""
    texts = {
        docname: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article(page(built_html, docname)))).split())
        for docname in toc_docnames()
    }
    both = " ".join(texts.values())
    assert re.search(r"Hochreiter et Schmidhuber \[ ?HS97 ?\]", both), "citation textuelle de [HS97] absente"
    english = {d: re.findall(r"\b\w+ and \w+ \[ ?\w+\+?\d\d ?\]", t) for d, t in texts.items()}
    assert not any(english.values()), f"« and » entre auteurs : { {d: v for d, v in english.items() if v} }"
