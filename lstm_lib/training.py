"""Une boucle d'entraînement courte, graine et lisible (ce module importe torch).

Toutes les expériences du livre s'entraînent avec :func:`fit` : mini-lots tirés
au hasard (générateur graine), Adam, écrêtage de la norme du gradient, barre
de progression, et un historique des pertes pour tracer les courbes
d'apprentissage.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from .models import pick_device

__all__ = ["set_seed", "History", "fit", "evaluate", "predict", "accuracy"]


def set_seed(seed: int) -> None:
    """Graine pour ``random``, numpy et torch (résultats reproductibles sur CPU)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@dataclass
class History:
    """Historique d'un entraînement : pertes (et métrique) aux pas d'évaluation."""

    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)

    @property
    def final_val_loss(self) -> float:
        return self.val_loss[-1] if self.val_loss else float("nan")


def _to_device(tensors: Sequence[torch.Tensor], device) -> list[torch.Tensor]:
    return [torch.as_tensor(t).to(device) for t in tensors]


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Proportion de bonnes réponses (classe au logit maximal)."""
    return (logits.argmax(dim=-1) == y).float().mean().item()


@torch.no_grad()
def predict(model: nn.Module, *inputs, batch_size: int = 1024, device=None) -> torch.Tensor:
    """Les sorties du modèle sur tout un jeu de données, par lots, sur le CPU."""
    device = device or next(model.parameters()).device
    model.eval()
    n = len(inputs[0])
    outs = []
    for start in range(0, n, batch_size):
        batch = _to_device([t[start:start + batch_size] for t in inputs], device)
        outs.append(model(*batch).cpu())
    return torch.cat(outs)


def evaluate(model: nn.Module, data: Sequence[torch.Tensor], loss_fn: Callable,
             metric: Callable | None = None) -> tuple[float, float]:
    """Perte (et métrique) sur ``data = (entrées…, cible)``."""
    *inputs, target = data
    out = predict(model, *inputs)
    target = torch.as_tensor(target)
    loss = loss_fn(out, target).item()
    return loss, (metric(out, target) if metric else float("nan"))


def fit(model: nn.Module, train: Sequence[torch.Tensor], *, loss_fn: Callable,
        val: Sequence[torch.Tensor] | None = None, steps: int = 1000, batch_size: int = 64,
        lr: float = 3e-3, clip: float | None = 1.0, eval_every: int = 50, seed: int = 0,
        metric: Callable | None = None, device=None, progress: bool = True,
        desc: str = "Entraînement", stop: Callable[[History], bool] | None = None) -> History:
    """Entraîne ``model`` pendant ``steps`` pas d'Adam et rend son :class:`History`.

    ``train`` et ``val`` sont des tuples ``(entrées…, cible)`` de tenseurs
    (ou de tableaux numpy) ; le modèle est appelé comme ``model(*entrées)``.
    ``clip`` borne la norme du gradient (Pascanu et al., 2013) ; ``None`` la
    laisse libre. ``stop`` (facultatif) est l'arrêt anticipé : une fonction de
    l'historique, appelée après chaque évaluation ; dès qu'elle rend vrai,
    l'entraînement s'arrête (par exemple ``lambda h: h.val_loss[-1] < 0.01``).
    """
    device = device or pick_device()
    model.to(device)
    set_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    *inputs, target = [torch.as_tensor(t) for t in train]
    n = len(target)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = History()
    running, count = 0.0, 0
    # Sans vitesse ni durée (« it/s ») : la page publiée ne doit pas afficher
    # les performances de la machine qui l'a construite.
    bar = tqdm(range(1, steps + 1), desc=desc, disable=not progress, mininterval=0.5,
               bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} pas{postfix}")
    for step in bar:
        model.train()
        idx = torch.randint(0, n, (batch_size,), generator=gen)
        batch = _to_device([t[idx] for t in inputs], device)
        y = target[idx].to(device)
        loss = loss_fn(model(*batch), y)
        opt.zero_grad()
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        running += loss.item()
        count += 1
        if step % eval_every == 0 or step == steps:
            history.steps.append(step)
            history.train_loss.append(running / count)
            running, count = 0.0, 0
            if val is not None:
                v_loss, v_metric = evaluate(model, val, loss_fn, metric)
                history.val_loss.append(v_loss)
                history.val_metric.append(v_metric)
                bar.set_postfix(perte_val=f"{v_loss:.4f}")
            if stop is not None and stop(history):
                break
    model.eval()
    return history
