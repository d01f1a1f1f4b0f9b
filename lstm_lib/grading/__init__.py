"""Exercices notés : leurs sources, et le retour immédiat dans le cahier.

Dans un cahier d'exercices (voir :mod:`lstm_lib.grading.notebook`) ::

    from lstm_lib.grading import Cahier
    cahier = Cahier("ex02", globals())
    ex1, ex2, *autres = cahier.exercices
    ex1.verifier(); ex1.indice(); ex1.solution(); cahier.bilan()

Ce paquet est le côté élève : les juges (:mod:`.core`), la récolte
(:mod:`.harvest`), la vérification dans le cahier (:mod:`.notebook`), le
catalogue des cahiers (:mod:`.registry`) et leurs sources ``exNN.py``, une par
cahier (voir :mod:`.registry` ; les cahiers en sont générés par
``tools/make_exercises.py``). L'édition élève remplace les sources par des
catalogues sans corrigés (:mod:`.catalog`).

Pour l'enseignant, le correcteur est un paquet à part, ``lstm_grader`` (dossier
``grader/`` du dépôt), qui se sert des juges définis ici ::

    python -m lstm_grader copies/*.ipynb --csv notes.csv [--checks privees.py]

Importer ce paquet n'importe ni torch, ni nbclient.
"""

from . import _inputs as draw
from .core import ChoiceExercise, Exercise, FunctionExercise, ValueExercise, Verdict
from .notebook import Cahier, ExerciseHandle
from .registry import NOTEBOOKS, definition, exercises_for, load_private_checks, notebooks, register

__all__ = [
    "Cahier",
    "ExerciseHandle",
    "Exercise",
    "FunctionExercise",
    "ValueExercise",
    "ChoiceExercise",
    "Verdict",
    "NOTEBOOKS",
    "notebooks",
    "definition",
    "exercises_for",
    "register",
    "load_private_checks",
    "draw",
]
