"""Chaque mauvaise entrée donne une erreur en français qui dit ce qui était attendu et ce qui est arrivé.

Chaque cas vérifie le type d'erreur (ValueError ou TypeError, jamais une trace numpy), un morceau
du message français, et la typographie française du message (espace insécable avant « : », etc.).
"""

import re

import numpy as np
import pytest

import lstm_lib as L
import lstm_lib.metrics as M
from lstm_lib.filters import ema_detector
from lstm_lib.plots import plot_gates_over_time, plot_gradient_decay, plot_radar_sequence
from lstm_lib.widgets import cell_quantities, memory_explorer_static

P = L.LSTMParams.random(2, 3, seed=0)
X = np.zeros((5, 2))
H3 = np.zeros(3)
W_OK = np.zeros((3, 5))


def _params_with(**changes):
    values = dict(P.__dict__)
    values.update(changes)
    return lambda: L.LSTMParams(**values)


def _ragged():
    return [[0.0, 1.0], [2.0]]


CASES = [
    # (identifiant, appel, type d'erreur, morceau du message)
    ("x None", lambda: L.lstm_forward(None, P), TypeError, "doit être un tableau de nombres réels"),
    ("x chaîne", lambda: L.lstm_forward("abc", P), TypeError, "doit être un tableau de nombres réels"),
    ("x avec NaN", lambda: L.lstm_forward(np.array([[0.0, np.nan]]), P), ValueError, "1 NaN"),
    ("x avec infini", lambda: L.lstm_forward(np.array([[np.inf, 0.0]]), P), ValueError, "1 infini"),
    ("x complexe", lambda: L.lstm_forward(np.ones((2, 2), complex), P), TypeError, "nombres réels"),
    ("x booléen", lambda: L.lstm_forward(np.ones((2, 2), bool), P), TypeError, "booléens"),
    ("x liste irrégulière", lambda: L.lstm_forward(_ragged(), P), TypeError, "forme régulière"),
    ("x à 1 dimension", lambda: L.lstm_forward(np.zeros(2), P), ValueError, "(T, I) ou (B, T, I)"),
    ("x à 4 dimensions", lambda: L.lstm_forward(np.zeros((1, 1, 2, 2)), P), ValueError, "4 dimension(s)"),
    ("x de mauvaise taille d'entrée", lambda: L.lstm_forward(np.zeros((5, 3)), P), ValueError,
     "doit valoir 2 (la taille d'entrée I"),
    ("x sans pas de temps", lambda: L.lstm_forward(np.zeros((0, 2)), P), ValueError, "au moins un pas de temps"),
    ("params d'un autre type", lambda: L.lstm_forward(X, {"W_f": 1}), TypeError, "doit être un LSTMParams"),
    ("params RNN pour un LSTM", lambda: L.lstm_forward(X, L.RNNParams.random(2, 3)), TypeError,
     "doit être un LSTMParams"),
    ("h0 de mauvaise taille", lambda: L.lstm_forward(X, P, h0=np.zeros(4)), ValueError, "« h0 » doit avoir la forme (3,)"),
    ("c0 sans lot pour un lot", lambda: L.lstm_forward(np.zeros((2, 5, 2)), P, c0=H3), ValueError,
     "« c0 » doit avoir la forme (2, 3)"),
    ("tenseur PyTorch", lambda: L.lstm_forward(_FakeTensor(), P), TypeError, "tenseur PyTorch"),
    ("explicite : mauvais x", lambda: L.lstm_forward_explicit(np.zeros((5, 4)), P), ValueError, "taille d'entrée I"),
    ("W_i d'une autre forme", _params_with(W_i=np.zeros((3, 6))), ValueError, "« W_i » doit avoir la même forme que W_f"),
    ("W_f sans entrée", _params_with(W_f=np.zeros((3, 3))), ValueError, "avec I ≥ 1"),
    ("b_o de mauvaise forme", _params_with(b_o=np.zeros(4)), ValueError, "« b_o » doit avoir la forme (H,) = (3,)"),
    ("hidden_size nul", lambda: L.LSTMParams.random(2, 0), ValueError, "« hidden_size » doit être un entier ≥ 1"),
    ("input_size non entier", lambda: L.LSTMParams.random(2.5, 3), TypeError, "« input_size » doit être un entier"),
    ("dtype entier", lambda: L.LSTMParams.random(2, 3, dtype=np.int32), TypeError, "float32 ou float64"),
    ("graine négative", lambda: L.LSTMParams.random(2, 3, seed=-1), ValueError, "« seed » doit être un entier ≥ 0"),
    ("porte : W de mauvaise forme", lambda: L.forget_gate(H3, np.zeros(2), np.zeros((3, 4)), H3), ValueError,
     "(H, H + I) = (3, 5)"),
    ("porte : b de mauvaise forme", lambda: L.input_gate(H3, np.zeros(2), W_OK, np.zeros(2)), ValueError,
     "« b » doit avoir la forme (H,) = (3,)"),
    ("porte : lot contre vecteur", lambda: L.output_gate(np.zeros((4, 3)), np.zeros(2), W_OK, H3), ValueError,
     "tous deux des vecteurs"),
    ("mémoire : formes différentes", lambda: L.update_memory(H3, H3, np.zeros(2), H3), ValueError,
     "la même forme"),
    ("pas : c_prev de mauvaise forme", lambda: L.lstm_step(np.zeros(2), H3, np.zeros(5), P), ValueError,
     "« c_prev » doit avoir la forme (3,)"),
    ("sigmoïde d'une chaîne", lambda: L.sigmoid("1"), TypeError, "nombres réels"),
    ("radar : n nul", lambda: L.radar_sequences(0), ValueError, "« n » doit être un entier ≥ 1"),
    ("radar : bosse trop longue", lambda: L.radar_sequences(5, T=8, bump_length=(5, 10)), ValueError,
     "entre 2 et 8"),
    ("radar : bosse plus longue que la séquence", lambda: L.radar_sequences(5, T=20, lengths=(6, 20)), ValueError,
     "ne tient pas dans une séquence de 6 pas"),
    ("radar : position trop tardive", lambda: L.radar_sequences(5, T=20, bump_position=15), ValueError,
     "dépasse la fin"),
    ("radar : classe inconnue", lambda: L.radar_sequences(5, classes=(0, 3)), ValueError, "parmi 0 (bruit)"),
    ("radar : bornes inversées", lambda: L.radar_sequences(5, lengths=(40, 30)), ValueError, "borne basse"),
    ("radar : position non entière", lambda: L.radar_sequences(5, bump_position=2.5), TypeError,
     "un entier ou un couple"),
    ("addition : T = 1", lambda: L.adding_problem(4, 1), ValueError, "« T » doit être un entier ≥ 2"),
    ("demi-vie : f > 1", lambda: L.half_life(1.5), ValueError, "doit être dans [0, 1]"),
    ("ema : alpha négatif", lambda: L.ema(np.ones(3), -0.1), ValueError, "« alpha » doit être dans [0, 1]"),
    ("ema : x à 3 dimensions", lambda: L.ema(np.ones((2, 2, 2)), 0.5), ValueError, "(T,) ou (T, D)"),
    ("porte constante non numérique", lambda: L.constant_gate_memory(np.ones(3), "0.9"), TypeError,
     "« f » doit être un nombre réel"),
    ("RNN : params LSTM", lambda: L.rnn_forward(X, P), TypeError, "doit être un RNNParams"),
    ("RNN : rayon spectral négatif", lambda: L.RNNParams.random(2, 3, spectral_radius=-1.0), ValueError,
     "doit être > 0"),
    ("RNN : gradient d'un lot", lambda: L.rnn_gradient_norms(np.zeros((2, 5, 2)), L.RNNParams.random(2, 3)),
     ValueError, "une seule séquence"),
    ("chemin de c : f > 1", lambda: L.lstm_cell_path_gradient(np.full((4, 2), 1.5)), ValueError, "dans [0, 1]"),
    ("figure : trace d'un autre type", lambda: plot_gates_over_time({"f": 1}), TypeError, "doit être une LSTMTrace"),
    ("figure : unité hors limites", lambda: plot_gates_over_time(L.lstm_forward(X, P)[0], unit=3), ValueError,
     "« unit » doit être entre 0 et 2"),
    ("figure : porte inconnue", lambda: plot_gates_over_time(L.lstm_forward(X, P)[0], gates=("g",)), ValueError,
     "« gates »"),
    ("figure radar : 3 canaux", lambda: plot_radar_sequence(np.zeros((10, 3))), ValueError, "2 canaux"),
    ("figure gradient : longueurs différentes", lambda: plot_gradient_decay(np.arange(5), {"RNN": np.ones(4)}),
     ValueError, "doit avoir la forme de « lags »"),
    ("widget : f > 1", lambda: cell_quantities([1.2], [0.5], [0.1], [1.0], [0.0]), ValueError, "« f » doit être dans"),
    ("widget : trop de courbes", lambda: memory_explorer_static(fs=[0.1] * 7), ValueError, "de 1 à 6"),
    # les jacobiennes de la mémoire et les mesures des chapitres (lstm_lib.rnn, lstm_lib.metrics, lstm_lib.filters)
    ("jacobienne complète : un lot", lambda: L.lstm_memory_gradient_norms(np.zeros((2, 5, 2)), P), ValueError,
     "une seule séquence"),
    ("jacobienne d'un pas : mauvaise entrée", lambda: L.lstm_step_jacobian(np.zeros(3), H3, H3, P), ValueError,
     "taille d'entrée I"),
    ("taux par pas : valeurs nulles", lambda: M.rate_per_step(np.zeros(100)), ValueError, "doivent être > 0"),
    ("taux par pas : fenêtre trop longue", lambda: M.rate_per_step(np.ones(30)), ValueError, "dépasse la longueur"),
    ("stabilisation : bande nulle", lambda: M.settling_time(np.ones(4), 0, band=0.0), ValueError, "« band » doit être > 0"),
    ("stabilisation : départ hors de la séquence", lambda: M.settling_time(np.ones(4), 9, band=1.0), ValueError,
     "entre 0 et T = 4"),
    ("seuil : cible non booléenne", lambda: M.best_threshold(np.ones(3), np.array([0, 2, 1])), TypeError,
     "des booléens (ou des 0 et des 1)"),
    ("F1 : formes différentes", lambda: M.binary_scores(np.ones(3, bool), np.ones(4, bool)), ValueError,
     "la même forme"),
    ("détecteur EMA : le temps d'abord", lambda: ema_detector(0.2, np.ones(5), np.ones(5, bool), np.ones(5)),
     ValueError, "une séquence par ligne"),
]


class _FakeTensor:
    """Se comporte comme un tenseur PyTorch (detach, numpy) sans importer torch."""

    def detach(self):
        return self

    def numpy(self):
        return np.zeros((5, 2))


@pytest.mark.parametrize("call,error,fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_french_error(call, error, fragment):
    with pytest.raises(error) as excinfo:
        call()
    message = str(excinfo.value)
    assert fragment in message, message
    # Typographie française : espace insécable avant « : » « ; » « ? » « ! » et dans les guillemets.
    assert not re.search(r" [:;?!](\s|$)", message), message
    assert "\u00ab " not in message and " \u00bb" not in message, message


def test_there_are_at_least_twenty_kinds_of_bad_input():
    assert len({c[0] for c in CASES}) == len(CASES) >= 20
    assert {c[2] for c in CASES} == {TypeError, ValueError}
