"""Vitesse de ``lstm_backward`` (numpy, écrit à la main) face à l'autograd de PyTorch sur CPU.

Même cas que ``bench_lstm_forward.py`` : lot 32, T = 100, entrée 2, taille
cachée 64, float32. La perte est ``L = Σ_t ⟨δh_t, h_t⟩`` avec des ``δh_t``
fixés (tirés une fois) : les deux chemins calculent exactement les mêmes
gradients (vérifié avant de chronométrer). Chaque chemin est mesuré **passe
avant comprise**, puisque ``lstm_backward`` refait la passe avant :

- « autograd » : ``nn.LSTM`` puis ``loss.backward()`` ;
- « lstm_backward » : la BPTT de ``lstm_lib.backward``.

Le script affiche le temps de chaque chemin et son rapport au temps de
PyTorch. Il n'y a pas d'objectif : on relève le rapport. Même méthode de
mesure que ``bench_lstm_forward.py`` (blocs alternés, minimum et médiane).

Usage : ``.venv/bin/python benchmarks/bench_lstm_backward.py [--rounds 15]``
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

from bench_lstm_forward import BATCH, HIDDEN, INPUT, T, measure, report
from lstm_lib import LSTMParams
from lstm_lib.backward import lstm_backward
from lstm_lib.torch_bridge import grads_from_torch, params_to_torch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=5)
    args = parser.parse_args()

    params = LSTMParams.random(INPUT, HIDDEN, seed=0, forget_bias=1.0, dtype=np.float32)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, T, INPUT)).astype(np.float32)
    d_h = rng.normal(size=(BATCH, T, HIDDEN)).astype(np.float32)
    module = params_to_torch(params, torch.nn.LSTM(INPUT, HIDDEN, batch_first=True))
    x_torch, d_h_torch = torch.from_numpy(x), torch.from_numpy(d_h)

    def torch_backward():
        module.zero_grad()
        output, _ = module(x_torch)
        (output * d_h_torch).sum().backward()

    # Les deux chemins calculent les mêmes gradients (vérifié avant de chronométrer).
    torch_backward()
    ours = lstm_backward(x, params, d_h)
    theirs = grads_from_torch(module)
    gap = max(np.max(np.abs(getattr(ours.params, k) - getattr(theirs, k))) for k in ("W_f", "W_i", "W_c", "W_o"))
    assert gap < 1e-3, gap

    threads = torch.get_num_threads()

    def torch_backward_one_thread():
        torch.set_num_threads(1)
        try:
            torch_backward()
        finally:
            torch.set_num_threads(threads)

    paths = {
        f"autograd nn.LSTM ({threads} fil(s))": (torch_backward, args.calls),
        "autograd nn.LSTM (1 fil)": (torch_backward_one_thread, args.calls),
        "lstm_backward (numpy)": (lambda: lstm_backward(x, params, d_h), args.calls),
    }
    samples = measure(paths, args.rounds)
    print(f"passe avant + rétropropagation ; lot {BATCH}, T = {T}, entrée {INPUT}, taille cachée {HIDDEN}, "
          f"float32 ; {args.rounds} tours × {args.calls} appels ; numpy {np.__version__}, torch {torch.__version__}")
    report(samples)


if __name__ == "__main__":
    main()
