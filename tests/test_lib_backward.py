"""La rétropropagation écrite à la main (lstm_lib.backward) contre l'autograd de PyTorch et les différences finies.

Le gradient de référence est celui de ``torch.autograd`` à travers ``nn.LSTM`` chargé avec
``params_to_torch`` : la perte est ``L = Σ_t ⟨δh_t, h_t⟩ + ⟨δh_T, h_T⟩ + ⟨δc_T, c_T⟩`` avec des
``δ`` tirés au hasard, pour que chaque composante du gradient compte.
"""

import itertools

import numpy as np
import pytest

from conftest import assert_french_error, central_differences  # tests/conftest.py

torch = pytest.importorskip("torch")
nn = torch.nn

from lstm_lib import LSTMParams, lstm_forward, lstm_step  # noqa: E402
from lstm_lib.backward import (  # noqa: E402
    LSTMGrads,
    StepGrads,
    d_candidate,
    d_concat,
    d_forget_gate,
    d_input_gate,
    d_memory,
    d_memory_prev,
    d_output_gate,
    d_sigmoid_input,
    d_tanh_input,
    d_weights,
    lstm_backward,
    lstm_step_backward,
)
from lstm_lib.cells import StepRecord  # noqa: E402
from lstm_lib.torch_bridge import grads_from_torch, params_to_torch  # noqa: E402

NAMES = ("W_f", "b_f", "W_i", "b_i", "W_c", "b_c", "W_o", "b_o")
I, H = 3, 4


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _draw(batch, T, seed=0, with_state=True, with_final=True, dtype=np.float64):
    """Des entrées et des gradients tirés au hasard ; ``batch=None`` : une séquence sans lot."""
    rng = np.random.default_rng(seed)
    lead = () if batch is None else (batch,)
    values = {
        "x": rng.normal(size=lead + (T, I)),
        "d_h": rng.normal(size=lead + (T, H)),
        "h0": rng.normal(size=lead + (H,)) if with_state else None,
        "c0": rng.normal(size=lead + (H,)) if with_state else None,
        "d_h_T": rng.normal(size=lead + (H,)) if with_final else None,
        "d_c_T": rng.normal(size=lead + (H,)) if with_final else None,
    }
    return {k: (None if v is None else v.astype(dtype)) for k, v in values.items()}


def autograd_reference(params, x, d_h, h0=None, c0=None, d_h_T=None, d_c_T=None, truncate=None):
    """Les gradients de ``nn.LSTM`` par l'autograd, avec ``.detach()`` de l'état tous les ``truncate`` pas."""
    dtype = torch.float64 if params.dtype == np.float64 else torch.float32
    module = params_to_torch(params, nn.LSTM(I, H, batch_first=True).to(dtype))
    unbatched = x.ndim == 2
    xb = x[None] if unbatched else x
    B, T, _ = xb.shape
    x_t = torch.tensor(xb, requires_grad=True)
    h = torch.zeros(1, B, H, dtype=dtype) if h0 is None else torch.tensor(h0.reshape(1, B, H))
    c = torch.zeros(1, B, H, dtype=dtype) if c0 is None else torch.tensor(c0.reshape(1, B, H))
    h.requires_grad_(True)
    c.requires_grad_(True)
    state, outputs = (h, c), []
    k = truncate or T
    for start in range(0, T, k):
        if start > 0:
            state = (state[0].detach(), state[1].detach())  # la BPTT tronquée de PyTorch
        out, state = module(x_t[:, start:start + k], state)
        outputs.append(out)
    loss = (torch.cat(outputs, dim=1) * torch.tensor(d_h.reshape(B, T, H))).sum()
    if d_h_T is not None:
        loss = loss + (state[0][0] * torch.tensor(d_h_T.reshape(B, H))).sum()
    if d_c_T is not None:
        loss = loss + (state[1][0] * torch.tensor(d_c_T.reshape(B, H))).sum()
    loss.backward()
    shape = (H,) if unbatched else (B, H)
    return {
        "params": grads_from_torch(module),
        "x": x_t.grad.numpy().reshape(x.shape),
        "h0": h.grad.numpy().reshape(shape),
        "c0": c.grad.numpy().reshape(shape),
    }


def max_gap(ours: LSTMGrads, ref) -> float:
    gaps = [np.max(np.abs(getattr(ours.params, n) - getattr(ref["params"], n))) for n in NAMES]
    gaps += [np.max(np.abs(getattr(ours, k) - ref[k])) for k in ("x", "h0", "c0")]
    return float(max(gaps))


CASES = list(itertools.product([None, 3], [1, 2, 17], [False, True], [False, True]))


