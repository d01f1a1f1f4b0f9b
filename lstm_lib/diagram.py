"""Les figures de la cellule elle-même : son schéma et les « tiroirs » de la mémoire.

- :func:`draw_lstm_cell` dessine une cellule LSTM à un pas de temps : ce qui
  entre (``x_t``, ``h_{t−1}``, ``c_{t−1}``), ce qui sort (``h_t``, ``c_t``),
  le « tapis roulant » de la mémoire en haut, les quatre portes (σ, σ, tanh, σ)
  et les nœuds ⊙ (produit terme à terme) et + ; une couleur par porte, prise
  dans :data:`lstm_lib.style.GATE_COLORS`, comme dans toutes les figures du livre.
  ``highlight="f"`` (ou une liste) met un chemin en avant et estompe le reste,
  pour présenter les portes une par une.
- :func:`plot_drawers` montre, dimension par dimension, la porte d'entrée
  ``i_t``, le candidat ``ĉ_t`` et ce qui entre vraiment dans la mémoire,
  ``i_t ⊙ ĉ_t`` : chaque dimension est un tiroir que ``i_t`` ouvre plus ou
  moins grand.

Le schéma est dessiné avec matplotlib (des rectangles, des cercles et des
flèches) plutôt qu'importé d'une image : il suit la palette du livre, se
régénère avec le code et se teste comme le reste de la bibliothèque.
Ce module n'importe que numpy et matplotlib (jamais PyTorch).
"""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.ticker import FuncFormatter

from ._checks import as_float_array, check_ndim
from .cells import QUANTITIES, update_memory
from .style import GATE_COLORS, GATE_LABELS, format_fr

__all__ = ["draw_lstm_cell", "plot_drawers", "plot_memory_update", "CELL_PARTS"]

CELL_PARTS = (*QUANTITIES, "x")  # les six grandeurs d'un pas, puis l'entrée
"""Les chemins du schéma qu'on peut mettre en avant avec ``highlight`` (mêmes clés que ``GATE_COLORS``)."""

_INK = "#222222"       # traits neutres (concaténation, nœuds)
_CELL_FACE = "#F4F4F4"  # fond de la cellule
_DIM_ALPHA = 0.18       # opacité des parties estompées

# Géométrie du schéma (unités de données ; la figure fait 12 × 7).
_Y_BELT = 5.4     # le tapis roulant de la mémoire
_Y_BUS = 1.45     # le bus [h_{t−1}, x_t] qui alimente les portes
_Y_GATE = 2.75    # centre des boîtes des portes
_GATE_W, _GATE_H = 0.95, 0.62
_X_IN = 2.05      # où x_t rejoint h_{t−1}
_X = {"f": 3.0, "i": 4.35, "c_hat": 5.75, "o": 7.35}
_X_TANH = 8.75    # branche tanh(c_t) → sortie
_Y_MUL_IN = 4.2   # nœud i_t ⊙ ĉ_t
_Y_TANH = 4.35
_Y_OUT = 3.35     # nœud o_t ⊙ tanh(c_t), et sortie h_t
_R = 0.24         # rayon des nœuds ⊙ et +


# --------------------------------------------------------------------------
# Vérifications
# --------------------------------------------------------------------------

def _check_highlight(highlight) -> frozenset[str]:
    where = "draw_lstm_cell"
    if highlight is None:
        return frozenset(CELL_PARTS)
    if isinstance(highlight, str):
        keys = [highlight]
    elif isinstance(highlight, Iterable):
        keys = list(highlight)
    else:
        raise TypeError(
            f"{where} : « highlight » doit être None, une clé ou une liste de clés parmi "
            f"{', '.join(CELL_PARTS)} ; reçu un objet de type {type(highlight).__name__}."
        )
    if not keys:
        raise ValueError(
            f"{where} : « highlight » est vide ; donnez au moins une clé parmi {', '.join(CELL_PARTS)} "
            f"(ou None pour tout montrer)."
        )
    for key in keys:
        if not isinstance(key, str) or key not in CELL_PARTS:
            raise ValueError(
                f"{where} : « highlight » accepte les clés {', '.join(CELL_PARTS)} ; reçu {key!r}."
            )
    return frozenset(keys)


