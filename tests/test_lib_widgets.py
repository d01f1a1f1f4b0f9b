"""Les widgets : ils calculent avec les fonctions du livre, réagissent aux curseurs, et ont un équivalent statique."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lstm_lib import half_life  # noqa: E402
from lstm_lib.widgets import (  # noqa: E402
    CELL_PRESETS,
    cell_explorer,
    cell_explorer_static,
    cell_quantities,
    memory_explorer,
    memory_explorer_static,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_cell_quantities_tiroirs():
    q = cell_quantities([1, 1, 1], [1.0, 0.0, 0.5], [0.4, -0.7, 0.2], [1, 1, 1], [0, 0, 0])
    assert np.allclose(q["ajouté"], [0.4, 0.0, 0.1]) and np.allclose(q["c"], [0.4, 0.0, 0.1])
    assert np.allclose(q["h"], np.tanh([0.4, 0.0, 0.1])) and np.allclose(q["gardé"], 0.0)


def test_cell_explorer_reacts_to_sliders():
    box = cell_explorer()
    assert set(box.sliders) == {"f", "i", "c_hat", "o", "c_prev"} and all(len(r) == 3 for r in box.sliders.values())
    assert "0,400" in box.table.value and "-0,000" not in box.table.value  # les tiroirs, sans « -0 »
    box.sliders["f"][0].value = 0.5
    box.sliders["c_prev"][0].value = 1.0
    # c_t[0] = 0,5 · 1 + 1 · 0,4 = 0,9 et h_t[0] = tanh(0,9) ≈ 0,716.
    assert "0,900" in box.table.value and "0,716" in box.table.value


def test_cell_explorer_static_has_one_panel_per_preset():
    fig = cell_explorer_static()
    visible = [ax for ax in fig.get_axes() if ax.get_visible()]
    assert len(visible) == len(CELL_PRESETS)
    assert "tiroirs" in visible[0].get_title()
    # Barres rangées par série : 3 « gardé », puis 3 « ajouté » (i ⊙ ĉ = [0,4 ; 0 ; 0,1]), puis c_t, puis h_t.
    heights = [p.get_height() for p in visible[0].patches]
    assert np.allclose(heights[3:6], [0.4, 0.0, 0.1]) and np.allclose(heights[6:9], [0.4, 0.0, 0.1])
    assert "dimension 1" in [t.get_text() for t in visible[0].get_xticklabels()]


def test_memory_explorer_half_life_text_and_curve():
    box = memory_explorer()
    assert "6,6 pas" in box.text.value  # f = 0,9 au départ
    box.sliders["f"].value = 0.5
    assert "1,0 pas" in box.text.value
    box.sliders["f"].value = 1.0
    assert "infinie" in box.text.value


def test_memory_explorer_static_marks_half_lives():
    fig = memory_explorer_static(fs=(0.5, 0.9), steps=30)
    ax = fig.get_axes()[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 2 and "6,6 pas" in labels[1]
    markers = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [round(float(m.get_xdata()[0]), 6) for m in markers] == [round(half_life(0.5), 6), round(half_life(0.9), 6)]
    curve = ax.get_lines()[0].get_ydata()
    assert np.allclose(curve, 0.5 ** np.arange(31))


@pytest.mark.parametrize("builder", [cell_explorer, memory_explorer])
def test_widget_figure_is_an_image_with_french_alt_text(builder):
    """La figure d'un widget arrive sur le site comme <img alt="…"> (jamais sans alt)."""
    import re

    box = builder()
    image = box.children[-1].value
    alt = re.match(r'<img alt="([^"]+)"', image)
    assert alt and len(alt.group(1)) > 30 and "mémoire" in alt.group(1)
    assert "data:image/png;base64," in image
    before = image
    # cellule : i de la dimension 1 (c_{t−1} = 0 au départ, f n'y change rien) ; mémoire : f
    first = box.sliders["i"][0] if isinstance(box.sliders["i"], list) else box.sliders["f"]
    first.value = 0.25
    assert box.children[-1].value != before  # la figure suit les curseurs
