"""Exercices notés : retour immédiat dans le cahier, et correcteur pour l'enseignant.

Dans un cahier d'exercices (voir :mod:`lstm_lib.grading.notebook`) ::

    from lstm_lib.grading import Cahier
    cahier = Cahier("ex02", globals())
    ex1, ex2, *autres = cahier.exercices
    ex1.verifier(); ex1.indice(); ex1.solution(); cahier.bilan()

Pour l'enseignant, le correcteur est un paquet à part, ``lstm_grader`` (dossier
``grader/`` du dépôt), qui se sert des juges définis ici ::

    python -m lstm_grader copies/*.ipynb --csv notes.csv [--checks privees.py]

Importer ce paquet n'importe ni torch, ni nbclient.
"""

from .core import ChoiceExercise, Exercise, FunctionExercise, ValueExercise, Verdict
from .notebook import Cahier, Exercice
from .registry import NOTEBOOKS, definition, exercises_for, load_private_checks, register

__all__ = [
    "Cahier",
    "Exercice",
    "Exercise",
    "FunctionExercise",
    "ValueExercise",
    "ChoiceExercise",
    "Verdict",
    "NOTEBOOKS",
    "definition",
    "exercises_for",
    "register",
    "load_private_checks",
]
