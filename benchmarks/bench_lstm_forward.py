"""Vitesse de ``lstm_forward`` (numpy) face à ``torch.nn.LSTM`` sur CPU.

Cas mesuré (celui du cahier des charges) : lot 32, T = 100, entrée 2,
taille cachée 64, float32 ; PyTorch sous ``torch.no_grad()``. Le script
affiche le temps de chaque chemin et son rapport au temps de PyTorch
(objectif : ≤ 1,5 pour le chemin rapide).

Usage : ``.venv/bin/python benchmarks/bench_lstm_forward.py [--rounds 15]``

Méthode : chaque chemin est mesuré par blocs de ``--calls`` appels, les
blocs des différents chemins alternent sur ``--rounds`` tours, avec une
courte pause entre deux blocs (les fils OpenMP de PyTorch restent actifs
un moment après un appel et ralentiraient le chemin mesuré juste après).
On retient le minimum (le moins perturbé par les autres processus) et la
médiane. Ce n'est pas un test : aucun seuil n'est vérifié ici.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from lstm_lib import LSTMParams, lstm_forward, lstm_forward_explicit
from lstm_lib.sequences import LSTMTrace
from lstm_lib.torch_bridge import params_to_torch

BATCH, T, INPUT, HIDDEN = 32, 100, 2, 64


def forward_hoisted(x, params):
    """Variante pour comparaison : projection de l'entrée ``W_x · x_t + b`` sortie de la boucle.

    L'astuce classique ; elle coûte une addition de plus par pas. Même
    disposition en colonnes que :func:`lstm_forward` (lot en dernier).
    """
    H = params.hidden_size
    B, T_, _ = x.shape
    W = np.concatenate([params.W_f, params.W_i, params.W_o, params.W_c])
    b = np.concatenate([params.b_f, params.b_i, params.b_o, params.b_c])
    W[: 3 * H] *= 0.5
    b[: 3 * H] *= 0.5
    W_h = np.ascontiguousarray(W[:, :H])
    z = np.matmul(W[:, H:], np.ascontiguousarray(x.transpose(1, 2, 0)))  # (T, 4H, B)
    z += b[:, None]
    cs, hs = np.empty((T_, H, B), x.dtype), np.empty((T_, H, B), x.dtype)
    h, c = np.zeros((H, B), x.dtype), np.zeros((H, B), x.dtype)
    recurrent, i_c_hat, tanh_c = np.empty((4 * H, B), x.dtype), np.empty((H, B), x.dtype), np.empty((H, B), x.dtype)
    for t in range(T_):
        gates = z[t]
        gates += np.matmul(W_h, h, out=recurrent)
        np.tanh(gates, out=gates)
        gates[: 3 * H] *= 0.5
        gates[: 3 * H] += 0.5
        c = np.multiply(gates[:H], c, out=cs[t])
        c += np.multiply(gates[H:2 * H], gates[3 * H:], out=i_c_hat)
        h = np.multiply(gates[2 * H:3 * H], np.tanh(c, out=tanh_c), out=hs[t])
    act = z.transpose(2, 0, 1)
    return LSTMTrace(f=act[..., :H], i=act[..., H:2 * H], c_hat=act[..., 3 * H:], c=cs.transpose(2, 0, 1),
                     o=act[..., 2 * H:3 * H], h=hs.transpose(2, 0, 1))


def time_block(fn, calls):
    """Durées (en ms) de ``calls`` appels successifs."""
    out = np.empty(calls)
    for k in range(calls):
        start = time.perf_counter()
        fn()
        out[k] = time.perf_counter() - start
    return out * 1e3


def measure(paths, rounds):
    """Mesure chaque chemin ``{nom: (fonction, appels)}`` par blocs alternés ; rend les durées (ms) de chacun."""
    for fn, _ in paths.values():  # échauffement
        fn()
    samples = {name: [] for name in paths}
    for _ in range(rounds):
        for name, (fn, calls) in paths.items():
            samples[name].append(time_block(fn, calls))
            time.sleep(0.05)
    return {name: np.concatenate(v) for name, v in samples.items()}


def report(samples):
    """Le tableau des temps (min, médiane) et de leurs rapports au premier chemin."""
    reference = next(iter(samples))
    ref_min, ref_med = samples[reference].min(), np.median(samples[reference])
    print(f"{'chemin':34s} {'min (ms)':>9s} {'médiane':>9s} {'rapport min':>12s} {'rapport méd.':>13s}")
    for name, values in samples.items():
        print(f"{name:34s} {values.min():9.2f} {np.median(values):9.2f} "
              f"{values.min() / ref_min:12.2f} {np.median(values) / ref_med:13.2f}")
    print(f"Rapports calculés par rapport à « {reference} ».")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=10)
    args = parser.parse_args()

    params = LSTMParams.random(INPUT, HIDDEN, seed=0, forget_bias=1.0, dtype=np.float32)
    x = np.random.default_rng(0).normal(size=(BATCH, T, INPUT)).astype(np.float32)
    module = params_to_torch(params, torch.nn.LSTM(INPUT, HIDDEN, batch_first=True)).eval()
    x_torch = torch.from_numpy(x)

    # Les trois chemins calculent la même chose (vérifié avant de chronométrer).
    trace, _ = lstm_forward(x, params)
    with torch.no_grad():
        out_torch, _ = module(x_torch)
    assert np.max(np.abs(trace.h - out_torch.numpy())) < 1e-5
    assert np.max(np.abs(forward_hoisted(x, params).h - trace.h)) < 1e-5

    threads = torch.get_num_threads()

    def torch_forward():
        with torch.no_grad():
            module(x_torch)

    def torch_forward_one_thread():
        torch.set_num_threads(1)
        try:
            with torch.no_grad():
                module(x_torch)
        finally:
            torch.set_num_threads(threads)

    paths = {
        f"torch nn.LSTM ({threads} fil(s))": (torch_forward, args.calls),
        "torch nn.LSTM (1 fil)": (torch_forward_one_thread, args.calls),
        "lstm_forward (rapide)": (lambda: lstm_forward(x, params), args.calls),
        "variante « projection sortie »": (lambda: forward_hoisted(x, params), args.calls),
        "lstm_forward_explicit": (lambda: lstm_forward_explicit(x, params), max(1, args.calls // 5)),
    }
    samples = measure(paths, args.rounds)
    print(f"lot {BATCH}, T = {T}, entrée {INPUT}, taille cachée {HIDDEN}, float32 ; "
          f"{args.rounds} tours × {args.calls} appels ; numpy {np.__version__}, torch {torch.__version__}")
    report(samples)


if __name__ == "__main__":
    main()
