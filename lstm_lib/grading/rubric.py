"""La grille d'un rapport noté à la main : une source pour la consigne des élèves et la grille de l'enseignant.

Un cahier dont une part de la note vient d'un rapport (le mini-projet, ``ex11``) définit
``RUBRIC``, une liste de :class:`Criterion`. Le générateur (``tools/make_exercises.py``)
en tire :

- pour l'élève, dans le cahier : la consigne du rapport, critère par critère, avec ses
  niveaux et leurs points (:func:`student_markdown`), puis une cellule où l'écrire ;
- pour l'enseignant, dans ``guide-enseignant.md`` : la même grille, plus ce qu'il faut
  regarder dans la copie pour chaque critère (:func:`teacher_markdown`).

Les deux textes viennent des mêmes critères : un niveau ou un barème changé ici change
les deux.
"""

from __future__ import annotations

from dataclasses import dataclass

from .core import fr, plural

__all__ = ["Criterion", "total", "student_markdown", "teacher_markdown"]


@dataclass(frozen=True)
class Criterion:
    """Un critère du rapport : son nom, ses niveaux ``[(points, description)]`` et ce qu'on y regarde."""

    name: str
    question: str
    levels: tuple
    look_for: str

    @property
    def points(self) -> float:
        return max(points for points, _ in self.levels)


def total(rubric) -> float:
    """Le barème du rapport : la somme des points maximaux de ses critères."""
    return sum(c.points for c in rubric)


def _levels_table(rubric, teacher: bool) -> str:
    head = "| critère | ce qui est demandé | niveaux |" + (" à regarder dans la copie |" if teacher else "")
    rule = "| --- | --- | --- |" + (" --- |" if teacher else "")
    rows = [head, rule]
    for c in rubric:
        levels = " ; ".join(f"**{plural(p, 'point')}** : {text}" for p, text in sorted(c.levels, reverse=True))
        row = f"| {c.name} ({plural(c.points, 'point')}) | {c.question} | {levels} |"
        rows.append(row + (f" {c.look_for} |" if teacher else ""))
    return "\n".join(rows)


def student_markdown(rubric, auto_points: float) -> str:
    """La consigne du rapport, telle que l'élève la lit dans le cahier."""
    return fr(
        f"## Votre rapport — {plural(total(rubric), 'point')}, noté à la main\n\n"
        f"La partie automatique ci-dessus vaut {plural(auto_points, 'point')} ; votre rapport, écrit dans "
        f"la cellule suivante, vaut {plural(total(rubric), 'point')}. Votre enseignant le note avec cette "
        f"grille, la même que la sienne. Chaque affirmation s'appuie sur un nombre que votre cahier "
        f"calcule, après « Redémarrer le noyau et tout exécuter » (le correcteur ne vérifie lui-même que "
        f"le F1 de validation, REPORTED_F1).\n\n"
        + _levels_table(rubric, teacher=False)
    )


def teacher_markdown(rubric, auto_points: float, notebook: str) -> str:
    """La grille de l'enseignant : les mêmes critères et niveaux, et ce qu'il faut regarder."""
    return fr(
        f"Le rapport du cahier `{notebook}` vaut {plural(total(rubric), 'point')} (la partie automatique, "
        f"{plural(auto_points, 'point')}, est notée par le correcteur). Les élèves lisent la même grille "
        f"dans leur cahier, sans la dernière colonne.\n\n"
        + _levels_table(rubric, teacher=True)
    )
