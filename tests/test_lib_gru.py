"""Le GRU de lstm_lib : NumpyGRU refait nn.GRU à l'identique, les deux formes du candidat, les gradients d'un pas."""

import itertools

import numpy as np
import pytest

from conftest import assert_french_error, central_differences  # tests/conftest.py

torch = pytest.importorskip("torch")
nn = torch.nn

from lstm_lib import LSTMParams, ema  # noqa: E402
from lstm_lib.gru import (  # noqa: E402
    GRUParams,
    GRURecord,
    gru_candidate,
    gru_candidate_cho,
    gru_forward,
    gru_step,
    gru_step_backward,
    gru_update,
    reset_gate,
    update_gate,
)
from lstm_lib.torch_bridge import NumpyGRU, NumpyLSTM, gru_params_from_torch, gru_params_to_torch  # noqa: E402

NAMES = ("W_r", "b_r", "W_z", "b_z", "W_n", "b_n", "b_hn")


pytestmark = pytest.mark.usefixtures("one_torch_thread")


TOLERANCE = {torch.float64: 1e-10, torch.float32: 1e-5}
CASES = list(itertools.product([1, 2, 3], [False, True], [False, True], [False, True], [False, True]))


def _make(num_layers, bidirectional, batch_first, bias, dtype, input_size=3, hidden_size=5, seed=0):
    torch.manual_seed(seed)
    module = nn.GRU(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional,
                    batch_first=batch_first, bias=bias).to(dtype).eval()
    if bias:  # des biais bien différents : une erreur d'ordre (r, z, n) ou de somme se verrait
        with torch.no_grad():
            for name, p in module.named_parameters():
                if name.startswith("bias"):
                    p.uniform_(-1.0, 1.0)
    return module


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("num_layers,bidirectional,batch_first,bias,with_state", CASES)
def test_numpy_gru_matches_torch(num_layers, bidirectional, batch_first, bias, with_state, dtype):
    module = _make(num_layers, bidirectional, batch_first, bias, dtype)
    D, N, T = (2 if bidirectional else 1), 4, 7
    gen = torch.Generator().manual_seed(1)
    x = torch.randn((N, T, 3) if batch_first else (T, N, 3), generator=gen, dtype=dtype)
    h0 = torch.randn(D * num_layers, N, 5, generator=gen, dtype=dtype) if with_state else None
    with torch.no_grad():
        out_t, h_t = module(x, h0)
    out, h_n = NumpyGRU.from_torch(module)(x.numpy(), None if h0 is None else h0.numpy())
    for mine, theirs in ((out, out_t), (h_n, h_t)):
        assert mine.shape == tuple(theirs.shape)
        assert mine.dtype == (np.float64 if dtype == torch.float64 else np.float32)
        assert np.max(np.abs(mine - theirs.numpy())) <= TOLERANCE[dtype]


@pytest.mark.parametrize("bidirectional", [False, True])
def test_numpy_gru_unbatched_input(bidirectional):
    module = _make(2, bidirectional, False, True, torch.float64)
    D = 2 if bidirectional else 1
    x, h0 = torch.randn(6, 3, dtype=torch.float64), torch.randn(2 * D, 5, dtype=torch.float64)
    with torch.no_grad():
        out_t, h_t = module(x, h0)
    out, h_n = NumpyGRU.from_torch(module)(x.numpy(), h0.numpy())
    assert out.shape == (6, D * 5) and h_n.shape == (2 * D, 5)
    assert np.max(np.abs(out - out_t.numpy())) <= 1e-10 and np.max(np.abs(h_n - h_t.numpy())) <= 1e-10


def test_gru_step_matches_torch_cell_and_gate_order():
    cell = nn.GRUCell(3, 4).double()
    with torch.no_grad():
        cell.bias_ih.uniform_(-1, 1)
        cell.bias_hh.uniform_(-1, 1)
    p = gru_params_from_torch(cell)
    W_ih, W_hh = cell.weight_ih.detach().numpy(), cell.weight_hh.detach().numpy()
    b_ih, b_hh = cell.bias_ih.detach().numpy(), cell.bias_hh.detach().numpy()
    # PyTorch : r, z, n ; le livre met h d'abord, et garde b_hn à part.
    assert np.array_equal(p.W_z, np.hstack([W_hh[4:8], W_ih[4:8]]))
    assert np.array_equal(p.b_r, b_ih[0:4] + b_hh[0:4])
    assert np.array_equal(p.b_n, b_ih[8:12]) and np.array_equal(p.b_hn, b_hh[8:12])
    x, h = torch.randn(2, 3, dtype=torch.float64), torch.randn(2, 4, dtype=torch.float64)
    with torch.no_grad():
        h_t = cell(x, h)
    rec = gru_step(x.numpy(), h.numpy(), p)
    assert np.max(np.abs(rec.h - h_t.numpy())) <= 1e-12


