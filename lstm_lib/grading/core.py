"""Les exercices et leurs juges : ce qui décide d'une note.

Un exercice dit **où** est la réponse (une variable ou une fonction du cahier,
dans une cellule repérée par son identifiant), **comment** la récolter (sur
quelles entrées appeler la fonction) et **comment la juger** (comparaison aux
calculs de référence de ``lstm_lib``). Le jugement se fait toujours hors du
noyau de l'élève, sur des valeurs décodées depuis du JSON.

Trois sortes d'exercices :

- :class:`FunctionExercise` — une fonction à écrire, appelée sur des entrées
  tirées au hasard au moment de la correction ;
- :class:`ValueExercise` — une valeur numérique (trouvée par exemple avec un widget) ;
- :class:`ChoiceExercise` — une question à choix multiple (une lettre, ou un
  dictionnaire de réponses oui/non).

Un juge ne révèle jamais la valeur attendue : il dit ce qui ne va pas (forme,
type, NaN, exception, erreur typique reconnue) sans la donner.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

__all__ = [
    "Verdict",
    "Exercise",
    "FunctionExercise",
    "ValueExercise",
    "ChoiceExercise",
    "InvalidHarvest",
    "decode",
    "fr",
    "number",
    "STATUSES",
]

# Les statuts possibles d'une ligne de note.
REUSSI = "réussi"
FAUX = "faux"
NON_TENTE = "non tenté"
ERREUR = "erreur"
INTROUVABLE = "introuvable"
NON_NOTE = "non noté"
STATUSES = (REUSSI, FAUX, NON_TENTE, ERREUR, INTROUVABLE, NON_NOTE)

NBSP = "\u00a0"


def fr(text: str) -> str:
    """Typographie française : espace insécable avant « : ; ? ! » et dans les guillemets."""
    parts = _CODE.split(text)
    for k in range(0, len(parts), 2):  # les parties paires sont hors code et hors maths
        parts[k] = re.sub(r" ([:;?!»])", NBSP + r"\1", parts[k])
        parts[k] = parts[k].replace("\u00ab ", "\u00ab" + NBSP)  # « suivi d'une espace
    return "".join(parts)


_CODE = re.compile(r"(```[\s\S]*?```|`[^`]*`|\$\$[\s\S]*?\$\$|\$[^$]*\$)")


@dataclass
class Verdict:
    """Le résultat du jugement d'un exercice."""

    points: float
    max: float
    statut: str
    message: str

    def __post_init__(self):
        self.message = fr(self.message)

    @property
    def ok(self) -> bool:
        return self.statut == REUSSI


def number(x: float, digits: int = 2) -> str:
    """Un nombre à la française : virgule décimale (« 0,850 »)."""
    return f"{x:.{digits}f}".replace(".", ",")


class InvalidHarvest(ValueError):
    """La récolte venue du noyau n'a pas la structure attendue."""


# --------------------------------------------------------------------------
# Décodage de la récolte (JSON venu du noyau) : strict, jamais de pickle.
# --------------------------------------------------------------------------

_ALLOWED_DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "longdouble", "float128",
}


@dataclass
class Opaque:
    """Une valeur que la récolte n'a pas pu transmettre telle quelle (objet quelconque)."""

    kind: str
    type: str = ""

    def describe(self) -> str:
        if self.kind == "ellipsis":
            return "« ... » (Ellipsis)"
        if self.kind == "callable":
            return f"une fonction ({self.type})"
        if self.kind == "array_other":
            return f"un tableau de dtype {self.type}"
        return f"un objet de type {self.type}"


@dataclass
class DecodedObject:
    """Un objet à champs (dataclass, par exemple ``LSTMParams``) décodé."""

    cls: str
    fields: dict


