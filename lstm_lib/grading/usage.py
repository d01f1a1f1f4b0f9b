"""Les indices et les solutions consultés : ce que la copie déclare, et comment le correcteur le lit.

Comme Kaggle Learn, le cahier compte, pour chaque exercice, les indices montrés
(``exK.indice()``, un de plus à chaque appel) et la solution montrée
(``exK.solution()``) ; le bilan (``cahier.bilan()``) les récapitule. Sans serveur,
ce compte vit chez l'élève :

- **pendant le travail**, dans un petit fichier par cahier et par identité
  (``~/.cache/lstm_lib/usage/``, :class:`UsageLog`), pour qu'un redémarrage du
  noyau (« Redémarrer et tout exécuter », demandé avant de rendre la copie) ne
  l'efface pas ; seulement pour une copie qui déclare une identité (qui apprend
  seul n'a pas de compte à rendre, et le site, construit sans identité, n'en lit
  jamais) ;
- **dans la copie rendue**, dans les métadonnées des sorties de ``indice()``,
  ``solution()`` et ``bilan()`` (:func:`output_metadata`), que le cahier enregistre
  avec ses sorties.

Le correcteur lit ces métadonnées, et les appels ``exK.indice()`` / ``exK.solution()``
écrits dans le code de la copie (:func:`from_sources`), **sans confiance**
(:func:`from_outputs` : des nombres bornés, des clés connues) : c'est une
information pour l'enseignant (colonnes « indices » et « solution » du CSV), jamais
une note changée — sauf si l'enseignant le demande (``--solution-penalty`` de
``lstm_grader``). Une copie peut effacer ses sorties : le compte est alors sous-estimé,
jamais surestimé par le correcteur.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
from pathlib import Path

__all__ = ["USAGE_KEY", "UsageLog", "output_metadata", "from_outputs", "from_sources", "merge", "clean"]

#: La clé, sous ``metadata["lstm_grading"]`` d'une sortie, du compte des indices et solutions.
USAGE_KEY = "usage"
_KEY = re.compile(r"^ex\d{1,3}$")
MAX_HINTS = 99
MAX_EXERCISES = 200


def clean(record) -> dict:
    """Un compte relu sans confiance : ``{exK: {"indices": n, "solution": bool}}``, le reste ignoré."""
    out: dict = {}
    if not isinstance(record, dict):
        return out
    for key, entry in list(record.items())[:MAX_EXERCISES]:
        if not isinstance(key, str) or not _KEY.match(key) or not isinstance(entry, dict):
            continue
        hints = entry.get("indices", 0)
        hints = hints if isinstance(hints, int) and not isinstance(hints, bool) and 0 <= hints <= MAX_HINTS else 0
        out[key] = {"indices": hints, "solution": entry.get("solution") is True}
    return out


def merge(*records) -> dict:
    """Le plus grand compte de chaque exercice (indices : le maximum ; solution : vue une fois suffit)."""
    out: dict = {}
    for record in records:
        for key, entry in clean(record).items():
            seen = out.setdefault(key, {"indices": 0, "solution": False})
            seen["indices"] = max(seen["indices"], entry["indices"])
            seen["solution"] = seen["solution"] or entry["solution"]
    return out


def output_metadata(notebook: str, record: dict) -> dict:
    """Les métadonnées d'une sortie du cahier qui porte le compte (relues par :func:`from_outputs`)."""
    return {"lstm_grading": {"cahier": notebook, USAGE_KEY: clean(record)}}


def from_outputs(outputs, notebook: str | None = None) -> dict:
    """Le compte que déclarent les sorties enregistrées d'une copie (listes de sorties nbformat)."""
    records = []
    for output in list(outputs)[:10_000]:
        meta = output.get("metadata") if isinstance(output, dict) else None
        grading = meta.get("lstm_grading") if isinstance(meta, dict) else None
        if not isinstance(grading, dict):
            continue
        if notebook is not None and grading.get("cahier") not in (None, notebook):
            continue  # le compte d'un autre cahier (cellule copiée d'ailleurs)
        records.append(grading.get(USAGE_KEY))
    return merge(*records)


_HANDLE = re.compile(r"^ex\d{1,3}$")


def from_sources(sources) -> dict:
    """Les appels ``exK.indice()`` et ``exK.solution()`` écrits dans le code (chaque appel écrit compte une fois)."""
    out: dict = {}
    for source in sources:
        text = str(source)
        if "indice" not in text and "solution" not in text:
            continue
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("indice", "solution")):
                continue
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if not _HANDLE.match(name):
                continue
            entry = out.setdefault(name, {"indices": 0, "solution": False})
            if node.func.attr == "indice":
                entry["indices"] = min(MAX_HINTS, entry["indices"] + 1)
            else:
                entry["solution"] = True
    return out


class UsageLog:
    """Le compte d'un cahier pour une identité, gardé d'une session à l'autre (voir le module)."""

    def __init__(self, notebook: str, identity: str, directory: Path | None = None):
        self.notebook = notebook
        self.identity = identity
        self.directory = Path(directory) if directory else Path.home() / ".cache" / "lstm_lib" / "usage"

    @property
    def path(self) -> Path | None:
        if not self.identity:
            return None
        digest = hashlib.sha256(f"{self.notebook}|{self.identity}".encode("utf-8")).hexdigest()[:16]
        return self.directory / f"{self.notebook}-{digest}.json"

    def read(self) -> dict:
        path = self.path
        if path is None:
            return {}
        try:
            return clean(json.loads(path.read_text(encoding="utf-8")[:1_000_000]))
        except (OSError, ValueError):
            return {}

    def write(self, record: dict) -> None:
        path = self.path
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(merge(self.read(), record), sort_keys=True), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:  # dossier personnel en lecture seule… : le compte reste celui de la session
            pass
