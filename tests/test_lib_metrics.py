"""Les mesures du livre, chacune essayée sur un cas dont on connaît la réponse.

Une mesure qui conclut un chapitre doit d'abord donner la bonne réponse là où on
la connaît : c'est ici qu'on le vérifie, sur des signaux construits à la main.
L'ancienne mesure de retour au repos du chapitre 4 (le *premier* pas dans la
bande) échoue au test du retard ci-dessous ; :func:`settling_time` le réussit.
"""

import math

import numpy as np
import pytest

from lstm_lib.metrics import best_threshold, binary_scores, first_step_below, rate_per_step, settling_time


@pytest.mark.parametrize("a", [0.3, 0.97, 1.0, 1.5])
def test_rate_per_step_recovers_a_geometric_rate(a):
    values = 2.5 * a ** np.arange(100.0)
    assert rate_per_step(values) == pytest.approx(a, rel=1e-12)


def test_rate_per_step_ignores_what_lies_outside_its_window():
    values = 0.5 ** np.arange(100.0)
    values[:10] = 1.0  # un début plat, hors de la fenêtre [10, 60[
    values[60:] = 1e-300
    assert rate_per_step(values, 10, 60) == pytest.approx(0.5, rel=1e-12)


def test_rate_per_step_rejects_bad_input():
    with pytest.raises(ValueError, match="> 0"):
        rate_per_step(np.zeros(100))
    with pytest.raises(ValueError, match="dépasse"):
        rate_per_step(np.ones(30), 10, 60)


def test_settling_time_counts_the_last_exit_not_the_first_entry():
    # Une perturbation qui arrive avec retard : dans la bande au départ, dehors aux pas 2 à 4,
    # dedans ensuite. Elle n'est stabilisée qu'après le pas 4 : 5 pas. (La première entrée dans la
    # bande, elle, serait le pas 0 : c'est l'erreur de l'ancienne mesure du chapitre 4.)
    delayed = np.array([1.0, 1.0, 4.0, 6.0, 3.0, 1.0, 1.0, 0.5])
    assert settling_time(delayed, 0, band=2.0) == 5.0
    first_inside = int(np.flatnonzero(delayed < 2.0)[0])
    assert first_inside == 0


def test_settling_time_known_cases():
    assert settling_time(np.array([5.0, 5.0, 1.0, 1.0, 3.0, 1.0, 1.0]), 0, band=2.0) == 5.0
    assert settling_time(np.array([0.1, 0.2, 0.3]), 0, band=2.0) == 0.0  # jamais sorti
    assert settling_time(np.array([0.1, 0.2, 3.0]), 0, band=2.0) == math.inf  # dehors au dernier pas
    # Compté à partir de start : ce qui précède ne compte pas.
    assert settling_time(np.array([9.0, 9.0, 1.0, 5.0, 1.0]), 2, band=2.0) == 2.0
    assert settling_time(np.array([9.0, 9.0]), 2, band=2.0) == 0.0  # rien après start


def test_settling_time_batched_with_one_start_per_row():
    deviation = np.array([[3.0, 1.0, 1.0, 1.0], [1.0, 3.0, 3.0, 1.0], [1.0, 1.0, 1.0, 3.0]])
    out = settling_time(deviation, np.array([0, 0, 1]), band=2.0)
    assert out.tolist() == [1.0, 3.0, math.inf]


def test_settling_time_rejects_bad_input():
    with pytest.raises(ValueError, match="band"):
        settling_time(np.ones(4), 0, band=0.0)
    with pytest.raises(ValueError, match="entre 0 et T"):
        settling_time(np.ones(4), 5, band=1.0)
    with pytest.raises(TypeError, match="start"):
        settling_time(np.ones((2, 4)), np.array([0, 1, 2]), band=1.0)


def test_best_threshold_on_separable_scores():
    threshold, accuracy = best_threshold(np.array([0.1, 0.2, 0.8, 0.9]), np.array([0, 0, 1, 1]))
    assert (threshold, accuracy) == (0.8, 1.0)


def test_best_threshold_can_decide_to_call_nothing_positive():
    # Le seul positif a le plus petit score : mieux vaut ne rien déclarer positif (2 sur 3).
    threshold, accuracy = best_threshold(np.array([0.1, 0.2, 0.3]), np.array([True, False, False]))
    assert threshold == math.inf and accuracy == pytest.approx(2 / 3)


def test_best_threshold_is_the_exhaustive_optimum():
    rng = np.random.default_rng(0)
    scores = np.round(rng.normal(size=300), 1)  # des ex æquo, exprès
    target = rng.random(300) < 1 / (1 + np.exp(-2 * scores))
    threshold, accuracy = best_threshold(scores, target)
    brute = max(np.mean((scores >= s) == target) for s in np.append(np.unique(scores), np.inf))
    assert accuracy == pytest.approx(brute) and np.mean((scores >= threshold) == target) == pytest.approx(accuracy)


def test_binary_scores_known_cases():
    # Signaler tous les fronts montants quand la moitié seulement sont des bosses : précision 1/2,
    # rappel 1, F1 = 2/3 (le plafond du LSTM causal du chapitre 6).
    target = np.arange(10) % 2 == 0
    scores = binary_scores(np.ones(10, dtype=bool), target)
    assert scores["précision"] == 0.5 and scores["rappel"] == 1.0 and scores["F1"] == pytest.approx(2 / 3)
    perfect = binary_scores(target, target)
    assert perfect == {"exactitude": 1.0, "précision": 1.0, "rappel": 1.0, "F1": 1.0}
    silent = binary_scores(np.zeros(10, dtype=bool), target)
    assert silent["F1"] == 0.0 and silent["précision"] == 0.0 and silent["exactitude"] == 0.5


def test_binary_scores_accepts_zeros_and_ones_and_rejects_other_labels():
    assert binary_scores(np.array([[1, 0], [0, 1]]), np.array([[1, 0], [1, 1]]))["rappel"] == pytest.approx(2 / 3)
    with pytest.raises(TypeError, match="booléens"):
        binary_scores(np.array([2, 0]), np.array([1, 0]))
    with pytest.raises(ValueError, match="même forme"):
        binary_scores(np.array([1, 0]), np.array([1, 0, 1]))


def test_first_step_below():
    assert first_step_below([50, 100, 150], [0.2, 0.005, 0.001], 0.01) == 100.0
    assert first_step_below([50, 100], [0.2, 0.3], 0.01) == math.inf
    with pytest.raises(ValueError, match="forme"):
        first_step_below([50, 100], [0.2], 0.01)
