"""Exercices du chapitre 2 : structure d'une cellule et portes.

Source unique du cahier ``exercises/ex02_portes.ipynb`` et de sa ligne dans
``exercises/index.md``, générés par ``python tools/make_exercises.py`` (format :
:mod:`lstm_lib.grading.registry`).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import cells
from lstm_lib.grading import draw
from lstm_lib.grading.core import ChoiceExercise, FunctionExercise, ValueExercise, number

NOTEBOOK = "ex02_portes"
CHAPTER = "2. Les portes"
TITLE = "Exercices du chapitre 2 : les portes"
INTRO = (
    "Ces exercices accompagnent le chapitre 2. Vous y écrivez les portes d'une cellule LSTM, "
    "une par une, puis toutes ensemble, et vous réglez un biais pour ouvrir une porte."
)

_GATE_FORBIDDEN = ("forget_gate", "input_gate", "output_gate", "candidate", "lstm_step",
                   "lstm_forward", "lstm_forward_explicit")


def _gate_cases(rng):
    cases = []
    for _ in range(3):
        H, I = draw.sizes(rng)
        W, b = draw.weights(rng, H, I)
        cases.append((draw.unit(rng, H, low=-1, high=1), draw.vector(rng, I), W, b))
    return cases


def _pre(h, x, W, b, order="hx", bias=True):
    hx = np.concatenate([h, x] if order == "hx" else [x, h])
    return W @ hx + (b if bias else 0.0)


def _gates_cases(rng):
    cases = []
    for _ in range(3):
        H, I = draw.sizes(rng)
        cases.append((draw.unit(rng, H, low=-1, high=1), draw.vector(rng, I), draw.params(rng, I, H)))
    return cases


def _gates_reference(h, x, p):
    return (
        cells.forget_gate(h, x, p.W_f, p.b_f),
        cells.input_gate(h, x, p.W_i, p.b_i),
        cells.candidate(h, x, p.W_c, p.b_c),
        cells.output_gate(h, x, p.W_o, p.b_o),
    )


def _gates_swapped(h, x, p):
    f, i, c_hat, o = _gates_reference(h, x, p)
    return (i, f, c_hat, o)


def _gates_all_sigmoid(h, x, p):
    f, i, _, o = _gates_reference(h, x, p)
    return (f, i, cells.sigmoid(_pre(h, x, p.W_c, p.b_c)), o)


def _gates_xh(h, x, p):
    return tuple(
        act(_pre(h, x, W, b, order="xh"))
        for act, W, b in ((cells.sigmoid, p.W_f, p.b_f), (cells.sigmoid, p.W_i, p.b_i),
                          (np.tanh, p.W_c, p.b_c), (cells.sigmoid, p.W_o, p.b_o))
    )


TARGET_F = 0.9


def _check_bias(b: float):
    f = float(cells.sigmoid(b))
    if abs(f - TARGET_F) <= 1e-3:
        return None
    direction = "trop petit" if f < TARGET_F else "trop grand"
    return f"avec ce biais, la porte vaut σ(b) = {number(f, 3)} : c'est {direction}"


EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="La porte d'oubli",
        points=2,
        target="forget_gate",
        statement=(
            "Écrivez `forget_gate(h_prev, x_t, W_f, b_f)` :\n\n"
            "$$f_t = \\sigma(W_f \\cdot [h_{t-1}, x_t] + b_f)$$\n\n"
            "avec $\\sigma(z) = 1 / (1 + e^{-z})$. `h_prev` est de forme $(H,)$, `x_t` de forme "
            "$(I,)$, `W_f` de forme $(H, H + I)$ et `b_f` de forme $(H,)$. La fonction rend "
            "$f_t$, de forme $(H,)$. Écrivez-la avec numpy, sans appeler `lstm_lib.forget_gate`."
        ),
        starter=(
            "def forget_gate(h_prev, x_t, W_f, b_f):\n"
            "    # Votre code ici : f_t = σ(W_f · [h_prev, x_t] + b_f)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def forget_gate(h_prev, x_t, W_f, b_f):\n"
            "    hx = np.concatenate([h_prev, x_t])\n"
            "    return 1 / (1 + np.exp(-(W_f @ hx + b_f)))\n"
        ),
        hint="Concaténez d'abord h_prev puis x_t avec np.concatenate, puis appliquez la sigmoïde à W_f @ hx + b_f.",
        cases=_gate_cases,
        reference=lambda h, x, W, b: cells.forget_gate(h, x, W, b),
        mistakes=[
            ("Le biais b_f semble oublié.", lambda h, x, W, b: cells.sigmoid(_pre(h, x, W, b, bias=False))),
            ("h et x semblent concaténés dans le mauvais ordre : le livre écrit [h_{t−1}, x_t], h d'abord.",
             lambda h, x, W, b: cells.sigmoid(_pre(h, x, W, b, order="xh"))),
            ("Vous semblez appliquer tanh : une porte utilise la sigmoïde, à valeurs dans ]0, 1[.",
             lambda h, x, W, b: np.tanh(_pre(h, x, W, b))),
        ],
        forbidden=_GATE_FORBIDDEN,
    ),
    FunctionExercise(
        key="ex2",
        title="Le candidat",
        points=1,
        target="candidate",
        statement=(
            "Écrivez `candidate(h_prev, x_t, W_c, b_c)`, la nouvelle information proposée :\n\n"
            "$$\\hat{c}_t = \\tanh(W_c \\cdot [h_{t-1}, x_t] + b_c)$$\n\n"
            "Mêmes formes que pour la porte d'oubli ; la fonction rend $\\hat{c}_t$, de forme $(H,)$."
        ),
        starter=(
            "def candidate(h_prev, x_t, W_c, b_c):\n"
            "    # Votre code ici : ĉ_t = tanh(W_c · [h_prev, x_t] + b_c)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def candidate(h_prev, x_t, W_c, b_c):\n"
            "    hx = np.concatenate([h_prev, x_t])\n"
            "    return np.tanh(W_c @ hx + b_c)\n"
        ),
        hint="Même calcul que la porte d'oubli, mais avec tanh : le candidat peut être négatif.",
        cases=_gate_cases,
        reference=lambda h, x, W, b: cells.candidate(h, x, W, b),
        mistakes=[
            ("Vous semblez appliquer la sigmoïde là où il faut tanh : le candidat est dans ]−1, 1[, "
             "il peut retirer de la mémoire autant qu'en ajouter.",
             lambda h, x, W, b: cells.sigmoid(_pre(h, x, W, b))),
            ("Le biais b_c semble oublié.", lambda h, x, W, b: np.tanh(_pre(h, x, W, b, bias=False))),
            ("h et x semblent concaténés dans le mauvais ordre : le livre écrit [h_{t−1}, x_t], h d'abord.",
             lambda h, x, W, b: np.tanh(_pre(h, x, W, b, order="xh"))),
        ],
        forbidden=_GATE_FORBIDDEN,
    ),
    ChoiceExercise(
        key="ex3",
        title="Que veut dire i_t[j] ≈ 0 ?",
        points=1,
        target="answer_input_zero",
        statement=(
            "La composante `j` de la porte d'entrée vaut presque 0 : $i_t[j] \\approx 0$. Que se passe-t-il ?\n\n"
            "- **a** : la dimension `j` de la mémoire est effacée ;\n"
            "- **b** : on n'ajoute presque rien de nouveau à la dimension `j` de la mémoire ;\n"
            "- **c** : la dimension `j` n'apparaît pas dans la sortie $h_t$ ;\n"
            "- **d** : le candidat $\\hat{c}_t[j]$ vaut 0.\n\n"
            "Écrivez la lettre choisie dans `answer_input_zero`."
        ),
        starter="answer_input_zero = None  # \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_input_zero = \"b\"  # le « tiroir » j reste fermé à la nouvelle information\n",
        hint="Relisez l'exemple du texte : ĉ_t = [0,4 ; −0,7 ; 0,2] et i_t = [1,0 ; 0,0 ; 0,5].",
        choices={"a": "", "b": "", "c": "", "d": ""},
        answer="b",
        feedback={
            "a": "Effacer la mémoire, c'est le rôle de la porte d'oubli f_t.",
            "c": "Ce qui sort dans h_t, c'est la porte de sortie o_t qui le décide.",
            "d": "Le candidat ne dépend pas de i_t : c'est le produit i_t ⊙ ĉ_t qui s'annule.",
        },
    ),
    ValueExercise(
        key="ex4",
        title="Régler le biais d'une porte",
        points=2,
        target="b_f_090",
        statement=(
            "Quand $W_f \\cdot [h_{t-1}, x_t] = 0$ (par exemple au début, avec $h$ et $x$ nuls), "
            "la porte d'oubli vaut $\\sigma(b_f)$. Quel biais $b_f$ (un nombre) donne une porte "
            "d'oubli égale à 0,9 ? Cherchez-le avec le widget, puis écrivez-le (à 0,001 près sur "
            "la porte) dans `b_f_090`."
        ),
        starter="b_f_090 = ...  # un nombre\n",
        solution=(
            "# σ(b) = 0,9  ⇔  b = ln(0,9 / 0,1) = ln 9 ≈ 2,197\n"
            "b_f_090 = np.log(9)\n"
        ),
        hint="Inversez la sigmoïde : si σ(b) = p, alors b = ln(p / (1 − p)).",
        helper="lstm_lib.gate_bias_explorer()\n",  # widget sans noyau (lstm_lib.widgets), vivant aussi sur le site
        check=_check_bias,
    ),
    FunctionExercise(
        key="ex5",
        title="Les quatre portes d'un coup",
        points=3,
        target="gates",
        statement=(
            "Écrivez `gates(h_prev, x_t, params)` qui rend le tuple `(f, i, c_hat, o)` des quatre "
            "portes, calculées à partir d'un `lstm_lib.LSTMParams` (champs `W_f, b_f, W_i, b_i, "
            "W_c, b_c, W_o, b_o`). Vous pouvez réutiliser vos fonctions `forget_gate` et `candidate` "
            "et la sigmoïde `lstm_lib.sigmoid`, mais pas les portes toutes faites de `lstm_lib` "
            "(`lstm_lib.forget_gate`, `lstm_lib.input_gate`, `lstm_lib.candidate`, `lstm_lib.output_gate`)."
        ),
        starter=(
            "def gates(h_prev, x_t, params):\n"
            "    # Votre code ici : rendre (f, i, c_hat, o)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def gates(h_prev, x_t, params):\n"
            "    hx = np.concatenate([h_prev, x_t])\n"
            "    f = lstm_lib.sigmoid(params.W_f @ hx + params.b_f)\n"
            "    i = lstm_lib.sigmoid(params.W_i @ hx + params.b_i)\n"
            "    c_hat = np.tanh(params.W_c @ hx + params.b_c)\n"
            "    o = lstm_lib.sigmoid(params.W_o @ hx + params.b_o)\n"
            "    return f, i, c_hat, o\n"
        ),
        hint="Chaque porte utilise ses propres poids (W_f et b_f pour f, W_i et b_i pour i…) ; "
             "seul le candidat prend tanh. Rendez-les dans l'ordre f, i, c_hat, o.",
        cases=_gates_cases,
        reference=_gates_reference,
        parts=("f", "i", "c_hat", "o"),
        mistakes=[
            ("f et i semblent échangées : rendez (f, i, c_hat, o), et vérifiez quels poids vont avec quelle porte.",
             _gates_swapped),
            ("Le candidat semble calculé avec la sigmoïde : il prend tanh.", _gates_all_sigmoid),
            ("h et x semblent concaténés dans le mauvais ordre : le livre écrit [h_{t−1}, x_t], h d'abord.",
             _gates_xh),
        ],
        forbidden=_GATE_FORBIDDEN,
    ),
    ChoiceExercise(
        key="ex6",
        title="La forme de W_f",
        points=1,
        target="answer_shape",
        statement=(
            "Une cellule a un état caché de taille $H = 64$ et reçoit des entrées de taille "
            "$I = 2$ (amplitude et distance du radar). Quelle est la forme de $W_f$ ?\n\n"
            "- **a** : (64, 2) ;\n- **b** : (64, 66) ;\n- **c** : (66, 64) ;\n- **d** : (64, 64).\n\n"
            "Écrivez la lettre choisie dans `answer_shape`."
        ),
        starter="answer_shape = None  # \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_shape = \"b\"  # W_f agit sur [h, x], de taille 64 + 2 = 66, et rend 64 valeurs\n",
        hint="W_f multiplie la concaténation [h_{t−1}, x_t] et rend un vecteur de la taille de l'état caché.",
        choices={"a": "", "b": "", "c": "", "d": ""},
        answer="b",
        feedback={
            "a": "W_f ne voit pas seulement x_t : il agit sur [h_{t−1}, x_t].",
            "d": "W_f ne voit pas seulement h_{t−1} : il agit sur [h_{t−1}, x_t].",
            "c": "Le produit W_f · [h, x] doit rendre un vecteur de taille H : H est le nombre de lignes.",
        },
    ),
]