def test_the_documented_equations_of_nn_gru():
    """Les quatre équations de la documentation de torch.nn.GRU, écrites en torch, redonnent gru_step."""
    p = GRUParams.random(3, 4, seed=1)
    rng = np.random.default_rng(2)
    x, h = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    T = {k: torch.tensor(getattr(p, k)) for k in NAMES}
    xt, ht = torch.tensor(x), torch.tensor(h)
    r = torch.sigmoid(xt @ T["W_r"][:, 4:].T + ht @ T["W_r"][:, :4].T + T["b_r"])
    z = torch.sigmoid(xt @ T["W_z"][:, 4:].T + ht @ T["W_z"][:, :4].T + T["b_z"])
    n = torch.tanh(xt @ T["W_n"][:, 4:].T + T["b_n"] + r * (ht @ T["W_n"][:, :4].T + T["b_hn"]))
    h_new = (1 - z) * n + z * ht
    rec = gru_step(x, h, p)
    for mine, theirs in ((rec.r, r), (rec.z, z), (rec.n, n), (rec.h, h_new)):
        assert np.max(np.abs(mine - theirs.numpy())) <= 1e-14


def test_cho_form_differs_and_agrees_when_the_reset_gate_is_open():
    p = GRUParams.random(3, 4, seed=3)
    rng = np.random.default_rng(4)
    x, h = rng.normal(size=(6, 3)), rng.normal(size=(6, 4))
    torch_form, cho = gru_step(x, h, p), gru_step(x, h, p, form="cho")
    assert np.max(np.abs(torch_form.h - cho.h)) > 1e-3  # deux réseaux différents, avec les mêmes poids
    # Forme de l'article : n = tanh(W_n · [r ⊙ h, x] + b_n + b_hn).
    expected = np.tanh(np.concatenate([cho.r * h, x], axis=-1) @ p.W_n.T + p.b_n + p.b_hn)
    assert np.max(np.abs(cho.n - expected)) <= 1e-14
    # Porte r grande ouverte (σ(60) = 1 en float64) : les deux formes coïncident.
    opened = GRUParams(**{**p.__dict__, "W_r": np.zeros_like(p.W_r), "b_r": np.full(4, 60.0)})
    a, b = gru_step(x, h, opened), gru_step(x, h, opened, form="cho")
    assert np.all(a.r == 1.0) and np.max(np.abs(a.h - b.h)) <= 1e-14


def test_gru_forward_continues_a_sequence_exactly():
    p = GRUParams.random(2, 5, seed=5)
    x = np.random.default_rng(6).normal(size=(3, 12, 2))
    whole, h_T = gru_forward(x, p)
    first, h_mid = gru_forward(x[:, :7], p)
    rest, h_end = gru_forward(x[:, 7:], p, h_mid)
    assert np.array_equal(np.concatenate([first.h, rest.h], axis=1), whole.h)
    assert np.array_equal(h_end, h_T) and np.array_equal(whole.h[:, -1], h_T)


def test_constant_update_gate_is_the_moving_average_of_chapter_3():
    """z constant : h_t = z h_{t−1} + (1 − z) n_t est la moyenne mobile exponentielle de n, α = 1 − z."""
    n = np.random.default_rng(7).uniform(-1, 1, size=40)
    z = 0.8
    h, hs = 0.0, []
    for n_t in n:
        h = gru_update(np.array([z]), np.array([h]), np.array([n_t]))[0]
        hs.append(h)
    assert np.max(np.abs(np.array(hs) - ema(n, alpha=1 - z))) <= 1e-14


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_round_trip_numpy_torch_numpy_is_exact(dtype):
    module = _make(2, True, False, True, torch.float64 if dtype == np.float64 else torch.float32,
                   input_size=2, hidden_size=4)
    for layer, direction in itertools.product(range(2), range(2)):
        p = GRUParams.random(2 if layer == 0 else 8, 4, seed=10 * layer + direction, dtype=dtype)
        gru_params_to_torch(p, module, layer, direction)
        back = gru_params_from_torch(module, layer, direction)
        for name in NAMES:
            assert np.array_equal(getattr(back, name), getattr(p, name)), (layer, direction, name)
            assert getattr(back, name).dtype == dtype