def _check_ax(ax, where):
    if ax is None:
        return None
    if not isinstance(ax, plt.Axes):
        raise TypeError(
            f"{where} : « ax » doit être un Axes matplotlib (ou None pour créer la figure), "
            f"reçu un objet de type {type(ax).__name__}."
        )
    return ax


# --------------------------------------------------------------------------
# Le schéma de la cellule
# --------------------------------------------------------------------------

class _Painter:
    """Dessine les éléments du schéma ; chacun appartient à un chemin (une clé)
    et est estompé si ce chemin n'est pas mis en avant."""

    def __init__(self, ax, shown: frozenset[str]):
        self.ax = ax
        self.shown = shown

    def alpha(self, key):
        return 1.0 if key in self.shown else _DIM_ALPHA

    @staticmethod
    def visible(shown: frozenset[str]) -> frozenset[str]:
        """Ajoute les chemins internes : le bus ``[h_{t−1}, x_t]`` et les entrées
        ``h_{t−1}``, ``x_t`` restent visibles dès qu'une porte est mise en avant."""
        extra = set()
        if shown & {"f", "i", "c_hat", "o"}:
            extra |= {"bus", "h_in", "x"}
        if "h" in shown:
            extra.add("h_in")
        return shown | extra

    def line(self, points, key, color, *, lw=2.0, arrow=False, z=2):
        """Une polyligne ; ``arrow=True`` met une pointe de flèche à la fin."""
        xs, ys = zip(*points)
        alpha = self.alpha(key)
        if arrow and len(points) >= 2:
            self.ax.plot(xs[:-1] + (xs[-1],), ys[:-1] + (ys[-1],), color=color, lw=lw,
                         alpha=alpha, solid_capstyle="round", solid_joinstyle="round",
                         zorder=z, gid=f"chemin_{key}")
            # La pointe : un segment court qui finit exactement au point d'arrivée.
            arr = FancyArrowPatch(points[-2], points[-1], arrowstyle="-|>", mutation_scale=14,
                                  color=color, lw=lw, alpha=alpha, zorder=z + 0.5,
                                  shrinkA=0, shrinkB=0)
            arr.set_gid(f"fleche_{key}")
            self.ax.add_patch(arr)
        else:
            self.ax.plot(xs, ys, color=color, lw=lw, alpha=alpha, solid_capstyle="round",
                         solid_joinstyle="round", zorder=z, gid=f"chemin_{key}")

    def gate(self, key, symbol):
        x, y = _X[key], _Y_GATE
        color = GATE_COLORS[key]
        box = FancyBboxPatch((x - _GATE_W / 2, y - _GATE_H / 2), _GATE_W, _GATE_H,
                             boxstyle="round,pad=0.02,rounding_size=0.12",
                             facecolor=color, edgecolor=color, lw=1.5,
                             alpha=self.alpha(key), zorder=4)
        box.set_gid(f"porte_{key}")
        self.ax.add_patch(box)
        self.ax.text(x, y, symbol, ha="center", va="center", color="white", fontsize=15,
                     fontweight="bold", alpha=self.alpha(key), zorder=5)

    def node(self, x, y, kind, key, color=_INK):
        """Un nœud ⊙ (produit terme à terme) ou + (somme)."""
        alpha = self.alpha(key)
        circ = Circle((x, y), _R, facecolor="white", edgecolor=color, lw=2.0, alpha=1.0, zorder=6)
        circ.set_gid(f"noeud_{'produit' if kind == 'mul' else 'somme'}_{key}")
        self.ax.add_patch(circ)
        if alpha < 1:
            # Cercle blanc opaque (il masque les lignes) puis le trait estompé.
            circ.set_edgecolor("white")
            self.ax.add_patch(Circle((x, y), _R, facecolor="none", edgecolor=color, lw=2.0,
                                     alpha=alpha, zorder=6.5))
        if kind == "mul":
            self.ax.add_patch(Circle((x, y), _R * 0.22, facecolor=color, edgecolor="none",
                                     alpha=alpha, zorder=7))
        else:
            d = _R * 0.55
            self.ax.plot([x - d, x + d], [y, y], color=color, lw=2.2, alpha=alpha, zorder=7)
            self.ax.plot([x, x], [y - d, y + d], color=color, lw=2.2, alpha=alpha, zorder=7)

    def label(self, x, y, text, key, color, *, size=13, ha="center", va="center", weight="normal",
              style="normal"):
        self.ax.text(x, y, text, ha=ha, va=va, color=color, fontsize=size, fontweight=weight,
                     fontstyle=style, alpha=self.alpha(key), zorder=8)


