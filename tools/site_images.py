"""Extension Sphinx locale : les images des pages chargées à l'approche du lecteur, à leur taille.

Chargée par ``_config.yml`` (``sphinx.local_extensions``). Un chapitre montre 5 à 12 figures
(50 à 90 Ko chacune) : sur un téléphone en 4G lente, le navigateur les téléchargeait toutes
dès l'ouverture, en même temps que le texte, et Lighthouse (profil mobile,
``benchmarks/bench_site.py``) comptait ce temps dans le plus grand affichage (chapitre 2 :
3,3 s avec, 2,4 s sans). Ici, chaque image du contenu reçoit :

- ``loading="lazy"`` : Chromium, Firefox et Safari ne la chargent qu'à l'approche de l'écran ;
- ``decoding="async"`` : son décodage ne retient pas l'affichage du texte ;
- ``width`` et ``height``, lus dans le fichier : la place de l'image est réservée avant qu'elle
  n'arrive, et le texte ne saute pas quand elle s'affiche (``height: auto`` dans
  ``_static/lstm-site.css`` garde ses proportions quand la colonne est plus étroite).

Le PDF (``tools/pdf_snapshot.js``) remet chaque image en chargement immédiat avant d'imprimer.

Pourquoi du code à nous : ni Sphinx (« image » de docutils) ni myst-nb (images des sorties de
cellule) n'écrivent ``loading`` ni les dimensions d'une image qu'ils n'ont pas mesurée.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

IMG = re.compile(r"<img\b([^>]*?)\s*/?>", re.S)
ATTRIBUTE = re.compile(r'\s([a-zA-Z-]+)="([^"]*)"')
ARTICLE = re.compile(r'<article class="bd-article"[^>]*>.*?</article>', re.S)


def dimensions(path: Path) -> tuple[int, int] | None:
    """(largeur, hauteur) d'une image matricielle, ou None (SVG, fichier illisible)."""
    if path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".webp"):
        return None
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.size
    except OSError:
        return None


def lazy(tag_attributes: str, source_dir: Path) -> str:
    """Le balisage d'une image avec ``loading``, ``decoding`` et, s'ils manquent, ses dimensions."""
    attributes = dict(ATTRIBUTE.findall(" " + tag_attributes))
    added = []
    if "loading" not in attributes:
        added.append('loading="lazy"')
    if "decoding" not in attributes:
        added.append('decoding="async"')
    src = html.unescape(attributes.get("src", ""))
    if src and not urlsplit(src).scheme and "width" not in attributes and "height" not in attributes:
        size = dimensions(source_dir / unquote(urlsplit(src).path))
        if size:
            added.append(f'width="{size[0]}" height="{size[1]}"')
    return f"<img{tag_attributes}{''.join(' ' + a for a in added)} />"


def rewrite(text: str, source_dir: Path) -> str:
    """Les images du contenu de la page (``<article>``) ; l'en-tête et les menus ne changent pas."""
    return ARTICLE.sub(lambda article: IMG.sub(lambda img: lazy(img.group(1), source_dir), article.group(0)), text)


def _pages(outdir: Path) -> list[Path]:
    return sorted(p for p in outdir.rglob("*.html")
                  if not any(part.startswith("_") for part in p.relative_to(outdir).parts[:-1]))


def rewrite_site(outdir: Path) -> int:
    """Réécrit les pages de ``outdir`` ; rend le nombre d'images traitées (relancé, ne change rien)."""
    count = 0
    for page in _pages(outdir):
        text = page.read_text(encoding="utf-8")
        new = rewrite(text, page.parent)
        count += sum(1 for article in ARTICLE.findall(new) for _ in IMG.finditer(article))
        if new != text:
            page.write_text(new, encoding="utf-8")
    return count


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder is None or app.builder.format != "html":
        return
    from sphinx.util import logging

    logging.getLogger(__name__).info(f"images : {rewrite_site(Path(app.outdir))} chargées à l'approche du lecteur")


def setup(app):
    # Après la copie des images (fin du build).
    app.connect("build-finished", _build_finished, priority=820)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