def test_parameter_counts_three_blocks_against_four():
    """nn.GRU(2, 64, num_layers=2) : 38 016 paramètres (3 blocs), contre 50 688 pour nn.LSTM (4 blocs)."""
    gru, lstm = nn.GRU(2, 64, num_layers=2), nn.LSTM(2, 64, num_layers=2)
    n_gru, n_lstm = (sum(p.numel() for p in m.parameters()) for m in (gru, lstm))
    print(f"nn.GRU : {n_gru} ; nn.LSTM : {n_lstm}")
    assert n_gru == 38_016 and n_lstm == 50_688
    H, I = 64, 2
    per_block = (H * I + H * H + 2 * H) + (H * H + H * H + 2 * H)  # couche 0 + couche 1, un bloc de poids
    assert n_gru == 3 * per_block and n_lstm == 4 * per_block
    # Le livre garde un biais pour r et pour z (leur somme), mais deux pour n : 2 H de moins par couche.
    ours = NumpyGRU.from_torch(gru)
    assert sum(layer[0].n_parameters() for layer in ours.params) == n_gru - 2 * 2 * H
    assert sum(layer[0].n_parameters() for layer in NumpyLSTM.from_torch(lstm).params) == n_lstm - 2 * 4 * H


def test_gru_step_backward_equals_autograd():
    p = GRUParams.random(3, 4, seed=8)
    cell = gru_params_to_torch(p, nn.GRUCell(3, 4).double())
    with torch.no_grad():  # des biais hh non nuls aussi, pour r et z (le livre les somme)
        cell.bias_hh[:8].uniform_(-1, 1)
    p = gru_params_from_torch(cell)
    rng = np.random.default_rng(9)
    x, h = (torch.tensor(rng.normal(size=(3, n)), requires_grad=True) for n in (3, 4))
    d_h = rng.normal(size=(3, 4))
    (cell(x, h) * torch.tensor(d_h)).sum().backward()
    grads = gru_step_backward(gru_step(x.detach().numpy(), h.detach().numpy(), p), d_h, p)
    W_ih, W_hh = cell.weight_ih.grad.numpy(), cell.weight_hh.grad.numpy()
    b_ih, b_hh = cell.bias_ih.grad.numpy(), cell.bias_hh.grad.numpy()
    expected = {
        "W_r": np.hstack([W_hh[:4], W_ih[:4]]), "W_z": np.hstack([W_hh[4:8], W_ih[4:8]]),
        "W_n": np.hstack([W_hh[8:], W_ih[8:]]), "b_r": b_ih[:4], "b_z": b_ih[4:8], "b_n": b_ih[8:],
        "b_hn": b_hh[8:],
    }
    gap = max(np.max(np.abs(getattr(grads.params, k) - v)) for k, v in expected.items())
    gap = max(gap, np.max(np.abs(grads.x_t - x.grad.numpy())), np.max(np.abs(grads.h_prev - h.grad.numpy())))
    print(f"écart maximal à l'autograd : {gap:.1e}")
    assert gap <= 1e-12


def test_gru_step_backward_central_finite_differences():
    p = GRUParams.random(2, 3, seed=10)
    rng = np.random.default_rng(11)
    x, h, d_h = rng.normal(size=2), rng.normal(size=3), rng.normal(size=3)

    def loss(q=p, x=x, h=h):
        return float(np.sum(gru_step(x, h, q).h * d_h))

    grads = gru_step_backward(gru_step(x, h, p), d_h, p)
    worst = 0.0
    for name in NAMES:
        numeric = central_differences(lambda v, name=name: loss(GRUParams(**{**p.__dict__, name: v})), getattr(p, name))
        worst = max(worst, np.max(np.abs(numeric - getattr(grads.params, name))))
    for key, value, exact in (("x", x, grads.x_t), ("h", h, grads.h_prev)):
        numeric = central_differences(lambda v, key=key: loss(**{key: v}), value)
        worst = max(worst, np.max(np.abs(numeric - exact)))
    print(f"écart maximal aux différences finies : {worst:.1e}")
    assert worst < 1e-8