@pytest.mark.parametrize("batch,T,with_state,with_final", CASES,
                         ids=[f"B{b}-T{t}-etat{int(s)}-final{int(f)}" for b, t, s, f in CASES])
def test_lstm_backward_equals_autograd(batch, T, with_state, with_final):
    params = LSTMParams.random(I, H, seed=1, forget_bias=0.5)
    data = _draw(batch, T, seed=T, with_state=with_state, with_final=with_final)
    ours = lstm_backward(params=params, **data)
    ref = autograd_reference(params, **data)
    gap = max_gap(ours, ref)
    print(f"écart maximal à l'autograd : {gap:.1e}")
    assert gap <= 1e-10
    assert ours.x.shape == data["x"].shape and ours.h0.shape == ((H,) if batch is None else (batch, H))
    # Le gradient n'est pas nul : la comparaison porte sur de vrais nombres.
    assert np.max(np.abs(ours.params.W_i)) > 1e-3  # (pas W_f : sans état initial, δf_1 = δc_1 ⊙ c_0 = 0)


@pytest.mark.parametrize("k", [1, 3, 5, 17, 40])
@pytest.mark.parametrize("batch", [None, 2])
def test_truncated_bptt_equals_autograd_with_detach(k, batch):
    params = LSTMParams.random(I, H, seed=2, forget_bias=1.0)
    data = _draw(batch, 17, seed=k)
    ours = lstm_backward(params=params, truncate=k, **data)
    gap = max_gap(ours, autograd_reference(params, truncate=k, **data))
    assert gap <= 1e-10
    full = lstm_backward(params=params, **data)
    difference = np.max(np.abs(ours.params.W_c - full.params.W_c))
    if k >= 17:  # une seule tranche : c'est la BPTT complète
        assert difference == 0.0
    else:  # la troncature change vraiment le gradient
        assert difference > 1e-6


def test_truncation_stops_the_gradient_after_k_steps():
    """Une perte au dernier pas seulement : avec truncate=k, δx_t est nul avant la dernière tranche."""
    params = LSTMParams.random(I, H, seed=3)
    x = np.random.default_rng(0).normal(size=(12, I))
    d_h = np.zeros((12, H))
    d_h[-1] = 1.0
    grads = lstm_backward(x, params, d_h, truncate=5)  # tranches [0, 5), [5, 10), [10, 12)
    assert np.all(grads.x[:10] == 0.0) and np.all(np.abs(grads.x[10:]) > 0)
    assert np.all(grads.h0 == 0.0) and np.all(grads.c0 == 0.0)


def test_central_finite_differences():
    """Toutes les composantes, sur un petit cas : (L(θ + ε) − L(θ − ε)) / 2ε."""
    params = LSTMParams.random(2, 2, seed=4, forget_bias=1.0)
    rng = np.random.default_rng(5)
    x, d_h = rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 3, 2))
    h0, c0, d_c_T = rng.normal(size=(2, 2)), rng.normal(size=(2, 2)), rng.normal(size=(2, 2))

    def loss(p=params, x=x, h0=h0, c0=c0):
        trace, (_, c_T) = lstm_forward(x, p, h0, c0)
        return float(np.sum(trace.h * d_h) + np.sum(c_T * d_c_T))

    grads = lstm_backward(x, params, d_h, h0, c0, d_c_T=d_c_T)
    worst = 0.0
    for name in NAMES:
        numeric = central_differences(lambda v, name=name: loss(p=LSTMParams(**{**params.__dict__, name: v})),
                                      getattr(params, name))
        worst = max(worst, np.max(np.abs(numeric - getattr(grads.params, name))))
    for key, value in (("x", x), ("h0", h0), ("c0", c0)):
        numeric = central_differences(lambda v, key=key: loss(**{key: v}), value)
        worst = max(worst, np.max(np.abs(numeric - getattr(grads, key))))
    print(f"écart maximal aux différences finies : {worst:.1e}")
    assert worst < 1e-8


