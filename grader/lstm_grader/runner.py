"""Le correcteur : chaque copie dans son bac à sable, réponses récoltées puis jugées hors du noyau.

Pour chaque copie (en parallèle, deux par cœur par défaut) :

1. **lecture**, dans un processus limité (:mod:`lstm_grader.reader`) : un JSON
   invalide ou un cahier mal formé donne zéro partout, avec la raison ; le
   correcteur ne décode jamais lui-même un fichier d'élève ;
2. **structure** (:mod:`lstm_grader.structure`) : chaque cellule de réponse est
   retrouvée par son identifiant, ou, pour une copie sans identifiants
   (nbformat 4.4), par sa position, avec un avertissement ;
3. **exécution** : un processus d'exécution (:mod:`lstm_grader.worker`), hors
   du bac à sable, lance un noyau neuf **dans** le bac à sable
   (:mod:`lstm_grader.sandbox`), avec ses limites par copie (cgroup, sinon
   ``rlimit``), un délai par cellule et un délai total dont une part est gardée
   pour la récolte ; les sorties enregistrées dans la copie ne sont jamais lues ;
4. **récolte** : après les cellules de l'élève, une cellule par exercice appelle
   ses fonctions sur des entrées tirées **maintenant**, ici, avec une graine
   secrète ; la réponse, écrite en JSON dans un fichier au nom tiré à ce
   moment-là, est lue sans suivre de lien, bornée, puis rangée hors du bac à sable ;
5. **jugement**, ici, contre les calculs de référence de ``lstm_lib`` faits
   ici : modifier ``lstm_lib``, numpy ou le vérificateur dans le cahier ne
   change rien, et une sortie recopiée en dur ne correspond pas à des entrées neuves.

Ce qui est propre à la copie (ordre des choix, valeurs des énoncés :
:mod:`lstm_lib.grading.variants`) est recalculé depuis l'identité que son code
déclare (``etudiant = "…"``) ; les indices et solutions consultés
(:mod:`lstm_lib.grading.usage`) vont dans les lignes de note (information pour
l'enseignant ; une note en moins seulement avec ``solution_penalty``).

Quand la copie s'arrête, tout ce qu'elle a lancé s'arrête (espace de noms de
processus du bac à sable, puis cgroup vidé). La fonction principale est
:func:`grade_copies` ; :mod:`lstm_grader.__main__` en fait une commande.
"""

from __future__ import annotations

import json
import os
import pickle
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lstm_lib.grading import harvest, usage, variants
from lstm_lib.grading.core import (ERREUR, INTROUVABLE, NON_NOTE, REUSSI, Exercise, InvalidHarvest, Verdict, fr,
                                   kernel_spec, merge_harvests, plural, split_spec)
from lstm_lib.grading.notebook import GRADING_ENV, forbidden_verdict
from lstm_lib.grading.registry import NOTEBOOKS, exercises_for, identify

from . import copies as starter_copies
from .collection import Copy, collect
from .options import GradingOptions
from .safety import UnsafeFile, read_untrusted
from .sandbox import Cgroups, Limits, NoSandbox, Sandbox, find_sandbox, kernel_env
from .similarity import Group, identical_groups
from .structure import FALLBACK_WARNING, first_line, locate

__all__ = ["Row", "Batch", "GradingOptions", "grade_paths", "grade_copies", "default_jobs"]

#: Taille maximale d'une copie (un cahier rendu avec ses sorties et ses images).
MAX_COPY_BYTES = 32 * 1024 * 1024
#: Nombre maximal de cellules d'une copie (un cahier de départ en a une trentaine).
MAX_CELLS = 2000
#: Au-delà, une cellule de code n'est pas analysée (noms définis, noms interdits).
MAX_CELL_CHARS = 200_000
#: Les chemins de la cellule de récolte, remplacés par le processus d'exécution au moment de la récolte.
SPEC_PLACEHOLDER, OUT_PLACEHOLDER = "@entrees@", "@recolte@"
#: Délai de la lecture d'une copie, et marge du délai total pour démarrer et arrêter le noyau.
READ_TIMEOUT_S = 60.0
GRACE_S = 15.0


@dataclass
class Row:
    """Une ligne de note : une copie × un exercice."""

    copy: str          # la clé de la copie (chemin relatif à la racine de la collection)
    student: str
    exercise: str
    points: float
    max: float
    status: str
    message: str
    notebook: str = ""
    participant: str | None = None
    identity: str = ""             # l'identité que déclare la copie (normalisée), « » si anonyme
    hints: int | None = None       # indices consultés (ce que déclare la copie, voir lstm_lib.grading.usage)
    solution: bool | None = None   # solution consultée (idem)


