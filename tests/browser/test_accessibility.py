"""Accessibilité et lecture : axe-core (WCAG 2.0/2.1 A et AA), thème clair et sombre, téléphone.

Chaque page du livre (lues dans ``_toc.yml``, plus la recherche et l'index) est ouverte dans
Chromium en thème clair puis sombre, sur un écran de bureau, et une fois sur un téléphone
(390 × 844). axe-core vient de ``node_modules`` (``package.json``, ``devDependencies``) et
s'injecte depuis ce fichier local : aucune requête ne sort du site.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_fixtures import THEME_MODES, SiteServer, chromium, load, new_context

from conftest import ROOT, toc_docnames

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(' ')) }));
}"""

# Ce qu'un lecteur ou un lecteur d'écran rencontre comme texte d'interface : noms accessibles,
# infobulles, textes cachés pour les lecteurs d'écran.
UI_TEXTS = """() => {
  const texts = [];
  const add = (where, text) => { if (text && text.trim()) texts.push([where, text.trim()]); };
  for (const el of document.querySelectorAll('[aria-label], [title], [data-bs-title], [data-tooltip], [placeholder], [data-toggle-hint]')) {
    // Titres d'articles cités et titres des pages liées (a.reference), sorties des cahiers : du contenu.
    if (el.closest('.citation, .bibtex, div.cell_output, .highlight') || el.matches('a.reference')) continue;
    for (const name of ['aria-label', 'title', 'data-bs-title', 'data-tooltip', 'placeholder', 'data-toggle-hint'])
      add(`${el.tagName.toLowerCase()}[${name}]`, el.getAttribute(name));
  }
  for (const el of document.querySelectorAll('.visually-hidden, .sr-only, .screen-reader-text'))
    add('texte caché', el.textContent);
  for (const el of document.querySelectorAll('button, [role=button]'))
    if (!el.closest('div.cell_output')) add('bouton', el.innerText);
  return texts;
}"""
# Les mots anglais des interfaces de Sphinx et de ses thèmes (sans ceux qu'écrit aussi le
# français : page, navigation, version, source, menu…).
ENGLISH_UI = re.compile(
    r"\b(toggle|search|copy|copied|download|launch|fullscreen|full screen|edit|repository|issue|print|"
    r"skip|back to top|light|dark|system|settings|contents|previous|next|theme|close|clear|hide|show|"
    r"click|open|main|sidebar|color mode|on this page|warning|loading)\b",
    re.IGNORECASE,
)
FRENCH_EXCEPTIONS = re.compile(r"\b(Binder|Colab|Thebe|Jupyter|PDF|Ctrl|K)\b")

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const main = document.querySelector('main') || document.body;
  const hidden = (el) => { for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || (s.clip && s.clip !== 'auto') || s.clipPath !== 'none') return true;
      if (e.tagName.toLowerCase() === 'mjx-assistive-mml') return true;
    } return false; };
  // Dans un conteneur qui défile (ou qui coupe) et qui, lui, tient dans l'écran.
  const contained = (el) => {
    for (let e = el.parentElement; e && e !== document.documentElement; e = e.parentElement) {
      const s = getComputedStyle(e);
      const r = e.getBoundingClientRect();
      if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX) && r.right <= width + 1 && r.left >= -1) return true;
    }
    return false;
  };
  const problems = [];
  for (const el of main.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || (r.right <= width + 1 && r.left >= -1)) continue;
    if (hidden(el) || contained(el)) continue;
    const label = el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
    problems.push(`${label} (${Math.round(r.left)} → ${Math.round(r.right)} px) : ${(el.textContent || el.getAttribute('alt') || '').trim().slice(0, 60)}`);
  }
  // Une figure réduite au point d'être illisible : on garde au moins 540 px (ou sa taille), quitte à défiler.
  const images = [...main.querySelectorAll('img')].filter((img) => !hidden(img) && img.naturalWidth > 0).map((img) => ({
    src: img.getAttribute('src').slice(-50), natural: img.naturalWidth, shown: Math.round(img.getBoundingClientRect().width) }));
  return { width, pageWidth: document.documentElement.scrollWidth, problems: problems.slice(0, 20), count: problems.length, images };
}"""

# Ce qui défile de côté sur un téléphone : de combien, et si le bord à faire défiler s'estompe
# (_static/lstm-site.css, 5) au début, puis plus au bout (le masque change avec le défilement).
SCROLL_HINTS = """async () => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const scrollers = [...document.querySelectorAll('main *')].filter((e) => {
    const s = getComputedStyle(e);
    return ['auto', 'scroll'].includes(s.overflowX) && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1
      && e.closest('details:not([open])') === null;
  });
  const found = [];
  for (const e of scrollers) {
    const label = e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/)[0] : '');
    const item = { label, overflow: e.scrollWidth - e.clientWidth, text: (e.textContent || '').trim().slice(0, 50) };
    // Une formule : ce qui déborde doit être son dessin, pas son MathML caché.
    const svg = e.tagName.toLowerCase() === 'mjx-container' ? e.querySelector(':scope > svg') : null;
    item.drawnWider = svg ? svg.getBoundingClientRect().width > e.clientWidth + 1 : true;
    e.scrollLeft = 0;
    await frame();
    item.start = getComputedStyle(e).maskImage;
    e.scrollLeft = e.scrollWidth;
    await frame();
    item.end = getComputedStyle(e).maskImage;
    e.scrollLeft = 0;
    found.push(item);
  }
  return found;
}"""

# Une formule en bloc plus large que la colonne d'un écran de bureau : sa fin ne se voit pas.
WIDE_FORMULAS = """() => [...document.querySelectorAll('main mjx-container[display="true"]')]
  .filter((e) => !e.closest('details:not([open])'))
  .map((e) => [Math.round(e.querySelector(':scope > svg').getBoundingClientRect().width), e.clientWidth,
               (e.querySelector('mjx-assistive-mml') || e).textContent.slice(0, 60)])
  .filter(([drawn, column]) => drawn > column + 1)
  .map(([drawn, column, text]) => `${drawn} px pour ${column} : ${text}`)"""

DUPLICATE_IDS = """() => {
  const count = {};
  for (const el of document.querySelectorAll('[id]')) count[el.id] = (count[el.id] || 0) + 1;
  return Object.entries(count).filter(([, n]) => n > 1).map(([id, n]) => `${id} (${n} fois)`);
}"""

CODE_WIDTH = """() => [...document.querySelectorAll('main div.highlight pre, main .cell_output pre')]
  .filter((pre) => pre.scrollWidth > pre.clientWidth + 1)
  .map((pre) => `${pre.scrollWidth} px pour ${pre.clientWidth} : ${pre.textContent.split('\\n').sort((a, b) => b.length - a.length)[0].slice(0, 90)}`)"""


def _pages() -> list[str]:
    return [f"{docname}.html" for docname in toc_docnames()] + ["search.html", "genindex.html"]


def _report(problems: dict) -> str:
    lines = []
    for page, items in problems.items():
        lines.append(f"{page} :")
        lines += [f"    {item}" for item in items[:10]]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def audit(built_html):
    """Chaque page, en clair et en sombre (bureau) puis sur un téléphone : ce qu'on en relève."""
    if not AXE.is_file():
        pytest.fail(f"axe-core manque ({AXE.relative_to(ROOT)}) : lancez « python tools/site_assets.py » (npm ci).")
    axe_source = AXE.read_text(encoding="utf-8")
    found = {"axe": {}, "themes": {}, "texts": {}, "code": {}, "phone": {}, "scroll": {}, "ids": {}, "formulas": {}, "external": []}
    with SiteServer(built_html) as server, chromium() as browser:
        for mode in THEME_MODES:
            context = new_context(browser, server.origin, mode=mode)
            for page_path in _pages():
                page, theme = load(context, server, page_path)
                found["themes"][(mode, page_path)] = theme
                page.add_script_tag(content=axe_source)
                found["axe"][(mode, page_path)] = page.evaluate(RUN_AXE, WCAG_TAGS)
                if mode == "light":
                    found["texts"][page_path] = page.evaluate(UI_TEXTS)
                    found["code"][page_path] = page.evaluate(CODE_WIDTH)
                    found["ids"][page_path] = page.evaluate(DUPLICATE_IDS)
                    found["formulas"][page_path] = page.evaluate(WIDE_FORMULAS)
                page.close()
            found["external"] += context.external
            context.close()
        context = new_context(browser, server.origin, phone=True)
        for page_path in _pages():
            page, _ = load(context, server, page_path)
            found["phone"][page_path] = page.evaluate(OVERFLOW)
            found["scroll"][page_path] = page.evaluate(SCROLL_HINTS)
            page.close()
        found["external"] += context.external
        context.close()
    return found


