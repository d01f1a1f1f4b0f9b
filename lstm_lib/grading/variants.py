"""Ce qui est propre à chaque copie : l'ordre des choix d'une question, les valeurs d'un énoncé.

**Ce qui identifie une copie.** L'élève écrit son identité (nom complet, ou numéro
d'étudiant) dans la cellule ``identite``, en tête du cahier ::

    etudiant = "Alice Martin"

Tout ce qui est propre à sa copie en découle, par un hachage public
(:func:`seed_text`) : le cahier (« ex02 »), la cellule de réponse de l'exercice
et l'identité normalisée (:func:`normalize_identity` : sans accents ni casse,
mots dans l'ordre alphabétique, si bien que « MARTIN Alice » et « Alice Martin »
sont la même copie). Le même élève voit donc le même ordre et les mêmes valeurs à
chaque exécution, sur toute machine ; le correcteur les recalcule depuis la copie
rendue : il relit l'identité dans le **code** de la copie (:func:`declared_identity`,
une chaîne littérale, jamais une valeur calculée par le noyau).

Une copie sans identité (``etudiant = ""``, le cas de qui apprend seul, et du site)
a les valeurs « anonymes » : les mêmes pour toutes les copies anonymes. Le
correcteur le signale à l'enseignant, comme deux copies qui déclarent la même
identité (:mod:`lstm_grader.runner`).

**Pourquoi un hachage et pas numpy.** Le tirage doit donner la même chose chez
l'élève (Colab, sa machine) et chez l'enseignant, quelles que soient leurs
versions de numpy : ``numpy.random.Generator`` ne promet pas la même suite d'une
version à l'autre (NEP 19), SHA-256 si. Ces tirages ne sont pas secrets (l'élève
voit ses valeurs) : ils rendent seulement inutile de recopier le nombre d'un autre.
"""

from __future__ import annotations

import ast
import hashlib
import math
import unicodedata
from dataclasses import dataclass

from ..style import format_fr

__all__ = [
    "IDENTITY_NAME", "IDENTITY_CELL", "normalize_identity", "identity_of", "declared_identity",
    "seed_text", "unit", "permutation", "Uniform", "OneOf", "param_from_dict",
]

#: Le nom de la variable où l'élève écrit son identité, et la cellule qui la contient.
IDENTITY_NAME = "etudiant"
IDENTITY_CELL = "identite"
#: Longueur maximale d'une identité prise en compte (au-delà, elle est coupée).
MAX_IDENTITY = 200


def normalize_identity(text) -> str:
    """L'identité comparable : minuscules sans accents, lettres, chiffres, « @ » et « . », mots triés."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKD", text[:MAX_IDENTITY]).casefold()
    text = "".join(ch if ch.isalnum() or ch in "@." else " " for ch in text if not unicodedata.combining(ch))
    return " ".join(sorted(text.split()))


def identity_of(namespace: dict) -> str:
    """L'identité normalisée qu'un cahier déclare (``etudiant`` dans ses variables), ou « » (anonyme)."""
    try:
        return normalize_identity(namespace.get(IDENTITY_NAME, ""))
    except Exception:  # un espace de noms étrange : anonyme
        return ""


def declared_identity(sources) -> tuple[str, str]:
    """L'identité déclarée par le code d'une copie, comme le correcteur la relit.

    ``sources`` : le code des cellules, dans l'ordre. Rend ``(identité normalisée,
    remarque)`` : la dernière affectation ``etudiant = "…"`` (une chaîne littérale, au
    premier niveau d'une cellule) l'emporte, comme à l'exécution « tout exécuter ».
    La remarque (en français) est vide, ou dit pourquoi l'identité n'a pas pu être lue.
    """
    found, note = "", ""
    for source in sources:
        if IDENTITY_NAME not in str(source):
            continue
        try:
            tree = ast.parse(str(source))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in tree.body:
            if not isinstance(node, (ast.Assign, ast.AnnAssign)):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not any(isinstance(t, ast.Name) and t.id == IDENTITY_NAME for t in targets):
                continue
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found, note = normalize_identity(value.value), ""
            else:
                found, note = "", (f"l'identité « {IDENTITY_NAME} » n'est pas une chaîne écrite entre "
                                   f"guillemets : la copie est traitée comme anonyme")
    return found, note


def seed_text(notebook: str, cell_id: str, identity: str) -> str:
    """Le texte d'où découle tout ce qui est propre à une copie pour un exercice."""
    return f"{notebook}|{cell_id}|{normalize_identity(identity)}"


def unit(seed: str, label: str) -> float:
    """Un nombre de [0, 1[ tiré de ``seed`` et ``label`` (SHA-256 : le même partout)."""
    digest = hashlib.sha256(f"{seed}|{label}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def permutation(seed: str, n: int) -> list[int]:
    """Une permutation de ``range(n)`` tirée de ``seed`` (chaque ordre a la même probabilité)."""
    return sorted(range(n), key=lambda k: hashlib.sha256(f"{seed}|ordre|{k}".encode("utf-8")).digest())


@dataclass(frozen=True)
class Uniform:
    """Un réel tiré uniformément dans ``[low, high]``, arrondi à ``digits`` décimales.

    ``avoid`` : des valeurs à éviter, à ``margin`` près (celle du widget d'aide, par
    exemple, pour que le widget ne donne pas la réponse).
    """

    low: float
    high: float
    digits: int = 3
    avoid: tuple = ()
    margin: float = 0.0

    def draw(self, seed: str, name: str) -> float:
        for attempt in range(100):
            value = round(self.low + (self.high - self.low) * unit(seed, f"{name}|{attempt}"), self.digits)
            if all(abs(value - a) > self.margin for a in self.avoid):
                return value
        raise ValueError(f"Uniform : aucune valeur de [{self.low}, {self.high}] n'évite {self.avoid}")

    def show(self, value: float) -> str:
        return format_fr(value, self.digits)

    def to_dict(self) -> dict:
        return {"kind": "uniform", "low": self.low, "high": self.high, "digits": self.digits,
                "avoid": list(self.avoid), "margin": self.margin}


@dataclass(frozen=True)
class OneOf:
    """Une valeur choisie parmi ``values`` (``style`` : celui de :func:`format_fr`, « percent »…)."""

    values: tuple
    style: str = "fixed"

    def draw(self, seed: str, name: str) -> float:
        return self.values[min(len(self.values) - 1, int(unit(seed, name) * len(self.values)))]

    def show(self, value) -> str:
        if self.style == "percent":
            return format_fr(value, 0 if math.isclose(value * 100, round(value * 100)) else 1, style="percent")
        return format_fr(value)

    def to_dict(self) -> dict:
        return {"kind": "one_of", "values": list(self.values), "style": self.style}


def param_from_dict(data: dict):
    """Relit un paramètre écrit par ``to_dict`` (catalogue de l'édition élève)."""
    if data.get("kind") == "uniform":
        return Uniform(float(data["low"]), float(data["high"]), int(data["digits"]),
                       tuple(data.get("avoid", ())), float(data.get("margin", 0.0)))
    if data.get("kind") == "one_of":
        return OneOf(tuple(data["values"]), str(data.get("style", "fixed")))
    raise ValueError(f"paramètre d'énoncé inconnu : {data!r}")
