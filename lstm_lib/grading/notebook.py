"""Le retour immédiat dans le cahier de l'élève (le modèle « learntools », en français).

Dans un cahier d'exercices (la cellule « preparation », générée) ::

    from lstm_lib.grading import Cahier
    cahier = Cahier("ex02", globals())
    ex1, ex2, ex3, ex4, ex5, ex6 = cahier.exercices

puis ``ex1.verifier()``, ``ex1.indice()``, ``ex1.solution()`` et, à la fin,
``cahier.bilan()`` pour le tableau des points (et des indices et solutions
consultés, voir :mod:`.usage`). Un exercice propre à chaque copie (choix
mélangés, valeurs de l'énoncé : :mod:`.variants`) s'affiche avec
``ex3.enonce()`` ; ``ex3.valeurs`` rend ses valeurs et ``ex4.lettre("texte")`` la
lettre d'un choix. L'identité de la copie est la variable ``etudiant`` de la
cellule ``identite``, en tête du cahier.

**Convention de nommage.** Tout le code du livre est en anglais, calqué sur les
maths, sauf ce qu'un élève tape dans un cahier : ``Cahier``, ``exercices``,
``verifier``, ``indice``, ``solution``, ``resultat``, ``bilan``, ``enonce``,
``valeurs``, ``lettre`` et ``etudiant`` sont en
français, comme le reste de ce qu'il lit. Ces noms ne changent pas (des copies
déjà rendues les appellent). Derrière eux, l'exercice est un
:class:`~lstm_lib.grading.core.Exercise` et sa poignée dans le cahier un
:class:`ExerciseHandle`.

La vérification passe par le même code que le correcteur (la récolte de
:mod:`~lstm_lib.grading.harvest` et les juges de :mod:`~lstm_lib.grading.core`),
avec la même règle des appels interdits. Elle ne fait jamais planter le
cahier : toute erreur (de l'élève ou du vérificateur) devient un message.
Ce n'est qu'une aide : la note vient du correcteur, qui ré-exécute le cahier
dans un processus à part. Dans l'édition élève (sans corrigés), les questions
à choix et les valeurs sont enregistrées sans verdict, et ``solution()`` ne
montre rien.
"""

from __future__ import annotations

import ast
import html
import inspect
import json
import os
import pickle
import textwrap

import numpy as np

from . import harvest, usage, variants
from .core import (
    ENREGISTRE,
    ERREUR,
    FAUX,
    INTROUVABLE,
    NON_NOTE,
    NON_TENTE,
    PARTIEL,
    REUSSI,
    ChoiceExercise,
    Exercise,
    Verdict,
    defines,
    forbidden_in_cells,
    forbidden_verdict,
    fr,
    kernel_spec,
    plural,
)
from ..style import format_fr
from .registry import definition

__all__ = ["Cahier", "ExerciseHandle", "GRADING_ENV", "check_locally", "forbidden_verdict", "notebook_namespace"]

#: Variable d'environnement posée par le correcteur : les vérifications du cahier se taisent alors.
GRADING_ENV = "LSTM_LIB_GRADING"

_COLORS = {
    REUSSI: ("#1b7f3b", "#e8f5ec", "✔"),
    PARTIEL: ("#8a5300", "#fff4e0", "◐"),
    FAUX: ("#b3261e", "#fdecea", "✘"),
    ERREUR: ("#b3261e", "#fdecea", "✘"),
    INTROUVABLE: ("#8a5300", "#fff4e0", "?"),
    NON_TENTE: ("#5f6368", "#f1f3f4", "…"),
    NON_NOTE: ("#5f6368", "#f1f3f4", "…"),
    ENREGISTRE: ("#0b57d0", "#e8f0fe", "✎"),
}


class _Rich:
    """Un affichage riche : HTML dans Jupyter, texte brut ailleurs ; ``metadata`` va avec la sortie."""

    def __init__(self, text: str, html_text: str, metadata: dict | None = None):
        self.text = text
        self.html = html_text
        self.metadata = metadata or {}

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return self.html

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.text, "text/html": self.html}, dict(self.metadata)


def _show(obj: _Rich) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pas d'IPython : texte brut
        print(obj.text)
        return
    if get_ipython() is None:
        print(obj.text)
    else:
        display(obj)


