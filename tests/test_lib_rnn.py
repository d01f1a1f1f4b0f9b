"""Le RNN simple, la norme de son gradient et le chemin de la mémoire du LSTM."""

import numpy as np
import pytest

from lstm_lib import (
    LSTMParams,
    RNNParams,
    lstm_cell_path_gradient,
    lstm_forward,
    lstm_memory_gradient_norms,
    lstm_step,
    lstm_step_jacobian,
    rnn_forward,
    rnn_gradient_norms,
    rnn_step,
)


def test_rnn_step_is_the_equation():
    p = RNNParams.random(2, 4, seed=1)
    x, h = np.array([0.3, -1.0]), np.array([0.1, 0.2, -0.3, 0.5])
    expected = np.tanh(p.W @ np.concatenate([h, x]) + p.b)
    assert np.allclose(rnn_step(x, h, p), expected, rtol=0, atol=1e-15)


def test_rnn_forward_equals_steps_and_batches():
    p = RNNParams.random(3, 5, seed=2)
    x = np.random.default_rng(0).normal(size=(4, 12, 3))
    h_seq, h_T = rnn_forward(x, p)
    assert h_seq.shape == (4, 12, 5) and np.array_equal(h_T, h_seq[:, -1])
    h = np.zeros((4, 5))
    for t in range(12):
        h = rnn_step(x[:, t], h, p)
        assert np.allclose(h_seq[:, t], h, rtol=0, atol=1e-14)
    single, _ = rnn_forward(x[2], p)
    assert np.allclose(single, h_seq[2], rtol=0, atol=1e-14)


def test_rnn_state_continuation():
    p = RNNParams.random(2, 6, seed=3)
    x = np.random.default_rng(1).normal(size=(20, 2))
    full, _ = rnn_forward(x, p)
    first, h_k = rnn_forward(x[:7], p)
    second, _ = rnn_forward(x[7:], p, h_k)
    assert np.allclose(np.concatenate([first, second]), full, rtol=0, atol=1e-14)


def test_rnn_dtype_preserved():
    p = RNNParams.random(2, 4, dtype=np.float32)
    h_seq, h_T = rnn_forward(np.ones((5, 2), np.float32), p)
    assert p.W.dtype == np.float32 and h_seq.dtype == np.float32 and h_T.dtype == np.float32


def test_random_spectral_radius_is_exact():
    for rho in (0.5, 0.9, 1.5):
        p = RNNParams.random(2, 16, seed=4, spectral_radius=rho)
        assert p.spectral_radius() == pytest.approx(rho, rel=1e-10)
    # Seul le bloc récurrent change : W_x et b restent ceux du tirage sans rayon imposé.
    base, scaled = RNNParams.random(2, 16, seed=4), RNNParams.random(2, 16, seed=4, spectral_radius=0.5)
    assert np.array_equal(base.W[:, 16:], scaled.W[:, 16:]) and np.array_equal(base.b, scaled.b)


def _finite_difference_jacobian(x, p, k, eps=1e-6):
    """∂h_T/∂h_{T−k} par différences finies : on perturbe h_{T−k} et on relance la fin."""
    h_seq, h_T = rnn_forward(x, p)
    T, H = h_seq.shape
    start = h_seq[T - 1 - k]
    J = np.empty((H, H))
    for j in range(H):
        d = np.zeros(H)
        d[j] = eps
        if k == 0:
            plus, minus = start + d, start - d
        else:
            plus = rnn_forward(x[T - k:], p, start + d)[1]
            minus = rnn_forward(x[T - k:], p, start - d)[1]
        J[:, j] = (plus - minus) / (2 * eps)
    return J


def test_rnn_gradient_norms_match_finite_differences():
    p = RNNParams.random(2, 5, seed=6, spectral_radius=1.2)
    x = np.random.default_rng(2).normal(size=(15, 2))
    lags, norms = rnn_gradient_norms(x, p)
    assert np.array_equal(lags, np.arange(15)) and norms[0] == pytest.approx(1.0)
    for k in (1, 2, 5, 14):
        J = _finite_difference_jacobian(x, p, k)
        assert norms[k] == pytest.approx(np.linalg.norm(J, 2), rel=1e-6)


def test_rnn_gradient_vanishes_with_small_spectral_radius():
    x = np.random.default_rng(3).normal(size=(60, 2))
    _, small = rnn_gradient_norms(x, RNNParams.random(2, 32, seed=0, spectral_radius=0.5))
    assert small[-1] < 1e-6 * small[0]


def test_lstm_cell_path_gradient_is_the_product_of_forget_gates():
    p = LSTMParams.random(2, 4, seed=1, forget_bias=1.0)
    trace, _ = lstm_forward(np.random.default_rng(0).normal(size=(10, 2)), p)
    lags, values = lstm_cell_path_gradient(trace.f)
    assert np.array_equal(lags, np.arange(10)) and values.shape == (10, 4)
    assert np.all(values[0] == 1.0)
    for k in range(1, 10):
        assert np.allclose(values[k], np.prod(trace.f[10 - k:], axis=0), rtol=1e-13, atol=0)
    # Monotone : chaque pas de plus multiplie par une porte ≤ 1.
    assert np.all(np.diff(values, axis=0) <= 0)


def test_lstm_cell_path_gradient_batched_and_float32():
    f = np.random.default_rng(0).uniform(0.5, 1.0, size=(3, 6, 2)).astype(np.float32)
    _, values = lstm_cell_path_gradient(f)
    assert values.dtype == np.float32 and values.shape == (3, 6, 2)
    for b in range(3):
        assert np.allclose(values[b], lstm_cell_path_gradient(f[b])[1])


# --- la jacobienne complète de la mémoire d'un LSTM ----------------------------


