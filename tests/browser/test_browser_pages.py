"""Chaque page du site, ouverte dans Chromium (voir ``conftest.py`` : fixture ``crawl``).

Les pages sont celles que l'on trouve dans ``_build/html`` : une page ajoutée au
livre est vérifiée sans toucher à ces tests. Chaque test parcourt toutes les pages
et rapporte toutes celles qui échouent, avec ce qui ne va pas.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from browser_fixtures import (  # noqa: F401  (fixtures : ce module est le seul à les utiliser)
    CHROMIUM_ARGS,
    VIEWPORT,
    browser_context,
    crawl,
    open_page,
    site_pages,
    site_server,
)

ROOT = Path(__file__).resolve().parents[2]


def _report(problems: dict[str, list]) -> str:
    lines = []
    for page, items in problems.items():
        lines.append(f"{page} :")
        lines.extend(f"    {item}" for item in items[:12])
        if len(items) > 12:
            lines.append(f"    … et {len(items) - 12} de plus")
    return "\n".join(lines)


def _toc_docnames() -> list[str]:
    from sphinx_external_toc.parsing import parse_toc_yaml

    return list(parse_toc_yaml(ROOT / "_toc.yml"))


def _source_of(docname: str) -> Path | None:
    for suffix in (".ipynb", ".md"):
        if (ROOT / f"{docname}{suffix}").is_file():
            return ROOT / f"{docname}{suffix}"
    return None


def test_chromium_runs_with_the_required_flags():
    # Le contrat d'exécution de Chromium ici (voir conftest.py) ; un drapeau perdu
    # (--disable-quic, --disable-background-networking…) laisserait sortir des requêtes.
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        assert flag in CHROMIUM_ARGS


def test_every_page_of_the_book_was_opened(crawl, built_html):
    opened = set(crawl)
    assert set(site_pages(built_html)) == opened
    missing = [d for d in _toc_docnames() if f"{d}.html" not in opened]
    assert not missing, f"pages de _toc.yml absentes du site : {missing}"
    assert "search.html" in opened and "genindex.html" in opened


def test_every_resource_answers_200(crawl):
    problems = {}
    for page, visit in crawl.items():
        bad = [f"{status} {url}" for url, status in visit.responses if status != 200]
        bad += [f"échec ({error}) {url}" for url, error in visit.failed]
        if bad:
            problems[page] = bad
    assert not problems, "ressources en erreur :\n" + _report(problems)
    assert all(visit.responses for visit in crawl.values())


def test_no_request_leaves_the_site(crawl):
    problems = {page: v.external for page, v in crawl.items() if v.external}
    assert not problems, "requêtes vers une autre origine (bloquées pendant le test) :\n" + _report(problems)


def test_console_shows_no_errors(crawl):
    problems = {page: v.console_errors for page, v in crawl.items() if v.console_errors}
    assert not problems, "erreurs dans la console :\n" + _report(problems)


def test_html_lang_is_french(crawl):
    problems = {page: [f"lang={v.probe['lang']!r}"] for page, v in crawl.items() if v.probe["lang"] != "fr"}
    assert not problems, _report(problems)


def test_mathjax_rendered_every_equation(crawl):
    problems = {}
    for page, visit in crawl.items():
        math = visit.probe["math"]
        items = [f"équation non rendue : {text}" for text in math["unrendered"]]
        items += [f"erreur TeX : {error}" for error in math["errors"]]
        items += [f"TeX brut visible : {text}" for text in visit.probe["rawTex"]]
        if math["mathml"] != math["containers"] or math["pendingMathml"]:
            items.append(f"MathML des lecteurs d'écran : {math['mathml']} formules sur {math['containers']}, "
                         f"{math['pendingMathml']} encore en attente (tools/math-a11y.js)")
        if items:
            problems[page] = items
    assert not problems, _report(problems)
    # Le livre a des équations : si aucune n'était trouvée, ce test ne vérifierait rien.
    total = sum(v.probe["math"]["total"] for v in crawl.values())
    assert total > 0 and sum(v.probe["math"]["rendered"] for v in crawl.values()) == total
    mathml = sum(v.probe["math"]["mathml"] for v in crawl.values())
    print(f"{total} formules, {mathml} avec leur MathML posé dans la page")
    assert mathml >= total


def test_every_widget_rendered_or_shows_its_fallback(crawl):
    problems = {}
    widgets = 0
    for page, visit in crawl.items():
        views = visit.probe["widgets"]
        widgets += len(views)
        items = [
            f"widget {w['modelId']} ni rendu ni remplacé (vues d'erreur : {w['errorViews']}) : {w['text']!r}"
            for w in views
            if not (w["rendered"] or w["fallback"])
        ]
        if views and not visit.probe["widgetState"]:
            items.append("widgets sans état enregistré (metadata.widgets du cahier)")
        if items:
            problems[page] = items
    assert not problems, _report(problems)
    assert widgets > 0, "aucun widget trouvé sur le site : les explorateurs des chapitres ont disparu ?"


def _repository() -> tuple[str, str, str, str]:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    url = repo["url"].rstrip("/")
    org_repo = "/".join(url.split("/")[-2:])
    book_path = (repo.get("path_to_book") or "").strip("/")
    return org_repo, repo.get("branch", "main"), book_path, config["launch_buttons"]["notebook_interface"]


def test_notebook_pages_have_binder_and_colab_buttons(crawl):
    org_repo, branch, book_path, interface = _repository()
    prefix = f"{book_path}/" if book_path else ""
    problems = {}
    notebooks = 0
    for page, visit in crawl.items():
        docname = page.removesuffix(".html")
        source = _source_of(docname)
        if source is None or source.suffix != ".ipynb":
            continue
        notebooks += 1
        file = f"{prefix}{docname}.ipynb"
        tree = "lab/tree" if interface == "jupyterlab" else "tree"
        binder = f"https://mybinder.org/v2/gh/{org_repo}/{branch}?urlpath={tree}/{quote(file)}"
        colab = f"https://colab.research.google.com/github/{org_repo}/blob/{branch}/{file}"
        items = [f"bouton manquant : {url}" for url in (binder, colab) if url not in visit.probe["launch"]]
        if items:
            problems[page] = items + [f"liens trouvés : {visit.probe['launch']}"]
    assert not problems, _report(problems)
    assert notebooks > 0


def test_search_page_finds_porte_d_oubli(site_server, browser_context):
    query = "porte d'oubli"
    visit = open_page(
        browser_context,
        site_server,
        f"search.html?q={quote(query)}",
        ready="#search-results .search-summary",  # écrit quand la recherche est finie
        extract="""() => ({
            summary: document.querySelector('#search-results .search-summary').innerText,
            results: [...document.querySelectorAll('#search-results ul.search li a')]
                .map(a => a.getAttribute('href')),
        })""",
    )
    assert not visit.external and not visit.console_errors, (visit.external, visit.console_errors)
    results = visit.extra["results"]
    assert results, f"la recherche « {query} » ne trouve rien ({visit.extra['summary']!r})"
    # La porte d'oubli est introduite dans un chapitre : il fait partie des résultats.
    assert any(href.startswith("chapters/") for href in results), results


FRENCH_WORDS = re.compile(
    r"\b(le|la|les|l|un|une|des|du|de|d|et|en|à|au|aux|avec|sur|pour|par|dans|selon|est|sont|qui|que)\b",
    re.IGNORECASE,
)
# Mots qui trahissent un texte anglais (ou l'ordre anglais « Binder logo » du thème).
ENGLISH = re.compile(r"\b(the|of|and|with|plot|output|shows?)\b|^\S+ logo$", re.IGNORECASE)


def _alt_problem(alt: str | None, src: str) -> str | None:
    alt = (alt or "").strip()
    name = Path(src.split("?")[0]).name
    if not alt:
        return "alt vide"
    if alt == name or alt.lower().endswith((".png", ".svg", ".jpg", ".gif")):
        return f"alt = nom de fichier {alt!r}"
    if ENGLISH.search(alt):
        return f"alt en anglais ? {alt!r}"
    # Une description de figure est une phrase : elle a des mots-outils français.
    # (Un libellé court, comme « Binder (logo) », n'en a pas forcément.)
    if len(alt.split()) > 3 and not FRENCH_WORDS.search(alt.replace("’", " ").replace("'", " ")):
        return f"alt pas en français ? {alt!r}"
    return None


def test_every_image_has_a_french_alt(crawl):
    problems = {}
    images = 0
    for page, visit in crawl.items():
        items = []
        for image in visit.probe["images"]:
            images += 1
            problem = _alt_problem(image["alt"], image["src"])
            if problem:
                items.append(f"{problem} : {image['src'][:80]}")
            if not image["loaded"]:
                items.append(f"image non chargée : {image['src']}")
        if items:
            problems[page] = items
    assert not problems, _report(problems)
    assert images > 0


def test_headings_run_in_order(crawl):
    problems = {}
    for page, visit in crawl.items():
        if page in ("search.html", "genindex.html"):
            continue  # pages générées par Sphinx, sans plan
        headings = visit.probe["headings"]
        items = []
        levels = [h["level"] for h in headings]
        if not levels or levels[0] != 1:
            items.append(f"la page ne commence pas par un titre h1 : {headings[:1]}")
        if levels.count(1) > 1:
            items.append(f"plusieurs h1 : {[h['text'] for h in headings if h['level'] == 1]}")
        # Le livre numérote les chapitres (_toc.yml, numbered) : un titre qui porte aussi
        # son propre numéro s'affiche « 2. 2. Titre ».
        items += [f"numéro en double : « {h['text']} »" for h in headings
                  if re.match(r"^\d+(\.\d+)*\.?\s+\d+(\.\d+)*\.\s", h["text"])]
        for before, after in zip(headings, headings[1:]):
            if after["level"] > before["level"] + 1:
                items.append(f"saut de h{before['level']} « {before['text']} » à h{after['level']} « {after['text']} »")
        if items:
            problems[page] = items
    assert not problems, _report(problems)


def _png_size(path: Path) -> tuple[int, int]:
    with path.open("rb") as handle:
        header = handle.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} n'est pas un PNG"
    return struct.unpack(">II", header[16:24])


def test_chapter_screenshots_are_saved(crawl):
    chapters = [page for page in crawl if page.startswith("chapters/")]
    assert chapters, "aucun chapitre dans le site"
    for page in chapters:
        shot = crawl[page].screenshot
        assert shot is not None and shot.is_file(), f"capture manquante pour {page}"
        width, height = _png_size(shot)
        assert width == VIEWPORT["width"]
        # Pleine page : un chapitre est plus long qu'un écran.
        assert height > VIEWPORT["height"], f"{page} : capture de {height} px seulement"


def _served_glyphs(built_html: Path) -> dict[tuple[str, str], set[int]]:
    """(famille, graisse) → caractères de la police d'icônes que le site sert (tools/site_icons.py)."""
    from fontTools.ttLib import TTFont

    fonts = {("Font Awesome 6 Free", "900"): "fa-solid-900", ("Font Awesome 6 Free", "400"): "fa-regular-400",
             ("Font Awesome 6 Brands", "400"): "fa-brands-400"}
    webfonts = built_html / "_static/vendor/fontawesome/webfonts"
    return {key: set(TTFont(webfonts / f"{name}.woff2").getBestCmap()) for key, name in fonts.items()}