def test_step_backward_chained_equals_lstm_backward():
    """lstm_step_backward, pas par pas et à la main, redonne lstm_backward (le chemin rapide)."""
    params = LSTMParams.random(I, H, seed=6, forget_bias=1.0)
    data = _draw(2, 9, seed=7)
    h, c, records = data["h0"], data["c0"], []
    for t in range(9):
        records.append(lstm_step(data["x"][:, t], h, c, params))
        h, c = records[-1].h, records[-1].c
    d_h_next, d_c_next = data["d_h_T"], data["d_c_T"]
    total = {n: 0.0 for n in NAMES}
    d_x = np.zeros_like(data["x"])
    for t in reversed(range(9)):
        step = lstm_step_backward(records[t], data["d_h"][:, t] + d_h_next, d_c_next, params)
        assert isinstance(step, StepGrads)
        total = {n: total[n] + getattr(step.params, n) for n in NAMES}
        d_x[:, t], d_h_next, d_c_next = step.x_t, step.h_prev, step.c_prev
    fast = lstm_backward(params=params, **data)
    assert max(np.max(np.abs(total[n] - getattr(fast.params, n))) for n in NAMES) <= 1e-12
    assert np.max(np.abs(d_x - fast.x)) <= 1e-12
    assert np.max(np.abs(d_h_next - fast.h0)) <= 1e-12 and np.max(np.abs(d_c_next - fast.c0)) <= 1e-12


def test_step_backward_gate_gradients_equal_autograd():
    """δf, δi, δĉ, δo et δc_t d'un pas : autograd sur les équations 4 et 6, portes prises comme feuilles."""
    params = LSTMParams.random(I, H, seed=8)
    rng = np.random.default_rng(9)
    rec = lstm_step(rng.normal(size=(2, I)), rng.normal(size=(2, H)), rng.normal(size=(2, H)), params)
    d_h, d_c = rng.normal(size=(2, H)), rng.normal(size=(2, H))
    step = lstm_step_backward(rec, d_h, d_c, params)
    leaf = {k: torch.tensor(getattr(rec, k), requires_grad=True) for k in ("f", "i", "c_hat", "o")}
    c = leaf["f"] * torch.tensor(rec.c_prev) + leaf["i"] * leaf["c_hat"]
    c.retain_grad()
    h = leaf["o"] * torch.tanh(c)
    ((h * torch.tensor(d_h)).sum() + (c * torch.tensor(d_c)).sum()).backward()
    for k in ("f", "i", "c_hat", "o"):
        assert np.max(np.abs(getattr(step, k) - leaf[k].grad.numpy())) <= 1e-12, k
    assert np.max(np.abs(step.c - c.grad.numpy())) <= 1e-12


def test_step_backward_equals_autograd_through_lstm_cell():
    params = LSTMParams.random(I, H, seed=10, forget_bias=1.0)
    cell = params_to_torch(params, nn.LSTMCell(I, H).double())
    rng = np.random.default_rng(11)
    x, h, c = (torch.tensor(rng.normal(size=(3, n)), requires_grad=True) for n in (I, H, H))
    d_h, d_c = rng.normal(size=(3, H)), rng.normal(size=(3, H))
    h_t, c_t = cell(x, (h, c))
    ((h_t * torch.tensor(d_h)).sum() + (c_t * torch.tensor(d_c)).sum()).backward()
    step = lstm_step_backward(lstm_step(x.detach().numpy(), h.detach().numpy(), c.detach().numpy(), params),
                              d_h, d_c, params)
    ref = grads_from_torch(cell)
    assert max(np.max(np.abs(getattr(step.params, n) - getattr(ref, n))) for n in NAMES) <= 1e-12
    for mine, theirs in ((step.x_t, x), (step.h_prev, h), (step.c_prev, c)):
        assert np.max(np.abs(mine - theirs.grad.numpy())) <= 1e-12


@pytest.mark.parametrize(
    "function,args,forward",
    [
        (d_output_gate, ("d_h", "c"), lambda o, c: o * torch.tanh(c)),
        (d_forget_gate, ("d_c", "c_prev"), lambda f, c_prev: f * c_prev),
        (d_input_gate, ("d_c", "c_hat"), lambda i, c_hat: i * c_hat),
        (d_candidate, ("d_c", "i"), lambda c_hat, i: i * c_hat),
        (d_memory_prev, ("d_c", "f"), lambda c_prev, f: f * c_prev),
    ],
    ids=["δo", "δf", "δi", "δĉ", "δc_prev"],
)
def test_each_product_rule_equals_autograd(function, args, forward):
    """Chaque équation ``δu = δy ⊙ v`` est la dérivée de ``y(u, v)`` par rapport à ``u``."""
    rng = np.random.default_rng(12)
    u, v, d_y = (rng.normal(size=(2, 5)) for _ in range(3))
    u_t = torch.tensor(u, requires_grad=True)
    (forward(u_t, torch.tensor(v)) * torch.tensor(d_y)).sum().backward()
    assert np.max(np.abs(function(d_y, v) - u_t.grad.numpy())) <= 1e-14