def test_axe_finds_no_critical_or_serious_violation(audit):
    problems = {}
    counts = {impact: 0 for impact in ("critical", "serious", "moderate", "minor")}
    for (mode, page), violations in audit["axe"].items():
        for v in violations:
            counts[v["impact"]] = counts.get(v["impact"], 0) + len(v["nodes"])
        blocking = [f"{v['impact']} {v['id']} ({v['help']}) : {v['nodes'][:3]}" for v in violations if v["impact"] in BLOCKING]
        if blocking:
            problems[f"{page} [{mode}]"] = blocking
    print(f"axe-core sur {len(audit['axe'])} pages × thèmes : {counts}")
    assert len(audit["axe"]) == 2 * len(_pages())
    assert not problems, "violations WCAG 2.0/2.1 A et AA :\n" + _report(problems)


def test_dark_mode_is_really_applied(audit):
    """Sans quoi le passage « sombre » d'axe ne vérifierait que le thème clair une seconde fois."""
    wrong = {key: theme for key, theme in audit["themes"].items() if theme != key[0]}
    assert not wrong, wrong


def test_no_request_leaves_the_site(audit):
    assert not audit["external"], audit["external"][:10]


def test_interface_texts_are_french(audit):
    problems = {}
    for page, texts in audit["texts"].items():
        english = [f"{where} : « {text} »" for where, text in texts
                   if ENGLISH_UI.search(FRENCH_EXCEPTIONS.sub("", text))]
        if english:
            problems[page] = sorted(set(english))
    assert all(audit["texts"].values())
    assert not problems, "textes d'interface en anglais :\n" + _report(problems)


