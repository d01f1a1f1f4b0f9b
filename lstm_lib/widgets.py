"""Les widgets interactifs du livre, qui marchent aussi sur le site sans noyau, et leurs équivalents statiques.

Explorateurs des chapitres :

- :func:`cell_explorer` : des curseurs pour ``f``, ``i``, ``ĉ``, ``o`` et ``c_{t−1}`` sur
  une petite cellule à 3 dimensions ; on voit, dimension par dimension, ce qui est
  gardé (``f ⊙ c_{t−1}``), ajouté (``i ⊙ ĉ``), la nouvelle mémoire ``c_t`` et la sortie
  ``h_t``. Équivalent statique (impression, PDF) : :func:`cell_explorer_static`.
- :func:`memory_explorer` : des portes constantes ; la mémoire décroît comme ``f^k`` et
  sa demi-vie vaut ``ln 0,5 / ln f``. Équivalent statique : :func:`memory_explorer_static`.

Aides des cahiers d'exercices (un curseur, une phrase) : :func:`gradient_decay_explorer`
(il reste ``100 · 0,9ⁿ %`` du gradient), :func:`gate_bias_explorer` (``f = σ(b_f)``),
:func:`saturation_explorer` (``c_t = 0,5 · t`` et ``tanh c_t``), :func:`half_life_explorer`
(``f¹⁰`` et la demi-vie).

Résultats précalculés (expériences réelles, grilles de réglages) : :func:`grid_explorer`,
un curseur par axe d'une grille de valeurs calculées en Python (nombres, courbes, textes) ;
la page ne calcule rien.

**Comment ils marchent, et pourquoi ainsi.** Chaque widget est un ``anywidget.AnyWidget``
dont le front-end est un seul module JavaScript, ``lstm_lib/front/explorer.js`` : dans
Jupyter, Colab et Binder, anywidget le charge ; sur le site, le build enregistre l'état du
widget à côté de la page et ``tools/widgets-loader.js`` (14 Ko) y charge le même module, sans
noyau, sans Binder, sans requête à un tiers. Une seule définition par widget. Trois
solutions ont été mesurées (``benchmarks/bench_site.py``, chapitre 2, Chromium, machine à
2 cœurs partagés) :

- le gestionnaire ``@jupyter-widgets/html-manager`` (l'ancienne solution) pèse 3,5 Mo
  à lui seul et ne fait qu'afficher l'état enregistré : sans noyau, ses curseurs ne
  changent rien (un contrôle mort) ;
- une grille d'états calculée au build par lstm_lib : exacte, mais sa taille est le
  produit des positions des curseurs — 21 × 21 × 41 × 21 × 81 ≈ 3 × 10⁷ états par
  dimension pour l'explorateur de cellule, 101 × 101 × 41 × 61 ≈ 2,6 × 10⁷ nombres pour
  celui de la mémoire : impossible à embarquer. Elle reste la bonne voie pour montrer
  des résultats d'expériences (on ne ré-entraîne pas un réseau dans la page) : c'est
  :func:`grid_explorer` ;
- anywidget avec les calculs dans le module (quelques lignes : produits, sommes, tanh,
  log) : 23 Ko de module par widget, dans la page, et une image suivante 30 ms après un
  mouvement de curseur (médiane ; 62 ms au plus, chapitre 2, machine chargée). C'est le
  choix retenu. Ces lignes recopient lstm_lib : les tests les comparent à lstm_lib dans
  Node (``tests/test_lib_widgets.py``) et dans la page (``tests/browser/test_widgets.py``,
  ≤ 1e-6) ; :meth:`Explorer.shown` est, pour chaque
  widget, ce qu'il doit afficher, calculé par les fonctions du livre.

Les nombres affichés sont écrits à la française comme :func:`~lstm_lib.style.format_fr`
(« 0,90 », « −0,70 » avec un vrai signe moins) ; chaque curseur a un nom accessible et se
règle au clavier (flèches, Début, Fin).
"""

from __future__ import annotations

import re
from pathlib import Path

import anywidget
import matplotlib.pyplot as plt
import numpy as np
import traitlets

