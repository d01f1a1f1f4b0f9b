"""Le pont avec PyTorch : les mêmes poids, les mêmes nombres (ce module importe torch).

PyTorch range les poids d'une couche ``k`` de ``nn.LSTM`` ainsi
(documentation de ``torch.nn.LSTM``) :

- ``weight_ih_l{k}`` de forme ``(4H, entrée)`` et ``weight_hh_l{k}`` de forme
  ``(4H, H)``, lignes dans l'ordre **i, f, g, o** (``g`` est notre candidat ĉ) ;
- deux biais ``bias_ih_l{k}`` et ``bias_hh_l{k}`` : notre ``b`` est leur somme ;
- le sens inverse d'un LSTM bidirectionnel a les mêmes noms suivis de ``_reverse``.

Tout ce que le livre sait de cette disposition est ici, et seulement ici : l'ordre des
blocs (:func:`gate_rows`), les deux biais (:func:`set_forget_bias`), la conversion
dans les deux sens (:func:`params_from_torch`, :func:`params_to_torch`, et de même pour le GRU).

Le livre écrit ``W_f · [h_{t−1}, x_t] + b_f`` : c'est la même application que
``W_if · x_t + W_hf · h_{t−1} + b_if + b_hf``, avec ``W_f = [W_hf | W_if]``
(h d'abord).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ._checks import as_float_array, check_ndim, check_params, check_positive_int
from .cells import LSTMParams
from .gru import GRUParams, gru_forward
from .sequences import lstm_forward

__all__ = [
    "gate_rows", "set_forget_bias", "params_from_torch", "params_to_torch", "NumpyLSTM", "grads_from_torch",
    "gru_params_from_torch", "gru_params_to_torch", "NumpyGRU",
]

# Position de chaque porte du livre dans les blocs de PyTorch (ordre i, f, g, o).
_TORCH_BLOCK = {"i": 0, "f": 1, "c": 2, "o": 3}


def gate_rows(gate: str, hidden_size: int) -> slice:
    """Les lignes d'une porte du livre dans les poids et les biais ``(4H, …)`` d'un ``nn.LSTM``.

    PyTorch empile les portes dans l'ordre i, f, g, o (``g`` est notre candidat ``"c"``) :
    ``gate_rows("f", H)`` vaut ``slice(H, 2H)``, ``gate_rows("i", H)`` vaut ``slice(0, H)``.
    """
    if gate not in _TORCH_BLOCK:
        raise ValueError(f"gate_rows : « gate » doit valoir \"i\", \"f\", \"c\" ou \"o\", reçu {gate!r}.")
    k = _TORCH_BLOCK[gate]
    H = check_positive_int(hidden_size, "hidden_size", "gate_rows")
    return slice(k * H, (k + 1) * H)


def set_forget_bias(lstm: nn.LSTM, value: float = 1.0) -> None:
    """Règle le biais de la porte d'oubli de toutes les couches d'un ``nn.LSTM``.

    La porte d'oubli occupe les lignes ``gate_rows("f", H)`` = ``[H:2H]`` (ordre i, f, g, o).
    Le biais effectif est ``bias_ih + bias_hh`` : on met ``value`` dans la tranche de
    ``bias_ih`` et 0 dans celle de ``bias_hh``, pour que la somme vaille exactement
    ``value`` (Jozefowicz et al., 2015).
    """
    rows = gate_rows("f", lstm.hidden_size)
    with torch.no_grad():
        for name, param in lstm.named_parameters():
            if name.startswith("bias_ih"):
                param[rows].fill_(value)
            elif name.startswith("bias_hh"):
                param[rows].zero_()


def _check_module(module, where):
    if isinstance(module, nn.LSTMCell):
        return
    if not isinstance(module, nn.LSTM):
        raise TypeError(
            f"{where} : « module » doit être un torch.nn.LSTM (ou nn.LSTMCell), "
            f"reçu un objet de type {type(module).__name__}."
        )
    if getattr(module, "proj_size", 0):
        raise ValueError(
            f"{where} : les LSTM à projection (proj_size = {module.proj_size}) ne sont pas "
            f"pris en charge ; attendu proj_size = 0."
        )


def _suffix(module, layer, direction, where):
    """Le suffixe des noms de poids : ``_l{layer}`` et ``_reverse`` pour le sens inverse."""
    if isinstance(module, (nn.LSTMCell, nn.GRUCell)):
        if layer != 0 or direction != 0:
            raise ValueError(
                f"{where} : un {type(module).__name__} n'a qu'une couche et un sens ; attendu layer = 0 et "
                f"direction = 0, reçu layer = {layer!r}, direction = {direction!r}."
            )
        return ""
    layer = check_positive_int(layer, "layer", where, minimum=0)
    if layer >= module.num_layers:
        raise ValueError(
            f"{where} : « layer » doit être entre 0 et {module.num_layers - 1} "
            f"(le module a {module.num_layers} couche(s)), reçu {layer}."
        )
    directions = 2 if module.bidirectional else 1
    if isinstance(direction, bool) or direction not in range(directions):
        raise ValueError(
            f"{where} : « direction » doit valoir "
            f"{'0 (avant) ou 1 (arrière)' if directions == 2 else '0 (le module est unidirectionnel)'}, "
            f"reçu {direction!r}."
        )
    return f"_l{layer}" + ("_reverse" if direction == 1 else "")


def _torch_dtype_to_numpy(dtype, where):
    if dtype == torch.float64:
        return np.float64
    if dtype == torch.float32:
        return np.float32
    raise TypeError(f"{where} : les poids du module doivent être en float32 ou float64, reçu {dtype}.")


def _read_cell(module, suffix, n_gates, where):
    """Les poids d'une cellule de PyTorch (LSTM ou GRU) en numpy, dans le dtype du module.

    Rend ``(W_ih, W_hh, b_ih, b_hh, dtype)`` ; sans biais (``bias=False``), deux biais nuls.
    """
    with torch.no_grad():
        W_ih = getattr(module, f"weight_ih{suffix}").detach().cpu()
        dtype = _torch_dtype_to_numpy(W_ih.dtype, where)
        W_ih = W_ih.numpy().astype(dtype)
        W_hh = getattr(module, f"weight_hh{suffix}").detach().cpu().numpy().astype(dtype)
        if module.bias:
            b_ih, b_hh = (getattr(module, f"{name}{suffix}").detach().cpu().numpy().astype(dtype)
                          for name in ("bias_ih", "bias_hh"))
        else:
            b_ih = b_hh = np.zeros(n_gates * module.hidden_size, dtype)
    return W_ih, W_hh, b_ih, b_hh, dtype


def params_from_torch(module, layer: int = 0, direction: int = 0) -> LSTMParams:
    """Les poids d'une cellule (une couche, un sens) d'un ``nn.LSTM``, au format du livre.

    ``W_g = [W_hg | W_ig]`` (h d'abord) et ``b_g = b_ig + b_hg`` pour chaque
    porte ``g`` ; ``direction`` vaut 0 (avant) ou 1 (arrière, module
    bidirectionnel). Le dtype (float32 ou float64) est celui du module.
    """
    where = "params_from_torch"
    _check_module(module, where)
    suffix = _suffix(module, layer, direction, where)
    H = module.hidden_size
    W_ih, W_hh, b_ih, b_hh, dtype = _read_cell(module, suffix, 4, where)
    b = b_ih + b_hh
    values = {}
    for gate in _TORCH_BLOCK:
        rows = gate_rows(gate, H)
        values[f"W_{gate}"] = np.concatenate([W_hh[rows], W_ih[rows]], axis=1)
        values[f"b_{gate}"] = b[rows].astype(dtype)
    return LSTMParams(**values)


def params_to_torch(params: LSTMParams, module, layer: int = 0, direction: int = 0):
    """Écrit les poids du livre dans une cellule (une couche, un sens) d'un ``nn.LSTM``.

    ``weight_hh`` et ``weight_ih`` reçoivent les colonnes ``h`` et ``x`` de
    chaque ``W_g``, dans l'ordre i, f, g, o ; ``bias_ih`` reçoit ``b`` et
    ``bias_hh`` reçoit 0 (seule leur somme compte). Les valeurs sont
    converties dans le dtype du module. Rend le module.
    """
    where = "params_to_torch"
    params = check_params(params, LSTMParams, where)
    _check_module(module, where)
    suffix = _suffix(module, layer, direction, where)
    order = sorted(_TORCH_BLOCK, key=_TORCH_BLOCK.get)  # i, f, c, o
    W = np.concatenate([getattr(params, f"W_{g}") for g in order], axis=0)
    b = np.concatenate([getattr(params, f"b_{g}") for g in order], axis=0)
    return _write_cell(module, suffix, params, W, b, np.zeros_like(b), where)


def _write_cell(module, suffix, params, W, b_ih, b_hh, where):
    """Écrit une cellule de PyTorch (LSTM ou GRU) : ``W`` a ses blocs de portes dans l'ordre de PyTorch,
    les colonnes ``h`` d'abord (``weight_hh``) puis ``x`` (``weight_ih``) ; ``b_ih`` et ``b_hh`` sont les deux biais."""
    W_ih_t = getattr(module, f"weight_ih{suffix}")
    W_hh_t = getattr(module, f"weight_hh{suffix}")
    H, I = module.hidden_size, W_ih_t.shape[1]
    if (params.hidden_size, params.input_size) != (H, I):
        raise ValueError(
            f"{where} : la cellule visée attend H = {H} et I = {I} ; reçu des paramètres "
            f"avec H = {params.hidden_size} et I = {params.input_size}."
        )
    if not module.bias and (np.any(b_ih != 0) or np.any(b_hh != 0)):
        raise ValueError(
            f"{where} : le module n'a pas de biais (bias=False) mais les biais de « params » "
            f"ne sont pas nuls ; ils seraient perdus."
        )
    with torch.no_grad():
        W_hh_t.copy_(torch.from_numpy(np.ascontiguousarray(W[:, :H])))
        W_ih_t.copy_(torch.from_numpy(np.ascontiguousarray(W[:, H:])))
        if module.bias:
            getattr(module, f"bias_ih{suffix}").copy_(torch.from_numpy(np.ascontiguousarray(b_ih)))
            getattr(module, f"bias_hh{suffix}").copy_(torch.from_numpy(np.ascontiguousarray(b_hh)))
    return module


def _batch_major(x, input_size: int, batch_first: bool, where: str):
    """L'entrée d'un module à la PyTorch, vérifiée et mise en ``(N, T, I)`` (la disposition de
    ``lstm_forward`` et ``gru_forward``) : ``(x, sans_lot)``. Commun à NumpyLSTM et NumpyGRU."""
    x = as_float_array(x, "x", where)
    check_ndim(x, (2, 3), "x", where, "(T, N, I), (N, T, I) avec batch_first, ou (T, I)")
    if x.shape[-1] != input_size:
        raise ValueError(
            f"{where} : la dernière dimension de « x » doit valoir input_size = {input_size}, "
            f"reçu la forme {x.shape}."
        )
    if x.ndim == 2:
        return x[None], True
    return (x if batch_first else x.transpose(1, 0, 2)), False


def _torch_layout(output, batch_first: bool):
    """``output`` de ``(N, T, D · H)`` vers la disposition de PyTorch (``(T, N, D · H)`` sans batch_first)."""
    return np.ascontiguousarray(output if batch_first else output.transpose(1, 0, 2))


class _NumpyStack:
    """Ce que partagent :class:`NumpyLSTM` et :class:`NumpyGRU` : des couches empilées, chacune à un ou deux sens.

    ``params[couche][sens]`` sont les poids d'une cellule au format du livre ; le sens 1 lit
    la séquence à l'envers, et la sortie d'une couche (les deux sens côte à côte) est
    l'entrée de la suivante, comme dans PyTorch.
    """

    def __init__(self, params, input_size: int, hidden_size: int, num_layers: int,
                 bidirectional: bool, batch_first: bool):
        self.params = params  # params[couche][sens] : un LSTMParams ou un GRUParams
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.batch_first = batch_first

    @classmethod
    def _from_module(cls, module, read_params):
        directions = 2 if module.bidirectional else 1
        params = [[read_params(module, layer, d) for d in range(directions)]
                  for layer in range(module.num_layers)]
        return cls(params, module.input_size, module.hidden_size, module.num_layers,
                   module.bidirectional, module.batch_first)

    @property
    def dtype(self):
        return self.params[0][0].dtype

    def _layers(self, x, states, forward):
        """Passe ``x`` ``(N, T, I)`` dans toutes les couches et tous les sens.

        ``states`` : les états de départ, chacun ``(D · num_layers, N, H)`` (``h_0``, et
        ``c_0`` pour un LSTM) ; ``forward(seq, params, *états)`` rend ``(trace, états finaux)``.
        Rend la sortie de la dernière couche ``(N, T, D · H)`` et les états finaux empilés.
        """
        D, L = (2 if self.bidirectional else 1), self.num_layers
        dtype = np.result_type(x, states[0], self.dtype)
        layer_input = x.astype(dtype, copy=False)
        finals = [np.empty((D * L, x.shape[0], self.hidden_size), dtype) for _ in states]
        for layer in range(L):
            outputs = []
            for d in range(D):
                k = D * layer + d
                seq = layer_input if d == 0 else layer_input[:, ::-1]
                trace, last = forward(seq, self.params[layer][d], *(s[k] for s in states))
                outputs.append(trace.h if d == 0 else trace.h[:, ::-1])
                for final, value in zip(finals, last):
                    final[k] = value
            layer_input = np.concatenate(outputs, axis=-1)
        return layer_input, finals


class NumpyLSTM(_NumpyStack):
    """Un ``nn.LSTM`` entier refait en numpy, couche par couche et sens par sens.

    Construit avec :meth:`from_torch`. ``lstm(x, state)`` rend
    ``(output, (h_n, c_n))`` avec exactement les formes et la disposition de
    PyTorch (``batch_first``, ``bidirectional``, plusieurs couches, entrée
    sans lot). Équivaut au module en mode évaluation : le *dropout* entre
    couches n'est pas appliqué.
    """

    @classmethod
    def from_torch(cls, module) -> "NumpyLSTM":
        """Copie les poids de chaque couche et de chaque sens d'un ``nn.LSTM``."""
        where = "NumpyLSTM.from_torch"
        if not isinstance(module, nn.LSTM):
            raise TypeError(f"{where} : « module » doit être un torch.nn.LSTM, reçu un objet de type "
                            f"{type(module).__name__}.")
        _check_module(module, where)
        return cls._from_module(module, params_from_torch)

    def __call__(self, x, state=None):
        """Passe ``x`` dans toutes les couches ; mêmes conventions que ``nn.LSTM.forward``.

        ``x`` : ``(T, N, I)``, ou ``(N, T, I)`` si ``batch_first``, ou ``(T, I)``
        sans lot. ``state`` : ``None`` (zéros) ou ``(h_0, c_0)``, chacun de forme
        ``(D · num_layers, N, H)`` (``(D · num_layers, H)`` sans lot), avec
        ``D = 2`` si bidirectionnel. Rend ``output`` de forme ``(T, N, D · H)``
        (ou ``(N, T, D · H)`` si ``batch_first``) et ``(h_n, c_n)`` de forme
        ``(D · num_layers, N, H)`` — ``batch_first`` ne change pas l'état.
        """
        where = "NumpyLSTM"
        x, unbatched = _batch_major(x, self.input_size, self.batch_first, where)
        h0, c0 = self._initial_state(state, x.shape[0], unbatched, where)
        layer_input, (h_n, c_n) = self._layers(x, (h0, c0), lstm_forward)
        if unbatched:
            return layer_input[0], (h_n[:, 0], c_n[:, 0])
        return _torch_layout(layer_input, self.batch_first), (h_n, c_n)

    def _initial_state(self, state, N, unbatched, where):
        D, H, L = (2 if self.bidirectional else 1), self.hidden_size, self.num_layers
        if state is None:
            zeros = np.zeros((D * L, N, H), self.dtype)
            return zeros, zeros
        if not isinstance(state, (tuple, list)) or len(state) != 2:
            raise TypeError(f"{where} : « state » doit être None ou un couple (h_0, c_0), reçu {state!r:.80}.")
        expected = (D * L, H) if unbatched else (D * L, N, H)
        arrays = []
        for name, value in zip(("h_0", "c_0"), state):
            arr = as_float_array(value, name, where)
            if arr.shape != expected:
                raise ValueError(
                    f"{where} : « {name} » doit avoir la forme (D · num_layers, N, H) = {expected}, "
                    f"reçu la forme {arr.shape}."
                )
            arrays.append(arr[:, None] if unbatched else arr)
        return arrays[0], arrays[1]


def grads_from_torch(module, layer: int = 0, direction: int = 0) -> LSTMParams:
    """Les gradients ``.grad`` d'une cellule d'un ``nn.LSTM``, au format du livre (après ``backward()``).

    Même disposition que :func:`params_from_torch` : ``δW_g = [δW_hg | δW_ig]``
    (h d'abord). Pour le biais, le livre n'en a qu'un, ``b_g = b_ig + b_hg`` :
    son gradient est celui de **chacun** des deux biais de PyTorch (ils
    reçoivent le même), pas leur somme. Sert à comparer
    :func:`lstm_lib.backward.lstm_backward` à l'autograd.
    """
    where = "grads_from_torch"
    _check_module(module, where)
    suffix = _suffix(module, layer, direction, where)
    H = module.hidden_size
    W_ih = getattr(module, f"weight_ih{suffix}")
    W_hh = getattr(module, f"weight_hh{suffix}")
    if W_ih.grad is None or W_hh.grad is None:
        raise ValueError(
            f"{where} : les poids de la couche {layer} n'ont pas de gradient (.grad vaut None) ; "
            f"appelez d'abord loss.backward()."
        )
    dtype = _torch_dtype_to_numpy(W_ih.dtype, where)
    g_ih, g_hh = W_ih.grad.detach().cpu().numpy(), W_hh.grad.detach().cpu().numpy()
    g_b = np.zeros(4 * H, dtype)
    if module.bias:
        for name in ("bias_ih", "bias_hh"):  # le même gradient ; l'un des deux peut être gelé
            bias = getattr(module, f"{name}{suffix}")
            if bias.grad is not None:
                g_b = bias.grad.detach().cpu().numpy()
                break
    values = {}
    for gate in _TORCH_BLOCK:
        rows = gate_rows(gate, H)
        values[f"W_{gate}"] = np.concatenate([g_hh[rows], g_ih[rows]], axis=1).astype(dtype)
        values[f"b_{gate}"] = g_b[rows].astype(dtype)
    return LSTMParams(**values)


# --------------------------------------------------------------------------
# Le GRU : nn.GRU et son double numpy
# --------------------------------------------------------------------------
#
# PyTorch range les lignes de weight_ih_l{k} et weight_hh_l{k} de nn.GRU dans
# l'ordre r, z, n (documentation de torch.nn.GRU), avec deux biais. Pour r et
# z, seul b_i + b_h compte ; pour le candidat, b_in reste hors de la porte r
# et b_hn est multiplié par r : ils restent séparés (b_n et b_hn du livre).

_GRU_BLOCK = {"r": 0, "z": 1, "n": 2}


def _check_gru_module(module, where, cell_ok=True):
    kinds = (nn.GRU, nn.GRUCell) if cell_ok else (nn.GRU,)
    if not isinstance(module, kinds):
        expected = "un torch.nn.GRU (ou nn.GRUCell)" if cell_ok else "un torch.nn.GRU"
        raise TypeError(f"{where} : « module » doit être {expected}, reçu un objet de type {type(module).__name__}.")


def gru_params_from_torch(module, layer: int = 0, direction: int = 0) -> GRUParams:
    """Les poids d'une cellule (une couche, un sens) d'un ``nn.GRU``, au format du livre.

    ``W_g = [W_hg | W_ig]`` (h d'abord) pour ``g`` = r, z, n ;
    ``b_r = b_ir + b_hr``, ``b_z = b_iz + b_hz``, ``b_n = b_in`` et
    ``b_hn = b_hn``. Le dtype est celui du module.
    """
    where = "gru_params_from_torch"
    _check_gru_module(module, where)
    suffix = _suffix(module, layer, direction, where)
    H = module.hidden_size
    W_ih, W_hh, b_ih, b_hh, _ = _read_cell(module, suffix, 3, where)
    rows = {g: slice(k * H, (k + 1) * H) for g, k in _GRU_BLOCK.items()}
    values = {f"W_{g}": np.concatenate([W_hh[rows[g]], W_ih[rows[g]]], axis=1) for g in _GRU_BLOCK}
    values.update(b_r=b_ih[rows["r"]] + b_hh[rows["r"]], b_z=b_ih[rows["z"]] + b_hh[rows["z"]],
                  b_n=b_ih[rows["n"]], b_hn=b_hh[rows["n"]])
    return GRUParams(**values)


def gru_params_to_torch(params: GRUParams, module, layer: int = 0, direction: int = 0):
    """Écrit les poids du livre dans une cellule (une couche, un sens) d'un ``nn.GRU``. Rend le module.

    ``bias_ih`` reçoit ``[b_r, b_z, b_n]`` et ``bias_hh`` reçoit ``[0, 0, b_hn]``.
    """
    where = "gru_params_to_torch"
    params = check_params(params, GRUParams, where)
    _check_gru_module(module, where)
    suffix = _suffix(module, layer, direction, where)
    W = np.concatenate([params.W_r, params.W_z, params.W_n], axis=0)
    zeros = np.zeros(params.hidden_size, params.dtype)
    b_ih = np.concatenate([params.b_r, params.b_z, params.b_n])
    b_hh = np.concatenate([zeros, zeros, params.b_hn])
    return _write_cell(module, suffix, params, W, b_ih, b_hh, where)


class NumpyGRU(_NumpyStack):
    """Un ``nn.GRU`` entier refait en numpy, couche par couche et sens par sens (le double de :class:`NumpyLSTM`).

    Construit avec :meth:`from_torch`. ``gru(x, h0)`` rend ``(output, h_n)``
    avec les formes et la disposition de PyTorch (``batch_first``,
    ``bidirectional``, plusieurs couches, entrée sans lot, ``bias``).
    Équivaut au module en mode évaluation (pas de *dropout* entre couches).
    """

    @classmethod
    def from_torch(cls, module) -> "NumpyGRU":
        """Copie les poids de chaque couche et de chaque sens d'un ``nn.GRU``."""
        _check_gru_module(module, "NumpyGRU.from_torch", cell_ok=False)
        return cls._from_module(module, gru_params_from_torch)

    def __call__(self, x, h0=None):
        """Passe ``x`` dans toutes les couches ; mêmes conventions que ``nn.GRU.forward``.

        ``x`` : ``(T, N, I)``, ou ``(N, T, I)`` si ``batch_first``, ou ``(T, I)``
        sans lot. ``h0`` : ``None`` (zéros) ou un tableau ``(D · num_layers, N, H)``
        (``(D · num_layers, H)`` sans lot). Rend ``output`` de forme
        ``(T, N, D · H)`` (ou ``(N, T, D · H)`` si ``batch_first``) et ``h_n`` de
        forme ``(D · num_layers, N, H)`` — ``batch_first`` ne change pas l'état.
        """
        where = "NumpyGRU"
        x, unbatched = _batch_major(x, self.input_size, self.batch_first, where)
        N = x.shape[0]
        D, H, L = (2 if self.bidirectional else 1), self.hidden_size, self.num_layers
        if h0 is None:
            h0 = np.zeros((D * L, N, H), self.dtype)
        else:
            if isinstance(h0, tuple) and len(h0) == 2:
                raise TypeError(f"{where} : « h0 » doit être un tableau (un GRU n'a pas de mémoire c), "
                                f"reçu un couple ; un couple (h_0, c_0) est l'état d'un LSTM.")
            h0 = as_float_array(h0, "h0", where)
            expected = (D * L, H) if unbatched else (D * L, N, H)
            if h0.shape != expected:
                raise ValueError(f"{where} : « h0 » doit avoir la forme (D · num_layers, N, H) = {expected}, "
                                 f"reçu la forme {h0.shape}.")
            h0 = h0[:, None] if unbatched else h0
        layer_input, (h_n,) = self._layers(x, (h0,), _gru_forward_states)
        if unbatched:
            return layer_input[0], h_n[:, 0]
        return _torch_layout(layer_input, self.batch_first), h_n


def _gru_forward_states(seq, params, h0):
    """:func:`~lstm_lib.gru.gru_forward`, son état final rendu comme un tuple (celui de ``_layers``)."""
    trace, h_T = gru_forward(seq, params, h0)
    return trace, (h_T,)