def test_every_icon_shown_has_its_glyph(crawl, built_html):
    """Les polices d'icônes sont réduites aux icônes du site : chaque icône que Chromium dessine
    (::before, ::after en Font Awesome) doit être dans la police servie, et chaque police se charger."""
    glyphs = _served_glyphs(built_html)
    print("caractères servis :", {f"{k[0]} {k[1]}": len(v) for k, v in glyphs.items()})
    problems, shown = {}, 0
    for page, visit in crawl.items():
        items = [f"police {f['family']} {f['weight']} : {f['status']}" for f in visit.probe["iconFonts"]
                 if f["status"] == "error"]
        for icon in visit.probe["icons"]:
            family = "Font Awesome 6 Brands" if "Brands" in icon["family"] else "Font Awesome 6 Free"
            weight = "900" if family.endswith("Free") and int(icon["weight"]) >= 600 else "400"
            for char in icon["content"][1:-1]:
                shown += 1
                if ord(char) not in glyphs[(family, weight)]:
                    items.append(f"U+{ord(char):04X} absent de {family} {weight} ({icon['where'][:60]})")
        if items:
            problems[page] = items
    print(f"{shown} icônes dessinées sur {len(crawl)} pages")
    assert shown > len(crawl), "aucune icône relevée : le relevé ne voit plus Font Awesome"
    assert not problems, _report(problems)


def test_content_images_wait_for_the_reader_and_keep_their_place(built_html):
    """Chaque image du contenu : loading="lazy", et ses vraies dimensions (tools/site_images.py)."""
    from PIL import Image

    problems, images = {}, 0
    for page in site_pages(built_html):
        text = (built_html / page).read_text(encoding="utf-8")
        article = re.search(r'<article class="bd-article"[^>]*>.*?</article>', text, re.S)
        items = []
        for tag in re.findall(r"<img\b[^>]*>", article.group(0) if article else ""):
            attributes = dict(re.findall(r'\s([a-z-]+)="([^"]*)"', tag))
            images += 1
            if attributes.get("loading") != "lazy":
                items.append(f"sans loading=lazy : {tag[:100]}")
            source = (built_html / page).parent / attributes.get("src", "")
            if source.suffix == ".png":
                with Image.open(source) as image:
                    real = image.size
                if (attributes.get("width"), attributes.get("height")) != tuple(map(str, real)):
                    items.append(f"{attributes.get('src')} : {attributes.get('width')}×{attributes.get('height')} "
                                 f"au lieu de {real[0]}×{real[1]}")
        if items:
            problems[page] = items
    print(f"{images} images du contenu")
    assert images > 20
    assert not problems, _report(problems)
