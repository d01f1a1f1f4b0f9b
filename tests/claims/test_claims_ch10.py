"""Chapitre 10 : le coût d'un pas et les deux petites tâches, rejoués et vérifiés comme le texte les énonce.

Fichier autonome (aucun outil partagé requis). Réglages du chapitre
(`chapters/10_apres_les_lstm.ipynb`) : 300 pas d'Adam, largeur 32, données
graine 0 (entraînement) et 1 (test) ; la graine du modèle varie de 0 à 4.

- coût d'un pas : opérations et mémoire constantes pour le LSTM ; pour
  l'attention, opérations = 8d² + 4d·n et mémoire de pente 1 en échelles log ;
- rappel associatif : Transformer > 90 %, LSTM < 50 % (5 graines sur 5) ;
- parité courante : LSTM > 99 % avant et au-delà de la longueur d'entraînement
  (au moins 4 graines sur 5), Transformer < 60 % au-delà (5 sur 5) ;
- « avant d'écrire que X échoue » : chaque perdant reçoit un budget plus
  généreux, et perd encore (c'est ce que dit le texte).
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from lstm_lib.attention import TinyTransformer, attention_step_cost, lstm_step_cost  # noqa: E402
from lstm_lib.data import associative_recall, running_parity  # noqa: E402
from lstm_lib.models import SequenceModel  # noqa: E402
from lstm_lib.training import fit, predict  # noqa: E402

SEEDS = range(5)
STEPS, WIDTH = 300, 32


def test_step_cost_constant_for_lstm_linear_for_attention():
    D = 128
    contexts = 2 ** np.arange(4, 13)
    lstm = {lstm_step_cost(D) for _ in range(3)}
    flops, memory = map(np.array, zip(*[attention_step_cost(int(n), D) for n in contexts]))
    slope_memory = np.polyfit(np.log(contexts), np.log(memory), 1)[0]
    slope_last_octave = np.log(flops[-1] / flops[-2]) / np.log(2)
    print(f"\nLSTM : {lstm} ; attention : pente mémoire {slope_memory:.3f}, pente opérations (2 048 → 4 096) "
          f"{slope_last_octave:.3f}, opérations à 4 096 : {flops[-1]}")
    assert lstm == {(2 * 4 * D * 2 * D, 2 * D * 4)}  # les mêmes opérations et la même mémoire à chaque pas
    assert abs(slope_memory - 1) < 1e-9
    assert np.array_equal(flops, 8 * D * D + 4 * D * contexts)
    assert slope_last_octave > 0.9


class LastStep(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)[:, -1]


@pytest.fixture(scope="module")
def recall_data():
    torch.set_num_threads(1)
    train = tuple(map(torch.from_numpy, associative_recall(2000, n_pairs=8, n_keys=16, seed=0)))
    test = tuple(map(torch.from_numpy, associative_recall(1000, n_pairs=8, n_keys=16, seed=1)))
    return train, test


def recall_accuracy(model, data, seed, steps=STEPS, lr=3e-3):
    (x, y), (x_test, y_test) = data
    fit(model, (x, y), loss_fn=F.cross_entropy, steps=steps, lr=lr, seed=seed, progress=False, device="cpu")
    return (predict(model, x_test).argmax(-1) == y_test).float().mean().item()


def test_attention_wins_associative_recall(recall_data):
    results = []
    for seed in SEEDS:
        torch.manual_seed(seed)
        lstm = recall_accuracy(SequenceModel(32, WIDTH, 16, pooling="last"), recall_data, seed)
        torch.manual_seed(seed)
        tf = recall_accuracy(LastStep(TinyTransformer(32, WIDTH, 16)), recall_data, seed)
        results.append((lstm, tf))
    print(f"\nrappel (LSTM, Transformer) : {np.round(results, 3).tolist()}")
    assert all(tf > 0.9 and lstm < 0.5 for lstm, tf in results)


def test_a_generous_lstm_still_loses_associative_recall(recall_data):
    """Le texte : « un LSTM de 128 unités et 1 500 pas au rappel … sans rattraper le Transformer »."""
    torch.manual_seed(0)
    acc = recall_accuracy(SequenceModel(32, 128, 16, pooling="last"), recall_data, 0, steps=1500)
    print(f"\nLSTM 128 unités, 1 500 pas : rappel {acc:.3f}")
    assert acc < 0.5


def parity_accuracy(model, seed, steps=STEPS, lr=1e-2):
    x, y = map(torch.from_numpy, running_parity(1000, 16, seed=0))
    x_test, y_test = map(torch.from_numpy, running_parity(500, 64, seed=1))
    fit(model, (x, y), loss_fn=lambda out, t: F.cross_entropy(out.reshape(-1, 2), t.reshape(-1)), steps=steps,
        lr=lr, seed=seed, progress=False, device="cpu")
    correct = (predict(model, x_test).argmax(-1) == y_test).float()
    return correct[:, :16].mean().item(), correct[:, 16:].mean().item()


def test_lstm_wins_running_parity_and_generalises():
    torch.set_num_threads(1)
    lstm, tf = [], []
    for seed in SEEDS:
        torch.manual_seed(seed)
        lstm.append(parity_accuracy(SequenceModel(1, WIDTH, 2, pooling=None), seed))
        torch.manual_seed(seed)
        tf.append(parity_accuracy(TinyTransformer(1, WIDTH, 2), seed))
    print(f"\nparité LSTM (avant, au-delà) : {np.round(lstm, 3).tolist()}\nparité Transformer : {np.round(tf, 3).tolist()}")
    assert sum(min(a) > 0.99 for a in lstm) >= 4
    assert all(beyond < 0.6 for _, beyond in tf)


def test_a_generous_transformer_still_fails_parity_beyond_training_length():
    """Le texte : « un Transformer entraîné 1 500 pas à un pas d'apprentissage plus petit … reste au hasard au-delà »."""
    torch.set_num_threads(1)
    torch.manual_seed(0)
    seen, beyond = parity_accuracy(TinyTransformer(1, WIDTH, 2), 0, steps=1500, lr=1e-3)
    print(f"\nTransformer, 1 500 pas, lr 10⁻³ : {seen:.3f} avant, {beyond:.3f} au-delà")
    assert beyond < 0.6
