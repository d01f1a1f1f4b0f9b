"""Le livre entier en un PDF, imprimé depuis le site par Chromium sans tête.

Usage (après ``tools/build.sh``, qui construit le site dans ``_build/html``) ::

    .venv/bin/python tools/build_pdf.py [--html _build/html] [--output FICHIER.pdf]
                                        [--solutions omit|open]

ou, depuis un clone neuf, ``tools/build_pdf.sh`` (environnement, site, puis PDF).
Le PDF arrive dans ``_build/pdf/comprendre-les-lstm.pdf``.

Comment : chaque page de ``_toc.yml``, dans l'ordre du livre, est ouverte dans
Chromium (celui de Debian, ``/usr/bin/chromium``, piloté par Playwright), qui lit
les fichiers du site sans serveur (voir :class:`SiteRoutes`) ; on attend MathJax et les widgets, puis on relève le contenu rendu
de l'article (``tools/pdf_snapshot.js``) : les équations sont donc celles du site,
et chaque widget y est sous la forme que le site affiche sans noyau. Les pages sont
mises bout à bout dans un seul document, avec une page de titre et une table des
matières, et Chromium l'imprime : numéros de page en pied de page, signets du PDF
(un par page du livre, tirés des titres), liens internes. La table des matières
imprimée porte les numéros de page lus dans les signets d'une première impression
(deux impressions, donc). Les figures des cellules sont numérotées (« Figure 2.3 »)
et légendées par la première phrase de leur texte alternatif, le site n'ayant pas
de légendes. Les solutions des exercices, repliées sur le site, sont retirées
(``--solutions open`` les imprime ouvertes). Mise en page : ``tools/pdf.css``.

La commande échoue, avec la liste en français, si une page a une équation non rendue,
une erreur TeX ou un widget sans rendu : le PDF ne montre jamais une boîte vide.

Pourquoi Chromium plutôt que le constructeur LaTeX de Jupyter Book : le PDF montre
ce que montre le site (widgets rendus, même MathJax, mêmes figures), sans une
installation TeX que les registres de paquets d'ici ne fournissent pas.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEFAULT_OUTPUT = ROOT / "_build" / "pdf" / "comprendre-les-lstm.pdf"
BOOK_PATH = "/__livre-pdf__.html"  # le document assemblé, servi à côté du site (jamais écrit dedans)
PAGE_TIMEOUT_MS = 120_000  # machine chargée : large, ce n'est pas une mesure de vitesse
NBSP = "\u00a0"
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'


# pypdf signale en avertissement des détails de structure du PDF de Chromium qu'il
# corrige lui-même (« Object count … exceeds defined trailer size ») : bruit, pas erreur.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class PdfError(Exception):
    """Une erreur de la commande, avec un message en français."""


@dataclass
class TocEntry:
    docname: str
    level: int  # 0 : chapitre d'une partie ; 1 : section d'un chapitre…
    part: str | None  # légende de la partie, sur la première entrée de chaque partie


@dataclass
class PageSnapshot:
    entry: TocEntry
    title: str
    html: str
    widgets: int
    figures: int
    styles: list[str]
    stylesheets: list[str]
    html_attributes: dict


@dataclass
class PdfReport:
    path: Path
    pages: int
    bytes: int
    seconds: float
    chapters: list[tuple[str, int]] = field(default_factory=list)  # (titre, page de début)
    widgets: int = 0
    figures: int = 0
    prints: int = 0


# --- ordre du livre -------------------------------------------------------------------


def toc_entries(root: Path = ROOT) -> list[TocEntry]:
    """Les pages de ``_toc.yml`` dans l'ordre de lecture, avec leurs parties."""
    from sphinx_external_toc.api import FileItem
    from sphinx_external_toc.parsing import parse_toc_yaml

    site = parse_toc_yaml(root / "_toc.yml")
    entries = [TocEntry(site.root.docname, 0, None)]

    def walk(docname: str, level: int) -> None:
        for subtree in site[docname].subtrees:
            first = True
            for item in subtree.items:
                if not isinstance(item, FileItem):
                    continue  # une adresse externe dans la table des matières : pas une page
                part = subtree.caption if (first and level == 0) else None
                first = False
                entries.append(TocEntry(str(item), level, part))
                walk(str(item), level + 1)

    walk(site.root.docname, 0)
    return entries


# --- le site, servi au navigateur sans serveur ------------------------------------------

SITE_ORIGIN = "http://livre.localhost"  # jamais résolue : chaque requête est servie par route()