@dataclass
class Batch:
    """Une correction : les lignes de note, les copies, les réponses identiques, le bac à sable utilisé."""

    rows: list[Row]
    copies: list[Copy]
    similar: list[Group] = field(default_factory=list)
    sandbox: str = ""
    limits: str = ""
    problems: list[str] = field(default_factory=list)
    #: Les copies d'un même cahier qui déclarent la même identité : ``[(cahier, identité, [copies])]``.
    shared_identities: list[tuple[str, str, list[str]]] = field(default_factory=list)


# --------------------------------------------------------------------------
# Le contexte d'une correction
# --------------------------------------------------------------------------

class _Context:
    def __init__(self, options: GradingOptions):
        self.options = options
        self.limits = Limits(options.memory_mb, options.processes, options.file_mb)
        self.sandbox: Sandbox = NoSandbox() if options.sandbox == "none" else find_sandbox(options.sandbox)
        self.cgroups = Cgroups() if self.sandbox.limits_by_engine else Cgroups.detect()
        shm = Path("/dev/shm")
        # Sur un tmpfs compté dans le cgroup de la copie, ce qu'elle écrit ne peut pas remplir le disque.
        base = str(shm) if self.cgroups.memory and shm.is_dir() and os.access(shm, os.W_OK) else None
        self.root = Path(tempfile.mkdtemp(prefix="lstm-correction-", dir=base))
        os.chmod(self.root, 0o700)
        self.seed = options.seed if options.seed is not None else secrets.randbits(63)
        self.forbidden = sorted({name for nb in NOTEBOOKS for ex in exercises_for(nb)
                                 for name in getattr(ex, "forbidden", ()) or ()})
        self._starters: dict[str, list | None] = {}
        self._lock = threading.Lock()
        self._counter = 0
        self._local = threading.local()
        self._readers: list[_Reader] = []
        self.harvest_template = harvest.harvest_cell(SPEC_PLACEHOLDER, OUT_PLACEHOLDER)

    def reader(self) -> "_Reader":
        """Le processus de lecture de ce fil (un par copie corrigée en parallèle)."""
        if not hasattr(self._local, "reader"):
            self._local.reader = _Reader(max(1024, self.options.memory_mb))
            with self._lock:
                self._readers.append(self._local.reader)
        return self._local.reader

    def next_dir(self) -> Path:
        with self._lock:
            self._counter += 1
            n = self._counter
        path = self.root / f"copie-{n}"
        path.mkdir(mode=0o700)
        return path

    def starter(self, cahier: str) -> list | None:
        """Les cellules du cahier de départ (pour le repli sans identifiants), ou None."""
        with self._lock:
            if cahier not in self._starters:
                self._starters[cahier] = _starter_cells(cahier)
            return self._starters[cahier]

    def limits_description(self) -> str:
        if self.sandbox.limits_by_engine:
            return f"limites du moteur {self.sandbox.name} (mémoire et processus de toute la copie)"
        return self.cgroups.describe()

    def close(self) -> None:
        for reader in self._readers:
            reader.close()
        shutil.rmtree(self.root, ignore_errors=True)


def _starter_cells(cahier: str) -> list | None:
    import nbformat

    try:
        nb = nbformat.read(starter_copies.starter_path(cahier), as_version=4)
    except (OSError, ValueError):
        return None
    return [{"type": c.cell_type, "id": c.get("id"), "source": c.source} for c in nb.cells]


def _private_keys(cahier: str) -> set[str]:
    public = {ex.key for ex in exercises_for(cahier, private=False)}
    return {ex.key for ex in exercises_for(cahier)} - public


# --------------------------------------------------------------------------
# Lecture de la copie, dans un processus limité
# --------------------------------------------------------------------------

def _memory_limit(mb: int, hard_unlimited: bool = False):
    def apply():  # dans le processus fils, avant exec
        import resource

        limit = int(mb) * 1024 * 1024
        hard = resource.RLIM_INFINITY if hard_unlimited else limit
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


