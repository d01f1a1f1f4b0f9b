"""Contournement : attendre les messages du noyau par tranches courtes.

nbclient attend la réponse d'une cellule (``execute_reply``) par un seul
``shell_channel.get_msg(timeout=délai de la cellule)``. Avec le canal
asynchrone de jupyter_client (pyzmq + asyncio), ce réveil peut se perdre :
la réponse est déjà arrivée, mais l'attente ne s'en aperçoit qu'à la fin du
délai. Mesuré ici sur les cellules à widgets (``widgets.interact``), avec
quatre noyaux en parallèle : 3 exécutions sur 100 attendaient exactement le
délai complet (8 s sur 8 s) alors que le noyau avait répondu en 30 ms ; le
correcteur perdait 30 s sur une copie, et une exécution du livre peut perdre
jusqu'à son délai par cellule (problème connu : jupyter/nbclient#312).

La correction : découper chaque attente en tranches de ``SLICE_S`` secondes.
Chaque nouvel appel à ``poll`` relit l'état du socket (l'événement
« message disponible » ne peut plus être manqué), et le délai total reste le
même. Aucune bibliothèque ne le corrige en amont à ce jour ; d'où ces
quelques lignes, installées par le correcteur (``lstm_grader.worker``), par le
build du livre (``tools/sphinx_kernel_wait.py``) et par ``benchmarks/bench_build.py``.
Elles vivent dans leur propre petit paquet (``tools/kernel-wait``, un nom qui ne peut pas masquer le module) pour que le
build n'importe pas le correcteur, ni le correcteur les outils du build.

Quand l'enlever : quand une version publiée de nbclient attendra
``execute_reply`` autrement que par un seul ``get_msg(timeout=délai)``, ou que
jupyter_client ne perdra plus ce réveil (suivre jupyter/nbclient#312). Vérifié
le 1er décembre 2026 : nbclient 0.11.0 (``_async_poll_for_reply``) attend
toujours par un seul appel ; nbclient reste épinglé ``<0.12`` dans
``grader/pyproject.toml``. Pour l'enlever : supprimer ce paquet, la ligne
``sphinx_kernel_wait`` de ``_config.yml``, ``tools/sphinx_kernel_wait.py`` et
l'appel à ``install()`` du correcteur et de ``benchmarks/bench_build.py``.
"""

from __future__ import annotations

import time
from queue import Empty

#: Durée d'une tranche d'attente, en secondes.
SLICE_S = 0.25


def sliced(get_msg):
    """Enveloppe un ``get_msg(self, timeout=None)`` asynchrone : mêmes résultats, attente par tranches."""

    async def get_msg_sliced(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            step = SLICE_S if deadline is None else max(0.0, min(SLICE_S, deadline - time.monotonic()))
            try:
                return await get_msg(self, timeout=step)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    get_msg_sliced.sliced_from = get_msg
    return get_msg_sliced


def install() -> bool:
    """Applique le contournement au canal asynchrone de jupyter_client ; rend True s'il vient d'être posé."""
    from jupyter_client.channels import AsyncZMQSocketChannel

    if hasattr(AsyncZMQSocketChannel.get_msg, "sliced_from"):
        return False
    AsyncZMQSocketChannel.get_msg = sliced(AsyncZMQSocketChannel.get_msg)
    return True
