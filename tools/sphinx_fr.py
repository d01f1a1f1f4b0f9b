"""Extension Sphinx locale : l'interface du livre en français, jusqu'au bout.

Cinq compléments, chargés par ``_config.yml`` (``sphinx.local_extensions``) :

1. **Libellés du thème.** Le catalogue français de sphinx-book-theme 1.x ne
   traduit pas certains boutons d'en-tête (« Repository », « Suggest edit »,
   « Live Code », « Launch on »…). ``locale_dirs`` ne sert qu'au catalogue
   ``sphinx`` ; on enregistre donc un second catalogue ``booktheme``, compilé ici
   depuis ``tools/locales/fr/LC_MESSAGES/booktheme.po``. Sphinx l'ajoute en
   *repli* : une chaîne déjà traduite par le thème garde sa traduction.

2. **Style bibliographique ``alpha_fr``.** Le style ``alpha`` de pybtex (étiquettes
   [HS97], uniques même quand chaque chapitre a sa bibliographie) écrit « and »,
   « In », « URL: » ; ``alpha_fr`` garde sa mise en forme et ne change que ces mots.
   pybtex n'a pas de style français : d'où ce petit sous-classement.

3. **Style de renvoi ``label_fr``.** Dans le texte, ``{cite:t}`` écrit les
   auteurs : le style ``label`` de sphinxcontrib-bibtex les lie par « and »
   (« Hochreiter and Schmidhuber [HS97] ») ; ``label_fr`` écrit « et » (« et
   al. » reste, en usage aussi en français). Activé par
   ``bibtex_reference_style: label_fr``.

4. **Titres des solutions.** sphinx-exercise écrit « Solution de » suivi du renvoi vers
   l'exercice, « Exercice 2.1 » : « Solution de Exercice 2.1 ». Après ses transformations,
   le titre devient « Solution de l’exercice 2.1 » (le renvoi garde son lien).

5. **Bouton des blocs repliés.** sphinx-togglebutton écrit son nom accessible en dur dans
   son script, « Toggle hidden content », cinq fois par page ; sa configuration ne règle que
   l'infobulle. À la fin du build, la copie servie par le site reçoit un nom français ; si
   une nouvelle version du script ne contient plus la phrase, le build échoue au lieu de
   laisser l'anglais passer.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pybtex.plugin import register_plugin
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.alpha import Style as AlphaStyle
from pybtex.style.formatting.unsrt import pages
from pybtex.style.template import (
    field,
    first_of,
    href,
    join,
    names,
    optional,
    optional_field,
    sentence,
    together,
    words,
)

from sphinxcontrib.bibtex.plugin import register_plugin as register_bibtex_plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.label import LabelReferenceStyle

HERE = Path(__file__).resolve().parent
CATALOG = "booktheme"  # nom du catalogue de sphinx-book-theme
NBSP = "\u00a0"


class AlphaFrStyle(AlphaStyle):
    """Style ``alpha`` de pybtex, avec les mots de liaison en français."""

    def format_names(self, role, as_sentence=True):
        formatted = names(role, sep=", ", sep2=" et ", last_sep=" et ")
        return sentence[formatted] if as_sentence else formatted

    def format_editor(self, e, as_sentence=True):
        editors = self.format_names("editor", as_sentence=False)
        if "editor" not in e.persons:
            return editors
        result = join(sep=" ")[editors, "(dir.)"]
        return sentence[result] if as_sentence else result

    def format_volume_and_series(self, e, as_sentence=True):
        volume_and_series = optional[
            words[
                together["Volume" if as_sentence else "volume", field("volume")],
                optional[words["de", field("series")]],
            ]
        ]
        number_and_series = optional[
            words[
                together["Numéro" if as_sentence else "numéro", field("number")],
                optional[words["de", field("series")]],
            ]
        ]
        result = first_of[volume_and_series, number_and_series, optional_field("series")]
        return sentence(capfirst=True)[result] if as_sentence else result

    def format_chapter_and_pages(self, e):
        return join(sep=", ")[
            optional[together["chapitre", field("chapter")]],
            optional[together["pages", pages]],
        ]

    def format_edition(self, e):
        return optional[words[field("edition", apply_func=lambda x: x.lower()), "édition"]]

    def get_inproceedings_template(self, e):
        return toplevel[
            sentence[self.format_names("author")],
            self.format_title(e, "title"),
            words[
                "Dans",
                sentence[
                    optional[self.format_editor(e, as_sentence=False)],
                    self.format_btitle(e, "booktitle", as_sentence=False),
                    self.format_volume_and_series(e, as_sentence=False),
                    optional[together["pages", pages]],
                ],
                self.format_address_organization_publisher_date(e),
            ],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def format_url(self, e):
        url = field("url", raw=True)
        return words["URL" + NBSP + ":", href(url)[url]]


def _french_persons() -> PersonStyle:
    return PersonStyle(sep2=" et ", last_sep=" et ")


@dataclass
class LabelFrReferenceStyle(LabelReferenceStyle):
    """Style de renvoi ``label`` ([HS97]), avec les auteurs liés à la française."""

    person: PersonStyle = dataclass_field(default_factory=_french_persons)


def _compile(src_root: Path, dest_root: Path) -> None:
    """Compile chaque ``.po`` de ``src_root`` en ``.mo`` sous ``dest_root``."""
    for po in src_root.glob("*/LC_MESSAGES/*.po"):
        mo = dest_root / po.relative_to(src_root).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as f:
            catalog = read_po(f)
        with mo.open("wb") as f:
            write_mo(f, catalog)


SOLUTION_TO = "Solution de"  # « Solution to » dans le catalogue français de sphinx-exercise
TOGGLE_LABEL_EN = 'aria-label="Toggle hidden content"'
TOGGLE_LABEL_FR = 'aria-label="Afficher ou masquer le contenu"'


def french_solution_titles(app, doctree, docname) -> None:
    """« Solution de Exercice 2.1 » → « Solution de l’exercice 2.1 » (voir 4. ci-dessus)."""
    from docutils import nodes
    from sphinx_exercise.nodes import solution_node

    for solution in doctree.findall(solution_node):
        title = solution.children[0] if solution.children else None
        if not isinstance(title, nodes.title) or len(title.children) < 2 or not isinstance(title[0], nodes.Text) or title[0].astext().strip() != SOLUTION_TO:
            continue
        reference = title[1]
        texts = list(reference.findall(nodes.Text))
        if not texts or not texts[0].astext().lstrip().startswith("Exercice"):
            continue
        first = texts[0]
        first.parent.replace(first, nodes.Text(first.astext().lstrip().replace("Exercice", "exercice", 1)))
        title.replace(title[0], nodes.Text(SOLUTION_TO + " l’"))


def french_toggle_button(app, exception) -> None:
    """Le nom accessible des boutons de sphinx-togglebutton, en français (voir 5. ci-dessus)."""
    if exception is not None or app.builder is None or app.builder.format != "html":
        return
    from sphinx.errors import ExtensionError

    script = Path(app.outdir) / "_static" / "togglebutton.js"
    if not script.is_file():
        return
    text = script.read_text(encoding="utf-8")
    if TOGGLE_LABEL_FR in text:
        return
    if TOGGLE_LABEL_EN not in text:
        raise ExtensionError(f"{script} ne contient plus {TOGGLE_LABEL_EN} : revoir tools/sphinx_fr.py (5.)")
    script.write_text(text.replace(TOGGLE_LABEL_EN, TOGGLE_LABEL_FR), encoding="utf-8")


def setup(app):
    app.connect("doctree-resolved", french_solution_titles)
    app.connect("build-finished", french_toggle_button)
    dest = Path(app.doctreedir) / "_locales"
    _compile(HERE / "locales", dest)
    app.add_message_catalog(CATALOG, str(dest))
    register_plugin("pybtex.style.formatting", "alpha_fr", AlphaFrStyle, force=True)
    register_bibtex_plugin("sphinxcontrib.bibtex.style.referencing", "label_fr", LabelFrReferenceStyle, force=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
