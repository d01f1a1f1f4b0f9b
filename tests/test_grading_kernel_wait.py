"""kernel_wait (tools/kernel-wait) : l'attente par tranches ne manque plus un message déjà arrivé.

Le temps est simulé (une horloge que fait avancer le faux canal) : aucun de ces
tests ne dépend de la vitesse de la machine.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from queue import Empty

import pytest

import kernel_wait

from conftest import ROOT


class Clock:
    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now


class MissesWakeups:
    """Un canal qui reproduit le défaut : un message arrivé pendant l'attente n'est vu qu'à la fin du délai."""

    def __init__(self, clock: Clock, arrives_at: float | None):
        self.clock = clock
        self.arrives_at = arrives_at
        self.timeouts: list[float] = []

    def _available(self) -> bool:
        return self.arrives_at is not None and self.clock.now >= self.arrives_at

    async def get_msg(self, timeout=None):
        self.timeouts.append(timeout)
        if self._available():  # déjà là au début de l'attente : vu tout de suite
            return {"msg_type": "execute_reply"}
        self.clock.now += timeout  # sinon, on dort tout le délai (réveil manqué)
        if self._available():
            return {"msg_type": "execute_reply"}
        raise Empty


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(kernel_wait.time, "monotonic", fake.monotonic)
    return fake


def _run(get_msg, channel, timeout):
    """Exécute l'attente dans une boucle neuve, sur un fil à part (une autre boucle
    peut tourner dans le fil principal quand toute la suite s'exécute)."""
    outcome = {}

    def target():
        loop = asyncio.new_event_loop()
        try:
            outcome["result"] = loop.run_until_complete(get_msg(channel, timeout=timeout))
        except Empty:
            outcome["result"] = Empty
        finally:
            loop.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    assert "result" in outcome, "l'attente n'a rien rendu"
    return outcome["result"]


def test_unpatched_wait_misses_the_message_until_the_deadline(clock):
    channel = MissesWakeups(clock, arrives_at=0.05)
    assert _run(MissesWakeups.get_msg, channel, timeout=2.0) == {"msg_type": "execute_reply"}
    assert clock.now == pytest.approx(2.0)  # tout le délai perdu


def test_sliced_wait_returns_soon_after_the_message_arrives(clock):
    channel = MissesWakeups(clock, arrives_at=0.05)
    assert _run(kernel_wait.sliced(MissesWakeups.get_msg), channel, timeout=2.0) == {"msg_type": "execute_reply"}
    assert clock.now <= kernel_wait.SLICE_S + 1e-9
    assert all(t <= kernel_wait.SLICE_S for t in channel.timeouts)


def test_sliced_wait_still_times_out_after_the_full_delay(clock):
    channel = MissesWakeups(clock, arrives_at=None)
    assert _run(kernel_wait.sliced(MissesWakeups.get_msg), channel, timeout=0.6) is Empty
    assert clock.now == pytest.approx(0.6)
    assert channel.timeouts == pytest.approx([0.25, 0.25, 0.1])


def test_sliced_wait_with_zero_timeout_polls_once(clock):
    channel = MissesWakeups(clock, arrives_at=None)
    assert _run(kernel_wait.sliced(MissesWakeups.get_msg), channel, timeout=0) is Empty
    assert channel.timeouts == [0]


def test_install_patches_the_async_channel_once(monkeypatch):
    from jupyter_client.channels import AsyncZMQSocketChannel

    original = getattr(AsyncZMQSocketChannel.get_msg, "sliced_from", AsyncZMQSocketChannel.get_msg)
    monkeypatch.setattr(AsyncZMQSocketChannel, "get_msg", original)
    assert kernel_wait.install() is True
    assert AsyncZMQSocketChannel.get_msg.sliced_from is original
    assert kernel_wait.install() is False  # idempotent : pas de double enveloppe
    assert AsyncZMQSocketChannel.get_msg.sliced_from is original


def test_book_build_loads_the_workaround_without_importing_the_grader():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["local_extensions"]["sphinx_kernel_wait"] == "tools"
    probe = ("import sys; sys.path.insert(0, 'tools'); import sphinx_kernel_wait; "
             "from jupyter_client.channels import AsyncZMQSocketChannel as C; sphinx_kernel_wait.setup(None); "
             "print(hasattr(C.get_msg, 'sliced_from'), 'lstm_grader' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["True", "False"], out.stderr


def test_grader_worker_installs_the_workaround():
    source = (ROOT / "grader" / "lstm_grader" / "worker.py").read_text(encoding="utf-8")
    assert "from kernel_wait import install" in source and "install()" in source
