"""Chapitre 6 : marquer le début d'une bosse (F1), et la fuite d'information du BiLSTM.

Chaque graine relance le chapitre entier (``SEED`` : les trois modèles de début de bosse et
les deux prévisionnistes).
"""

from __future__ import annotations

import pytest

from .conftest import SEEDS, Job, count, run_jobs, show

CHAPTER = "06_bidirectionnalite"


@pytest.fixture(scope="module")
def runs():
    return run_jobs([Job(CHAPTER, outputs=("scores", "forecast_errors", "causality_change"), overrides={"SEED": s})
                     for s in SEEDS])


def test_only_the_future_or_a_delay_marks_the_onset(runs):
    f1 = {name: [r["scores"][name]["F1"] for r in runs] for name in runs[0]["scores"]}
    for name, values in f1.items():
        show(f"F1, {name}", values, "{:.3f}")
    show("LSTM, précision", [r["scores"]["LSTM"]["précision"] for r in runs], "{:.3f}")
    show("LSTM, rappel", [r["scores"]["LSTM"]["rappel"] for r in runs], "{:.3f}")
    assert all(r["scores"]["LSTM"]["F1"] <= 2 / 3 + 0.02 for r in runs)  # le plafond du causal
    assert count(lambda r: r["scores"]["LSTM"]["F1"] > 0.6 and 0.4 < r["scores"]["LSTM"]["précision"] < 0.6
                 and r["scores"]["LSTM"]["rappel"] > 0.85, runs) >= 4
    assert count(lambda v: v > 0.95, f1["BiLSTM"]) >= 4
    assert count(lambda v: v > 0.9, f1["LSTM, 1 pas de retard"]) >= 4
    assert all(min(s["exactitude"] for s in r["scores"].values()) > 0.99 for r in runs)


def test_the_bilstm_forecaster_leaks_and_the_lstm_does_not(runs):
    floor = 0.1 ** 2
    lstm = [r["forecast_errors"]["LSTM"] for r in runs]
    bi = [r["forecast_errors"]["BiLSTM"] for r in runs]
    show("LSTM hors ligne", [e[0] for e in lstm], "{:.4f}")
    show("BiLSTM hors ligne", [e[0] for e in bi], "{:.4f}")
    show("BiLSTM en flux / LSTM en flux", [b[1] / l[1] for b, l in zip(bi, lstm)], "{:.1f}")
    assert all(l[0] >= floor and abs(l[0] - l[1]) < 1e-6 for l in lstm)
    assert all(b[0] < floor for b in bi)
    assert all(b[1] > 3 * l[1] for b, l in zip(bi, lstm))
    changes = [r["causality_change"] for r in runs]
    show("test de causalité, LSTM", [c["LSTM"] for c in changes], "{:.1e}")
    show("test de causalité, BiLSTM", [c["BiLSTM"] for c in changes], "{:.2f}")
    assert all(c["LSTM"] == 0.0 and c["BiLSTM"] > 0.1 for c in changes)
