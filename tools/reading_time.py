"""Extension Sphinx locale : la durée de lecture et d'exercices de chaque chapitre.

Chargée par ``_config.yml`` (``sphinx.local_extensions``). Sous le titre de chaque
chapitre, elle écrit, au moment du build, une ligne comme

    Lecture : ~45 min ; exercices : ~30 min

calculée sur la page elle-même (le texte et le code comptés à part) et sur le
cahier d'exercices du chapitre. Rien n'est écrit à la main dans les cahiers : un
chapitre ajouté à ``_toc.yml`` a sa durée sans autre réglage.

Quelles pages
    Un **chapitre** est une page dont le nom correspond au motif
    ``reading_time_chapters`` (défaut ``chapters/*``) ; son **cahier d'exercices**
    est la page du motif ``reading_time_exercises`` (défaut ``exercises/ex*``) qui
    porte le même numéro : ``chapters/07_bptt`` ↔ ``exercises/ex07_bptt``. Les pages
    d'exercices reçoivent aussi leur ligne (« Exercices : ~30 min »).

Vitesses supposées (constantes ci-dessous ; le « Guide de l'enseignant » les cite)
    - **texte** : 200 mots par minute. Brysbaert (2019, *How many words do we read
      per minute?*, Journal of Memory and Language 109:104047) mesure 238 mots/min
      en moyenne pour la lecture silencieuse d'un texte documentaire en anglais ; le
      français demande plus de mots que l'anglais pour le même contenu, et un manuel
      se lit pour apprendre, pas pour survoler : on prend moins ;
    - **code** (cellules affichées, blocs de code du texte, sorties texte) : 10 lignes
      par minute ; les cellules masquées ne comptent pas ;
    - **équations** hors ligne : 20 s par ligne d'équation ;
    - **figures** (images, widgets, animations) : 30 s chacune.
    Ces trois dernières sont des hypothèses du livre, sans étude à citer.

Durée d'un exercice
    Si le cahier la donne, elle est lue telle quelle, en minutes, à l'une de ces
    deux places (la première trouvée l'emporte) :

    - ``metadata.lstm_exercises.minutes`` d'une cellule de l'exercice (un nombre) ;
    - ``metadata.lstm_exercises.minutes`` du cahier : un dictionnaire
      ``{étiquette de l'exercice: minutes}`` (l'étiquette est le ``:label:`` de la
      directive ``{exercise}``, par exemple ``ex02-ex1``).

    Sinon elle est estimée depuis le cahier : l'énoncé lu à la vitesse du texte,
    2 minutes par ligne de code de la solution (ou, sans solution, de la cellule de
    réponse), plus 2 minutes pour exécuter la vérification et lire son verdict. Un
    exercice est ce qui va d'une directive ``{exercise}`` à la suivante (directives
    de sphinx-exercise, celles que le site affiche). Le texte du cahier hors exercices
    (introduction, consignes) s'y ajoute, lu à la vitesse du texte.

Arrondi : aux 5 minutes les plus proches (au moins 5), « ~1 h 15 » au-delà d'une heure.

Rôles (pour le guide de l'enseignant : une durée n'y est jamais recopiée)
    - ``{reading-assumption}`prose``` : une des vitesses ci-dessus, en toutes lettres
      (clés : voir :func:`assumptions`) ;
    - ``{reading-time}`1-3``` : durée de lecture des chapitres 1 à 3 (« ~2 h 10 ») ;
      ``1,4`` ou ``5`` marchent aussi ;
    - ``{exercise-time}`1-3``` : durée de leurs exercices ;
    - ``{chapter-ref}`7``` : lien vers le chapitre 7 (son titre) ;
      ``{chapter-ref}`texte <7>``` : avec un texte choisi ;
    - ``{exercises-ref}`7``` : lien vers le cahier d'exercices du chapitre 7.
    Un chapitre absent de ``_toc.yml`` (pas encore écrit) s'affiche « à paraître »,
    sans avertissement : le guide se complète seul quand il arrive.

Pourquoi une extension à nous : les extensions de temps de lecture existantes
(sphinx-reading-time…) comptent les mots de la page HTML sans distinguer texte,
code et figures, et ne savent rien des cahiers d'exercices.
"""

