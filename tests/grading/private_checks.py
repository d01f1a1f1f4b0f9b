"""Un fichier de vérifications privées d'enseignant, pour les tests de la commande (``--checks``)."""

PRIVATE = '''
import numpy as np
import lstm_lib
from lstm_lib.grading import FunctionExercise, register

register("ex02", FunctionExercise(
    key="ex1-prive", title="Porte d'oubli, grandes tailles", points=1, target="forget_gate",
    cell="reponse-ex1",
    cases=lambda rng: [(rng.normal(size=40), rng.normal(size=9), rng.normal(size=(40, 49)), rng.normal(size=40))],
    reference=lambda h, x, W, b: lstm_lib.forget_gate(h, x, W, b),
))
'''
