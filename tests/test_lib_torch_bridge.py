"""Le pont PyTorch : NumpyLSTM refait nn.LSTM à l'identique, et les poids passent dans les deux sens."""

import itertools

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from lstm_lib import LSTMParams, lstm_forward, lstm_step  # noqa: E402
from lstm_lib.torch_bridge import NumpyLSTM, params_from_torch, params_to_torch  # noqa: E402



@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """De petits tenseurs : un seul fil PyTorch va plus vite (et ne gêne pas les autres tests) ; rétabli après."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


TOLERANCE = {torch.float64: 1e-10, torch.float32: 1e-5}
CASES = list(itertools.product([1, 2, 3], [False, True], [False, True], [False, True], [False, True]))


def _make(num_layers, bidirectional, batch_first, bias, dtype, input_size=3, hidden_size=5, seed=0):
    torch.manual_seed(seed)
    module = nn.LSTM(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional,
                     batch_first=batch_first, bias=bias).to(dtype).eval()
    if bias:  # des biais bien différents, pour voir une éventuelle erreur de somme ou d'ordre
        with torch.no_grad():
            for name, p in module.named_parameters():
                if name.startswith("bias"):
                    p.uniform_(-1.0, 1.0)
    return module


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("num_layers,bidirectional,batch_first,bias,with_state", CASES)
def test_numpy_lstm_matches_torch(num_layers, bidirectional, batch_first, bias, with_state, dtype):
    module = _make(num_layers, bidirectional, batch_first, bias, dtype)
    D, N, T = (2 if bidirectional else 1), 4, 7
    gen = torch.Generator().manual_seed(1)
    x = torch.randn((N, T, 3) if batch_first else (T, N, 3), generator=gen, dtype=dtype)
    state = None
    if with_state:
        state = (torch.randn(D * num_layers, N, 5, generator=gen, dtype=dtype),
                 torch.randn(D * num_layers, N, 5, generator=gen, dtype=dtype))
    with torch.no_grad():
        out_t, (h_t, c_t) = module(x, state)
    ours = NumpyLSTM.from_torch(module)
    np_state = None if state is None else tuple(s.numpy() for s in state)
    out, (h_n, c_n) = ours(x.numpy(), np_state)
    tol = TOLERANCE[dtype]
    for mine, theirs in ((out, out_t), (h_n, h_t), (c_n, c_t)):
        assert mine.shape == tuple(theirs.shape)
        assert mine.dtype == (np.float64 if dtype == torch.float64 else np.float32)
        assert np.max(np.abs(mine - theirs.numpy())) <= tol


@pytest.mark.parametrize("bidirectional", [False, True])
def test_numpy_lstm_unbatched_input(bidirectional):
    module = _make(2, bidirectional, False, True, torch.float64)
    D = 2 if bidirectional else 1
    x = torch.randn(6, 3, dtype=torch.float64)
    state = (torch.randn(2 * D, 5, dtype=torch.float64), torch.randn(2 * D, 5, dtype=torch.float64))
    with torch.no_grad():
        out_t, (h_t, c_t) = module(x, state)
    out, (h_n, c_n) = NumpyLSTM.from_torch(module)(x.numpy(), tuple(s.numpy() for s in state))
    assert out.shape == (6, D * 5) and h_n.shape == (2 * D, 5)
    for mine, theirs in ((out, out_t), (h_n, h_t), (c_n, c_t)):
        assert np.max(np.abs(mine - theirs.numpy())) <= 1e-10


def test_bidirectional_backward_final_state_is_at_time_zero():
    module = _make(1, True, True, True, torch.float64)
    out, (h_n, _) = NumpyLSTM.from_torch(module)(np.random.default_rng(0).normal(size=(2, 9, 3)))
    assert np.array_equal(h_n[-1], out[:, 0, 5:]) and np.array_equal(h_n[-2], out[:, -1, :5])
    assert not np.allclose(h_n[-1], out[:, -1, 5:])


def test_params_from_torch_single_step_matches_torch_cell():
    cell = nn.LSTMCell(3, 4).double()
    with torch.no_grad():
        cell.bias_ih.uniform_(-1, 1)
    x, h, c = (torch.randn(2, 3, dtype=torch.float64), torch.randn(2, 4, dtype=torch.float64),
               torch.randn(2, 4, dtype=torch.float64))
    with torch.no_grad():
        h_t, c_t = cell(x, (h, c))
    rec = lstm_step(x.numpy(), h.numpy(), c.numpy(), params_from_torch(cell))
    assert np.max(np.abs(rec.h - h_t.numpy())) <= 1e-12 and np.max(np.abs(rec.c - c_t.numpy())) <= 1e-12


def test_params_from_torch_gate_order_and_bias_sum():
    module = _make(1, False, False, True, torch.float64, input_size=2, hidden_size=3)
    p = params_from_torch(module)
    W_ih, W_hh = module.weight_ih_l0.detach().numpy(), module.weight_hh_l0.detach().numpy()
    b = (module.bias_ih_l0 + module.bias_hh_l0).detach().numpy()
    # PyTorch : i, f, g, o ; la porte d'oubli est le deuxième bloc [H:2H].
    assert np.array_equal(p.W_f, np.hstack([W_hh[3:6], W_ih[3:6]]))
    assert np.array_equal(p.W_i, np.hstack([W_hh[0:3], W_ih[0:3]]))
    assert np.array_equal(p.W_c[:, 3:], W_ih[6:9]) and np.array_equal(p.W_o[:, :3], W_hh[9:12])
    assert np.array_equal(p.b_f, b[3:6]) and np.array_equal(p.b_o, b[9:12])
    assert p.dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_round_trip_numpy_torch_numpy_is_exact(dtype):
    module = _make(2, True, False, True, torch.float64 if dtype == np.float64 else torch.float32,
                   input_size=2, hidden_size=4)
    for layer, direction in itertools.product(range(2), range(2)):
        input_size = 2 if layer == 0 else 8
        p = LSTMParams.random(input_size, 4, seed=10 * layer + direction, forget_bias=1.0, dtype=dtype)
        params_to_torch(p, module, layer, direction)
        back = params_from_torch(module, layer, direction)
        for name in ("W_f", "b_f", "W_i", "b_i", "W_c", "b_c", "W_o", "b_o"):
            assert np.array_equal(getattr(back, name), getattr(p, name)), (layer, direction, name)
            assert getattr(back, name).dtype == dtype


def test_params_to_torch_then_torch_computes_lstm_forward():
    p = LSTMParams.random(2, 6, seed=3, forget_bias=1.0)
    module = params_to_torch(p, nn.LSTM(2, 6, batch_first=True).double())
    assert module.bias_hh_l0.abs().max().item() == 0.0
    x = np.random.default_rng(0).normal(size=(3, 11, 2))
    trace, (h_T, c_T) = lstm_forward(x, p)
    with torch.no_grad():
        out, (h_n, c_n) = module(torch.from_numpy(x))
    assert np.max(np.abs(trace.h - out.numpy())) <= 1e-12
    assert np.max(np.abs(h_T - h_n[0].numpy())) <= 1e-12 and np.max(np.abs(c_T - c_n[0].numpy())) <= 1e-12


def test_parameter_count_of_the_source_text_model():
    module = nn.LSTM(input_size=2, hidden_size=64, num_layers=2, batch_first=True)
    assert sum(p.numel() for p in module.parameters()) == 50_688
    ours = NumpyLSTM.from_torch(module)
    # Le livre n'a qu'un biais b par porte (la somme des deux biais de PyTorch) : 4 · 64 de moins par couche.
    assert sum(p.n_parameters() for layer in ours.params for p in layer) == 50_688 - 2 * 4 * 64


def test_gate_rows_is_the_torch_order_i_f_g_o():
    from lstm_lib.torch_bridge import gate_rows

    H = 4
    rows = [(gate_rows(g, H).start, gate_rows(g, H).stop) for g in ("i", "f", "c", "o")]
    print("lignes i, f, g, o pour H = 4 :", rows)
    assert rows == [(0, 4), (4, 8), (8, 12), (12, 16)]
    with pytest.raises(ValueError, match="« gate » doit valoir"):
        gate_rows("g", H)