def decode(node: Any) -> Any:
    """Reconstruit une valeur depuis :func:`harvest.encode` ; lève :class:`InvalidHarvest`."""
    if not isinstance(node, dict) or "t" not in node:
        raise InvalidHarvest("nœud sans type")
    t = node["t"]
    if t == "none":
        return None
    if t == "ellipsis":
        return Opaque("ellipsis")
    if t == "bool":
        return bool(node["v"])
    if t == "int":
        if not isinstance(node["v"], int):
            raise InvalidHarvest("entier attendu")
        return int(node["v"])
    if t == "float":
        v = node["v"]
        if not isinstance(v, (int, float)):
            raise InvalidHarvest("nombre attendu")
        if node.get("dtype") == "float32":
            return np.float32(v)
        return float(v)
    if t == "str":
        if not isinstance(node["v"], str):
            raise InvalidHarvest("chaîne attendue")
        return node["v"]
    if t == "array":
        dtype = node.get("dtype")
        shape = node.get("shape")
        data = node.get("data")
        if dtype not in _ALLOWED_DTYPES or not isinstance(shape, list) or not isinstance(data, list):
            raise InvalidHarvest("tableau mal formé")
        if not all(isinstance(s, int) and s >= 0 for s in shape) or math.prod(shape) != len(data):
            raise InvalidHarvest("forme de tableau incohérente")
        try:
            return np.array(data, dtype=np.dtype(dtype)).reshape(shape)
        except (TypeError, ValueError) as exc:
            raise InvalidHarvest(f"tableau illisible ({exc})") from None
    if t == "array_other":
        return Opaque("array_other", str(node.get("dtype")))
    if t == "seq":
        items = node.get("items")
        if not isinstance(items, list):
            raise InvalidHarvest("séquence mal formée")
        values = [decode(v) for v in items]
        return tuple(values) if node.get("kind") == "tuple" else values
    if t == "dict":
        items = node.get("items")
        if not isinstance(items, list) or not all(isinstance(p, list) and len(p) == 2 for p in items):
            raise InvalidHarvest("dictionnaire mal formé")
        return {str(k): decode(v) for k, v in items}
    if t == "obj":
        items = node.get("fields")
        if not isinstance(items, list) or not all(isinstance(p, list) and len(p) == 2 for p in items):
            raise InvalidHarvest("objet mal formé")
        return DecodedObject(str(node.get("cls")), {str(k): decode(v) for k, v in items})
    if t in ("callable", "other"):
        return Opaque(t, str(node.get("type", "?")))
    raise InvalidHarvest(f"type inconnu {t!r}")


def describe(value: Any) -> str:
    """Décrit une valeur reçue en français, sans la montrer en entier."""
    if value is None:
        return "None"
    if isinstance(value, Opaque):
        return value.describe()
    if isinstance(value, np.ndarray):
        return f"un tableau de forme {value.shape} et de dtype {value.dtype}"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, (int, float, np.floating)):
        return "un nombre"
    if isinstance(value, str):
        return "une chaîne de caractères"
    if isinstance(value, tuple):
        return f"un tuple de {len(value)} élément(s)"
    if isinstance(value, list):
        return f"une liste de {len(value)} élément(s)"
    if isinstance(value, dict):
        return "un dictionnaire"
    if isinstance(value, DecodedObject):
        return f"un objet {value.cls}"
    return f"un objet de type {type(value).__name__}"


# --------------------------------------------------------------------------
# Comparaison d'un résultat à la référence (sans révéler la référence).
# --------------------------------------------------------------------------

RTOL = 1e-6
ATOL = 1e-8