def test_nothing_in_main_overflows_a_phone_screen(audit):
    problems = {}
    for page, seen in audit["phone"].items():
        items = list(seen["problems"])
        if seen["pageWidth"] > seen["width"] + 1:
            items.insert(0, f"la page défile de côté : {seen['pageWidth']} px pour {seen['width']}")
        items += [f"figure illisible : {img['src']} affichée sur {img['shown']} px (taille {img['natural']} px)"
                  for img in seen["images"] if img["shown"] < min(img["natural"], 540) - 1]
        if items:
            problems[page] = items
    assert all(seen["width"] == 390 for seen in audit["phone"].values())
    assert not problems, "sur un téléphone (390 × 844) :\n" + _report(problems)


def test_what_scrolls_sideways_on_a_phone_says_so(audit):
    """Un conteneur qui défile de côté a un bord estompé du côté où il reste à voir, et il défile
    pour de vrai : une formule défile parce que son dessin est trop large, pas parce que le MathML
    caché des lecteurs d'écran l'élargit (il faisait défiler de 3 px des formules de 15 px)."""
    problems, count = {}, 0
    for page, scrollers in audit["scroll"].items():
        items = []
        for s in scrollers:
            count += 1
            if not s["drawnWider"]:
                items.append(f"{s['label']} défile de {s['overflow']} px pour son MathML caché : {s['text']}")
            elif "gradient" not in s["start"] or s["start"] == s["end"]:
                items.append(f"{s['label']} défile de {s['overflow']} px sans le montrer "
                             f"(masque au début : {s['start'][:40]} ; au bout : {s['end'][:40]}) : {s['text']}")
        if items:
            problems[page] = items
    print(f"{count} conteneurs qui défilent de côté sur {len(audit['scroll'])} pages (téléphone)")
    assert count > 0
    assert not problems, "sur un téléphone (390 × 844) :\n" + _report(problems)


def test_no_id_appears_twice_in_a_page(audit):
    """WCAG 2.1, critère 4.1.1 : un identifiant par élément (tools/site_a11y.py, 4.)."""
    problems = {page: ids for page, ids in audit["ids"].items() if ids}
    print(f"{len(audit['ids'])} pages relues")
    assert len(audit["ids"]) > 20
    assert not problems, "identifiants en double :\n" + _report(problems)


def test_no_display_formula_is_wider_than_the_column_on_a_desktop(audit):
    problems = {page: items for page, items in audit["formulas"].items() if items}
    assert len(audit["formulas"]) > 20
    assert not problems, "formules plus larges que la colonne (1280 px) :\n" + _report(problems)


def test_no_code_line_is_wider_than_the_column_on_a_desktop(audit):
    problems = {page: lines for page, lines in audit["code"].items() if lines}
    assert not problems, "lignes de code plus larges que la colonne (1280 px) :\n" + _report(problems)


def test_every_page_has_a_favicon(built_html):
    pages = _pages()
    for page in pages:
        text = (built_html / page).read_text(encoding="utf-8")
        icon = re.search(r'<link rel="icon" href="([^"]+)"', text)
        assert icon, f"{page} : pas de favicon"
        assert (built_html / Path(page).parent / icon.group(1)).resolve().is_file(), (page, icon.group(1))
