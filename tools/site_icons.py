"""Extension Sphinx locale : les icônes du site réduites à celles qu'il affiche.

Chargée par ``_config.yml`` (``sphinx.local_extensions``). pydata-sphinx-theme 0.17.1 embarque
Font Awesome Free 6.5.2 entier : dans ``styles/pydata-sphinx-theme.css``, une règle par icône
(2 462 règles, 85 Ko sur 397), et trois polices, ``vendor/fontawesome/webfonts/fa-*.woff2``
(156, 118 et 25 Ko). Le site en affiche une trentaine. Mesuré par Lighthouse (profil mobile,
``benchmarks/bench_site.py``) sur l'introduction : la page attendait ces polices et ces feuilles
de style pour son premier affichage, 3,8 s ; sans elles, 1,8 s.

À la fin du build, après la copie des fichiers du thème :

1. on relève les icônes que les pages nomment (``fa-…`` dans le HTML : boutons du thème,
   gabarits de ``_templates/``, contenu) et les caractères privés (U+E000–U+F8FF) que les
   feuilles de style écrivent elles-mêmes (``--pst-icon-…`` du thème pour les encadrés, liens
   externes…) ;
2. chaque police de Font Awesome du thème est réduite à ces caractères (fontTools, woff2 et
   ttf, aux mêmes chemins : le ``@font-face`` du thème ne change pas) ;
3. la feuille de style du thème ne garde que les règles d'icônes employées.

Les originaux sont relus dans le paquet du thème à chaque build : une page qui ajoute une
icône l'obtient au build suivant. Une icône nommée qui n'existe pas dans Font Awesome 6.5.2
est un avertissement (donc une erreur avec ``-W``). Les polices réduites restent sous licence
SIL OFL 1.1 (Font Awesome ne réserve aucun nom de police) et gardent leur table des noms
(auteur, version) ; la feuille de style garde l'en-tête de licence de Font Awesome. tests/browser/ vérifie dans Chromium que chaque icône affichée a son glyphe.

Pourquoi du code à nous : fontTools sait réduire une police, mais rien ne relie les pages d'un
site Sphinx aux icônes de son thème ; pydata-sphinx-theme n'a pas d'option pour cela.
"""

from __future__ import annotations

import re
from pathlib import Path

ICON_NAME = re.compile(r"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*")
# Une règle de la table des icônes : « .fa-x:before,.fa-y:before{content:"\f303"} ».
CONTENT_RULE = re.compile(r'([^{}]+)\{content:"((?:\\[0-9a-fA-F]+ ?|[^"\\])+)"\}')
ICON_SELECTOR = re.compile(r"^\.(fa-[a-z0-9-]+):(?:before|after)$")
PRIVATE = re.compile(r"\\([0-9a-fA-F]{4,6})|([\ue000-\uf8ff])")
THEME_CSS = "styles/pydata-sphinx-theme.css"  # relatif à _static/
WEBFONTS = "vendor/fontawesome/webfonts"  # relatif à _static/


class IconError(RuntimeError):
    """Les icônes ne peuvent pas être réduites."""


def codepoints(content: str) -> list[int]:
    """Les caractères d'une chaîne CSS (``\\f303`` ou le caractère lui-même)."""
    return [int(code, 16) if code else ord(char)
            for code, char in re.findall(r"\\([0-9a-fA-F]+) ?|(.)", content)]


def _icon_names(selectors: str) -> list[str] | None:
    """Les noms d'icônes d'une règle de la table, ou None si la règle n'en est pas une."""
    names = [ICON_SELECTOR.match(s.strip()) for s in selectors.split(",")]
    return None if not all(names) else [m.group(1) for m in names]


def icon_table(css: str) -> dict[str, list[int]]:
    """Nom d'icône → caractères, lus dans la table des icônes d'une feuille de style."""
    table: dict[str, list[int]] = {}
    for rule in CONTENT_RULE.finditer(css):
        for name in _icon_names(rule.group(1)) or ():
            table[name] = codepoints(rule.group(2))
    return table


def private_characters(css: str) -> set[int]:
    """Les caractères privés qu'une feuille de style écrit hors de la table des icônes."""
    rest = CONTENT_RULE.sub(lambda r: "" if _icon_names(r.group(1)) else r.group(0), css)
    found = {int(code, 16) if code else ord(char) for code, char in PRIVATE.findall(rest)}
    return {c for c in found if 0xE000 <= c <= 0xF8FF}


