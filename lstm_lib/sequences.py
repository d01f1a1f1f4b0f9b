"""Une séquence entière : la cellule appliquée à chaque pas de temps.

Deux chemins qui donnent le même résultat (c'est testé) :

- :func:`lstm_forward_explicit` est la boucle du livre (:func:`~lstm_lib.cells.lstm_loop`) :
  les six équations dans le corps d'une boucle sur le temps, qui se lisent comme le texte.
  Le chapitre 3 l'affiche et l'exécute ;
- :func:`lstm_forward` fait le même calcul plus vite : un seul produit
  matriciel par pas pour les quatre portes, sur ``[h_{t−1}, x_t, 1]`` dont
  les entrées sont rangées avant la boucle. Personne n'a besoin de la lire
  pour suivre le livre.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_sequence
from .cells import LSTMParams, LSTMTrace, lstm_loop

__all__ = ["LSTMTrace", "lstm_forward", "lstm_forward_explicit"]


def lstm_forward(x, params: LSTMParams, h0=None, c0=None):
    """Passe une séquence entière dans la cellule (chemin rapide).

    ``x`` de forme ``(T, I)`` ou ``(B, T, I)`` ; ``h0`` et ``c0`` (zéro par
    défaut) de forme ``(H,)`` ou ``(B, H)``. Rend ``(trace, (h_T, c_T))`` :
    la :class:`LSTMTrace` de chaque intermédiaire au fil du temps, et l'état
    final. Redonner cet état final à l'appel suivant prolonge la séquence
    exactement : ``lstm_forward(x[k:], params, h_T, c_T)`` continue
    ``lstm_forward(x[:k], params)``.

    Mêmes équations que :func:`lstm_forward_explicit` (la boucle du livre,
    :func:`~lstm_lib.cells.lstm_loop`), réorganisées pour aller vite : les chapitres
    entraînent et comparent des centaines de séquences, et la boucle du livre fait
    quatre produits matriciels et une vingtaine d'appels numpy par pas. Ce qui change :

    - les quatre portes sont empilées (ordre f, i, o, ĉ) et le biais devient
      une colonne de plus : ``W · [h_{t−1}, x_t] + b = W̃ · [h_{t−1}, x_t, 1]``,
      **un seul produit matriciel par pas** pour les quatre portes ;
    - les entrées ``x_t`` (et les 1) sont rangées une fois pour toutes, avant la
      boucle, dans le tableau des concaténations ``[h_{t−1}, x_t, 1]`` ; la
      boucle n'y écrit que ``h_t``, directement à sa place ;
    - ``σ(z) = ½ (1 + tanh(z / 2))`` : les lignes des trois portes sigmoïdes
      sont divisées par 2 d'avance (multiplier par ½ est exact), et un seul
      appel à ``tanh`` par pas sert aux quatre portes ;
    - les vecteurs sont rangés en colonnes (le lot en dernier) : chaque porte
      est un bloc contigu de lignes, et chaque opération numpy parcourt une
      mémoire contiguë.

    Sur de petites matrices, c'est le nombre d'appels numpy par pas qui coûte
    (environ une microseconde chacun) : ici un produit et huit opérations
    terme à terme. Sortir la projection ``W_x · x_t`` de la boucle, l'astuce
    habituelle, ajouterait une addition par pas ; avec ``I = 2`` elle ne
    fait rien gagner (voir ``benchmarks/bench_lstm_forward.py``).
    """
    x, params, h, c = check_sequence(x, params, LSTMParams, "lstm_forward", h0=h0, c0=c0)
    H, I = params.hidden_size, params.input_size
    unbatched = x.ndim == 2
    if unbatched:
        x, h, c = x[None], h[None], c[None]
    B, T, _ = x.shape
    dtype = x.dtype
    # W̃ = [W | b], les quatre portes empilées dans l'ordre f, i, o, ĉ (les sigmoïdes d'abord).
    W, b = params.stacked("fioc")
    W = np.concatenate([W, b[:, None]], axis=1)  # (4H, H + I + 1)
    W[: 3 * H] *= 0.5  # σ(z) = ½ (1 + tanh(z / 2))
    # hx1[t] = [h_{t−1}, x_t, 1] en colonnes ; hx1[t + 1, :H] recevra h_t.
    hx1 = np.empty((T + 1, H + I + 1, B), dtype)
    hx1[0, :H] = h.T
    hx1[:T, H:H + I] = x.transpose(1, 2, 0)
    hx1[:, H + I] = 1.0
    z = np.empty((T, 4 * H, B), dtype)  # les activations des portes, pas par pas
    cs = np.empty((T, H, B), dtype)  # c_t, en colonnes
    c = np.ascontiguousarray(c.T)
    i_c_hat = np.empty((H, B), dtype)
    tanh_c = np.empty((H, B), dtype)
    half = dtype.type(0.5)
    for t in range(T):
        gates = np.matmul(W, hx1[t], out=z[t])  # W̃ · [h_{t−1}, x_t, 1], les 4 portes
        np.tanh(gates, out=gates)
        sigmoids = gates[: 3 * H]  # ½ (1 + tanh(z / 2)) pour f, i, o
        sigmoids *= half
        sigmoids += half
        f, i, o, c_hat = gates[:H], gates[H:2 * H], gates[2 * H:3 * H], gates[3 * H:]
        c = np.multiply(f, c, out=cs[t])  # c_t = f ⊙ c_{t−1} + i ⊙ ĉ
        c += np.multiply(i, c_hat, out=i_c_hat)
        np.multiply(o, np.tanh(c, out=tanh_c), out=hx1[t + 1, :H])  # h_t = o ⊙ tanh(c_t)
    # Retour à la disposition du livre, (B, T, H) : des vues, sans copie.
    act = z.transpose(2, 0, 1)
    hs = hx1[1:, :H]
    trace = LSTMTrace(
        f=act[..., :H], i=act[..., H:2 * H], c_hat=act[..., 3 * H:],
        c=cs.transpose(2, 0, 1), o=act[..., 2 * H:3 * H], h=hs.transpose(2, 0, 1),
    )
    h_T, c_T = hs[-1].T.copy(), cs[-1].T.copy()
    if unbatched:
        trace = LSTMTrace(*(v[0] for v in trace.as_dict().values()))
        h_T, c_T = h_T[0], c_T[0]
    return trace, (h_T, c_T)


def lstm_forward_explicit(x, params: LSTMParams, h0=None, c0=None):
    """Même calcul que :func:`lstm_forward`, écrit comme le livre : les six équations à chaque pas.

    Vérifie les entrées une fois, puis exécute :func:`~lstm_lib.cells.lstm_loop`. Plus
    lent, mais chaque ligne de la boucle est une équation du texte. Rend
    ``(trace, (h_T, c_T))`` exactement comme :func:`lstm_forward`.
    """
    x, params, h, c = check_sequence(x, params, LSTMParams, "lstm_forward_explicit", h0=h0, c0=c0)
    return lstm_loop(x, params, h, c)
