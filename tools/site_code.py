"""Extension Sphinx locale : le code des pages sans les balises de coloration qui ne colorent rien.

Chargée par ``_config.yml`` (``sphinx.local_extensions``). Pygments entoure chaque mot d'un
bloc de code d'un ``<span class="…">`` : au chapitre 5, 6 191 balises, plus de la moitié de la
page. Or, dans le style du site (``_static/pygments.css``, thèmes clair et sombre), les noms
(``n``), la ponctuation (``p``) et les blancs (``w``) ont exactement la couleur du texte du
bloc : leurs balises ne changent rien à l'affichage, mais le navigateur doit les lire, leur
calculer un style et les placer. Mesuré par Lighthouse (profil mobile, ``benchmarks/bench_site.py``,
deux passages) sur le chapitre 5 : 290 à 350 ms de blocage du fil principal avec toutes les
balises du code, 70 à 90 ms sans aucune.

À la fin du build, on lit ``pygments.css`` : une classe est muette si, dans chaque thème, sa
seule déclaration est la couleur du bloc lui-même et qu'aucune autre feuille de style du site
ne la nomme dans un bloc de code. Dans chaque bloc de code, ``<span class="muette">texte</span>``
devient ``texte`` ; le texte, copié par le bouton « copier » ou lu par un lecteur d'écran, ne
change pas. Si le style change de couleurs, la liste change avec lui.

Pourquoi du code à nous : Pygments ne sait pas omettre les classes d'un type de jeton, et Sphinx
ne donne pas la main sur son formateur HTML.
"""

from __future__ import annotations

import re
from pathlib import Path

RULE = re.compile(r'html\[data-theme="(\w+)"\] \.highlight(?: \.([\w-]+))? \{([^}]*)\}')
BLOCK = re.compile(r'(<div class="highlight"><pre>)(.*?)(</pre>)', re.S)


def declarations(body: str) -> dict[str, str]:
    pairs = (d.split(":", 1) for d in body.split(";") if ":" in d)
    return {name.strip(): value.strip().lower() for name, value in pairs}


def silent_classes(pygments_css: str, other_css: str = "") -> set[str]:
    """Les classes de jeton dont le style, dans chaque thème, n'est que la couleur du bloc."""
    base: dict[str, str] = {}
    rules: dict[str, dict[str, dict[str, str]]] = {}
    for theme, token, body in RULE.findall(pygments_css):
        if token:
            rules.setdefault(token, {})[theme] = declarations(body)
        else:
            base[theme] = declarations(body).get("color", "")
    silent = {token for token, by_theme in rules.items()
              if set(by_theme) == set(base) and all(style == {"color": base[t]} for t, style in by_theme.items())}
    named_elsewhere = set(re.findall(r"\.highlight[^{},]*?\.([\w-]+)\b", other_css))
    return silent - named_elsewhere


def unwrap(text: str, silent: set[str]) -> str:
    """Le HTML d'une page, où chaque bloc de code perd ses balises muettes."""
    if not silent:
        return text
    span = re.compile(r'<span class="(?:' + "|".join(map(re.escape, sorted(silent))) + r')">([^<]*)</span>')
    return BLOCK.sub(lambda b: b.group(1) + span.sub(r"\1", b.group(2)) + b.group(3), text)


def _pages(outdir: Path) -> list[Path]:
    return sorted(p for p in outdir.rglob("*.html")
                  if not any(part.startswith("_") for part in p.relative_to(outdir).parts[:-1]))


def lighten_site(outdir: Path) -> tuple[set[str], int]:
    """Réécrit les pages de ``outdir`` ; rend (classes muettes, balises retirées)."""
    static = outdir / "_static"
    pygments = static / "pygments.css"
    if not pygments.is_file():
        return set(), 0
    others = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                       for p in static.rglob("*.css") if p != pygments)
    silent = silent_classes(pygments.read_text(encoding="utf-8"), others)
    removed = 0
    for page in _pages(outdir):
        text = page.read_text(encoding="utf-8")
        new = unwrap(text, silent)
        if new != text:
            removed += text.count("<span") - new.count("<span")
            page.write_text(new, encoding="utf-8")
    return silent, removed


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder is None or app.builder.format != "html":
        return
    from sphinx.util import logging

    silent, removed = lighten_site(Path(app.outdir))
    logging.getLogger(__name__).info(
        f"code : {removed} balises muettes retirées (classes {', '.join(sorted(silent)) or 'aucune'})")


def setup(app):
    # Après la copie de pygments.css (fin du build).
    app.connect("build-finished", _build_finished, priority=830)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
