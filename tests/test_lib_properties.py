"""Propriétés vérifiées sur des cas tirés au hasard (hypothesis), au lieu de quelques exemples choisis."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_lib import (
    LSTMParams,
    RNNParams,
    lstm_cell_path_gradient,
    lstm_forward,
    lstm_forward_explicit,
    rnn_gradient_norms,
)

SETTINGS = settings(max_examples=25, deadline=None, database=None)

sizes = st.tuples(st.integers(1, 4), st.integers(1, 6), st.integers(1, 12), st.integers(1, 3))  # I, H, T, B
seeds = st.integers(0, 2**31 - 1)
scales = st.sampled_from([0.1, 1.0, 5.0])  # ampleur des entrées et des poids : jusqu'à saturer les portes


def _case(I, H, T, B, seed, scale, forget_bias=0.0):
    rng = np.random.default_rng(seed)
    p = LSTMParams.random(I, H, seed=seed, forget_bias=forget_bias)
    p = LSTMParams(**{k: v * scale for k, v in p.__dict__.items()})
    x = rng.normal(scale=scale, size=(B, T, I))
    c0 = rng.normal(scale=scale, size=(B, H))
    h0 = np.tanh(rng.normal(size=(B, H)))
    return x, p, h0, c0


@SETTINGS
@given(sizes, seeds, scales)
def test_gates_in_unit_interval_and_h_bounded(size, seed, scale):
    x, p, h0, c0 = _case(*size, seed, scale)
    trace, _ = lstm_forward(x, p, h0, c0)
    for gate in (trace.f, trace.i, trace.o):
        assert np.all((gate >= 0) & (gate <= 1))
    assert np.all(np.abs(trace.c_hat) <= 1) and np.all(np.abs(trace.h) <= 1)


@SETTINGS
@given(sizes, seeds, scales)
def test_memory_grows_by_at_most_one_per_step(size, seed, scale):
    # |c_t| = |f c_{t−1} + i ĉ| ≤ |c_{t−1}| + 1, car f, i ∈ [0, 1] et |ĉ| ≤ 1.
    x, p, h0, c0 = _case(*size, seed, scale)
    trace, _ = lstm_forward(x, p, h0, c0)
    previous = np.concatenate([c0[:, None, :], trace.c[:, :-1]], axis=1)
    assert np.all(np.abs(trace.c) <= np.abs(previous) + 1 + 1e-12)


@SETTINGS
@given(sizes, seeds, scales)
def test_fast_path_equals_explicit_path(size, seed, scale):
    x, p, h0, c0 = _case(*size, seed, scale)
    fast, (h_f, c_f) = lstm_forward(x, p, h0, c0)
    slow, (h_s, c_s) = lstm_forward_explicit(x, p, h0, c0)
    for name in ("f", "i", "c_hat", "c", "o", "h"):
        assert np.allclose(getattr(fast, name), getattr(slow, name), rtol=0, atol=1e-12)
    assert np.allclose(h_f, h_s, rtol=0, atol=1e-12) and np.allclose(c_f, c_s, rtol=0, atol=1e-12)


@SETTINGS
@given(sizes, seeds, st.sampled_from([0.0, 1.0, 3.0]))
def test_cell_path_gradient_is_the_product_of_forget_gates(size, seed, forget_bias):
    x, p, h0, c0 = _case(*size, seed, 1.0, forget_bias)
    trace, _ = lstm_forward(x[0], p, h0[0], c0[0])
    T = trace.f.shape[0]
    lags, values = lstm_cell_path_gradient(trace.f)
    assert np.array_equal(lags, np.arange(T))
    for k in range(T):
        product = np.ones(trace.f.shape[1])
        for t in range(T - k, T):  # f_{T−k+1} ⊙ … ⊙ f_T (indices à partir de 0)
            product = product * trace.f[t]
        assert np.allclose(values[k], product, rtol=1e-12, atol=0)


@SETTINGS
@given(st.integers(2, 12), st.integers(5, 40), seeds, st.floats(0.1, 0.95))
def test_rnn_gradient_shrinks_with_lag_below_spectral_radius_one(H, T, seed, rho):
    # W_h symétrique : sa norme 2 égale son rayon spectral ρ < 1, donc chaque pas en arrière
    # multiplie la norme du gradient par au plus ρ (|1 − h²| ≤ 1).
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(H, H))
    W_h = (A + A.T) / 2
    W_h *= rho / np.max(np.abs(np.linalg.eigvalsh(W_h)))
    p = RNNParams(W=np.hstack([W_h, rng.normal(size=(H, 2))]), b=rng.normal(size=H))
    assert abs(p.spectral_radius() - rho) < 1e-9
    _, norms = rnn_gradient_norms(rng.normal(size=(T, 2)), p)
    assert np.all(norms[1:] <= rho * norms[:-1] * (1 + 1e-9))
    assert norms[-1] <= rho ** (T - 1) * (1 + 1e-9)