def draw_lstm_cell(ax=None, *, highlight=None, x_description="[amplitude, distance]",
                   title="Une cellule LSTM au pas de temps $t$", legend=True):
    """Dessine le schéma d'une cellule LSTM et rend la figure.

    Entrées à gauche et en bas (``c_{t−1}``, ``h_{t−1}``, ``x_t``), sorties à
    droite (``c_t``, ``h_t``). En haut, la mémoire traverse la cellule comme
    un tapis roulant : elle n'y subit qu'un produit terme à terme par ``f_t``
    (⊙) et une somme avec ``i_t ⊙ ĉ_t`` (+). En bas, le vecteur
    ``[h_{t−1}, x_t]`` alimente les quatre portes : ``f_t`` (σ), ``i_t`` (σ),
    ``ĉ_t`` (tanh) et ``o_t`` (σ). À droite, ``h_t = o_t ⊙ tanh(c_t)``.

    - ``ax`` : un Axes où dessiner (None : une nouvelle figure 12 × 7) ;
    - ``highlight`` : None (tout en couleur), ou une clé / une liste de clés
      parmi ``"f", "i", "c_hat", "c", "o", "h", "x"`` : ces chemins restent
      en couleur, le reste est estompé ;
    - ``x_description`` : ce que contient ``x_t`` (écrit sous l'entrée ; None
      pour ne rien écrire) ;
    - ``title`` : le titre (None : pas de titre) ;
    - ``legend`` : ajoute la légende des portes sous le schéma.
    """
    where = "draw_lstm_cell"
    shown = _check_highlight(highlight)
    ax = _check_ax(ax, where)
    if x_description is not None and not isinstance(x_description, str):
        raise TypeError(f"{where} : « x_description » doit être une chaîne ou None, "
                        f"reçu un objet de type {type(x_description).__name__}.")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"{where} : « title » doit être une chaîne ou None, "
                        f"reçu un objet de type {type(title).__name__}.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(12, 7.2), layout="constrained")
    else:
        fig = ax.figure
    p = _Painter(ax, _Painter.visible(shown))
    C = GATE_COLORS

    # Le cadre de la cellule.
    frame = FancyBboxPatch((1.35, 0.75), 9.0, 5.55, boxstyle="round,pad=0.02,rounding_size=0.35",
                           facecolor=_CELL_FACE, edgecolor="#9A9A9A", lw=1.4, zorder=0)
    frame.set_gid("cadre_cellule")
    ax.add_patch(frame)
    ax.text(10.2, 0.95, "cellule LSTM", ha="right", va="bottom", fontsize=11, color="#6A6A6A",
            fontstyle="italic", zorder=1)

    # 1. Le tapis roulant de la mémoire : c_{t−1} → ⊙ f_t → + i_t⊙ĉ_t → c_t.
    x_f, x_add = _X["f"], _X["c_hat"]
    p.line([(0.35, _Y_BELT), (x_f - _R, _Y_BELT)], "c", C["c"], lw=4.5)
    p.line([(x_f + _R, _Y_BELT), (x_add - _R, _Y_BELT)], "c", C["c"], lw=4.5)
    p.line([(x_add + _R, _Y_BELT), (11.65, _Y_BELT)], "c", C["c"], lw=4.5, arrow=True)
    p.label(0.3, _Y_BELT + 0.38, "$c_{t-1}$", "c", C["c"], size=16, ha="left")
    p.label(11.7, _Y_BELT + 0.38, "$c_t$", "c", C["c"], size=16, ha="right")
    p.label((x_add + 10.35) / 2 + 0.35, _Y_BELT + 0.55, "mémoire : le « tapis roulant »", "c", C["c"],
            size=11.5, style="italic")

    # 2. Le bus [h_{t−1}, x_t] en bas.
    p.line([(0.35, _Y_BUS), (_X_IN, _Y_BUS)], "h_in", C["h"], lw=2.6)
    p.line([(_X_IN, _Y_BUS), (_X["o"], _Y_BUS)], "bus", _INK, lw=2.6)
    p.label(0.3, _Y_BUS + 0.33, "$h_{t-1}$", "h_in", C["h"], size=16, ha="left")
    p.line([(_X_IN, 0.1), (_X_IN, _Y_BUS - 0.07)], "x", C["x"], lw=2.6, arrow=True)
    ax.add_patch(Circle((_X_IN, _Y_BUS), 0.08, color=_INK, zorder=5))
    p.label(_X_IN - 0.15, 0.28, "$x_t$", "x", C["x"], size=16, ha="right")
    if x_description:
        p.label(_X_IN + 0.15, 0.28, f"$=$ {x_description}", "x", C["x"], size=11.5, ha="left")
    p.label((_X_IN + _X["f"]) / 2 + 0.1, _Y_BUS - 0.28, "$[h_{t-1}, x_t]$", "bus", _INK, size=12)

    # 3. Les quatre portes, alimentées par le bus.
    symbols = {"f": "σ", "i": "σ", "c_hat": "tanh", "o": "σ"}
    for key, sym in symbols.items():
        xg = _X[key]
        ax.add_patch(Circle((xg, _Y_BUS), 0.06, color=_INK, zorder=5))
        p.line([(xg, _Y_BUS), (xg, _Y_GATE - _GATE_H / 2)], key, _INK, lw=1.8, arrow=True)
        p.gate(key, sym)

    # f_t → ⊙ sur le tapis.
    top = _Y_GATE + _GATE_H / 2
    p.line([(x_f, top), (x_f, _Y_BELT - _R)], "f", C["f"], lw=2.6, arrow=True)
    p.node(x_f, _Y_BELT, "mul", "f" if "f" in shown else "c")
    p.label(x_f - 0.18, (top + _Y_BELT) / 2, "$f_t$", "f", C["f"], size=16, ha="right")

    # i_t et ĉ_t → ⊙ → + sur le tapis.
    x_i = _X["i"]
    p.line([(x_i, top), (x_i, _Y_MUL_IN), (x_add - _R, _Y_MUL_IN)], "i", C["i"], lw=2.6, arrow=True)
    p.label(x_i - 0.18, (top + _Y_MUL_IN) / 2, "$i_t$", "i", C["i"], size=16, ha="right")
    p.line([(x_add, top), (x_add, _Y_MUL_IN - _R)], "c_hat", C["c_hat"], lw=2.6, arrow=True)
    p.label(x_add + 0.18, (top + _Y_MUL_IN) / 2 - 0.05, r"$\hat{c}_t$", "c_hat", C["c_hat"], size=16,
            ha="left")
    in_keys = shown & {"i", "c_hat"}
    p.node(x_add, _Y_MUL_IN, "mul", next(iter(in_keys)) if in_keys else "i")
    p.line([(x_add, _Y_MUL_IN + _R), (x_add, _Y_BELT - _R)], "i" if "i" in shown else "c_hat", _INK,
           lw=2.2, arrow=True)
    p.label(x_add + 0.18, (_Y_MUL_IN + _Y_BELT) / 2, r"$i_t \odot \hat{c}_t$", "i" if "i" in shown
            else "c_hat", _INK, size=12.5, ha="left")
    p.node(x_add, _Y_BELT, "add", "c")

    # Sortie : c_t → tanh → ⊙ o_t → h_t.
    p.line([(_X_TANH, _Y_BELT), (_X_TANH, _Y_TANH + 0.27)], "o", C["c"], lw=2.4, arrow=True)
    ax.add_patch(Circle((_X_TANH, _Y_BELT), 0.07, color=C["c"], zorder=5))
    tanh_box = FancyBboxPatch((_X_TANH - 0.42, _Y_TANH - 0.25), 0.84, 0.5,
                              boxstyle="round,pad=0.02,rounding_size=0.22", facecolor="white",
                              edgecolor=C["o"], lw=1.8, alpha=p.alpha("o"), zorder=4)
    tanh_box.set_gid("tanh_sortie")
    ax.add_patch(tanh_box)
    p.label(_X_TANH, _Y_TANH, "tanh", "o", _INK, size=12)
    p.line([(_X_TANH, _Y_TANH - 0.27), (_X_TANH, _Y_OUT + _R)], "o", _INK, lw=2.2, arrow=True)
    x_o = _X["o"]
    p.line([(x_o, top), (x_o, _Y_OUT), (_X_TANH - _R, _Y_OUT)], "o", C["o"], lw=2.6, arrow=True)
    p.label(x_o - 0.18, (top + _Y_OUT) / 2 + 0.12, "$o_t$", "o", C["o"], size=16, ha="right")
    p.node(_X_TANH, _Y_OUT, "mul", "o")
    p.line([(_X_TANH + _R, _Y_OUT), (11.65, _Y_OUT)], "h", C["h"], lw=2.6, arrow=True)
    p.label(11.7, _Y_OUT + 0.38, "$h_t$", "h", C["h"], size=16, ha="right")
    p.label(10.55, _Y_OUT - 0.22, "vers le pas suivant\net la couche suivante", "h", C["h"], size=9.5,
            ha="left", va="top", style="italic")

    ax.set_xlim(0, 12)
    ax.set_ylim(-0.15, 6.55)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=15)
    if legend:
        handles = [Patch(facecolor=C[k], edgecolor=C[k], alpha=p.alpha(k),
                         label=f"{GATE_LABELS[k]} ({sym})")
                   for k, sym in symbols.items()]
        handles.append(Patch(facecolor=C["c"], alpha=p.alpha("c"), label=GATE_LABELS["c"]))
        handles.append(Patch(facecolor=C["h"], alpha=p.alpha("h"), label=GATE_LABELS["h"]))
        handles.append(Patch(facecolor="white", edgecolor=_INK, label="⊙ produit terme à terme, + somme"))
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=4,
                  frameon=False, fontsize=10.5, handlelength=1.4, columnspacing=1.4)
    return fig


