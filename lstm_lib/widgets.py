"""Les widgets interactifs du livre, chacun avec son équivalent statique pour le site.

- :func:`cell_explorer` : des curseurs pour ``f``, ``i``, ``ĉ``, ``o`` et
  ``c_{t−1}`` sur une petite cellule à 3 dimensions ; on voit, dimension par
  dimension, ce qui est gardé (``f ⊙ c_{t−1}``), ajouté (``i ⊙ ĉ``), la
  nouvelle mémoire ``c_t`` et la sortie ``h_t``. Équivalent statique :
  :func:`cell_explorer_static`.
- :func:`memory_explorer` : des portes constantes ; la mémoire décroît comme
  ``f^k`` et sa demi-vie vaut ``ln 0,5 / ln f``. Équivalent statique :
  :func:`memory_explorer_static`.

Les calculs passent par les fonctions du livre (:func:`~lstm_lib.cells.update_memory`,
:func:`~lstm_lib.cells.hidden_output`, :func:`~lstm_lib.filters.constant_gate_memory`,
:func:`~lstm_lib.filters.half_life`) : le widget montre exactement ce que calcule la bibliothèque.
"""

from __future__ import annotations

import base64
import html
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from ._checks import as_float_array, check_positive_int, check_unit_interval
from .cells import hidden_output, update_memory
from .filters import constant_gate_memory, half_life
from .style import GATE_COLORS

__all__ = ["cell_explorer", "cell_explorer_static", "memory_explorer", "memory_explorer_static",
           "cell_quantities", "CELL_PRESETS"]

_DIM = 3


