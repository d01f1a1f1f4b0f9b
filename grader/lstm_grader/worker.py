"""Le processus d'exécution d'une copie : ``python -m lstm_grader.worker`` (usage interne).

Lancé par le correcteur (:mod:`lstm_grader.runner`) pour **une** copie. Il lit
sa tâche (un pickle écrit par le correcteur) sur l'entrée standard et tourne
**hors** du bac à sable : seul le noyau Jupyter de la copie est dedans (voir
:mod:`lstm_grader.sandbox`), si bien que rien de ce que le correcteur écrit
ici — le journal, les réponses récoltées — n'est à la portée de la copie.

1. Il démarre un noyau neuf dans le bac à sable (le « kernelspec » de la copie
   commence par :mod:`lstm_grader.launch`), relié par des sockets IPC dans le
   dossier d'échange.
2. Il exécute les cellules de code de l'élève une à une (nbclient), avec un
   délai par cellule ; elles ne peuvent pas entamer le temps gardé pour la
   récolte (``harvest_reserve``) : quand il est atteint, les cellules restantes
   ne sont pas exécutées et la récolte a lieu quand même.
3. Il récolte : une cellule par exercice, qui écrit sa réponse dans un fichier
   au nom tiré **à ce moment-là** (un fichier posé plus tôt par la copie n'est
   jamais lu) ; il le lit sans suivre de lien, le vérifie (JSON, taille,
   complexité) et le range hors du bac à sable.

Il ne juge rien. Son journal (``journal.jsonl``, une ligne par événement, au fil
de l'eau) dit au correcteur où l'on en était si le délai total tombe. Il ne
garde des sorties des cellules que les erreurs (nom, début du message) : une
copie qui inonde ses sorties ne remplit pas sa mémoire.
"""

from __future__ import annotations

import json
import os
import pickle
import secrets
import sys
import time
from pathlib import Path

from .safety import UnsafeFile, read_untrusted, write_atomic

#: Nombre maximal de noyaux pour une copie : après un arrêt du noyau (os._exit,
#: plantage, mémoire épuisée), on repart d'un noyau neuf en sautant la cellule fautive.
MAX_KERNELS = 4
#: Taille maximale d'un message du noyau (au-delà, zmq coupe la liaison).
MAX_MESSAGE_BYTES = 32 * 1024 * 1024
#: Taille et complexité maximales d'une réponse récoltée (bien au-delà de toute réponse honnête).
MAX_RESULT_BYTES = 16 * 1024 * 1024
MAX_RESULT_NODES = 3_000_000
KERNEL_NAME = "lstm-copie"


def _log(path: Path, **event) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({**event, "t": round(time.time(), 3)}) + "\n")
        fh.flush()


def _error_of(cell) -> list | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return [str(out.get("ename", ""))[:100], str(out.get("evalue", ""))[:300]]
    return None


def _count_nodes(value, limit: int) -> int:
    """Le nombre de nœuds d'une structure JSON décodée (arrêté au-delà de ``limit``)."""
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            break
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def collect_result(source: Path, destination: Path) -> str | None:
    """Range la réponse écrite par le noyau ; rend ``None``, ou la raison du refus."""
    try:
        raw = read_untrusted(source, MAX_RESULT_BYTES)
    except FileNotFoundError:
        return "absent"
    except UnsafeFile as exc:
        return str(exc)
    finally:
        try:
            os.unlink(source)
        except OSError:
            pass
    try:
        decoded = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError, MemoryError) as exc:
        return f"JSON illisible ({type(exc).__name__})"
    if _count_nodes(decoded, MAX_RESULT_NODES) > MAX_RESULT_NODES:
        return "réponse trop complexe"
    write_atomic(destination, raw, mode=0o600)
    return None


def main() -> int:
    job = pickle.load(sys.stdin.buffer)
    journal = Path(job["private"]) / "journal.jsonl"
    try:
        return _run(job, journal)
    except Exception as exc:  # noyau qui ne démarre pas, erreur de nbclient…
        _log(journal, event="crash", error=f"{type(exc).__name__} : {exc}"[:300])
        return 1


