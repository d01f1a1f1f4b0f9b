"""Le correcteur : exécute chaque copie à part, récolte les réponses, juge hors du noyau.

Pour chaque copie (en parallèle, deux par cœur par défaut) :

1. lecture du fichier : un JSON invalide ou un cahier mal formé donne zéro
   partout, avec la raison ;
2. contrôle de structure : chaque cellule de réponse est retrouvée par son
   identifiant (``reponse-ex1``…, fixé dans le cahier de départ) ; une cellule
   perdue ou déplacée donne zéro à son exercice ;
3. exécution dans un processus à part (:mod:`lstm_grader.worker`), avec
   une limite de mémoire (``RLIMIT_AS``, héritée par le noyau), un délai par
   cellule et un délai total ; les sorties enregistrées dans la copie sont
   effacées et jamais lues ;
4. récolte : après les cellules de l'élève, une cellule par exercice appelle
   ses fonctions sur des entrées tirées **maintenant**, dans ce processus, avec
   une graine secrète, et écrit les résultats en JSON ;
5. jugement, ici, contre les calculs de référence de ``lstm_lib`` faits ici :
   modifier ``lstm_lib``, numpy ou le vérificateur dans le cahier ne change
   rien, et une sortie recopiée en dur ne correspond pas à des entrées neuves.

La fonction principale est :func:`grade_paths` ; :mod:`lstm_grader.__main__`
en fait une commande.
"""

from __future__ import annotations

import json
import os
import pickle
import secrets
import signal
import subprocess
import sys
import tempfile
import zlib
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lstm_lib.grading import harvest
from lstm_lib.grading.core import (ERREUR, FAUX, INTROUVABLE, NON_NOTE, Exercise, InvalidHarvest, Verdict,
                                   forbidden_in_cells, fr)
from lstm_lib.grading.notebook import GRADING_ENV, forbidden_verdict
from lstm_lib.grading.registry import exercises_for, identify

__all__ = ["Row", "GradingOptions", "grade_paths", "grade_one", "default_jobs"]

MAX_RESULT_BYTES = 64 * 1024 * 1024


@dataclass
class Row:
    """Une ligne de note : une copie × un exercice."""

    fichier: str
    exercice: str
    points: float
    max: float
    statut: str
    message: str


@dataclass
class GradingOptions:
    cell_timeout: float = 30.0     # secondes par cellule
    total_timeout: float = 180.0   # secondes pour toute la copie (noyau compris)
    memory_mb: int = 2048          # mémoire virtuelle maximale du processus d'exécution et du noyau
    seed: int | None = None        # graine des entrées ; secrète et tirée au hasard par défaut
    jobs: int = 0                  # copies en parallèle ; 0 = deux par cœur (voir default_jobs)

    def harvest_timeout(self) -> float:
        return max(1.0, min(self.cell_timeout, 20.0))


# --------------------------------------------------------------------------
# Lecture et contrôle de structure
# --------------------------------------------------------------------------

def _rows_for_all(name: str, exercises: list[Exercise], statut: str, message: str) -> list[Row]:
    return [Row(name, ex.key, 0.0, float(ex.points), statut, fr(message)) for ex in exercises]


def _read_notebook(path: Path):
    """Rend ``(notebook, erreur)`` ; le cahier est ``None`` si la copie est illisible."""
    import nbformat

    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"copie illisible ({exc.strerror})"
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"la copie n'est pas un fichier JSON valide ({exc}) : elle n'a pas pu être exécutée"
    if not isinstance(data, dict) or "cells" not in data:
        return None, "la copie n'est pas un cahier Jupyter (pas de liste « cells ») : elle n'a pas pu être exécutée"
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat lève plusieurs types d'erreurs de validation
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        return None, f"la copie n'est pas un cahier Jupyter valide ({first}) : elle n'a pas pu être exécutée"
    return nb, None


