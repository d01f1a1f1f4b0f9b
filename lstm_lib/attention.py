"""L'attention causale à côté du LSTM : ce que coûte un pas, et un petit Transformer (ce module importe torch).

Le chapitre 10 compare deux façons de lire un flux, un pas après l'autre :

- un LSTM garde un état de taille fixe ``(h_t, c_t)`` : chaque pas coûte le même
  calcul et la même mémoire, quel que soit le nombre de pas déjà lus ;
- l'auto-attention causale (Vaswani et al., 2017) garde **tout** le passé, sous
  forme de clés et de valeurs (le « cache KV ») : au pas ``n``, la requête du
  nouveau pas se compare aux ``n`` clés,

      a_n = softmax(q_n K_{≤n}ᵀ / √d) V_{≤n},

  un calcul et une mémoire qui grandissent comme ``n``.

:func:`lstm_step_cost` et :func:`attention_step_cost` comptent les opérations
d'un pas (par ``torch.utils.flop_counter``, qui compte ce que PyTorch exécute
vraiment) et la mémoire de l'état à garder pour le pas suivant.
:class:`TinyTransformer` est un Transformer d'une couche, causal, pour les
deux petites tâches du chapitre.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.flop_counter import FlopCounterMode

from ._checks import check_positive_int

__all__ = [
    "CausalSelfAttention",
    "TinyTransformer",
    "sinusoidal_positions",
    "lstm_step_cost",
    "attention_step_cost",
]


class CausalSelfAttention(nn.Module):
    """Une tête d'auto-attention causale de dimension ``d`` (projections ``W_Q, W_K, W_V, W_O``).

    ``forward(x)`` : ``x`` ``(B, T, d)`` → ``(B, T, d)`` ; la sortie au pas
    ``t`` ne lit que les pas ``≤ t`` (masque causal). ``step(x_t, cache, n)``
    traite un seul nouveau pas en lisant le cache des ``n`` pas précédents :
    c'est ainsi qu'un modèle génératif lit un flux.
    """

    def __init__(self, d: int):
        super().__init__()
        self.d = check_positive_int(d, "d", "CausalSelfAttention")
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.scaled_dot_product_attention(self.q(x), self.k(x), self.v(x), is_causal=True)
        return self.o(out)

    def step(self, x_t: torch.Tensor, cache: tuple[torch.Tensor, torch.Tensor], n: int) -> torch.Tensor:
        """Un pas : ``x_t`` ``(1, d)`` ; ``cache = (K, V)``, chacun ``(N_max, d)``, dont les ``n`` premières lignes sont remplies.

        La clé et la valeur du nouveau pas sont écrites à la ligne ``n`` ; la
        requête lit les lignes ``0 … n`` : ``a = softmax(q Kᵀ / √d) V``.
        """
        K, V = cache
        q = self.q(x_t)
        K[n] = self.k(x_t)[0]
        V[n] = self.v(x_t)[0]
        scores = q @ K[: n + 1].T / math.sqrt(self.d)
        return self.o(torch.softmax(scores, dim=-1) @ V[: n + 1])


def sinusoidal_positions(T: int, d: int) -> torch.Tensor:
    """Le codage des positions de Vaswani et al. (2017), ``(T, d)`` :
    ``PE[t, 2k] = sin(t / 10000^{2k/d})``, ``PE[t, 2k+1] = cos(t / 10000^{2k/d})``.

    L'attention ne sait pas, par elle-même, dans quel ordre viennent les pas :
    on ajoute ce codage à l'entrée pour le lui dire.
    """
    t = torch.arange(T, dtype=torch.float32)[:, None]
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, d, 2, dtype=torch.float32) / d)
    pe = torch.zeros(T, d)
    pe[:, 0::2] = torch.sin(t * freq)
    pe[:, 1::2] = torch.cos(t * freq[: d // 2])
    return pe


class TinyTransformer(nn.Module):
    """Un Transformer causal d'une couche : entrée linéaire + positions, attention, MLP, sortie.

    ``x`` ``(B, T, input_size)`` → ``(B, T, output_size)`` : la sortie au pas
    ``t`` ne dépend que des pas ``≤ t``, comme celle d'un LSTM. Connexions
    résiduelles et normalisation de couche (*pre-norm*), comme dans les
    Transformers actuels.
    """

    def __init__(self, input_size: int, d: int, output_size: int, max_len: int = 4096):
        super().__init__()
        self.inp = nn.Linear(input_size, d)
        self.register_buffer("positions", sinusoidal_positions(max_len, d), persistent=False)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = CausalSelfAttention(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.head = nn.Linear(d, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.inp(x) + self.positions[: x.shape[1]]
        z = z + self.attn(self.norm1(z))
        z = z + self.mlp(self.norm2(z))
        return self.head(z)


def _count_flops(fn) -> int:
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        fn()
    return int(counter.get_total_flops())


def lstm_step_cost(hidden_size: int, input_size: int | None = None) -> tuple[int, int]:
    """Un pas de ``nn.LSTMCell`` : ``(opérations, octets de l'état gardé)``.

    Les opérations sont comptées par PyTorch : ``2 · 4H · (I + H)`` (une
    multiplication et une addition par poids). L'état gardé pour le pas
    suivant est ``(h_t, c_t)`` : ``2H`` nombres de 4 octets, quel que soit le
    nombre de pas déjà lus.
    """
    H = check_positive_int(hidden_size, "hidden_size", "lstm_step_cost")
    I = H if input_size is None else check_positive_int(input_size, "input_size", "lstm_step_cost")
    cell = nn.LSTMCell(I, H)
    x, h, c = torch.zeros(1, I), torch.zeros(1, H), torch.zeros(1, H)
    flops = _count_flops(lambda: cell(x, (h, c)))
    return flops, (h.numel() + c.numel()) * h.element_size()


def attention_step_cost(n: int, d: int) -> tuple[int, int]:
    """Un pas d'auto-attention causale après ``n − 1`` pas déjà lus : ``(opérations, octets du cache)``.

    Les projections coûtent ``4 · 2d²`` quel que soit ``n`` ; comparer la
    requête aux ``n`` clés puis mélanger les ``n`` valeurs coûte ``2 · 2nd`` :
    le coût grandit comme ``n``. Le cache gardé pour la suite compte ``2nd``
    nombres de 4 octets (``K`` et ``V``).
    """
    n = check_positive_int(n, "n", "attention_step_cost")
    d = check_positive_int(d, "d", "attention_step_cost")
    attn = CausalSelfAttention(d)
    K, V = torch.zeros(n, d), torch.zeros(n, d)
    flops = _count_flops(lambda: attn.step(torch.zeros(1, d), (K, V), n - 1))
    return flops, (K.numel() + V.numel()) * K.element_size()