# --------------------------------------------------------------------------
# Les tiroirs
# --------------------------------------------------------------------------

def _french_number(value, _pos=None):
    return format_fr(value, 1)


_MAX_DRAWERS = 16  # au-delà, les barres et leurs valeurs ne se lisent plus


def _check_drawers(where, gates, c_hat, decimals, title):
    """Ce que vérifient les deux figures des tiroirs : 1 à 16 dimensions, portes dans [0, 1],
    candidat dans [−1, 1], ``decimals`` et ``title``."""
    H = c_hat.shape[0]
    if not 1 <= H <= _MAX_DRAWERS:
        raise ValueError(f"{where} : il faut entre 1 et {_MAX_DRAWERS} dimensions pour une figure "
                         f"lisible, reçu {H}.")
    for name, arr in gates.items():
        if np.any((arr < 0) | (arr > 1)):
            raise ValueError(f"{where} : « {name} » est une porte (une sigmoïde) et doit être dans "
                             f"[0, 1], reçu par exemple {arr[(arr < 0) | (arr > 1)][0]}.")
    if np.any(np.abs(c_hat) > 1):
        raise ValueError(f"{where} : « c_hat » est un candidat (une tanh) et doit être dans [−1, 1], "
                         f"reçu par exemple {c_hat[np.abs(c_hat) > 1][0]}.")
    if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)) or not 0 <= decimals <= 6:
        raise ValueError(f"{where} : « decimals » doit être un entier entre 0 et 6, reçu {decimals!r}.")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"{where} : « title » doit être une chaîne ou None, "
                        f"reçu un objet de type {type(title).__name__}.")