def _longest_increasing(positions: list[int]) -> set[int]:
    """Les indices (dans ``positions``) d'une plus longue sous-suite croissante."""
    n = len(positions)
    best = [1] * n
    prev = [-1] * n
    for i in range(n):
        for j in range(i):
            if positions[j] < positions[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    if not n:
        return set()
    k = max(range(n), key=lambda i: best[i])
    keep = set()
    while k != -1:
        keep.add(k)
        k = prev[k]
    return keep


def check_structure(nb, exercises: list[Exercise]) -> dict[str, Verdict]:
    """Les exercices que la structure de la copie empêche de noter (cellule perdue ou déplacée)."""
    ids = [cell.get("id") for cell in nb.cells]
    position = {cid: k for k, cid in enumerate(ids) if cid}
    public_cells: list[str] = []
    for ex in exercises:
        if ex.cell_id not in public_cells:
            public_cells.append(ex.cell_id)
    present = [cid for cid in public_cells if cid in position]
    keep = _longest_increasing([position[cid] for cid in present])
    moved = {cid for k, cid in enumerate(present) if k not in keep}
    verdicts = {}
    for ex in exercises:
        if ex.cell_id not in position:
            verdicts[ex.key] = Verdict(
                0.0, ex.points, INTROUVABLE,
                f"la cellule de réponse « {ex.cell_id} » est introuvable (supprimée, ou recréée "
                f"par copier-coller) : écrivez la réponse dans la cellule d'origine du cahier de départ")
        elif ex.cell_id in moved:
            verdicts[ex.key] = Verdict(
                0.0, ex.points, NON_NOTE,
                f"la cellule de réponse « {ex.cell_id} » a été déplacée : remettez les cellules "
                f"dans l'ordre du cahier de départ")
    return verdicts


def forbidden_used(nb, exercise: Exercise) -> list[str]:
    """Les noms de ``lstm_lib`` interdits qu'utilisent la cellule de réponse ou les cellules qui
    redéfinissent la cible : la règle de :func:`lstm_lib.grading.core.forbidden_in_cells`, la même
    que dans le cahier."""
    return forbidden_in_cells(exercise, [(c.get("id"), c.source) for c in nb.cells if c.cell_type == "code"])


# --------------------------------------------------------------------------
# Exécution dans un processus à part
# --------------------------------------------------------------------------

def _limits(memory_mb: int):
    def apply():  # exécuté dans le processus fils, juste avant le lancement du correcteur d'exécution
        import resource

        limit = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def _kill_group(pid: int | None) -> None:
    if not pid:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            pass


def _kill_kernel(pid, workdir: Path) -> None:
    """Arrête un noyau de cette copie s'il vit encore (et seulement lui : on vérifie que
    son dossier courant est celui de la copie, au cas où son numéro aurait été réutilisé)."""
    if not isinstance(pid, int) or pid <= 1:
        return
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return  # déjà arrêté (ou système sans /proc)
    if cwd.startswith(str(workdir)):
        _kill_group(pid)


def _read_journal(path: Path) -> list[dict]:
    events = []
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return events


def _execute(nb, exercises, specs, workdir: Path, options: GradingOptions):
    """Lance le processus d'exécution ; rend ``(journal, délai_total_dépassé)``."""
    (workdir / "kernel").mkdir(parents=True)
    harvest_jobs = []
    for ex in exercises:
        spec_path = workdir / f"entrees-{ex.key}.pkl"
        out_path = workdir / f"reponse-{ex.key}.json"
        harvest_jobs.append((ex.key, str(spec_path), harvest.harvest_cell(str(spec_path), str(out_path))))
    for cell in nb.cells:  # les sorties enregistrées ne comptent pas
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    import nbformat

    job = {
        "notebook": nbformat.writes(nb),
        "harvest": harvest_jobs,
        "specs": {key: pickle.dumps(spec) for key, spec in specs.items()},
        "cell_timeout": options.cell_timeout,
        "harvest_timeout": options.harvest_timeout(),
        "workdir": str(workdir),
    }
    env = dict(os.environ)
    env.update({
        GRADING_ENV: "1",
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "JUPYTER_PLATFORM_DIRS": "1",
    })
    timed_out = False
    with (workdir / "worker.err").open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "lstm_grader.worker"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err,
            cwd=workdir, env=env, start_new_session=True, preexec_fn=_limits(options.memory_mb),
        )
        try:
            proc.communicate(pickle.dumps(job), timeout=options.total_timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            journal = _read_journal(workdir / "journal.jsonl")
            if proc.poll() is None:  # pas encore récupéré : son numéro est toujours le sien
                _kill_group(proc.pid)
                proc.wait()
            for event in journal:  # normalement déjà arrêtés ; sinon (délai total), on les arrête
                if event.get("event") == "kernel":
                    _kill_kernel(event.get("pid"), workdir)
    return journal, timed_out


def _failed_to_start(journal: list[dict]) -> bool:
    """Le processus d'exécution s'est arrêté avant d'exécuter la moindre cellule."""
    events = {e.get("event") for e in journal}
    return "cell" not in events and ("crash" in events or "done" not in events) and "dead" not in events


def _cell_number(nb, index: int) -> str:
    code_cells = [k for k, c in enumerate(nb.cells) if c.cell_type == "code"]
    if index in code_cells:
        return f"la cellule de code n° {code_cells.index(index) + 1}"
    return "la récolte des réponses"


def grade_one(path: str | Path, options: GradingOptions | None = None, *, seed: int | None = None) -> list[Row]:
    """Note une copie ; ne lève jamais pour une copie défectueuse."""
    options = options or GradingOptions()
    path = Path(path)
    name = path.name
    nb, error = _read_notebook(path)
    cahier = identify(name, nb.metadata if nb is not None else None)
    if cahier is None:
        return [Row(name, "—", 0.0, 0.0, NON_NOTE,
                    fr(error or "cahier non reconnu : ni les métadonnées ni le nom du fichier "
                                "n'indiquent ex01 à ex06"))]
    exercises = exercises_for(cahier)
    if nb is None:
        return _rows_for_all(name, exercises, NON_NOTE, error)

    verdicts: dict[str, Verdict] = dict(check_structure(nb, exercises))
    for ex in exercises:
        if ex.key not in verdicts:
            used = forbidden_used(nb, ex)
            if used:
                verdicts[ex.key] = forbidden_verdict(ex, used)
    to_harvest = [ex for ex in exercises if ex.key not in verdicts]
    base_seed = seed if seed is not None else (options.seed if options.seed is not None else secrets.randbits(63))
    rng = np.random.default_rng([base_seed, zlib.crc32(name.encode("utf-8"))])
    specs = {ex.key: ex.make_spec(rng) for ex in to_harvest}

    journal: list[dict] = []
    timed_out = False
    if to_harvest:
        with tempfile.TemporaryDirectory(prefix="lstm-correction-") as tmp:
            workdir = Path(tmp)
            try:
                journal, timed_out = _execute(nb, to_harvest, specs, workdir / "essai-1", options)
                if _failed_to_start(journal) and not timed_out:
                    # Un noyau qui ne démarre pas (machine surchargée…) : un second essai.
                    journal, timed_out = _execute(nb, to_harvest, specs, workdir / "essai-2", options)
                    workdir = workdir / "essai-2"
                else:
                    workdir = workdir / "essai-1"
            except Exception as exc:  # le lancement lui-même a échoué (ressources du système…)
                return _rows_for_all(name, exercises, NON_NOTE,
                                     f"exécution impossible ({type(exc).__name__} : {exc})")
            if os.environ.get("LSTM_LIB_GRADING_DEBUG"):
                sys.stderr.write((workdir / "worker.err").read_text(errors="replace"))
            results = {}
            for ex in to_harvest:
                out = workdir / f"reponse-{ex.key}.json"
                if out.exists() and out.stat().st_size <= MAX_RESULT_BYTES:
                    results[ex.key] = out.read_bytes()
        verdicts.update(_judge_all(nb, to_harvest, specs, results, journal, timed_out, options))
    return [Row(name, ex.key, float(v.points), float(v.max), v.statut, v.message)
            for ex in exercises for v in [verdicts[ex.key]]]


def _judge_all(nb, exercises, specs, results, journal, timed_out, options) -> dict[str, Verdict]:
    events = {e.get("event") for e in journal}
    dead_cells = [e["index"] for e in journal if e.get("event") == "dead" and e.get("index", -1) >= 0]
    dead_keys = {e.get("key") for e in journal if e.get("event") == "dead" and e.get("key")}
    crash = next((e for e in journal if e.get("event") == "crash"), None)
    started = [e for e in journal if e.get("event") == "start"]
    cell_errors = {e["index"]: e.get("error") for e in journal if e.get("event") == "cell"}
    index_of = {c.get("id"): k for k, c in enumerate(nb.cells)}
    # Un arrêt du noyau pendant une cellule : elle a été sautée et la copie ré-exécutée ;
    # on le signale sur chaque ligne de la copie.
    note = ""
    if dead_cells and "gave_up" not in events:
        code_cells = [k for k, c in enumerate(nb.cells) if c.cell_type == "code"]
        numbers = [str(code_cells.index(i) + 1) for i in sorted(set(dead_cells)) if i in code_cells]
        where = (f"la cellule de code n° {numbers[0]} ; elle a été sautée" if len(numbers) == 1
                 else f"les cellules de code n° {', '.join(numbers[:-1])} et {numbers[-1]} ; "
                      f"elles ont été sautées")
        note = f" (remarque : le noyau s'est arrêté pendant {where} à la ré-exécution)"
    verdicts = {}
    for ex in exercises:
        raw = results.get(ex.key)
        if raw is None:
            if ex.key in dead_keys:
                msg = ("votre fonction a arrêté le noyau pendant la récolte (os._exit, plantage ou "
                       "mémoire épuisée) : la réponse n'a pas pu être notée")
                statut = ERREUR
            elif timed_out:
                last = started[-1] if started else {}
                where = (f"la récolte de {last.get('key')}" if last.get("index") == -1
                         else _cell_number(nb, last.get("index", -1)))
                msg = (f"temps total dépassé ({options.total_timeout:g} s) pendant {where} "
                       f"(boucle infinie ?) : la réponse n'a pas pu être récoltée")
                statut = NON_NOTE
            elif "gave_up" in events:
                msg = ("le noyau s'est arrêté à plusieurs reprises (plantage, os._exit ou mémoire "
                       "épuisée) : la réponse n'a pas pu être récoltée")
                statut = NON_NOTE
            elif crash is not None:
                msg = f"l'exécution de la copie a échoué ({crash.get('error', '?')})"
                statut = NON_NOTE
            else:
                msg = "la réponse n'a pas pu être récoltée (la cellule de récolte a échoué ou dépassé son délai)"
                statut = ERREUR
            verdicts[ex.key] = Verdict(0.0, ex.points, statut, msg + note)
            continue
        try:
            harvested = json.loads(raw.decode("utf-8"))
            verdict = ex.judge(harvested, specs[ex.key])
        except (InvalidHarvest, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            verdict = Verdict(0.0, ex.points, NON_NOTE,
                              f"la réponse récoltée est illisible ({type(exc).__name__}) : la copie "
                              f"a-t-elle modifié le fonctionnement de Python ?")
        except Exception as exc:  # un juge ne doit pas arrêter le lot
            verdict = Verdict(0.0, ex.points, NON_NOTE, f"erreur interne du correcteur ({type(exc).__name__} : {exc})")
        error = cell_errors.get(index_of.get(ex.cell_id, -2))
        if error and not verdict.ok and verdict.statut in (INTROUVABLE, ERREUR, FAUX, NON_NOTE):
            ename, evalue = error
            if ename == "DeadKernel":
                extra = "la cellule de réponse a arrêté le noyau (os._exit, plantage ou mémoire épuisée)"
            elif ename in ("CellTimeoutError", "KeyboardInterrupt"):
                extra = f"la cellule de réponse a dépassé son délai de {options.cell_timeout:g} s et a été interrompue"
            else:
                extra = f"la cellule de réponse a levé {ename} : {evalue}"
            verdict = Verdict(verdict.points, verdict.max, verdict.statut, f"{verdict.message} ({extra})")
        if note and not (error and error[0] == "DeadKernel"):
            verdict = Verdict(verdict.points, verdict.max, verdict.statut, verdict.message + note)
        verdicts[ex.key] = verdict
    return verdicts


# --------------------------------------------------------------------------
# Un lot de copies
# --------------------------------------------------------------------------

def default_jobs() -> int:
    """Deux copies par cœur : une copie passe surtout son temps à attendre (démarrage du
    noyau, échanges de messages), si bien que deux copies par cœur occupent mieux la
    machine (mesuré : 1,2 s par copie au lieu de 2,25 s sur 2 cœurs, benchmarks/bench_grading.py)."""
    return 2 * (os.cpu_count() or 1)


def grade_paths(paths, options: GradingOptions | None = None, *, progress: bool = True) -> list[Row]:
    """Note toutes les copies, en parallèle, avec une barre de progression ; ordre des fichiers conservé."""
    options = options or GradingOptions()
    paths = [Path(p) for p in paths]
    seed = options.seed if options.seed is not None else secrets.randbits(63)
    jobs = options.jobs or default_jobs()
    results: dict[int, list[Row]] = {}
    from tqdm.auto import tqdm

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(_safe_grade, p, options, seed): k for k, p in enumerate(paths)}
        bar = tqdm(total=len(paths), desc="Correction", unit="copie", disable=not progress)
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            bar.update(1)
        bar.close()
    return [row for k in range(len(paths)) for row in results[k]]


def _safe_grade(path: Path, options: GradingOptions, seed: int) -> list[Row]:
    try:
        return grade_one(path, options, seed=seed)
    except Exception as exc:  # le lot continue quoi qu'il arrive
        return [Row(path.name, "—", 0.0, 0.0, NON_NOTE, fr(f"erreur interne du correcteur ({type(exc).__name__} : {exc})"))]