class SiteRoutes:
    """Sert au navigateur les fichiers du site (et le document assemblé), sans serveur HTTP.

    Playwright intercepte chaque requête (``context.route``) : une adresse de
    ``SITE_ORIGIN`` reçoit le fichier correspondant de ``html_dir`` (404 s'il manque ou
    sort du dossier) ; toute autre adresse est coupée (le livre n'en demande aucune).
    """

    origin = SITE_ORIGIN

    def __init__(self, html_dir: Path):
        self.html_dir = Path(html_dir).resolve()
        self.document = ""  # le livre assemblé, servi à BOOK_PATH

    def install(self, context) -> None:
        context.route("**/*", self.handle)

    def handle(self, route) -> None:
        url = urlsplit(route.request.url)
        if f"{url.scheme}://{url.netloc}" != SITE_ORIGIN:
            route.abort()
            return
        path = unquote(url.path)
        if path == BOOK_PATH:
            route.fulfill(status=200, body=self.document, content_type="text/html; charset=utf-8")
            return
        target = (self.html_dir / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(self.html_dir) or not target.is_file():
            route.fulfill(status=404, body="")
            return
        route.fulfill(status=200, path=str(target))


# --- relevé des pages -------------------------------------------------------------------

WAIT_RENDERED = """async () => {
    if (document.querySelector('script[src*="mathjax"]')) {
        for (let i = 0; i < 600 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
            await new Promise(r => setTimeout(r, 100));
        if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
    }
    // Le MathML caché des formules (tools/math-a11y.js), posé tout de suite : la page est complète.
    for (let i = 0; i < 100 && document.querySelector('script[src*="math-a11y"]') && !window.lstmMath; i++)
        await new Promise(r => setTimeout(r, 50));
    if (window.lstmMath) await window.lstmMath.insertAll();
    const views = [...document.querySelectorAll('%s')];
    // Le chargeur des widgets (tools/widgets-loader.js) ne monte un widget qu'à l'approche du
    // lecteur : pour le papier, on les monte tous, tout de suite.
    for (let i = 0; i < 100 && views.length && !window.lstmWidgets; i++) await new Promise(r => setTimeout(r, 100));
    if (window.lstmWidgets) await window.lstmWidgets.mountAll();
    for (let i = 0; i < 300; i++) {
        if (views.every(s => s.parentElement.querySelector(
                '.jupyter-widgets, .widget-subarea, img.jupyter-widget, .lstm-widget[data-widget]')))
            break;
        await new Promise(r => setTimeout(r, 100));
    }
    await document.fonts.ready;
}""" % WIDGET_VIEW


def _prefix(index: int) -> str:
    return f"p{index}-"


def snapshot_pages(context, site: SiteRoutes, entries: list[TocEntry], solutions: str) -> list[PageSnapshot]:
    script = (HERE / "pdf_snapshot.js").read_text(encoding="utf-8")
    pages = {"/" + quote(f"{e.docname}.html"): _prefix(i) for i, e in enumerate(entries)}
    if entries:
        pages["/index.html"] = _prefix(0)  # index.html renvoie vers la première page
        pages["/"] = _prefix(0)
    snapshots, problems = [], []
    for index, entry in enumerate(entries):
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        try:
            response = page.goto(f"{site.origin}/{quote(entry.docname)}.html", wait_until="load")
            if response is None or response.status != 200:
                problems.append(f"{entry.docname} : page absente du site (code {response and response.status})")
                continue
            page.evaluate(WAIT_RENDERED)
            found = page.evaluate(script, {"prefix": _prefix(index), "pages": pages, "solutions": solutions})
        finally:
            page.close()
        problems += [f"{entry.docname} : {p}" for p in found["problems"]]
        problems += [f"{entry.docname} : erreur JavaScript : {e}" for e in errors]
        snapshots.append(PageSnapshot(entry, found["title"], found["html"], found["widgets"], found["figures"],
                                      found["styles"], found["stylesheets"], found["htmlAttributes"]))
    if problems:
        raise PdfError("le PDF montrerait des pages incomplètes :\n  " + "\n  ".join(problems))
    return snapshots


# --- le document assemblé -----------------------------------------------------------------


def _unique(items):
    seen, kept = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            kept.append(item)
    return kept


def _contents(snapshots: list[PageSnapshot], page_numbers: list[int] | None) -> str:
    rows = []
    for index, snap in enumerate(snapshots):
        if snap.entry.part:
            rows.append(f'<li class="pdf-toc-part">{html.escape(snap.entry.part)}</li>')
        number = str(page_numbers[index]) if page_numbers else "000"  # même largeur aux deux impressions
        rows.append(
            f'<li class="pdf-toc-entry level-{snap.entry.level}"><a href="#{_prefix(index)}top">'
            f'<span class="pdf-toc-title">{html.escape(snap.title)}</span>'
            f'<span class="pdf-toc-dots"></span><span class="pdf-toc-page">{number}</span></a></li>'
        )
    return "\n".join(rows)


def assemble(snapshots: list[PageSnapshot], config: dict, page_numbers: list[int] | None = None) -> str:
    """Le document HTML du livre entier (page de titre, table des matières, pages)."""
    first = snapshots[0]
    attributes = " ".join(f'{k}="{html.escape(v)}"' for k, v in first.html_attributes.items() if k != "class")
    stylesheets = _unique(s for snap in snapshots for s in snap.stylesheets)
    styles = _unique(s for snap in snapshots for s in snap.styles)
    title = html.escape(config.get("title", "Comprendre les LSTM"))
    author = html.escape(config.get("author", ""))
    body = [
        '<section class="pdf-cover">',
        f'<p class="pdf-cover-title">{title}</p>',
        f'<p class="pdf-cover-author">{author}</p>',
        f'<p class="pdf-cover-date">Édition imprimable, construite le {time.strftime("%d/%m/%Y")}</p>',
        '<p class="pdf-cover-licence">Texte et figures sous licence CC BY-SA 4.0'
        f'{NBSP}; code sous licence MIT.</p>',
        "</section>",
        '<section class="pdf-contents"><p class="pdf-contents-title">Table des matières</p>',
        f'<ol class="pdf-toc">{_contents(snapshots, page_numbers)}</ol></section>',
    ]
    for index, snap in enumerate(snapshots):
        body.append(f'<div class="pdf-page bd-article" id="{_prefix(index)}top">{snap.html}</div>')
    head = ['<meta charset="utf-8">', f"<title>{title}</title>"]
    head += [f'<link rel="stylesheet" href="{html.escape(href)}">' for href in stylesheets]
    head += [f"<style>{css}</style>" for css in styles]
    head.append(f"<style>{(HERE / 'pdf.css').read_text(encoding='utf-8')}</style>")
    return f"<!DOCTYPE html>\n<html {attributes}>\n<head>{''.join(head)}</head>\n<body>{''.join(body)}</body></html>"


FOOTER = (
    '<div style="font-size:8px; width:100%; padding:0 16mm; display:flex; justify-content:space-between;'
    ' color:#555; font-family:sans-serif;"><span>{title}</span>'
    '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
)


def print_pdf(context, site: SiteRoutes, document: str, title: str) -> bytes:
    site.document = document
    page = context.new_page()
    try:
        page.goto(site.origin + BOOK_PATH, wait_until="load")
        page.evaluate("async () => { await document.fonts.ready; }")
        page.wait_for_function("[...document.images].every(i => i.complete)")
        return page.pdf(
            format="A4",
            print_background=True,
            display_header_footer=True,
            header_template="<div></div>",
            footer_template=FOOTER.format(title=html.escape(title)),
            margin={"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
            outline=True,
            tagged=True,
        )
    finally:
        page.close()


def chapter_pages(pdf: bytes) -> list[tuple[str, int]]:
    """(titre, page de début, à partir de 1) de chaque signet de premier niveau du PDF."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [
        (item.title, reader.get_destination_page_number(item) + 1)
        for item in reader.outline
        if not isinstance(item, list)
    ]


def _words_in_order(words: list[str], text: str) -> bool:
    """Vrai si chaque mot de ``words`` se trouve dans ``text``, chacun après le précédent."""
    position = 0
    for word in words:
        found = text.find(word, position)
        if found < 0:
            return False
        position = found + len(word)
    return True


def retitle_outline(pdf: bytes, titles: list[str], metadata: dict[str, str]) -> bytes:
    """Les signets de premier niveau, renommés d'après les titres des pages ; les
    métadonnées du document (titre, auteur, sujet).

    Chromium tire les signets des titres h1 ; il lui arrive d'en répéter le texte
    (« GlossaireGlossaire », surtout quand le titre passe à la ligne). On vérifie que
    chaque signet contient bien le titre de sa page, puis on écrit le titre exact.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata(metadata)
    node = writer._root_object["/Outlines"].get_object().get("/First")
    items = []
    while node is not None:
        node = node.get_object()
        items.append(node)
        node = node.get("/Next")
    if len(items) != len(titles):
        raise PdfError(f"{len(items)} signets de premier niveau pour {len(titles)} pages du livre.")
    for item, title in zip(items, titles):
        # Chaque mot du titre, à sa place dans le signet : Chromium répète parfois une partie du titre
        # là où il passe à la ligne (« …dans leApprendre : …dans letemps »), ce qui casse une
        # comparaison du texte entier, pas celle des mots.
        if not _words_in_order(title.split(), str(item["/Title"])):
            raise PdfError(f"le signet « {item['/Title']} » ne correspond pas à la page « {title} ».")
        item[NameObject("/Title")] = TextStringObject(title)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- la commande -------------------------------------------------------------------------


def build_pdf(html_dir: Path, output: Path, *, root: Path = ROOT, solutions: str = "omit",
              entries: list[TocEntry] | None = None, echo: bool = True) -> PdfReport:
    import yaml

    start = time.perf_counter()
    html_dir = Path(html_dir)
    if not (html_dir / "index.html").is_file():
        raise PdfError(f"site introuvable dans {html_dir} : construisez-le d'abord (tools/build.sh).")
    if not CHROMIUM.is_file():
        raise PdfError(f"Chromium est introuvable ({CHROMIUM}) : apt-get install chromium, "
                       "ou indiquez son chemin dans la variable CHROMIUM.")
    for name in ("_config.yml", "_toc.yml"):
        if not (Path(root) / name).is_file():
            raise PdfError(f"{name} introuvable dans {root} : --root doit désigner la racine du livre.")
    if solutions not in ("omit", "open"):
        raise PdfError(f"--solutions : « omit » ou « open » attendu ; reçu « {solutions} »")
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    entries = toc_entries(root) if entries is None else entries

    from playwright.sync_api import sync_playwright

    def say(message):
        if echo:
            print(message, flush=True)

    site = SiteRoutes(html_dir)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="fr-FR", viewport={"width": 900, "height": 1200},
                                          service_workers="block")
            context.set_default_timeout(PAGE_TIMEOUT_MS)
            site.install(context)
            say(f"Relevé des {len(entries)} pages du livre…")
            snapshots = snapshot_pages(context, site, entries, solutions)
            title = config.get("title", "")
            numbers, pdf, prints = None, b"", 0
            for prints in range(1, 4):
                say(f"Impression {prints}…")
                pdf = print_pdf(context, site, assemble(snapshots, config, numbers), title)
                found = chapter_pages(pdf)
                if len(found) != len(snapshots):
                    raise PdfError(
                        f"le PDF a {len(found)} signets de premier niveau pour {len(snapshots)} pages du livre : "
                        "une page a-t-elle perdu son titre (h1), ou en a-t-elle deux ?"
                    )
                starts = [page for _, page in found]
                if starts == numbers:
                    break
                numbers = starts
            else:
                raise PdfError("les numéros de page de la table des matières ne se stabilisent pas.")
        finally:
            browser.close()

    metadata = {"/Title": title, "/Author": config.get("author", ""),
                "/Subject": f"Texte et figures sous licence CC BY-SA 4.0{NBSP}; code sous licence MIT"}
    pdf = retitle_outline(pdf, [s.title for s in snapshots], metadata)
    found = chapter_pages(pdf)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(pdf)
    from pypdf import PdfReader

    report = PdfReport(
        path=output,
        pages=len(PdfReader(io.BytesIO(pdf)).pages),
        bytes=len(pdf),
        seconds=time.perf_counter() - start,
        chapters=found,
        widgets=sum(s.widgets for s in snapshots),
        figures=sum(s.figures for s in snapshots),
        prints=prints,
    )
    say(
        f"PDF écrit : {output} — {report.pages} pages, {report.bytes / 1e6:.1f} Mo, "
        f"{report.figures} figures, {report.widgets} widgets, {report.prints} impressions, "
        f"{report.seconds:.0f} s"
    )
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Imprime le livre entier en PDF, depuis le site construit.")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="racine du livre : _config.yml et _toc.yml (défaut : ce dépôt)")
    parser.add_argument("--html", type=Path, default=None,
                        help="dossier du site construit (défaut : _build/html sous la racine)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"fichier PDF à écrire (défaut : {DEFAULT_OUTPUT.relative_to(ROOT)})")
    parser.add_argument("--solutions", default="omit",
                        help="solutions des exercices : retirées (omit, défaut) ou imprimées ouvertes (open)")
    parser.add_argument("--json", action="store_true", help="écrire aussi le bilan en JSON sur la sortie")
    args = parser.parse_args(argv)
    try:
        html_dir = args.html if args.html is not None else args.root / "_build" / "html"
        report = build_pdf(html_dir, args.output, root=args.root, solutions=args.solutions)
    except PdfError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"path": str(report.path), "pages": report.pages, "bytes": report.bytes,
                          "seconds": round(report.seconds, 1), "chapters": report.chapters,
                          "widgets": report.widgets, "figures": report.figures, "prints": report.prints},
                         ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