def _as_array(value):
    """Un résultat numérique sous forme de tableau, ou None s'il n'en est pas un."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.floating, np.integer)):
        return np.asarray(value)
    if isinstance(value, (list, tuple)) and value:
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError):
            return None
        if arr.dtype.kind in "biuf":
            return arr
    return None


def compare(expected: Any, got: Any, label: str = "le résultat") -> str | None:
    """``None`` si ``got`` vaut ``expected`` (à la tolérance près), sinon un message.

    Le message décrit l'écart (type, forme, dtype, NaN, valeurs) sans donner la
    valeur attendue.
    """
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)):
            if got is None:
                return f"{label} est None : la fonction ne renvoie rien (oubli du « return » ?)"
            return f"{label} devrait être un tuple de {len(expected)} éléments ; reçu {describe(got)}"
        if len(got) != len(expected):
            return f"{label} devrait contenir {len(expected)} éléments ; reçu {len(got)}"
        for k, (e, g) in enumerate(zip(expected, got)):
            msg = compare(e, g, f"l'élément n° {k + 1} du résultat")
            if msg:
                return msg
        return None
    if isinstance(expected, dict):
        fields = _fields_of(got)
        if fields is None:
            return f"{label} devrait être un objet à champs ({', '.join(expected)}) ; reçu {describe(got)}"
        missing = [k for k in expected if k not in fields]
        if missing:
            return f"{label} n'a pas le(s) champ(s) {', '.join(missing)}"
        for k, e in expected.items():
            msg = compare(e, fields[k], f"« {k} »")
            if msg:
                return msg
        return None
    if isinstance(expected, (bool, str)):
        return None if got == expected else f"{label} n'est pas la valeur attendue"
    exp = np.asarray(expected)
    if got is None:
        return f"{label} est None : la fonction ne renvoie rien (oubli du « return » ?)"
    arr = _as_array(got)
    if arr is None:
        what = "un nombre" if exp.ndim == 0 else "un tableau numpy"
        return f"{label} devrait être {what} ; reçu {describe(got)}"
    if arr.shape != exp.shape:
        if exp.ndim == 0:
            return f"{label} devrait être un seul nombre ; reçu un tableau de forme {arr.shape}"
        return f"{label} n'a pas la bonne forme : attendu {exp.shape}, reçu {arr.shape}"
    if exp.dtype.kind == "f" and arr.dtype.kind not in "f":
        return (f"{label} a le dtype {arr.dtype} ; attendu des flottants "
                f"(les portes et la mémoire sont des nombres réels, pas des entiers ni des booléens)")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        n_nan = int(np.isnan(arr).sum())
        return (f"{label} contient {n_nan} NaN et {int(np.isinf(arr).sum())} infini(s) : "
                f"un calcul déborde ou divise par zéro")
    if exp.dtype.kind in "iub" and arr.dtype.kind == "f":
        if not np.all(arr == np.round(arr)):
            return f"{label} devrait être un entier"
    tol = RTOL if arr.dtype != np.float32 else 1e-4
    if not np.allclose(arr.astype(np.float64), exp.astype(np.float64), rtol=tol, atol=ATOL if tol == RTOL else 1e-6):
        return f"{label} n'a pas les bonnes valeurs"
    return None


def _fields_of(value):
    if isinstance(value, DecodedObject):
        return value.fields
    if isinstance(value, dict):
        return value
    return None


# --------------------------------------------------------------------------
# Les exercices
# --------------------------------------------------------------------------

UNTOUCHED = (
    "pas encore tenté : remplacez le code de départ (« raise NotImplementedError » "
    "ou « ... ») par votre réponse, exécutez la cellule, puis revérifiez."
)


@dataclass
class Exercise:
    """Ce que partagent tous les exercices.

    - ``key`` : l'identifiant court (« ex1 ») ; la cellule de réponse du cahier
      porte l'identifiant ``reponse-<key>`` (voir :attr:`cell_id`) ;
    - ``title`` : le titre affiché ; ``points`` : le barème ;
    - ``target`` : le nom de la variable ou de la fonction à récolter ;
    - ``statement`` (Markdown), ``starter`` et ``solution`` (code), ``hint`` (texte).
    """

    key: str
    title: str
    points: float
    target: str
    statement: str = ""
    starter: str = ""
    solution: str = ""
    hint: str = ""
    helper: str = ""  # code d'une cellule d'aide (un widget) placée avant la réponse
    cell: str = ""    # identifiant de la cellule de réponse, « reponse-<key> » par défaut
    kind: str = field(default="value", init=False)

    @property
    def cell_id(self) -> str:
        return self.cell or f"reponse-{self.key}"

    # Ce qu'on envoie à la récolte.
    def make_spec(self, rng: np.random.Generator) -> dict:
        return {"target": self.target, "kind": self.kind, "cases": []}

    def judge(self, harvested: dict, spec: dict) -> Verdict:
        raise NotImplementedError

    # Aides communes
    def _verdict(self, ok: bool, statut: str | None = None, message: str = "") -> Verdict:
        if ok:
            return Verdict(self.points, self.points, REUSSI, message or "bonne réponse")
        return Verdict(0.0, self.points, statut or FAUX, message)

    def _missing(self, harvested: dict) -> Verdict | None:
        if not isinstance(harvested, dict) or "found" not in harvested:
            raise InvalidHarvest("récolte sans champ « found »")
        if not harvested["found"]:
            return self._verdict(
                False, INTROUVABLE,
                f"« {self.target} » n'est pas défini : exécutez la cellule de réponse "
                f"(sans la renommer) avant de vérifier",
            )
        return None

    def _read_value(self, harvested: dict) -> tuple[Verdict | None, Any]:
        """La valeur récoltée, ou un verdict immédiat (réponse introuvable ou pas encore tentée)."""
        missing = self._missing(harvested)
        if missing:
            return missing, None
        if "value" not in harvested:
            raise InvalidHarvest("valeur manquante")
        value = decode(harvested["value"])
        if value is None or (isinstance(value, Opaque) and value.kind == "ellipsis"):
            return self._verdict(False, NON_TENTE, UNTOUCHED), None
        return None, value


@dataclass
class FunctionExercise(Exercise):
    """Une fonction à écrire.

    - ``cases(rng)`` rend une liste de tuples d'arguments (tirés au hasard) ;
    - ``reference(*args)`` calcule la réponse attendue avec ``lstm_lib`` ;
    - ``mistakes`` : des erreurs typiques ``(message, fonction)`` ; si le
      résultat de l'élève coïncide avec l'une d'elles, le message l'explique ;
    - ``forbidden`` : des noms de ``lstm_lib`` que la réponse ne doit pas
      appeler (l'exercice demande de les écrire soi-même) ;
    - ``check`` (facultatif) : un juge sur mesure ``check(args, got) -> message | None``,
      à la place de la comparaison à ``reference``.
    """

    cases: Callable[[np.random.Generator], list] = None
    reference: Callable[..., Any] = None
    mistakes: list = field(default_factory=list)
    forbidden: tuple = ()
    check: Callable[[tuple, Any], str | None] | None = None

    def __post_init__(self):
        self.kind = "function"

    def make_spec(self, rng):
        return {"target": self.target, "kind": "function", "cases": list(self.cases(rng))}

    def forbidden_used(self, source: str) -> list[str]:
        """Les noms interdits que le code de la cellule de réponse utilise."""
        if not self.forbidden:
            return []
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return []
        used = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                used.add(node.attr)
            elif isinstance(node, ast.alias):
                used.add(node.name.split(".")[-1])
        return sorted(used & set(self.forbidden))

    def _compare_case(self, args, got):
        if self.check is not None:
            return self.check(args, got)
        return compare(self.reference(*args), got)

    def judge(self, harvested, spec):
        missing = self._missing(harvested)
        if missing:
            return missing
        if not harvested.get("callable"):
            return self._verdict(False, FAUX, f"« {self.target} » devrait être une fonction ; "
                                              f"c'est un objet de type {harvested.get('type', '?')}")
        calls = harvested.get("calls")
        cases = spec["cases"]
        if not isinstance(calls, list) or not calls:
            raise InvalidHarvest("appels manquants")
        for k, call in enumerate(calls):
            if not isinstance(call, dict) or "ok" not in call:
                raise InvalidHarvest("appel mal formé")
            if not call["ok"]:
                exc = str(call.get("exc", "?"))
                if exc == "NotImplementedError":
                    return self._verdict(False, NON_TENTE, UNTOUCHED)
                if exc == "TooLarge":
                    return self._verdict(False, ERREUR, "le résultat est bien trop volumineux (des millions de nombres)")
                if exc == "KeyboardInterrupt":
                    return self._verdict(False, ERREUR, "votre fonction n'a pas terminé dans le délai imparti (boucle infinie ?)")
                if exc == "MemoryError":
                    return self._verdict(False, ERREUR, "votre fonction a épuisé la mémoire autorisée")
                line = str(call.get("line") or "")
                where = f", à la ligne « {line} »" if line else ""
                return self._verdict(False, ERREUR,
                                     f"votre fonction a levé {exc} : {str(call.get('msg', ''))[:300]}{where}")
        if len(calls) != len(cases):
            raise InvalidHarvest("nombre d'appels incohérent")
        results = [decode(call["value"]) for call in calls]
        problems = [self._compare_case(args, got) for args, got in zip(cases, results)]
        if not any(problems):
            return self._verdict(True)
        first = next(p for p in problems if p)
        # Une erreur typique reconnue ? (seulement si la forme et le type sont bons)
        if first.endswith("n'a pas les bonnes valeurs"):
            for message, wrong in self.mistakes:
                try:
                    if all(compare(wrong(*args), got) is None for args, got in zip(cases, results)):
                        return self._verdict(False, FAUX, f"{first}. {message}")
                except Exception:  # une erreur typique qui ne s'applique pas à ces entrées
                    continue
            n_bad = sum(1 for p in problems if p)
            return self._verdict(False, FAUX, f"{first} ({n_bad} cas faux sur {len(cases)}). {self.hint_short}")
        return self._verdict(False, FAUX, first)

    @property
    def hint_short(self) -> str:
        return "Relisez l'énoncé, ou demandez un indice avec .indice()."


@dataclass
class ValueExercise(Exercise):
    """Une valeur à trouver (souvent avec l'aide d'un widget).

    ``check(value) -> message | None`` juge la valeur (``None`` : juste) ;
    il peut orienter (« trop grand ») sans jamais donner la valeur.
    """

    check: Callable[[Any], str | None] = None

    def __post_init__(self):
        self.kind = "value"

    def judge(self, harvested, spec):
        early, value = self._read_value(harvested)
        if early is not None:
            return early
        arr = _as_array(value)
        if arr is None or arr.ndim != 0 or isinstance(value, bool):
            return self._verdict(False, FAUX, f"« {self.target} » doit être un nombre ; reçu {describe(value)}")
        number = float(arr)
        if not math.isfinite(number):
            return self._verdict(False, FAUX, f"« {self.target} » doit être un nombre fini ; reçu {number}")
        msg = self.check(number)
        return self._verdict(msg is None, FAUX, msg or "")


@dataclass
class ChoiceExercise(Exercise):
    """Une question à choix multiple.

    - ``choices`` : ``{lettre: texte}`` ; ``answer`` : la bonne lettre ;
    - ou bien ``questions`` : ``{clé: texte}`` et ``answers`` : ``{clé: bool}``
      (un « oui / non » par cas, tous justes pour avoir les points) ;
    - ``feedback`` : ``{lettre: explication}`` affichée pour un mauvais choix.
    """

    choices: dict = field(default_factory=dict)
    answer: str = ""
    questions: dict = field(default_factory=dict)
    answers: dict = field(default_factory=dict)
    feedback: dict = field(default_factory=dict)

    def __post_init__(self):
        self.kind = "value"

    def judge(self, harvested, spec):
        early, value = self._read_value(harvested)
        if early is not None:
            return early
        if self.questions:
            return self._judge_table(value)
        letters = ", ".join(f"« {c} »" for c in self.choices)
        if not isinstance(value, str) or value.strip().lower() not in self.choices:
            return self._verdict(False, FAUX, f"« {self.target} » doit être une des lettres {letters} "
                                              f"(entre guillemets) ; reçu {describe(value)}")
        letter = value.strip().lower()
        if letter == self.answer:
            return self._verdict(True)
        extra = self.feedback.get(letter, "")
        return self._verdict(False, FAUX, f"ce n'est pas la bonne réponse. {extra}".strip())

    def _judge_table(self, value):
        if isinstance(value, dict) and all(isinstance(v, bool) or v is None for v in value.values()):
            if all(value.get(k) is None for k in self.questions):
                return self._verdict(False, NON_TENTE, UNTOUCHED)
        if not isinstance(value, dict):
            return self._verdict(False, FAUX, f"« {self.target} » doit être un dictionnaire ; reçu {describe(value)}")
        missing = [k for k in self.questions if k not in value]
        if missing:
            return self._verdict(False, FAUX, f"il manque la ou les clés {', '.join(missing)}")
        not_bool = [k for k in self.questions if not isinstance(value[k], bool)]
        if not_bool:
            return self._verdict(False, FAUX, f"chaque réponse doit être True ou False ; à revoir : {', '.join(not_bool)}")
        wrong = sum(1 for k in self.questions if value[k] != self.answers[k])
        if wrong == 0:
            return self._verdict(True)
        return self._verdict(False, FAUX, f"{wrong} réponse(s) fausse(s) sur {len(self.questions)}")