class _Reader:
    """Un processus de lecture (:mod:`lstm_grader.reader`), limité en mémoire, qui sert une copie après l'autre."""

    def __init__(self, memory_mb: int):
        self.memory_mb = memory_mb
        self.proc: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-m", "lstm_grader.reader"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, preexec_fn=_memory_limit(self.memory_mb),
                env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
            )
        return self.proc

    def read(self, request: dict, timeout: float) -> str | None:
        """``None`` quand le résumé est écrit, sinon la raison (délai, processus mort)."""
        import select

        proc = self._start()
        try:
            proc.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], timeout)
            line = proc.stdout.readline() if ready else b""
        except OSError:
            line, ready = b"", True
        if line.strip() == b"ok":
            return None
        self.close()
        return (f"la copie est trop longue à lire (plus de {timeout:g} s)" if not ready
                else "la copie est trop lourde à lire (mémoire épuisée en la décodant)")

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            for pipe in (self.proc.stdin, self.proc.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass
            self.proc = None


def _read_copy(copy: Copy, private: Path, ctx: _Context) -> tuple[dict | None, str | None]:
    output = private / "copie.json"
    request = {"path": str(copy.path), "max_bytes": MAX_COPY_BYTES, "max_cells": MAX_CELLS,
               "max_cell_chars": MAX_CELL_CHARS,
               "forbidden": ctx.forbidden, "output": str(output)}
    problem = ctx.reader().read(request, READ_TIMEOUT_S)
    if problem:
        return None, f"{problem} : elle n'a pas pu être exécutée"
    try:
        summary = json.loads(read_untrusted(output, 8 * MAX_COPY_BYTES).decode("utf-8"))
    except (OSError, UnsafeFile, ValueError) as exc:
        return None, f"la copie n'a pas pu être lue ({type(exc).__name__}) : elle n'a pas pu être exécutée"
    if not summary.get("ok"):
        return None, str(summary.get("error", "copie illisible"))
    return summary, None


def _notebook_json(cells: list[dict], index_of: dict, fallback: bool) -> str:
    """Le cahier à exécuter : les cellules de la copie, sans sorties, avec les identifiants retrouvés."""
    import nbformat

    by_index = {k: cid for cid, k in index_of.items()}
    nb = nbformat.v4.new_notebook()
    taken = set(index_of)
    for k, cell in enumerate(cells):
        cid = by_index.get(k) or (None if fallback else cell.get("id"))
        if not cid or (cid in taken and by_index.get(k) != cid):
            cid = f"cellule-{k}"
        make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}.get(
            cell.get("type"), nbformat.v4.new_raw_cell)
        nb.cells.append(make(cell.get("source", ""), id=cid))
    return nbformat.writes(nb)


# --------------------------------------------------------------------------
# Exécution : le processus d'exécution dehors, le noyau dans le bac à sable
# --------------------------------------------------------------------------

def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            pass


def _kill_by_cwd(directory: Path) -> None:
    """Sans bac à sable ni cgroup : arrête les processus dont le dossier courant est celui de la copie."""
    base = str(directory)
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                cwd = os.readlink(f"/proc/{entry}/cwd")
            except OSError:
                continue
            if cwd == base or cwd.startswith(base + "/"):
                _kill_group(int(entry))


def _read_journal(path: Path) -> list[dict]:
    events = []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return events
    for line in text.splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return events


