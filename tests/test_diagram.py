"""Tests de lstm_lib.diagram : le schéma de la cellule et les « tiroirs »."""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

from lstm_lib.diagram import CELL_PARTS, draw_lstm_cell, plot_drawers, plot_memory_update  # noqa: E402
from lstm_lib.style import GATE_COLORS  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _patch_by_gid(ax, gid):
    found = [p for p in ax.patches if p.get_gid() == gid]
    assert len(found) == 1, f"{gid} : {len(found)} patch(es) trouvé(s)"
    return found[0]


def _same_rgb(a, b):
    return np.allclose(mcolors.to_rgb(a), mcolors.to_rgb(b))


# --------------------------------------------------------------------------
# draw_lstm_cell
# --------------------------------------------------------------------------

def test_cell_diagram_has_inputs_outputs_and_gates():
    fig = draw_lstm_cell()
    texts = _texts(fig)
    for label in ("$x_t$", "$h_{t-1}$", "$c_{t-1}$", "$h_t$", "$c_t$",
                  "$f_t$", "$i_t$", r"$\hat{c}_t$", "$o_t$"):
        assert label in texts, label
    # Les quatre portes : σ, σ, tanh, σ (plus la tanh de la sortie).
    assert texts.count("σ") == 3
    assert texts.count("tanh") == 2
    assert any("tapis roulant" in t for t in texts)
    assert any("amplitude, distance" in t for t in texts)
    assert fig.axes[0].get_title() == "Une cellule LSTM au pas de temps $t$"


def test_cell_diagram_gate_boxes_use_the_book_palette():
    fig = draw_lstm_cell()
    ax = fig.axes[0]
    for key in ("f", "i", "c_hat", "o"):
        box = _patch_by_gid(ax, f"porte_{key}")
        assert isinstance(box, FancyBboxPatch)
        assert _same_rgb(box.get_facecolor(), GATE_COLORS[key])
        assert box.get_alpha() == 1.0
    # Deux produits terme à terme sur/vers le tapis et un pour la sortie ; une somme.
    gids = [p.get_gid() or "" for p in ax.patches]
    assert sum(g.startswith("noeud_produit") for g in gids) == 3
    assert sum(g.startswith("noeud_somme") for g in gids) == 1
    # Le tapis roulant de la mémoire est orange et épais.
    belt = [ln for ln in ax.lines if ln.get_gid() == "chemin_c"]
    assert belt and all(_same_rgb(ln.get_color(), GATE_COLORS["c"]) for ln in belt)
    assert all(ln.get_linewidth() > 4 for ln in belt)


def test_cell_diagram_legend_names_every_gate_in_french():
    fig = draw_lstm_cell()
    legend = fig.axes[0].get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    for word in ("porte d'oubli", "porte d'entrée", "candidat", "porte de sortie", "mémoire",
                 "état caché"):
        assert any(word in lab for lab in labels), word
    assert draw_lstm_cell(legend=False).axes[0].get_legend() is None


def test_cell_diagram_highlight_dims_the_other_gates():
    fig = draw_lstm_cell(highlight="f")
    ax = fig.axes[0]
    assert _patch_by_gid(ax, "porte_f").get_alpha() == 1.0
    for key in ("i", "c_hat", "o"):
        assert _patch_by_gid(ax, f"porte_{key}").get_alpha() < 0.5
    # Le bus [h_{t−1}, x_t] qui alimente la porte reste visible.
    bus = [ln for ln in ax.lines if ln.get_gid() == "chemin_bus"]
    assert bus and all(ln.get_alpha() == 1.0 for ln in bus)


def test_cell_diagram_highlight_accepts_several_keys():
    fig = draw_lstm_cell(highlight=["i", "c_hat"])
    ax = fig.axes[0]
    assert _patch_by_gid(ax, "porte_i").get_alpha() == 1.0
    assert _patch_by_gid(ax, "porte_c_hat").get_alpha() == 1.0
    assert _patch_by_gid(ax, "porte_o").get_alpha() < 0.5


def test_cell_diagram_draws_into_a_given_axes_and_options():
    fig, ax = plt.subplots()
    out = draw_lstm_cell(ax, title=None, x_description=None)
    assert out is fig
    assert ax.get_title() == ""
    assert not any("amplitude" in t for t in _texts(fig))


@pytest.mark.parametrize("bad", ["g", ["f", "z"], [1]])
def test_cell_diagram_rejects_unknown_highlight(bad):
    with pytest.raises(ValueError, match="highlight.*accepte les clés"):
        draw_lstm_cell(highlight=bad)


def test_cell_diagram_rejects_empty_or_wrong_type_highlight():
    with pytest.raises(ValueError, match="highlight.*vide"):
        draw_lstm_cell(highlight=[])
    with pytest.raises(TypeError, match="highlight"):
        draw_lstm_cell(highlight=3)


def test_cell_diagram_rejects_bad_ax_and_texts():
    with pytest.raises(TypeError, match="Axes matplotlib"):
        draw_lstm_cell("pas un axe")
    with pytest.raises(TypeError, match="x_description"):
        draw_lstm_cell(x_description=2)
    with pytest.raises(TypeError, match="title"):
        draw_lstm_cell(title=["titre"])


def test_cell_parts_match_the_palette():
    # z et r sont les portes du GRU (chapitre 8), absentes d'une cellule LSTM.
    assert set(CELL_PARTS) == set(GATE_COLORS) - {"z", "r"}


# --------------------------------------------------------------------------
# plot_drawers
# --------------------------------------------------------------------------