def _figure_html(fig, alt: str) -> str:
    """La figure en PNG dans une balise ``<img>`` qui porte un texte alternatif.

    ``display(fig)`` dans un ``widgets.Output`` produirait une image sans
    attribut ``alt`` sur le site ; le widget ``HTML`` garde la balise telle quelle.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<img alt="{html.escape(alt, quote=True)}" style="max-width:100%" '
            f'src="data:image/png;base64,{data}">')

# Réglages représentatifs de la cellule : (titre, f, i, ĉ, o, c_{t−1}).
CELL_PRESETS = (
    ("Les « tiroirs » du texte : i = [1 ; 0 ; 0,5]",
     [1.0, 1.0, 1.0], [1.0, 0.0, 0.5], [0.4, -0.7, 0.2], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]),
    ("Tout garder : f = 1, i = 0",
     [1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [0.9, -0.5, 0.3], [1.0, 1.0, 1.0], [0.8, -0.4, 0.5]),
    ("Tout remplacer : f = 0, i = 1",
     [0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.9, -0.5, 0.3], [1.0, 1.0, 1.0], [0.8, -0.4, 0.5]),
    ("Sortie fermée : o = 0 (la mémoire reste cachée)",
     [0.9, 0.9, 0.9], [0.5, 0.5, 0.5], [0.9, -0.5, 0.3], [0.0, 0.0, 0.0], [0.8, -0.4, 0.5]),
)


def cell_quantities(f, i, c_hat, o, c_prev):
    """Ce que montre l'explorateur de cellule, calculé par les fonctions du livre.

    Rend un dictionnaire de tableaux : ``"gardé"`` = ``f ⊙ c_{t−1}``,
    ``"ajouté"`` = ``i ⊙ ĉ``, ``"c"`` = ``c_t`` (leur somme, par
    :func:`~lstm_lib.cells.update_memory`) et ``"h"`` = ``o ⊙ tanh(c_t)``
    (:func:`~lstm_lib.cells.hidden_output`).
    """
    where = "cell_quantities"
    arrays = {}
    for name, value in (("f", f), ("i", i), ("c_hat", c_hat), ("o", o), ("c_prev", c_prev)):
        arrays[name] = as_float_array(value, name, where)
    for name in ("f", "i", "o"):
        check_unit_interval(arrays[name], name, where)
    c = update_memory(arrays["f"], arrays["c_prev"], arrays["i"], arrays["c_hat"])
    return {
        "gardé": arrays["f"] * arrays["c_prev"],
        "ajouté": arrays["i"] * arrays["c_hat"],
        "c": c,
        "h": hidden_output(arrays["o"], c),
    }


def _french_number(value, digits):
    """Un nombre à la française (virgule décimale) ; « + 0.0 » change −0.0 en 0.0
    (0 × (−0,7) vaut −0.0 en virgule flottante, ce qui s'afficherait « -0,00 »)."""
    return f"{float(value) + 0.0:.{digits}f}".replace(".", ",")


def _draw_cell(ax, quantities, title):
    """Barres groupées par dimension : gardé, ajouté, c_t, h_t."""
    bars = (("gardé", "gardé $f \\odot c_{t-1}$", GATE_COLORS["f"]),
            ("ajouté", "ajouté $i \\odot \\hat{c}$", GATE_COLORS["i"]),
            ("c", "nouvelle mémoire $c_t$", GATE_COLORS["c"]),
            ("h", "sortie $h_t$", GATE_COLORS["h"]))
    n = len(quantities["c"])
    positions = np.arange(n)
    width = 0.2
    for k, (key, label, color) in enumerate(bars):
        values = quantities[key]
        ax.bar(positions + (k - 1.5) * width, values, width, color=color, label=label)
        for p, v in zip(positions + (k - 1.5) * width, values):
            ax.annotate(_french_number(v, 2), (p, v), ha="center", va="bottom" if v >= 0 else "top",
                        fontsize="x-small", xytext=(0, 2 if v >= 0 else -2), textcoords="offset points")
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xticks(positions, [f"dimension {d + 1}" for d in range(n)])
    extent = max(1.2, 1.25 * max(float(np.max(np.abs(v))) for v in quantities.values()))
    ax.set_ylim(-extent, extent)
    ax.set_ylabel("valeur (sans unité)")
    ax.set_title(title, fontsize="medium")
    ax.grid(axis="y", alpha=0.3)


def cell_explorer_static(presets=CELL_PRESETS):
    """L'explorateur de cellule sans noyau : une figure, un panneau par réglage représentatif.

    ``presets`` : une suite de ``(titre, f, i, ĉ, o, c_{t−1})``, chaque
    vecteur de même taille (par défaut :data:`CELL_PRESETS`, dont l'exemple
    des « tiroirs » du texte). Rend la ``Figure``.
    """
    where = "cell_explorer_static"
    presets = list(presets)
    if not presets or any(not isinstance(p, (tuple, list)) or len(p) != 6 for p in presets):
        raise ValueError(
            f"{where} : « presets » doit être une suite non vide de réglages "
            f"(titre, f, i, ĉ, o, c_{{t−1}}), reçu {presets!r:.120}."
        )
    n_cols = 2 if len(presets) > 1 else 1
    n_rows = -(-len(presets) // n_cols)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(6 * n_cols, 3.6 * n_rows), squeeze=False)
    for ax, (title, *gates) in zip(axes.ravel(), presets):
        _draw_cell(ax, cell_quantities(*gates), title)
    for ax in axes.ravel()[len(presets):]:
        ax.set_visible(False)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4)
    fig.suptitle("Une cellule à 3 dimensions : ce qui est gardé, ajouté, puis mémorisé et sorti")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def _table(quantities, f, i, c_hat, o, c_prev):
    rows = (("f", f), ("i", i), ("ĉ", c_hat), ("o", o), ("c<sub>t−1</sub>", c_prev),
            ("gardé f ⊙ c<sub>t−1</sub>", quantities["gardé"]), ("ajouté i ⊙ ĉ", quantities["ajouté"]),
            ("c<sub>t</sub>", quantities["c"]), ("h<sub>t</sub>", quantities["h"]))
    body = "".join(
        f"<tr><th style='text-align:left'>{name}</th>"
        + "".join(f"<td style='padding:0 8px'>{_french_number(v, 3)}</td>" for v in np.asarray(values))
        + "</tr>"
        for name, values in rows
    )
    header = "".join(f"<th>dim. {d + 1}</th>" for d in range(_DIM))
    return f"<table><tr><th></th>{header}</tr>{body}</table>"


def cell_explorer():
    """Un explorateur interactif de cellule (ipywidgets) : 15 curseurs, un tableau, une figure.

    Une ligne de curseurs par dimension (3 dimensions) pour ``f``, ``i``,
    ``ĉ``, ``o`` et ``c_{t−1}`` ; à chaque changement, le tableau et la figure
    montrent ``f ⊙ c_{t−1}``, ``i ⊙ ĉ``, ``c_t`` et ``h_t``. Réglage de départ :
    l'exemple des « tiroirs » du texte. Rend le widget (à afficher en dernière
    ligne d'une cellule). Sur le site, sans noyau, voir :func:`cell_explorer_static`.
    """
    _, f0, i0, c_hat0, o0, c_prev0 = CELL_PRESETS[0]
    # (nom dans le code, étiquette affichée, valeurs de départ, min, max)
    specs = (("f", "f", f0, 0.0, 1.0), ("i", "i", i0, 0.0, 1.0), ("c_hat", "ĉ", c_hat0, -1.0, 1.0),
             ("o", "o", o0, 0.0, 1.0), ("c_prev", "cₜ₋₁", c_prev0, -2.0, 2.0))
    sliders = {
        name: [widgets.FloatSlider(value=start[d], min=lo, max=hi, step=0.05, description=f"{label} [{d + 1}]",
                                   continuous_update=False, readout_format=".2f",
                                   layout=widgets.Layout(width="225px"),
                                   style={"description_width": "52px"})
               for d in range(_DIM)]
        for name, label, start, lo, hi in specs
    }
    table = widgets.HTML()
    figure = widgets.HTML()

    def update(_change=None):
        values = {name: np.array([s.value for s in row]) for name, row in sliders.items()}
        args = (values["f"], values["i"], values["c_hat"], values["o"], values["c_prev"])
        quantities = cell_quantities(*args)
        table.value = _table(quantities, *args)
        fig, ax = plt.subplots(figsize=(7, 3.6))
        _draw_cell(ax, quantities, "Mise à jour de la mémoire, dimension par dimension")
        ax.legend(loc="upper right", fontsize="small")
        fig.tight_layout()
        figure.value = _figure_html(
            fig, "Barres par dimension\u00a0: part du passé gardée f⊙cₜ₋₁, part du présent ajoutée i⊙ĉ, "
                 "nouvelle mémoire cₜ et sortie hₜ, pour les réglages des curseurs.")

    for row in sliders.values():
        for s in row:
            s.observe(update, names="value")
    update()
    # Une ligne par grandeur (f, i, ĉ, o, c_{t−1}), trois curseurs par ligne :
    # environ 680 px de large, la largeur de la colonne de texte du site.
    rows = [widgets.HBox(row) for row in sliders.values()]
    box = widgets.VBox([widgets.HTML("<b>Explorateur de cellule LSTM</b> — réglez les portes de chaque dimension"),
                        *rows, table, figure])
    box.sliders = sliders  # accès direct aux curseurs : box.sliders["f"][0] est f de la dimension 1
    box.table = table
    return box


def _memory_curve(f, i, x_value, steps, c0=1.0):
    """``c_k`` pour des portes constantes et une entrée constante, depuis ``c_0``."""
    return constant_gate_memory(np.full(steps, x_value), f, i=i, c0=c0)


def _half_life_text(f, formula=True):
    value = half_life(f)
    if np.isinf(value):
        return "demi-vie infinie (f = 1 : rien ne s'oublie)"
    return ("demi-vie ln 0,5 / ln f = " if formula else "demi-vie ") + _french_number(value, 1) + " pas"


def memory_explorer_static(fs=(0.5, 0.8, 0.9, 0.97), steps=60):
    """La décroissance de la mémoire sans noyau : ``c_k = f^k`` pour plusieurs ``f`` et leurs demi-vies.

    ``fs`` : les portes d'oubli constantes (dans ``[0, 1]``) ; ``steps`` : le
    nombre de pas montrés. Chaque courbe part de ``c_0 = 1`` sans rien
    ajouter (``i = 0``) et un point marque sa demi-vie. Rend la ``Figure``.
    """
    where = "memory_explorer_static"
    fs_arr = as_float_array(fs, "fs", where)
    if fs_arr.ndim != 1 or len(fs_arr) == 0 or len(fs_arr) > 6:
        raise ValueError(f"{where} : « fs » doit être une liste de 1 à 6 portes d'oubli, reçu {fs!r}.")
    check_unit_interval(fs_arr, "fs", where)
    steps = check_positive_int(steps, "steps", where, minimum=2)
    fig, ax = plt.subplots(figsize=(7, 4))
    k = np.arange(steps + 1)
    shades = np.linspace(0.35, 1.0, len(fs_arr))
    for f, alpha in zip(fs_arr, shades):
        f = float(f)
        c = np.concatenate([[1.0], _memory_curve(f, 0.0, 0.0, steps)])
        ax.plot(k, c, color=GATE_COLORS["c"], alpha=float(alpha), linewidth=2,
                label=f"f = {f:g}".replace(".", ",") + " : " + _half_life_text(f, formula=False))
        hl = half_life(f)
        if np.isfinite(hl) and hl <= steps:
            ax.plot([hl], [0.5], "o", color=GATE_COLORS["f"], alpha=float(alpha))
    ax.axhline(0.5, color="black", linewidth=0.8, linestyle=":")
    ax.set_xlabel("pas de temps k depuis la dernière écriture")
    ax.set_ylabel("mémoire $c_k$ (sans unité)")
    ax.set_ylim(-0.02, 1.05)
    ax.set_title("Porte d'oubli constante : la mémoire décroît comme $f^k$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def memory_explorer(steps=60):
    """Un explorateur interactif de la mémoire à portes constantes (ipywidgets).

    Curseurs : la porte d'oubli ``f``, la porte d'entrée ``i`` et une entrée
    constante ``x``. La mémoire part de ``c_0 = 1`` et suit
    ``c_k = f · c_{k−1} + i · x`` ; la courbe pointillée est ``f^k`` (rien
    d'ajouté) et le texte donne la demi-vie ``ln 0,5 / ln f``. Rend le widget.
    Sur le site, sans noyau, voir :func:`memory_explorer_static`.
    """
    steps = check_positive_int(steps, "steps", "memory_explorer", minimum=2)
    layout = widgets.Layout(width="360px")
    f_slider = widgets.FloatSlider(value=0.9, min=0.0, max=1.0, step=0.01, description="f (oubli)",
                                   continuous_update=False, layout=layout)
    i_slider = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.01, description="i (entrée)",
                                   continuous_update=False, layout=layout)
    x_slider = widgets.FloatSlider(value=0.0, min=-1.0, max=1.0, step=0.05, description="x (entrée)",
                                   continuous_update=False, layout=layout)
    text = widgets.HTML()
    figure = widgets.HTML()

    def update(_change=None):
        f, i, x = f_slider.value, i_slider.value, x_slider.value
        k = np.arange(steps + 1)
        c = np.concatenate([[1.0], _memory_curve(f, i, x, steps)])
        text.value = html.escape(_half_life_text(f)) + (
            " ; valeur d'équilibre i·x / (1 − f) = " + _french_number(i * x / (1 - f), 3) if f < 1 else "")
        fig, ax = plt.subplots(figsize=(7, 3.6))
        ax.plot(k, c, color=GATE_COLORS["c"], linewidth=2, label="mémoire $c_k$")
        ax.plot(k, float(f) ** k, color=GATE_COLORS["f"], linestyle="--", label="$f^k$ (rien d'ajouté)")
        ax.axhline(0.5, color="black", linewidth=0.8, linestyle=":")
        ax.set_xlabel("pas de temps k")
        ax.set_ylabel("mémoire (sans unité)")
        ax.set_ylim(min(-0.05, c.min() - 0.05), max(1.05, c.max() + 0.05))
        ax.set_title("Mémoire à portes constantes : $c_k = f\\,c_{k-1} + i\\,x$")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
        fig.tight_layout()
        figure.value = _figure_html(
            fig, f"Courbe de la mémoire c_k sur {steps} pas avec f = {_french_number(f, 2)}, i = {_french_number(i, 2)}, "
                 f"x = {_french_number(x, 2)}, et la décroissance f^k\u00a0; la ligne pointillée marque la moitié (demi-vie).")

    for s in (f_slider, i_slider, x_slider):
        s.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HTML("<b>Explorateur de mémoire</b> — portes constantes"),
                        f_slider, i_slider, x_slider, text, figure])
    box.sliders = {"f": f_slider, "i": i_slider, "x": x_slider}
    box.text = text
    return box