from __future__ import annotations

import fnmatch
import json
import math
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

logger = logging.getLogger(__name__)

NBSP = "\u00a0"
# Vitesses supposées (voir la documentation du module).
PROSE_WORDS_PER_MINUTE = 200
CODE_LINES_PER_MINUTE = 10
EQUATION_LINE_SECONDS = 20
FIGURE_SECONDS = 30
EXERCISE_MINUTES_PER_SOLUTION_LINE = 2
EXERCISE_CHECK_MINUTES = 2
OUTPUT_LINES_CAP = 30  # une longue sortie se survole : au plus 30 lignes comptées par sortie
METADATA_KEY = "lstm_exercises"

ENV_KEY = "lstm_reading_times"
ENV_USERS = "lstm_reading_time_users"

WORD = re.compile(r"\w", re.UNICODE)
NUMBER = re.compile(r"(?:ex)?(\d+)")
FIGURE_MIMES = ("image/", "application/vnd.jupyter.widget-view+json")


# --- mesure d'une page ------------------------------------------------------------


def count_words(text: str) -> int:
    """Nombre de mots d'un texte (un mot contient au moins une lettre ou un chiffre)."""
    return sum(1 for token in text.split() if WORD.search(token))


def code_lines(text: str) -> int:
    """Lignes de code non vides."""
    return sum(1 for line in text.splitlines() if line.strip())


def equation_lines(tex: str) -> int:
    r"""Lignes d'une équation hors ligne : une, plus une par ``\\``."""
    return 1 + tex.count("\\\\")


def _is_cell(node, element: str) -> bool:
    return isinstance(node, nodes.container) and node.get("nb_element") == element


def _bundle_is_figure(bundle) -> bool:
    for child in bundle.children:
        mime = child.get("mime_type", "")
        if mime.startswith(FIGURE_MIMES):
            return True
        if mime == "text/html" and re.search(r"<(img|video|svg)\b", child.astext()):
            return True
    return False


def measure_doctree(doctree) -> dict:
    """Ce qu'une page donne à lire : mots, lignes de code, lignes d'équation, figures.

    Parcourt l'arbre docutils d'une page lue par Sphinx (myst-nb pour les cahiers).
    Une cellule dont l'entrée est masquée (``hide-input``…) ne compte que par ses
    sorties ; une sortie d'erreur standard (barres de progression) ne compte pas.
    """
    counts = {"words": 0, "code_lines": 0, "equation_lines": 0, "figures": 0}

    def visit(node, hidden_input=False):
        if isinstance(node, (nodes.comment, nodes.substitution_definition, nodes.raw, nodes.system_message)):
            return
        if isinstance(node, nodes.Text):
            counts["words"] += count_words(str(node))
            return
        if isinstance(node, nodes.math):
            counts["words"] += 1  # une formule dans la phrase se lit comme un mot
            return
        if isinstance(node, nodes.math_block):
            counts["equation_lines"] += equation_lines(node.astext())
            return
        if isinstance(node, nodes.image):
            counts["figures"] += 1
            return
        if _is_cell(node, "cell_code"):
            hidden = node.get("hide_mode") in ("all", "input", "input+output")
            for child in node.children:
                visit(child, hidden_input=hidden)
            return
        if _is_cell(node, "cell_code_source"):
            if not hidden_input:
                counts["code_lines"] += code_lines(node.astext())
            return
        if _is_cell(node, "mime_bundle"):
            if _bundle_is_figure(node):
                counts["figures"] += 1
            else:
                counts["code_lines"] += min(OUTPUT_LINES_CAP, code_lines(node.astext()))
            return
        if isinstance(node, nodes.literal_block):
            classes = node.get("classes", [])
            if "stderr" in classes:
                return
            lines = code_lines(node.astext())
            counts["code_lines"] += min(OUTPUT_LINES_CAP, lines) if "output" in classes else lines
            return
        for child in node.children:
            visit(child, hidden_input)

    visit(doctree)
    return counts