def plot_drawers(i, c_hat, *, title="La porte d'entrée ouvre les tiroirs de la mémoire",
                 decimals=2):
    """Les « tiroirs » de la mémoire : ``i_t``, ``ĉ_t`` et ``i_t ⊙ ĉ_t``, dimension par dimension.

    Trois panneaux côte à côte, une barre par dimension (un tiroir) :

    1. la porte d'entrée ``i_t`` (dans [0, 1]) : de combien chaque tiroir est
       ouvert (le contour gris marque un tiroir grand ouvert, ``i = 1``) ;
    2. le candidat ``ĉ_t`` (dans [−1, 1]) : ce qu'on propose d'y ranger ;
    3. ``i_t ⊙ ĉ_t`` : ce qui entre vraiment dans la mémoire.

    Chaque barre porte sa valeur, arrondie à ``decimals`` décimales (un
    ``−0`` est écrit ``0``). ``i`` et ``c_hat`` sont deux vecteurs de même
    longueur (1 à 16). Rend la figure.
    """
    where = "plot_drawers"
    i = as_float_array(i, "i", where)
    c_hat = as_float_array(c_hat, "c_hat", where)
    check_ndim(i, (1,), "i", where, "(H,) (un vecteur, un tiroir par dimension)")
    check_ndim(c_hat, (1,), "c_hat", where, "(H,) (un vecteur, un tiroir par dimension)")
    if i.shape != c_hat.shape:
        raise ValueError(f"{where} : « i » et « c_hat » doivent avoir la même longueur ; "
                         f"reçu i de forme {i.shape} et c_hat de forme {c_hat.shape}.")
    _check_drawers(where, {"i": i}, c_hat, decimals, title)
    H = i.shape[0]

    added = i * c_hat
    positions = np.arange(H)
    names = [f"tiroir {k + 1}" for k in range(H)]
    width = max(4.0, 1.1 + 0.75 * H)
    fig, axes = plt.subplots(1, 3, figsize=(3 * width, 4.2), sharey=True, layout="constrained")
    panels = [
        (axes[0], i, GATE_COLORS["i"], "porte d'entrée $i_t$\n(ouverture de chaque tiroir)"),
        (axes[1], c_hat, GATE_COLORS["c_hat"], "candidat $\\hat{c}_t$\n(ce qu'on propose de ranger)"),
        (axes[2], added, GATE_COLORS["i"], "ajout $i_t \\odot \\hat{c}_t$\n(ce qui entre dans la mémoire)"),
    ]
    for ax, values, color, panel_title in panels:
        if ax is axes[0]:
            ax.bar(positions, np.ones(H), width=0.62, facecolor="none", edgecolor="#9A9A9A",
                   linestyle="--", lw=1.2, label="tiroir grand ouvert ($i = 1$)")
        bars = ax.bar(positions, values, width=0.62, color=color, edgecolor=color)
        if ax is axes[2]:
            # Bleu hachuré de vert : l'ajout est le produit de la porte (bleu) et du candidat (vert).
            for bar in bars:
                bar.set_hatch("//")
                bar.set_edgecolor(GATE_COLORS["c_hat"])
        for x, v in zip(positions, values):
            shown = np.round(v, decimals) + 0.0  # + 0.0 : −0.0 devient 0.0 (voir le chapitre 2)
            offset = 0.06 if v >= 0 else -0.06
            ax.text(x, v + offset, format_fr(shown, decimals), ha="center",
                    va="bottom" if v >= 0 else "top", fontsize=11)
        ax.axhline(0, color=_INK, lw=0.9)
        ax.set_title(panel_title, fontsize=12)
        ax.set_xticks(positions, names)
        ax.set_xlabel("dimension de la mémoire")
        ax.set_xlim(-0.6, H - 0.4)
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylim(-1.2, 1.25)
    # Virgule décimale et vrai signe moins, à la française.
    axes[0].yaxis.set_major_formatter(FuncFormatter(_french_number))
    axes[0].set_ylabel("valeur (sans unité)")
    axes[0].legend(loc="lower left", fontsize=9.5, frameon=False)
    if title:
        fig.suptitle(title, fontsize=14)
    return fig