from ._checks import as_float_array, check_positive_int, check_real, check_unit_interval
from .cells import hidden_output, sigmoid, update_memory
from .filters import constant_gate_memory, half_life
from .style import GATE_COLORS, format_fr

__all__ = [
    "Explorer",
    "cell_explorer",
    "cell_explorer_static",
    "memory_explorer",
    "memory_explorer_static",
    "gradient_decay_explorer",
    "gate_bias_explorer",
    "saturation_explorer",
    "half_life_explorer",
    "grid_explorer",
    "precomputed_grid",
    "cell_quantities",
    "CELL_PRESETS",
]

FRONT_END = Path(__file__).resolve().parent / "front"
_DIM = 3


class Explorer(anywidget.AnyWidget):
    """Un explorateur du livre : un ou plusieurs curseurs, des nombres, parfois une figure.

    - ``kind`` : la sorte d'explorateur (``"cell"``, ``"memory"``, ``"grid"``…), qui choisit
      la vue dans ``front/explorer.js`` ;
    - ``config`` : ce qui ne bouge pas (curseurs, libellés, couleurs, tableaux précalculés) ;
    - ``values`` : la position des curseurs, tenue à jour par la page (dans un noyau, on
      peut la lire ou l'observer : ``widget.observe(rappel, "values")``).

    Les widgets se créent par les fonctions du module (:func:`cell_explorer`…).
    """

    _esm = FRONT_END / "explorer.js"
    _css = FRONT_END / "explorer.css"
    kind = traitlets.Unicode().tag(sync=True)
    config = traitlets.Dict().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)

    kind_name = ""  # la sorte de chaque sous-classe, que lit front/explorer.js

    def __init__(self, **kwargs):
        kwargs.setdefault("kind", self.kind_name)
        super().__init__(**kwargs)

    def shown(self, values=None) -> dict:
        """Ce que le widget affiche pour ces positions de curseurs (par défaut ``self.values``),
        calculé par les fonctions du livre : un dictionnaire nom → nombre ou liste de nombres."""
        raise NotImplementedError

    def _values(self, values):
        return dict(self.values if values is None else values)

    @classmethod
    def from_state(cls, state: dict) -> "Explorer":
        """Le widget décrit par un état enregistré (celui qu'une page du site embarque) :
        ``{"kind", "config", "values", …}``. Sert aux tests, qui comparent la page à :meth:`shown`."""
        kinds = {sub.__dict__.get("kind_name"): sub for sub in cls.__subclasses__()}
        kind = state.get("kind")
        if kind not in kinds:
            raise ValueError(f"Explorer.from_state\xa0: sorte de widget inconnue {kind!r} (connues\xa0: {sorted(k for k in kinds if k)}).")
        return kinds[kind](config=state["config"], values=state["values"])


# --- L'explorateur de cellule (chapitre 2) -------------------------------------------------

# Réglages représentatifs de la cellule : (titre, f, i, ĉ, o, c_{t−1}).
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

    Rend un dictionnaire de tableaux : ``"kept"`` (gardé) = ``f ⊙ c_{t−1}``,
    ``"added"`` (ajouté) = ``i ⊙ ĉ``, ``"c"`` = ``c_t`` (leur somme, par
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
        "kept": arrays["f"] * arrays["c_prev"],
        "added": arrays["i"] * arrays["c_hat"],
        "c": c,
        "h": hidden_output(arrays["o"], c),
    }


class CellExplorer(Explorer):
    """L'explorateur de cellule : voir :func:`cell_explorer`."""

    kind_name = "cell"

    def shown(self, values=None):
        v = self._values(values)
        q = cell_quantities(v["f"], v["i"], v["c_hat"], v["o"], v["c_prev"])
        return {name: [float(x) for x in array] for name, array in q.items()}