def test_direct_path_of_the_gru_is_the_update_gate():
    """Si ni z_t ni le candidat ne lisent h_{t−1} (W_zh = W_nh = 0, b_hn = 0), ∂h_t/∂h_{t−1} = diag(z_t) exactement."""
    p = GRUParams.random(2, 3, seed=12)
    p = GRUParams(**{**p.__dict__, "W_n": np.hstack([np.zeros((3, 3)), p.W_n[:, 3:]]),
                     "W_z": np.hstack([np.zeros((3, 3)), p.W_z[:, 3:]]), "b_hn": np.zeros(3)})
    rec = gru_step(np.array([0.3, -0.2]), np.array([0.5, -0.1, 0.2]), p)
    rows = [gru_step_backward(rec, e, p).h_prev for e in np.eye(3)]  # lignes de ∂h_t/∂h_{t−1}
    assert np.max(np.abs(np.array(rows) - np.diag(rec.z))) <= 1e-15


def test_numpy_gru_accepts_a_nested_list_as_initial_state():
    module = _make(1, False, False, True, torch.float64)
    h0 = np.random.default_rng(14).normal(size=(1, 2, 5))
    x = np.random.default_rng(15).normal(size=(4, 2, 3))
    ours = NumpyGRU.from_torch(module)
    assert np.array_equal(ours(x, h0.tolist())[1], ours(x, h0)[1])


def test_float32_is_preserved():
    p = GRUParams.random(2, 3, seed=13, dtype=np.float32)
    trace, h_T = gru_forward(np.zeros((4, 2), np.float32), p)
    assert trace.h.dtype == np.float32 and h_T.dtype == np.float32 and p.n_parameters() == 3 * 3 * 5 + 4 * 3


def test_record_prints_the_four_steps():
    text = str(gru_step(np.zeros(2), np.zeros(3), GRUParams.random(2, 3)))
    assert text.index("r_t") < text.index("z_t") < text.index("n_t") < text.index("h_t =")


# --------------------------------------------------------------------------
# Entrées mal formées
# --------------------------------------------------------------------------