def _execute(notebook: str, exercises, specs, private: Path, ctx: _Context, attempt: int):
    """Exécute la copie ; rend ``(dossier de l'essai, journal, délai total dépassé, processus tués faute de mémoire)``."""
    opts = ctx.options
    run = private / f"essai-{attempt}"
    exchange = run / "echange"
    cwd = exchange / "travail"
    for d in (run, exchange, cwd):
        d.mkdir(mode=0o700)
    tag = f"lstm-copie-{secrets.token_hex(6)}"
    cgroup = ctx.cgroups.create(ctx.limits) if ctx.cgroups.version else None
    launch = [sys.executable, "-I", "-m", "lstm_grader.launch"]
    if cgroup is not None:
        for procs in cgroup.procs:
            launch += ["--cgroup-procs", procs]
    # setrlimit sur le processus n° 1 du bac : mémoire de chaque processus (un MemoryError
    # plutôt qu'un arrêt du noyau), taille des fichiers ; nombre de processus seulement
    # sans cgroup « pids » et hors root (RLIMIT_NPROC ne s'applique pas à root).
    nproc = not ctx.cgroups.processes and os.getuid() != 0 and not ctx.sandbox.limits_by_engine
    for name, value in ctx.limits.rlimits(processes=nproc).items():
        launch += ["--rlimit", f"{name}={value}"]
    env = kernel_env(ctx.sandbox.home(exchange), {GRADING_ENV: "1"})
    # Sans historique d'IPython (une base SQLite par noyau, inutile ici).
    inner = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--HistoryManager.enabled=False"]
    wrapped = ctx.sandbox.wrap(inner, exchange=exchange, cwd=cwd, env=env, limits=ctx.limits,
                               private=run / "bac", tag=tag)
    job = {
        "notebook": notebook,
        "specs": {ex.key: pickle.dumps(kernel_spec(specs[ex.key])) for ex in exercises},
        "cell_timeout": opts.cell_timeout,
        "harvest_timeout": opts.harvest_timeout(),
        # Les exercices dont les appels sont longs par nature (des entraînements) ont leur propre délai.
        "harvest_timeouts": {ex.key: max(opts.harvest_timeout(), float(ex.harvest_seconds)) for ex in exercises
                             if getattr(ex, "harvest_seconds", None)},
        "total_timeout": opts.total_timeout,
        "harvest_reserve": opts.harvest_reserve(),
        "private": str(run),
        "exchange": str(exchange),
        "cwd": str(cwd),
        "kernel_argv": launch + ["--"] + wrapped,
        "kernel_env": env,
        "harvest_cell": ctx.harvest_template,
        "placeholders": [repr(SPEC_PLACEHOLDER), repr(OUT_PLACEHOLDER)],
    }
    timed_out = False
    proc = None
    try:
        with (run / "worker.err").open("wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-m", "lstm_grader.worker"],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err, cwd=run,
                env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1", "JUPYTER_PLATFORM_DIRS": "1"},
                start_new_session=True, preexec_fn=_memory_limit(max(1024, opts.memory_mb), hard_unlimited=True),
            )
            try:
                proc.communicate(pickle.dumps(job), timeout=opts.total_timeout + GRACE_S)
            except subprocess.TimeoutExpired:
                timed_out = True
    finally:
        if proc is not None and proc.poll() is None:
            _kill_group(proc.pid)
            proc.wait()
        oom = 0
        if cgroup is not None:
            oom = cgroup.oom_kills()
            cgroup.kill_all()
            cgroup.remove()
        ctx.sandbox.cleanup(tag)
        if isinstance(ctx.sandbox, NoSandbox) and cgroup is None:
            _kill_by_cwd(exchange)
    if os.environ.get("LSTM_GRADER_DEBUG"):  # diagnostic : sortie d'erreur du processus d'exécution et journal
        for name in ("worker.err", "journal.jsonl"):
            if (run / name).exists():
                sys.stderr.write((run / name).read_text(errors="replace"))
    return run, _read_journal(run / "journal.jsonl"), timed_out, oom


def _failed_to_start(journal: list[dict]) -> bool:
    """Le noyau n'a jamais démarré (machine surchargée…) : la copie mérite un second essai."""
    events = {e.get("event") for e in journal}
    return "kernel" not in events and "cell" not in events


# --------------------------------------------------------------------------
# Une copie
# --------------------------------------------------------------------------

@dataclass
class _Graded:
    rows: list[Row]
    notebook: str | None = None
    answers: dict = field(default_factory=dict)  # clé d'exercice → code de la cellule de réponse
    identity: str = ""


def _rows(copy: Copy, cahier: str, exercises, verdicts: dict, identity: str = "", used: dict | None = None,
          private: set | None = None) -> list[Row]:
    rows = []
    for ex in exercises:
        v = verdicts[ex.key]
        seen = None if used is None or ex.key in (private or ()) else used.get(ex.key, {"indices": 0, "solution": False})
        rows.append(Row(copy.key, copy.student, ex.key, float(v.points), float(v.max), v.statut, v.message,
                        cahier, copy.participant, identity,
                        None if seen is None else min(seen["indices"], len(ex.hints)),
                        None if seen is None else seen["solution"]))
    return rows


ANONYMOUS_NOTE = ("copie sans identité (etudiant = \"\", en tête du cahier) : l'ordre des choix et les valeurs "
                  "de l'énoncé sont ceux de toutes les copies anonymes")


def _with_solution_penalty(v: Verdict, penalty: float, seen: bool) -> Verdict:
    """Le verdict, diminué de ``penalty`` (une part des points) si la copie dit avoir vu la solution."""
    if not seen or penalty <= 0 or v.points <= 0:
        return v
    lost = round(v.points * penalty, 4)
    return Verdict(round(v.points - lost, 4), v.max, v.statut,
                   f"{v.message} (solution consultée : {plural(lost, 'point')} en moins, règle de l'enseignant)")


