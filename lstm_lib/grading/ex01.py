"""Exercices du chapitre 1 : pourquoi un LSTM ? Les limites des RNN.

Source unique du cahier ``exercises/ex01_pourquoi_lstm.ipynb`` et de sa ligne dans
``exercises/index.md``, générés par ``python tools/make_exercises.py`` (format :
:mod:`lstm_lib.grading.registry`).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import cells, rnn
from lstm_lib.grading import draw
from lstm_lib.grading.core import ChoiceExercise, FunctionExercise, ValueExercise

NOTEBOOK = "ex01_pourquoi_lstm"
CHAPTER = "1. Pourquoi un LSTM ?"
TITLE = "Exercices du chapitre 1 : pourquoi un LSTM ?"
INTRO = (
    "Ces exercices accompagnent le chapitre 1. Vous y écrivez le pas d'un RNN simple, "
    "vous mesurez comment son gradient s'éteint, puis vous regardez le chemin de la mémoire "
    "d'un LSTM, où le gradient survit."
)


def _rnn_cases(rng):
    cases = []
    for _ in range(3):
        H, I = draw.sizes(rng)
        W, b = draw.weights(rng, H, I)
        cases.append((draw.vector(rng, I), draw.unit(rng, H, low=-1, high=1), W, b))
    return cases


def _rnn_reference(x_t, h_prev, W, b):
    return rnn.rnn_step(x_t, h_prev, rnn.RNNParams(W, b))


def _jacobian_cases(rng):
    cases = []
    for _ in range(3):
        H, I = draw.sizes(rng)
        W, _ = draw.weights(rng, H, I)
        cases.append((np.tanh(draw.vector(rng, H)), W))
    return cases


def _jacobian_reference(h_t, W):
    W_h = rnn.RNNParams(W, np.zeros(W.shape[0])).W_h
    return np.diag(1.0 - h_t**2) @ W_h


def _path_cases(rng):
    return [(draw.unit(rng, int(rng.integers(5, 9)), int(rng.integers(2, 5)), low=0.3, high=1.0),)
            for _ in range(3)]


def _path_reference(f):
    return rnn.lstm_cell_path_gradient(f)[1]


def _path_off_by_one(f):
    rev = np.cumprod(f[::-1], axis=0)
    return rev


def _path_forward(f):
    values = np.ones_like(f)
    values[1:] = np.cumprod(f[:-1], axis=0)
    return values


N_STEPS_TARGET = 0.01
CONTRACTION = 0.9


def _check_n_steps(n: float):
    if n != round(n):
        return "le nombre de pas doit être un entier"
    n = int(n)
    if n < 0:
        return "un nombre de pas ne peut pas être négatif"
    # Référence : le premier n tel que 0,9^n < 1 %, calculé pas à pas.
    value, steps = 1.0, 0
    while value >= N_STEPS_TARGET:
        value *= CONTRACTION
        steps += 1
    if n < steps:
        return "après ce nombre de pas, il reste encore au moins 1 % du gradient : c'est trop tôt"
    if n > steps:
        return "à ce pas, le gradient est bien sous 1 %, mais il y est passé plus tôt : cherchez le premier pas"
    return None


EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="Le pas d'un RNN simple",
        points=2,
        target="rnn_step",
        statement=(
            "Écrivez `rnn_step(x_t, h_prev, W, b)`, un pas de RNN simple :\n\n"
            "$$h_t = \\tanh(W \\cdot [h_{t-1}, x_t] + b)$$\n\n"
            "`x_t` est un vecteur de taille $I$, `h_prev` un vecteur de taille $H$, `W` une matrice "
            "de forme $(H, H + I)$ qui agit sur la concaténation $[h_{t-1}, x_t]$ (h d'abord, "
            "comme dans le texte) et `b` un vecteur de taille $H$. La fonction rend $h_t$, de forme $(H,)$."
        ),
        starter=(
            "def rnn_step(x_t, h_prev, W, b):\n"
            "    # Votre code ici : h_t = tanh(W · [h_prev, x_t] + b)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def rnn_step(x_t, h_prev, W, b):\n"
            "    hx = np.concatenate([h_prev, x_t])\n"
            "    return np.tanh(W @ hx + b)\n"
        ),
        hint=(
            "np.concatenate([h_prev, x_t]) forme [h_{t−1}, x_t] ; W @ hx est le produit matriciel ; "
            "np.tanh applique la tangente hyperbolique composante par composante."
        ),
        cases=_rnn_cases,
        reference=_rnn_reference,
        mistakes=[
            ("Vous semblez utiliser la sigmoïde : un RNN simple applique tanh, à valeurs dans ]−1, 1[.",
             lambda x, h, W, b: cells.sigmoid(W @ np.concatenate([h, x]) + b)),
            ("h et x semblent concaténés dans le mauvais ordre : le livre écrit [h_{t−1}, x_t], h d'abord.",
             lambda x, h, W, b: np.tanh(W @ np.concatenate([x, h]) + b)),
            ("Le biais b semble oublié.",
             lambda x, h, W, b: np.tanh(W @ np.concatenate([h, x]))),
        ],
        forbidden=("rnn_step", "rnn_forward"),
    ),
    FunctionExercise(
        key="ex2",
        title="La jacobienne d'un pas",
        points=2,
        target="step_jacobian",
        statement=(
            "Pour un RNN simple, la dérivée de $h_t$ par rapport à $h_{t-1}$ est la matrice\n\n"
            "$$J_t = \\frac{\\partial h_t}{\\partial h_{t-1}} = \\mathrm{diag}(1 - h_t^2)\\, W_h$$\n\n"
            "où $W_h$ est le bloc de `W` qui agit sur $h_{t-1}$ (les $H$ premières colonnes, "
            "puisque h vient d'abord). Écrivez `step_jacobian(h_t, W)` qui rend $J_t$, "
            "de forme $(H, H)$, pour `h_t` de forme $(H,)$ et `W` de forme $(H, H + I)$."
        ),
        starter=(
            "def step_jacobian(h_t, W):\n"
            "    # Votre code ici : diag(1 − h_t²) · W_h\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def step_jacobian(h_t, W):\n"
            "    H = h_t.shape[0]\n"
            "    W_h = W[:, :H]\n"
            "    return np.diag(1 - h_t**2) @ W_h\n"
        ),
        hint=(
            "La dérivée de tanh(z) est 1 − tanh(z)² = 1 − h_t². Le bloc W_h est W[:, :H]. "
            "np.diag(v) fabrique la matrice diagonale de v."
        ),
        cases=_jacobian_cases,
        reference=_jacobian_reference,
        mistakes=[
            ("Il manque la dérivée de tanh : le facteur diag(1 − h_t²).",
             lambda h, W: W[:, : h.shape[0]]),
            ("diag(1 − h_t²) multiplie les lignes de W_h (à gauche), pas ses colonnes.",
             lambda h, W: W[:, : h.shape[0]] * (1 - h**2)[None, :]),
            ("La dérivée de tanh est 1 − h_t², avec h_t au carré (et non 1 − h_t).",
             lambda h, W: np.diag(1 - h) @ W[:, : h.shape[0]]),
        ],
        forbidden=("rnn_gradient_norms",),
    ),
    ValueExercise(
        key="ex3",
        title="Combien de pas avant que le gradient ne s'éteigne ?",
        points=1,
        target="n_steps_1pct",
        statement=(
            "Supposons qu'à chaque pas en arrière, le gradient soit multiplié par un facteur "
            "constant de 0,9 (la norme de $J_t$). Après combien de pas le gradient passe-t-il "
            "**pour la première fois** sous 1 % de sa valeur de départ ? Servez-vous du widget, "
            "puis écrivez votre réponse (un entier) dans la variable `n_steps_1pct`."
        ),
        starter="n_steps_1pct = ...  # un entier\n",
        solution=(
            "# Premier n tel que 0,9^n < 0,01 : n > ln(0,01) / ln(0,9) ≈ 43,7\n"
            "n_steps_1pct = 44\n"
        ),
        hint="Le gradient restant après n pas vaut 0,9ⁿ. Cherchez le premier n pour lequel 0,9ⁿ < 0,01.",
        helper="lstm_lib.gradient_decay_explorer()\n",  # widget sans noyau (lstm_lib.widgets), vivant aussi sur le site
        check=_check_n_steps,
    ),
    ChoiceExercise(
        key="ex4",
        title="Pourquoi un RNN simple oublie-t-il vite ?",
        points=1,
        target="answer_forgetting",
        statement=(
            "Pourquoi un RNN simple n'apprend-il pas les dépendances à long terme ?\n\n"
            "- **a** : ses poids sont trop peu nombreux pour stocker l'information ;\n"
            "- **b** : en remontant le temps, le gradient est multiplié à chaque pas par une "
            "jacobienne dont la norme est souvent inférieure à 1, il décroît donc géométriquement ;\n"
            "- **c** : la fonction tanh est trop lente à calculer sur de longues séquences ;\n"
            "- **d** : il ne voit jamais les entrées anciennes.\n\n"
            "Écrivez la lettre choisie, entre guillemets, dans `answer_forgetting`."
        ),
        starter="answer_forgetting = None  # \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_forgetting = \"b\"  # la disparition du gradient\n",
        hint="Pensez au produit J_T · J_{T−1} ⋯ : que devient un produit de nombres plus petits que 1 ?",
        choices={"a": "poids", "b": "gradient", "c": "tanh", "d": "entrées"},
        answer="b",
        feedback={
            "d": "Le RNN voit bien chaque entrée, une fois, à son pas de temps : c'est la trace "
                 "qu'elle laisse qui s'efface.",
            "c": "La vitesse de calcul n'y est pour rien.",
        },
    ),
    FunctionExercise(
        key="ex5",
        title="Le gradient le long du chemin de la mémoire",
        points=2,
        target="cell_path_gradient",
        statement=(
            "Dans un LSTM, le long du chemin de la mémoire, $\\partial c_T / \\partial c_{T-k}$ "
            "est le produit des $k$ dernières portes d'oubli : "
            "$f_{T-k+1} \\odot \\dots \\odot f_T$ (le retard $k = 0$ donne des 1).\n\n"
            "Écrivez `cell_path_gradient(f)` : `f` est le tableau des portes d'oubli, de forme "
            "$(T, H)$ (la ligne `t` contient $f$ au pas `t`, le dernier pas est la ligne `T − 1`) ; "
            "la fonction rend un tableau `values` de forme $(T, H)$ où `values[k]` est le produit "
            "des $k$ dernières portes."
        ),
        starter=(
            "def cell_path_gradient(f):\n"
            "    # Votre code ici : values[k] = f[T−k] ⊙ … ⊙ f[T−1], values[0] = 1\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def cell_path_gradient(f):\n"
            "    T = f.shape[0]\n"
            "    values = np.ones_like(f)\n"
            "    for k in range(1, T):\n"
            "        values[k] = values[k - 1] * f[T - k]\n"
            "    return values\n"
        ),
        hint=(
            "Partez de values[0] = 1, puis multipliez à chaque retard par la porte suivante en "
            "remontant : values[k] = values[k − 1] ⊙ f[T − k]."
        ),
        cases=_path_cases,
        reference=_path_reference,
        mistakes=[
            ("Décalage d'un pas : au retard k on multiplie k portes, pas k + 1 ; le retard 0 donne des 1.",
             _path_off_by_one),
            ("Vous multipliez les premières portes : on remonte le temps depuis la fin, f_T d'abord.",
             _path_forward),
        ],
        forbidden=("lstm_cell_path_gradient",),
    ),
    ChoiceExercise(
        key="ex6",
        title="Le LSTM de 1997",
        points=1,
        target="answer_1997",
        statement=(
            "Le LSTM publié par Hochreiter et Schmidhuber en 1997 avait-il une porte d'oubli ?\n\n"
            "- **a** : oui, les trois portes f, i, o sont là dès 1997 ;\n"
            "- **b** : non, la porte d'oubli a été ajoutée ensuite par Gers, Schmidhuber et Cummins (2000) ;\n"
            "- **c** : non, elle a été ajoutée par les bibliothèques comme PyTorch.\n\n"
            "Écrivez la lettre choisie dans `answer_1997`."
        ),
        starter="answer_1997 = None  # \"a\", \"b\" ou \"c\"\n",
        solution="answer_1997 = \"b\"  # la porte d'oubli date de 2000\n",
        hint="Le chapitre 1 cite deux articles, l'un de 1997 et l'autre de 2000 : que propose le second ?",
        choices={"a": "", "b": "", "c": ""},
        answer="b",
    ),
]
