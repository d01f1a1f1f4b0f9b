"""Les générateurs de données : formes, dtypes, graines, et ce que chaque classe contient."""

import numpy as np
import pytest

from lstm_lib import RADAR_CLASSES, adding_problem, radar_sequences


def test_radar_shapes_dtypes_and_balance():
    batch = radar_sequences(300, T=40, seed=3)
    assert batch.x.shape == (300, 40, 2) and batch.x.dtype == np.float32
    for name in ("labels", "lengths", "onsets", "durations"):
        arr = getattr(batch, name)
        assert arr.shape == (300,) and arr.dtype == np.int64, name
    assert len(batch) == 300
    assert np.bincount(batch.labels, minlength=3).tolist() == [100, 100, 100]
    assert RADAR_CLASSES == ("bruit", "bosse", "pic")


def test_radar_same_seed_same_data_other_seed_other_data():
    a, b, c = radar_sequences(20, seed=5), radar_sequences(20, seed=5), radar_sequences(20, seed=6)
    assert np.array_equal(a.x, b.x) and np.array_equal(a.labels, b.labels)
    assert not np.array_equal(a.x, c.x)


def test_radar_events_have_the_announced_height_duration_and_distance():
    batch = radar_sequences(240, T=50, bump_length=(4, 8), amplitude=2.0, noise_std=0.1, seed=0)
    amp, dist = batch.x[..., 0], batch.x[..., 1]
    for k in range(len(batch)):
        label, onset, dur = batch.labels[k], batch.onsets[k], batch.durations[k]
        if label == 0:
            assert onset == -1 and dur == 0
            assert amp[k].max() < 1.0  # |bruit| seul, bien sous l'amplitude 2
            continue
        assert dur == (1 if label == 2 else dur) and (label == 2 or 4 <= dur <= 8)
        event = slice(onset, onset + dur)
        assert np.all(amp[k, event] >= 2.0)  # amplitude + |bruit|
        outside = np.ones(50, bool)
        outside[event] = False
        assert amp[k, outside].max() < 1.0
        # Distance stable pendant l'événement (la cible), uniforme ailleurs.
        assert np.ptp(dist[k, event]) < 0.2 and 0.1 < dist[k, event].mean() < 0.9
    spikes = batch.labels == 2
    assert np.all(batch.durations[spikes] == 1)


def test_radar_bump_position_int_and_range():
    fixed = radar_sequences(30, T=60, classes=(1, 2), bump_position=3, seed=1)
    assert np.all(fixed.onsets == 3)
    early = radar_sequences(60, T=60, classes=(1,), bump_position=(0, 4), seed=1)
    assert early.onsets.min() >= 0 and early.onsets.max() <= 4
    assert set(early.labels.tolist()) == {1}


def test_radar_default_positions_cover_the_whole_valid_range():
    batch = radar_sequences(3000, T=30, classes=(1, 2), bump_length=5, seed=2)
    end = batch.onsets + batch.durations
    assert np.all(end <= 30)
    assert batch.onsets.min() == 0
    assert end[batch.labels == 1].max() == 30 and end[batch.labels == 2].max() == 30


def test_radar_variable_lengths_are_zero_padded_and_events_fit():
    batch = radar_sequences(200, T=40, lengths=(15, 40), bump_length=(3, 6), seed=4)
    assert batch.lengths.min() >= 15 and batch.lengths.max() <= 40
    assert len(set(batch.lengths.tolist())) > 10
    mask = batch.valid_mask()
    assert np.array_equal(mask.sum(axis=1), batch.lengths)
    assert np.all(batch.x[~mask] == 0.0)
    assert np.all(batch.x[mask][:, 1] != 0.0)  # la distance est partout tirée (jamais exactement 0)
    events = batch.labels != 0
    assert np.all(batch.onsets[events] + batch.durations[events] <= batch.lengths[events])


def test_per_step_onset_labels_mark_first_bump_step_only():
    batch = radar_sequences(60, T=30, seed=7)
    onset_labels = batch.per_step_onset_labels()
    assert onset_labels.shape == (60, 30) and onset_labels.dtype == np.int64
    bumps = batch.labels == 1
    assert np.array_equal(onset_labels.sum(axis=1), bumps.astype(np.int64))
    rows = np.flatnonzero(bumps)
    assert np.all(onset_labels[rows, batch.onsets[rows]] == 1)


def test_adding_problem_markers_values_and_target():
    x, y = adding_problem(500, 30, seed=1)
    assert x.shape == (500, 30, 2) and x.dtype == np.float32
    assert y.shape == (500,) and y.dtype == np.float32
    values, markers = x[..., 0], x[..., 1]
    assert values.min() >= 0 and values.max() < 1
    assert np.all(markers.sum(axis=1) == 2) and set(np.unique(markers).tolist()) == {0.0, 1.0}
    assert np.all(markers[:, :15].sum(axis=1) == 1) and np.all(markers[:, 15:].sum(axis=1) == 1)
    assert np.allclose(y, (values * markers).sum(axis=1), atol=1e-6)
    # Prédire la moyenne donne une erreur quadratique moyenne proche de 1/6.
    assert abs(np.mean((y - y.mean()) ** 2) - 1 / 6) < 0.03
    x2, y2 = adding_problem(500, 30, seed=1)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)


@pytest.mark.parametrize("T", [2, 3, 7])
def test_adding_problem_short_sequences(T):
    x, _ = adding_problem(50, T, seed=0)
    assert np.all(x[:, : T // 2, 1].sum(axis=1) == 1) and np.all(x[:, T // 2:, 1].sum(axis=1) == 1)