def grade_one(copy: Copy, ctx: _Context) -> _Graded:
    """Note une copie ; ne lève jamais pour une copie défectueuse."""
    private = ctx.next_dir()
    summary, error = _read_copy(copy, private, ctx)
    cahier = identify(copy.filename, {"lstm_grading": {"cahier": summary.get("cahier")}} if summary else None)
    if cahier is None:
        return _Graded([Row(copy.key, copy.student, "—", 0.0, 0.0, NON_NOTE,
                            fr(error or "cahier non reconnu : ni les métadonnées ni le nom du fichier "
                                        "n'indiquent ex01 à ex06"), "", copy.participant)])
    exercises = exercises_for(cahier)
    if summary is None:
        verdicts = {ex.key: Verdict(0.0, ex.points, NON_NOTE, error) for ex in exercises}
        return _Graded(_rows(copy, cahier, exercises, verdicts), cahier)

    cells = summary["cells"]
    identity = variants.normalize_identity(summary.get("identity", ""))
    consulted = usage.clean(summary.get("usage"))
    located = locate(cells, exercises, ctx.starter(cahier))
    verdicts: dict[str, Verdict] = dict(located.verdicts)
    unparsed = [k for k, c in enumerate(cells) if c.get("type") == "code" and not c.get("parsed", True)]
    for ex in exercises:
        if ex.key in verdicts or ex.kind != "function" or not getattr(ex, "forbidden", None):
            continue
        if unparsed:
            n = _code_number(cells, unparsed[0])
            verdicts[ex.key] = Verdict(
                0.0, ex.points, NON_NOTE,
                f"la cellule de code n° {n} est trop longue pour être vérifiée "
                f"({len(cells[unparsed[0]]['source'])} caractères, au plus {MAX_CELL_CHARS}) : "
                f"la réponse n'a pas été notée")
            continue
        answer = located.index_of.get(ex.cell_id)
        used = set()
        for k, cell in enumerate(cells):
            if cell.get("type") == "code" and (k == answer or ex.target in cell.get("defines", [])):
                used.update(cell.get("uses", []))
        used &= set(ex.forbidden)
        if used:
            verdicts[ex.key] = forbidden_verdict(ex, sorted(used))
    to_harvest = [ex for ex in exercises if ex.key not in verdicts]
    specs = draw_specs(ctx.seed, cahier, copy.key, to_harvest, identity)

    if to_harvest:
        notebook = _notebook_json(cells, located.index_of, located.fallback)
        first = {key: split_spec(spec)[0] for key, spec in specs.items()}
        try:
            results, journal, timed_out, oom = _execute_and_collect(notebook, to_harvest, first, private, ctx)
        except Exception as exc:  # le lancement lui-même a échoué (ressources du système…)
            verdicts.update({ex.key: Verdict(0.0, ex.points, NON_NOTE,
                                             f"exécution impossible ({type(exc).__name__} : {exc})")
                             for ex in to_harvest})
        else:
            verdicts.update(_isolated_calls(cells, located, notebook, to_harvest, specs, results, ctx))
            verdicts.update(_judge_all(cells, located.index_of, [ex for ex in to_harvest if ex.key not in verdicts],
                                       specs, results, journal, timed_out, oom, ctx.options))
    private_keys = _private_keys(cahier)
    identity_note = str(summary.get("identity_note") or "") or (ANONYMOUS_NOTE if not identity else "")
    for ex in exercises:
        v = verdicts[ex.key]
        if ex.key in private_keys:
            v = _private_verdict(v)
        if located.fallback and ex.cell_id in located.index_of:
            v = Verdict(v.points, v.max, v.statut, f"{v.message} (remarque : {FALLBACK_WARNING})")
        if ex.personal and identity_note and ex.key not in private_keys:
            v = Verdict(v.points, v.max, v.statut, f"{v.message} (remarque : {identity_note})")
        if ex.key not in private_keys:
            v = _with_solution_penalty(v, ctx.options.solution_penalty,
                                       consulted.get(ex.key, {}).get("solution", False))
        verdicts[ex.key] = v
    answers = {ex.key: cells[located.index_of[ex.cell_id]]["source"] for ex in exercises
               if ex.key not in private_keys and ex.cell_id in located.index_of}
    shutil.rmtree(private, ignore_errors=True)
    return _Graded(_rows(copy, cahier, exercises, verdicts, identity, consulted, private_keys), cahier, answers,
                   identity)


def _execute_and_collect(notebook: str, exercises, specs, private: Path, ctx: _Context):
    """Exécute la copie (un second essai si le noyau n'a pas démarré) ; rend
    ``(récoltes brutes par exercice, journal, délai total dépassé, mémoire épuisée)``."""
    run, journal, timed_out, oom = _execute(notebook, exercises, specs, private, ctx, 1)
    if _failed_to_start(journal) and not timed_out:
        run, journal, timed_out, oom = _execute(notebook, exercises, specs, private, ctx, 2)
    results = {}
    for ex in exercises:
        try:
            results[ex.key] = read_untrusted(run / "resultats" / f"{ex.key}.json", 16 * 1024 * 1024)
        except (OSError, UnsafeFile):
            pass
    return results, journal, timed_out, oom


def _called(raw: bytes | None) -> bool:
    """La première exécution a-t-elle appelé la fonction ? (sinon, inutile de ré-exécuter la copie)"""
    try:
        harvested = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError):
        return False
    return isinstance(harvested, dict) and isinstance(harvested.get("calls"), list)


