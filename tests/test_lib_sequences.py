"""Une séquence entière : chemin rapide = chemin explicite, continuation de l'état, dtypes."""

import numpy as np
import pytest

from lstm_lib import LSTMParams, lstm_forward, lstm_forward_explicit, lstm_step

FIELDS = ("f", "i", "c_hat", "c", "o", "h")
TOL = {np.float64: 1e-12, np.float32: 2e-6}


def _max_diff(a, b):
    return max(np.max(np.abs(getattr(a, k) - getattr(b, k))) for k in FIELDS)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(1, 2), (17, 2), (4, 9, 3), (1, 1, 1)])
def test_fast_path_equals_explicit_path(shape, dtype):
    I = shape[-1]
    p = LSTMParams.random(I, 5, seed=2, forget_bias=1.0, dtype=dtype)
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype(dtype)
    state_shape = (5,) if len(shape) == 2 else (shape[0], 5)
    h0, c0 = rng.normal(size=state_shape).astype(dtype), rng.normal(size=state_shape).astype(dtype)
    fast, (h_fast, c_fast) = lstm_forward(x, p, h0, c0)
    slow, (h_slow, c_slow) = lstm_forward_explicit(x, p, h0, c0)
    assert fast.h.shape == shape[:-1] + (5,)
    assert _max_diff(fast, slow) <= TOL[dtype]
    assert np.max(np.abs(h_fast - h_slow)) <= TOL[dtype] and np.max(np.abs(c_fast - c_slow)) <= TOL[dtype]
    for v in (*fast.as_dict().values(), h_fast, c_fast):
        assert v.dtype == dtype


def test_trace_is_the_sequence_of_steps():
    p = LSTMParams.random(2, 4, seed=5)
    x = np.random.default_rng(1).normal(size=(6, 2))
    trace, (h_T, c_T) = lstm_forward(x, p)
    h, c = np.zeros(4), np.zeros(4)
    for t in range(6):
        rec = lstm_step(x[t], h, c, p)
        for k in FIELDS:
            assert np.allclose(getattr(trace, k)[t], getattr(rec, k), rtol=0, atol=1e-14)
        h, c = rec.h, rec.c
    assert np.array_equal(h_T, trace.h[-1]) and np.array_equal(c_T, trace.c[-1])


def test_batch_equals_each_sequence_alone():
    p = LSTMParams.random(3, 4, seed=1)
    x = np.random.default_rng(2).normal(size=(5, 8, 3))
    batch, (h_T, _) = lstm_forward(x, p)
    for b in range(5):
        alone, (h_b, _) = lstm_forward(x[b], p)
        assert _max_diff(alone, type(alone)(**{k: getattr(batch, k)[b] for k in FIELDS})) <= 1e-14
        assert np.allclose(h_b, h_T[b], rtol=0, atol=1e-14)


@pytest.mark.parametrize("forward", [lstm_forward, lstm_forward_explicit])
@pytest.mark.parametrize("k", [1, 7, 19])
def test_state_continuation(forward, k):
    p = LSTMParams.random(2, 6, seed=4, forget_bias=1.0)
    x = np.random.default_rng(3).normal(size=(3, 20, 2))
    whole, (h_all, c_all) = forward(x, p)
    first, (h_k, c_k) = forward(x[:, :k], p)
    second, (h_end, c_end) = forward(x[:, k:], p, h_k, c_k)
    for name in FIELDS:
        joined = np.concatenate([getattr(first, name), getattr(second, name)], axis=1)
        assert np.allclose(joined, getattr(whole, name), rtol=0, atol=1e-14), name
    assert np.allclose(h_end, h_all, rtol=0, atol=1e-14) and np.allclose(c_end, c_all, rtol=0, atol=1e-14)


def test_initial_state_matters_and_is_not_modified():
    p = LSTMParams.random(2, 3, seed=0)
    x = np.ones((4, 2))
    h0, c0 = np.full(3, 0.5), np.full(3, -0.5)
    h0_copy, c0_copy = h0.copy(), c0.copy()
    with_state, _ = lstm_forward(x, p, h0, c0)
    without, _ = lstm_forward(x, p)
    assert not np.allclose(with_state.h[0], without.h[0])
    assert np.array_equal(h0, h0_copy) and np.array_equal(c0, c0_copy)


def test_mixed_precision_computes_in_float64():
    p = LSTMParams.random(2, 3, dtype=np.float64)
    trace, (h_T, _) = lstm_forward(np.ones((4, 2), np.float32), p)
    assert trace.h.dtype == np.float64 and h_T.dtype == np.float64
    p32 = LSTMParams.random(2, 3, dtype=np.float32)
    trace, _ = lstm_forward(np.ones((4, 2), np.int64), p32)  # des entiers deviennent float64
    assert trace.h.dtype == np.float64


def test_python_lists_are_accepted():
    p = LSTMParams.random(2, 3, seed=0)
    trace, _ = lstm_forward([[0.1, 0.2], [0.3, 0.4]], p)
    assert trace.h.shape == (2, 3)