P = GRUParams.random(2, 3, seed=0)
H3 = np.zeros(3)
REC = gru_step(np.zeros(2), H3, P)
BAD = [
    ("GRUParams.random : hidden_size nul", lambda: GRUParams.random(2, 0), ValueError, "« hidden_size » doit être un entier ≥ 1"),
    ("GRUParams.random : graine négative", lambda: GRUParams.random(2, 3, seed=-2), ValueError, "« seed »"),
    ("GRUParams.random : dtype entier", lambda: GRUParams.random(2, 3, dtype=np.int64), TypeError, "float32 ou float64"),
    ("GRUParams : W_z d'une autre forme", lambda: GRUParams(**{**P.__dict__, "W_z": np.zeros((3, 6))}), ValueError,
     "« W_z » doit avoir la même forme que W_r"),
    ("GRUParams : b_hn de mauvaise forme", lambda: GRUParams(**{**P.__dict__, "b_hn": np.zeros(4)}), ValueError,
     "« b_hn » doit avoir la forme (H,) = (3,)"),
    ("gru_step : params LSTM", lambda: gru_step(np.zeros(2), H3, LSTMParams.random(2, 3)), TypeError,
     "doit être un GRUParams"),
    ("gru_step : forme inconnue", lambda: gru_step(np.zeros(2), H3, P, form="keras"), ValueError,
     "« form » doit valoir \"pytorch\" ou \"cho\""),
    ("gru_step : h_prev de mauvaise taille", lambda: gru_step(np.zeros(2), np.zeros(4), P), ValueError,
     "« h_prev » doit avoir la forme (3,)"),
    ("gru_step : x de mauvaise taille", lambda: gru_step(np.zeros(5), H3, P), ValueError, "taille d'entrée I"),
    ("gru_forward : séquence vide", lambda: gru_forward(np.zeros((0, 2)), P), ValueError, "au moins un pas de temps"),
    ("gru_forward : x avec NaN", lambda: gru_forward(np.full((3, 2), np.nan), P), ValueError, "6 NaN"),
    ("gru_forward : h0 d'un lot pour une séquence", lambda: gru_forward(np.zeros((3, 2)), P, np.zeros((2, 3))),
     ValueError, "« h0 » doit avoir la forme (3,)"),
    ("candidat : r de mauvaise forme", lambda: gru_candidate(H3, np.zeros(2), np.zeros(2), P.W_n, P.b_n, P.b_hn),
     ValueError, "« r » doit avoir la forme de « h_prev »"),
    ("candidat de Cho : W de mauvaise forme", lambda: gru_candidate_cho(H3, np.zeros(2), H3, np.zeros((3, 3)), P.b_n),
     ValueError, "(H, H + I) = (3, 5)"),
    ("porte r : b de mauvaise forme", lambda: reset_gate(H3, np.zeros(2), P.W_r, np.zeros(2)), ValueError,
     "« b » doit avoir la forme (H,) = (3,)"),
    ("porte z : lot contre vecteur", lambda: update_gate(np.zeros((2, 3)), np.zeros(2), P.W_z, P.b_z), ValueError,
     "tous deux des vecteurs"),
    ("mise à jour : formes différentes", lambda: gru_update(H3, H3, np.zeros(2)), ValueError, "la même forme"),
    ("rétropropagation : record d'un autre type", lambda: gru_step_backward(REC.as_dict(), H3, P), TypeError,
     "doit être le GRURecord"),
    ("rétropropagation : forme de Cho", lambda: gru_step_backward(gru_step(np.zeros(2), H3, P, form="cho"), H3, P),
     ValueError, "seule la forme \"pytorch\""),
    ("rétropropagation : params d'une autre taille", lambda: gru_step_backward(REC, H3, GRUParams.random(2, 4)),
     ValueError, "ne vient pas de ces paramètres"),
    ("rétropropagation : d_h de mauvaise forme", lambda: gru_step_backward(REC, np.zeros(4), P), ValueError,
     "« d_h » doit avoir la forme (3,)"),
    ("rétropropagation : record sans entrées", lambda: gru_step_backward(GRURecord(**REC.as_dict()), H3, P),
     ValueError, "ne contient pas les entrées du pas"),
    ("NumpyGRU : un LSTM", lambda: NumpyGRU.from_torch(nn.LSTM(2, 3)), TypeError, "doit être un torch.nn.GRU"),
    ("NumpyGRU : un couple (h, c)", lambda: NumpyGRU.from_torch(nn.GRU(2, 3))(np.zeros((4, 2)), (H3, H3)),
     TypeError, "un GRU n'a pas de mémoire c"),
    ("NumpyGRU : h0 de mauvaise forme", lambda: NumpyGRU.from_torch(nn.GRU(2, 3))(np.zeros((4, 1, 2)),
                                                                                  np.zeros((2, 1, 3))),
     ValueError, "(D · num_layers, N, H) = (1, 1, 3)"),
    ("NumpyGRU : x de mauvaise taille", lambda: NumpyGRU.from_torch(nn.GRU(2, 3))(np.zeros((4, 3))), ValueError,
     "input_size = 2"),
    ("pont : biais perdus", lambda: gru_params_to_torch(P, nn.GRU(2, 3, bias=False)), ValueError,
     "n'a pas de biais"),
    ("pont : tailles différentes", lambda: gru_params_to_torch(P, nn.GRU(2, 4)), ValueError, "attend H = 4"),
    ("pont : couche inexistante", lambda: gru_params_from_torch(nn.GRU(2, 3), layer=1), ValueError,
     "« layer » doit être entre 0 et 0"),
    ("pont : GRUCell à deux sens", lambda: gru_params_from_torch(nn.GRUCell(2, 3), direction=1), ValueError,
     "un GRUCell n'a qu'une couche"),
]


@pytest.mark.parametrize("call,error,fragment", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input_raises_french_error(call, error, fragment):
    assert_french_error(call, error, fragment)


def test_there_are_many_kinds_of_bad_input():
    assert len({c[0] for c in BAD}) == len(BAD) >= 8


def test_sequence_model_accepts_a_gru():
    from lstm_lib.models import SequenceModel

    model = SequenceModel(2, 8, 3, cell="gru", pooling="h_n")
    assert isinstance(model.rnn, nn.GRU)
    assert model(torch.zeros(4, 10, 2)).shape == (4, 3)
    with pytest.raises(ValueError, match="'lstm', 'rnn' ou 'gru'"):
        SequenceModel(2, 8, 3, cell="lru")
    with pytest.raises(ValueError, match="n'a de sens que pour un LSTM"):
        SequenceModel(2, 8, 3, cell="gru", forget_bias=1.0)
