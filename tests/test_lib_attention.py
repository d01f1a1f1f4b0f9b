"""lstm_lib.attention : le pas en flux égale l'attention sur toute la séquence ; coûts d'un pas comptés par PyTorch."""

import numpy as np
import pytest
import torch

from lstm_lib.attention import (
    CausalSelfAttention,
    TinyTransformer,
    attention_step_cost,
    lstm_step_cost,
    sinusoidal_positions,
)
from lstm_lib.data import associative_recall, running_parity

from french_errors import check_french_error


def test_streaming_step_equals_full_causal_attention():
    torch.manual_seed(0)
    d, T = 8, 12
    attn = CausalSelfAttention(d)
    x = torch.randn(1, T, d)
    with torch.no_grad():
        full = attn(x)[0]
        K, V = torch.zeros(T, d), torch.zeros(T, d)
        steps = torch.cat([attn.step(x[0, t:t + 1], (K, V), t) for t in range(T)])
    np.testing.assert_allclose(steps.numpy(), full.numpy(), atol=1e-5)


def test_tiny_transformer_is_causal():
    torch.manual_seed(0)
    model = TinyTransformer(3, 16, 2)
    x = torch.randn(2, 10, 3)
    with torch.no_grad():
        before = model(x[:, :6])
        after = model(torch.cat([x[:, :6], torch.randn(2, 4, 3)], dim=1))[:, :6]
    np.testing.assert_allclose(before.numpy(), after.numpy(), atol=1e-5)


def test_sinusoidal_positions_formula():
    pe = sinusoidal_positions(5, 4)
    t = np.arange(5)[:, None]
    np.testing.assert_allclose(pe[:, 0].numpy(), np.sin(t[:, 0]), atol=1e-6)
    np.testing.assert_allclose(pe[:, 3].numpy(), np.cos(t[:, 0] / 100.0), atol=1e-6)


@pytest.mark.parametrize("H, I", [(8, 8), (128, 128), (64, 12)])
def test_lstm_step_cost_is_the_formula(H, I):
    flops, memory = lstm_step_cost(H, I)
    print(f"H = {H}, I = {I} : {flops} opérations, {memory} octets")
    assert flops == 2 * 4 * H * (I + H)
    assert memory == 2 * H * 4


@pytest.mark.parametrize("n", [1, 16, 1000, 4096])
def test_attention_step_cost_grows_with_the_context(n):
    d = 32
    flops, memory = attention_step_cost(n, d)
    print(f"n = {n} : {flops} opérations, {memory} octets")
    assert flops == 8 * d * d + 4 * n * d
    assert memory == 2 * n * d * 4


def test_associative_recall_answer_is_in_the_pairs():
    x, y = associative_recall(50, n_pairs=5, n_keys=7, seed=2)
    assert x.shape == (50, 6, 14) and y.shape == (50,)
    for b in range(50):
        query = int(np.flatnonzero(x[b, -1, :7])[0])
        step = int(np.flatnonzero(x[b, :5, query])[0])
        assert y[b] == int(np.flatnonzero(x[b, step, 7:])[0])
        assert len(set(x[b, :5, :7].argmax(1))) == 5  # des clés distinctes
    assert x[:, -1, 7:].sum() == 0


def test_running_parity_by_hand():
    x, y = running_parity(40, 9, seed=1)
    assert x.shape == (40, 9, 1) and y.shape == (40, 9)
    np.testing.assert_array_equal(y, np.cumsum(x[..., 0], axis=1).astype(int) % 2)


@pytest.mark.parametrize("call, error, fragment", [
    (lambda: associative_recall(10, n_pairs=9, n_keys=8), ValueError, "ne peut pas dépasser"),
    (lambda: associative_recall(0), ValueError, "« n » doit être un entier ≥ 1"),
    (lambda: running_parity(5, 0), ValueError, "« T » doit être un entier ≥ 1"),
    (lambda: running_parity(5, 4, seed=-1), ValueError, "« seed »"),
    (lambda: attention_step_cost(0, 8), ValueError, "« n » doit être un entier ≥ 1"),
    (lambda: lstm_step_cost(2.0), TypeError, "« hidden_size » doit être un entier"),
])
def test_bad_input_gives_french_error(call, error, fragment):
    check_french_error(call, error, fragment)
