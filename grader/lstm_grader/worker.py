"""Le processus d'exécution d'une copie : ``python -m lstm_grader.worker`` (usage interne).

Lancé par le correcteur (:mod:`lstm_grader.runner`) pour **une** copie,
avec une limite de mémoire (héritée par le noyau) et un délai total. Il lit
sa tâche (un pickle écrit par le correcteur) sur l'entrée standard, exécute
les cellules de code de l'élève une à une dans un noyau neuf (nbclient), avec
un délai par cellule, puis une cellule de récolte par exercice. Il ne juge
rien : il écrit un journal (``journal.jsonl``, une ligne par événement, au fil
de l'eau pour que le correcteur sache où l'on en était si le délai total
tombe) et laisse le noyau écrire les réponses récoltées en JSON.
"""

from __future__ import annotations

import json
import pickle
import time
import sys
from pathlib import Path


def _log(path: Path, **event) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({**event, "t": round(time.time(), 3)}) + "\n")
        fh.flush()


def _error_of(cell) -> list | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return [str(out.get("ename", "")), str(out.get("evalue", ""))[:300]]
    return None


def main() -> int:
    job = pickle.load(sys.stdin.buffer)
    journal = Path(job["workdir"]) / "journal.jsonl"
    try:
        return _run(job, journal)
    except Exception as exc:  # noyau qui ne démarre pas, erreur de nbclient…
        _log(journal, event="crash", error=f"{type(exc).__name__} : {exc}"[:300])
        return 1


#: Nombre maximal de noyaux pour une copie : après un arrêt du noyau (os._exit,
#: plantage), on repart d'un noyau neuf en sautant la cellule fautive.
MAX_KERNELS = 4


def _run(job, journal: Path) -> int:
    import nbformat

    skip_cells: set[int] = set()
    skip_keys: set[str] = set()
    for attempt in range(MAX_KERNELS):
        nb = nbformat.reads(job["notebook"], as_version=4)  # cellules neuves à chaque essai
        dead = _attempt(job, nb, journal, skip_cells, skip_keys, attempt)
        if dead is None:
            _log(journal, event="done")
            return 0
        kind, what = dead
        (skip_cells if kind == "cell" else skip_keys).add(what)
    _log(journal, event="gave_up")
    return 0


def _attempt(job, nb, journal: Path, skip_cells: set, skip_keys: set, attempt: int):
    """Un essai avec un noyau neuf ; rend None, ou ("cell", indice) / ("key", clé) si le noyau meurt."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    from .kernel_wait import install

    install()  # attendre les réponses du noyau par tranches (voir kernel_wait)

    workdir = Path(job["workdir"])
    n_user = len(nb.cells)
    harvest_cells = [nbformat.v4.new_code_cell(source) for _, _, source in job["harvest"]]
    nb.cells.extend(harvest_cells)
    # Transport IPC (fichiers dans le dossier de la copie) : pas de course aux ports TCP
    # quand plusieurs copies démarrent leur noyau en même temps.
    (workdir / "ipc").mkdir(exist_ok=True)
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(workdir / "ipc" / f"k{attempt}"))
    client = NotebookClient(
        nb,
        km=km,
        timeout=job["cell_timeout"],
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={"ename": "CellTimeoutError", "evalue": "délai de la cellule dépassé", "traceback": []},
        resources={"metadata": {"path": str(workdir / "kernel")}},
        record_timing=False,
        shutdown_kernel="immediate",
        startup_timeout=60,
    )
    current: tuple = ("cell", -1)
    try:
        with client.setup_kernel():
            process = getattr(client.km.provisioner, "process", None)
            _log(journal, event="kernel", pid=getattr(process, "pid", None))
            for index, cell in enumerate(nb.cells[:n_user]):
                if cell.cell_type != "code":
                    continue
                if index in skip_cells:
                    _log(journal, event="cell", index=index, id=cell.get("id"),
                         error=["DeadKernel", "la cellule a arrêté le noyau ; elle a été sautée"])
                    continue
                current = ("cell", index)
                _log(journal, event="start", index=index)
                client.execute_cell(cell, index)
                _log(journal, event="cell", index=index, id=cell.get("id"), error=_error_of(cell))
            client.timeout = job["harvest_timeout"]
            for k, ((key, spec_path, _), cell) in enumerate(zip(job["harvest"], harvest_cells)):
                out_path = Path(spec_path).with_name(f"reponse-{key}.json")
                if key in skip_keys or out_path.exists():  # déjà récoltée, ou fatale au noyau
                    continue
                current = ("key", key)
                Path(spec_path).write_bytes(job["specs"][key])  # les entrées n'existent qu'à partir d'ici
                _log(journal, event="start", index=-1, key=key)
                client.execute_cell(cell, n_user + k)
                _log(journal, event="harvest", key=key, error=_error_of(cell))
    except DeadKernelError:
        kind, what = current
        _log(journal, event="dead", **({"index": what} if kind == "cell" else {"key": what, "index": -1}))
        return current
    return None


if __name__ == "__main__":
    sys.exit(main())
