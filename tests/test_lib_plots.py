"""Les figures partagées : elles se construisent, en français, avec les couleurs du livre."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lstm_lib import LSTMParams, lstm_forward, radar_sequences  # noqa: E402
from lstm_lib.plots import plot_gates_over_time, plot_gradient_decay, plot_radar_sequence  # noqa: E402
from lstm_lib.style import GATE_COLORS  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _line_colors(ax):
    return [mcolors.to_hex(line.get_color()).upper() for line in ax.get_lines() if line.get_label()[:1] != "_"]


def test_gates_over_time_one_panel_per_quantity_with_gate_colors():
    batch = radar_sequences(4, T=30, seed=0)
    trace, _ = lstm_forward(batch.x, LSTMParams.random(2, 5, seed=0))
    fig = plot_gates_over_time(trace, batch.x, unit=2, sample=1, input_labels=["amplitude", "distance"])
    axes = fig.get_axes()
    assert len(axes) == 7
    assert [t.get_text() for t in axes[0].get_legend().get_texts()] == ["amplitude", "distance"]
    for ax, gate in zip(axes[1:], ("f", "i", "c_hat", "c", "o", "h")):
        assert _line_colors(ax) == [GATE_COLORS[gate].upper()]
        data = ax.get_lines()[0].get_ydata()
        assert np.allclose(data, getattr(trace, gate)[1, :, 2])
    assert axes[-1].get_xlabel() == "temps t (pas)"
    assert "unité 2" in fig.get_suptitle() and "séquence 1" in fig.get_suptitle()


def test_gates_over_time_subset_without_input_and_unbatched():
    trace, _ = lstm_forward(np.zeros((10, 2)), LSTMParams.random(2, 3))
    fig = plot_gates_over_time(trace, gates=("f", "c"), title="Ma figure", time_unit="ms")
    assert len(fig.get_axes()) == 2 and fig.get_suptitle() == "Ma figure"
    assert fig.get_axes()[-1].get_xlabel() == "temps t (ms)"


def test_radar_figure_shades_event_and_padding():
    batch = radar_sequences(30, T=40, lengths=(20, 39), seed=1)
    k = int(np.flatnonzero(batch.labels == 1)[0])
    fig = plot_radar_sequence(batch, k)
    ax_a, ax_d = fig.get_axes()
    labels = [t.get_text() for t in ax_a.get_legend().get_texts()]
    onset, end = batch.onsets[k], batch.onsets[k] + batch.durations[k] - 1
    assert f"bosse (t = {onset} à {end})" in labels
    assert "remplissage (zéros)" in labels
    assert "bosse" in fig.get_suptitle()
    assert ax_a.get_ylabel() == "amplitude (u.a.)" and ax_d.get_xlabel() == "temps t (pas)"
    assert np.allclose(ax_a.get_lines()[0].get_ydata(), batch.x[k, :, 0])
    plain = plot_radar_sequence(batch.x[k])  # un simple tableau : pas d'événement connu
    assert plain.get_axes()[0].get_legend() is not None


def test_gradient_decay_log_scale_and_zero_values_hidden():
    lags = np.arange(10)
    fig = plot_gradient_decay(lags, {"RNN simple": 0.5 ** lags, "LSTM": np.r_[np.ones(9), 0.0]}, title="Décroissance")
    ax = fig.get_axes()[0]
    assert ax.get_yscale() == "log" and ax.get_title() == "Décroissance"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["RNN simple", "LSTM"]
    assert np.isnan(ax.get_lines()[1].get_ydata()[-1])
    assert len(set(_line_colors(ax))) == 2
