"""Les modèles PyTorch des chapitres (ce module importe torch).

Un seul modèle, :class:`SequenceModel`, couvre les expériences du livre :
une couche récurrente (``nn.LSTM``, ``nn.RNN`` ou ``nn.GRU``), une agrégation
(*pooling*) qui résume la séquence en un vecteur — ou aucune, pour une sortie à
chaque pas — puis une couche linéaire.

Les fonctions :func:`pool`, :func:`mask_from_lengths` et
:func:`~lstm_lib.torch_bridge.set_forget_bias` (qui vit dans le pont avec PyTorch, avec tout ce qui
touche à la disposition des poids de PyTorch) sont les briques que le chapitre 5 explique une à une.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .torch_bridge import set_forget_bias

__all__ = [
    "POOLINGS",
    "pick_device",
    "mask_from_lengths",
    "pool",
    "SequenceModel",
]

POOLINGS = ("last", "h_n", "mean", "max")
"""Les agrégations possibles :

- ``"last"`` : la sortie ``output`` au dernier pas **valide** de chaque séquence ; pour un
  modèle bidirectionnel, le dernier état de **chaque** lecteur : la moitié avant au
  dernier pas valide, la moitié arrière au pas 0 (là où le lecteur arrière finit) ;
- ``"h_n"`` : l'état final de la couche du haut (les deux sens concaténés si bidirectionnel) ;
- ``"mean"`` : la moyenne de ``output`` sur les pas valides ;
- ``"max"`` : le maximum de ``output`` sur les pas valides, composante par composante.
"""


def pick_device() -> torch.device:
    """``cuda`` s'il existe (Colab avec GPU), sinon le CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def mask_from_lengths(lengths: torch.Tensor, T: int) -> torch.Tensor:
    """Masque booléen ``(B, T)`` : vrai aux pas ``t < lengths[b]`` (les pas réels)."""
    lengths = torch.as_tensor(lengths)
    steps = torch.arange(T, device=lengths.device)
    return steps[None, :] < lengths[:, None]


def pool(output: torch.Tensor, h_n: torch.Tensor, mode: str, lengths=None,
         num_directions: int | None = None) -> torch.Tensor:
    """Résume une séquence de sorties ``output`` ``(B, T, D·H)`` en un vecteur ``(B, D·H)``.

    ``h_n`` est l'état final ``(D·num_layers, B, H)`` rendu par la couche
    récurrente ; ``lengths`` (facultatif) donne la longueur réelle de chaque
    séquence, pour ignorer le remplissage. Le nombre de sens de lecture ``D``
    se lit sur les formes (``D·H`` contre ``H``) ; ``num_directions``, s'il est
    donné, doit leur correspondre.

    Avec ``D = 2``, ``"last"`` ne prend **pas** ``output[:, -1]`` : sa moitié
    arrière serait l'état du lecteur arrière après un seul pas (chapitre 6).
    Il prend la moitié avant au dernier pas valide et la moitié arrière au
    pas 0, comme ``"h_n"``.
    """
    if mode not in POOLINGS:
        raise ValueError(f"pool : « mode » doit être l'un de {POOLINGS}, reçu {mode!r}.")
    if output.ndim != 3 or h_n.ndim != 3:
        raise ValueError(
            "pool : « output » doit avoir la forme (B, T, D·H) et « h_n » la forme (D·num_layers, B, H), "
            f"reçu {tuple(output.shape)} et {tuple(h_n.shape)}."
        )
    B, T, DH = output.shape
    H = h_n.shape[-1]
    directions = DH // H
    if DH % H or directions not in (1, 2) or (num_directions is not None and num_directions != directions):
        raise ValueError(
            f"pool : « output » a {DH} composantes par pas et « h_n » {H} : attendu D·H avec D = 1 ou 2"
            + ("" if num_directions is None else f" (num_directions = {num_directions})") + "."
        )
    if mode == "h_n":
        if directions == 2:
            return torch.cat([h_n[-2], h_n[-1]], dim=-1)
        return h_n[-1]
    if lengths is None:
        lengths = torch.full((B,), T, dtype=torch.long)
    lengths = torch.as_tensor(lengths, device=output.device)
    if mode == "last":
        last = output[torch.arange(B, device=output.device), lengths - 1]
        if directions == 2:  # le lecteur arrière finit au pas 0
            last = torch.cat([last[:, :H], output[:, 0, H:]], dim=-1)
        return last
    mask = mask_from_lengths(lengths, T).unsqueeze(-1)  # (B, T, 1)
    if mode == "mean":
        return (output * mask).sum(dim=1) / lengths[:, None].to(output.dtype)
    return output.masked_fill(~mask, float("-inf")).amax(dim=1)


class SequenceModel(nn.Module):
    """Couche récurrente + agrégation + couche linéaire.

    - ``cell`` : ``"lstm"``, ``"rnn"`` (``nn.RNN`` à tanh, pour comparer) ou ``"gru"`` (``nn.GRU``, chapitre 8) ;
    - ``pooling`` : l'un de :data:`POOLINGS` pour une sortie par séquence
      ``(B, output_size)``, ou ``None`` pour une sortie à chaque pas
      ``(B, T, output_size)`` ;
    - ``forget_bias`` : si donné (LSTM seulement), biais initial de la porte d'oubli.

    ``forward(x, lengths=None)`` : ``x`` de forme ``(B, T, input_size)``
    (``batch_first=True``) ; avec ``lengths``, les séquences sont empaquetées
    (``pack_padded_sequence``) pour que le remplissage ne touche pas l'état.
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, *,
                 cell: str = "lstm", num_layers: int = 1, bidirectional: bool = False,
                 pooling: str | None = "h_n", forget_bias: float | None = None):
        super().__init__()
        if cell not in ("lstm", "rnn", "gru"):
            raise ValueError(f"SequenceModel : « cell » doit valoir 'lstm', 'rnn' ou 'gru', reçu {cell!r}.")
        if pooling is not None and pooling not in POOLINGS:
            raise ValueError(f"SequenceModel : « pooling » doit être None ou l'un de {POOLINGS}, reçu {pooling!r}.")
        rnn_class = {"lstm": nn.LSTM, "rnn": nn.RNN, "gru": nn.GRU}[cell]
        self.cell = cell
        self.pooling = pooling
        self.num_directions = 2 if bidirectional else 1
        self.rnn = rnn_class(input_size, hidden_size, num_layers=num_layers,
                             batch_first=True, bidirectional=bidirectional)
        if forget_bias is not None:
            if cell != "lstm":
                raise ValueError("SequenceModel : « forget_bias » n'a de sens que pour un LSTM.")
            set_forget_bias(self.rnn, forget_bias)
        self.head = nn.Linear(self.num_directions * hidden_size, output_size)

    def features(self, x: torch.Tensor, lengths=None):
        """Les sorties de la couche récurrente : ``(output, h_n)``."""
        T = x.shape[1]
        if lengths is not None:
            packed = pack_padded_sequence(x, torch.as_tensor(lengths).cpu(),
                                          batch_first=True, enforce_sorted=False)
            out, state = self.rnn(packed)
            output, _ = pad_packed_sequence(out, batch_first=True, total_length=T)
        else:
            output, state = self.rnn(x)
        h_n = state[0] if self.cell == "lstm" else state
        return output, h_n

    def forward(self, x: torch.Tensor, lengths=None) -> torch.Tensor:
        output, h_n = self.features(x, lengths)
        if self.pooling is None:
            return self.head(output)
        return self.head(pool(output, h_n, self.pooling, lengths, self.num_directions))