def _isolated_calls(cells, located, notebook, exercises, specs, results, ctx) -> dict[str, Verdict]:
    """Les cas isolés (:attr:`FunctionExercise.isolated`) : la copie est ré-exécutée dans un noyau
    neuf, qui ne reçoit qu'eux ; leurs appels rejoignent ``results`` dans l'ordre des cas. Rend les
    verdicts des exercices dont cette seconde exécution n'a rien pu récolter."""
    second = {ex.key: split_spec(specs[ex.key])[1] for ex in exercises if _called(results.get(ex.key))}
    second = {key: spec for key, spec in second.items() if spec is not None}
    if not second:
        return {}
    todo = [ex for ex in exercises if ex.key in second]
    try:
        got, journal, timed_out, oom = _execute_and_collect(notebook, todo, second, ctx.next_dir(), ctx)
    except Exception as exc:
        got, journal, timed_out, oom = {}, [{"event": "crash", "error": f"{type(exc).__name__} : {exc}"}], False, False
    missing = [ex for ex in todo if ex.key not in got]
    for ex in todo:
        if ex.key in got:
            results[ex.key] = merge_harvests(specs[ex.key], results[ex.key], got[ex.key])
    failed = _judge_all(cells, located.index_of, missing, second, {}, journal, timed_out, oom, ctx.options)
    return {key: Verdict(0.0, v.max, v.statut, f"seconde exécution, dans un noyau neuf (appels de vérification "
                                               f"isolés) : {v.message}") for key, v in failed.items()}


def draw_specs(seed: int, cahier: str, copy_key: str, exercises, identity: str = "") -> dict:
    """Les entrées de chaque exercice, tirées de la graine secrète : propres à chaque copie, sauf pour
    un exercice ``shared_draw`` (le mini-projet), dont toutes les copies reçoivent les mêmes flux
    secrets — une note sur 20 ne doit pas dépendre du tirage (mesuré : une même alarme moyenne gagnait
    de 0 à 3,5 points de F1 sur 6 selon le tirage de sa copie)."""
    rng = np.random.default_rng([seed, zlib.crc32(copy_key.encode("utf-8", "replace"))])
    specs = {}
    for ex in exercises:
        draw = rng
        if getattr(ex, "shared_draw", False):
            draw = np.random.default_rng([seed, zlib.crc32(f"{cahier}/{ex.key}".encode("utf-8"))])
        specs[ex.key] = ex.make_spec(draw, ex.variant(identity))
    return specs


def _private_verdict(v: Verdict) -> Verdict:
    """Le verdict d'une vérification privée, sans rien qui vienne d'elle ni de l'élève (entrées, messages)."""
    if v.statut == REUSSI:
        return Verdict(v.points, v.max, v.statut, "vérification de l'enseignant réussie")
    if v.statut == INTROUVABLE:
        return v  # message du correcteur seul : la cellule ou la fonction manque
    return Verdict(v.points, v.max, v.statut,
                   "vérification de l'enseignant non réussie (son détail n'est pas communiqué)")


def _code_number(cells, index: int) -> int | str:
    code = [k for k, c in enumerate(cells) if c.get("type") == "code"]
    return code.index(index) + 1 if index in code else "?"


