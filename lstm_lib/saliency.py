"""De quelles entrées passées la décision dépend-elle ? La saillance dans le temps (ce module importe torch).

L'idée vient de l'article de Distill « Visualizing memorization in RNNs »
(Madsen, 2019) : la précision seule ne dit pas *quelles* entrées le réseau a
retenues. On le voit en dérivant la sortie du modèle par rapport à chaque
entrée ``x_t`` :

.. math::

    s_t = \\left\\lVert \\frac{\\partial y}{\\partial x_t} \\right\\rVert_2 ,

la *saillance* du pas ``t``. Une saillance forte veut dire : « si ``x_t``
avait été un peu différent, la décision aurait bougé ». Une saillance faible
veut dire seulement qu'une **petite** retouche de ``x_t`` ne change presque
rien : c'est une mesure locale. Elle ne prouve pas que le pas est oublié ; un
souvenir saturé (une mémoire qui a basculé dans un état stable) est
insensible aux petites variations de ce qui l'a créé, tout en en dépendant
entièrement. Pour l'influence totale d'un pas, il faut le remplacer et
regarder la décision changer (occultation).

Pourquoi écrire cette fonction plutôt que prendre une bibliothèque
d'interprétabilité (Captum…) : c'est une seule dérivée par
``torch.autograd.grad``, on veut qu'elle se lise en entier, et le livre
n'ajoute pas de dépendance pour si peu.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
from torch import nn

__all__ = ["input_saliency"]

_REDUCTIONS = ("norm", "abs_sum", None)


def input_saliency(model, x, target=None, *, contrast=None, step=-1, reduce="norm"):
    """Saillance de chaque pas de temps : la dérivée de la sortie du modèle par rapport à chaque ``x_t``.

    - ``model`` : un ``nn.Module`` appelé comme ``model(x)`` sur un lot
      ``(B, T, I)`` (``batch_first``), qui rend ``(B, C)`` (une sortie par
      séquence) ou ``(B, T, C)`` (une sortie à chaque pas) — par exemple
      :class:`lstm_lib.models.SequenceModel` ;
    - ``x`` : une séquence ``(T, I)`` ou un lot ``(B, T, I)``, tableau numpy ou
      tenseur ;
    - ``target`` : l'indice de la sortie (la classe) que l'on dérive ; par
      défaut la classe prédite pour chaque séquence (ou l'unique sortie si
      ``C = 1``) ;
    - ``contrast`` : si donné, on dérive l'écart ``y[target] − y[contrast]``
      (pour deux classes, c'est ce qui décide vraiment entre elles) ;
    - ``step`` : pour un modèle qui sort à chaque pas, le pas dont on dérive
      la sortie (le dernier par défaut) ; ignoré sinon ;
    - ``reduce`` : ``"norm"`` (norme euclidienne sur les canaux d'entrée),
      ``"abs_sum"`` (somme des valeurs absolues) ou ``None`` (le gradient brut).

    Rend un tableau numpy float : ``(T,)`` pour une séquence ``(T, I)``,
    ``(B, T)`` pour un lot (``(T, I)`` et ``(B, T, I)`` si ``reduce=None``).
    Le modèle est évalué en mode ``eval()`` puis remis dans son mode d'origine ;
    les gradients de ses paramètres ne sont pas touchés.
    """
    where = "input_saliency"
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"{where} : « model » doit être un module PyTorch (nn.Module), "
            f"reçu un objet de type {type(model).__name__}."
        )
    if reduce not in _REDUCTIONS:
        raise ValueError(f"{where} : « reduce » doit valoir 'norm', 'abs_sum' ou None, reçu {reduce!r}.")
    xt = _as_input_tensor(x, model, where)
    single = xt.ndim == 2
    if single:
        xt = xt.unsqueeze(0)
    xt = xt.detach().clone().requires_grad_(True)

    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad():
            out = model(xt)
            out = _select_step(out, step, xt.shape[1], where)
            score = _score(out, target, contrast, where)
            # Les séquences d'un lot sont indépendantes : dériver la somme des scores
            # donne, pour chaque séquence, la dérivée de son propre score.
            (grad,) = torch.autograd.grad(score.sum(), xt)
    finally:
        model.train(was_training)

    grad = grad.detach().cpu().numpy()
    if reduce == "norm":
        grad = np.linalg.norm(grad, axis=-1)
    elif reduce == "abs_sum":
        grad = np.abs(grad).sum(axis=-1)
    return grad[0] if single else grad


def _as_input_tensor(x, model, where):
    if isinstance(x, torch.Tensor):
        xt = x
    else:
        if isinstance(x, (str, bytes)) or x is None:
            raise TypeError(
                f"{where} : « x » doit être un tableau de nombres réels (T, I) ou (B, T, I), "
                f"reçu un objet de type {type(x).__name__}."
            )
        try:
            arr = np.asarray(x)
        except (TypeError, ValueError):
            arr = np.asarray(None, dtype=object)
        if arr.dtype.kind not in "fiu":
            raise TypeError(
                f"{where} : « x » doit être un tableau de nombres réels (T, I) ou (B, T, I), "
                f"reçu {type(x).__name__} de dtype {arr.dtype}."
            )
        xt = torch.as_tensor(arr)
    if not (xt.is_floating_point() or xt.dtype in (torch.int32, torch.int64)):
        raise TypeError(f"{where} : « x » doit contenir des nombres réels, reçu le dtype {xt.dtype}.")
    if xt.ndim not in (2, 3):
        raise ValueError(
            f"{where} : « x » doit avoir la forme (T, I) ou (B, T, I), reçu la forme {tuple(xt.shape)}."
        )
    if xt.shape[-2] == 0:
        raise ValueError(f"{where} : la séquence « x » doit compter au moins un pas de temps, reçu la forme {tuple(xt.shape)}.")
    if not torch.isfinite(xt).all():
        raise ValueError(f"{where} : « x » contient des NaN ou des infinis.")
    # Le dtype et l'appareil du modèle (float32 sur le CPU, ou cuda) s'imposent à l'entrée.
    reference = next(model.parameters(), None)
    if reference is not None:
        xt = xt.to(device=reference.device, dtype=reference.dtype)
    elif not xt.is_floating_point():
        xt = xt.float()
    return xt


def _select_step(out, step, T, where):
    if out.ndim == 2:
        return out
    if out.ndim != 3:
        raise ValueError(
            f"{where} : la sortie du modèle doit avoir la forme (B, C) ou (B, T, C), "
            f"reçu la forme {tuple(out.shape)}."
        )
    if isinstance(step, bool) or not isinstance(step, numbers.Integral) or not -T <= step < T:
        raise ValueError(
            f"{where} : « step » doit être un entier entre {-T} et {T - 1} (le modèle sort à chaque pas, "
            f"T = {T}), reçu {step!r}."
        )
    return out[:, int(step)]


def _check_class(value, C, name, where):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value < C:
        raise ValueError(
            f"{where} : « {name} » doit être un indice de sortie entre 0 et {C - 1} "
            f"(le modèle a {C} sortie(s)), reçu {value!r}."
        )
    return int(value)


def _score(out, target, contrast, where):
    """Le nombre que l'on dérive, pour chaque séquence du lot : ``(B,)``."""
    C = out.shape[-1]
    if target is None:
        if contrast is not None:
            raise ValueError(f"{where} : « contrast » demande aussi « target » (la classe opposée à comparer).")
        if C == 1:
            return out[:, 0]
        chosen = out.argmax(dim=-1, keepdim=True)
        return out.gather(-1, chosen)[:, 0]
    target = _check_class(target, C, "target", where)
    score = out[:, target]
    if contrast is not None:
        contrast = _check_class(contrast, C, "contrast", where)
        if contrast == target:
            raise ValueError(f"{where} : « contrast » doit différer de « target », reçu {contrast} pour les deux.")
        score = score - out[:, contrast]
    return score
