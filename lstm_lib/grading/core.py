"""Les exercices et leurs juges : ce qui décide d'une note.

Un exercice dit **où** est la réponse (une variable ou une fonction du cahier,
dans une cellule repérée par son identifiant), **comment** la récolter (sur
quelles entrées appeler la fonction) et **comment la juger** (comparaison aux
calculs de référence de ``lstm_lib``). Le jugement se fait toujours hors du
noyau de l'élève, sur des valeurs décodées depuis du JSON.

Trois sortes d'exercices :

- :class:`FunctionExercise` — une fonction à écrire, appelée sur des entrées
  tirées au hasard au moment de la correction ;
- :class:`ValueExercise` — une valeur numérique (trouvée par exemple avec un widget) ;
- :class:`ChoiceExercise` — une question à choix multiple (une lettre, ou un
  dictionnaire de réponses oui/non).

Un juge ne révèle jamais la valeur attendue : il dit ce qui ne va pas (forme,
type, NaN, exception, erreur typique reconnue) sans la donner. Un exercice
**sans corrigé** (une question à choix sans ``answer``, une valeur sans
``check`` : c'est le cas dans l'édition élève, voir :mod:`.catalog`) ne juge
pas : il contrôle la forme de la réponse et l'enregistre (statut
« enregistré ») ; le verdict vient de la correction de l'enseignant.

Règles communes à tous les exercices (écrites une fois, ici) :

- **un nombre** : un entier, un flottant, un scalaire numpy, ou tout tableau,
  liste ou tuple d'un seul nombre (:func:`as_number`) ; « 2,197 » écrit avec une
  virgule est un tuple, et le message le dit ;
- **un tableau** : un ``numpy.ndarray``, un tenseur PyTorch, ou une liste (ou un
  tuple) de nombres, même imbriquée (:func:`as_array`) ;
- **appels interdits** : une fonction à écrire soi-même ne doit ni appeler les
  fonctions de ``lstm_lib`` qu'elle remplace, ni en être une
  (:func:`forbidden_in_cells` sur le code, et l'origine de l'objet récolté) ;
- **crédit partiel** : un résultat en plusieurs parties (``parts``) rapporte la
  part des points des parties justes ; un tableau de oui/non aussi.
"""

from __future__ import annotations

import ast
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..style import format_fr
from . import variants

__all__ = [
    "Verdict",
    "Exercise",
    "FunctionExercise",
    "ValueExercise",
    "ChoiceExercise",
    "InvalidHarvest",
    "decode",
    "fr",
    "plural",
    "as_array",
    "as_number",
    "compare",
    "defines",
    "forbidden_in_cells",
    "forbidden_verdict",
    "watch_spec",
    "STATUSES",
    "LEVELS",
    "HIGHER_LEVELS",
]

# Les statuts possibles d'une ligne de note.
REUSSI = "réussi"
PARTIEL = "partiel"
FAUX = "faux"
NON_TENTE = "non tenté"
ERREUR = "erreur"
INTROUVABLE = "introuvable"
NON_NOTE = "non noté"
STATUSES = (REUSSI, PARTIEL, FAUX, NON_TENTE, ERREUR, INTROUVABLE, NON_NOTE)
#: Statut de la vérification dans le cahier (jamais d'une note) : réponse sans corrigé local.
ENREGISTRE = "enregistré"

NBSP = "\u00a0"


def fr(text: str) -> str:
    """Typographie française : espace insécable avant « : ; ? ! » et dans les guillemets."""
    parts = _CODE.split(text)
    for k in range(0, len(parts), 2):  # les parties paires sont hors code et hors maths
        parts[k] = re.sub(r" ([:;?!»])", NBSP + r"\1", parts[k])
        parts[k] = parts[k].replace("\u00ab ", "\u00ab" + NBSP)  # « suivi d'une espace
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


def plural(n: float, word: str, plural_form: str | None = None) -> str:
    """« 1 point », « 2 points », « 0,75 point » : le pluriel français commence à 2."""
    return f"{format_fr(n)} {word if abs(n) < 2 else (plural_form or word + 's')}"


def join_fr(items: list[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


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
    """Reconstruit une valeur depuis :func:`harvest.encode` ; lève :class:`InvalidHarvest`."""
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
        return f"un tuple de {plural(len(value), 'élément')}"
    if isinstance(value, list):
        return f"une liste de {plural(len(value), 'élément')}"
    if isinstance(value, dict):
        return "un dictionnaire"
    if isinstance(value, DecodedObject):
        return f"un objet {value.cls}"
    return f"un objet de type {type(value).__name__}"


# --------------------------------------------------------------------------
# Les types acceptés, les mêmes pour tous les exercices.
# --------------------------------------------------------------------------

def as_array(value) -> np.ndarray | None:
    """Un résultat numérique sous forme de tableau, ou None s'il n'en est pas un.

    Acceptés : tableau numpy (ou tenseur, récolté comme un tableau), nombre,
    scalaire numpy, liste ou tuple de nombres (même imbriqués). Refusés : les
    booléens seuls, les chaînes, les objets.
    """
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (bool, np.bool_)):
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


def as_number(value) -> float | None:
    """Un seul nombre (entier, flottant, scalaire numpy, ou conteneur d'un seul nombre), sinon None."""
    arr = as_array(value)
    if arr is None or arr.size != 1 or arr.dtype.kind == "b":
        return None
    return float(arr.reshape(()))


def decimal_comma(value) -> str | None:
    """« 2,197 » lu par Python : le tuple ``(2, 197)``. Rend le texte tapé, ou None."""
    if (isinstance(value, tuple) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value) and value[1] >= 0):
        return f"{value[0]},{value[1]}"
    return None