def check_locally(exercise: Exercise, namespace: dict, rng: np.random.Generator | None = None) -> Verdict:
    """Juge la réponse de ``namespace`` comme le ferait le correcteur, sans jamais lever.

    La variante de la copie (ordre des choix, valeurs de l'énoncé) vient de l'identité
    que déclare ``namespace`` (``etudiant``), comme chez le correcteur.
    """
    try:
        variant = exercise.variant(variants.identity_of(namespace))
        spec = exercise.make_spec(rng if rng is not None else np.random.default_rng(), variant)
        sent = pickle.loads(pickle.dumps(kernel_spec(spec)))  # l'élève reçoit des copies
        ns = harvest.local_namespace()
        harvested = json.loads(json.dumps(ns["collect"](namespace, sent)))
        if exercise.kind == "function":
            used = forbidden_in_cells(exercise, _answer_sources(exercise, namespace))
            if used:
                return forbidden_verdict(exercise, used)
        return exercise.judge(harvested, spec)
    except Exception as exc:  # un vérificateur ne fait jamais planter le cahier
        return Verdict(0.0, exercise.points, NON_NOTE,
                       f"la vérification a échoué ({type(exc).__name__} : {exc}) ; "
                       f"ré-exécutez le cahier depuis le début")


def _answer_sources(exercise: Exercise, namespace: dict) -> list[tuple[str | None, str]]:
    """Le code qui définit la cible, comme le lit le correcteur : la dernière cellule exécutée
    qui la définit (historique d'IPython), sinon le code source de la fonction."""
    history = namespace.get("_ih") or namespace.get("In")
    if isinstance(history, list):
        for source in reversed(history):
            if not isinstance(source, str):
                continue
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            if defines(tree, exercise.target):
                return [(exercise.cell_id, source)]
    fn = namespace.get(exercise.target)
    if callable(fn):
        try:
            return [(exercise.cell_id, textwrap.dedent(inspect.getsource(fn)))]
        except (OSError, TypeError):
            pass
    return []


def _verdict_view(title: str, verdict: Verdict) -> _Rich:
    color, background, mark = _COLORS.get(verdict.statut, _COLORS[NON_NOTE])
    if verdict.statut == ENREGISTRE:
        points = plural(verdict.max, "point")
    else:
        points = f"{format_fr(verdict.points)}/{plural(verdict.max, 'point')}"
    head = fr(f"{mark} {title} — {verdict.statut} ({points})")
    text = head + (f"\n  {verdict.message}" if verdict.message else "")
    body = (
        f'<div style="border-left:4px solid {color};background:{background};padding:6px 10px;'
        f'margin:4px 0;color:#202124"><strong style="color:{color}">{html.escape(head)}</strong>'
        + (f"<br>{html.escape(verdict.message)}" if verdict.message else "")
        + "</div>"
    )
    return _Rich(text, body)


def _grading() -> bool:
    return bool(os.environ.get(GRADING_ENV))


