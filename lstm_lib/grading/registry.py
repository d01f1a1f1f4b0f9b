"""Le catalogue des cahiers d'exercices : leurs sources, et ce qu'un enseignant y ajoute.

**Une source par cahier.** Chaque cahier ``exercises/exNN_nom.ipynb`` est généré
(``python tools/make_exercises.py``) depuis un module Python, sa source, qui
définit tout une seule fois :

- ``NOTEBOOK`` (« ex02_portes »), ``TITLE``, ``INTRO`` (Markdown), ``CHAPTER``
  (la colonne « chapitre » du tableau de ``exercises/index.md``) ;
- ``EXERCISES`` : les exercices, dans l'ordre (énoncé, code de départ, indices,
  solution, juge : voir :mod:`.core`) ;
- facultatifs : ``SETUP`` (du code ajouté à la cellule de préparation),
  ``HIDDEN_CHECKS`` (des vérifications notées par le correcteur, jamais
  montrées : ni dans le cahier, ni dans l'édition élève) et, pour un rapport
  noté à la main, ``RUBRIC`` et ``REPORT_STARTER`` (voir :mod:`.rubric`).

Les sources du livre sont les modules ``lstm_lib/grading/exNN.py`` ; l'édition
élève les remplace par leurs catalogues publics (:mod:`.catalog`).

**Ce que l'enseignant ajoute, sans toucher au dépôt** (``--checks`` du
correcteur, ``--exercises`` de ``tools/build_student_edition.py``) : un fichier
Python, ou un dossier de fichiers, qui

- appelle :func:`register` pour ajouter une vérification privée à un cahier ;
- ou définit un cahier entier (``NOTEBOOK``, ``EXERCISES``…), comme une source du
  livre : un nouveau cahier, ou, sous le même nom, le remplaçant d'un cahier du livre.

Exemple de vérification privée ::

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

from .core import LEVELS, Exercise

__all__ = ["NOTEBOOKS", "notebooks", "definition", "exercises_for", "register", "load_private_checks",
           "identify", "validate_source", "private_checks", "clear_private_checks"]

_HERE = Path(__file__).parent
_NAME = re.compile(r"(ex\d\d)(_\w+)?")

#: Les cahiers du livre, dans l'ordre des chapitres : un par source ``exNN.py`` de ce
#: paquet (ou, dans l'édition élève, par catalogue ``student/exNN.py``).
NOTEBOOKS = tuple(sorted({p.stem for p in _HERE.glob("ex[0-9][0-9].py")}
                         | {p.stem for p in (_HERE / "student").glob("ex[0-9][0-9].py")}))

_SOURCES: dict[str, ModuleType] = {}     # cahiers ajoutés ou remplacés par l'enseignant
_PRIVATE: dict[str, list[Exercise]] = {}  # vérifications privées (register)


def notebooks() -> tuple[str, ...]:
    """Tous les cahiers connus : ceux du livre et ceux qu'a ajoutés l'enseignant."""
    return tuple(sorted(set(NOTEBOOKS) | set(_SOURCES)))


def _short(name: str) -> str:
    match = _NAME.fullmatch(str(name))
    if not match or match.group(1) not in notebooks():
        raise ValueError(
            f"cahier inconnu : « {name} » ; attendu un des noms {', '.join(notebooks())} "
            f"(ou le nom complet du fichier, par exemple ex02_portes)."
        )
    return match.group(1)


def definition(name: str):
    """La source d'un cahier (« ex02 » ou « ex02_portes ») : un module de définitions.

    Dans l'ordre : un cahier de l'enseignant, la source du livre, le catalogue de
    l'édition élève (sans corrigés).
    """
    short = _short(name)
    if short in _SOURCES:
        return _annotated(_SOURCES[short], short)
    if (_HERE / f"{short}.py").is_file():
        return _annotated(importlib.import_module(f"lstm_lib.grading.{short}"), short)
    from .catalog import load

    module = importlib.import_module(f"lstm_lib.grading.student.{short}")
    cached = getattr(module, "_loaded", None)
    if cached is None:
        cached = module._loaded = load(module.CATALOG)
    return _annotated(cached, short)


def _annotated(module, short: str):
    """La source, chaque exercice sachant son cahier (d'où découlent ses variantes, voir :mod:`.variants`)."""
    for ex in list(module.EXERCISES) + list(getattr(module, "HIDDEN_CHECKS", ())):
        if not ex.notebook:
            ex.notebook = short
    return module


def private_checks() -> dict[str, list[Exercise]]:
    """Les vérifications privées enregistrées (:func:`register`), par cahier."""
    return {short: list(checks) for short, checks in _PRIVATE.items()}


def exercises_for(name: str, *, private: bool = True) -> list[Exercise]:
    """Les exercices à noter d'un cahier : les siens, ses vérifications cachées et privées.

    Lève une erreur claire si la source n'a pas de corrigé (catalogue de l'édition élève) :
    on corrige avec les sources complètes.
    """
    short = _short(name)
    module = definition(short)
    exercises = list(module.EXERCISES)
    if private:
        exercises += list(getattr(module, "HIDDEN_CHECKS", ()))
        exercises += _PRIVATE.get(short, [])
    lacking = [ex.key for ex in exercises if not ex.has_answer_key()]
    if lacking:
        raise ValueError(
            f"le cahier {short} n'a pas de corrigé pour {', '.join(lacking)} : cette installation est "
            f"l'édition élève ; corrigez avec le dépôt complet du livre (et vos sources privées)."
        )
    return exercises


def register(notebook: str, exercise: Exercise) -> None:
    """Ajoute une vérification privée à un cahier (voir le module)."""
    if not isinstance(exercise, Exercise):
        raise TypeError(
            f"register : attendu un exercice (FunctionExercise, ValueExercise ou ChoiceExercise), "
            f"reçu un objet de type {type(exercise).__name__}."
        )
    short = _short(notebook)
    exercise.notebook = exercise.notebook or short
    keys = {e.key for e in exercises_for(short)}
    if exercise.key in keys:
        raise ValueError(f"register : la clé « {exercise.key} » existe déjà dans le cahier {short}.")
    _PRIVATE.setdefault(short, []).append(exercise)


def clear_private_checks() -> None:
    """Oublie tout ce qu'ont ajouté :func:`register` et :func:`load_private_checks`."""
    _PRIVATE.clear()
    _SOURCES.clear()


def validate_source(module) -> str:
    """Vérifie une source de cahier ; rend son nom court (« ex07 »), ou lève ValueError en français."""
    where = getattr(module, "__file__", None) or getattr(module, "__name__", "?")
    missing = [name for name in ("NOTEBOOK", "TITLE", "EXERCISES") if not hasattr(module, name)]
    if missing:
        raise ValueError(f"source de cahier {where} : il manque {', '.join(missing)}")
    match = _NAME.fullmatch(str(module.NOTEBOOK))
    if not match:
        raise ValueError(f"source de cahier {where} : NOTEBOOK = {module.NOTEBOOK!r} ; attendu un nom "
                         f"« exNN_nom » (par exemple « ex07_attention »)")
    exercises = list(module.EXERCISES) + list(getattr(module, "HIDDEN_CHECKS", ()))
    if not exercises or not all(isinstance(ex, Exercise) for ex in exercises):
        raise ValueError(f"source de cahier {where} : EXERCISES doit être une liste non vide d'exercices")
    keys = [ex.key for ex in exercises]
    doubles = sorted({k for k in keys if keys.count(k) > 1})
    if doubles:
        raise ValueError(f"source de cahier {where} : clés en double : {', '.join(doubles)}")
    bad = [ex.key for ex in module.EXERCISES if not re.fullmatch(r"ex\d+", ex.key) or ex.cell]
    if bad:
        raise ValueError(f"source de cahier {where} : les exercices du cahier ont des clés « exK » et leur "
                         f"propre cellule de réponse ; à revoir : {', '.join(bad)}")
    answers = {ex.cell_id for ex in module.EXERCISES}
    orphans = [ex.key for ex in getattr(module, "HIDDEN_CHECKS", ()) if ex.cell_id not in answers]
    if orphans:
        raise ValueError(f"source de cahier {where} : les vérifications cachées {', '.join(orphans)} "
                         f"doivent viser la cellule de réponse d'un exercice du cahier (cell=\"reponse-exK\")")
    lacking = [ex.key for ex in exercises if not ex.has_answer_key()]
    if lacking:
        raise ValueError(f"source de cahier {where} : sans corrigé (answer, check ou reference) : "
                         f"{', '.join(lacking)}")
    levels = [ex.key for ex in module.EXERCISES if ex.level and ex.level not in LEVELS]
    if levels:
        raise ValueError(f"source de cahier {where} : niveau inconnu pour {', '.join(levels)} ; attendu un de "
                         f"{', '.join(LEVELS)}")
    minutes = [ex.key for ex in module.EXERCISES if ex.minutes is not None
               and (isinstance(ex.minutes, bool) or not isinstance(ex.minutes, (int, float)) or ex.minutes <= 0)]
    if minutes:
        raise ValueError(f"source de cahier {where} : « minutes » doit être un nombre de minutes positif ; "
                         f"à revoir : {', '.join(minutes)}")
    return match.group(1)


def _load_file(path: Path) -> ModuleType:
    name = f"lstm_grading_private_{path.stem}_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pour que pickle et les dataclasses s'y retrouvent
    spec.loader.exec_module(module)
    return module


def load_private_checks(path: str | Path) -> int:
    """Charge les ajouts d'un enseignant : un fichier ``.py`` ou un dossier de fichiers ``.py``.

    Chaque fichier peut appeler :func:`register` (vérifications privées) ou définir un
    cahier entier (voir le module). Rend le nombre d'exercices et de vérifications ajoutés.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.py") if not p.name.startswith("_"))
        if not files:
            raise FileNotFoundError(f"aucun fichier .py dans le dossier de vérifications privées : {path}")
    elif path.is_file():
        files = [path]
    else:
        raise FileNotFoundError(f"fichier de vérifications privées introuvable : {path}")
    added = 0
    for file in files:
        before = sum(len(v) for v in _PRIVATE.values())
        module = _load_file(file)
        added += sum(len(v) for v in _PRIVATE.values()) - before
        if hasattr(module, "NOTEBOOK") or hasattr(module, "EXERCISES"):
            short = validate_source(module)
            _SOURCES[short] = module
            added += len(module.EXERCISES) + len(getattr(module, "HIDDEN_CHECKS", ()))
    return added


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
    return match.group(0) if match and match.group(0) in notebooks() else None