def cell_explorer():
    """Un explorateur de cellule : 15 curseurs, un tableau, une figure ; il marche aussi sur le site.

    Une ligne de curseurs par grandeur (``f``, ``i``, ``ĉ``, ``o``, ``c_{t−1}``) et une
    colonne par dimension (3 dimensions) ; à chaque mouvement, le tableau et la figure
    montrent ``f ⊙ c_{t−1}``, ``i ⊙ ĉ``, ``c_t`` et ``h_t``. Réglage de départ : l'exemple
    des « tiroirs » du texte. Rend le widget (à afficher en dernière ligne d'une cellule) ;
    ``widget.shown()`` donne les nombres affichés. Pour l'impression : :func:`cell_explorer_static`.
    """
    _, f0, i0, c_hat0, o0, c_prev0 = CELL_PRESETS[0]
    # (nom, libellé, min, max) ; pas de 0,05 partout.
    specs = (("f", "f (oubli)", 0.0, 1.0), ("i", "i (entrée)", 0.0, 1.0), ("c_hat", "ĉ (candidat)", -1.0, 1.0),
             ("o", "o (sortie)", 0.0, 1.0), ("c_prev", "cₜ₋₁ (ancienne mémoire)", -2.0, 2.0))
    config = {
        "title": "Explorateur de cellule LSTM",
        "subtitle": "réglez les portes de chaque dimension",
        "dims": _DIM,
        "digits": 3,
        "sliders": [{"name": n, "label": label, "min": lo, "max": hi, "step": 0.05, "digits": 2}
                    for n, label, lo, hi in specs],
        "colors": {"kept": GATE_COLORS["f"], "added": GATE_COLORS["i"], "c": GATE_COLORS["c"], "h": GATE_COLORS["h"]},
    }
    values = {"f": f0, "i": i0, "c_hat": c_hat0, "o": o0, "c_prev": c_prev0}
    return CellExplorer(config=config, values={k: list(map(float, v)) for k, v in values.items()})


def _draw_cell(ax, quantities, title):
    """Barres groupées par dimension : gardé, ajouté, c_t, h_t."""
    bars = (("kept", "gardé $f \\odot c_{t-1}$", GATE_COLORS["f"]),
            ("added", "ajouté $i \\odot \\hat{c}$", GATE_COLORS["i"]),
            ("c", "nouvelle mémoire $c_t$", GATE_COLORS["c"]),
            ("h", "sortie $h_t$", GATE_COLORS["h"]))
    n = len(quantities["c"])
    positions = np.arange(n)
    width = 0.2
    for k, (key, label, color) in enumerate(bars):
        values = quantities[key]
        ax.bar(positions + (k - 1.5) * width, values, width, color=color, label=label)
        for p, v in zip(positions + (k - 1.5) * width, values):
            # « + 0.0 » : 0 × (−0,7) vaut −0.0 en virgule flottante, qui s'écrirait « −0,00 ».
            ax.annotate(format_fr(float(v) + 0.0, 2), (p, v), ha="center", va="bottom" if v >= 0 else "top",
                        fontsize="x-small", xytext=(0, 2 if v >= 0 else -2), textcoords="offset points")
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xticks(positions, [f"dimension {d + 1}" for d in range(n)])
    extent = max(1.2, 1.25 * max(float(np.max(np.abs(v))) for v in quantities.values()))
    ax.set_ylim(-extent, extent)
    ax.set_ylabel("valeur (sans unité)")
    ax.set_title(title, fontsize="medium")
    ax.grid(axis="y", alpha=0.3)


def cell_explorer_static(presets=CELL_PRESETS):
    """L'explorateur de cellule pour l'impression : une figure, un panneau par réglage représentatif.

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


# --- L'explorateur de mémoire (chapitre 3) -------------------------------------------------

class MemoryExplorer(Explorer):
    """L'explorateur de mémoire : voir :func:`memory_explorer`."""

    kind_name = "memory"

    def shown(self, values=None):
        v = self._values(values)
        f, i, x = float(v["f"]), float(v["i"]), float(v["x"])
        steps, c0 = self.config["steps"], self.config["c0"]
        curve = np.concatenate([[c0], constant_gate_memory(np.full(steps, x), f, i=i, c0=c0)])
        return {
            "curve": curve.tolist(),
            "decay": (f ** np.arange(steps + 1)).tolist(),
            "half_life": half_life(f),
            "equilibrium": i * x / (1 - f) if f < 1 else None,
        }