class ExerciseHandle:
    """Un exercice dans le cahier : ``verifier()``, ``indice()``, ``solution()``, ``enonce()``."""

    def __init__(self, exercise: Exercise, namespace: dict, cahier: "Cahier | None" = None):
        self.exercise = exercise
        self._namespace = namespace
        self._cahier = cahier
        self.hints_shown = 0        # indices déjà montrés (gradués : un de plus à chaque appel)
        self.solution_shown = False

    def __repr__(self) -> str:
        ex = self.exercise
        return fr(f"Exercice {ex.key} : {ex.title} ({plural(ex.points, 'point')}) — "
                  f"réponse dans « {ex.target} »")

    # Ce qui est propre à la copie
    @property
    def identity(self) -> str:
        return variants.identity_of(self._namespace)

    @property
    def variant(self) -> dict:
        return self.exercise.variant(self.identity)

    @property
    def valeurs(self) -> dict:
        """Les valeurs de l'énoncé propres à cette copie (``{}`` si l'énoncé est le même pour tous)."""
        return dict(self.variant.get("values", {}))

    def lettre(self, fragment: str) -> str:
        """La lettre, dans cette copie, du choix dont le texte contient ``fragment``."""
        if not isinstance(self.exercise, ChoiceExercise):
            raise TypeError(fr(f"lettre : l'exercice {self.exercise.key} n'est pas une question à choix"))
        return self.exercise.letter_of(fragment, self.variant)

    def enonce(self) -> None:
        """Affiche la partie de l'énoncé propre à cette copie (les choix dans son ordre, ses valeurs)."""
        ex = self.exercise
        lines = ex.personal_lines(self.variant)
        if not lines:
            _show(_Rich(fr(f"L'énoncé de l'exercice {ex.key} est le même pour toutes les copies."), ""))
            return
        who = self.identity and str(self._namespace.get(variants.IDENTITY_NAME, "")).strip()[:80]
        if isinstance(ex, ChoiceExercise):
            head = "Les choix (dans l'ordre de votre copie) :"
            items = "".join(f"<li><strong>{letter}</strong>{html.escape(fr(' : '))}{html.escape(text)}</li>"
                            for letter, text in ex.personal_items(self.variant))
            body = f"<ul>{items}</ul>"
            text_lines = [f"  {line}" for line in lines]
        else:
            head = "Les valeurs de votre copie :"
            body = "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"
            text_lines = [f"  {line}" for line in lines]
        note = (fr(f"Copie de « {who} » (variable etudiant, en tête du cahier).") if who else
                fr("Copie anonyme : sans identité (variable etudiant, en tête du cahier), vos valeurs sont "
                   "celles de toutes les copies anonymes."))
        text = "\n".join([fr(head), *text_lines, note])
        _show(_Rich(text, f"<div><p>{html.escape(fr(head))}</p>{body}<p><em>{html.escape(note)}</em></p></div>"))

    # Le retour
    def resultat(self) -> Verdict:
        """Le verdict, sans l'afficher."""
        return check_locally(self.exercise, self._namespace)

    def verifier(self) -> None:
        """Vérifie la réponse et affiche un verdict coloré (jamais la valeur attendue)."""
        if _grading():
            print("(vérification désactivée pendant la correction)")
            return
        _show(_verdict_view(f"Exercice {self.exercise.key}", self.resultat()))

    # Indices et solution, comptés (voir lstm_lib.grading.usage)
    def usage(self) -> dict:
        """Ce que cette copie a consulté pour cet exercice : ``{"indices": n, "solution": bool}``."""
        own = {self.exercise.key: {"indices": self.hints_shown, "solution": self.solution_shown}}
        logged = self._log().read() if self._log() else {}
        return usage.merge(own, logged).get(self.exercise.key, {"indices": 0, "solution": False})

    def _log(self) -> usage.UsageLog | None:
        if _grading() or not self.exercise.notebook:
            return None
        return usage.UsageLog(self.exercise.notebook, self.identity)

    def _record(self) -> dict:
        record = {self.exercise.key: {"indices": self.hints_shown, "solution": self.solution_shown}}
        log = self._log()
        if log is not None:
            log.write(record)
        return usage.output_metadata(self.exercise.notebook, {self.exercise.key: self.usage()})

    def indice(self) -> None:
        """Affiche un indice ; s'il y en a plusieurs, le suivant à chaque appel (d'abord l'idée, puis la formule)."""
        hints = self.exercise.hints
        if not hints:
            text = fr(f"Pas d'indice pour l'exercice {self.exercise.key}.")
            _show(_Rich(text, f"<div>{html.escape(text)}</div>"))
            return
        self.hints_shown = min(self.hints_shown + 1, len(hints))
        shown = hints[self.hints_shown - 1]
        rank = f" {self.hints_shown}/{len(hints)}" if len(hints) > 1 else ""
        text = fr(f"Indice{rank} ({self.exercise.key}) : {shown}")
        _show(_Rich(text, f'<div style="border-left:4px solid #0072B2;background:#e8f1f8;'
                          f'padding:6px 10px;color:#202124">💡 {html.escape(text)}</div>', self._record()))

    def solution(self) -> None:
        """Affiche une solution possible (le code), si cette édition en contient une."""
        code = self.exercise.solution
        if not code:
            text = fr(f"Pas de solution dans cette édition pour l'exercice {self.exercise.key} : "
                      f"votre enseignant la donnera après la correction.")
            _show(_Rich(text, f"<div>{html.escape(text)}</div>"))
            return
        self.solution_shown = True
        text = fr(f"Solution ({self.exercise.key}) :") + "\n" + code
        _show(_Rich(text, f"<div><strong>{html.escape(fr(f'Solution ({self.exercise.key}) :'))}</strong>"
                          f"<pre>{html.escape(code)}</pre></div>", self._record()))


