"""La mémoire à portes constantes : moyenne mobile exponentielle et demi-vie."""

import math

import numpy as np
import pytest

from lstm_lib import constant_gate_memory, ema, half_life
from lstm_lib.filters import ema_detector


def test_half_life_values():
    assert half_life(0.5) == pytest.approx(1.0)
    assert half_life(0.9) == pytest.approx(math.log(0.5) / math.log(0.9))
    assert half_life(0.99) == pytest.approx(68.97, abs=0.01)
    assert half_life(1.0) == math.inf and half_life(0.0) == 0.0
    assert isinstance(half_life(0.9), float)
    arr = half_life(np.array([0.5, 0.75], dtype=np.float32))
    assert arr.dtype == np.float32 and np.allclose(arr, [1.0, math.log(0.5) / math.log(0.75)])


@pytest.mark.parametrize("f", [0.3, 0.8, 0.95])
def test_half_life_is_where_memory_halves(f):
    # Sans ajout (i = 0), c_k = f^k c_0 : à la demi-vie, il reste la moitié.
    c = constant_gate_memory(np.zeros(200), f, i=0.0, c0=1.0)
    assert np.allclose(c, f ** np.arange(1, 201))
    assert f ** half_life(f) == pytest.approx(0.5)


def test_ema_matches_the_recurrence_written_out():
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    alpha, y = 0.2, 0.7
    expected = []
    for value in x:
        y = (1 - alpha) * y + alpha * value
        expected.append(y)
    assert np.allclose(ema(x, alpha, y0=0.7), expected, rtol=0, atol=1e-14)


def test_constant_gate_memory_with_i_equal_one_minus_f_is_the_ema():
    x = np.random.default_rng(1).normal(size=(40, 3))
    for f in (0.0, 0.5, 0.9, 1.0):
        assert np.allclose(constant_gate_memory(x, f), ema(x, 1 - f), rtol=0, atol=1e-12)


def test_constant_gate_memory_general_gates_and_dtype():
    x = np.arange(1, 6, dtype=np.float32)
    c = constant_gate_memory(x, 0.5, i=2.0 / 2, c0=4.0)
    # c_1 = 0,5·4 + 1 = 3 ; c_2 = 1,5 + 2 = 3,5 ; c_3 = 1,75 + 3 = 4,75 …
    assert c.dtype == np.float32
    assert np.allclose(c, [3.0, 3.5, 4.75, 6.375, 8.1875])


def test_ema_is_a_low_pass_filter():
    t = np.arange(400)
    slow, fast = np.sin(2 * np.pi * t / 200), np.sin(2 * np.pi * t / 4)
    gain = lambda s: np.std(ema(s, 0.1)[100:]) / np.std(s[100:])  # noqa: E731
    assert gain(slow) > 0.9 and gain(fast) < 0.1


def test_ema_detector_on_a_case_with_a_known_answer():
    # Des séquences plates : « cible » à 1, « pas de cible » à 0. La dernière valeur de l'EMA vaut
    # 1 − (1 − α)^T ou 0 : tout seuil entre les deux classe parfaitement.
    T = 20
    train = np.concatenate([np.ones((5, T)), np.zeros((5, T))])
    target = np.arange(10) < 5
    test = np.concatenate([np.zeros((3, T)), np.ones((2, T))])
    threshold, train_accuracy, says = ema_detector(0.3, train, target, test)
    assert train_accuracy == 1.0 and 0 < threshold <= 1 - 0.7**T
    assert says.tolist() == [False, False, False, True, True]


def test_ema_detector_rejects_time_first_input():
    with pytest.raises(ValueError, match="une séquence par ligne"):
        ema_detector(0.3, np.ones(20), np.ones(20, dtype=bool), np.ones(20))