# --------------------------------------------------------------------------
# La mise à jour de la mémoire
# --------------------------------------------------------------------------

def _check_vector(value, name, where, H=None):
    arr = as_float_array(value, name, where)
    check_ndim(arr, (1,), name, where, "(H,) (un vecteur, une valeur par dimension)")
    if H is not None and arr.shape != (H,):
        raise ValueError(f"{where} : « {name} » doit avoir la même longueur que « f », {H} ; "
                         f"reçu la forme {arr.shape}.")
    return arr


def plot_memory_update(f, c_prev, i, c_hat, *, names=None,
                       title="$c_t = f_t \\odot c_{t-1} + i_t \\odot \\hat{c}_t$ : "
                             "la part du passé gardée plus la part du présent ajoutée",
                       decimals=2):
    """La mise à jour ``c_t = f_t ⊙ c_{t−1} + i_t ⊙ ĉ_t``, dimension par dimension.

    Pour chaque dimension, quatre barres : l'ancienne mémoire ``c_{t−1}``
    (orange pâle), la part gardée ``f_t ⊙ c_{t−1}`` (couleur de la porte
    d'oubli), la part ajoutée ``i_t ⊙ ĉ_t`` (bleu de la porte d'entrée hachuré
    du vert du candidat, comme dans :func:`plot_drawers`) et la nouvelle mémoire ``c_t`` (orange), qui est
    la somme des deux parts. Le calcul passe par
    :func:`lstm_lib.cells.update_memory`.

    ``f`` et ``i`` dans [0, 1], ``c_hat`` dans [−1, 1], ``c_prev`` quelconque
    (fini) ; quatre vecteurs de même longueur (1 à 16). ``names`` : un nom
    par dimension (par défaut « dimension 1 », « dimension 2 »…). Rend la figure.
    """
    where = "plot_memory_update"
    f = _check_vector(f, "f", where)
    H = f.shape[0]
    c_prev = _check_vector(c_prev, "c_prev", where, H)
    i = _check_vector(i, "i", where, H)
    c_hat = _check_vector(c_hat, "c_hat", where, H)
    _check_drawers(where, {"f": f, "i": i}, c_hat, decimals, title)
    if names is None:
        names = [f"dimension {k + 1}" for k in range(H)]
    elif isinstance(names, str) or len(names) != H or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{where} : « names » doit être une liste de {H} chaînes (une par dimension), "
                         f"reçu {names!r}.")

    zeros = np.zeros(H)
    kept = update_memory(f, c_prev, zeros, zeros)    # f_t ⊙ c_{t−1} (rien d'ajouté)
    added = update_memory(zeros, zeros, i, c_hat)    # i_t ⊙ ĉ_t (rien de gardé)
    c_new = update_memory(f, c_prev, i, c_hat)

    series = [
        (c_prev, "mémoire précédente $c_{t-1}$",
         dict(facecolor=GATE_COLORS["c"], alpha=0.35, edgecolor=GATE_COLORS["c"], linestyle="--")),
        (kept, "part gardée $f_t \\odot c_{t-1}$",
         dict(facecolor=GATE_COLORS["f"], edgecolor=GATE_COLORS["f"])),
        (added, "part ajoutée $i_t \\odot \\hat{c}_t$",
         dict(facecolor=GATE_COLORS["i"], edgecolor=GATE_COLORS["c_hat"], hatch="//")),
        (c_new, "nouvelle mémoire $c_t$ (somme des deux parts)",
         dict(facecolor=GATE_COLORS["c"], edgecolor=_INK)),
    ]
    width = 0.2
    span = float(np.max(np.abs(np.concatenate([c_prev, kept, added, c_new]))))
    top = max(1.0, span) * 1.3
    fig, ax = plt.subplots(figsize=(max(7.0, 1.2 + 2.6 * H), 4.8), layout="constrained")
    positions = np.arange(H)
    for k, (values, label, style) in enumerate(series):
        xs = positions + (k - 1.5) * width
        ax.bar(xs, values, width=width * 0.92, label=label, lw=1.2, **style)
        for x, v in zip(xs, values):
            shown = np.round(v, decimals) + 0.0  # + 0.0 : pas de « −0 » affiché
            ax.text(x, v + (0.03 * top if v >= 0 else -0.03 * top),
                    format_fr(shown, decimals),
                    ha="center", va="bottom" if v >= 0 else "top", fontsize=9.5)
    ax.axhline(0, color=_INK, lw=0.9)
    ax.set_xticks(positions, names)
    ax.set_xlim(-0.6, H - 0.4)
    ax.set_ylim(-top, top)
    ax.yaxis.set_major_formatter(FuncFormatter(_french_number))
    ax.set_xlabel("dimension de la mémoire")
    ax.set_ylabel("valeur (sans unité)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False, fontsize=10)
    if title:
        ax.set_title(title, fontsize=12.5)
    return fig