class Cahier:
    """Les exercices d'un cahier, liés aux variables du cahier (``globals()``)."""

    def __init__(self, name: str, namespace: dict):
        module = definition(name)
        self.name = module.NOTEBOOK
        self.title = module.TITLE
        self.short = module.EXERCISES[0].notebook if module.EXERCISES else ""
        self._namespace = namespace
        self.exercices = [ExerciseHandle(ex, namespace, self) for ex in module.EXERCISES]
        for handle in self.exercices:
            setattr(self, handle.exercise.key, handle)

    def __repr__(self) -> str:
        return "\n".join(repr(e) for e in self.exercices)

    def usage(self) -> dict:
        """Les indices et solutions consultés, par exercice (``{exK: {"indices", "solution"}}``)."""
        return {h.exercise.key: h.usage() for h in self.exercices}

    def bilan(self) -> None:
        """Affiche le tableau des points de tous les exercices, et les indices et solutions consultés."""
        if _grading():
            print("(bilan désactivé pendant la correction)")
            return
        rows = [(h, h.resultat(), h.usage()) for h in self.exercices]
        judged = [(h, v) for h, v, _ in rows if v.statut != ENREGISTRE]
        total = sum(v.points for _, v in judged)
        maximum = sum(v.max for _, v in judged)
        pending = sum(v.max for _, v, _ in rows if v.statut == ENREGISTRE)
        seen = [h.exercise.key for h, _, u in rows if u["solution"]]
        hinted = sum(u["indices"] for _, _, u in rows)

        def score(v: Verdict) -> str:
            return f"—/{format_fr(v.max)}" if v.statut == ENREGISTRE else f"{format_fr(v.points)}/{format_fr(v.max)}"

        def note(u: dict) -> str:
            return " (solution consultée)" if u["solution"] else ""

        def hints(h: ExerciseHandle, u: dict) -> str:
            n = len(h.exercise.hints)
            return f"{u['indices']}/{n}" if n else "—"

        width = max(len(fr(h.exercise.title)) for h, _, _ in rows)
        lines = [fr(f"Bilan — {self.title}"), ""]
        for h, v, u in rows:
            lines.append(f"{h.exercise.key:<4} {fr(h.exercise.title):<{width}}  {score(v):>7} "
                         f"{fr('indices : ') + hints(h, u):<14} {v.statut}{note(u)}")
        footer = [fr(f"Total : {format_fr(total)}/{plural(maximum, 'point')}")]
        if pending:
            footer.append(fr(f"En attente de la correction : {plural(pending, 'point')} (réponses enregistrées)"))
        footer.append(fr(f"Indices consultés : {hinted}"))
        if seen:
            footer.append(fr(f"Solution consultée pour : {', '.join(seen)}"))
        lines += footer
        cells = "".join(
            f"<tr><td>{h.exercise.key}</td><td>{html.escape(fr(h.exercise.title))}</td>"
            f"<td style='text-align:right'>{score(v)}</td><td style='text-align:right'>{hints(h, u)}</td>"
            f"<td style='color:{_COLORS.get(v.statut, _COLORS[NON_NOTE])[0]}'>{v.statut}{note(u)}</td></tr>"
            for h, v, u in rows
        )
        table = (
            f"<table><caption>{html.escape(fr('Bilan — ' + self.title))}</caption>"
            "<thead><tr><th>exercice</th><th>titre</th><th>points</th><th>indices</th><th>statut</th></tr></thead>"
            f"<tbody>{cells}</tbody><tfoot><tr><th colspan='2'>{html.escape(fr('Total'))}</th>"
            f"<th style='text-align:right'>{format_fr(total)}/{format_fr(maximum)}</th><th></th><th></th></tr>"
            "</tfoot></table>"
            + "".join(f"<p>{html.escape(line)}</p>" for line in footer[1:])
        )
        _show(_Rich("\n".join(lines), table, usage.output_metadata(self.short, {h.exercise.key: u for h, _, u in rows})))


def notebook_namespace(name: str, identity: str = "", namespace: dict | None = None) -> dict:
    """Les variables d'un cahier après sa cellule de préparation : ``np``, ``lstm_lib``, ``etudiant``,
    ``cahier`` et ``ex1``, ``ex2``… (pour exécuter une réponse hors d'un noyau : tests, outils)."""
    import lstm_lib

    ns = {"np": np, "lstm_lib": lstm_lib, variants.IDENTITY_NAME: identity, **(namespace or {})}
    ns["cahier"] = Cahier(name, ns)
    for handle in ns["cahier"].exercices:
        ns[handle.exercise.key] = handle
    return ns