def memory_explorer(steps=60):
    """Un explorateur de la mémoire à portes constantes ; il marche aussi sur le site.

    Curseurs : la porte d'oubli ``f``, la porte d'entrée ``i`` et une entrée constante
    ``x``. La mémoire part de ``c_0 = 1`` et suit ``c_k = f · c_{k−1} + i · x`` pendant
    ``steps`` pas ; la courbe pointillée est ``f^k`` (rien d'ajouté) et le texte donne la
    demi-vie ``ln 0,5 / ln f`` et la valeur d'équilibre ``i · x / (1 − f)``. Rend le widget.
    Pour l'impression : :func:`memory_explorer_static`.
    """
    steps = check_positive_int(steps, "steps", "memory_explorer", minimum=2)
    config = {
        "title": "Explorateur de mémoire",
        "subtitle": "portes constantes",
        "steps": steps,
        "c0": 1.0,
        "sliders": [
            {"name": "f", "label": "f (porte d'oubli)", "min": 0.0, "max": 1.0, "step": 0.01, "digits": 2},
            {"name": "i", "label": "i (porte d'entrée)", "min": 0.0, "max": 1.0, "step": 0.01, "digits": 2},
            {"name": "x", "label": "x (valeur d'entrée)", "min": -1.0, "max": 1.0, "step": 0.05, "digits": 2},
        ],
        "colors": {"c": GATE_COLORS["c"], "f": GATE_COLORS["f"]},
    }
    return MemoryExplorer(config=config, values={"f": 0.9, "i": 0.0, "x": 0.0})


def _half_life_text(f):
    value = half_life(f)
    if np.isinf(value):
        return "demi-vie infinie (f = 1 : rien ne s'oublie)"
    return "demi-vie " + format_fr(value, 1) + "\u00a0pas"


