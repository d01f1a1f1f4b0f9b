"""Le retour immédiat dans le cahier de l'élève (le modèle « learntools », en français).

Dans un cahier d'exercices (la cellule « preparation », générée) ::

    from lstm_lib.grading import Cahier
    cahier = Cahier("ex02", globals())
    ex1, ex2, ex3, ex4, ex5, ex6 = cahier.exercices

puis ``ex1.verifier()``, ``ex1.indice()``, ``ex1.solution()`` et, à la fin,
``cahier.bilan()`` pour le tableau des points.

**Convention de nommage.** Tout le code du livre est en anglais, calqué sur les
maths, sauf ce qu'un élève tape dans un cahier : ``Cahier``, ``exercices``,
``verifier``, ``indice``, ``solution``, ``resultat`` et ``bilan`` sont en
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

from . import harvest
from .core import (
    ENREGISTRE,
    ERREUR,
    FAUX,
    INTROUVABLE,
    NON_NOTE,
    NON_TENTE,
    PARTIEL,
    REUSSI,
    Exercise,
    Verdict,
    defines,
    forbidden_in_cells,
    forbidden_verdict,
    fr,
    plural,
)
from ..style import format_fr
from .registry import definition

__all__ = ["Cahier", "ExerciseHandle", "GRADING_ENV", "check_locally", "forbidden_verdict"]

#: Variable d'environnement posée par le correcteur : les vérifications du cahier se taisent alors.
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
    """Un affichage riche : HTML dans Jupyter, texte brut ailleurs."""

    def __init__(self, text: str, html_text: str):
        self.text = text
        self.html = html_text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return self.html


def _show(obj: _Rich) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pas d'IPython : texte brut
        print(obj.text)
        return
    if get_ipython() is None:
        print(obj.text)
    else:
        display(obj)


def check_locally(exercise: Exercise, namespace: dict, rng: np.random.Generator | None = None) -> Verdict:
    """Juge la réponse de ``namespace`` comme le ferait le correcteur, sans jamais lever."""
    try:
        spec = exercise.make_spec(rng if rng is not None else np.random.default_rng())
        sent = pickle.loads(pickle.dumps(spec))  # l'élève reçoit des copies
        ns = harvest.local_namespace()
        harvested = json.loads(json.dumps(ns["collect"](namespace, sent)))
        if exercise.kind == "function":
            used = forbidden_in_cells(exercise, _answer_sources(exercise, namespace))
            if used:
                return forbidden_verdict(exercise, used)
        return exercise.judge(harvested, spec)
    except Exception as exc:  # un vérificateur ne fait jamais planter le cahier
        return Verdict(0.0, exercise.points, NON_NOTE,
                       f"la vérification a échoué ({type(exc).__name__} : {exc}) ; "
                       f"ré-exécutez le cahier depuis le début")


def _answer_sources(exercise: Exercise, namespace: dict) -> list[tuple[str | None, str]]:
    """Le code qui définit la cible, comme le lit le correcteur : la dernière cellule exécutée
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


class ExerciseHandle:
    """Un exercice dans le cahier : ``verifier()``, ``indice()``, ``solution()``."""

    def __init__(self, exercise: Exercise, namespace: dict):
        self.exercise = exercise
        self._namespace = namespace
        self.hints_shown = 0        # indices déjà montrés (gradués : un de plus à chaque appel)
        self.solution_shown = False

    def __repr__(self) -> str:
        ex = self.exercise
        return fr(f"Exercice {ex.key} : {ex.title} ({plural(ex.points, 'point')}) — "
                  f"réponse dans « {ex.target} »")

    def resultat(self) -> Verdict:
        """Le verdict, sans l'afficher."""
        return check_locally(self.exercise, self._namespace)

    def verifier(self) -> None:
        """Vérifie la réponse et affiche un verdict coloré (jamais la valeur attendue)."""
        if os.environ.get(GRADING_ENV):
            print("(vérification désactivée pendant la correction)")
            return
        _show(_verdict_view(f"Exercice {self.exercise.key}", self.resultat()))

    def indice(self) -> None:
        """Affiche un indice ; s'il y en a plusieurs, le suivant à chaque appel."""
        hints = self.exercise.hints
        if not hints:
            text = fr(f"Pas d'indice pour l'exercice {self.exercise.key}.")
        else:
            self.hints_shown = min(self.hints_shown + 1, len(hints))
            shown = hints[self.hints_shown - 1]
            rank = f" {self.hints_shown}/{len(hints)}" if len(hints) > 1 else ""
            text = fr(f"Indice{rank} ({self.exercise.key}) : {shown}")
        _show(_Rich(text, f'<div style="border-left:4px solid #0072B2;background:#e8f1f8;'
                          f'padding:6px 10px;color:#202124">💡 {html.escape(text)}</div>'))

    def solution(self) -> None:
        """Affiche une solution possible (le code), si cette édition en contient une."""
        code = self.exercise.solution
        if not code:
            text = fr(f"Pas de solution dans cette édition pour l'exercice {self.exercise.key} : "
                      f"votre enseignant la donnera après la correction.")
            _show(_Rich(text, f"<div>{html.escape(text)}</div>"))
            return
        self.solution_shown = True
        text = fr(f"Solution ({self.exercise.key}) :") + "\n" + code
        _show(_Rich(text, f"<div><strong>{html.escape(fr(f'Solution ({self.exercise.key}) :'))}</strong>"
                          f"<pre>{html.escape(code)}</pre></div>"))