def test_activation_derivatives_equal_autograd():
    rng = np.random.default_rng(13)
    a, d_y = rng.normal(size=(2, 5)) * 3, rng.normal(size=(2, 5))
    for torch_fn, ours in ((torch.sigmoid, d_sigmoid_input), (torch.tanh, d_tanh_input)):
        a_t = torch.tensor(a, requires_grad=True)
        y = torch_fn(a_t)
        (y * torch.tensor(d_y)).sum().backward()
        assert np.max(np.abs(ours(d_y, y.detach().numpy()) - a_t.grad.numpy())) <= 1e-14


def test_memory_gradient_has_both_paths():
    """δc_t = δh ⊙ o ⊙ (1 − tanh² c) + δc_{t+1} ⊙ f_{t+1} : chaque terme, séparément."""
    o, c = np.array([0.5, 0.9]), np.array([0.3, -2.0])
    assert np.allclose(d_memory(np.ones(2), o, c, np.zeros(2)), o * (1 - np.tanh(c) ** 2))
    assert np.array_equal(d_memory(np.zeros(2), o, c, np.array([0.7, -0.1])), np.array([0.7, -0.1]))


def test_weights_and_concat_gradients_equal_autograd():
    rng = np.random.default_rng(14)
    W, b, hx, d_a = rng.normal(size=(4, 7)), rng.normal(size=4), rng.normal(size=(3, 5, 7)), rng.normal(size=(3, 5, 4))
    W_t, b_t, hx_t = (torch.tensor(v, requires_grad=True) for v in (W, b, hx))
    ((hx_t @ W_t.T + b_t) * torch.tensor(d_a)).sum().backward()
    d_W, d_b = d_weights(d_a, hx)
    assert np.max(np.abs(d_W - W_t.grad.numpy())) <= 1e-12 and np.max(np.abs(d_b - b_t.grad.numpy())) <= 1e-12
    assert np.max(np.abs(d_concat(d_a, W) - hx_t.grad.numpy())) <= 1e-12


def test_float32_is_preserved_and_close_to_float64():
    p64 = LSTMParams.random(I, H, seed=15)
    data = _draw(2, 6, seed=16)
    g64 = lstm_backward(params=p64, **data)
    g32 = lstm_backward(params=p64.astype(np.float32),
                        **{k: None if v is None else v.astype(np.float32) for k, v in data.items()})
    assert g32.x.dtype == np.float32 and g32.params.W_f.dtype == np.float32 and g32.h0.dtype == np.float32
    assert np.max(np.abs(g32.params.W_o - g64.params.W_o)) < 1e-4


def test_d_h_none_means_only_the_final_state_matters():
    params = LSTMParams.random(I, H, seed=17)
    data = _draw(None, 5, seed=18)
    zero = {**data, "d_h": np.zeros((5, H))}
    a = lstm_backward(params=params, **{**data, "d_h": None})
    b = lstm_backward(params=params, **zero)
    assert np.array_equal(a.x, b.x) and np.array_equal(a.params.W_i, b.params.W_i)


def test_grads_from_torch_counts_each_bias_once():
    """Le livre a un biais b = b_ih + b_hh ; son gradient est celui de chacun, pas leur somme."""
    params = LSTMParams.random(I, H, seed=19)
    module = params_to_torch(params, nn.LSTM(I, H).double())
    out, _ = module(torch.randn(4, I, dtype=torch.float64, generator=torch.Generator().manual_seed(0)))
    out.sum().backward()
    g = grads_from_torch(module)
    # Les deux biais reçoivent le même gradient (aux arrondis près : PyTorch les somme dans un autre ordre).
    for bias in (module.bias_ih_l0, module.bias_hh_l0):
        assert np.max(np.abs(g.b_f - bias.grad[H:2 * H].numpy())) <= 1e-14
    assert np.max(np.abs(g.b_f)) > 1e-2


# --------------------------------------------------------------------------
# Entrées mal formées : une erreur en français, jamais une trace numpy
# --------------------------------------------------------------------------