def _write_kernelspec(job) -> Path:
    directory = Path(job["private"]) / "kernels"
    (directory / KERNEL_NAME).mkdir(parents=True, exist_ok=True)
    spec = {"argv": job["kernel_argv"], "display_name": "Copie (bac à sable)", "language": "python",
            "interrupt_mode": "message", "env": {}}
    (directory / KERNEL_NAME / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return directory


class _Stuck(Exception):
    """Le noyau ne répond plus après une interruption (il ignore SIGINT) : on le remplace."""


def _run(job, journal: Path) -> int:
    import nbformat

    start = time.monotonic()
    clock = {
        "user_deadline": start + job["total_timeout"] - job["harvest_reserve"],
        "deadline": start + job["total_timeout"],
    }
    kernels = _write_kernelspec(job)
    skip_cells: dict[int, list] = {}  # indice → erreur à inscrire à la place de l'exécution
    skip_keys: set[str] = set()
    state = {"budget_hit": False}
    for attempt in range(MAX_KERNELS):
        nb = nbformat.reads(job["notebook"], as_version=4)  # cellules neuves à chaque essai
        dead = _attempt(job, nb, journal, kernels, skip_cells, skip_keys, attempt, clock, state)
        if dead is None:
            _log(journal, event="done")
            return 0
        kind, what, why = dead
        if kind == "cell":
            skip_cells[what] = why
        else:
            skip_keys.add(what)
    _log(journal, event="gave_up")
    return 0


def _client_class():
    from nbclient import NotebookClient

    class QuietClient(NotebookClient):
        """Un client qui ne garde que la première erreur d'une cellule (ni textes, ni images, ni widgets)."""

        def output(self, outs, msg, display_id, cell_index):
            if msg.get("msg_type") != "error" or outs:
                return None
            content = msg.get("content", {})
            out = _error_output(str(content.get("ename", ""))[:100], str(content.get("evalue", ""))[:300])
            outs.append(out)
            return out

        def handle_comm_msg(self, outs, msg, cell_index):
            return None

    return QuietClient


def _error_output(ename: str, evalue: str):
    import nbformat

    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[])


#: Délai de la cellule « pass » qui vérifie qu'un noyau interrompu a repris la main.
PROBE_S = 5.0
DEAD = ["DeadKernel", "la cellule a arrêté le noyau ; elle a été sautée"]
STUCK = ["CellTimeoutError", "la cellule a dépassé son délai et le noyau ne répondait plus ; elle a été sautée"]


def _timed(client, nb, cell, timeout: float) -> float:
    """Exécute une cellule avec un délai (en secondes, pas forcément entier) ; rend la durée écoulée."""
    client.timeout_func = lambda _cell: timeout
    began = time.monotonic()
    nb.cells.append(cell)  # la cellule n'est dans le cahier que le temps de son exécution
    try:
        client.execute_cell(cell, len(nb.cells) - 1)
    finally:
        nb.cells.pop()
    return time.monotonic() - began


def _run_cell(client, nb, cell, timeout: float):
    """Exécute une cellule ; rend ``(erreur, délai_atteint)``. Lève :class:`_Stuck` si le noyau ne répond plus."""
    import nbformat

    timeout = max(0.5, float(timeout))
    # Une réponse arrivée au délai ou après : nbclient a interrompu le noyau (l'erreur n'est
    # pas toujours visible : la récolte rattrape KeyboardInterrupt pour le signaler à sa façon).
    timed_out = _timed(client, nb, cell, timeout) >= 0.95 * timeout
    if timed_out and _timed(client, nb, nbformat.v4.new_code_cell("pass"), PROBE_S) >= 0.95 * PROBE_S:
        raise _Stuck()  # interrompue, et le noyau n'a pas repris la main
    return _error_of(cell), timed_out