def reading_minutes(counts: dict) -> float:
    """Minutes de lecture d'une page mesurée par :func:`measure_doctree`."""
    return (
        counts["words"] / PROSE_WORDS_PER_MINUTE
        + counts["code_lines"] / CODE_LINES_PER_MINUTE
        + counts["equation_lines"] * EQUATION_LINE_SECONDS / 60
        + counts["figures"] * FIGURE_SECONDS / 60
    )


# --- cahier d'exercices -------------------------------------------------------------

EXERCISE_OPEN = re.compile(r"^\s*(`{3,}|:{3,})\{exercise(?:-start)?\}(.*)$", re.M)
SOLUTION_OPEN = re.compile(r"^\s*(`{3,}|:{3,})\{solution(?:-start)?\}", re.M)
LABEL = re.compile(r"^\s*:label:\s*(\S+)", re.M)
CODE_FENCE = re.compile(r"^\s*(`{3,})(?:python|py|ipython3?)\s*\n(.*?)^\s*\1\s*$", re.M | re.S)
ANY_FENCE_LINE = re.compile(r"^\s*(`{3,}|:{3,}).*$", re.M)
OPTION_LINE = re.compile(r"^\s*:[\w-]+:.*$", re.M)
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)


def _source(cell) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def _metadata_minutes(value, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"{where} : « {METADATA_KEY}.minutes » doit être un nombre de minutes positif ; reçu {value!r}"
        )
    return float(value)


def _prose_words(markdown: str) -> int:
    """Mots d'une cellule de texte, sans les options de directives ni le code."""
    text = CODE_FENCE.sub("", markdown)
    text = OPTION_LINE.sub("", text)
    text = ANY_FENCE_LINE.sub("", text)
    text = MATH.sub(" x ", text)  # une formule se lit comme un mot
    return count_words(text)


def _code_lines_without_comments(code: str) -> int:
    return sum(1 for line in code.splitlines() if line.strip() and not line.strip().startswith("#"))


def estimate_exercises(notebook: dict, where: str = "cahier") -> dict:
    """Les exercices d'un cahier (dictionnaire nbformat) et leur durée en minutes.

    Rend ``{"exercises": [{"label", "minutes", "source"}, …], "other_minutes",
    "minutes"}`` ; ``source`` vaut ``"metadata"`` (durée donnée par le cahier) ou
    ``"estimate"``. Lève ``ValueError`` (message en français) si une durée donnée
    dans les métadonnées n'est pas un nombre positif.
    """
    cells = notebook.get("cells", [])
    notebook_minutes = (notebook.get("metadata", {}).get(METADATA_KEY) or {}).get("minutes") or {}
    if not isinstance(notebook_minutes, dict):
        raise ValueError(
            f"{where} : « metadata.{METADATA_KEY}.minutes » du cahier doit être un dictionnaire "
            f"{{étiquette d'exercice : minutes}} ; reçu {notebook_minutes!r}"
        )

    exercises: list[dict] = []
    other_words = 0
    current = None
    for index, cell in enumerate(cells):
        text = _source(cell)
        kind = cell.get("cell_type")
        opened = EXERCISE_OPEN.search(text) if kind == "markdown" else None
        if opened:
            label = LABEL.search(text[opened.end():])
            current = {
                "label": label.group(1) if label else f"exercice {len(exercises) + 1}",
                "words": 0,
                "solution_lines": 0,
                "answer_lines": 0,
                "metadata_minutes": None,
            }
            exercises.append(current)
        cell_minutes = _metadata_minutes(
            (cell.get("metadata", {}).get(METADATA_KEY) or {}).get("minutes"), f"{where}, cellule {index}"
        )
        if current is None:
            if kind == "markdown":
                other_words += _prose_words(text)
            continue
        if cell_minutes is not None and current["metadata_minutes"] is None:
            current["metadata_minutes"] = cell_minutes
        if kind == "markdown":
            if SOLUTION_OPEN.search(text):
                current["solution_lines"] += sum(
                    _code_lines_without_comments(block) for _, block in CODE_FENCE.findall(text)
                )
            else:
                current["words"] += _prose_words(text)
        elif kind == "code" and "reponse" in cell.get("metadata", {}).get("tags", []):
            current["answer_lines"] += code_lines(text)

    result = []
    for exercise in exercises:
        given = exercise["metadata_minutes"]
        if given is None:
            given = _metadata_minutes(notebook_minutes.get(exercise["label"]), f"{where}, {exercise['label']}")
        if given is not None:
            result.append({"label": exercise["label"], "minutes": given, "source": "metadata"})
            continue
        lines = exercise["solution_lines"] or max(1, exercise["answer_lines"])
        minutes = (
            exercise["words"] / PROSE_WORDS_PER_MINUTE
            + lines * EXERCISE_MINUTES_PER_SOLUTION_LINE
            + EXERCISE_CHECK_MINUTES
        )
        result.append({"label": exercise["label"], "minutes": minutes, "source": "estimate"})
    other = other_words / PROSE_WORDS_PER_MINUTE
    return {
        "exercises": result,
        "other_minutes": other,
        "minutes": other + sum(e["minutes"] for e in result),
    }