P = LSTMParams.random(2, 3, seed=0)
X = np.zeros((5, 2))
REC = lstm_step(np.zeros(2), np.zeros(3), np.zeros(3), P)
BAD = [
    ("d_h de mauvaise forme", lambda: lstm_backward(X, P, np.zeros((4, 3))), ValueError,
     "« d_h » doit avoir la forme (5, 3)"),
    ("d_h avec NaN", lambda: lstm_backward(X, P, np.full((5, 3), np.nan)), ValueError, "15 NaN"),
    ("d_c_T d'un lot pour une séquence", lambda: lstm_backward(X, P, None, d_c_T=np.zeros((2, 3))), ValueError,
     "« d_c_T » doit avoir la forme (3,)"),
    ("truncate nul", lambda: lstm_backward(X, P, None, truncate=0), ValueError, "« truncate » doit être un entier ≥ 1"),
    ("truncate booléen", lambda: lstm_backward(X, P, None, truncate=True), TypeError, "« truncate » doit être un entier"),
    ("truncate flottant", lambda: lstm_backward(X, P, None, truncate=2.5), TypeError, "« truncate » doit être un entier"),
    ("params d'un autre type", lambda: lstm_backward(X, {"W_f": 0}, None), TypeError, "doit être un LSTMParams"),
    ("x de mauvaise taille", lambda: lstm_backward(np.zeros((5, 4)), P, None), ValueError, "taille d'entrée I"),
    ("record d'un autre type", lambda: lstm_step_backward(REC.as_dict(), np.zeros(3), np.zeros(3), P), TypeError,
     "doit être le StepRecord d'un pas"),
    ("record sans entrées", lambda: lstm_step_backward(StepRecord(**REC.as_dict()), np.zeros(3), np.zeros(3), P),
     ValueError, "ne contient pas les entrées du pas (x_t, h_prev, c_prev)"),
    ("pas : d_c de mauvaise forme", lambda: lstm_step_backward(REC, np.zeros(3), np.zeros(4), P), ValueError,
     "« d_c » doit avoir la forme (3,)"),
    ("pas : params d'une autre taille", lambda: lstm_step_backward(REC, np.zeros(3), np.zeros(3),
                                                                   LSTMParams.random(2, 4)), ValueError,
     "« record.f » doit avoir la forme (4,)"),
    ("équation : formes différentes", lambda: d_forget_gate(np.zeros(3), np.zeros(4)), ValueError,
     "tous les arguments doivent avoir la même forme"),
    ("équation : un argument manquant", lambda: d_memory(np.zeros(3), np.zeros(3), np.zeros(3)), TypeError,
     "4 arguments attendus"),
    ("équation : chaîne", lambda: d_output_gate("1", np.zeros(3)), TypeError, "nombres réels"),
    ("d_weights : lots différents", lambda: d_weights(np.zeros((2, 3)), np.zeros((4, 5))), ValueError,
     "mêmes axes de lot"),
    ("d_concat : W de mauvaise forme", lambda: d_concat(np.zeros(3), np.zeros((4, 5))), ValueError,
     "doit valoir H = 4"),
]


@pytest.mark.parametrize("call,error,fragment", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input_raises_french_error(call, error, fragment):
    assert_french_error(call, error, fragment)


def test_grads_from_torch_before_backward_is_a_french_error():
    with pytest.raises(ValueError, match="appelez d'abord loss.backward"):
        grads_from_torch(nn.LSTM(2, 3))


def test_state_jacobians_equal_autograd_and_contain_the_direct_path():
    from lstm_lib.backward import lstm_state_jacobians

    params = LSTMParams.random(2, 3, seed=20, forget_bias=1.0)
    rng = np.random.default_rng(21)
    x, h0, c0 = rng.normal(size=(5, 2)), rng.normal(size=3), rng.normal(size=3)
    J = lstm_state_jacobians(x, params, h0, c0)
    assert J.shape == (5, 6, 6)
    cell = params_to_torch(params, nn.LSTMCell(2, 3).double())
    trace, _ = lstm_forward(x, params, h0, c0)
    for t in range(5):
        h_prev = h0 if t == 0 else trace.h[t - 1]
        c_prev = c0 if t == 0 else trace.c[t - 1]

        def step(hc, t=t):
            h, c = cell(torch.tensor(x[t])[None], (hc[None, :3], hc[None, 3:]))
            return torch.cat([h[0], c[0]])

        ref = torch.autograd.functional.jacobian(step, torch.tensor(np.concatenate([h_prev, c_prev]))).numpy()
        assert np.max(np.abs(J[t] - ref)) <= 1e-12
        # Le bloc ∂c_t/∂c_{t−1} n'a qu'un terme : diag(f_t) (c_{t−1} ne touche aucune porte).
        assert np.max(np.abs(J[t, 3:, 3:] - np.diag(trace.f[t]))) <= 1e-15
    # En enchaînant : ∂c_T/∂c_0 complet contre autograd sur toute la séquence.
    module = params_to_torch(params, nn.LSTM(2, 3).double())

    def whole(hc):
        _, (_, c_n) = module(torch.tensor(x), (hc[None, :3], hc[None, 3:]))
        return c_n[0]

    ref = torch.autograd.functional.jacobian(whole, torch.tensor(np.concatenate([h0, c0]))).numpy()
    product = np.linalg.multi_dot([J[t] for t in reversed(range(5))])
    assert np.max(np.abs(product[3:] - ref)) <= 1e-12
