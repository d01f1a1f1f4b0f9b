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
MAX_ITEMS = 100_000        # longueur maximale d'une liste, d'un tuple ou d'un dict (ses éléments comptent
                           # aussi dans MAX_ELEMENTS) : 20 000 tirages rendus en liste passent
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
        budget[0] -= len(value)
        if len(value) > MAX_ITEMS or budget[0] < 0:
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


class _Watch:
    """La surveillance des appels interdits pendant l'appel d'une fonction de l'élève.

    ``spec["watch"]["codes"]`` : ``[chemin relatif, première ligne, nom]`` du code de
    chaque fonction interdite dans ``lstm_lib``. Sous ``sys.setprofile``, un appel à ce
    code est relevé s'il vient du code de l'élève, directement ou à travers des
    enveloppes internes de ``lstm_lib`` (pas à travers une autre fonction publique de
    ``lstm_lib``, qui a le droit de s'en servir) ; ``spec["watch"]["paths"]`` : des
    morceaux de chemin (« /torch/autograd/ ») dont tout le code est interdit. Si le
    crochet n'est plus en place après l'appel, la surveillance a été défaite : c'est
    dit au juge.
    """

    def __init__(self, watch):
        import sys
        import threading

        self.sys, self.threading = sys, threading
        self.codes = {}
        for rel, line, name in watch.get("codes", []):
            self.codes.setdefault(int(line), []).append(("/" + str(rel), str(name)))
        self.paths = [("/" + str(fragment), str(label)) for fragment, label in watch.get("paths", [])]
        self.known = {}
        self.found = set()
        self.altered = False
        self.previous = None
        self.installed = self.hook  # une seule méthode liée : celle que sys.getprofile() doit rendre

    def _forbidden(self, code):
        known = self.known.get(code)
        if known is None:
            known = ""
            filename = code.co_filename.replace("\\", "/")
            for rel, name in self.codes.get(code.co_firstlineno, ()):
                if filename.endswith(rel):
                    known = name
                    break
            for fragment, label in self.paths:
                if fragment in filename:
                    known = label
                    break
            self.known[code] = known
        return known

    def _reached_from_learner(self, frame):
        caller = frame.f_back
        while caller is not None:
            code = caller.f_code
            if "/lstm_lib/" not in code.co_filename.replace("\\", "/"):
                return True  # le code de l'élève (ou de numpy…) l'a appelée
            qualname = getattr(code, "co_qualname", code.co_name)
            if not code.co_name.startswith("_") and "<" not in qualname and not self._forbidden(code):
                return False  # une autre fonction publique de lstm_lib s'en sert : permis
            caller = caller.f_back
        return True

    def hook(self, frame, event, arg):
        if event == "call":
            name = self._forbidden(frame.f_code)
            if name and self._reached_from_learner(frame):
                self.found.add(name)

    def __enter__(self):
        self.previous = self.sys.getprofile()
        self.threading.setprofile(self.installed)
        self.sys.setprofile(self.installed)
        return self

    def __exit__(self, *exc):
        if self.sys.getprofile() is not self.installed:
            self.altered = True
        self.sys.setprofile(self.previous)
        self.threading.setprofile(None)
        return False


def _genuine_profiler():
    """``sys.setprofile`` et ``sys.getprofile`` sont-ils ceux de Python (pas remplacés par la copie) ?"""
    import sys

    builtin = type(len)
    return all(type(getattr(sys, name, None)) is builtin and getattr(getattr(sys, name), "__self__", None) is sys
               for name in ("setprofile", "getprofile"))


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
        watch = spec.get("watch")
        watcher = None
        if watch:
            if _genuine_profiler():
                watcher = _Watch(watch)
                result["watch"] = "ok"
            else:
                result["watch"] = "altered"
        for args in spec["cases"]:
            try:
                if watcher is not None:
                    with watcher:
                        out = value(*args)
                else:
                    out = value(*args)
                calls.append({"ok": True, "value": encode(out)})
            except TooLarge:
                calls.append({"ok": False, "exc": "TooLarge", "msg": "", "line": ""})
            except BaseException as exc:  # KeyboardInterrupt (délai), SystemExit, MemoryError…
                calls.append(_describe_exception(exc))
            if not calls[-1]["ok"] and calls[-1]["exc"] in ("NotImplementedError", "KeyboardInterrupt"):
                break  # pas tentée, ou interrompue au délai : les cas suivants n'y changeraient rien
        result["calls"] = calls
        if watcher is not None:
            result["forbidden_calls"] = sorted(watcher.found)[:50]
            if watcher.altered:
                result["watch"] = "altered"
    else:
        try:
            result["value"] = encode(value)
        except TooLarge:
            result["value"] = {"t": "other", "type": "valeur trop volumineuse"}
    context = spec.get("context")
    if context:
        # Des variables du cahier que le juge lit avec la fonction (la graine déclarée…).
        result["context"] = {}
        for other in list(context)[:10]:
            try:
                result["context"][str(other)] = encode(namespace[other]) if other in namespace else {"t": "absent"}
            except TooLarge:
                result["context"][str(other)] = {"t": "other", "type": "valeur trop volumineuse"}
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
