"""Un modèle de langue LSTM, caractère par caractère (ce module importe torch).

Le modèle lit un caractère à chaque pas (codé « un parmi V », *one-hot*) et
rend, à chaque pas, les logits du caractère suivant : c'est un
:class:`~lstm_lib.models.SequenceModel` sans agrégation (``pooling=None``).

- :func:`char_lstm` construit le modèle ;
- :func:`training_windows` découpe le texte en fenêtres (entrée, cible décalée
  d'un caractère) : l'entraînement par *teacher forcing* ;
- :func:`lm_target_probs` rend la probabilité donnée à chaque caractère d'un
  texte, pour :func:`lstm_lib.text.perplexity` ;
- :func:`generate` écrit la suite d'une amorce, un caractère tiré à la fois.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_positive_int, check_seed
from .models import SequenceModel
from .text import CharVocab, _check_ids, sample_with_temperature

__all__ = ["OneHot", "char_lstm", "training_windows", "next_char_loss", "lm_target_probs", "generate"]


class OneHot(nn.Module):
    """Indices ``(B, T)`` → vecteurs « un parmi V » ``(B, T, V)`` en float32."""

    def __init__(self, vocab_size: int):
        super().__init__()
        self.vocab_size = vocab_size

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return F.one_hot(ids, self.vocab_size).float()


def char_lstm(vocab_size: int, hidden_size: int, num_layers: int = 1) -> nn.Sequential:
    """``OneHot(V)`` puis ``SequenceModel(V, H, V, pooling=None)`` : des logits ``(B, T, V)``."""
    where = "char_lstm"
    V = check_positive_int(vocab_size, "vocab_size", where)
    H = check_positive_int(hidden_size, "hidden_size", where)
    layers = check_positive_int(num_layers, "num_layers", where)
    return nn.Sequential(OneHot(V), SequenceModel(V, H, V, num_layers=layers, pooling=None))


def training_windows(ids, length: int, stride: int | None = None):
    """Fenêtres d'entraînement : ``x = ids[s:s + L]``, ``y = ids[s + 1:s + L + 1]``.

    La cible au pas ``t`` est le caractère qui suit ``x_t`` dans le vrai
    texte, et l'entrée au pas ``t + 1`` est ce vrai caractère, quoi que le
    modèle ait prédit : c'est le *teacher forcing*. ``stride`` (``length`` par
    défaut) est l'écart entre deux débuts de fenêtre. Rend deux tenseurs int64 ``(n, L)``.
    """
    where = "training_windows"
    ids = _check_ids(ids, np.iinfo(np.int64).max, "ids", where)
    L = check_positive_int(length, "length", where)
    stride = L if stride is None else check_positive_int(stride, "stride", where)
    if len(ids) < L + 1:
        raise ValueError(f"{where} : le texte ({len(ids)} caractères) doit compter au moins length + 1 = {L + 1} caractères.")
    starts = np.arange(0, len(ids) - L, stride)
    windows = np.stack([ids[s:s + L + 1] for s in starts])
    return torch.from_numpy(windows[:, :-1].copy()), torch.from_numpy(windows[:, 1:].copy())


def next_char_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Entropie croisée moyenne du caractère suivant, en nats : ``−(1/BT) Σ ln p(y_t)``."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def _parts(model: nn.Sequential) -> tuple[OneHot, SequenceModel]:
    if not (isinstance(model, nn.Sequential) and len(model) == 2 and isinstance(model[0], OneHot)
            and isinstance(model[1], SequenceModel)):
        raise TypeError("lstm_lib.charlm : « model » doit être le modèle rendu par char_lstm(…).")
    return model[0], model[1]


@torch.no_grad()
def lm_target_probs(model: nn.Sequential, ids) -> np.ndarray:
    """Probabilité de chaque ``ids[t]`` sachant ``ids[0 … t−1]`` (``t = 1 … N − 1``) : ``(N − 1,)``.

    Le modèle lit tout le texte d'une traite, en partant d'un état nul — les
    mêmes positions que :func:`lstm_lib.text.ngram_target_probs`, pour que les
    deux perplexités se comparent.
    """
    one_hot, seq = _parts(model)
    ids = _check_ids(ids, one_hot.vocab_size, "ids", "lm_target_probs")
    if len(ids) < 2:
        raise ValueError(f"lm_target_probs : il faut au moins 2 caractères, reçu {len(ids)}.")
    model.eval()
    device = next(model.parameters()).device
    x = torch.from_numpy(ids[None, :-1]).to(device)
    log_p = torch.log_softmax(model(x)[0].double(), dim=-1)
    return log_p.gather(1, torch.from_numpy(ids[1:, None]).to(device)).exp().squeeze(1).cpu().numpy()


@torch.no_grad()
def generate(model: nn.Sequential, vocab: CharVocab, prompt: str, n_chars: int, temperature: float,
             seed: int = 0) -> str:
    """La suite de ``prompt`` écrite par le modèle, ``n_chars`` caractères tirés un à un.

    Le modèle lit l'amorce, puis, à chaque pas, on tire le caractère suivant
    avec :func:`~lstm_lib.text.sample_with_temperature` et on le lui redonne
    en entrée : désormais il lit **ses propres** sorties (plus de *teacher
    forcing*). L'état ``(h, c)`` passe d'un pas au suivant. Rend l'amorce suivie du texte écrit.
    """
    one_hot, seq = _parts(model)
    n_chars = check_positive_int(n_chars, "n_chars", "generate", minimum=0)
    rng = np.random.default_rng(check_seed(seed, "generate"))
    ids = vocab.encode(prompt)
    if len(ids) == 0:
        raise ValueError("generate : « prompt » doit contenir au moins un caractère.")
    model.eval()
    device = next(model.parameters()).device
    out, state = seq.rnn(one_hot(torch.from_numpy(ids[None, :]).to(device)))
    logits = seq.head(out[0, -1])
    written = []
    for _ in range(n_chars):
        k = sample_with_temperature(logits.double().cpu().numpy(), temperature, rng)
        written.append(k)
        out, state = seq.rnn(one_hot(torch.tensor([[k]], device=device)), state)
        logits = seq.head(out[0, -1])
    return prompt + vocab.decode(np.array(written, dtype=np.int64))