def decimal_comma_hint(value) -> str:
    typed = decimal_comma(value)
    if typed is None:
        return ""
    return (f" : vous avez sans doute écrit « {typed} » avec une virgule décimale ; en Python, la virgule "
            f"sépare les éléments d'un tuple. Écrivez le nombre avec un point : {typed.replace(',', '.')}")


# --------------------------------------------------------------------------
# Comparaison d'un résultat à la référence (sans révéler la référence).
# --------------------------------------------------------------------------

RTOL = 1e-6
ATOL = 1e-8
RTOL_FLOAT32, ATOL_FLOAT32 = 1e-4, 1e-6


def compare(expected: Any, got: Any, label: str = "le résultat", *, values: bool = True) -> str | None:
    """``None`` si ``got`` vaut ``expected`` (à la tolérance près), sinon un message.

    Le message décrit l'écart (type, forme, dtype, NaN, valeurs) sans donner la
    valeur attendue. Avec ``values=False``, seules la structure, les formes et
    les types sont comparés.
    """
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)):
            if got is None:
                return f"{label} est None : la fonction ne renvoie rien (oubli du « return » ?)"
            return (f"{label} devrait être un tuple de {plural(len(expected), 'élément')} ; "
                    f"reçu {describe(got)}")
        if len(got) != len(expected):
            return f"{label} devrait contenir {plural(len(expected), 'élément')} ; reçu {len(got)}"
        for k, (e, g) in enumerate(zip(expected, got)):
            msg = compare(e, g, f"l'élément n° {k + 1} du résultat", values=values)
            if msg:
                return msg
        return None
    if isinstance(expected, dict):
        fields = _fields_of(got)
        if fields is None:
            return f"{label} devrait être un objet à champs ({', '.join(expected)}) ; reçu {describe(got)}"
        missing = [k for k in expected if k not in fields]
        if missing:
            return f"{label} n'a pas le{'s' if len(missing) > 1 else ''} champ{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        for k, e in expected.items():
            msg = compare(e, fields[k], f"« {k} »", values=values)
            if msg:
                return msg
        return None
    if isinstance(expected, (bool, str)):
        if not values:
            return None if isinstance(got, type(expected)) else f"{label} devrait être {describe(expected)} ; reçu {describe(got)}"
        return None if got == expected else f"{label} n'est pas la valeur attendue"
    exp = np.asarray(expected)
    if got is None:
        return f"{label} est None : la fonction ne renvoie rien (oubli du « return » ?)"
    arr = as_array(got)
    if arr is None:
        what = "un nombre" if exp.ndim == 0 else "un tableau numpy"
        return f"{label} devrait être {what} ; reçu {describe(got)}"
    if exp.ndim == 0 and arr.size == 1:
        arr = arr.reshape(())  # un nombre dans un conteneur d'un élément : un nombre
    if arr.shape != exp.shape:
        if exp.ndim == 0:
            return f"{label} devrait être un seul nombre ; reçu un tableau de forme {arr.shape}"
        return f"{label} n'a pas la bonne forme : attendu {exp.shape}, reçu {arr.shape}"
    if exp.dtype.kind == "f" and arr.dtype.kind not in "f":
        return (f"{label} a le dtype {arr.dtype} ; attendu des flottants "
                f"(les portes et la mémoire sont des nombres réels, pas des entiers ni des booléens)")
    if not values:
        return None
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        n_nan, n_inf = int(np.isnan(arr).sum()), int(np.isinf(arr).sum())
        return (f"{label} contient {plural(n_nan, 'NaN', 'NaN')} et {plural(n_inf, 'infini')} : "
                f"un calcul déborde ou divise par zéro")
    if exp.dtype.kind in "iub" and arr.dtype.kind == "f":
        if not np.all(arr == np.round(arr)):
            return f"{label} devrait être un entier"
    rtol, atol = (RTOL, ATOL) if arr.dtype != np.float32 else (RTOL_FLOAT32, ATOL_FLOAT32)
    if not np.allclose(arr.astype(np.float64), exp.astype(np.float64), rtol=rtol, atol=atol):
        return f"{label} n'a pas les bonnes valeurs"
    return None


def _fields_of(value):
    if isinstance(value, DecodedObject):
        return value.fields
    if isinstance(value, dict):
        return value
    if hasattr(value, "__dataclass_fields__"):  # un objet réel (référence calculée ici)
        return {name: getattr(value, name) for name in value.__dataclass_fields__}
    return None


_VALUES_PROBLEM = "n'a pas les bonnes valeurs"


# --------------------------------------------------------------------------
# Appels interdits : la même règle dans le cahier et chez le correcteur.
# --------------------------------------------------------------------------

def defined_names(tree: ast.AST) -> set[str]:
    """Les noms que le code (module) définit au premier niveau : def, class, affectation, import."""
    names: set[str] = set()
    for node in getattr(tree, "body", []):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
    return names


def defines(tree: ast.AST, name: str) -> bool:
    """Le code (module) définit-il ``name`` au premier niveau (def, affectation, import) ?"""
    return name in defined_names(tree)


def forbidden_in_source(exercise: "Exercise", source: str) -> list[str]:
    """Les noms interdits de ``exercise`` qu'utilise ce code (attributs lus, noms importés)."""
    forbidden = set(getattr(exercise, "forbidden", ()) or ())
    if not forbidden:
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
    return sorted(used & forbidden)


