"""lstm_grader.kernel_wait : l'attente par tranches ne manque plus un message déjà arrivé."""

from __future__ import annotations

import asyncio
import threading
import time
from queue import Empty

from lstm_grader import kernel_wait


class MissesWakeups:
    """Un canal qui reproduit le défaut : un message arrivé pendant l'attente n'est vu qu'à la fin du délai."""

    def __init__(self, arrives_after: float | None):
        self.created = time.monotonic()
        self.arrives_after = arrives_after
        self.calls = 0

    def _available(self) -> bool:
        return self.arrives_after is not None and time.monotonic() - self.created >= self.arrives_after

    async def get_msg(self, timeout=None):
        self.calls += 1
        if self._available():  # déjà là au début de l'attente : vu tout de suite
            return {"msg_type": "execute_reply"}
        await asyncio.sleep(timeout)  # sinon, on dort tout le délai (réveil manqué)
        if self._available():
            return {"msg_type": "execute_reply"}
        raise Empty


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

    start = time.monotonic()
    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    assert "result" in outcome, "l'attente n'a rien rendu"
    return outcome["result"], time.monotonic() - start


def test_unpatched_wait_misses_the_message_until_the_deadline():
    result, seconds = _run(MissesWakeups.get_msg, MissesWakeups(arrives_after=0.05), timeout=2.0)
    assert result == {"msg_type": "execute_reply"} and seconds >= 1.9


def test_sliced_wait_returns_soon_after_the_message_arrives():
    channel = MissesWakeups(arrives_after=0.05)
    result, seconds = _run(kernel_wait.sliced(MissesWakeups.get_msg), channel, timeout=2.0)
    assert result == {"msg_type": "execute_reply"}
    assert seconds < 2 * kernel_wait.SLICE_S + 0.5 < 2.0


def test_sliced_wait_still_times_out_after_the_full_delay():
    channel = MissesWakeups(arrives_after=None)
    result, seconds = _run(kernel_wait.sliced(MissesWakeups.get_msg), channel, timeout=0.6)
    assert result is Empty
    assert 0.55 <= seconds < 1.5
    assert channel.calls >= 3


def test_sliced_wait_with_zero_timeout_polls_once():
    channel = MissesWakeups(arrives_after=None)
    result, _ = _run(kernel_wait.sliced(MissesWakeups.get_msg), channel, timeout=0)
    assert result is Empty and channel.calls == 1


def test_install_patches_the_async_channel_once(monkeypatch):
    from jupyter_client.channels import AsyncZMQSocketChannel

    original = getattr(AsyncZMQSocketChannel.get_msg, "sliced_from", AsyncZMQSocketChannel.get_msg)
    monkeypatch.setattr(AsyncZMQSocketChannel, "get_msg", original)
    assert kernel_wait.install() is True
    assert AsyncZMQSocketChannel.get_msg.sliced_from is original
    assert kernel_wait.install() is False  # idempotent : pas de double enveloppe
    assert AsyncZMQSocketChannel.get_msg.sliced_from is original


def test_book_build_loads_the_workaround():
    import yaml

    from conftest import ROOT

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["local_extensions"]["sphinx_kernel_wait"] == "tools"
    assert "install()" in (ROOT / "tools" / "sphinx_kernel_wait.py").read_text(encoding="utf-8")
