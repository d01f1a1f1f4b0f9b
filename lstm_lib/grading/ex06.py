"""Exercices du chapitre 6 : la bidirectionnalité.

Source unique du cahier ``exercises/ex06_bidirectionnalite.ipynb`` et de sa ligne dans
``exercises/index.md``, générés par ``python tools/make_exercises.py`` (format :
:mod:`lstm_lib.grading.registry`).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import sequences
from lstm_lib.grading import draw
from lstm_lib.grading.core import ChoiceExercise, FunctionExercise

NOTEBOOK = "ex06_bidirectionnalite"
CHAPTER = "6. La bidirectionnalité"
TITLE = "Exercices du chapitre 6 : la bidirectionnalité"
INTRO = (
    "Ces exercices accompagnent le chapitre 6. Vous y écrivez une lecture bidirectionnelle, "
    "vous retrouvez les états finaux des deux sens, vous résumez une séquence par un pooling "
    "masqué et vous décidez quand un LSTM bidirectionnel est permis."
)


def _bidir_cases(rng):
    cases = []
    for _ in range(2):
        H, I = draw.sizes(rng)
        T = int(rng.integers(4, 9))
        cases.append((rng.normal(size=(T, I)), draw.params(rng, I, H), draw.params(rng, I, H)))
    return cases


def _forward_h(x, p):
    return sequences.lstm_forward(x, p)[0].h


def _bidir_reference(x, p_fwd, p_bwd):
    return np.concatenate([_forward_h(x, p_fwd), _forward_h(x[::-1], p_bwd)[::-1]], axis=1)


def _final_cases(rng):
    cases = []
    for _ in range(3):
        H, T = int(rng.integers(2, 6)), int(rng.integers(4, 9))
        cases.append((rng.normal(size=(T, 2 * H)), H))
    return cases


def _pool_cases(rng):
    cases = []
    for _ in range(3):
        B, T, D = int(rng.integers(3, 6)), int(rng.integers(5, 9)), int(rng.integers(2, 5))
        lengths = rng.integers(1, T, size=B)
        mask = np.arange(T)[None, :] < lengths[:, None]
        h = rng.normal(size=(B, T, D)) * mask[..., None]
        cases.append((h, mask))
    return cases


EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="Une lecture bidirectionnelle",
        points=3,
        minutes=10,
        level="appliquer",
        target="bidirectional_read",
        statement=(
            "Écrivez `bidirectional_read(x, params_fwd, params_bwd)` : `x` est une séquence de "
            "forme $(T, I)$. Un LSTM « avant » (`params_fwd`) la lit de $t = 0$ à $t = T - 1$, un "
            "LSTM « arrière » (`params_bwd`) la lit de $t = T - 1$ à $t = 0$. La fonction rend un "
            "tableau de forme $(T, 2H)$ dont la ligne `t` est $[h^{\\rightarrow}_t, h^{\\leftarrow}_t]$ : "
            "la sortie du sens avant au pas `t`, puis celle du sens arrière **au même pas `t`** "
            "(comme `output` d'un `nn.LSTM(bidirectional=True)`). Utilisez `lstm_lib.lstm_forward(x, params)`, "
            "qui rend `(trace, (h_T, c_T))` ; `trace.h` est de forme $(T, H)$."
        ),
        starter=(
            "def bidirectional_read(x, params_fwd, params_bwd):\n"
            "    # Votre code ici\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def bidirectional_read(x, params_fwd, params_bwd):\n"
            "    h_fwd = lstm_lib.lstm_forward(x, params_fwd)[0].h\n"
            "    h_bwd = lstm_lib.lstm_forward(x[::-1], params_bwd)[0].h[::-1]\n"
            "    return np.concatenate([h_fwd, h_bwd], axis=1)\n"
        ),
        hint="Le sens arrière lit x[::-1] ; ses sorties sortent donc à l'envers : retournez-les pour "
             "les aligner sur le temps avant de concaténer.",
        cases=_bidir_cases,
        reference=_bidir_reference,
        mistakes=[
            ("Les sorties du sens arrière ne sont pas remises dans l'ordre du temps : retournez-les après la lecture.",
             lambda x, pf, pb: np.concatenate([_forward_h(x, pf), _forward_h(x[::-1], pb)], axis=1)),
            ("Le sens arrière doit lire la séquence à l'envers, x[::-1].",
             lambda x, pf, pb: np.concatenate([_forward_h(x, pf), _forward_h(x, pb)], axis=1)),
            ("Les deux moitiés semblent échangées : d'abord le sens avant, puis le sens arrière.",
             lambda x, pf, pb: np.concatenate([_forward_h(x[::-1], pb)[::-1], _forward_h(x, pf)], axis=1)),
        ],
    ),
    FunctionExercise(
        key="ex2",
        title="Les états finaux des deux sens",
        points=2,
        minutes=10,
        level="appliquer",
        target="final_states",
        statement=(
            "`output` est la sortie $(T, 2H)$ d'une lecture bidirectionnelle (comme à l'exercice "
            "précédent). Écrivez `final_states(output, H)` qui rend le tuple `(h_fwd, h_bwd)` des "
            "états finaux de chaque sens, chacun de forme $(H,)$ : l'état du sens avant après "
            "avoir tout lu, et celui du sens arrière après avoir tout lu."
        ),
        starter=(
            "def final_states(output, H):\n"
            "    # Votre code ici\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def final_states(output, H):\n"
            "    h_fwd = output[-1, :H]  # le sens avant finit au dernier pas\n"
            "    h_bwd = output[0, H:]   # le sens arrière finit au premier pas\n"
            "    return h_fwd, h_bwd\n"
        ),
        hint="Où le sens arrière termine-t-il sa lecture ?",
        cases=_final_cases,
        reference=lambda output, H: (output[-1, :H], output[0, H:]),
        parts=("h_fwd", "h_bwd"),
        mistakes=[
            ("L'état final du sens arrière n'est pas au dernier pas : il finit sa lecture au premier pas, t = 0.",
             lambda output, H: (output[-1, :H], output[-1, H:])),
            ("Les deux états semblent échangés : rendez (h_fwd, h_bwd).",
             lambda output, H: (output[0, H:], output[-1, :H])),
        ],
    ),
    FunctionExercise(
        key="ex3",
        title="Un pooling masqué",
        points=2,
        minutes=10,
        level="appliquer",
        target="masked_mean_pool",
        statement=(
            "Pour classer une séquence entière, on résume les sorties de tous les pas par leur "
            "moyenne (un pooling). Avec du remplissage, seuls les pas valides comptent. Écrivez "
            "`masked_mean_pool(h, mask)` : `h` est de forme $(B, T, D)$, `mask` est un tableau de "
            "booléens $(B, T)$ (True sur les pas valides, chaque séquence en a au moins un) ; la "
            "fonction rend la moyenne des pas valides, de forme $(B, D)$."
        ),
        starter=(
            "def masked_mean_pool(h, mask):\n"
            "    # Votre code ici\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def masked_mean_pool(h, mask):\n"
            "    weights = mask[..., None].astype(h.dtype)           # (B, T, 1)\n"
            "    total = (h * weights).sum(axis=1)                    # (B, D)\n"
            "    return total / weights.sum(axis=1)                   # divisé par le nombre de pas valides\n"
        ),
        hint="Sommez h sur les pas valides (multipliez par le masque), puis divisez par le nombre de pas valides de chaque séquence.",
        cases=_pool_cases,
        reference=lambda h, mask: (h * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True),
        mistakes=[
            ("La moyenne compte les pas de remplissage : divisez par le nombre de pas valides, pas par T.",
             lambda h, mask: (h * mask[..., None]).mean(axis=1)),
            ("Vous semblez prendre le maximum : l'exercice demande la moyenne.",
             lambda h, mask: np.where(mask[..., None], h, -np.inf).max(axis=1)),
        ],
    ),
    ChoiceExercise(
        key="ex4",
        title="Bidirectionnel : permis ou non ?",
        points=2,
        minutes=15,
        level="évaluer",
        target="bidirectional_allowed",
        statement=(
            "Pour chaque cas, un LSTM bidirectionnel est-il permis (`True`) ou interdit (`False`) ?\n\n"
            "- **a** : classer après coup des enregistrements radar complets (bruit, bosse ou pic) ;\n"
            "- **b** : déclencher une alerte radar à chaque pas, en temps réel, dès qu'une cible apparaît ;\n"
            "- **c** : prédire en ligne le cours de bourse de la minute suivante ;\n"
            "- **d** : analyser le sentiment global d'une critique de film déjà écrite.\n\n"
            "Remplissez le dictionnaire `bidirectional_allowed`."
        ),
        starter=(
            "bidirectional_allowed = {\n"
            "    \"a\": None,  # True ou False\n"
            "    \"b\": None,\n"
            "    \"c\": None,\n"
            "    \"d\": None,\n"
            "}\n"
        ),
        solution=(
            "bidirectional_allowed = {\n"
            "    \"a\": True,   # toute la séquence est disponible\n"
            "    \"b\": False,  # temps réel : le futur n'existe pas encore\n"
            "    \"c\": False,  # utiliser le futur serait une fuite d'information\n"
            "    \"d\": True,   # le texte entier est connu\n"
            "}\n"
        ),
        hint="La question à se poser : au moment de décider, la suite de la séquence est-elle déjà connue ?",
        questions={"a": "", "b": "", "c": "", "d": ""},
        answers={"a": True, "b": False, "c": False, "d": True},
    ),
    ChoiceExercise(
        key="ex5",
        title="Il a glissé sur une peau de banane",
        points=1,
        minutes=5,
        level="comprendre",
        target="answer_banana",
        statement=(
            "Dans la phrase « Il a glissé sur une peau de banane », au moment de lire « glissé », "
            "quel LSTM a déjà vu « peau de banane » ? Écrivez la lettre choisie dans `answer_banana`."
        ),
        starter="answer_banana = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_banana = ex5.lettre(\"arrière\")  # il lit la phrase de la fin vers le début\n",
        hint="Dans quel ordre chacun des deux LSTM lit-il la phrase ?",
        choices={
            "arriere": "le LSTM arrière seul, qui lit la phrase de la fin au début",
            "avant": "le LSTM avant seul, qui lit la phrase du début vers la fin",
            "les_deux": "les deux : chacun voit toute la phrase avant de rendre un état",
            "aucun": "aucun des deux : ces mots ne viennent qu'après « glissé »",
        },
        answer="arriere",
        feedback={
            "avant": "Le LSTM avant lit de gauche à droite : « peau de banane » vient après « glissé ».",
            "les_deux": "Chaque LSTM rend un état à chaque pas, avec ce qu'il a lu jusque-là : l'avant n'a lu "
                        "que le début de la phrase.",
            "aucun": "Le LSTM arrière part de la fin : quand il arrive à « glissé », il a déjà lu la suite.",
        },
    ),
]
