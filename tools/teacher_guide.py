"""Extension Sphinx locale : ce que le « Guide de l'enseignant » lit dans le livre.

Chargée par ``_config.yml`` (``sphinx.local_extensions``), avec ``reading_time`` (les
durées). Le guide ne recopie ni les objectifs des chapitres ni l'adresse du dépôt :
il les demande à cette extension, qui les prend là où ils sont écrits.

- Directive ``{chapter-objectives}`` *N* : le titre du chapitre *N* (un lien) et la
  liste de sa section « Objectifs », copiée de la page du chapitre au moment du build.
  Son contenu (facultatif) est un texte de repli, affiché tant que le chapitre n'est
  pas dans ``_toc.yml`` ou n'a pas de section « Objectifs » ; l'option ``:title:``
  donne le titre à afficher en attendant ::

      :::{chapter-objectives} 7
      :title: Apprendre : la rétropropagation dans le temps
      Ce que le chapitre fera apprendre…
      :::

- Rôle ``{repository}`README.md#ancre``` : lien vers un fichier du dépôt, sur sa
  branche (adresse et branche lues dans ``repository`` de ``_config.yml``) ;
  ``{repository}`texte <LICENSE>``` avec un texte choisi.

Le titre de la section lue se règle par ``teacher_guide_objectives_title`` (défaut
« Objectifs »).
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

import reading_time

logger = logging.getLogger(__name__)

ENV_KEY = "lstm_chapter_objectives"


def _store(env) -> dict:
    if not hasattr(env, ENV_KEY):
        setattr(env, ENV_KEY, {})
    return getattr(env, ENV_KEY)


def objectives_of(doctree, title: str) -> list | None:
    """Les nœuds de la section intitulée ``title`` (sans son titre), ou None."""
    for section in doctree.findall(nodes.section):
        if section.children and isinstance(section[0], nodes.title) and section[0].astext().strip() == title:
            return [
                _detached(child)
                for child in section.children[1:]
                # ni les sous-sections, ni les cellules de code (le texte seul est repris)
                if not isinstance(child, nodes.section) and not child.get("nb_element")
            ]
    return None


def _detached(node):
    """Une copie du nœud sans lien vers son document (gardée, sérialisée, dans l'environnement)."""
    copied = node.deepcopy()
    for sub in copied.findall():
        sub.document = None
    return copied


def on_doctree_read(app, doctree) -> None:
    env = app.env
    if not reading_time.is_chapter(app, env.docname):
        return
    found = objectives_of(doctree, app.config.teacher_guide_objectives_title)
    if found:
        _store(env)[env.docname] = found


def on_env_purge_doc(app, env, docname) -> None:
    _store(env).pop(docname, None)


def on_env_merge_info(app, env, docnames, other) -> None:
    _store(env).update(getattr(other, ENV_KEY, {}))


class objectives_placeholder(nodes.General, nodes.Element):
    """Directive en attente : résolue quand toutes les pages sont lues."""


class ChapterObjectivesDirective(SphinxDirective):
    required_arguments = 1
    has_content = True
    option_spec = {"title": directives.unchanged}

    def run(self):
        argument = self.arguments[0].strip()
        if not re.fullmatch(r"\d+", argument):
            raise self.error(f"{{chapter-objectives}} : un numéro de chapitre attendu ; reçu « {argument} »")
        reading_time.citing_pages(self.env).add(self.env.docname)
        node = objectives_placeholder(chapter=int(argument), title=self.options.get("title", ""))
        fallback = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, fallback)
        node += fallback
        return [node]


class ResolveObjectives(SphinxPostTransform):
    """Remplace chaque directive par le titre du chapitre et ses objectifs (priorité 5 :
    avant la résolution des renvois, pour que les liens copiés soient résolus)."""

    default_priority = 5

    def run(self, **kwargs):
        chapters = {
            entry["number"]: docname
            for docname, entry in reading_time.durations(self.env).items()
            if entry["kind"] == "chapter"
        }
        store = _store(self.env)
        for node in list(self.document.findall(objectives_placeholder)):
            number = node["chapter"]
            docname = chapters.get(number)
            heading = nodes.paragraph(classes=["chapter-objectives-title"])
            strong = nodes.strong()
            heading += strong
            strong += nodes.Text(f"Chapitre {number}{reading_time.NBSP}: ")
            if docname:
                reference = addnodes.pending_xref(
                    "", refdomain="std", reftype="doc", reftarget="/" + docname, refexplicit=False, refwarn=True
                )
                reference += nodes.inline("", "")
                strong += reference
            else:
                strong += nodes.Text(node["title"] or "titre à venir")
                heading += nodes.Text(" (à paraître)")
            body = [child.deepcopy() for child in store[docname]] if docname in store else list(node[0].children)
            container = nodes.container(classes=["chapter-objectives"])
            container += heading
            container.extend(body)
            node.replace_self(container)


class RepositoryRole(SphinxRole):
    def run(self):
        options = self.config.html_theme_options or {}
        url = (options.get("repository_url") or "").rstrip("/")
        branch = options.get("repository_branch") or "main"
        text, target = self.text, self.text
        explicit = re.fullmatch(r"(.*?)\s*<([^<>]+)>\s*", self.text, re.S)
        if explicit:
            text, target = explicit.group(1), explicit.group(2)
        if not url:
            message = self.inliner.reporter.error(
                "{repository} : adresse du dépôt introuvable (clé « repository.url » de _config.yml)",
                line=self.lineno,
            )
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        path = target.lstrip("/")
        reference = nodes.reference(self.rawtext, "", refuri=f"{url}/blob/{branch}/{path}")
        if explicit:
            reference += nodes.Text(text)
        else:
            reference += nodes.literal(path.split("#")[0], path.split("#")[0])
        return [reference], []


def setup(app):
    app.setup_extension("reading_time")
    app.add_config_value("teacher_guide_objectives_title", "Objectifs", "env")
    app.add_node(objectives_placeholder)
    app.add_directive("chapter-objectives", ChapterObjectivesDirective)
    app.add_role("repository", RepositoryRole())
    app.add_post_transform(ResolveObjectives)
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-purge-doc", on_env_purge_doc)
    app.connect("env-merge-info", on_env_merge_info)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