def read_notebook(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"{path} : cahier illisible ({error})") from error


# --- affichage ----------------------------------------------------------------------


def format_minutes(minutes: float) -> str:
    """« ~45 min », « ~1 h », « ~1 h 15 » : arrondi aux 5 minutes, au moins 5."""
    rounded = max(5, int(5 * math.floor(minutes / 5 + 0.5)))
    if rounded < 60:
        return f"~{rounded}{NBSP}min"
    hours, rest = divmod(rounded, 60)
    return f"~{hours}{NBSP}h" + (f"{NBSP}{rest:02d}" if rest else "")


def chapter_number(docname: str) -> int | None:
    """Le numéro d'un chapitre ou d'un cahier d'exercices, lu au début de son nom de fichier."""
    found = NUMBER.match(docname.rsplit("/", 1)[-1])
    return int(found.group(1)) if found else None


# --- branchement dans Sphinx --------------------------------------------------------


def durations(env) -> dict:
    if not hasattr(env, ENV_KEY):
        setattr(env, ENV_KEY, {})
    return getattr(env, ENV_KEY)


def citing_pages(env) -> set:
    if not hasattr(env, ENV_USERS):
        setattr(env, ENV_USERS, set())
    return getattr(env, ENV_USERS)


def is_chapter(app, docname: str) -> bool:
    return fnmatch.fnmatch(docname, app.config.reading_time_chapters) and chapter_number(docname) is not None


def is_exercises(app, docname: str) -> bool:
    return fnmatch.fnmatch(docname, app.config.reading_time_exercises) and chapter_number(docname) is not None


def _exercise_docname(app, env, number: int) -> str | None:
    matches = sorted(d for d in env.found_docs if is_exercises(app, d) and chapter_number(d) == number)
    if len(matches) > 1:
        logger.warning(
            "durées : plusieurs cahiers d'exercices pour le chapitre %s (%s) ; on prend %s",
            number, ", ".join(matches), matches[0], type="reading_time",
        )
    return matches[0] if matches else None


def _exercise_estimate(app, env, docname: str) -> dict | None:
    path = Path(env.doc2path(docname))
    if path.suffix != ".ipynb":
        return None
    env.note_dependency(str(path))
    try:
        return estimate_exercises(read_notebook(path), where=docname)
    except ValueError as error:
        logger.warning("durées : %s", error, type="reading_time", location=docname)
        return None


