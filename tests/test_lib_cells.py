"""Les équations d'un pas de temps, une par une, comparées à leur formule écrite en clair."""

import warnings

import numpy as np
import pytest

from lstm_lib import (
    LSTMParams,
    candidate,
    concat_inputs,
    forget_gate,
    hidden_output,
    input_gate,
    lstm_step,
    output_gate,
    sigmoid,
    tanh,
    update_memory,
)


def test_tiroirs_example_of_the_source_text():
    # i = [1, 0, 0,5] et ĉ = [0,4, −0,7, 0,2] donnent i ⊙ ĉ = [0,4, 0, 0,1] ; avec f = 0 et c_{t−1} = 0,
    # c'est la nouvelle mémoire.
    i, c_hat = np.array([1.0, 0.0, 0.5]), np.array([0.4, -0.7, 0.2])
    c = update_memory(np.zeros(3), np.zeros(3), i, c_hat)
    assert np.allclose(c, [0.4, 0.0, 0.1], rtol=0, atol=1e-15)
    assert c[1] == 0.0
    # Avec une mémoire qui gardait déjà quelque chose, le tiroir fermé (i = 0) la laisse intacte.
    c = update_memory(np.ones(3), np.array([0.3, 0.3, 0.3]), i, c_hat)
    assert np.allclose(c, [0.7, 0.3, 0.4], rtol=0, atol=1e-15)


def test_sigmoid_and_tanh_are_stable_at_large_inputs():
    z = np.array([-1e4, -50.0, 0.0, 50.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # le moindre dépassement de capacité échouerait
        s, t = sigmoid(z), tanh(z)
    assert np.array_equal(s[[0, 2, 4]], [0.0, 0.5, 1.0]) and np.array_equal(t[[0, 2, 4]], [-1.0, 0.0, 1.0])
    zz = np.linspace(-30, 30, 101)
    # ½ (1 + tanh(z/2)) : exacte à 1e-16 près en valeur absolue (ce qui compte pour une porte).
    assert np.allclose(sigmoid(zz), 1 / (1 + np.exp(-zz)), rtol=0, atol=1e-15)
    assert sigmoid(np.float32(3.0)).dtype == np.float32


def test_concat_puts_h_first():
    assert np.array_equal(concat_inputs([1.0, 2.0], [3.0]), [1.0, 2.0, 3.0])
    assert concat_inputs(np.zeros((4, 3)), np.ones((4, 2))).shape == (4, 5)


@pytest.mark.parametrize("gate,activation", [
    (forget_gate, lambda z: 1 / (1 + np.exp(-z))), (input_gate, lambda z: 1 / (1 + np.exp(-z))),
    (output_gate, lambda z: 1 / (1 + np.exp(-z))), (candidate, np.tanh),
])
def test_each_gate_is_its_equation(gate, activation):
    rng = np.random.default_rng(0)
    H, I = 3, 2
    W, b = rng.normal(size=(H, H + I)), rng.normal(size=H)
    h, x = rng.normal(size=H), rng.normal(size=I)
    expected = activation(W @ np.concatenate([h, x]) + b)
    assert np.allclose(gate(h, x, W, b), expected, rtol=1e-13, atol=0)
    # En lot : chaque ligne est un vecteur traité à part.
    hb, xb = rng.normal(size=(5, H)), rng.normal(size=(5, I))
    batch = gate(hb, xb, W, b)
    assert batch.shape == (5, H)
    for k in range(5):
        assert np.allclose(batch[k], gate(hb[k], xb[k], W, b), rtol=1e-13, atol=0)


def test_hidden_output_and_update_memory():
    o, c = np.array([0.0, 0.5, 1.0]), np.array([2.0, -1.0, 0.3])
    assert np.allclose(hidden_output(o, c), o * np.tanh(c))
    f, c_prev, i, c_hat = np.array([0.9, 0.1]), np.array([1.0, 2.0]), np.array([0.5, 1.0]), np.array([-1.0, 0.5])
    assert np.allclose(update_memory(f, c_prev, i, c_hat), [0.4, 0.7])


def test_lstm_step_chains_the_six_equations():
    p = LSTMParams.random(2, 4, seed=1)
    x, h, c = np.array([0.5, -1.0]), np.full(4, 0.1), np.full(4, -0.2)
    rec = lstm_step(x, h, c, p)
    f = forget_gate(h, x, p.W_f, p.b_f)
    i = input_gate(h, x, p.W_i, p.b_i)
    c_hat = candidate(h, x, p.W_c, p.b_c)
    o = output_gate(h, x, p.W_o, p.b_o)
    c_new = f * c + i * c_hat
    for got, want in ((rec.f, f), (rec.i, i), (rec.c_hat, c_hat), (rec.o, o), (rec.c, c_new),
                      (rec.h, o * np.tanh(c_new))):
        assert np.array_equal(got, want)
    text = str(rec)
    for fragment in ("1. f_t", "2. i_t", "3. ĉ_t", "4. c_t", "5. o_t", "6. h_t", "quoi oublier"):
        assert fragment in text


def test_params_random_shapes_seed_forget_bias_and_dtype():
    p = LSTMParams.random(2, 5, seed=3)
    assert (p.input_size, p.hidden_size, p.dtype) == (2, 5, np.float64)
    assert p.W_f.shape == (5, 7) and p.b_o.shape == (5,)
    assert np.all(np.abs(p.W_c) <= 1 / np.sqrt(5))
    assert p.n_parameters() == 4 * (5 * 7 + 5)
    same, other = LSTMParams.random(2, 5, seed=3), LSTMParams.random(2, 5, seed=4)
    assert np.array_equal(p.W_i, same.W_i) and not np.array_equal(p.W_i, other.W_i)
    biased = LSTMParams.random(2, 5, seed=3, forget_bias=1.0)
    assert np.allclose(biased.b_f, p.b_f + 1.0) and np.array_equal(biased.b_i, p.b_i)
    p32 = LSTMParams.random(2, 5, seed=3, dtype=np.float32)
    assert p32.dtype == np.float32 and np.allclose(p32.W_f, p.W_f, atol=1e-7)
    assert p32.astype(np.float64).dtype == np.float64


def test_params_stacked_order_is_f_i_c_o():
    p = LSTMParams.random(2, 3, seed=0)
    W, b = p.stacked()
    assert W.shape == (12, 5) and b.shape == (12,)
    assert np.array_equal(W[0:3], p.W_f) and np.array_equal(W[3:6], p.W_i)
    assert np.array_equal(W[6:9], p.W_c) and np.array_equal(W[9:12], p.W_o)
    assert np.array_equal(b[6:9], p.b_c)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_step_preserves_dtype(dtype):
    p = LSTMParams.random(2, 3, dtype=dtype)
    rec = lstm_step(np.ones(2, dtype), np.zeros(3, dtype), np.zeros(3, dtype), p)
    assert all(v.dtype == dtype for v in rec.as_dict().values())
    assert forget_gate(np.zeros(3, dtype), np.ones(2, dtype), p.W_f, p.b_f).dtype == dtype
    assert update_memory(*(np.ones(3, dtype),) * 4).dtype == dtype
