"""Le retour immédiat dans le cahier de l'élève (le modèle « learntools », en français).

Dans un cahier d'exercices ::

    from lstm_lib.grading import Cahier
    cahier = Cahier("ex02", globals())
    ex1, ex2, ex3, ex4, ex5, ex6 = cahier.exercices

puis ``ex1.verifier()``, ``ex1.indice()``, ``ex1.solution()`` et, à la fin,
``cahier.bilan()`` pour le tableau des points.

La vérification passe par le même code que le correcteur (la récolte de
:mod:`~lstm_lib.grading.harvest` et les juges de :mod:`~lstm_lib.grading.core`),
sur des entrées tirées au hasard à chaque appel. Elle ne fait jamais planter le
cahier : toute erreur (de l'élève ou du vérificateur) devient un message.
Ce n'est qu'une aide : la note vient du correcteur, qui ré-exécute le cahier
dans un processus à part.
"""

from __future__ import annotations

import html
import inspect
import json
import os
import pickle

import numpy as np

from . import harvest
from .core import ERREUR, FAUX, INTROUVABLE, NON_NOTE, NON_TENTE, REUSSI, Exercise, Verdict, fr
from .registry import definition

__all__ = ["Cahier", "Exercice"]

#: Variable d'environnement posée par le correcteur : les vérifications du cahier se taisent alors.
GRADING_ENV = "LSTM_LIB_GRADING"

_COLORS = {
    REUSSI: ("#1b7f3b", "#e8f5ec", "✔"),
    FAUX: ("#b3261e", "#fdecea", "✘"),
    ERREUR: ("#b3261e", "#fdecea", "✘"),
    INTROUVABLE: ("#8a5300", "#fff4e0", "?"),
    NON_TENTE: ("#5f6368", "#f1f3f4", "…"),
    NON_NOTE: ("#5f6368", "#f1f3f4", "…"),
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
        judged_spec = spec
        sent = pickle.loads(pickle.dumps(spec))  # l'élève reçoit des copies
        ns = harvest.local_namespace()
        harvested = json.loads(json.dumps(ns["collect"](namespace, sent)))
        if exercise.kind == "function":
            used = _forbidden_in_namespace(exercise, namespace)
            if used:
                return forbidden_verdict(exercise, used)
        return exercise.judge(harvested, judged_spec)
    except Exception as exc:  # un vérificateur ne fait jamais planter le cahier
        return Verdict(0.0, exercise.points, NON_NOTE,
                       f"la vérification a échoué ({type(exc).__name__} : {exc}) ; "
                       f"ré-exécutez le cahier depuis le début")


def forbidden_verdict(exercise: Exercise, used: list[str]) -> Verdict:
    names = ", ".join(f"lstm_lib.{n}" for n in used)
    return Verdict(0.0, exercise.points, FAUX,
                   f"votre réponse appelle {names} : l'exercice demande de l'écrire vous-même")


def _forbidden_in_namespace(exercise, namespace) -> list[str]:
    fn = namespace.get(exercise.target)
    if not callable(fn):
        return []
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        return []
    import textwrap

    return exercise.forbidden_used(textwrap.dedent(source))


def _verdict_view(title: str, verdict: Verdict) -> _Rich:
    color, background, mark = _COLORS.get(verdict.statut, _COLORS[NON_NOTE])
    points = f"{_fmt(verdict.points)}/{_fmt(verdict.max)} point(s)"
    head = fr(f"{mark} {title} — {verdict.statut} ({points})")
    text = head + (f"\n  {verdict.message}" if verdict.message else "")
    body = (
        f'<div style="border-left:4px solid {color};background:{background};padding:6px 10px;'
        f'margin:4px 0;color:#202124"><strong style="color:{color}">{html.escape(head)}</strong>'
        + (f"<br>{html.escape(verdict.message)}" if verdict.message else "")
        + "</div>"
    )
    return _Rich(text, body)


def _fmt(x: float) -> str:
    return f"{x:g}".replace(".", ",")


class Exercice:
    """Un exercice dans le cahier : ``verifier()``, ``indice()``, ``solution()``."""

    def __init__(self, exercise: Exercise, namespace: dict):
        self.exercise = exercise
        self._namespace = namespace

    def __repr__(self) -> str:
        ex = self.exercise
        return fr(f"Exercice {ex.key} : {ex.title} ({_fmt(ex.points)} point(s)) — "
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
        """Affiche un indice."""
        text = fr(f"Indice ({self.exercise.key}) : {self.exercise.hint}")
        _show(_Rich(text, f'<div style="border-left:4px solid #0072B2;background:#e8f1f8;'
                          f'padding:6px 10px;color:#202124">💡 {html.escape(text)}</div>'))

    def solution(self) -> None:
        """Affiche une solution possible (le code)."""
        code = self.exercise.solution
        text = fr(f"Solution ({self.exercise.key}) :") + "\n" + code
        _show(_Rich(text, f"<div><strong>{html.escape(fr(f'Solution ({self.exercise.key}) :'))}</strong>"
                          f"<pre>{html.escape(code)}</pre></div>"))


class Cahier:
    """Les exercices d'un cahier, liés aux variables du cahier (``globals()``)."""

    def __init__(self, name: str, namespace: dict):
        module = definition(name)
        self.name = module.NOTEBOOK
        self.title = module.TITLE
        self.exercices = [Exercice(ex, namespace) for ex in module.EXERCISES]
        for handle in self.exercices:
            setattr(self, handle.exercise.key, handle)

    def __repr__(self) -> str:
        return "\n".join(repr(e) for e in self.exercices)

    def bilan(self) -> None:
        """Affiche le tableau des points de tous les exercices."""
        if os.environ.get(GRADING_ENV):
            print("(bilan désactivé pendant la correction)")
            return
        rows = [(e.exercise, e.resultat()) for e in self.exercices]
        total = sum(v.points for _, v in rows)
        maximum = sum(v.max for _, v in rows)
        width = max(len(fr(ex.title)) for ex, _ in rows)
        lines = [fr(f"Bilan — {self.title}"), ""]
        for ex, v in rows:
            lines.append(f"{ex.key:<4} {fr(ex.title):<{width}}  {_fmt(v.points):>3}/{_fmt(v.max):<3} {v.statut}")
        lines.append(fr(f"Total : {_fmt(total)}/{_fmt(maximum)}"))
        cells = "".join(
            f"<tr><td>{ex.key}</td><td>{html.escape(fr(ex.title))}</td>"
            f"<td style='text-align:right'>{_fmt(v.points)}/{_fmt(v.max)}</td>"
            f"<td style='color:{_COLORS.get(v.statut, _COLORS[NON_NOTE])[0]}'>{v.statut}</td></tr>"
            for ex, v in rows
        )
        table = (
            f"<table><caption>{html.escape(fr('Bilan — ' + self.title))}</caption>"
            "<thead><tr><th>exercice</th><th>titre</th><th>points</th><th>statut</th></tr></thead>"
            f"<tbody>{cells}</tbody><tfoot><tr><th colspan='2'>{html.escape(fr('Total'))}</th>"
            f"<th style='text-align:right'>{_fmt(total)}/{_fmt(maximum)}</th><th></th></tr></tfoot></table>"
        )
        _show(_Rich("\n".join(lines), table))
