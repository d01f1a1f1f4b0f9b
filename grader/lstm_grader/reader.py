"""Lire une copie dans un processus limité : ``python -m lstm_grader.reader`` (usage interne).

Une copie est un fichier hostile : un JSON de quelques mégaoctets peut coûter
des gigaoctets une fois décodé, et l'arbre syntaxique (AST) d'une cellule de
12 Mo en a coûté 5,75 Go. Le correcteur ne la décode donc jamais lui-même :
ce module le fait dans un processus à part, sous une limite de mémoire
(``RLIMIT_AS``) et un délai, et rend un résumé borné :

- le format (``nbformat``, ``nbformat_minor``) et le cahier annoncé par les
  métadonnées (``lstm_grading.cahier``) ;
- les cellules (type, identifiant s'il y en a, code, étiquettes), **sans
  leurs sorties** (jamais lues) ;
- pour chaque cellule de code : les noms qu'elle définit au premier niveau
  (fonctions, affectations) et ceux, parmi les noms de ``lstm_lib`` interdits
  que lui passe le correcteur, qu'elle utilise. Une cellule de plus de
  ``max_cell_chars`` caractères n'est pas analysée (elle est signalée) ;
- l'identité que la copie déclare (``etudiant = "…"``, une chaîne littérale :
  :func:`lstm_lib.grading.variants.declared_identity`), d'où découlent l'ordre
  de ses choix et les valeurs de ses énoncés ;
- les indices et solutions qu'elle dit avoir consultés (:mod:`lstm_lib.grading.usage`) :
  les appels écrits dans son code, et **seulement** les métadonnées ``lstm_grading``
  de ses sorties (jamais leur contenu), relues comme des nombres bornés — une
  information pour l'enseignant, jamais une note.

Entrée : une requête JSON par ligne (``path``, ``max_bytes``, ``max_cells``,
``max_cell_chars``, ``forbidden``, ``output``) ; le résumé est écrit d'un coup dans ``output``, puis
« ok » sur la sortie standard. Un même processus lit les copies l'une après
l'autre (:func:`main`) ; le correcteur le relance s'il meurt ou dépasse son délai.
"""

from __future__ import annotations

import ast
import json
import sys

from .safety import UnsafeFile, read_untrusted, write_atomic


def _tags(cell) -> list[str]:
    tags = (cell.get("metadata") or {}).get("tags") or []
    return [str(t)[:100] for t in tags if isinstance(t, str)][:20]


def summarize(raw: bytes, *, max_cell_chars: int, forbidden: list[str], max_cells: int = 2000) -> dict:
    """Le résumé d'une copie (voir le module) ; ``{"ok": False, "error": …}`` si elle est illisible."""
    import nbformat

    # La règle des appels interdits est celle du cahier (core.forbidden_in_cells) : les
    # mêmes définitions, les mêmes noms lus ; le correcteur la rejoue ici cellule par cellule.
    from lstm_lib.grading import usage
    from lstm_lib.grading.core import FunctionExercise, defined_names, forbidden_in_source
    from lstm_lib.grading.variants import declared_identity

    try:
        text = raw.decode("utf-8")
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {"ok": False, "error": f"la copie n'est pas un fichier JSON valide ({exc}) : "
                                      f"elle n'a pas pu être exécutée"}
    except RecursionError:
        return {"ok": False, "error": "la copie n'est pas un cahier lisible (JSON trop imbriqué)"}
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return {"ok": False, "error": "la copie n'est pas un cahier Jupyter (pas de liste « cells ») : "
                                      "elle n'a pas pu être exécutée"}
    if len(data["cells"]) > max_cells:  # des centaines de milliers de cellules vides : des gigaoctets plus loin
        return {"ok": False, "error": f"la copie a {len(data['cells'])} cellules (au plus {max_cells}) : "
                                      f"elle n'a pas pu être exécutée"}
    had_ids = any(isinstance(c, dict) and isinstance(c.get("id"), str) for c in data["cells"])
    del data
    try:
        nb = nbformat.reads(text, as_version=4)  # lignes rejointes, ancien format converti
        nbformat.validate(nb)
    except Exception as exc:  # nbformat lève plusieurs types d'erreurs de validation
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        return {"ok": False, "error": f"la copie n'est pas un cahier Jupyter valide ({first}) : "
                                      f"elle n'a pas pu être exécutée"}
    checker = FunctionExercise(key="_", title="_", points=0, target="_", forbidden=tuple(forbidden))
    cells = []
    for cell in nb.cells:
        source = cell.get("source", "")
        entry = {"type": cell.cell_type, "id": cell.get("id") if had_ids else None,
                 "source": source, "tags": _tags(cell)}
        if cell.cell_type == "code":
            if len(source) > max_cell_chars:
                entry["parsed"] = False
            else:
                try:
                    tree = ast.parse(source)
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    tree = None  # magies IPython, code invalide : ni définition ni nom interdit
                entry["parsed"] = True
                entry["defines"] = sorted(defined_names(tree)) if tree is not None else []
                entry["uses"] = forbidden_in_source(checker, source) if tree is not None else []
        cells.append(entry)
    metadata = nb.get("metadata") or {}
    grading = metadata.get("lstm_grading") if isinstance(metadata, dict) else None
    cahier = grading.get("cahier") if isinstance(grading, dict) else None
    cahier = cahier if isinstance(cahier, str) else None
    code = [c["source"] for c in cells if c["type"] == "code" and c.get("parsed", True)]
    identity, identity_note = declared_identity(code)
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in (cell.get("outputs") or [])]
    used = usage.merge(usage.from_sources(code), usage.from_outputs(outputs, cahier))
    return {"ok": True, "nbformat": [nb.get("nbformat"), nb.get("nbformat_minor")],
            "had_ids": had_ids, "cahier": cahier, "cells": cells,
            "identity": identity, "identity_note": identity_note, "usage": used}


def handle(request: dict) -> bool:
    """Lit une copie et écrit son résumé ; rend False si le processus doit s'arrêter (mémoire épuisée)."""
    healthy = True
    try:
        raw = read_untrusted(request["path"], int(request["max_bytes"]))
        summary = summarize(raw, max_cell_chars=int(request["max_cell_chars"]),
                            forbidden=list(request["forbidden"]), max_cells=int(request["max_cells"]))
    except FileNotFoundError:
        summary = {"ok": False, "error": "copie introuvable"}
    except UnsafeFile as exc:
        summary = {"ok": False, "error": f"copie refusée : {exc}"}
    except MemoryError:
        summary = {"ok": False, "error": "la copie est trop lourde à lire (mémoire épuisée en la décodant)"}
        healthy = False  # un tas fragmenté : le correcteur relance un lecteur neuf
    write_atomic(request["output"], json.dumps(summary, ensure_ascii=False).encode("utf-8"), mode=0o600)
    return healthy


def main() -> int:
    """Une requête JSON par ligne sur l'entrée standard, « ok » sur la sortie quand le résumé est écrit.

    Le processus sert plusieurs copies de suite (les imports ne se paient qu'une
    fois) ; il s'arrête à la fin de l'entrée, ou après une copie qui a épuisé sa mémoire.
    """
    for line in sys.stdin:
        if not line.strip():
            continue
        healthy = handle(json.loads(line))
        sys.stdout.write("ok\n")
        sys.stdout.flush()
        if not healthy:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