def _attempt(job, nb, journal, kernels, skip_cells, skip_keys, attempt, clock, state):
    """Un essai avec un noyau neuf ; rend None, ou (« cell », indice, erreur) / (« key », clé, erreur) si le noyau meurt."""
    import copy

    import nbformat
    import zmq
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.exceptions import DeadKernelError

    from kernel_wait import install

    install()  # attendre les réponses du noyau par tranches (voir kernel_wait)

    exchange = Path(job["exchange"])
    results = Path(job["private"]) / "resultats"
    results.mkdir(exist_ok=True)
    user_cells = list(nb.cells)
    nb.cells = []  # chaque cellule est ajoutée le temps de son exécution (voir _run_cell)
    # Des noms tirés à chaque noyau : un lien posé dans le dossier d'échange par un noyau précédent
    # (mort, avec tout son bac à sable, avant que celui-ci démarre) ne peut pas les attendre.
    token = secrets.token_hex(8)
    km = AsyncKernelManager(
        kernel_name=KERNEL_NAME, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]),
        transport="ipc", ip=str(exchange / f"k-{token}"),
    )
    km.connection_file = str(exchange / f"connexion-{token}.json")
    km.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    client = _client_class()(
        nb,
        km=km,
        timeout=job["cell_timeout"],
        kernel_name=KERNEL_NAME,
        allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={"ename": "CellTimeoutError", "evalue": "délai de la cellule dépassé", "traceback": []},
        resources={"metadata": {"path": job["cwd"]}},
        record_timing=False,
        shutdown_kernel="immediate",
        startup_timeout=60,
    )
    current: tuple = ("cell", -1)
    try:
        with client.setup_kernel(env=job["kernel_env"]):
            _log(journal, event="kernel", attempt=attempt)
            for index, cell in enumerate(user_cells):
                if cell.cell_type != "code" or state["budget_hit"]:
                    continue
                if index in skip_cells:
                    _log(journal, event="cell", index=index, id=cell.get("id"), error=skip_cells[index])
                    continue
                remaining = clock["user_deadline"] - time.monotonic()
                if remaining <= 0:
                    state["budget_hit"] = True
                    _log(journal, event="budget", index=index, elapsed=0.0)
                    continue
                current = ("cell", index)
                _log(journal, event="start", index=index)
                error, timed_out = _run_cell(client, nb, copy.deepcopy(cell),
                                             min(job["cell_timeout"], remaining))
                _log(journal, event="cell", index=index, id=cell.get("id"), error=error)
                if timed_out and remaining < job["cell_timeout"]:
                    state["budget_hit"] = True
                    _log(journal, event="budget", index=index, elapsed=round(remaining, 1))
            for key, spec_bytes in job["specs"].items():
                if key in skip_keys or (results / f"{key}.json").exists():  # déjà récoltée, ou fatale au noyau
                    continue
                remaining = clock["deadline"] - time.monotonic()
                if remaining <= 1.0:
                    _log(journal, event="no_time", key=key)
                    continue
                current = ("key", key)
                token = secrets.token_hex(8)
                spec_path = exchange / f"entrees-{token}.pkl"
                out_path = exchange / f"recolte-{token}.json"
                spec_path.write_bytes(spec_bytes)  # les entrées n'existent qu'à partir d'ici
                _log(journal, event="start", index=-1, key=key)
                spec_mark, out_mark = job["placeholders"]  # la cellule de récolte, préparée par le correcteur
                source = job["harvest_cell"].replace(spec_mark, repr(str(spec_path))).replace(out_mark, repr(str(out_path)))
                cell = nbformat.v4.new_code_cell(source)
                try:
                    limit = job.get("harvest_timeouts", {}).get(key, job["harvest_timeout"])
                    error, _ = _run_cell(client, nb, cell, min(limit, remaining - 1.0))
                finally:
                    refused = collect_result(out_path, results / f"{key}.json")
                    try:
                        spec_path.unlink()
                    except OSError:
                        pass
                _log(journal, event="harvest", key=key, error=error, refused=refused)
    except (DeadKernelError, _Stuck) as exc:
        kind, what = current
        why = STUCK if isinstance(exc, _Stuck) else DEAD
        _log(journal, event="dead", stuck=isinstance(exc, _Stuck),
             **({"index": what} if kind == "cell" else {"key": what, "index": -1}))
        return kind, what, why
    return None


if __name__ == "__main__":
    sys.exit(main())