def _bar_heights(ax):
    return [round(p.get_height(), 6) for p in ax.patches if p.get_facecolor()[3] > 0]


def test_drawers_source_example():
    fig = plot_drawers([1.0, 0.0, 0.5], [0.4, -0.7, 0.2])
    ax_i, ax_c, ax_add = fig.axes
    assert _bar_heights(ax_i) == [1.0, 0.0, 0.5]
    assert _bar_heights(ax_c) == [0.4, -0.7, 0.2]
    assert _bar_heights(ax_add) == [0.4, 0.0, 0.1]
    # Valeurs écrites à la française ; le −0 de 0 × (−0,7) est écrit 0,00.
    add_texts = [t.get_text() for t in ax_add.texts]
    assert add_texts == ["0,40", "0,00", "0,10"]
    assert "−0,70" in [t.get_text() for t in ax_c.texts]
    assert [t.get_text() for t in ax_i.get_xticklabels()] == ["tiroir 1", "tiroir 2", "tiroir 3"]
    assert "porte d'entrée" in ax_i.get_title()
    assert ax_i.get_ylabel() and ax_i.get_xlabel()
    assert _same_rgb(ax_i.patches[-1].get_facecolor(), GATE_COLORS["i"])
    assert _same_rgb(ax_c.patches[0].get_facecolor(), GATE_COLORS["c_hat"])
    assert ax_i.get_legend() is not None


def test_drawers_decimals_and_title():
    fig = plot_drawers(np.array([0.25]), np.array([0.5]), decimals=3, title=None)
    assert [t.get_text() for t in fig.axes[2].texts] == ["0,125"]
    assert fig._suptitle is None


@pytest.mark.parametrize(
    ("i", "c_hat", "exc", "pattern"),
    [
        ([1.0, 0.0], [0.4, -0.7, 0.2], ValueError, "même longueur"),
        ([1.5, 0.0, 0.5], [0.4, -0.7, 0.2], ValueError, r"dans \[0, 1\]"),
        ([1.0, 0.0, 0.5], [0.4, -1.7, 0.2], ValueError, r"dans \[−1, 1\]"),
        ([[1.0, 0.0]], [[0.4, 0.2]], ValueError, "forme"),
        ([], [], ValueError, "entre 1 et 16"),
        (np.full(17, 0.5), np.zeros(17), ValueError, "entre 1 et 16"),
        ("abc", [0.1], TypeError, "nombres réels"),
        ([np.nan], [0.1], ValueError, "non finies"),
    ],
)
def test_drawers_bad_input_raises_french_errors(i, c_hat, exc, pattern):
    with pytest.raises(exc, match=pattern):
        plot_drawers(i, c_hat)


def test_drawers_bad_decimals():
    with pytest.raises(ValueError, match="decimals"):
        plot_drawers([0.5], [0.5], decimals=-1)
    with pytest.raises(ValueError, match="decimals"):
        plot_drawers([0.5], [0.5], decimals=True)


def test_diagram_does_not_import_torch():
    import subprocess

    code = "import lstm_lib.diagram, sys; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------
# plot_memory_update
# --------------------------------------------------------------------------

def test_memory_update_bars_are_the_two_parts_and_their_sum():
    f, c_prev = [0.0, 1.0, 0.5], [0.9, -0.3, 0.6]
    i, c_hat = [1.0, 0.0, 0.5], [0.4, -0.7, 0.2]
    fig = plot_memory_update(f, c_prev, i, c_hat, names=["réécrire", "garder", "mélanger"])
    ax = fig.axes[0]
    heights = np.array([p.get_height() for p in ax.patches]).reshape(4, 3)
    np.testing.assert_allclose(heights[0], c_prev)
    np.testing.assert_allclose(heights[1], [0.0, -0.3, 0.3])
    np.testing.assert_allclose(heights[2], [0.4, 0.0, 0.1])
    np.testing.assert_allclose(heights[3], [0.4, -0.3, 0.4])
    np.testing.assert_allclose(heights[1] + heights[2], heights[3])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("part gardée" in lab for lab in labels)
    assert any("part ajoutée" in lab for lab in labels)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["réécrire", "garder", "mélanger"]
    assert _same_rgb(ax.patches[3].get_facecolor(), GATE_COLORS["f"])
    assert "−0,00" not in [t.get_text() for t in ax.texts]
    assert ax.get_xlabel() and ax.get_ylabel()


def test_memory_update_default_names_and_large_memory():
    fig = plot_memory_update([1.0], [2.5], [1.0], [0.5])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["dimension 1"]
    assert ax.get_ylim()[1] > 3.0  # c_t = 3 reste dans le cadre


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "pattern"),
    [
        (([0.5, 0.5], [0.1], [0.5, 0.5], [0.1, 0.1]), {}, ValueError, "même longueur"),
        (([1.2], [0.1], [0.5], [0.1]), {}, ValueError, r"« f ».*\[0, 1\]"),
        (([0.5], [0.1], [-0.1], [0.1]), {}, ValueError, r"« i ».*\[0, 1\]"),
        (([0.5], [0.1], [0.5], [1.1]), {}, ValueError, r"c_hat.*\[−1, 1\]"),
        (([0.5], [0.1], [0.5], [0.1]), {"names": ["a", "b"]}, ValueError, "names"),
        (([0.5], [np.inf], [0.5], [0.1]), {}, ValueError, "non finies"),
        (([0.5], [0.1], [0.5], [0.1]), {"title": 3}, TypeError, "title"),
    ],
)
def test_memory_update_bad_input(args, kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        plot_memory_update(*args, **kwargs)
