"""Les conclusions du chapitre 7 (rétropropagation dans le temps), vérifiées comme des affirmations.

Chaque test refait une expérience du chapitre, aux réglages du chapitre, sur cinq graines (0 à 4),
affiche les nombres mesurés, puis vérifie la phrase du texte telle qu'elle est écrite :

- « un LSTM entraîné en numpy pur suit la courbe de perte de PyTorch à 1e-8 près sur 60 pas, à
  condition de geler bias_hh ; sinon l'écart est de l'ordre de 1e-1 » ;
- « avec les poids de PyTorch, la jacobienne complète ∂c_T/∂c_{T−k} reste sous 1, au-dessus du chemin
  direct Π f, et décroît (de l'ordre de 1e-6 au retard 99) ; avec des poids 8 fois plus grands, elle
  dépasse 100 au retard 99 alors que Π f ne dépasse jamais 1 » ;
- « avec les poids de PyTorch, la norme du gradient des poids ne dépend presque pas de T ; avec des
  poids 8 fois plus grands, elle grandit de deux ou trois ordres de grandeur entre T = 10 et T = 100 » ;
- « une dépendance de 6 pas ne s'apprend pas avec des tranches de k = 3 (au plus 55 %), et s'apprend
  avec k = 12 (au moins 93 %) ».

Fichier autonome : il n'a besoin d'aucun conftest de tests/claims/.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from lstm_lib import LSTMParams, adding_problem, lstm_cell_path_gradient, lstm_forward, radar_sequences  # noqa: E402
from lstm_lib.backward import lstm_backward, lstm_state_jacobians  # noqa: E402
from lstm_lib.torch_bridge import params_to_torch  # noqa: E402

SEEDS = range(5)
NAMES = ("W_f", "b_f", "W_i", "b_i", "W_c", "b_c", "W_o", "b_o")


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _scaled(p: LSTMParams, factor: float) -> LSTMParams:
    return LSTMParams(**{k: v * factor if k.startswith("W") else v for k, v in p.__dict__.items()})


# --------------------------------------------------------------------------
# Entraîner en numpy pur : la courbe de PyTorch, pas après pas
# --------------------------------------------------------------------------

H_TRAIN, T_TRAIN, BATCH, STEPS, LR = 8, 20, 32, 60, 1e-2


def _numpy_and_torch_losses(seed: int):
    x_all, y_all = adding_problem(2000, T_TRAIN, seed=seed)
    x_all, y_all = x_all.astype(np.float64), y_all.astype(np.float64)
    batches = [np.random.default_rng(100 * seed + step).integers(0, len(y_all), BATCH) for step in range(STEPS)]
    initial = LSTMParams.random(2, H_TRAIN, seed=seed, forget_bias=1.0)
    w0 = np.random.default_rng(seed + 1).uniform(-1, 1, H_TRAIN) / np.sqrt(H_TRAIN)

    theta = {**{n: getattr(initial, n).copy() for n in NAMES}, "w": w0.copy(), "b": np.zeros(1)}
    moments, numpy_losses = {}, []
    for step, idx in enumerate(batches, start=1):
        x, y = x_all[idx], y_all[idx]
        params = LSTMParams(**{n: theta[n] for n in NAMES})
        _, (h_T, _) = lstm_forward(x, params)
        error = h_T @ theta["w"] + theta["b"][0] - y
        d_pred = 2 * error / len(y)
        g = lstm_backward(x, params, None, d_h_T=np.outer(d_pred, theta["w"]))
        grads = {**{n: getattr(g.params, n) for n in NAMES}, "w": h_T.T @ d_pred, "b": np.array([d_pred.sum()])}
        numpy_losses.append(np.mean(error ** 2))
        for k in theta:  # Adam, comme la documentation de torch.optim.Adam
            m, v = moments.get(k, (0.0, 0.0))
            m, v = 0.9 * m + 0.1 * grads[k], 0.999 * v + 0.001 * grads[k] ** 2
            moments[k] = (m, v)
            theta[k] = theta[k] - LR * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)

    def torch_losses(freeze_bias_hh):
        lstm = params_to_torch(initial, nn.LSTM(2, H_TRAIN, batch_first=True).double())
        head = nn.Linear(H_TRAIN, 1).double()
        with torch.no_grad():
            head.weight.copy_(torch.tensor(w0[None]))
            head.bias.zero_()
        if freeze_bias_hh:
            lstm.bias_hh_l0.requires_grad_(False)
        optimizer = torch.optim.Adam([p for p in [*lstm.parameters(), *head.parameters()] if p.requires_grad], lr=LR)
        losses = []
        for idx in batches:
            _, (h_n, _) = lstm(torch.tensor(x_all[idx]))
            loss = ((head(h_n[0]).squeeze(-1) - torch.tensor(y_all[idx])) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return np.array(losses)

    return np.array(numpy_losses), torch_losses(True), torch_losses(False)


def test_numpy_training_follows_pytorch_step_by_step():
    gaps, unfrozen, drops = [], [], []
    for seed in SEEDS:
        ours, theirs, theirs_unfrozen = _numpy_and_torch_losses(seed)
        gaps.append(np.max(np.abs(ours - theirs)))
        unfrozen.append(np.max(np.abs(ours - theirs_unfrozen)))
        drops.append(ours[0] - ours[-10:].mean())
    print("écart maximal sur 60 pas, bias_hh gelé :", [f"{g:.1e}" for g in gaps])
    print("écart maximal sur 60 pas, bias_hh libre :", [f"{g:.1e}" for g in unfrozen])
    print("baisse de la perte (pas 1 − moyenne des 10 derniers) :", [f"{d:.2f}" for d in drops])
    assert max(gaps) <= 1e-8
    assert min(unfrozen) >= 1e-3  # « une erreur silencieuse » : l'écart est bien réel, à chaque graine
    assert min(drops) > 0.3  # les deux apprennent vraiment : la comparaison porte sur une vraie trajectoire


# --------------------------------------------------------------------------
# La jacobienne complète contre le chemin direct ; l'explosion du gradient
# --------------------------------------------------------------------------

H, T = 32, 100
X_RADAR = radar_sequences(1, T=T, classes=(1,), bump_position=(5, 15), seed=3).x[0].astype(np.float64)


def _full_and_direct(p: LSTMParams):
    jacobians = lstm_state_jacobians(X_RADAR, p)
    product, full = np.eye(2 * H), np.empty(T)
    for k in range(T):
        full[k] = np.linalg.norm(product[H:, H:], 2)
        product = product @ jacobians[T - 1 - k]
    trace, _ = lstm_forward(X_RADAR, p)
    return full, lstm_cell_path_gradient(trace.f)[1].max(axis=-1)


def test_full_jacobian_stays_above_the_direct_path_and_decays_at_pytorch_init():
    rows = []
    for seed in SEEDS:
        full, direct = _full_and_direct(LSTMParams.random(2, H, seed=seed, forget_bias=1.0))
        rows.append((full[1:].max(), full[99], direct[99], np.all(full[1:] >= direct[1:])))
    for seed, (top, f99, d99, above) in zip(SEEDS, rows):
        print(f"graine {seed} : max complet {top:.2f}, complet au retard 99 {f99:.1e}, direct {d99:.1e}, "
              f"complet ≥ direct partout : {above}")
    assert all(top < 1 for top, *_ in rows)
    assert all(1e-8 < f99 < 1e-4 for _, f99, _, _ in rows)  # « de l'ordre de 1e-6 »
    assert all(1e-13 < d99 < 1e-9 for *_, d99, _ in rows)  # « 1e-11 à 1e-10 »
    assert all(above for *_, above in rows)


def test_full_jacobian_explodes_with_weights_times_eight_while_the_direct_path_cannot():
    rows = []
    for seed in SEEDS:
        full, direct = _full_and_direct(_scaled(LSTMParams.random(2, H, seed=seed, forget_bias=1.0), 8))
        rows.append((full[99], direct.max()))
    print("complet au retard 99, max du chemin direct :", [(f"{f:.1e}", f"{d:.2f}") for f, d in rows])
    assert all(f > 100 for f, _ in rows)
    assert all(d <= 1 for _, d in rows)


def test_weight_gradient_explodes_with_sequence_length_only_for_large_weights():
    u = np.ones(H) / np.sqrt(H)
    ratios, finals = {}, {}
    for factor in (1, 8):
        table = []
        for seed in SEEDS:
            p = _scaled(LSTMParams.random(2, H, seed=seed, forget_bias=1.0), factor)
            table.append([np.sqrt(sum(np.sum(getattr(lstm_backward(X_RADAR[-length:], p, None, d_h_T=u).params, n) ** 2)
                                      for n in NAMES)) for length in (10, 100)])
        table = np.array(table)
        ratios[factor], finals[factor] = table[:, 1] / table[:, 0], table[:, 1]
        print(f"poids × {factor} : ‖∇θL‖ à T = 100 {np.round(finals[factor], 1)}, rapport 100/10 "
              f"{np.round(ratios[factor], 1)}")
    assert np.all(ratios[1] < 1.5) and np.all(finals[1] < 2)  # « ne dépend presque pas de T »
    assert np.all(ratios[8] > 40) and np.all(finals[8] > 100)  # « deux ou trois ordres de grandeur »


# --------------------------------------------------------------------------
# BPTT tronquée : ce qu'une tranche trop courte empêche d'apprendre
# --------------------------------------------------------------------------

LAG, TOTAL, N_STREAMS = 6, 3000, 32


def _echo_stream(n, length, seed):
    bits = np.random.default_rng(seed).integers(0, 2, (n, length))
    target = np.full((n, length), -1)
    target[:, LAG:] = bits[:, :-LAG]
    return torch.tensor(2.0 * bits - 1, dtype=torch.float32)[..., None], torch.tensor(target)


def _echo_accuracy(k, seed):
    torch.manual_seed(seed)
    lstm, head = nn.LSTM(1, 16, batch_first=True), nn.Linear(16, 2)
    weights = [*lstm.parameters(), *head.parameters()]
    optimizer = torch.optim.Adam(weights, lr=0.02)
    x, y = _echo_stream(N_STREAMS, TOTAL, seed)
    state = None
    for start in range(0, TOTAL, k):
        output, state = lstm(x[:, start:start + k], state)
        state = tuple(s.detach() for s in state)
        loss = nn.functional.cross_entropy(head(output).reshape(-1, 2), y[:, start:start + k].reshape(-1),
                                           ignore_index=-1)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(weights, 1.0)
        optimizer.step()
    x_test, y_test = _echo_stream(64, 400, 1000 + seed)
    with torch.no_grad():
        predicted = head(lstm(x_test)[0]).argmax(-1)
    valid = y_test >= 0
    return (predicted[valid] == y_test[valid]).float().mean().item()


def test_truncation_shorter_than_the_lag_cannot_learn_it():
    short = [_echo_accuracy(3, seed) for seed in SEEDS]
    long = [_echo_accuracy(12, seed) for seed in SEEDS]
    print("exactitude, tranches de 3 pas :", np.round(short, 3))
    print("exactitude, tranches de 12 pas :", np.round(long, 3))
    assert max(short) <= 0.55  # « au plus 55 % » : le hasard
    assert min(long) >= 0.93  # « au moins 93 % »