def _judge_all(cells, index_of, exercises, specs, results, journal, timed_out, oom, options) -> dict[str, Verdict]:
    events = {e.get("event") for e in journal}
    dead_cells = [e["index"] for e in journal if e.get("event") == "dead" and e.get("index", -1) >= 0]
    dead_keys = {e.get("key") for e in journal if e.get("event") == "dead" and e.get("key")}
    crash = next((e for e in journal if e.get("event") == "crash"), None)
    started = [e for e in journal if e.get("event") == "start"]
    budget = next((e for e in journal if e.get("event") == "budget"), None)
    no_time = {e.get("key") for e in journal if e.get("event") == "no_time"}
    refused = {e.get("key"): e.get("refused") for e in journal
               if e.get("event") == "harvest" and e.get("refused") not in (None, "absent")}
    cell_errors = {e["index"]: e.get("error") for e in journal if e.get("event") == "cell"}
    died = ("mémoire épuisée : la copie a dépassé sa limite de "
            f"{options.memory_mb} Mio, tous ses processus ensemble") if oom else "os._exit, plantage ou mémoire épuisée"
    note = ""
    stuck_cells = {e["index"] for e in journal if e.get("event") == "dead" and e.get("stuck")}
    if dead_cells and "gave_up" not in events:
        notes = []
        for stuck, what in ((False, "le noyau s'est arrêté pendant"),
                            (True, "le noyau ne répondait plus (interruption ignorée) après")):
            numbers = [str(_code_number(cells, i)) for i in sorted(set(dead_cells)) if (i in stuck_cells) == stuck]
            if numbers:
                where = (f"la cellule de code n° {numbers[0]} ; elle a été sautée" if len(numbers) == 1
                         else f"les cellules de code n° {', '.join(numbers[:-1])} et {numbers[-1]} ; "
                              f"elles ont été sautées")
                notes.append(f"{what} {where} à la ré-exécution")
        note = f" (remarque : {' ; '.join(notes)})"
    budget_msg = ""
    if budget is not None:
        budget_msg = (f"temps total de la copie atteint ({options.total_timeout:g} s, dont "
                      f"{options.harvest_reserve():g} s gardées pour la récolte) à la cellule de code "
                      f"n° {_code_number(cells, budget.get('index', -1))} : elle et les suivantes n'ont pas "
                      f"été exécutées jusqu'au bout, la réponse n'a pas pu être notée")
    verdicts = {}
    for ex in exercises:
        answer_index = index_of.get(ex.cell_id, -1)
        raw = results.get(ex.key)
        late = budget is not None and answer_index >= budget.get("index", 0)
        if raw is None:
            if ex.key in dead_keys:
                msg = f"votre fonction a arrêté le noyau pendant la récolte ({died}) : la réponse n'a pas pu être notée"
                statut = ERREUR
            elif ex.key in refused:
                msg = f"la réponse récoltée a été refusée ({refused[ex.key]}) : la copie a-t-elle modifié le fonctionnement de Python ?"
                statut = NON_NOTE
            elif late and budget_msg:
                msg, statut = budget_msg, NON_NOTE
            elif ex.key in no_time:
                msg = (f"temps total de la copie dépassé ({options.total_timeout:g} s) avant la récolte "
                       f"de cette réponse : elle n'a pas pu être notée")
                statut = NON_NOTE
            elif timed_out:
                last = started[-1] if started else {}
                where = (f"la récolte de {last.get('key')}" if last.get("index") == -1
                         else f"la cellule de code n° {_code_number(cells, last.get('index', -1))}")
                msg = (f"temps total dépassé ({options.total_timeout:g} s) pendant {where} : la copie a été "
                       f"arrêtée, la réponse n'a pas pu être récoltée")
                statut = NON_NOTE
            elif "gave_up" in events:
                msg = ("le noyau s'est arrêté à plusieurs reprises (plantage, os._exit ou mémoire "
                       "épuisée) : la réponse n'a pas pu être récoltée")
                statut = NON_NOTE
            elif crash is not None:
                where = "" if "kernel" in events else "le noyau n'a pas pu démarrer dans le bac à sable : "
                msg = (f"l'exécution de la copie a échoué ({where}{crash.get('error', '?')} ; détails avec "
                       f"LSTM_GRADER_DEBUG=1)")
                statut = NON_NOTE
            else:
                msg = "la réponse n'a pas pu être récoltée (la cellule de récolte a échoué ou dépassé son délai)"
                statut = ERREUR
            verdicts[ex.key] = Verdict(0.0, ex.points, statut, msg + note)
            continue
        try:
            harvested = json.loads(raw.decode("utf-8"))
            verdict = ex.judge(harvested, specs[ex.key])
        except (InvalidHarvest, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError,
                RecursionError) as exc:
            verdict = Verdict(0.0, ex.points, NON_NOTE,
                              f"la réponse récoltée est illisible ({type(exc).__name__}) : la copie "
                              f"a-t-elle modifié le fonctionnement de Python ?")
        except Exception as exc:  # un juge ne doit pas arrêter le lot
            verdict = Verdict(0.0, ex.points, NON_NOTE, f"erreur interne du correcteur ({type(exc).__name__} : {exc})")
        if late and budget_msg and not verdict.ok and verdict.statut in (INTROUVABLE, NON_NOTE, "non tenté"):
            verdict = Verdict(0.0, verdict.max, NON_NOTE, budget_msg)
        error = cell_errors.get(answer_index)
        if error and not verdict.ok and verdict.statut in (INTROUVABLE, ERREUR, "faux", NON_NOTE):
            ename, evalue = (list(error) + ["", ""])[:2]
            if ename == "DeadKernel":
                extra = f"la cellule de réponse a arrêté le noyau ({died})"
            elif ename in ("CellTimeoutError", "KeyboardInterrupt"):
                extra = f"la cellule de réponse a dépassé son délai de {options.cell_timeout:g} s et a été interrompue"
            else:
                extra = f"la cellule de réponse a levé {ename} : {evalue}"
                before = [i for i in sorted(cell_errors) if 0 <= i < answer_index and cell_errors[i]]
                if ename == "NameError" and before:  # un nom qu'aurait dû définir une cellule précédente
                    extra += (f" ; la cellule de code n° {_code_number(cells, before[0])}, avant elle, avait "
                              f"échoué ({(list(cell_errors[before[0]]) + [''])[0]})")
            if not (late and budget_msg):
                verdict = Verdict(verdict.points, verdict.max, verdict.statut, f"{verdict.message} ({extra})")
        if note and not (error and error[0] == "DeadKernel"):
            verdict = Verdict(verdict.points, verdict.max, verdict.statut, verdict.message + note)
        verdicts[ex.key] = verdict
    return verdicts


