"""Le catalogue public d'un cahier : ce que l'édition élève installe à la place de la source.

La source d'un cahier (``lstm_lib/grading/exNN.py``) contient tout : énoncés,
indices, solutions, corrigés des questions, références. L'édition élève
(``tools/build_student_edition.py``) ne l'installe pas ; elle installe à sa
place un **catalogue** (``lstm_lib/grading/student/exNN.py``, généré), qui ne
contient que ce que la vérification dans le cahier peut montrer sans rien
donner :

- pour chaque exercice : clé, titre, barème, cible, cellule, indices ;
- pour une fonction à écrire : quelques entrées d'essai fixes, les résultats
  attendus sur ces entrées et ceux des erreurs typiques (des nombres, jamais du
  code), les noms interdits, les parties notées. La vérification y compare la
  fonction de l'élève ; le correcteur, lui, la juge sur des entrées neuves,
  tirées avec sa graine secrète. Un exercice à juge sur mesure (``check``)
  n'a que la forme attendue : ses valeurs sont jugées à la correction ;
- pour une question à choix ou une valeur à trouver : les lettres (ou les
  clés) permises, **sans** la bonne réponse. La vérification contrôle la forme
  de la réponse et l'enregistre, sans verdict (statut « enregistré »). Une
  question aux choix mélangés garde les textes de ses choix, dans leur ordre de
  référence (celui de leurs textes hachés, qui ne dit rien de la bonne réponse) ;
  une valeur propre à chaque copie garde la loi de ses valeurs et son gabarit
  (voir :mod:`.variants`) : l'élève voit ses choix et ses valeurs, le correcteur
  les recalcule.

Format (JSON dans une chaîne, version :data:`FORMAT`) ::

    {"format": 2, "notebook": "ex02_portes", "title": …, "intro": …, "chapter": …,
     "exercises": [{"key", "title", "points", "target", "cell", "hints", "minutes", "level",
                    "kind", …}]}

avec ``kind`` ∈ ``function`` (``forbidden``, ``parts``, ``cases``, ``expected``,
``mistakes``, ``values_at_grading``), ``value`` (``variables``, ``show``),
``choice`` (``choices`` : les lettres ; ou ``texts`` : les textes des choix
mélangés), ``table`` (``questions``). Les valeurs sont codées comme la récolte
(:mod:`.harvest`) et relues par :func:`.core.decode`.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from types import SimpleNamespace

from .core import (
    ENREGISTRE,
    ChoiceExercise,
    DecodedObject,
    FunctionExercise,
    ValueExercise,
    Verdict,
    compare,
    decode,
    RECORDED,
)
from .variants import param_from_dict

__all__ = ["FORMAT", "PublicCasesExercise", "load", "rebuild"]

FORMAT = 2

# Les objets à champs que les entrées d'essai peuvent contenir, reconstruits à la lecture.
_CLASSES = {"LSTMParams": ("lstm_lib.cells", "LSTMParams"), "RNNParams": ("lstm_lib.rnn", "RNNParams")}


def rebuild(value):
    """Une valeur décodée, avec ses objets connus (``LSTMParams``…) reconstruits."""
    if isinstance(value, DecodedObject):
        fields = {k: rebuild(v) for k, v in value.fields.items()}
        if value.cls in _CLASSES:
            import importlib

            module, name = _CLASSES[value.cls]
            return getattr(importlib.import_module(module), name)(**fields)
        return fields
    if isinstance(value, tuple):
        return tuple(rebuild(v) for v in value)
    if isinstance(value, list):
        return [rebuild(v) for v in value]
    if isinstance(value, dict):
        return {k: rebuild(v) for k, v in value.items()}
    return value


def _expected(value):
    """Un résultat attendu décodé : un objet à champs devient le dictionnaire de ses champs."""
    if isinstance(value, DecodedObject):
        return {k: _expected(v) for k, v in value.fields.items()}
    if isinstance(value, tuple):
        return tuple(_expected(v) for v in value)
    if isinstance(value, list):
        return [_expected(v) for v in value]
    return value


@dataclass
class PublicCasesExercise(FunctionExercise):
    """Une fonction à écrire, vérifiée sur des entrées d'essai fixes et leurs résultats enregistrés."""

    stored_cases: list = field(default_factory=list)
    stored_expected: list = field(default_factory=list)
    stored_mistakes: list = field(default_factory=list)
    values_at_grading: bool = False

    def has_answer_key(self) -> bool:
        return False  # des résultats d'essai, pas un corrigé : jamais une note

    def make_spec(self, rng, variant=None):
        return self._spec(copy.deepcopy(self.stored_cases), variant)

    def expected_outputs(self, cases):
        return self.stored_expected

    def mistake_outputs(self, cases):
        return self.stored_mistakes

    def judge(self, harvested, spec):
        if not self.values_at_grading:
            return super().judge(harvested, spec)
        early, results = self._results(harvested, spec)
        if early is not None:
            return early
        for expected, got in zip(self.stored_expected, results):
            if expected is None:  # une réponse possible parmi d'autres : la forme n'est pas dite
                continue
            problem = compare(expected, got, values=False)
            if problem:
                return self._verdict(False, message=problem)
        return Verdict(0.0, self.points, ENREGISTRE,
                       f"la forme et le type du résultat sont bons sur les entrées d'essai ; "
                       f"les valeurs : {RECORDED}")


def _exercise(entry: dict):
    common = {k: entry[k] for k in ("key", "title", "points", "target")}
    common.update(cell=entry.get("cell", ""), hint=tuple(entry.get("hints", ())),
                  minutes=entry.get("minutes"), level=entry.get("level", ""))
    kind = entry["kind"]
    if kind == "function":
        parts = entry.get("parts") or ()
        return PublicCasesExercise(
            **common,
            forbidden=tuple(entry.get("forbidden", ())),
            parts=parts if isinstance(parts, dict) else tuple(parts),
            stored_cases=[rebuild(decode(c)) for c in entry["cases"]],
            stored_expected=[_expected(decode(e)) for e in entry["expected"]],
            stored_mistakes=[(msg, None if outs is None else [_expected(decode(o)) for o in outs])
                             for msg, outs in entry.get("mistakes", [])],
            values_at_grading=bool(entry.get("values_at_grading")),
        )
    if kind == "value":
        variables = {name: param_from_dict(p) for name, p in (entry.get("variables") or {}).items()}
        return ValueExercise(**common, variables=variables, show=entry.get("show", ""))
    if kind == "choice" and entry.get("texts"):
        return ChoiceExercise(**common, choices={f"choix{k}": t for k, t in enumerate(entry["texts"])})
    if kind == "choice":
        return ChoiceExercise(**common, choices={c: "" for c in entry["choices"]}, shuffle=False)
    if kind == "table":
        return ChoiceExercise(**common, questions={q: "" for q in entry["questions"]})
    raise ValueError(f"catalogue : sorte d'exercice inconnue « {kind} »")


def load(text: str) -> SimpleNamespace:
    """Un catalogue (texte JSON) sous la forme d'un module de définitions sans corrigés."""
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError(f"catalogue au format {data.get('format')!r} ; attendu {FORMAT} "
                         f"(réinstallez lstm_lib de la même édition que les cahiers)")
    return SimpleNamespace(
        NOTEBOOK=data["notebook"], TITLE=data["title"], INTRO=data.get("intro", ""),
        CHAPTER=data.get("chapter", ""), EDITION="eleve", HIDDEN_CHECKS=[],
        EXERCISES=[_exercise(entry) for entry in data["exercises"]],
    )