def prune_table(css: str, used: set[str]) -> str:
    """La feuille de style sans les règles des icônes qu'aucune page n'affiche."""
    def keep(rule: re.Match) -> str:
        names = _icon_names(rule.group(1))
        if names is None:
            return rule.group(0)
        kept = [s.strip() for s, name in zip(rule.group(1).split(","), names) if name in used]
        return f'{",".join(kept)}{{content:"{rule.group(2)}"}}' if kept else ""
    return CONTENT_RULE.sub(keep, css)


def subset_font(source: Path, target: Path, characters: set[int]) -> int:
    """Écrit dans ``target`` la police ``source`` réduite à ``characters`` (même format) ; rend sa taille."""
    import logging

    from fontTools import subset

    # fontTools raconte chaque table élaguée au niveau INFO : bruit dans le journal du build.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    options = subset.Options()
    options.flavor = "woff2" if source.suffix == ".woff2" else None
    options.layout_features = ["*"]
    options.name_IDs = ["*"]  # noms et licence de la police gardés
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(characters))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(target), options)
    return target.stat().st_size


def _pages(outdir: Path) -> list[Path]:
    return sorted(p for p in outdir.rglob("*.html")
                  if not any(part.startswith("_") for part in p.relative_to(outdir).parts[:-1]))


def used_icons(outdir: Path, css: str, table: dict[str, list[int]]) -> tuple[set[str], set[str]]:
    """(icônes de la table que les pages nomment, noms « fa-… » de classes inconnus de la table)."""
    named: set[str] = set()
    for page in _pages(outdir):
        for classes in re.findall(r'\bclass="([^"]*)"', page.read_text(encoding="utf-8")):
            named.update(ICON_NAME.findall(classes))
    # Les autres classes de Font Awesome (fa-solid, fa-lg, fa-fw…) : celles que sa feuille de
    # style nomme hors de la table des icônes.
    modifiers = set(re.findall(r"\.(fa-[a-z0-9-]+)", CONTENT_RULE.sub(
        lambda r: "" if _icon_names(r.group(1)) else r.group(0), css)))
    return named & set(table), named - set(table) - modifiers


def reduce_icons(outdir: Path, theme_static: Path) -> dict:
    """Réduit les polices et la table des icônes du site construit dans ``outdir``."""
    static = outdir / "_static"
    css_path = static / THEME_CSS
    if not css_path.is_file():
        raise IconError(f"{css_path} absent : le thème n'est plus pydata-sphinx-theme ?")
    css = (theme_static / THEME_CSS).read_text(encoding="utf-8")
    table = icon_table(css)
    if len(table) < 1000:
        raise IconError(f"{THEME_CSS} : {len(table)} icônes lues, la table de Font Awesome a changé de forme")
    used, unknown = used_icons(outdir, css, table)
    characters = {c for name in used for c in table[name]}
    for sheet in static.rglob("*.css"):
        characters |= private_characters(css if sheet == css_path else sheet.read_text(encoding="utf-8", errors="replace"))
    sizes = {}
    for source in sorted((theme_static / WEBFONTS).glob("fa-*")):
        if source.suffix in (".woff2", ".ttf"):
            sizes[source.name] = (source.stat().st_size,
                                  subset_font(source, static / WEBFONTS / source.name, characters))
    css_path.write_text(prune_table(css, used), encoding="utf-8")
    return {"icons": sorted(used), "unknown": sorted(unknown), "characters": len(characters), "sizes": sizes}


def _theme_static() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder is None or app.builder.format != "html":
        return
    from sphinx.errors import ExtensionError
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    try:
        report = reduce_icons(Path(app.outdir), _theme_static())
    except IconError as error:
        raise ExtensionError(str(error)) from error
    for name in report["unknown"]:
        logger.warning(f"icône « {name} » nommée par une page, absente de Font Awesome 6.5.2 (tools/site_icons.py)")
    woff2 = sum(after for name, (_, after) in report["sizes"].items() if name.endswith(".woff2"))
    logger.info(f"icônes : {len(report['icons'])} employées, {report['characters']} caractères, "
                f"polices woff2 réduites à {woff2} octets")


def setup(app):
    # Après la copie des fichiers du thème (fin du build) et les extensions qui réécrivent les pages.
    app.connect("build-finished", _build_finished, priority=850)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