def forbidden_in_cells(exercise: "Exercise", cells: list[tuple[str | None, str]]) -> list[str]:
    """La règle des appels interdits, sur le code d'un cahier : ``cells`` = ``[(identifiant, code)]``.

    Sont lus : la cellule de réponse de l'exercice et toute cellule qui définit
    sa cible (``def``, affectation ou import du même nom). Le correcteur passe
    les cellules de la copie ; la vérification dans le cahier passe la dernière
    cellule exécutée qui définit la cible. L'origine de l'objet récolté
    (une fonction de ``lstm_lib`` elle-même) est jugée à part, par le juge.
    """
    if getattr(exercise, "kind", "") != "function" or not getattr(exercise, "forbidden", ()):
        return []
    used: set[str] = set()
    for cell_id, source in cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        if cell_id == exercise.cell_id or defines(tree, exercise.target):
            used.update(forbidden_in_source(exercise, source))
    return sorted(used)


def forbidden_verdict(exercise: "Exercise", used: list[str]) -> Verdict:
    names = ", ".join(n if "." in n else f"lstm_lib.{n}" for n in used)
    return Verdict(0.0, exercise.points, FAUX,
                   f"votre réponse appelle {names} (ou en est une) : l'exercice demande de l'écrire vous-même")


#: Le message d'un résultat que la récolte refuse de transcrire (voir ``MAX_ELEMENTS`` et ``MAX_ITEMS``, harvest).
TOO_LARGE = ("le résultat est bien trop volumineux (plus de 2 millions de nombres, ou une liste de plus de "
             "100 000 éléments)")

#: Le message quand la surveillance des appels a été défaite pendant l'appel de la fonction.
WATCH_ALTERED = ("la surveillance des appels de lstm_lib a été désactivée pendant l'appel de votre fonction "
                 "(sys.setprofile) : la réponse n'est pas acceptée")

_WATCH_INDEX: dict | None = None