def memory_explorer_static(fs=(0.5, 0.8, 0.9, 0.97), steps=60):
    """La décroissance de la mémoire pour l'impression : ``c_k = f^k`` pour plusieurs ``f`` et leurs demi-vies.

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
        c = np.concatenate([[1.0], constant_gate_memory(np.zeros(steps), f, i=0.0, c0=1.0)])
        ax.plot(k, c, color=GATE_COLORS["c"], alpha=float(alpha), linewidth=2,
                label=f"f = {format_fr(f)} : {_half_life_text(f)}")
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


# --- Les aides des cahiers d'exercices : un curseur, une phrase ----------------------------

def _slider(name, label, lo, hi, step, digits):
    return {"name": name, "label": label, "min": lo, "max": hi, "step": step, "digits": digits}


class GradientDecayExplorer(Explorer):
    """Voir :func:`gradient_decay_explorer`."""

    kind_name = "gradient_decay"

    def shown(self, values=None):
        n = int(self._values(values)["n"])
        return {"remaining": 100 * self.config["factor"] ** n}


def gradient_decay_explorer(factor=0.9):
    """Le gradient multiplié par ``factor`` à chaque pas en arrière : il en reste ``100 · factor^n %``.

    Un curseur pour le nombre de pas ``n`` (0 à 100, départ 10). Aide de l'exercice 3 du
    cahier 1. Rend le widget.
    """
    factor = check_real(factor, "factor", "gradient_decay_explorer")
    if not 0 < factor < 1:
        raise ValueError(f"gradient_decay_explorer : « factor » doit être dans ]0, 1[, reçu {factor}.")
    config = {"title": "Le gradient qui s'éteint", "subtitle": f"facteur {format_fr(factor)} par pas",
              "factor": factor, "sliders": [_slider("n", "pas n", 0, 100, 1, 0)]}
    return GradientDecayExplorer(config=config, values={"n": 10})


class GateBiasExplorer(Explorer):
    """Voir :func:`gate_bias_explorer`."""

    kind_name = "gate_bias"

    def shown(self, values=None):
        return {"gate": float(sigmoid(float(self._values(values)["b"])))}


def gate_bias_explorer():
    """La porte d'oubli quand ``W_f · [h_{t−1}, x_t] = 0`` : ``f = σ(b_f)``.

    Un curseur pour le biais ``b_f`` (de −5 à 5 par pas de 0,001, départ 0). Aide de
    l'exercice 4 du cahier 2. Rend le widget.
    """
    config = {"title": "Le biais de la porte d'oubli", "subtitle": "f = σ(b_f)",
              "sliders": [_slider("b", "biais b_f", -5.0, 5.0, 0.001, 3)]}
    return GateBiasExplorer(config=config, values={"b": 0.0})


class SaturationExplorer(Explorer):
    """Voir :func:`saturation_explorer`."""

    kind_name = "saturation"

    def shown(self, values=None):
        t = int(self._values(values)["t"])
        c = np.array([self.config["c0"]])
        for _ in range(t):  # f = 1, i = 1 : c_t = c_{t−1} + ĉ
            c = update_memory(np.ones(1), c, np.ones(1), np.array([self.config["c_hat"]]))
        return {"c": float(c[0]), "h": float(hidden_output(np.ones(1), c)[0])}


def saturation_explorer(c_hat=0.5):
    """Tout garder, tout ajouter : ``c_t = c_{t−1} + ĉ`` depuis ``c_0 = 0``, et ``h_t = tanh(c_t)``.

    Un curseur pour le pas ``t`` (0 à 20, départ 1) ; ``ĉ = 0,5`` par défaut. Aide de
    l'exercice 5 du cahier 3. Rend le widget.
    """
    c_hat = check_real(c_hat, "c_hat", "saturation_explorer")
    config = {"title": "La sortie qui sature", "subtitle": f"f = 1, i = 1, ĉ = {format_fr(c_hat)}, o = 1",
              "c0": 0.0, "c_hat": c_hat, "sliders": [_slider("t", "pas t", 0, 20, 1, 0)]}
    return SaturationExplorer(config=config, values={"t": 1})


class HalfLifeExplorer(Explorer):
    """Voir :func:`half_life_explorer`."""

    kind_name = "half_life"

    def shown(self, values=None):
        f = float(self._values(values)["f"])
        return {"kept": 100 * f ** self.config["horizon"], "half_life": half_life(f)}


def half_life_explorer(horizon=10):
    """Ce qu'une porte d'oubli constante ``f`` garde après ``horizon`` pas (``100 · f^horizon %``) et sa demi-vie.

    Un curseur pour ``f`` (de 0,5 à 0,999 par pas de 0,0001, départ 0,9). Aide de
    l'exercice 3 du cahier 4. Rend le widget.
    """
    horizon = check_positive_int(horizon, "horizon", "half_life_explorer")
    config = {"title": "Garder la moitié de la mémoire", "subtitle": f"après {horizon} pas",
              "horizon": horizon, "sliders": [_slider("f", "porte d'oubli f", 0.5, 0.999, 0.0001, 4)]}
    return HalfLifeExplorer(config=config, values={"f": 0.9})


# --- Résultats précalculés : un curseur par axe d'une grille -------------------------------

class GridExplorer(Explorer):
    """Voir :func:`grid_explorer`."""

    kind_name = "grid"

    def shown(self, values=None):
        v = self._values(values)
        shown = {}
        for item in self.config["readouts"] + self.config["curves"] + self.config.get("texts", []):
            data = item["data"]
            for axis in self.config["axes"]:
                data = data[int(v[axis["name"]])]
            shown[item["name"]] = data
        return shown


def _grid_array(value, shape, name, where):
    arr = as_float_array(value, name, where)  # refuse NaN et infinis : l'état du widget est du JSON
    if arr.shape != shape:
        raise ValueError(f"{where} : « {name} » doit avoir la forme {shape} (un axe par curseur), reçu {arr.shape}.")
    return arr.astype(np.float64).tolist()


def _grid_texts(value, shape, name, where):
    """Un tableau de textes de forme ``shape`` (listes imbriquées), rendu en listes de ``str``."""
    arr = np.asarray(value, dtype=object)
    if arr.shape != shape or not all(isinstance(t, str) for t in arr.ravel()):
        raise ValueError(f"{where} : « {name} » doit être un tableau de textes de forme {shape} (un axe par curseur), "
                         f"reçu un tableau de forme {arr.shape}.")
    return arr.tolist()


def grid_explorer(title, axes, *, note, readouts=(), curves=(), texts=(), x=None, y_label="", y_scale="linear",
                  figure_alt="Courbes précalculées", start=None):
    """Un curseur par axe d'une grille de résultats calculés d'avance ; la page ne calcule rien.

    Pour montrer ce que fait un modèle quand on change un réglage (taux, biais, retard…) :
    on calcule en Python, une fois, chaque point de la grille (par exemple de vrais
    entraînements), et le widget n'a plus qu'à lire le tableau. Arguments :

    - ``title`` : le titre affiché ;
    - ``axes`` : une liste de ``{"name", "label", "values", "digits"?, "unit"?}``, un par
      curseur ; le curseur parcourt ``values`` (les réglages de la grille) ;
    - ``note`` : la phrase qui dit d'où viennent les nombres (obligatoire : le lecteur doit
      savoir qu'ils sont précalculés, et sur quoi) ;
    - ``readouts`` : des nombres affichés, ``{"name", "label", "data", "digits"?, "unit"?,
      "style"?}`` avec ``data`` de forme ``(len(values) de chaque axe,)`` ;
    - ``texts`` : des textes affichés tels quels (par exemple ce qu'écrit un modèle de langue),
      ``{"name", "label", "data", "prefix"?}`` avec ``data`` un tableau de textes de forme
      ``(len(values) de chaque axe,)`` ; ``prefix`` (facultatif, affiché en gras) est le début
      commun de chaque texte, une amorce par exemple ;
    - ``curves`` : des courbes, ``{"name", "label", "data", "color", "dash"?}`` avec ``data``
      de forme ``(… axes …, len(x["values"]))`` ; ``x`` : ``{"label", "values"}`` ;
      ``y_label``, ``y_scale`` (``"linear"`` ou ``"log"``), ``figure_alt`` (le début de la
      description lue par un lecteur d'écran) ;
    - ``start`` : l'indice de départ de chaque curseur (``{nom: indice}``, 0 par défaut).

    Rend le widget ; ``widget.shown({nom: indice, …})`` donne les nombres affichés.
    """
    where = "grid_explorer"
    if not isinstance(title, str) or not title.strip():
        raise TypeError(f"{where} : « title » doit être un texte non vide, reçu {title!r}.")
    if not isinstance(note, str) or len(note.strip()) < 20:
        raise ValueError(f"{where} : « note » doit dire en une phrase d'où viennent les nombres précalculés, reçu {note!r}.")
    if not isinstance(axes, (list, tuple)) or not axes:
        raise TypeError(f"{where} : « axes » doit être une liste non vide de curseurs {{name, label, values}}, reçu {axes!r}.")
    if y_scale not in ("linear", "log"):
        raise ValueError(f"{where} : « y_scale » doit valoir \"linear\" ou \"log\", reçu {y_scale!r}.")
    axes_out, shape = [], ()
    for axis in axes:
        if not isinstance(axis, dict) or not {"name", "label", "values"} <= set(axis):
            raise TypeError(f"{where} : chaque axe doit être un dictionnaire {{name, label, values}}, reçu {axis!r}.")
        axis_values = as_float_array(axis["values"], f"values de l'axe {axis['name']}", where)
        if axis_values.ndim != 1 or len(axis_values) < 2:
            raise ValueError(f"{where} : l'axe « {axis['name']} » doit avoir au moins 2 valeurs, reçu {axis['values']!r}.")
        axes_out.append({"name": str(axis["name"]), "label": str(axis["label"]), "values": axis_values.tolist(),
                         "digits": int(axis.get("digits", 2)), "unit": str(axis.get("unit", ""))})
        shape += (len(axis_values),)
    if not readouts and not curves and not texts:
        raise ValueError(f"{where} : donnez au moins un nombre (« readouts »), une courbe (« curves ») "
                         "ou un texte (« texts ») à afficher.")
    readouts_out = [{"name": str(r["name"]), "label": str(r["label"]), "digits": int(r.get("digits", 2)),
                     "unit": str(r.get("unit", "")), "style": r.get("style", "fixed"),
                     "data": _grid_array(r["data"], shape, f"data de « {r['name']} »", where)} for r in readouts]
    texts_out = []
    for t in texts:
        data = _grid_texts(t["data"], shape, f"data de « {t['name']} »", where)
        prefix = str(t.get("prefix", ""))
        if prefix and not all(text.startswith(prefix) for text in np.asarray(data, dtype=object).ravel()):
            raise ValueError(f"{where} : chaque texte de « {t['name']} » doit commencer par son préfixe {prefix!r}.")
        texts_out.append({"name": str(t["name"]), "label": str(t["label"]), "prefix": prefix, "data": data})
    curves_out = []
    if curves:
        if not isinstance(x, dict) or not {"label", "values"} <= set(x):
            raise TypeError(f"{where} : des courbes demandent « x » = {{label, values}} (les abscisses), reçu {x!r}.")
        xs = as_float_array(x["values"], "x", where)
        for c in curves:
            data = _grid_array(c["data"], shape + (len(xs),), f"data de « {c['name']} »", where)
            if y_scale == "log" and np.min(c["data"]) <= 0:
                raise ValueError(f"{where} : la courbe « {c['name']} » a des valeurs ≤ 0, impossibles en échelle log.")
            if not re.fullmatch(r"#[0-9A-Fa-f]{6}", str(c.get("color", ""))):
                raise ValueError(f"{where}\xa0: la couleur de «\xa0{c['name']}\xa0» doit s'écrire #RRVVBB "
                                 f"(prenez-la dans lstm_lib.style.GATE_COLORS), reçu {c.get('color')!r}.")
            curves_out.append({"name": str(c["name"]), "label": str(c["label"]), "color": str(c["color"]),
                               "dash": bool(c.get("dash", False)), "data": data})
        x = {"label": str(x["label"]), "values": xs.tolist()}
    names = [a["name"] for a in axes_out]
    start = dict(start or {})
    values = {}
    for name, size in zip(names, shape):
        index = start.pop(name, 0)
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < size:
            raise ValueError(f"{where} : l'indice de départ de « {name} » doit être un entier de 0 à {size - 1}, reçu {index!r}.")
        values[name] = int(index)
    if start:
        raise ValueError(f"{where} : « start » nomme des axes inconnus {sorted(start)} (axes : {names}).")
    config = {"title": title, "note": note, "axes": axes_out, "readouts": readouts_out, "curves": curves_out,
              "texts": texts_out, "x": x, "y_label": str(y_label), "y_scale": y_scale, "figure_alt": str(figure_alt)}
    return GridExplorer(config=config, values=values)


# --- Grilles trop longues à calculer dans leur cahier ------------------------------------

GRIDS = Path(__file__).resolve().parent / "grids"


def precomputed_grid(name: str) -> dict:
    """La grille ``lstm_lib/grids/<name>.json``, écrite par ``tools/make_widget_grids.py``.

    Pour les widgets dont la grille dépasse le budget de 30 s d'un cahier (par exemple un
    entraînement par position du curseur) : le générateur exécute le code du chapitre, le
    fichier dit qu'il est généré et par quelle commande, le cahier le lit ici, et
    ``tests/test_widget_grids.py`` recalcule un échantillon de ses points. Le paquet
    embarque ces fichiers (Colab, Binder). Rend le dictionnaire lu.
    """
    import json

    if not isinstance(name, str) or not re.fullmatch(r"[0-9a-z_]+", name):
        raise ValueError(f"precomputed_grid\xa0: «\xa0name\xa0» doit être le nom d'une grille (lettres minuscules, "
                         f"chiffres, «\xa0_\xa0»), reçu {name!r}.")
    path = GRIDS / f"{name}.json"
    if not path.is_file():
        known = sorted(p.stem for p in GRIDS.glob("*.json"))
        raise FileNotFoundError(f"precomputed_grid\xa0: pas de grille «\xa0{name}\xa0» (connues\xa0: {known})\xa0; "
                                "lancez «\xa0python tools/make_widget_grids.py\xa0».")
    grid = json.loads(path.read_text(encoding="utf-8"))
    if "généré par" not in grid.get("_généré", ""):
        raise ValueError(f"precomputed_grid\xa0: {path.name} ne dit pas qu'il est généré (clé «\xa0_généré\xa0»).")
    return grid
