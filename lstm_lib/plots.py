"""Les figures que les chapitres partagent, au lieu de les redessiner.

Chaque fonction rend la ``Figure`` matplotlib, titrée et légendée en
français, avec une couleur par porte prise dans :mod:`lstm_lib.style`. Les
figures sont créées par ``pyplot`` : dans un cahier, écrivez
``fig = plot_…(…)`` (ou terminez la ligne par ``;``) pour qu'elle ne
s'affiche qu'une fois.
"""

from __future__ import annotations

import numbers

import matplotlib.pyplot as plt
import numpy as np

from ._checks import as_float_array, check_ndim
from .cells import QUANTITIES
from .data import RADAR_CLASSES, RadarBatch
from .sequences import LSTMTrace
from .style import GATE_COLORS, GATE_LABELS

__all__ = ["plot_gates_over_time", "plot_radar_sequence", "plot_gradient_decay"]

_QUANTITIES = QUANTITIES  # les six grandeurs d'un pas, nommées une fois dans lstm_lib.cells
_GATE_LIMITS = {"f": (-0.05, 1.05), "i": (-0.05, 1.05), "o": (-0.05, 1.05),
                "c_hat": (-1.05, 1.05), "h": (-1.05, 1.05)}


def _check_index(value, size, name, where, what):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where} : « {name} » doit être un entier, reçu un objet de type {type(value).__name__}.")
    if not 0 <= value < size:
        raise ValueError(f"{where} : « {name} » doit être entre 0 et {size - 1} ({what}), reçu {value}.")
    return int(value)


def plot_gates_over_time(trace, x=None, *, unit=0, sample=0, gates=_QUANTITIES, title=None,
                         time_unit="pas", input_labels=None):
    """Les portes et la mémoire d'une unité cachée au fil du temps, un panneau par grandeur.

    - ``trace`` : la :class:`~lstm_lib.sequences.LSTMTrace` rendue par
      :func:`~lstm_lib.sequences.lstm_forward` ;
    - ``x`` : l'entrée, ``(T, I)`` ou ``(B, T, I)`` ; si elle est donnée, un
      premier panneau la montre (une courbe par canal) ;
    - ``unit`` : l'unité cachée montrée ; ``sample`` : la séquence du lot ;
    - ``gates`` : les grandeurs à montrer, parmi ``"f", "i", "c_hat", "c", "o", "h"`` ;
    - ``time_unit`` : l'unité du temps sur l'axe horizontal ;
    - ``input_labels`` : le nom de chaque canal d'entrée (par défaut
      ``x[0]``, ``x[1]``… ; « amplitude » et « distance » pour le radar).

    Rend la ``Figure``.
    """
    where = "plot_gates_over_time"
    if not isinstance(trace, LSTMTrace):
        raise TypeError(
            f"{where} : « trace » doit être une LSTMTrace (le premier résultat de lstm_forward), "
            f"reçu un objet de type {type(trace).__name__}."
        )
    if isinstance(gates, str) or not all(g in _QUANTITIES for g in gates) or len(gates) == 0:
        raise ValueError(
            f"{where} : « gates » doit être une liste non vide de noms parmi {_QUANTITIES}, reçu {gates!r}."
        )
    batched = trace.h.ndim == 3
    T, H = trace.h.shape[-2:]
    unit = _check_index(unit, H, "unit", where, f"la taille cachée est H = {H}")
    if batched:
        sample = _check_index(sample, trace.h.shape[0], "sample", where, f"le lot compte {trace.h.shape[0]} séquences")
    series = {g: (getattr(trace, g)[sample] if batched else getattr(trace, g))[:, unit] for g in gates}
    inputs = None
    if x is not None:
        x = as_float_array(x, "x", where)
        check_ndim(x, (2, 3), "x", where, "(T, I) ou (B, T, I)")
        if x.ndim == 3:
            sample_x = _check_index(sample, x.shape[0], "sample", where, f"« x » compte {x.shape[0]} séquences")
            x = x[sample_x]
        if x.shape[0] != T:
            raise ValueError(
                f"{where} : « x » doit compter autant de pas de temps que la trace (T = {T}), "
                f"reçu la forme {x.shape}."
            )
        inputs = x
        if input_labels is None:
            input_labels = [f"$x_t[{k}]$" for k in range(x.shape[1])]
        elif len(input_labels) != x.shape[1]:
            raise ValueError(
                f"{where} : « input_labels » doit donner un nom par canal d'entrée ({x.shape[1]}), "
                f"reçu {len(input_labels)} nom(s)."
            )

    n_panels = len(series) + (inputs is not None)
    fig, axes = plt.subplots(n_panels, 1, sharex=True, figsize=(8, 1.35 * n_panels + 0.9), squeeze=False)
    axes = axes[:, 0]
    t = np.arange(T)
    k = 0
    if inputs is not None:
        styles = ["-", "--", ":", "-."]
        for channel in range(inputs.shape[1]):
            axes[0].plot(t, inputs[:, channel], color=GATE_COLORS["x"], linestyle=styles[channel % 4],
                         label=input_labels[channel])
        axes[0].set_ylabel("entrée")
        if inputs.shape[1] > 1:
            axes[0].legend(loc="upper right", fontsize="small")
        k = 1
    for ax, (g, values) in zip(axes[k:], series.items()):
        ax.plot(t, values, color=GATE_COLORS[g], linewidth=1.8, label=GATE_LABELS[g])
        ax.set_ylabel("$" + GATE_LABELS[g].split("$")[1] + "$", rotation=0, labelpad=12, fontsize="large")
        ax.legend(loc="upper right", fontsize="small")
        if g in _GATE_LIMITS:
            ax.set_ylim(*_GATE_LIMITS[g])
        ax.axhline(0.0, color="black", linewidth=0.5, alpha=0.4)
    for ax in axes:
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel(f"temps t ({time_unit})")
    if title is None:
        title = f"Portes et mémoire de l'unité {unit} au fil du temps"
        if batched:
            title += f" (séquence {sample})"
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_radar_sequence(batch_or_x, index=0, *, title=None):
    """Une séquence radar : l'amplitude et la distance au fil du temps, l'événement grisé.

    ``batch_or_x`` : un :class:`~lstm_lib.data.RadarBatch` (l'événement,
    bosse ou pic, est alors coloré et le remplissage hachuré), ou un tableau
    ``(T, 2)`` ou ``(n, T, 2)``. ``index`` choisit la séquence du lot.
    Rend la ``Figure``.
    """
    where = "plot_radar_sequence"
    batch = batch_or_x if isinstance(batch_or_x, RadarBatch) else None
    x = batch.x if batch is not None else as_float_array(batch_or_x, "batch_or_x", where)
    check_ndim(x, (2, 3), "batch_or_x", where, "(T, 2) ou (n, T, 2), ou un RadarBatch")
    if x.shape[-1] != 2:
        raise ValueError(
            f"{where} : une séquence radar a 2 canaux [amplitude, distance] ; reçu la forme {x.shape}."
        )
    if x.ndim == 3:
        index = _check_index(index, x.shape[0], "index", where, f"le lot compte {x.shape[0]} séquences")
        x = x[index]
    T = x.shape[0]
    t = np.arange(T)
    fig, (ax_a, ax_d) = plt.subplots(2, 1, sharex=True, figsize=(8, 4.2))
    ax_a.plot(t, x[:, 0], color=GATE_COLORS["x"], marker=".", label="amplitude")
    ax_d.plot(t, x[:, 1], color=GATE_COLORS["x"], marker=".", linestyle="--", label="distance")
    ax_a.set_ylabel("amplitude (u.a.)")
    ax_d.set_ylabel("distance (normalisée)")
    ax_d.set_xlabel("temps t (pas)")
    name = None
    if batch is not None:
        label, onset, duration = int(batch.labels[index]), int(batch.onsets[index]), int(batch.durations[index])
        name = RADAR_CLASSES[label]
        if label != 0:
            span = f"t = {onset}" if duration == 1 else f"t = {onset} à {onset + duration - 1}"
            for ax in (ax_a, ax_d):
                ax.axvspan(onset - 0.5, onset + duration - 0.5, color=GATE_COLORS["c"], alpha=0.25,
                           label=f"{name} ({span})")
        length = int(batch.lengths[index])
        if length < T:
            for ax in (ax_a, ax_d):
                ax.axvspan(length - 0.5, T - 0.5, facecolor="none", edgecolor="0.6", hatch="//",
                           label="remplissage (zéros)")
    ax_a.legend(loc="best", fontsize="small")
    for ax in (ax_a, ax_d):
        ax.grid(alpha=0.3)
    if title is None:
        title = f"Séquence radar n° {index}" + (f" : « {name} »" if name else "")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