class Cahier:
    """Les exercices d'un cahier, liés aux variables du cahier (``globals()``)."""

    def __init__(self, name: str, namespace: dict):
        module = definition(name)
        self.name = module.NOTEBOOK
        self.title = module.TITLE
        self.exercices = [ExerciseHandle(ex, namespace) for ex in module.EXERCISES]
        for handle in self.exercices:
            setattr(self, handle.exercise.key, handle)

    def __repr__(self) -> str:
        return "\n".join(repr(e) for e in self.exercices)

    def bilan(self) -> None:
        """Affiche le tableau des points de tous les exercices."""
        if os.environ.get(GRADING_ENV):
            print("(bilan désactivé pendant la correction)")
            return
        rows = [(h, h.resultat()) for h in self.exercices]
        judged = [(h, v) for h, v in rows if v.statut != ENREGISTRE]
        total = sum(v.points for _, v in judged)
        maximum = sum(v.max for _, v in judged)
        pending = sum(v.max for _, v in rows if v.statut == ENREGISTRE)
        seen = [h.exercise.key for h, _ in rows if h.solution_shown]

        def score(v: Verdict) -> str:
            return f"—/{format_fr(v.max)}" if v.statut == ENREGISTRE else f"{format_fr(v.points)}/{format_fr(v.max)}"

        def note(h: ExerciseHandle) -> str:
            return " (solution consultée)" if h.solution_shown else ""

        width = max(len(fr(h.exercise.title)) for h, _ in rows)
        lines = [fr(f"Bilan — {self.title}"), ""]
        for h, v in rows:
            lines.append(f"{h.exercise.key:<4} {fr(h.exercise.title):<{width}}  {score(v):>7} {v.statut}{note(h)}")
        footer = [fr(f"Total : {format_fr(total)}/{plural(maximum, 'point')}")]
        if pending:
            footer.append(fr(f"En attente de la correction : {plural(pending, 'point')} (réponses enregistrées)"))
        if seen:
            footer.append(fr(f"Solution consultée pour : {', '.join(seen)}"))
        lines += footer
        cells = "".join(
            f"<tr><td>{h.exercise.key}</td><td>{html.escape(fr(h.exercise.title))}</td>"
            f"<td style='text-align:right'>{score(v)}</td>"
            f"<td style='color:{_COLORS.get(v.statut, _COLORS[NON_NOTE])[0]}'>{v.statut}{note(h)}</td></tr>"
            for h, v in rows
        )
        table = (
            f"<table><caption>{html.escape(fr('Bilan — ' + self.title))}</caption>"
            "<thead><tr><th>exercice</th><th>titre</th><th>points</th><th>statut</th></tr></thead>"
            f"<tbody>{cells}</tbody><tfoot><tr><th colspan='2'>{html.escape(fr('Total'))}</th>"
            f"<th style='text-align:right'>{format_fr(total)}/{format_fr(maximum)}</th><th></th></tr></tfoot></table>"
            + "".join(f"<p>{html.escape(line)}</p>" for line in footer[1:])
        )
        _show(_Rich("\n".join(lines), table))