# --------------------------------------------------------------------------
# Un lot de copies
# --------------------------------------------------------------------------

def default_jobs() -> int:
    """Deux copies par cœur : une copie passe surtout son temps à attendre (démarrage du
    noyau, échanges de messages), si bien que deux copies par cœur occupent mieux la
    machine (mesuré : 1,2 s par copie au lieu de 2,25 s sur 2 cœurs, benchmarks/bench_grading.py)."""
    return 2 * (os.cpu_count() or 1)


def grade_copies(copies: list[Copy], options: GradingOptions | None = None, *, progress: bool = True) -> Batch:
    """Note toutes les copies, en parallèle ; ordre des copies conservé. Lève ``SandboxUnavailable``."""
    options = options or GradingOptions()
    ctx = _Context(options)
    results: dict[int, _Graded] = {}
    from tqdm.auto import tqdm

    try:
        with ThreadPoolExecutor(max_workers=max(1, options.jobs or default_jobs())) as pool:
            futures = {pool.submit(_safe_grade, c, ctx): k for k, c in enumerate(copies)}
            bar = tqdm(total=len(copies), desc="Correction", unit="copie", disable=not progress)
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                bar.update(1)
            bar.close()
    finally:
        ctx.close()
    graded = [results[k] for k in range(len(copies))]
    answers = {c.key: (g.notebook, g.answers) for c, g in zip(copies, graded) if g.notebook and g.answers}
    starters = {nb: {ex.key: ex.starter for ex in exercises_for(nb, private=False)}
                for nb in {g.notebook for g in graded if g.notebook}}
    for nb, cells in list(starters.items()):  # le code de départ du cahier lui-même, s'il est là
        for cell in ctx.starter(nb) or []:
            for ex in exercises_for(nb, private=False):
                if cell.get("id") == ex.cell_id and first_line(cell.get("source", "")):
                    cells[ex.key] = cell["source"]
    return Batch([row for g in graded for row in g.rows], list(copies), identical_groups(answers, starters),
                 ctx.sandbox.describe(), ctx.limits_description(), shared_identities=_shared_identities(copies, graded))


def _shared_identities(copies, graded) -> list[tuple[str, str, list[str]]]:
    """Les copies d'un même cahier qui déclarent la même identité (une copie recopiée en entier ?)."""
    by_identity: dict[tuple[str, str], list[str]] = {}
    for copy, g in zip(copies, graded):
        if g.notebook and g.identity:
            by_identity.setdefault((g.notebook, g.identity), []).append(copy.key)
    return [(nb, who, keys) for (nb, who), keys in sorted(by_identity.items()) if len(keys) > 1]


def grade_paths(paths, options: GradingOptions | None = None, *, progress: bool = True) -> list[Row]:
    """Les lignes de note des copies ``paths`` (fichiers ou dossiers)."""
    copies, _ = collect([str(p) for p in paths])
    return grade_copies(copies, options, progress=progress).rows


def _safe_grade(copy: Copy, ctx: _Context, attempts: int = 2) -> _Graded:
    """:func:`grade_one`, qui ne lève jamais : une erreur du correcteur (ressources du système
    épuisées par le lot, processus qui ne démarre pas) est retentée une fois, avec un dossier neuf,
    avant de donner la ligne « erreur interne » — une panne passagère ne coûte pas sa note à une
    copie juste. La copie ne peut pas s'en servir pour être exécutée plus de deux fois."""
    for _ in range(attempts):
        try:
            return grade_one(copy, ctx)
        except Exception as exc:  # le lot continue quoi qu'il arrive
            if os.environ.get("LSTM_GRADER_DEBUG"):
                import traceback

                traceback.print_exc()
            error = exc
    return _Graded([Row(copy.key, copy.student, "—", 0.0, 0.0, NON_NOTE,
                        fr(f"erreur interne du correcteur ({type(error).__name__} : {error}), "
                           f"{plural(attempts, 'essai')}"), "", copy.participant)])