_CURVE_COLORS = ("h", "c", "f", "i", "o", "c_hat")


def plot_gradient_decay(lags, curves, *, title=None):
    """La norme du gradient en fonction du retard, en échelle logarithmique.

    ``lags`` : les retards ``k`` (en pas) ; ``curves`` : un dictionnaire
    ``{légende: normes}``, chaque tableau de normes ayant la longueur de
    ``lags`` (par exemple ``{"RNN simple": norms, "LSTM, chemin de c": values.max(axis=-1)}``).
    Les valeurs nulles, invisibles en échelle log, ne sont pas tracées.
    Rend la ``Figure``.
    """
    where = "plot_gradient_decay"
    lags = as_float_array(lags, "lags", where)
    check_ndim(lags, (1,), "lags", where, "(K,)")
    if not isinstance(curves, dict) or not curves:
        raise TypeError(
            f"{where} : « curves » doit être un dictionnaire non vide {{légende : normes}}, "
            f"reçu un objet de type {type(curves).__name__}."
        )
    if len(curves) > len(_CURVE_COLORS):
        raise ValueError(f"{where} : au plus {len(_CURVE_COLORS)} courbes, reçu {len(curves)}.")
    fig, ax = plt.subplots(figsize=(7, 4))
    for (label, norms), color_key in zip(curves.items(), _CURVE_COLORS):
        norms = as_float_array(norms, f"curves[{label!r}]", where)
        if norms.shape != lags.shape:
            raise ValueError(
                f"{where} : la courbe « {label} » doit avoir la forme de « lags » {lags.shape}, "
                f"reçu la forme {norms.shape}."
            )
        if np.any(norms < 0):
            raise ValueError(f"{where} : une norme est positive ou nulle ; la courbe « {label} » a des valeurs < 0.")
        shown = np.where(norms > 0, norms, np.nan)
        ax.semilogy(lags, shown, color=GATE_COLORS[color_key], linewidth=2, label=str(label))
    ax.set_xlabel("retard k (pas de temps)")
    ax.set_ylabel("norme du gradient (échelle log)")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    ax.set_title(title or "Le gradient en fonction du retard")
    fig.tight_layout()
    return fig
