"""La récolte des réponses : le seul code du correcteur qui tourne dans le noyau de l'élève.

Ce module est écrit comme une **source autonome** (la chaîne :data:`SOURCE`) :
le correcteur l'injecte telle quelle dans une cellule ajoutée après celles de
l'élève, et l'exécute dans un espace de noms à part (``exec``), sans rien
importer de ``lstm_lib.grading`` dans le noyau. Un élève qui modifie
``lstm_lib`` ou ce module depuis son cahier ne change donc pas ce code.

La récolte ne juge rien : elle appelle les fonctions de l'élève sur les
entrées tirées par le correcteur (lues dans un fichier ``pickle`` écrit par le
correcteur lui-même) et écrit les résultats **en JSON** (jamais en pickle :
le correcteur ne désérialise que du JSON venant du noyau). Le jugement se
fait ensuite dans le processus du correcteur (:mod:`lstm_lib.grading.core`).

Dans le cahier, :meth:`Exercice.verifier` passe par le même code (exécuté
localement), pour que la vérification de l'élève et la note du correcteur
voient exactement la même chose.
"""

from __future__ import annotations

SOURCE = r'''
import json as _json
import pickle as _pickle
import traceback as _traceback

MAX_ELEMENTS = 2_000_000   # au-delà, le résultat est jugé « trop volumineux »
MAX_ITEMS = 10_000         # longueur maximale d'une liste, d'un tuple ou d'un dict
MAX_DEPTH = 8


class TooLarge(Exception):
    pass


def encode(value, budget=None, depth=0):
    """Transforme une valeur Python en structure JSON décrite par son type."""
    import numpy as np

    if budget is None:
        budget = [MAX_ELEMENTS]
    if depth > MAX_DEPTH:
        return {"t": "other", "type": "structure trop profonde"}
    if value is None:
        return {"t": "none"}
    if value is Ellipsis:
        return {"t": "ellipsis"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, (int, np.integer)):
        v = int(value)
        if abs(v) > 2 ** 63:
            return {"t": "float", "v": float(v), "dtype": "int"}
        return {"t": "int", "v": v}
    if isinstance(value, (float, np.floating)):
        return {"t": "float", "v": float(value), "dtype": np.dtype(type(value)).name}
    if isinstance(value, str):
        return {"t": "str", "v": value[:2000]}
    if hasattr(value, "detach") and hasattr(value, "numpy") and hasattr(value, "shape"):
        try:
            arr = value.detach().cpu().numpy()
        except Exception:
            return {"t": "other", "type": type(value).__name__}
        out = encode(arr, budget, depth + 1)
        out["tensor"] = True
        return out
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            return {"t": "array_other", "dtype": str(value.dtype), "shape": list(value.shape)}
        budget[0] -= value.size
        if budget[0] < 0:
            raise TooLarge()
        return {"t": "array", "dtype": value.dtype.name, "shape": list(value.shape),
                "data": value.ravel().tolist()}
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_ITEMS:
            raise TooLarge()
        return {"t": "seq", "kind": "tuple" if isinstance(value, tuple) else "list",
                "items": [encode(v, budget, depth + 1) for v in value]}
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            raise TooLarge()
        return {"t": "dict", "items": [[str(k), encode(v, budget, depth + 1)] for k, v in value.items()]}
    fields = getattr(type(value), "__dataclass_fields__", None)
    if isinstance(fields, dict):
        return {"t": "obj", "cls": type(value).__name__,
                "fields": [[name, encode(getattr(value, name, None), budget, depth + 1)] for name in fields]}
    if callable(value):
        return {"t": "callable", "type": type(value).__name__}
    return {"t": "other", "type": type(value).__name__}


def _describe_exception(exc):
    # Libère d'abord les variables locales des cadres (une liste géante après un
    # MemoryError, par exemple), avant d'allouer quoi que ce soit.
    _traceback.clear_frames(exc.__traceback__)
    frames = _traceback.extract_tb(exc.__traceback__)
    line = ""
    for frame in reversed(frames):
        if frame.line and "<correcteur>" not in frame.filename:
            line = frame.line.strip()
            break
    return {"ok": False, "exc": type(exc).__name__, "msg": str(exc)[:500], "line": line[:200]}


def collect(namespace, spec):
    """Récolte une réponse : ``spec`` = {"target", "kind", "cases"}."""
    name = spec["target"]
    result = {"target": name, "found": name in namespace}
    if not result["found"]:
        return result
    value = namespace[name]
    result["callable"] = callable(value)
    result["type"] = type(value).__name__
    if result["callable"]:
        # D'où vient la fonction : une fonction de lstm_lib elle-même n'est pas une réponse
        # écrite par l'élève (le juge applique la règle des appels interdits).
        try:
            result["origin"] = {"module": str(getattr(value, "__module__", "") or "")[:200],
                                "name": str(getattr(value, "__name__", "") or "")[:200]}
        except Exception:
            pass
    if spec["kind"] == "function":
        if not callable(value):
            return result
        calls = []
        for args in spec["cases"]:
            try:
                out = value(*args)
                calls.append({"ok": True, "value": encode(out)})
            except TooLarge:
                calls.append({"ok": False, "exc": "TooLarge", "msg": "", "line": ""})
            except BaseException as exc:  # KeyboardInterrupt (délai), SystemExit, MemoryError…
                calls.append(_describe_exception(exc))
            if not calls[-1]["ok"] and calls[-1]["exc"] in ("NotImplementedError", "KeyboardInterrupt"):
                break  # pas tentée, ou interrompue au délai : les cas suivants n'y changeraient rien
        result["calls"] = calls
    else:
        try:
            result["value"] = encode(value)
        except TooLarge:
            result["value"] = {"t": "other", "type": "valeur trop volumineuse"}
    return result


def run(namespace, spec_path, out_path):
    with open(spec_path, "rb") as fh:
        spec = _pickle.load(fh)
    result = collect(namespace, spec)
    text = _json.dumps(result)
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write(text)
'''


def harvest_cell(spec_path: str, out_path: str) -> str:
    """Le code d'une cellule de récolte, à injecter dans le noyau de l'élève."""
    return (
        "# Cellule ajoutée par le correcteur (récolte d'une réponse).\n"
        "def __lstm_grading_harvest(_globals):\n"
        "    _ns = {'__name__': 'lstm_grading_harvest'}\n"
        f"    exec(compile({SOURCE!r}, '<correcteur>', 'exec'), _ns)\n"
        f"    _ns['run'](_globals, {spec_path!r}, {out_path!r})\n"
        "__lstm_grading_harvest(globals())\n"
        "del __lstm_grading_harvest\n"
    )


def local_namespace() -> dict:
    """La même source, exécutée dans le processus courant (vérification dans le cahier)."""
    ns: dict = {"__name__": "lstm_grading_harvest"}
    exec(compile(SOURCE, "<correcteur>", "exec"), ns)
    return ns
