"""Extension Sphinx locale : ce que les thèmes et extensions écrivent mal pour un lecteur d'écran.

Chargée par ``_config.yml`` (``sphinx.local_extensions``). axe-core (WCAG 2.0/2.1 A et AA,
``tests/browser/test_accessibility.py``) relevait sur chaque page des défauts qui ne viennent
pas du livre mais du HTML que produisent Sphinx, docutils et les thèmes. Ceux qu'un gabarit
peut corriger le sont dans ``_templates/`` (bouton de recherche, choix du thème, boutons des
barres latérales) ; ceux-ci sont écrits par du code Python, on les corrige donc ici, au plus
près de leur source, plutôt qu'après coup dans le navigateur :

1. **Bibliographies** (règle ``aria-required-children``, critique). docutils écrit
   ``<div role="list" class="citation-list">`` et, dedans, chaque référence avec le rôle
   ``doc-biblioentry``, retiré de DPUB-ARIA 1.1 : une liste sans élément de liste. Chaque
   référence reçoit le rôle ``listitem`` (``nodes.citation`` : visiteur HTML remplacé).
2. **Cellules repliées** (règle ``label-content-name-mismatch``, grave). myst-nb écrit
   ``<summary aria-label="Toggle hidden content">`` autour du texte visible « Afficher la
   cellule » : un nom anglais qui ne contient pas le texte affiché. Le ``<summary>`` n'a plus
   d'``aria-label`` : son nom est son texte (visiteur HTML de ``HideCodeCellNode`` remplacé).
3. **Menus de la table des matières** (règle ``summary-name``, grave). pydata-sphinx-theme
   replie les sous-pages dans ``<details><summary>`` dont le seul contenu est un chevron :
   chaque ``<summary>`` reçoit un nom, « Afficher ou masquer les sous-pages de « … » ».
4. **Identifiants en double** (WCAG 2.1, critère 4.1.1 ; axe ne le relève plus). sphinx-exercise
   donne à la section de chaque énoncé l'identifiant ``exercise-content`` et à celle de chaque
   solution ``solution-content`` : deux ou trois fois par chapitre. Rien n'y renvoie ; chacun
   devient unique dans sa page (``exercise-content-2``…), le premier gardant son nom.
"""

from __future__ import annotations

from docutils import nodes

NBSP = "\u00a0"


def _visit_citation(self, node):
    """``visit_citation`` de docutils (0.19, writers/_html_base.py), avec le rôle ``listitem``."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def _depart_citation(self, node):
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def _visit_hidden_cell(self, node):
    """``visit_HideCellInput`` de myst-nb (1.x, sphinx_.py), sans l'aria-label anglais."""
    from html import escape

    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n')
    self.body.append("<summary>\n")
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def _depart_hidden_cell(self, node):
    self.body.append("</details>\n")


def label_summaries(html: str) -> str:
    """Donne un nom à chaque ``<summary>`` sans texte d'un menu : celui de la page qu'il déplie."""
    if "<summary" not in html:
        return html
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for summary in soup.find_all("summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        item = summary.find_parent("li")
        link = item.find("a") if item is not None else None
        title = " ".join(link.get_text().split()) if link is not None else ""
        summary["aria-label"] = (f"Afficher ou masquer les sous-pages de «{NBSP}{title}{NBSP}»" if title
                                 else "Afficher ou masquer les sous-pages")
    return str(soup)


def _wrap_toctree(app, pagename, templatename, context, doctree) -> None:
    generate = context.get("generate_toctree_html")
    if generate is None or getattr(generate, "_lstm_labelled", False):
        return

    def generate_toctree_html(*args, **kwargs):
        return label_summaries(str(generate(*args, **kwargs)))

    generate_toctree_html._lstm_labelled = True
    context["generate_toctree_html"] = generate_toctree_html


SHARED_IDS = ("exercise-content", "solution-content")  # posés par sphinx_exercise/directive.py


def unique_section_ids(doctree) -> None:
    """Numérote les sections d'énoncés et de solutions qui partagent un identifiant (4.)."""
    seen = dict.fromkeys(SHARED_IDS, 0)
    for section in doctree.findall(nodes.section):
        for k, identifier in enumerate(section["ids"]):
            if identifier in seen:
                seen[identifier] += 1
                if seen[identifier] > 1:
                    section["ids"][k] = f"{identifier}-{seen[identifier]}"


def _unique_ids(app, doctree, docname) -> None:
    unique_section_ids(doctree)


def setup(app):
    from myst_nb.sphinx_ import HideCodeCellNode

    # Remplace les visiteurs HTML de docutils (nodes.citation) et de myst-nb (cellules repliées).
    app.add_node(nodes.citation, override=True, html=(_visit_citation, _depart_citation))
    app.add_node(HideCodeCellNode, override=True, html=(_visit_hidden_cell, _depart_hidden_cell))
    # Après pydata-sphinx-theme, qui pose generate_toctree_html dans le contexte.
    app.connect("html-page-context", _wrap_toctree, priority=900)
    app.connect("doctree-resolved", _unique_ids)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