def _line(parts) -> nodes.paragraph:
    paragraph = nodes.paragraph(classes=["reading-time"])
    for i, (label, minutes, target) in enumerate(parts):
        if i:
            paragraph += nodes.Text(f"{NBSP}; ")
        if target:
            reference = addnodes.pending_xref(
                "", refdomain="std", reftype="doc", reftarget="/" + target, refexplicit=True, refwarn=True
            )
            reference += nodes.inline(label, label)
            paragraph += reference
        else:
            paragraph += nodes.Text(label)
        paragraph += nodes.Text(f"{NBSP}: {format_minutes(minutes)}")
    return paragraph


def _insert_under_title(doctree, paragraph) -> None:
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not isinstance(section.children[0], nodes.title):
        doctree.insert(0, paragraph)
        return
    section.insert(1, paragraph)


def on_doctree_read(app, doctree) -> None:
    env = app.env
    docname = env.docname
    store = durations(env)
    if is_chapter(app, docname):
        counts = measure_doctree(doctree)
        entry = {"kind": "chapter", "number": chapter_number(docname), "counts": counts,
                 "reading": reading_minutes(counts), "exercises": None, "exercise_doc": None}
        exercise_doc = _exercise_docname(app, env, entry["number"])
        if exercise_doc:
            estimate = _exercise_estimate(app, env, exercise_doc)
            if estimate is not None:
                entry["exercises"] = estimate["minutes"]
                entry["exercise_doc"] = exercise_doc
        store[docname] = entry
        parts = [("Lecture", entry["reading"], None)]
        if entry["exercises"] is not None:
            parts.append(("exercices", entry["exercises"], exercise_doc))
        _insert_under_title(doctree, _line(parts))
    elif is_exercises(app, docname):
        estimate = _exercise_estimate(app, env, docname)
        if estimate is not None:
            store[docname] = {"kind": "exercises", "number": chapter_number(docname),
                              "exercises": estimate["minutes"], "detail": estimate["exercises"]}
            _insert_under_title(doctree, _line([("Exercices", estimate["minutes"], None)]))


def on_env_purge_doc(app, env, docname) -> None:
    durations(env).pop(docname, None)
    citing_pages(env).discard(docname)


def on_env_merge_info(app, env, docnames, other) -> None:
    durations(env).update(getattr(other, ENV_KEY, {}))
    citing_pages(env).update(getattr(other, ENV_USERS, set()))


def on_env_get_outdated(app, env, added, changed, removed):
    """Une page qui cite des durées est relue quand un chapitre ou des exercices changent."""
    touched = set(added) | set(changed) | set(removed)
    if any(is_chapter(app, d) or is_exercises(app, d) for d in touched):
        return sorted(citing_pages(env) - touched)
    return []


# --- rôles du guide -----------------------------------------------------------------


class duration_placeholder(nodes.Inline, nodes.TextElement):
    """Rôle en attente : résolu quand toutes les pages sont lues (voir ResolveDurations)."""


def parse_chapters(spec: str) -> list[int]:
    """« 1-3 » → [1, 2, 3] ; « 1,4 » → [1, 4] ; « 5 » → [5]."""
    numbers: list[int] = []
    for part in spec.replace(" ", "").split(","):
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise ValueError(f"numéros de chapitres attendus (« 5 », « 1-3 », « 1,4 ») ; reçu « {spec} »")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first:
            raise ValueError(f"intervalle à l'envers : « {part} »")
        numbers.extend(range(first, last + 1))
    return numbers


class DurationRole(SphinxRole):
    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def run(self):
        text, target = self.text, self.text
        explicit = re.fullmatch(r"(.*?)\s*<([^<>]+)>\s*", self.text, re.S)
        if explicit:
            text, target = explicit.group(1), explicit.group(2)
        try:
            chapters = parse_chapters(target)
        except ValueError as error:
            message = self.inliner.reporter.error(f"rôle {{{self.name}}} : {error}", line=self.lineno)
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        if self.kind in ("chapter-ref", "exercises-ref") and len(chapters) != 1:
            message = self.inliner.reporter.error(
                f"rôle {{{self.name}}} : un seul numéro de chapitre attendu ; reçu « {target} »", line=self.lineno
            )
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        citing_pages(self.env).add(self.env.docname)
        node = duration_placeholder(self.rawtext, text if explicit else "", kind=self.kind, chapters=chapters)
        return [node], []


