"""Le catalogue des cahiers d'exercices, et l'ajout de vérifications privées.

Chaque cahier ``exercises/exNN_nom.ipynb`` a un module de définitions
``lstm_lib.grading.exNN`` (énoncés, codes de départ, solutions, juges).

Vérifications privées : un enseignant écrit un fichier Python (hors du dépôt
public) qui appelle :func:`register`, et le passe au correcteur avec
``--checks fichier.py``. Exemple ::

    from lstm_lib.grading import FunctionExercise, register
    import lstm_lib

    register("ex02", FunctionExercise(
        key="ex1-lot", title="Porte d'oubli sur d'autres tailles", points=1,
        target="forget_gate", cell="reponse-ex1",
        cases=lambda rng: [...],                  # des tuples d'arguments
        reference=lambda h, x, W, b: lstm_lib.forget_gate(h, x, W, b),
    ))
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

from .core import Exercise

__all__ = ["NOTEBOOKS", "definition", "exercises_for", "register", "load_private_checks", "identify"]

#: Les cahiers, dans l'ordre des chapitres : un par module ``exNN.py`` de ce paquet
#: (ajouter un cahier d'exercices, c'est ajouter ce module ; voir le README).
NOTEBOOKS = tuple(sorted(p.stem for p in Path(__file__).parent.glob("ex[0-9][0-9].py")))

_PRIVATE: dict[str, list[Exercise]] = {}


def _short(name: str) -> str:
    match = re.fullmatch(r"(ex\d\d)(_\w+)?", str(name))
    if not match or match.group(1) not in NOTEBOOKS:
        raise ValueError(
            f"cahier inconnu : « {name} » ; attendu un des noms {', '.join(NOTEBOOKS)} "
            f"(ou le nom complet du fichier, par exemple ex02_portes)."
        )
    return match.group(1)


def definition(name: str) -> ModuleType:
    """Le module de définitions d'un cahier (« ex02 » ou « ex02_portes »)."""
    return importlib.import_module(f"lstm_lib.grading.{_short(name)}")


def exercises_for(name: str, *, private: bool = True) -> list[Exercise]:
    """Les exercices d'un cahier, suivis des vérifications privées enregistrées."""
    short = _short(name)
    exercises = list(definition(short).EXERCISES)
    if private:
        exercises += _PRIVATE.get(short, [])
    return exercises


def register(notebook: str, exercise: Exercise) -> None:
    """Ajoute une vérification privée à un cahier (voir le module)."""
    if not isinstance(exercise, Exercise):
        raise TypeError(
            f"register : attendu un exercice (FunctionExercise, ValueExercise ou ChoiceExercise), "
            f"reçu un objet de type {type(exercise).__name__}."
        )
    short = _short(notebook)
    keys = {e.key for e in exercises_for(short)}
    if exercise.key in keys:
        raise ValueError(f"register : la clé « {exercise.key} » existe déjà dans le cahier {short}.")
    _PRIVATE.setdefault(short, []).append(exercise)


def clear_private_checks() -> None:
    _PRIVATE.clear()


def load_private_checks(path: str | Path) -> int:
    """Exécute un fichier de vérifications privées ; rend le nombre de vérifications ajoutées."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"fichier de vérifications privées introuvable : {path}")
    before = sum(len(v) for v in _PRIVATE.values())
    spec = importlib.util.spec_from_file_location(f"lstm_grading_private_{abs(hash(str(path)))}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pour que pickle et les dataclasses s'y retrouvent
    spec.loader.exec_module(module)
    return sum(len(v) for v in _PRIVATE.values()) - before


def identify(filename: str, metadata: dict | None = None) -> str | None:
    """Le cahier d'une copie : métadonnées du cahier, sinon le nom du fichier."""
    if metadata:
        name = (metadata.get("lstm_grading") or {}).get("cahier") if isinstance(metadata, dict) else None
        if isinstance(name, str):
            try:
                return _short(name)
            except ValueError:
                pass
    match = re.search(r"ex\d\d", Path(filename).name)
    return match.group(0) if match and match.group(0) in NOTEBOOKS else None
