"""Les conclusions du chapitre 8 (GRU, LSTM et RNN côte à côte), vérifiées comme des affirmations.

Chaque test refait une expérience du chapitre, aux réglages du chapitre, sur cinq graines (0 à 4),
affiche les nombres mesurés, puis vérifie le tableau du texte tel qu'il est écrit :

- problème de l'addition (T = 50, 32 unités, Adam 0,05, écrêtage 1, 400 pas) : « RNN au-dessus de 0,14
  sur 5 graines ; GRU sous 0,001 sur 5 graines ; LSTM sous 0,01 sur 5 graines » ;
- radar (T = 50, 16 unités, Adam 0,01, 300 pas) : « RNN au plus 70 % ; GRU au moins 90 % sur 5 graines ;
  LSTM de 40 % à 98 %, au moins 90 % sur certaines graines, pas sur d'autres » ;
- « avec 800 pas, le LSTM atteint au moins 95 % sur au moins 4 graines sur 5 ; le RNN reste à 70 % au plus » ;
- « après une bosse, la porte z du GRU reste plus haute qu'après un pic ».

Fichier autonome : il n'a besoin d'aucun conftest de tests/claims/.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from lstm_lib import adding_problem, gru_forward, radar_sequences  # noqa: E402
from lstm_lib.models import SequenceModel  # noqa: E402
from lstm_lib.torch_bridge import NumpyGRU  # noqa: E402
from lstm_lib.training import accuracy, fit, predict, set_seed  # noqa: E402

SEEDS = range(5)
CPU = torch.device("cpu")


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _model(cell, hidden, outputs, seed):
    set_seed(seed)
    return SequenceModel(2, hidden, outputs, cell=cell, pooling="h_n", forget_bias=1.0 if cell == "lstm" else None)


def _mse(prediction, target):
    return nn.functional.mse_loss(prediction.squeeze(-1), target)


def _adding_mse(cell, seed):
    """Réglages du chapitre : données d'entraînement et de test fixes (graines 0 et 1), graine du modèle variable."""
    x, y = adding_problem(5000, 50, seed=0)
    x_test, y_test = adding_problem(500, 50, seed=1)
    history = fit(_model(cell, 32, 1, seed), (x, y), val=(x_test, y_test), loss_fn=_mse, steps=400, lr=0.05,
                  clip=1.0, eval_every=400, seed=seed, device=CPU, progress=False)
    return history.val_loss[-1]


def _radar_run(cell, seed, steps=300):
    """Réglages du chapitre : 2 000 séquences d'entraînement (graine 100 + s), 600 de validation (200 + s)."""
    train, val = radar_sequences(2000, T=50, seed=100 + seed), radar_sequences(600, T=50, seed=200 + seed)
    model = _model(cell, 16, 3, seed)
    fit(model, (train.x, train.labels), loss_fn=nn.functional.cross_entropy, steps=steps, lr=0.01, clip=1.0,
        eval_every=steps, seed=seed, device=CPU, progress=False)
    return model, val, accuracy(predict(model, torch.from_numpy(val.x)), torch.from_numpy(val.labels))


def test_adding_problem_rnn_stays_on_the_plateau_gru_and_lstm_solve_it():
    results = {cell: [_adding_mse(cell, seed) for seed in SEEDS] for cell in ("rnn", "gru", "lstm")}
    for cell, values in results.items():
        print(f"{cell} : MSE après 400 pas", np.round(values, 4))
    assert min(results["rnn"]) > 0.14
    assert max(results["gru"]) < 0.001
    assert max(results["lstm"]) < 0.01


def test_radar_gru_learns_fastest_lstm_is_uneven_rnn_fails():
    accuracies, gru_models = {}, []
    for cell in ("rnn", "gru", "lstm"):
        runs = [_radar_run(cell, seed) for seed in SEEDS]
        accuracies[cell] = [acc for _, _, acc in runs]
        if cell == "gru":
            gru_models = [(model, val) for model, val, _ in runs]
        print(f"{cell} : exactitude après 300 pas", np.round(accuracies[cell], 3))
    assert max(accuracies["rnn"]) <= 0.70
    assert min(accuracies["gru"]) >= 0.90
    assert 0.40 <= min(accuracies["lstm"]) and max(accuracies["lstm"]) < 0.985  # « de 40 % à 98 % » (float32 : 0,98000002)
    # « au moins 90 % sur certaines graines, pas sur d'autres » (3 sur 5 sur une machine, 2 sur une autre)
    assert 1 <= sum(a >= 0.90 for a in accuracies["lstm"]) <= 4

    # « Après une bosse, la porte z reste plus haute qu'après un pic » : moyenne de z sur les 10 derniers pas.
    gaps = []
    for model, val in gru_models:
        params = NumpyGRU.from_torch(model.rnn.cpu().double()).params[0][0]
        trace, _ = gru_forward(val.x.astype(np.float64), params)
        late_z = trace.z[:, -10:].mean(axis=(1, 2))
        gaps.append(late_z[val.labels == 1].mean() - late_z[val.labels == 2].mean())
    print("z moyen en fin de séquence, bosses moins pics :", np.round(gaps, 3))
    assert min(gaps) > 0


def test_with_more_steps_the_lstm_catches_up_and_the_rnn_does_not():
    lstm = [_radar_run("lstm", seed, steps=800)[2] for seed in SEEDS]
    rnn = [_radar_run("rnn", seed, steps=800)[2] for seed in SEEDS]
    print("exactitude après 800 pas, LSTM :", np.round(lstm, 3), " RNN :", np.round(rnn, 3))
    assert sum(a >= 0.95 for a in lstm) >= 4  # « sur au moins 4 graines sur 5 »
    assert max(rnn) <= 0.70