class ResolveDurations(SphinxPostTransform):
    """Remplace les rôles par les durées et les liens, une fois toutes les pages lues.

    Priorité 5 : avant la résolution des renvois de Sphinx (10), pour que les liens
    créés ici soient résolus comme les autres.
    """

    default_priority = 5

    def run(self, **kwargs):
        store = durations(self.env)
        chapters = {e["number"]: (d, e) for d, e in store.items() if e["kind"] == "chapter"}
        for node in list(self.document.findall(duration_placeholder)):
            node.replace_self(self.resolve(node, chapters))

    def resolve(self, node, chapters):
        kind, numbers, text = node["kind"], node["chapters"], node.astext()
        if kind in ("reading-time", "exercise-time"):
            key = "reading" if kind == "reading-time" else "exercises"
            found = [chapters[n][1][key] for n in numbers if n in chapters and chapters[n][1][key] is not None]
            if len(found) < len(numbers):
                missing = [n for n in numbers if n not in chapters]
                return nodes.inline("", "à paraître" if len(missing) == len(numbers) else
                                    f"{format_minutes(sum(found))} (sans le chapitre {', '.join(map(str, missing))}, à paraître)")
            return nodes.inline("", format_minutes(sum(found)), classes=["reading-time-value"])
        (number,) = numbers
        if number not in chapters:
            label = text or (f"chapitre {number}" if kind == "chapter-ref" else f"cahier {number}")
            return nodes.inline("", f"{label} (à paraître)")
        docname, entry = chapters[number]
        if kind == "exercises-ref":
            docname = entry["exercise_doc"]
            if docname is None:
                return nodes.inline("", f"{text or f'cahier {number}'} (à paraître)")
        reference = addnodes.pending_xref(
            "", refdomain="std", reftype="doc", reftarget="/" + docname, refexplicit=bool(text), refwarn=True
        )
        reference += nodes.inline(text, text)
        return reference


def assumptions() -> dict[str, str]:
    """Les vitesses supposées, en toutes lettres (rôle ``{reading-assumption}``)."""
    return {
        "prose": f"{PROSE_WORDS_PER_MINUTE}{NBSP}mots par minute",
        "code": f"{CODE_LINES_PER_MINUTE}{NBSP}lignes par minute",
        "equation": f"{EQUATION_LINE_SECONDS}{NBSP}s par ligne d'équation",
        "figure": f"{FIGURE_SECONDS}{NBSP}s par figure",
        "solution-line": f"{EXERCISE_MINUTES_PER_SOLUTION_LINE}{NBSP}min par ligne de solution",
        "check": f"{EXERCISE_CHECK_MINUTES}{NBSP}min",
        "output-cap": f"{OUTPUT_LINES_CAP}{NBSP}lignes",
    }


class AssumptionRole(SphinxRole):
    """``{reading-assumption}`prose``` → « 200 mots par minute » : le guide cite les
    constantes de ce module au lieu de les recopier."""

    def run(self):
        known = assumptions()
        key = self.text.strip()
        if key not in known:
            message = self.inliner.reporter.error(
                f"{{reading-assumption}} : clé inconnue « {key} » ; clés possibles : {', '.join(known)}",
                line=self.lineno,
            )
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        return [nodes.inline("", known[key])], []


def setup(app):
    app.add_role("reading-assumption", AssumptionRole())
    app.add_config_value("reading_time_chapters", "chapters/*", "env")
    app.add_config_value("reading_time_exercises", "exercises/ex*", "env")
    app.add_node(duration_placeholder)
    for kind in ("reading-time", "exercise-time", "chapter-ref", "exercises-ref"):
        app.add_role(kind, DurationRole(kind))
    app.add_post_transform(ResolveDurations)
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-purge-doc", on_env_purge_doc)
    app.connect("env-merge-info", on_env_merge_info)
    app.connect("env-get-outdated", on_env_get_outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