def _torch_memory_jacobian(x, p, k):
    """∂c_T/∂c_{T−k} par autograd de PyTorch, sur une LSTMCell qui porte les mêmes poids."""
    torch = pytest.importorskip("torch")
    from lstm_lib.torch_bridge import params_to_torch

    cell = torch.nn.LSTMCell(p.input_size, p.hidden_size, dtype=torch.float64)
    params_to_torch(p, cell)
    trace, _ = lstm_forward(x, p)
    T = x.shape[0]
    h_start = torch.tensor(trace.h[T - k - 1])

    def c_T(c_start):
        h, c = h_start[None], c_start[None]
        for t in range(T - k, T):
            h, c = cell(torch.tensor(x[t])[None], (h, c))
        return c[0]

    return torch.autograd.functional.jacobian(c_T, torch.tensor(trace.c[T - k - 1])).numpy()


def test_lstm_memory_gradient_norms_match_autograd():
    p = LSTMParams.random(2, 5, seed=3, forget_bias=1.0)
    x = np.random.default_rng(4).normal(size=(14, 2))
    lags, norms = lstm_memory_gradient_norms(x, p)
    assert np.array_equal(lags, np.arange(14)) and norms[0] == pytest.approx(1.0)
    for k in (1, 3, 8, 12):
        J = _torch_memory_jacobian(x, p, k)
        assert norms[k] == pytest.approx(np.linalg.norm(J, 2), rel=1e-10)


def test_lstm_step_jacobian_matches_finite_differences():
    p = LSTMParams.random(3, 4, seed=5)
    rng = np.random.default_rng(6)
    x_t, h, c = rng.normal(size=3), rng.normal(size=4) * 0.5, rng.normal(size=4)
    J = lstm_step_jacobian(x_t, h, c, p)
    assert J.shape == (8, 8)
    eps = 1e-6
    for j in range(8):
        d = np.zeros(8)
        d[j] = eps
        plus = lstm_step(x_t, h + d[:4], c + d[4:], p)
        minus = lstm_step(x_t, h - d[:4], c - d[4:], p)
        column = (np.concatenate([plus.h, plus.c]) - np.concatenate([minus.h, minus.c])) / (2 * eps)
        assert np.allclose(J[:, j], column, rtol=0, atol=1e-8)


def test_without_recurrent_weights_the_full_jacobian_is_the_direct_path():
    # Cas dont on connaît la réponse : si aucune porte ne lit h_{t−1} (W_h = 0), le seul chemin
    # de c_{T−k} vers c_T est le chemin direct, et ∂c_T/∂c_{T−k} = diag(f_{T−k+1} ⋯ f_T).
    p = LSTMParams.random(2, 6, seed=7, forget_bias=2.0)
    for g in "fico":
        getattr(p, f"W_{g}")[:, :6] = 0.0
    x = np.random.default_rng(8).normal(size=(30, 2))
    trace, _ = lstm_forward(x, p)
    _, direct = lstm_cell_path_gradient(trace.f)
    _, full = lstm_memory_gradient_norms(x, p)
    assert np.allclose(full, direct.max(axis=-1), rtol=1e-12, atol=0)


def test_full_jacobian_differs_from_the_direct_path_on_the_chapter_1_network():
    # Le constat du chapitre 1 : sur le même réseau, les deux mesures diffèrent de plusieurs
    # ordres de grandeur, dans un sens ou dans l'autre.
    x = np.random.default_rng(9).uniform(0, 1, size=(100, 2))
    for b_f in (0.0, 5.0):
        p = LSTMParams.random(2, 32, seed=0, forget_bias=b_f)
        trace, _ = lstm_forward(x, p)
        direct = lstm_cell_path_gradient(trace.f)[1].max(axis=-1)
        _, full = lstm_memory_gradient_norms(x, p)
        print(f"b_f = {b_f} : chemin direct {direct[99]:.2e}, jacobienne complète {full[99]:.2e} au retard 99")
        assert full[99] > 10 * direct[99]  # plus d'un ordre de grandeur


def test_lstm_jacobian_functions_reject_bad_input():
    p = LSTMParams.random(2, 3, seed=0)
    with pytest.raises(ValueError, match="une seule séquence"):
        lstm_memory_gradient_norms(np.zeros((2, 5, 2)), p)
    with pytest.raises(ValueError, match="dernière dimension"):
        lstm_step_jacobian(np.zeros(3), np.zeros(3), np.zeros(3), p)
    with pytest.raises(TypeError, match="LSTMParams"):
        lstm_memory_gradient_norms(np.zeros((5, 2)), "pas des poids")


def test_closed_form_step_jacobian_equals_the_one_read_from_backpropagation():
    """Deux calculs de la même jacobienne, par deux chemins : la formule du chapitre 1
    (lstm_step_jacobian) et les lignes d'une rétropropagation d'un pas (lstm_state_jacobians, chapitre 7)."""
    from lstm_lib.backward import lstm_state_jacobians

    p = LSTMParams.random(2, 4, seed=5, forget_bias=1.0)
    rng = np.random.default_rng(6)
    x, h0, c0 = rng.normal(size=(6, 2)), rng.normal(size=4), rng.normal(size=4)
    from_backward = lstm_state_jacobians(x, p, h0, c0)
    trace, _ = lstm_forward(x, p, h0, c0)
    h_prev = np.concatenate([h0[None], trace.h[:-1]])
    c_prev = np.concatenate([c0[None], trace.c[:-1]])
    gap = max(float(np.max(np.abs(lstm_step_jacobian(x[t], h_prev[t], c_prev[t], p) - from_backward[t])))
              for t in range(6))
    print(f"écart maximal entre les deux jacobiennes : {gap:.1e}")
    assert gap <= 1e-12
