"""Extension Sphinx locale : les équations rendues au build, sans MathJax dans le navigateur.

Chargée par ``_config.yml`` (``sphinx.local_extensions``). MathJax dans la page coûtait,
mesuré par Lighthouse (profil mobile, ``benchmarks/bench_site.py``) sur le chapitre 4,
2,6 s de travail du processeur et la plus grande part des 4,3 s de mise en page : la page
restait figée, et le texte bougeait à mesure que les formules apparaissaient. Ici, à la fin
du build, chaque formule (``span.math`` et ``div.math`` de Sphinx) passe par MathJax 3 dans
Node (``tools/mathjax-prerender.cjs``, MathJax de ``node_modules``) ; la page reçoit le SVG
final de chaque formule (les tracés de ses caractères, écrits une fois par page dans un SVG
caché, comme MathJax le fait dans un navigateur : aucune police à télécharger), le MathML caché que lisent les lecteurs d'écran (dans un ``<template>``, que
``tools/math-a11y.js`` pose dans la page par petits lots : voir ce fichier), et une petite feuille de style
commune (``_static/lstm/mathjax.css``). Plus aucune page ne charge le script de MathJax : on
perd son menu contextuel (clic droit), pas les formules. Mesuré ensuite (même page, même
machine) : 350 ms de blocage au lieu de 1 100 à 1 600. La sortie SVG plutôt que CHTML : le
balisage CHTML (un élément stylé par caractère) coûtait encore 3,5 s de mise en page.

Le TeX d'origine reste dans la page (``data-tex``) : chaque build rend de nouveau toutes les
formules de toutes les pages (quelques secondes), ce qui garde la feuille de style complète
même quand Sphinx n'a réécrit que quelques pages.

Pourquoi du code à nous : ni Sphinx ni Jupyter Book ne rendent les formules MathJax au build ;
sphinxcontrib-katex sait le faire, mais avec KaTeX, un autre moteur (autres polices, autre TeX
accepté) que celui de Jupyter, de Colab et des cahiers du livre. MathJax fournit le moteur, il
ne manquait que ce passage.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).resolve().parent / "mathjax-prerender.cjs"
CSS_PATH = "lstm/mathjax.css"  # relatif à _static/
MATH_ELEMENT = re.compile(r'<(span|div) class="math notranslate nohighlight"([^>]*)>(.*?)</\1>', re.S)
DELIMITED = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)
TEX_ATTRIBUTE = re.compile(r'\sdata-tex="([^"]*)"')
MJX_ERROR = re.compile(r'data-mjx-error="([^"]*)"')
CACHE_ID = "MJX-SVG-global-cache"
OLD_CACHE = re.compile(rf'<svg id="{CACHE_ID}".*?</svg>', re.S)  # celui d'un build précédent
BODY = re.compile(r"<body[^>]*>")


class MathError(RuntimeError):
    """Le rendu des formules au build a échoué."""


def _pages(outdir: Path) -> list[Path]:
    return sorted(p for p in outdir.rglob("*.html")
                  if not any(part.startswith("_") for part in p.relative_to(outdir).parts[:-1]))


def _source(attributes: str, content: str) -> str | None:
    """Le contenu d'origine d'une formule : son ``data-tex`` (déjà rendue) ou le TeX lui-même."""
    kept = TEX_ATTRIBUTE.search(attributes)
    if kept:
        return html.unescape(kept.group(1))
    return content if DELIMITED.search(content) else None


def render_all(pages: list[list[tuple[str, bool]]]) -> tuple[list[tuple[list[str], str]], str]:
    """Rend les formules ``(tex, display)`` de chaque page avec MathJax dans Node ; rend, par page,
    (balisage de chaque formule, tracés des caractères de la page), et la CSS commune."""
    node = shutil.which("node")
    if node is None:
        raise MathError("Node.js est introuvable : il rend les formules du site au build (tools/mathjax-prerender.cjs).")
    proc = subprocess.run([node, str(SCRIPT)], input=json.dumps({"pages": pages}),
                          capture_output=True, text=True, encoding="utf-8", timeout=600)
    if proc.returncode != 0:
        raise MathError(f"MathJax (Node) a échoué : {proc.stderr[-2000:]}")
    result = json.loads(proc.stdout)
    return [(page["html"], page["cache"]) for page in result["pages"]], result["css"]


def glyph_cache(defs: str) -> str:
    """Les tracés des caractères d'une page, une fois, dans un SVG caché au début de ``<body>`` (avant
    la première formule : chacune se dessine dès qu'elle arrive) ; comme MathJax le fait dans un
    navigateur, même identifiant."""
    return (f'<svg id="{CACHE_ID}" style="display: none;" xmlns="http://www.w3.org/2000/svg" '
            f'aria-hidden="true" focusable="false">{defs}</svg>')


def focusable(markup: str) -> str:
    """Une équation en bloc reçoit ``tabindex="0"`` : plus large que la colonne, elle défile, et un
    conteneur qui défile doit pouvoir être atteint au clavier (axe-core, ``scrollable-region-focusable``,
    WCAG 2.1.1) ; les flèches la font alors défiler."""
    return markup.replace("<mjx-container ", '<mjx-container tabindex="0" ', 1)


ASSISTIVE_MML = re.compile(r"(<mjx-assistive-mml\b[^>]*>)(.*?)(</mjx-assistive-mml>)", re.S)
A11Y_SCRIPT = Path(__file__).resolve().parent / "math-a11y.js"
A11Y_SCRIPT_PATH = "lstm/math-a11y.js"  # relatif à _static/


def deferred_mathml(markup: str) -> str:
    """Le MathML caché d'une formule, dans un ``<template>`` : lu sans être mis en page ;
    ``tools/math-a11y.js`` le pose dans la page par petits lots (voir ce fichier)."""
    return ASSISTIVE_MML.sub(r"\1<template>\2</template>\3", markup)


def prerender(outdir: Path) -> tuple[int, list[str]]:
    """Rend les formules de toutes les pages de ``outdir`` ; rend (nombre de formules, erreurs TeX).

    Une formule que MathJax ne sait pas lire (``\\frac{``) est rendue comme MathJax le fait
    dans un navigateur (le message en rouge) et citée dans les erreurs : l'extension en fait
    un avertissement, qui fait échouer ``jupyter-book build -W``."""
    pages = {}
    for page in _pages(outdir):
        text = OLD_CACHE.sub("", page.read_text(encoding="utf-8"), count=1)
        found, items = [], []
        for match in MATH_ELEMENT.finditer(text):
            source = _source(match.group(2), match.group(3))
            if source is None:
                continue
            for formula in DELIMITED.finditer(source):
                display = formula.group(2) is not None
                items.append((html.unescape(formula.group(2) if display else formula.group(1)).strip(), display))
            found.append((match, source))
        if found:
            pages[page] = (text, found, items)
    if not pages:
        return 0, []
    results, css = render_all([items for _, _, items in pages.values()])
    count, errors = 0, []
    for (page, (text, found, items)), (rendered, defs) in zip(pages.items(), results):
        rendered = [deferred_mathml(focusable(out) if display else out) for (_, display), out in zip(items, rendered)]
        errors += [f"{tex!r}\xa0: {MJX_ERROR.search(out).group(1)}"
                   for (tex, _), out in zip(items, rendered) if MJX_ERROR.search(out)]
        count += len(items)
        queue = iter(rendered)
        pieces, last = [], 0
        for match, source in found:
            tag, attributes = match.group(1), TEX_ATTRIBUTE.sub("", match.group(2))
            body = DELIMITED.sub(lambda _m: next(queue), source)
            pieces += [text[last:match.start()],
                       f'<{tag} class="math notranslate nohighlight"{attributes} data-tex="{html.escape(source, quote=True)}">',
                       body, f"</{tag}>"]
            last = match.end()
        pieces.append(text[last:])
        text = "".join(pieces)
        opening = BODY.search(text)
        at = opening.end() if opening else 0  # un fragment sans <body> : en tête
        page.write_text(text[:at] + glyph_cache(defs) + text[at:], encoding="utf-8")
    target = outdir / "_static" / CSS_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("/* Généré par tools/site_math.py (MathJax 3, sortie SVG) : ne pas modifier. */\n" + css,
                      encoding="utf-8")
    shutil.copy2(A11Y_SCRIPT, outdir / "_static" / A11Y_SCRIPT_PATH)
    return count, errors


def _drop_mathjax_script(app, pagename, templatename, context, doctree) -> None:
    """Les pages ne chargent plus MathJax (ni sa configuration en ligne)."""
    scripts = context.get("script_files")
    if not scripts:
        return
    mathjax = app.config.mathjax_path

    def is_mathjax(script) -> bool:
        name = str(getattr(script, "filename", script) or "")
        body = (getattr(script, "attributes", None) or {}).get("body", "")
        return name.split("?")[0].endswith(mathjax) or "window.MathJax" in body

    context["script_files"] = [s for s in scripts if not is_mathjax(s)]


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder is None or app.builder.format != "html":
        return
    from sphinx.errors import ExtensionError
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    try:
        count, errors = prerender(Path(app.outdir))
    except MathError as error:
        raise ExtensionError(str(error)) from error
    for error in errors:
        logger.warning(f"formule que MathJax ne sait pas lire : {error}")
    logger.info(f"{count} formules rendues par MathJax au build")


def setup(app):
    app.add_css_file(CSS_PATH)
    app.add_js_file(A11Y_SCRIPT_PATH, defer="defer")
    # Après sphinx.ext.mathjax, qui inscrit MathJax dans les pages qui ont des formules.
    app.connect("html-page-context", _drop_mathjax_script, priority=950)
    # Après la copie des fichiers statiques et les autres extensions (priorité par défaut 500).
    app.connect("build-finished", _build_finished, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