def _lstm_lib_definitions() -> dict[str, list[list]]:
    """Où ``lstm_lib`` définit chaque nom (fonction, classe et ses méthodes) : lu dans ses fichiers.

    ``{nom: [[chemin relatif, première ligne], …]}``, le chemin relatif au dossier qui
    contient ``lstm_lib`` (« lstm_lib/cells.py ») ; la première ligne est celle que
    Python donne au code de la fonction (``co_firstlineno`` : le premier décorateur,
    sinon le ``def``). Lu par l'AST, sans rien importer (ni torch, ni rien d'autre).
    """
    global _WATCH_INDEX
    if _WATCH_INDEX is not None:
        return _WATCH_INDEX
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent
    index: dict[str, list[list]] = {}

    def first_line(node):
        return min([node.lineno] + [d.lineno for d in node.decorator_list])

    for path in sorted(package.glob("*.py")):
        rel = f"{package.name}/{path.name}"
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                index.setdefault(node.name, []).append([rel, first_line(node)])
            elif isinstance(node, ast.ClassDef):
                places = [[rel, first_line(item)] for item in node.body
                          if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
                index.setdefault(node.name, []).extend(places)
    _WATCH_INDEX = index
    return index


#: Les bibliothèques qu'un exercice peut interdire (``forbidden_paths``) : un morceau de chemin → leur nom.
PATH_LABELS = {"torch/autograd/": "torch.autograd", "torch/_functorch/": "torch.func"}


def watch_spec(names, paths=()) -> dict | None:
    """Ce que la récolte surveille pendant l'appel d'une fonction : le code des fonctions interdites.

    La règle des appels interdits lit le code de la copie (:func:`forbidden_in_cells`) ;
    elle ne voit pas un appel par un alias défini ailleurs ni par ``getattr``. Pendant
    la récolte, la fonction de l'élève est donc appelée sous ``sys.setprofile`` : tout
    appel au code d'une fonction interdite (reconnu par son fichier et sa première
    ligne dans ``lstm_lib``), fait depuis le code de l'élève — directement, ou à travers
    des enveloppes internes de ``lstm_lib`` mais pas à travers une autre fonction publique
    permise — est relevé (voir :mod:`.harvest`). ``paths`` : des morceaux de chemin de
    :data:`PATH_LABELS` (« torch/autograd/ ») ; tout appel à du code d'un fichier dont le
    chemin les contient est relevé aussi. Rend ``None`` sans rien d'interdit.
    """
    names = sorted(set(names or ()))
    paths = sorted(set(paths or ()))
    if not names and not paths:
        return None
    index = _lstm_lib_definitions()
    return {"names": names,
            "codes": [[rel, line, name] for name in names for rel, line in index.get(name, [])],
            "paths": [[fragment, PATH_LABELS.get(fragment, fragment)] for fragment in paths]}


# --------------------------------------------------------------------------
# Les exercices
# --------------------------------------------------------------------------

UNTOUCHED = (
    "pas encore tenté : remplacez le code de départ (« raise NotImplementedError » "
    "ou « ... ») par votre réponse, exécutez la cellule, puis revérifiez."
)
RECORDED = "elle sera notée à la correction (cette édition ne contient pas le corrigé)"

#: Les niveaux d'un exercice (ce qu'il demande de faire), du plus simple au plus exigeant.
LEVELS = ("se souvenir", "comprendre", "appliquer", "analyser", "évaluer", "concevoir", "déboguer")
#: Les niveaux « au-dessus d'appliquer » : analyser, évaluer, concevoir, déboguer.
HIGHER_LEVELS = LEVELS[3:]


@dataclass
class Exercise:
    """Ce que partagent tous les exercices.

    - ``key`` : l'identifiant court (« ex1 ») ; la cellule de réponse du cahier
      porte l'identifiant ``reponse-<key>`` (voir :attr:`cell_id` et :mod:`.layout`) ;
    - ``title`` : le titre affiché ; ``points`` : le barème ;
    - ``target`` : le nom de la variable ou de la fonction à récolter ;
    - ``statement`` (Markdown), ``starter`` et ``solution`` (code) ;
    - ``hint`` : un indice (texte), ou une liste d'indices gradués (``indice()``
      les montre un par un : d'abord l'idée, puis la formule, jamais le code) ;
    - ``helper`` : le code d'une cellule d'aide (un widget) placée avant la réponse ;
    - ``cell`` : l'identifiant de la cellule de réponse, si ce n'est pas ``reponse-<key>``
      (une vérification privée rattachée à la réponse d'un autre exercice) ;
    - ``minutes`` : la durée prévue (le générateur l'écrit dans les métadonnées de
      l'énoncé, que lit ``tools/reading_time.py``) ; ``level`` : un des :data:`LEVELS`.

    Un exercice peut être **propre à chaque copie** (:attr:`personal`) : l'ordre des
    choix d'une question, les valeurs d'un énoncé. Ce qui en découle, la « variante »
    (:meth:`variant`), est tiré de l'identité de la copie (:mod:`.variants`) ; le
    cahier l'affiche (``exK.enonce()``), le correcteur la recalcule.
    """

    key: str
    title: str
    points: float
    target: str
    statement: str = ""
    starter: str = ""
    solution: str = ""
    hint: str | tuple | list = ""
    helper: str = ""
    cell: str = ""
    minutes: float | None = None
    level: str = ""
    kind: str = field(default="value", init=False)
    #: Le cahier (« ex02 ») : posé par le catalogue quand il charge la source (:mod:`.registry`).
    notebook: str = field(default="", init=False, compare=False, repr=False)

    @property
    def cell_id(self) -> str:
        from .layout import answer_id

        return self.cell or answer_id(self.key)

    @property
    def hints(self) -> tuple[str, ...]:
        if isinstance(self.hint, (list, tuple)):
            return tuple(str(h) for h in self.hint)
        return (self.hint,) if self.hint else ()

    def has_answer_key(self) -> bool:
        """L'exercice a-t-il de quoi juger (corrigé, référence) ? Sinon il enregistre seulement."""
        return True

    # Ce qui est propre à une copie.
    @property
    def personal(self) -> bool:
        """L'énoncé dépend-il de la copie (ordre des choix, valeurs) ?"""
        return False

    def seed(self, identity: str) -> str:
        """Le texte d'où découle la variante de cette copie (cahier, cellule de réponse, identité)."""
        return variants.seed_text(self.notebook, self.cell_id, identity)

    def variant(self, identity: str) -> dict:
        """Ce qui est propre à la copie d'identité ``identity`` (vide si l'exercice est le même pour tous)."""
        return {}

    def personal_lines(self, variant: dict) -> list[str]:
        """Le texte propre à la copie, ligne par ligne (affiché par ``exK.enonce()``)."""
        return []

    # Ce qu'on envoie à la récolte.
    def make_spec(self, rng: np.random.Generator, variant: dict | None = None) -> dict:
        return {"target": self.target, "kind": self.kind, "cases": [], "variant": dict(variant or {})}

    def judge(self, harvested: dict, spec: dict) -> Verdict:
        raise NotImplementedError

    # Aides communes
    def _verdict(self, ok: bool, statut: str | None = None, message: str = "") -> Verdict:
        if ok:
            return Verdict(self.points, self.points, REUSSI, message or "bonne réponse")
        return Verdict(0.0, self.points, statut or FAUX, message)

    def _partial(self, right: int, total: int, message: str) -> Verdict:
        """Crédit partiel : ``right`` parties justes sur ``total``."""
        if right == total:
            return self._verdict(True)
        if right == 0:
            return self._verdict(False, FAUX, message)
        points = round(self.points * right / total, 4)
        return Verdict(points, self.points, PARTIEL, message)

    def _recorded(self, what: str) -> Verdict:
        return Verdict(0.0, self.points, ENREGISTRE, f"réponse enregistrée ({what}) : {RECORDED}")

    def _missing(self, harvested: dict) -> Verdict | None:
        if not isinstance(harvested, dict) or "found" not in harvested:
            raise InvalidHarvest("récolte sans champ « found »")
        if not harvested["found"]:
            return self._verdict(
                False, INTROUVABLE,
                f"« {self.target} » n'est pas défini : exécutez la cellule de réponse "
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


def kernel_spec(spec: dict) -> dict:
    """Ce que la récolte reçoit d'une spécification : sans les données réservées au juge."""
    return {k: v for k, v in spec.items() if k not in ("judge_data", "isolated")}


def split_spec(spec: dict) -> tuple[dict, dict | None]:
    """La spécification de la première exécution, et celle des cas isolés (``spec["isolated"]``,
    voir :attr:`FunctionExercise.isolated`), à appeler dans un second noyau, neuf, qui ne voit
    qu'eux ; ``None`` s'il n'y en a pas."""
    isolated = set(spec.get("isolated") or ())
    if not isolated:
        return spec, None
    cases = spec["cases"]
    first = {**spec, "cases": [c for k, c in enumerate(cases) if k not in isolated]}
    second = {**spec, "cases": [c for k, c in enumerate(cases) if k in isolated]}
    return first, second


def merge_harvests(spec: dict, first: bytes, second: bytes) -> bytes:
    """Les récoltes des deux exécutions (voir :func:`split_spec`) en une seule, les appels remis dans
    l'ordre des cas : le juge voit ce qu'il verrait d'une seule exécution. La surveillance des appels
    doit avoir tenu dans les deux. Une récolte illisible rend un résultat que le juge refusera."""
    try:
        a, b = json.loads(first.decode("utf-8")), json.loads(second.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return b"{}"
    if not isinstance(a, dict) or not isinstance(b, dict):
        return b"{}"
    calls_a, calls_b = a.get("calls"), b.get("calls")
    if not isinstance(calls_a, list):
        return first  # rien d'appelé à la première exécution (réponse absente, pas une fonction…) : elle dit pourquoi
    if not isinstance(calls_b, list) or not b.get("callable"):
        return second  # dans le second noyau, la réponse manque ou n'est pas une fonction : il dit pourquoi
    isolated = set(spec.get("isolated") or ())
    if len(calls_b) != len(isolated) or len(calls_a) + len(calls_b) != len(spec["cases"]):
        return json.dumps({**a, "calls": "récoltes incohérentes"}).encode("utf-8")
    it_a, it_b = iter(calls_a), iter(calls_b)
    merged = {**a, "calls": [next(it_b) if k in isolated else next(it_a) for k in range(len(spec["cases"]))]}
    if "watch" in a or "watch" in b:
        merged["watch"] = "ok" if a.get("watch") == "ok" and b.get("watch") == "ok" else "altered"
        called = [*(a.get("forbidden_calls") or []), *(b.get("forbidden_calls") or [])]
        merged["forbidden_calls"] = called if all(isinstance(x, list) for x in
                                                  (a.get("forbidden_calls") or [], b.get("forbidden_calls") or [])) \
            else "mal formé"
    return json.dumps(merged).encode("utf-8")


@dataclass
class FunctionExercise(Exercise):
    """Une fonction à écrire.

    - ``cases(rng)`` rend une liste de tuples d'arguments (tirés au hasard) ;
    - ``reference(*args)`` calcule la réponse attendue avec ``lstm_lib`` ;
    - ``mistakes`` : des erreurs typiques ``(message, fonction)`` ; si le
      résultat de l'élève coïncide avec l'une d'elles, le message l'explique ;
    - ``forbidden`` : des noms de ``lstm_lib`` que la réponse ne doit pas
      appeler (l'exercice demande de les écrire soi-même) : lus dans le code de
      la copie, et surveillés pendant l'appel (:func:`watch_spec`) ;
      ``forbidden_paths`` : des bibliothèques surveillées de même (par exemple
      ``"torch/autograd/"`` : un gradient à écrire soi-même, sans différentiation
      automatique, voir :data:`PATH_LABELS`) ;
    - ``check`` (facultatif) : un juge sur mesure ``check(args, got) -> message | None``,
      à la place de la comparaison à ``reference`` ;
    - ``judge_data`` (facultatif) : ``judge_data(rng)`` tire des données que seul le juge
      voit (jamais envoyées au noyau) ; ``check`` est alors appelé ``check(args, got, data)``.
      Par exemple les séquences sur lesquelles on essaie une cellule conçue par l'élève ;
    - ``parts`` (facultatif) : les parties d'un résultat, notées chacune — les noms
      des éléments d'un tuple (``("f", "i", "c_hat", "o")``), ou, pour un objet à
      champs, ``{nom: (champ, …)}``. Chaque partie juste sur tous les cas
      rapporte ``points / len(parts)`` ;
    - ``preview_cases`` (facultatif, avec ``check``) : des entrées d'essai plus petites, de même
      forme, pour le catalogue de l'édition élève (qui ne vérifie que la forme du résultat) ;
      par défaut, ``cases`` ;
    - ``any_case`` (facultatif, avec ``check``) : les cas sont des essais indépendants d'une même
      expérience aléatoire (un entraînement, une graine par cas) ; un cas réussi suffit. Pour ne pas
      noter la chance : une boucle juste reste parfois sur un plateau pour une graine donnée ;
    - ``isolated`` (facultatif) : ``isolated(cases)`` rend les indices des cas à appeler dans un
      second noyau, neuf, qui ne voit qu'eux (le cahier y est ré-exécuté). Pour une sonde de
      causalité : dans un même noyau, une réponse qui garde un état d'un appel à l'autre, ou lit
      d'avance tous les cas sur la pile de la récolte, répondrait aux flux coupés d'après les flux
      entiers. Le juge voit les appels dans l'ordre des cas, comme d'une seule exécution ;
    - ``shared_draw`` (facultatif) : toutes les copies reçoivent les mêmes entrées secrètes (tirées de
      la seule graine de la correction), pour une note qui ne doit pas dépendre du tirage ;
    - ``harvest_seconds`` (facultatif) : le temps que peut prendre la récolte de cet exercice quand
      ses appels sont longs par nature (des entraînements), au lieu du délai ordinaire d'une cellule
      de récolte ; jamais au-delà du temps qui reste à la copie ;
    - ``context`` (facultatif) : des noms de variables du cahier que la récolte transmet avec les
      appels (``harvested["context"]``, codés comme une valeur ; ``{"t": "absent"}`` pour un nom
      non défini), pour un juge sur mesure qui en a besoin (la graine déclarée d'un projet).
    """

    cases: Callable[[np.random.Generator], list] = None
    reference: Callable[..., Any] = None
    mistakes: list = field(default_factory=list)
    forbidden: tuple = ()
    forbidden_paths: tuple = ()
    check: Callable[..., str | None] | None = None
    judge_data: Callable[[np.random.Generator], Any] | None = None
    parts: tuple | dict = ()
    preview_cases: Callable[[np.random.Generator], list] | None = None
    any_case: bool = False
    harvest_seconds: float | None = None
    isolated: Callable[[list], list[int]] | None = None
    shared_draw: bool = False
    context: tuple = ()

    def __post_init__(self):
        self.kind = "function"

    def has_answer_key(self) -> bool:
        return self.reference is not None or self.check is not None

    def make_spec(self, rng, variant=None):
        cases = list(self.cases(rng))
        spec = self._spec(cases, variant)
        if self.judge_data is not None:
            spec["judge_data"] = self.judge_data(rng)
        if self.isolated is not None:
            spec["isolated"] = sorted({int(k) for k in self.isolated(cases)})
        return spec

    def _spec(self, cases: list, variant=None) -> dict:
        spec = {"target": self.target, "kind": "function", "cases": cases, "variant": dict(variant or {})}
        watch = watch_spec(self.forbidden, self.forbidden_paths)
        if watch:
            spec["watch"] = watch
        if self.context:
            spec["context"] = list(self.context)
        return spec

    def forbidden_used(self, source: str) -> list[str]:
        """Les noms interdits que ce code utilise."""
        return forbidden_in_source(self, source)

    # Ce que la référence et les erreurs typiques donnent sur ces entrées
    # (une édition sans références les remplace par des résultats enregistrés, voir catalog).
    def expected_outputs(self, cases: list) -> list:
        return [self.reference(*args) for args in cases]

    def mistake_outputs(self, cases: list) -> list[tuple[str, list | None]]:
        out = []
        for message, wrong in self.mistakes:
            try:
                out.append((message, [wrong(*args) for args in cases]))
            except Exception:  # une erreur typique qui ne s'applique pas à ces entrées
                out.append((message, None))
        return out

    # Le jugement
    def _results(self, harvested, spec) -> tuple[Verdict | None, list]:
        """Les résultats décodés des appels, ou un verdict immédiat (introuvable, exception…)."""
        missing = self._missing(harvested)
        if missing:
            return missing, []
        if not harvested.get("callable"):
            return self._verdict(False, FAUX, f"« {self.target} » devrait être une fonction ; "
                                              f"c'est un objet de type {harvested.get('type', '?')}"), []
        origin = harvested.get("origin")
        if isinstance(origin, dict) and str(origin.get("module", "")).split(".")[0] == "lstm_lib" \
                and origin.get("name") in set(self.forbidden):
            return forbidden_verdict(self, [str(origin["name"])]), []
        calls = harvested.get("calls")
        cases = spec["cases"]
        if not isinstance(calls, list) or not calls:
            raise InvalidHarvest("appels manquants")
        for call in calls:
            if not isinstance(call, dict) or "ok" not in call:
                raise InvalidHarvest("appel mal formé")
            if not call["ok"]:
                exc = str(call.get("exc", "?"))
                if exc == "NotImplementedError":
                    return self._verdict(False, NON_TENTE, UNTOUCHED), []
                if exc == "TooLarge":
                    return self._verdict(False, ERREUR, TOO_LARGE), []
                if exc == "KeyboardInterrupt":
                    return self._verdict(False, ERREUR, "votre fonction n'a pas terminé dans le délai imparti (boucle infinie ?)"), []
                if exc == "MemoryError":
                    return self._verdict(False, ERREUR, "votre fonction a épuisé la mémoire autorisée"), []
                line = str(call.get("line") or "")
                where = f", à la ligne « {line} »" if line else ""
                return self._verdict(False, ERREUR,
                                     f"votre fonction a levé {exc} : {str(call.get('msg', ''))[:300]}{where}"), []
        if spec.get("watch"):  # la surveillance des appels (voir watch_spec et harvest)
            if harvested.get("watch") != "ok":
                return self._verdict(False, FAUX, WATCH_ALTERED), []
            called = harvested.get("forbidden_calls") or []
            if not isinstance(called, list):
                raise InvalidHarvest("appels interdits mal formés")
            allowed = set(self.forbidden) | {PATH_LABELS.get(p, p) for p in self.forbidden_paths}
            called = sorted({str(n) for n in called} & allowed)
            if called:
                return forbidden_verdict(self, called), []
        if len(calls) != len(cases):
            raise InvalidHarvest("nombre d'appels incohérent")
        return None, [decode(call["value"]) for call in calls]

    def judge(self, harvested, spec):
        early, results = self._results(harvested, spec)
        if early is not None:
            return early
        cases = spec["cases"]
        if self.check is not None:
            if self.judge_data is not None:
                data = spec.get("judge_data")
                problems = [self.check(args, got, data) for args, got in zip(cases, results)]
            else:
                problems = [self.check(args, got) for args, got in zip(cases, results)]
            if not any(problems) or (self.any_case and not all(problems)):
                return self._verdict(True)
            if self.any_case and len(problems) > 1:
                return self._verdict(False, FAUX, f"{problems[0]} (et aucun des {len(problems)} essais, "
                                                  f"une graine chacun, ne réussit)")
            return self._verdict(False, FAUX, self._with_count(next(p for p in problems if p), problems))
        return self.judge_outputs(cases, self.expected_outputs(cases), results)

    def judge_outputs(self, cases: list, expected: list, results: list) -> Verdict:
        """Juge des résultats contre les résultats attendus (références, erreurs typiques, parties)."""
        problems = [compare(e, g) for e, g in zip(expected, results)]
        if not any(problems):
            return self._verdict(True)
        first = next(p for p in problems if p)
        structural = any(compare(e, g, values=False) for e, g in zip(expected, results))
        if structural:
            return self._verdict(False, FAUX, first)
        explanation = self._recognised_mistake(cases, results) or self.hint_short
        if self.parts:
            right, wrong_problem = self._parts_right(expected, results)
            total = len(self._part_selectors(expected[0]))
            if 0 < len(right) < total:
                names = join_fr([f"« {n} »" for n in right])
                verb = "est juste" if len(right) == 1 else "sont justes"
                return self._partial(len(right), total, f"{names} {verb} ; {wrong_problem}. {explanation}")
        return self._verdict(False, FAUX, f"{self._with_count(first, problems)}. {explanation}")

    @staticmethod
    def _with_count(first: str, problems: list) -> str:
        n_bad = sum(1 for p in problems if p)
        return f"{first} ({n_bad} cas faux sur {len(problems)})" if len(problems) > 1 else first

    def _recognised_mistake(self, cases, results) -> str | None:
        for message, outputs in self.mistake_outputs(cases):
            if outputs is None:
                continue
            try:
                if all(compare(w, g) is None for w, g in zip(outputs, results)):
                    return message
            except Exception:  # une sortie d'erreur typique incomparable : on passe
                continue
        return None

    def _part_selectors(self, sample) -> list[tuple[str, Callable, str]]:
        """``(nom, extraction, libellé)`` pour chaque partie du résultat."""
        if isinstance(self.parts, dict):
            return [(name, (lambda v, fields=tuple(fields): _select_fields(v, fields)), f"« {name} »")
                    for name, fields in self.parts.items()]
        return [(name, (lambda v, k=k: v[k]), f"« {name} » (l'élément n° {k + 1} du résultat)")
                for k, name in enumerate(self.parts)]

    def _parts_right(self, expected, results) -> tuple[list[str], str]:
        right, first_wrong = [], ""
        for name, select, label in self._part_selectors(expected[0]):
            msgs = [compare(select(e), select(g), label) for e, g in zip(expected, results)]
            if any(msgs):
                first_wrong = first_wrong or next(m for m in msgs if m)
            else:
                right.append(name)
        return right, first_wrong

    @property
    def hint_short(self) -> str:
        return "Relisez l'énoncé, ou demandez un indice avec .indice()."


def _select_fields(value, fields):
    found = _fields_of(value) or {}
    return {name: found.get(name) for name in fields}


def _close(value: float, wrong: float) -> bool:
    """Une valeur égale à une erreur typique : à l'entier près pour un entier, à 0,1 % près sinon."""
    if float(wrong).is_integer():
        return float(value) == float(wrong)
    return math.isclose(value, wrong, rel_tol=1e-3, abs_tol=1e-4)


@dataclass
class ValueExercise(Exercise):
    """Une valeur à trouver (par le calcul, souvent avec l'aide d'un widget).

    - ``check`` juge la valeur : ``check(value) -> message | None`` (``None`` : juste),
      ou, avec des ``variables``, ``check(value, values)``. Le message ne donne jamais la
      valeur, ni de quel côté elle est (« trop grand » inviterait à chercher par
      dichotomie) : il dit ce qui ne va pas ;
    - ``variables`` (facultatif) : ``{nom: Uniform(…) | OneOf(…)}`` (:mod:`.variants`),
      les valeurs de l'énoncé **propres à chaque copie** ; ``show`` : le gabarit qui les
      montre à l'élève (``"ρ = {rho} ; seuil : {threshold}"``, chaque valeur écrite à la
      française). Dans le cahier, ``exK.enonce()`` affiche ce texte et ``exK.valeurs``
      rend les valeurs ;
    - ``mistakes`` (facultatif) : des erreurs typiques ``(message, valeur_fausse)``, où
      ``valeur_fausse(values)`` calcule la valeur qu'elle donne : une réponse égale
      (à 0,1 % près, à l'unité près pour un entier) reçoit ce message.

    Sans ``check`` (édition élève), la valeur est seulement contrôlée (un nombre fini)
    et enregistrée.
    """

    check: Callable[..., str | None] = None
    variables: dict = field(default_factory=dict)
    show: str = ""
    mistakes: list = field(default_factory=list)

    def __post_init__(self):
        self.kind = "value"

    def has_answer_key(self) -> bool:
        return self.check is not None

    @property
    def personal(self) -> bool:
        return bool(self.variables)

    def variant(self, identity):
        if not self.variables:
            return {}
        seed = self.seed(identity)
        return {"values": {name: param.draw(seed, name) for name, param in self.variables.items()}}

    def values_of(self, variant: dict) -> dict:
        values = (variant or {}).get("values")
        if self.variables and not isinstance(values, dict):
            raise InvalidHarvest("valeurs de l'énoncé manquantes")
        return dict(values or {})

    def personal_lines(self, variant):
        if not self.variables:
            return []
        values = self.values_of(variant)
        shown = {name: param.show(values[name]) for name, param in self.variables.items()}
        return [fr(line.format(**shown)) for line in self.show.split("\n") if line.strip()]

    def judge(self, harvested, spec):
        early, value = self._read_value(harvested)
        if early is not None:
            return early
        number_ = as_number(value)
        if number_ is None:
            return self._verdict(False, FAUX, f"« {self.target} » doit être un nombre ; reçu {describe(value)}"
                                              f"{decimal_comma_hint(value)}")
        if not math.isfinite(number_):
            return self._verdict(False, FAUX, f"« {self.target} » doit être un nombre fini ; reçu {number_}")
        if self.check is None:
            return self._recorded(f"« {self.target} » = {format_fr(number_)}")
        if self.variables:
            values = self.values_of(spec.get("variant"))
            msg = self.check(number_, values)
        else:
            values, msg = {}, self.check(number_)
        if msg is not None:
            for message, wrong in self.mistakes:
                try:
                    if _close(number_, float(wrong(values) if self.variables else wrong())):
                        msg = message
                        break
                except Exception:  # une erreur typique qui ne s'applique pas à ces valeurs
                    continue
        return self._verdict(msg is None, FAUX, msg or "")


_LETTER = re.compile(r"^[\s(\"'«\u00a0]*([A-Za-z])[\s).:;\"'»\u00a0]*$")
LETTERS = "abcdefghij"


@dataclass
class ChoiceExercise(Exercise):
    """Une question à choix multiple.

    - ``choices`` : ``{étiquette: texte}`` ; ``answer`` : l'étiquette du bon choix ;
      ``feedback`` : ``{étiquette: explication}`` pour chaque mauvais choix ;
    - ou bien ``questions`` : ``{clé: texte}`` et ``answers`` : ``{clé: bool}``
      (un « oui / non » par cas ; chaque réponse juste rapporte sa part des points).

    **Choix mélangés.** Quand chaque choix a son texte, l'énoncé ne les écrit pas : le
    cahier les affiche (``exK.enonce()``) sous les lettres a, b, c…, dans un ordre propre
    à la copie (:mod:`.variants`) ; l'élève répond par la lettre qu'il voit, que le juge
    ramène au choix. L'ordre de référence des choix (avant mélange) est celui de leurs
    textes, hachés : il ne dit rien de la bonne réponse, si bien que le catalogue de
    l'édition élève peut contenir les textes. ``exK.lettre("fragment")`` rend la lettre
    du choix qui contient ce texte (ainsi s'écrivent les solutions). Sans textes (ancien
    format : les choix écrits dans l'énoncé), les lettres sont celles de ``choices``.

    Sans ``answer`` (ou ``answers``), la réponse est contrôlée puis enregistrée.
    """

    choices: dict = field(default_factory=dict)
    answer: str = ""
    questions: dict = field(default_factory=dict)
    answers: dict = field(default_factory=dict)
    feedback: dict = field(default_factory=dict)
    shuffle: bool = True

    def __post_init__(self):
        self.kind = "value"

    def has_answer_key(self) -> bool:
        if self.questions:
            return set(self.answers) >= set(self.questions)
        return self.answer in self.choices

    @property
    def shuffled(self) -> bool:
        """Les choix sont-ils mélangés pour chaque copie (ils ont tous un texte) ?"""
        return (self.shuffle and not self.questions and len(self.choices) > 1
                and all(str(t).strip() for t in self.choices.values()))

    @property
    def personal(self) -> bool:
        return self.shuffled

    def canonical(self) -> list:
        """Les étiquettes dans l'ordre de référence : celui des textes hachés (rien à voir avec la réponse)."""
        import hashlib

        return sorted(self.choices, key=lambda c: hashlib.sha256(str(self.choices[c]).encode("utf-8")).digest())

    def variant(self, identity):
        if not self.shuffled:
            return {}
        labels = self.canonical()
        return {"order": [labels[k] for k in variants.permutation(self.seed(identity), len(labels))]}

    def order(self, variant: dict | None) -> list:
        """Les étiquettes des choix sous les lettres a, b, c… de cette copie."""
        if not self.shuffled:
            return list(self.choices)
        order = (variant or {}).get("order")
        if not isinstance(order, list) or sorted(map(str, order)) != sorted(map(str, self.choices)):
            raise InvalidHarvest("ordre des choix manquant ou incohérent")
        return list(order)

    def letters(self, variant: dict | None = None) -> list[str]:
        if not self.shuffled:
            return list(self.choices)
        return list(LETTERS[: len(self.choices)])

    def personal_items(self, variant) -> list[tuple[str, str]]:
        """Les choix de cette copie : ``[(lettre, texte)]`` dans l'ordre a, b, c…"""
        if not self.shuffled:
            return []
        return [(letter, fr(self.choices[label])) for letter, label in zip(self.letters(), self.order(variant))]

    def personal_lines(self, variant):
        return [fr(f"{letter} : {text}") for letter, text in self.personal_items(variant)]

    def letter_of(self, fragment: str, variant: dict | None) -> str:
        """La lettre (dans cette copie) du seul choix dont le texte contient ``fragment``."""
        order, letters = self.order(variant), self.letters(variant)
        hits = [letter for letter, label in zip(letters, order)
                if str(fragment).casefold() in str(self.choices[label]).casefold()]
        if len(hits) != 1:
            raise ValueError(fr(f"lettre : « {fragment} » se trouve dans {len(hits)} choix de l'exercice "
                                f"{self.key} ; donnez un fragment du texte d'un seul choix"))
        return hits[0]

    def judge(self, harvested, spec):
        early, value = self._read_value(harvested)
        if early is not None:
            return early
        if self.questions:
            return self._judge_table(value)
        order, letters = self.order(spec.get("variant")), self.letters(spec.get("variant"))
        shown = join_fr([f"« {c} »" for c in letters])
        match = _LETTER.match(value) if isinstance(value, str) else None
        letter = match.group(1).lower() if match else None
        if letter not in letters:
            return self._verdict(False, FAUX, f"« {self.target} » doit être une des lettres {shown} "
                                              f"(entre guillemets) ; reçu {describe(value)}")
        if not self.has_answer_key():
            return self._recorded(f"« {letter} »")
        label = order[letters.index(letter)]
        if label == self.answer:
            return self._verdict(True)
        extra = self.feedback.get(label, "")
        return self._verdict(False, FAUX, f"ce n'est pas la bonne réponse. {extra}".strip())

    def _judge_table(self, value):
        if isinstance(value, dict) and all(isinstance(v, bool) or v is None for v in value.values()):
            if all(value.get(k) is None for k in self.questions):
                return self._verdict(False, NON_TENTE, UNTOUCHED)
        if not isinstance(value, dict):
            return self._verdict(False, FAUX, f"« {self.target} » doit être un dictionnaire ; reçu {describe(value)}")
        missing = [k for k in self.questions if k not in value]
        if missing:
            return self._verdict(False, FAUX, f"il manque {'les clés' if len(missing) > 1 else 'la clé'} "
                                              f"{', '.join(missing)}")
        not_bool = [k for k in self.questions if not isinstance(value[k], bool)]
        if not_bool:
            return self._verdict(False, FAUX, f"chaque réponse doit être True ou False ; à revoir : {', '.join(not_bool)}")
        if not self.has_answer_key():
            return self._recorded(f"{plural(len(self.questions), 'réponse')}")
        wrong = sum(1 for k in self.questions if value[k] != self.answers[k])
        n = len(self.questions)
        return self._partial(n - wrong, n, f"{plural(wrong, 'réponse fausse', 'réponses fausses')} sur {n}")
