"""Exercices du chapitre 4 : l'intuition d'ingénieur, un filtre adaptatif.

Source unique du cahier ``exercises/ex04_filtre_adaptatif.ipynb`` et de sa ligne dans
``exercises/index.md``, générés par ``python tools/make_exercises.py`` (format :
:mod:`lstm_lib.grading.registry`).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import cells, filters
from lstm_lib.grading import draw
from lstm_lib.grading.core import ChoiceExercise, FunctionExercise, ValueExercise
from lstm_lib.style import format_fr

NOTEBOOK = "ex04_filtre_adaptatif"
CHAPTER = "4. Un filtre adaptatif"
TITLE = "Exercices du chapitre 4 : un filtre adaptatif"
INTRO = (
    "Ces exercices accompagnent le chapitre 4. Vous y écrivez une moyenne mobile exponentielle, "
    "la demi-vie d'une mémoire, puis un filtre dont les portes changent à chaque pas."
)


def _ema_cases(rng):
    return [(rng.normal(size=int(rng.integers(10, 25))), float(rng.uniform(0.05, 0.9)),
             float(rng.normal())) for _ in range(3)]


def _ema_swapped(x, alpha, y0):
    return filters.ema(x, 1.0 - alpha, y0)


def _ema_shifted(x, alpha, y0):
    y, prev = np.empty_like(x), y0
    for t in range(len(x)):
        y[t] = prev
        prev = (1 - alpha) * prev + alpha * x[t]
    return y


def _ema_no_y0(x, alpha, y0):
    return filters.ema(x, alpha, 0.0)


def _half_life_cases(rng):
    return [(float(rng.uniform(0.3, 0.99)),) for _ in range(3)]


def _adaptive_cases(rng):
    cases = []
    for _ in range(3):
        T = int(rng.integers(10, 20))
        cases.append((rng.normal(size=T), draw.unit(rng, T), draw.unit(rng, T), float(rng.normal())))
    return cases


def _adaptive_reference(x, f, i, c0):
    c, out = np.array([c0]), []
    for t in range(len(x)):
        c = cells.update_memory(f[t:t + 1], c, i[t:t + 1], x[t:t + 1])
        out.append(c[0])
    return np.array(out)


def _check_f_half(f: float):
    if not 0.0 < f < 1.0:
        return "une porte d'oubli est strictement entre 0 et 1"
    steps = filters.half_life(f)
    if abs(steps - 10.0) <= 0.05:
        return None
    return f"avec ce f, la mémoire est divisée par deux en {format_fr(steps, 2)} pas, et non en 10"


EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="La moyenne mobile exponentielle",
        points=2,
        target="ema",
        statement=(
            "Écrivez `ema(x, alpha, y0=0.0)`, la moyenne mobile exponentielle d'un signal `x` de "
            "forme $(T,)$ :\n\n$$y_t = (1 - \\alpha)\\, y_{t-1} + \\alpha\\, x_t$$\n\n"
            "en partant de $y_{-1}$ = `y0`. La fonction rend `y` de forme $(T,)$, où `y[t]` est la "
            "moyenne **après** avoir lu `x[t]`."
        ),
        starter=(
            "def ema(x, alpha, y0=0.0):\n"
            "    # Votre code ici : une boucle sur t\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def ema(x, alpha, y0=0.0):\n"
            "    y = np.empty(len(x))\n"
            "    previous = y0\n"
            "    for t in range(len(x)):\n"
            "        previous = (1 - alpha) * previous + alpha * x[t]\n"
            "        y[t] = previous\n"
            "    return y\n"
        ),
        hint="Gardez la moyenne courante dans une variable ; à chaque pas, mettez-la à jour puis rangez-la dans y[t].",
        cases=_ema_cases,
        reference=lambda x, a, y0: filters.ema(x, a, y0),
        mistakes=[
            ("α et 1 − α semblent échangés : α est le poids de la nouvelle entrée x_t.", _ema_swapped),
            ("Décalage d'un pas : y[t] doit être la moyenne après avoir lu x[t], pas avant.", _ema_shifted),
            ("La valeur de départ y0 semble ignorée.", _ema_no_y0),
        ],
        forbidden=("ema", "constant_gate_memory"),
    ),
    FunctionExercise(
        key="ex2",
        title="La demi-vie d'une mémoire",
        points=1,
        target="half_life",
        statement=(
            "Sans rien ajouter ($i = 0$) et avec une porte d'oubli constante $f$, la mémoire devient "
            "$c_k = f^k c_0$. Écrivez `half_life(f)`, le nombre de pas (pas forcément entier) au bout "
            "duquel la mémoire est divisée par deux, pour $0 < f < 1$."
        ),
        starter=(
            "def half_life(f):\n"
            "    # Votre code ici : résoudre f^k = 0,5\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def half_life(f):\n"
            "    return np.log(0.5) / np.log(f)\n"
        ),
        hint="Prenez le logarithme des deux côtés de f^k = 0,5.",
        cases=_half_life_cases,
        reference=lambda f: filters.half_life(f),
        mistakes=[
            ("Le rapport semble inversé : k = ln 0,5 / ln f.", lambda f: np.log(f) / np.log(0.5)),
            ("1 / (1 − f) est la constante de temps, pas la demi-vie.", lambda f: 1 / (1 - f)),
        ],
        forbidden=("half_life",),
    ),
    ValueExercise(
        key="ex3",
        title="Garder la moitié de la mémoire après 10 pas",
        points=2,
        target="f_half_10",
        statement=(
            "Trouvez la porte d'oubli constante $f$ qui garde **la moitié** de la mémoire après "
            "10 pas. Cherchez-la avec le widget, puis écrivez-la dans `f_half_10` (la demi-vie "
            "correspondante doit valoir 10 pas à 0,05 pas près)."
        ),
        starter="f_half_10 = ...  # un nombre entre 0 et 1\n",
        solution=(
            "# f^10 = 0,5  ⇔  f = 0,5^(1/10) ≈ 0,933\n"
            "f_half_10 = 0.5 ** (1 / 10)\n"
        ),
        hint="Il faut f^10 = 0,5 : prenez la racine dixième de 0,5.",
        helper="lstm_lib.half_life_explorer()\n",  # widget sans noyau (lstm_lib.widgets), vivant aussi sur le site
        check=_check_f_half,
    ),
    FunctionExercise(
        key="ex4",
        title="Un filtre adaptatif",
        points=2,
        target="adaptive_filter",
        statement=(
            "Quand les portes changent à chaque pas, le filtre devient adaptatif. Écrivez "
            "`adaptive_filter(x, f, i, c0=0.0)` : `x`, `f` et `i` sont de forme $(T,)$ (les portes "
            "`f[t]` et `i[t]` du pas `t`), et la fonction rend `c` de forme $(T,)$ avec\n\n"
            "$$c_t = f_t\\, c_{t-1} + i_t\\, x_t$$\n\nen partant de $c_{-1}$ = `c0`."
        ),
        starter=(
            "def adaptive_filter(x, f, i, c0=0.0):\n"
            "    # Votre code ici : la mise à jour de la mémoire, avec des portes qui varient\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def adaptive_filter(x, f, i, c0=0.0):\n"
            "    c = np.empty(len(x))\n"
            "    previous = c0\n"
            "    for t in range(len(x)):\n"
            "        previous = f[t] * previous + i[t] * x[t]\n"
            "        c[t] = previous\n"
            "    return c\n"
        ),
        hint="C'est la boucle de la moyenne mobile, où (1 − α) devient f[t] et α devient i[t].",
        cases=_adaptive_cases,
        reference=_adaptive_reference,
        mistakes=[
            ("f et i semblent échangées : f[t] multiplie la mémoire, i[t] l'entrée.",
             lambda x, f, i, c0: _adaptive_reference(x, i, f, c0)),
            ("Les portes semblent constantes : utilisez f[t] et i[t] du pas courant.",
             lambda x, f, i, c0: _adaptive_reference(x, np.full_like(f, f[0]), np.full_like(i, i[0]), c0)),
            ("La valeur de départ c0 semble ignorée.", lambda x, f, i, c0: _adaptive_reference(x, f, i, 0.0)),
        ],
        forbidden=("constant_gate_memory", "ema"),
    ),
    ChoiceExercise(
        key="ex5",
        title="Quel filtre ?",
        points=1,
        target="answer_filter",
        statement=(
            "Avec une porte d'oubli constante $f$ et $i = 1 - f$, qu'est-ce que la mise à jour "
            "$c_t = f\\, c_{t-1} + (1 - f)\\, x_t$ ? Écrivez la lettre choisie dans `answer_filter`."
        ),
        starter="answer_filter = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_filter = ex5.lettre(\"exponentielle\")  # α = 1 − f : une moyenne mobile exponentielle\n",
        hint="Comparez avec y_t = (1 − α) y_{t−1} + α x_t, en posant α = 1 − f.",
        choices={
            "ema": "une moyenne mobile exponentielle, c'est-à-dire un filtre passe-bas",
            "passe_haut": "un filtre passe-haut, qui ne garde que les variations les plus rapides",
            "derivee": "un dérivateur, qui rend la variation de l'entrée d'un pas à l'autre",
            "fenetre": "une moyenne sur une fenêtre glissante de longueur fixe, tous poids égaux",
        },
        answer="ema",
        feedback={
            "passe_haut": "c_t suit les variations lentes de x_t et lisse les rapides : c'est l'inverse d'un "
                          "passe-haut.",
            "derivee": "Un dérivateur calcule une différence x_t − x_{t−1} ; ici, on fait une moyenne pondérée.",
            "fenetre": "Les poids f^k décroissent sans jamais s'annuler : la fenêtre n'a pas de longueur fixe.",
        },
    ),
    ChoiceExercise(
        key="ex6",
        title="Retenir la bosse, oublier le pic",
        points=1,
        target="answer_adaptive",
        statement=(
            "Sur le radar, on veut qu'une cellule **retienne** une bosse (un écho qui dure) mais "
            "**oublie vite** un pic isolé de même hauteur. De quoi a-t-on besoin ? "
            "Écrivez la lettre choisie dans `answer_adaptive`."
        ),
        starter="answer_adaptive = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_adaptive = ex6.lettre(\"contexte\")  # un filtre fixe traite le pic et la bosse pareil\n",
        hint="Un filtre à porte constante réagit-il différemment à un pic et au début d'une bosse ?",
        choices={
            "adaptatif": "de portes qui dépendent de l'entrée et du contexte : un filtre adaptatif",
            "f_un": "d'une porte d'oubli constante, proche de 1, qui garde longtemps tout écho",
            "f_zero": "d'une porte d'oubli constante, proche de 0, qui oublie très vite tout écho",
            "sans_entree": "de supprimer la porte d'entrée, pour que chaque écho entre en entier",
        },
        answer="adaptatif",
        feedback={
            "f_un": "Avec f constant proche de 1, le pic serait retenu aussi longtemps que la bosse.",
            "f_zero": "Avec f constant proche de 0, la bosse serait oubliée aussi vite que le pic.",
            "sans_entree": "Sans porte d'entrée, le pic entrerait en entier lui aussi : rien ne distinguerait "
                           "encore le pic de la bosse.",
        },
    ),
]
