"""Exercices du chapitre 3 : la mémoire, mise à jour et sortie.

Source unique du cahier ``exercises/ex03_memoire.ipynb`` et de sa ligne dans
``exercises/index.md``, générés par ``python tools/make_exercises.py`` (format :
:mod:`lstm_lib.grading.registry`).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import cells, sequences
from lstm_lib.grading import draw
from lstm_lib.grading.core import ChoiceExercise, FunctionExercise, ValueExercise

NOTEBOOK = "ex03_memoire"
CHAPTER = "3. La mémoire"
TITLE = "Exercices du chapitre 3 : la mémoire"
INTRO = (
    "Ces exercices accompagnent le chapitre 3. Vous y écrivez la mise à jour de la mémoire, "
    "la sortie, un pas complet de cellule LSTM, puis une séquence entière."
)


def _memory_cases(rng):
    cases = []
    for _ in range(3):
        H = int(rng.integers(3, 7))
        cases.append((draw.unit(rng, H), draw.vector(rng, H), draw.unit(rng, H),
                      draw.unit(rng, H, low=-1, high=1)))
    return cases


def _output_cases(rng):
    cases = []
    for _ in range(3):
        H = int(rng.integers(3, 7))
        cases.append((draw.unit(rng, H), draw.vector(rng, H, scale=1.5)))
    return cases


def _step_cases(rng):
    cases = []
    for _ in range(3):
        H, I = draw.sizes(rng)
        cases.append((draw.vector(rng, I), draw.unit(rng, H, low=-1, high=1), draw.vector(rng, H),
                      draw.params(rng, I, H)))
    return cases


def _step_reference(x, h, c, p):
    rec = cells.lstm_step(x, h, c, p)
    return (rec.h, rec.c)


def _step_h_from_c_prev(x, h, c, p):
    rec = cells.lstm_step(x, h, c, p)
    return (rec.o * np.tanh(c), rec.c)


def _step_swapped_return(x, h, c, p):
    rec = cells.lstm_step(x, h, c, p)
    return (rec.c, rec.h)


def _step_swapped_gates(x, h, c, p):
    swapped = cells.LSTMParams(W_f=p.W_i, b_f=p.b_i, W_i=p.W_f, b_i=p.b_f,
                               W_c=p.W_c, b_c=p.b_c, W_o=p.W_o, b_o=p.b_o)
    return _step_reference(x, h, c, swapped)


def _sequence_cases(rng):
    cases = []
    for _ in range(3):
        H, I = draw.sizes(rng)
        T = int(rng.integers(4, 9))
        cases.append((rng.normal(size=(T, I)), draw.params(rng, I, H)))
    return cases


def _sequence_reference(x, p):
    trace, _ = sequences.lstm_forward(x, p)
    return trace.h


def _sequence_reset(x, p):
    H = p.hidden_size
    zeros = np.zeros(H)
    return np.stack([cells.lstm_step(x_t, zeros, zeros, p).h for x_t in x])


def _sequence_keep_h_only(x, p):
    H = p.hidden_size
    h, out = np.zeros(H), []
    for x_t in x:
        h = cells.lstm_step(x_t, h, np.zeros(H), p).h
        out.append(h)
    return np.stack(out)


def _check_saturation(n: float):
    if n != round(n):
        return "le nombre de pas doit être un entier"
    n = int(n)
    # Référence : on fait tourner la mise à jour de lstm_lib avec f = i = o = 1 et ĉ = 0,5.
    one, c, steps = np.ones(1), np.zeros(1), 0
    while float(cells.hidden_output(one, c)[0]) <= 0.99:
        c = cells.update_memory(one, c, one, np.full(1, 0.5))
        steps += 1
    if n < steps:
        return "après ce nombre de pas, h_t n'a pas encore dépassé 0,99"
    if n > steps:
        return "à ce pas, h_t a bien dépassé 0,99, mais il l'a fait plus tôt : cherchez le premier pas"
    return None


_STEP_FORBIDDEN = ("lstm_step", "lstm_forward", "lstm_forward_explicit", "update_memory", "hidden_output")

EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="La mise à jour de la mémoire",
        points=2,
        target="update_memory",
        statement=(
            "Écrivez `update_memory(f, c_prev, i, c_hat)` :\n\n"
            "$$c_t = f_t \\odot c_{t-1} + i_t \\odot \\hat{c}_t$$\n\n"
            "où $\\odot$ est le produit terme à terme. Les quatre arguments sont des vecteurs de "
            "même forme $(H,)$ ; la fonction rend $c_t$."
        ),
        starter=(
            "def update_memory(f, c_prev, i, c_hat):\n"
            "    # Votre code ici : c_t = f ⊙ c_prev + i ⊙ c_hat\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def update_memory(f, c_prev, i, c_hat):\n"
            "    return f * c_prev + i * c_hat\n"
        ),
        hint="En numpy, a * b est déjà le produit terme à terme de deux vecteurs de même forme.",
        cases=_memory_cases,
        reference=lambda f, c, i, ch: cells.update_memory(f, c, i, ch),
        mistakes=[
            ("La porte d'entrée i semble oubliée : le candidat n'entre dans la mémoire qu'à travers i_t ⊙ ĉ_t.",
             lambda f, c, i, ch: f * c + ch),
            ("f et i semblent échangées : f_t multiplie l'ancienne mémoire, i_t le candidat.",
             lambda f, c, i, ch: i * c + f * ch),
            ("La porte d'oubli f semble oubliée : c'est elle qui dit quelle part de c_{t−1} est gardée.",
             lambda f, c, i, ch: c + i * ch),
        ],
        forbidden=_STEP_FORBIDDEN,
    ),
    FunctionExercise(
        key="ex2",
        title="La sortie",
        points=1,
        target="hidden_output",
        statement=(
            "Écrivez `hidden_output(o, c)` :\n\n$$h_t = o_t \\odot \\tanh(c_t)$$\n\n"
            "pour deux vecteurs de forme $(H,)$."
        ),
        starter=(
            "def hidden_output(o, c):\n"
            "    # Votre code ici : h_t = o ⊙ tanh(c)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def hidden_output(o, c):\n"
            "    return o * np.tanh(c)\n"
        ),
        hint="La mémoire passe par tanh avant d'être filtrée par la porte de sortie.",
        cases=_output_cases,
        reference=lambda o, c: cells.hidden_output(o, c),
        mistakes=[
            ("Le tanh semble oublié : la mémoire est écrasée dans ]−1, 1[ par tanh avant de sortir.",
             lambda o, c: o * c),
            ("Vous semblez appliquer la sigmoïde à la mémoire : c'est tanh.", lambda o, c: o * cells.sigmoid(c)),
        ],
        forbidden=_STEP_FORBIDDEN,
    ),
    FunctionExercise(
        key="ex3",
        title="Un pas complet",
        points=3,
        target="lstm_step",
        statement=(
            "Écrivez `lstm_step(x_t, h_prev, c_prev, params)` qui enchaîne les six étapes du "
            "résumé et rend le tuple `(h, c)` du nouvel état. `params` est un `lstm_lib.LSTMParams`. "
            "Vous pouvez utiliser les portes de `lstm_lib` (`lstm_lib.forget_gate`, "
            "`lstm_lib.input_gate`, `lstm_lib.candidate`, `lstm_lib.output_gate`) et vos fonctions "
            "`update_memory` et `hidden_output`, mais pas `lstm_lib.lstm_step`."
        ),
        starter=(
            "def lstm_step(x_t, h_prev, c_prev, params):\n"
            "    # Votre code ici : les six étapes, puis return h, c\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def lstm_step(x_t, h_prev, c_prev, params):\n"
            "    p = params\n"
            "    f = lstm_lib.forget_gate(h_prev, x_t, p.W_f, p.b_f)\n"
            "    i = lstm_lib.input_gate(h_prev, x_t, p.W_i, p.b_i)\n"
            "    c_hat = lstm_lib.candidate(h_prev, x_t, p.W_c, p.b_c)\n"
            "    c = f * c_prev + i * c_hat\n"
            "    o = lstm_lib.output_gate(h_prev, x_t, p.W_o, p.b_o)\n"
            "    h = o * np.tanh(c)\n"
            "    return h, c\n"
        ),
        hint="Attention à l'ordre des arguments des portes de lstm_lib : (h_prev, x_t, W, b). "
             "La sortie h_t utilise la nouvelle mémoire c_t.",
        cases=_step_cases,
        reference=_step_reference,
        parts=("h", "c"),
        mistakes=[
            ("h_t semble calculé avec l'ancienne mémoire c_{t−1} : il faut la nouvelle, c_t.",
             _step_h_from_c_prev),
            ("h et c semblent échangés : rendez (h, c), dans cet ordre.", _step_swapped_return),
            ("f et i semblent échangées : chaque porte a ses propres poids (W_f, b_f pour f…).",
             _step_swapped_gates),
        ],
        forbidden=("lstm_step", "lstm_forward", "lstm_forward_explicit"),
    ),
    FunctionExercise(
        key="ex4",
        title="Toute une séquence",
        points=2,
        target="run_lstm",
        statement=(
            "Écrivez `run_lstm(x, params)` : `x` est une séquence de forme $(T, I)$ ; en partant de "
            "$h_0 = c_0 = 0$, appliquez la cellule à chaque pas et rendez le tableau des états "
            "cachés $h_1, \\dots, h_T$, de forme $(T, H)$. Utilisez votre `lstm_step` "
            "(ou `lstm_lib.lstm_step`, qui rend un objet dont les champs `.h` et `.c` sont le "
            "nouvel état), mais pas `lstm_lib.lstm_forward`."
        ),
        starter=(
            "def run_lstm(x, params):\n"
            "    # Votre code ici : une boucle sur les pas de temps\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def run_lstm(x, params):\n"
            "    H = params.hidden_size\n"
            "    h, c = np.zeros(H), np.zeros(H)\n"
            "    outputs = []\n"
            "    for x_t in x:\n"
            "        record = lstm_lib.lstm_step(x_t, h, c, params)  # ou votre lstm_step\n"
            "        h, c = record.h, record.c\n"
            "        outputs.append(h)\n"
            "    return np.stack(outputs)\n"
        ),
        hint="L'état (h, c) rendu par un pas est l'état d'entrée du pas suivant : gardez-le d'un tour de boucle à l'autre.",
        cases=_sequence_cases,
        reference=_sequence_reference,
        mistakes=[
            ("L'état semble remis à zéro à chaque pas : (h, c) doit passer d'un pas au suivant.",
             _sequence_reset),
            ("La mémoire c semble remise à zéro à chaque pas : il faut transmettre h et c.",
             _sequence_keep_h_only),
        ],
        forbidden=("lstm_forward", "lstm_forward_explicit"),
    ),
    ValueExercise(
        key="ex5",
        title="Quand la sortie sature-t-elle ?",
        points=1,
        target="n_steps_saturation",
        statement=(
            "On garde tout ($f = 1$), on ajoute entièrement ($i = 1$) un candidat constant "
            "$\\hat{c} = 0{,}5$, et on montre tout ($o = 1$), en partant de $c_0 = 0$. Au bout de "
            "combien de pas la sortie $h_t = \\tanh(c_t)$ dépasse-t-elle 0,99 pour la première "
            "fois ? Servez-vous du widget, puis écrivez l'entier dans `n_steps_saturation`."
        ),
        starter="n_steps_saturation = ...  # un entier\n",
        solution=(
            "# c_t = 0,5·t et tanh(0,5·t) > 0,99 dès que 0,5·t > 2,65, soit t ≥ 6\n"
            "n_steps_saturation = 6\n"
        ),
        hint="Ici c_t = 0,5·t. Regardez quand tanh(c_t) passe au-dessus de 0,99.",
        helper="lstm_lib.saturation_explorer()\n",  # widget sans noyau (lstm_lib.widgets), vivant aussi sur le site
        check=_check_saturation,
    ),
    ChoiceExercise(
        key="ex6",
        title="Une mémoire qui ne se montre pas",
        points=1,
        target="answer_hidden_memory",
        statement=(
            "Peut-on avoir $h_t \\approx 0$ alors que $c_t$ est loin de 0 ?\n\n"
            "- **a** : non, $h_t$ est toujours égal à la mémoire $c_t$ ;\n"
            "- **b** : oui, si la porte de sortie $o_t \\approx 0$ : la mémoire est gardée sans être montrée ;\n"
            "- **c** : oui, si la porte d'oubli $f_t \\approx 0$.\n\n"
            "Écrivez la lettre choisie dans `answer_hidden_memory`."
        ),
        starter="answer_hidden_memory = None  # \"a\", \"b\" ou \"c\"\n",
        solution="answer_hidden_memory = \"b\"  # h_t = o_t ⊙ tanh(c_t) : o_t ≈ 0 cache la mémoire\n",
        hint="Écrivez h_t en fonction de o_t et c_t.",
        choices={"a": "", "b": "", "c": ""},
        answer="b",
        feedback={
            "c": "Avec f_t ≈ 0, c'est la mémoire elle-même qui s'efface : elle ne reste pas loin de 0 "
                 "(sauf par l'ajout i_t ⊙ ĉ_t, qui se verrait alors dans h_t).",
        },
    ),
]
