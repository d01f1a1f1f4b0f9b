"""Exercices du chapitre 4 : l'intuition d'ingénieur, un filtre adaptatif.

Source unique du cahier ``exercises/ex04_filtre_adaptatif.ipynb`` et de sa ligne dans
``exercises/index.md``, générés par ``python tools/make_exercises.py`` (format :
:mod:`lstm_lib.grading.registry`).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import cells, filters
from lstm_lib.data import radar_sequences
from lstm_lib.grading import draw
from lstm_lib.grading.core import ChoiceExercise, FunctionExercise, ValueExercise, as_array, describe
from lstm_lib.grading.secret import SecretCase, secret_of
from lstm_lib.style import format_fr

NOTEBOOK = "ex04_filtre_adaptatif"
CHAPTER = "4. Un filtre adaptatif"
TITLE = "Exercices du chapitre 4 : un filtre adaptatif"
INTRO = (
    "Ces exercices accompagnent le chapitre 4. Vous y écrivez une moyenne mobile exponentielle, "
    "la demi-vie d'une mémoire, puis un filtre dont les portes changent à chaque pas ; vous "
    "reconnaissez ensuite, à ses seules entrées et sorties, un filtre fixe d'un filtre adaptatif, "
    "et vous dessinez à la main un détecteur qui bat le meilleur filtre fixe sur des séquences radar neuves."
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



# --------------------------------------------------------------------------
# ex7 — Fixe ou adaptatif ? Reconnaître un filtre à ses entrées et sorties
# --------------------------------------------------------------------------

def _run_filter(x, f, i):
    """y_t = f_t y_{t−1} + i_t x_t, parti de y_{−1} = 0 (portes constantes ou un tableau par pas)."""
    f, i = np.broadcast_to(f, x.shape), np.broadcast_to(i, x.shape)
    y, previous = np.empty_like(x), 0.0
    for t in range(len(x)):
        previous = f[t] * previous + i[t] * x[t]
        y[t] = previous
    return y


def _fixed_fit_residual(x, y):
    """Le plus grand écart relatif entre y et le meilleur filtre fixe (moindres carrés)."""
    design = np.stack([np.concatenate([[0.0], y[:-1]]), x], axis=1)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return np.abs(design @ coef - y).max() / max(1.0, np.abs(y).max())


def _adaptive_gates(rng, kind, x):
    if kind == "random":  # des portes tirées au hasard à chaque pas
        return rng.uniform(0.05, 0.95, x.shape), rng.uniform(0.05, 0.95, x.shape)
    if kind == "ema":  # une moyenne mobile dont le α dépend de l'entrée : i = 1 − f, mais f change
        f = 1.0 / (1.0 + np.exp(-2.0 * x))
        return f, 1.0 - f
    # « peak » : le détecteur de crête, m_t = max(m_{t−1}, x_t), des portes qui valent 0 ou 1
    f, i, previous = np.empty_like(x), np.empty_like(x), 0.0
    for t in range(len(x)):
        write = x[t] > previous
        f[t], i[t] = (0.0, 1.0) if write else (1.0, 0.0)
        previous = max(previous, x[t])
    return f, i


def _filter_cases(rng):
    """Trois filtres fixes (i ≠ 1 − f) et deux adaptatifs, dans un ordre tiré au hasard."""
    kinds = ["fixe", "fixe", "fixe"] + list(rng.choice(["random", "ema", "peak"], size=2, replace=False))
    cases = []
    for kind in rng.permutation(kinds):
        T = int(rng.integers(12, 26))
        while True:
            x = rng.normal(size=T)
            if kind == "fixe":
                f = float(rng.uniform(0.05, 0.97))
                i = float(rng.uniform(0.05, 1.0))
                if abs(i - (1.0 - f)) < 0.1:  # pour reconnaître l'erreur « i = 1 − f »
                    continue
                cases.append(SecretCase((x, _run_filter(x, f, i)), secret=("fixe", f, i)))
                break
            y = _run_filter(x, *_adaptive_gates(rng, str(kind), x))
            if _fixed_fit_residual(x, y) > 1e-3:  # aucun filtre fixe ne l'imite, même de loin
                cases.append(SecretCase((x, y), secret=("adaptatif", None, None)))
                break
    return cases


def _check_identify(args, got):
    kind, f, i = secret_of(args)
    if kind == "adaptatif":
        if got is None:
            return None
        return ("ce filtre-là n'est pas fixe : ses portes changent d'un pas à l'autre, et aucun couple "
                "(f, i) ne reproduit tous ses pas ; votre fonction devait rendre None. Un ajustement "
                "trouve toujours un couple : regardez ce qu'il laisse d'écart")
    if got is None:
        return ("ce filtre est fixe : un même couple (f, i) reproduit chacun de ses pas, "
                "et votre fonction a rendu None")
    pair = as_array(got)
    if pair is None or pair.shape != (2,) or pair.dtype.kind not in "iuf":
        return f"pour un filtre fixe, rendez le couple (f, i) : deux nombres ; reçu {describe(got)}"
    close = lambda a, b: bool(np.allclose(a, b, rtol=1e-6, atol=1e-8))  # noqa: E731
    if close(pair, (f, i)):
        return None
    if close(pair, (i, f)):
        return "f et i semblent échangées : rendez le couple (f, i), dans cet ordre"
    if close(pair[0], f) and close(pair[1], 1.0 - f):
        return ("f est juste, mais i n'est pas forcément 1 − f : ce filtre fixe n'est pas une moyenne "
                "mobile ; estimez i comme f, à partir des données")
    return "le couple (f, i) rendu ne reproduit pas la sortie y de ce filtre fixe"


# --------------------------------------------------------------------------
# ex8 — Un détecteur fait main, mesuré contre le meilleur filtre fixe
# --------------------------------------------------------------------------

#: Le radar de l'exercice : des bosses de 2 à 6 pas seulement, plus de bruit qu'au chapitre.
DETECTOR_DATA = {"T": 60, "bump_length": (2, 6), "noise_std": 0.35}
DETECTOR_TARGET = 0.98
_ALPHAS = np.geomspace(1e-3, 1.0, 31)


def _best_threshold(scores, is_bump):
    """Le seuil (parmi 201 quantiles des scores) qui classe le mieux « bosse » / « pas de bosse »."""
    candidates = np.quantile(scores, np.linspace(0, 1, 201))
    accuracies = [np.mean((scores >= s) == is_bump) for s in candidates]
    return candidates[int(np.argmax(accuracies))]


def _test_accuracy(scores, is_bump, train):
    """Seuil choisi sur l'entraînement, exactitude mesurée sur le test (jamais l'inverse)."""
    threshold = _best_threshold(scores[train], is_bump[train])
    return float(np.mean((scores[~train] >= threshold) == is_bump[~train]))


def _final_ema(amplitude, alpha):
    return filters.ema(amplitude.T, alpha=alpha)[-1]


def _peak_hold(amplitude, alpha=0.25):
    return np.maximum.accumulate(filters.ema(amplitude.T, alpha=alpha), axis=0)[-1]


def _confirmed_peak(amplitude):
    # m_t = max(m_{t−1}, min(x_{t−1}, x_t)) : n'écrire qu'un écho haut deux pas de suite.
    return np.minimum(amplitude[:, 1:], amplitude[:, :-1]).max(axis=1)


def _detector_cases(rng, n=3000):
    """3 000 séquences pour choisir le seuil et 3 000 pour le mesurer, mélangées (le juge sait lesquelles).

    Sur 3 000 séquences de test, l'exactitude mesurée varie de 0,3 point environ (écart type) : le seuil
    de 98 % sépare sans loterie le détecteur de crête du chapitre (95,5 à 97,0 % sur 12 tirages) de la
    solution de référence (99,2 à 99,8 %).
    """
    seeds = rng.integers(2**31, size=2)
    train = radar_sequences(n, seed=int(seeds[0]), **DETECTOR_DATA)
    test = radar_sequences(n, seed=int(seeds[1]), **DETECTOR_DATA)
    amplitude = np.concatenate([train.x[:, :, 0], test.x[:, :, 0]]).astype(np.float64)
    is_bump = np.concatenate([train.labels, test.labels]) == 1
    is_train = np.arange(2 * n) < n
    order = rng.permutation(2 * n)
    return [SecretCase((amplitude[order],), secret=(is_bump[order], is_train[order]))]


def _ranks(values):
    return np.argsort(np.argsort(values, kind="stable"), kind="stable").astype(float)


def _same_ordering(a, b) -> bool:
    """Deux scores rangent-ils les séquences dans le même ordre (corrélation des rangs ≥ 0,999) ?"""
    ra, rb = _ranks(a), _ranks(b)
    return bool(np.std(ra) > 0 and np.std(rb) > 0 and np.corrcoef(ra, rb)[0, 1] >= 0.999)


def _percent(value):
    return format_fr(100 * value, 1) + "\u00a0%"


def _check_detector(args, got):
    (amplitude,) = args
    is_bump, train = secret_of(args)
    scores = as_array(got)
    n = amplitude.shape[0]
    if scores is None or scores.shape != (n,):
        shape = f"de forme {scores.shape}" if scores is not None else describe(got)
        return f"bump_score doit rendre un score par séquence, un tableau de forme ({n},) ; reçu {shape}"
    scores = scores.astype(np.float64)
    if not np.all(np.isfinite(scores)):
        return "les scores contiennent des NaN ou des infinis"
    accuracy = _test_accuracy(scores, is_bump, train)
    if accuracy >= DETECTOR_TARGET:
        return None
    best_fixed = max(_test_accuracy(_final_ema(amplitude, a), is_bump, train) for a in _ALPHAS)
    measured = (f"sur des séquences neuves, votre détecteur classe bien {_percent(accuracy)} des séquences "
                f"(le meilleur filtre fixe : {_percent(best_fixed)}) ; il faut au moins {_percent(DETECTOR_TARGET)}")
    if _test_accuracy(-scores, is_bump, train) >= DETECTOR_TARGET:
        return f"{measured}. Votre score semble inversé : il doit être plus grand pour une bosse"
    if any(_same_ordering(scores, _final_ema(amplitude, a)) for a in _ALPHAS) \
            or _same_ordering(scores, amplitude.sum(axis=1)):
        return (f"{measured}. C'est un filtre fixe (une moyenne mobile, ou un total) lu au dernier pas : "
                f"quel que soit α, il traite un pic comme le début d'une bosse, puis oublie l'un et "
                f"l'autre au même rythme")
    if _same_ordering(scores, amplitude.max(axis=1)):
        return (f"{measured}. Le maximum de l'amplitude ne distingue pas un pic d'une bosse : "
                f"ils ont la même hauteur, seule la durée les sépare")
    if any(_same_ordering(scores, _peak_hold(amplitude, a)) for a in (0.2, 0.25, 0.3, 0.4, 0.5)):
        return (f"{measured}. C'est le détecteur de crête du chapitre : avec des bosses de 2 pas seulement, "
                f"la moyenne mobile d'une bosse courte monte à peine plus haut que celle d'un pic, "
                f"et le bruit s'en mêle")
    return measured

EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="La moyenne mobile exponentielle",
        points=2,
        minutes=15,
        level="appliquer",
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
        hint=[
            "La moyenne courante est une mémoire : à chaque pas, elle garde une part (1 − α) d'elle-même "
            "et prend une part α de la nouvelle entrée.",
            "Partez de y_{−1} = y0 ; pour t = 0, …, T − 1, y_t = (1 − α) y_{t−1} + α x_t, et y[t] est "
            "la valeur obtenue après avoir lu x[t].",
        ],
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
        minutes=5,
        level="appliquer",
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
        hint=[
            "Sans ajout, la mémoire est multipliée par f à chaque pas : après k pas, il en reste la part f^k.",
            "Cherchez le k (pas forcément entier) tel que f^k = 0,5 : prenez le logarithme des deux côtés.",
        ],
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
        minutes=5,
        level="appliquer",
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
        hint=[
            "Sans ajout, la mémoire est multipliée par f à chaque pas : après 10 pas, il en reste la part f^10.",
            "Il faut f^10 = 0,5 ; le widget affiche la demi-vie de chaque f, qui doit valoir 10 pas.",
        ],
        helper="lstm_lib.half_life_explorer()\n",  # widget sans noyau (lstm_lib.widgets), vivant aussi sur le site
        check=_check_f_half,
    ),
    FunctionExercise(
        key="ex4",
        title="Un filtre adaptatif",
        points=2,
        minutes=15,
        level="appliquer",
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
        hint=[
            "C'est la moyenne mobile de l'exercice 1, mais avec des coefficients qui changent à chaque pas.",
            "À chaque pas t : c_t = f[t] · c_{t−1} + i[t] · x[t], en partant de c_{−1} = c0 ; "
            "(1 − α) est devenu f[t] et α est devenu i[t].",
        ],
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
        title="Quel filtre ?",
        points=1,
        minutes=5,
        level="comprendre",
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
        minutes=5,
        level="comprendre",
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
    FunctionExercise(
        key="ex7",
        title="Fixe ou adaptatif ? Reconnaître un filtre à ses sorties",
        points=2,
        minutes=20,
        level="analyser",
        target="identify_filter",
        statement=(
            "Un filtre inconnu calcule $y_t = f_t\\, y_{t-1} + i_t\\, x_t$ en partant de $y_{-1} = 0$. "
            "On ne voit que son entrée `x` et sa sortie `y`, deux tableaux de forme $(T,)$. Écrivez "
            "`identify_filter(x, y)` :\n\n"
            "- si le filtre est **fixe** ($f_t = f$ et $i_t = i$ à tous les pas), elle rend le couple "
            "`(f, i)` ;\n"
            "- si ses portes changent d'un pas à l'autre (un filtre **adaptatif**), elle rend `None`.\n\n"
            "Rien n'impose $i = 1 - f$. Le correcteur essaie votre fonction sur des filtres fixes et "
            "adaptatifs tirés au moment de la correction ; les sorties sont calculées en `float64`, "
            "et un filtre fixe y est reproduit à $10^{-9}$ près (en relatif)."
        ),
        starter=(
            "def identify_filter(x, y):\n"
            "    # Votre code ici\u00a0: (f, i) pour un filtre fixe, None pour un filtre adaptatif\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def identify_filter(x, y):\n"
            "    # Une équation par pas, linéaire en (f, i) : y_t = f·y_{t−1} + i·x_t, avec y_{−1} = 0.\n"
            "    y_prev = np.concatenate([[0.0], y[:-1]])\n"
            "    design = np.stack([y_prev, x], axis=1)\n"
            "    (f, i), *_ = np.linalg.lstsq(design, y, rcond=None)\n"
            "    # Un filtre fixe satisfait toutes les équations ; sinon, il reste un écart.\n"
            "    gap = np.abs(design @ np.array([f, i]) - y).max()\n"
            "    if gap > 1e-9 * max(1.0, np.abs(y).max()):\n"
            "        return None\n"
            "    return f, i\n"
        ),
        hint=[
            "Un filtre fixe applique les mêmes f et i à chaque pas : chaque pas donne une équation entre "
            "y_t, y_{t−1} et x_t, et un seul couple (f, i) doit les satisfaire toutes à la fois.",
            "Les équations y_t = f · y_{t−1} + i · x_t sont linéaires en (f, i) : résolvez-les toutes "
            "ensemble au sens des moindres carrés, puis mesurez le plus grand écart entre y et ce que "
            "ce couple prédit ; au-delà des arrondis, les portes ont changé.",
        ],
        cases=_filter_cases,
        check=_check_identify,
    ),
    FunctionExercise(
        key="ex8",
        title="Un détecteur fait main, meilleur que tout filtre fixe",
        points=3,
        minutes=25,
        level="concevoir",
        target="bump_score",
        statement=(
            "Le radar de cet exercice est plus dur que celui du chapitre : des bosses de **2 à 6 pas** "
            "seulement, des pics d'un pas de même hauteur, un bruit d'écart type 0,35, des séquences de "
            "60 pas (`radar_sequences(n, T=60, bump_length=(2, 6), noise_std=0.35)`). Écrivez "
            "`bump_score(amplitude)` : `amplitude` est le canal d'amplitude de $n$ séquences, un tableau "
            "de forme $(n, 60)$ ; la fonction rend un score par séquence, de forme $(n,)$, **plus grand** "
            "pour une bosse.\n\n"
            "Le correcteur tire 6 000 séquences neuves, choisit sur la moitié d'entre elles le seuil qui "
            "sépare le mieux « bosse » de « pas de bosse » (bruit ou pic), puis mesure l'exactitude de ce "
            "seuil sur l'autre moitié. Il faut au moins **98 %**. Le meilleur filtre fixe (une moyenne "
            "mobile lue au dernier pas, avec le meilleur $\\alpha$) plafonne vers 84 % ; le détecteur de "
            "crête du chapitre, vers 96 %. Aucune étiquette ne vous est donnée : le détecteur se dessine "
            "à la main, à partir de ce qui distingue une bosse d'un pic."
        ),
        starter=(
            "def bump_score(amplitude):\n"
            "    # Votre code ici\u00a0: un score par séquence, plus grand pour une bosse\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def bump_score(amplitude):\n"
            "    # Une bosse reste haute au moins deux pas de suite, un pic un seul : la mémoire\n"
            "    # m_t = max(m_{t−1}, min(x_{t−1}, x_t)) n'écrit qu'un écho confirmé, puis le garde.\n"
            "    confirmed = np.minimum(amplitude[:, 1:], amplitude[:, :-1])\n"
            "    return confirmed.max(axis=1)\n"
        ),
        hint=[
            "Un filtre fixe traite un pic et le premier pas d'une bosse de la même façon. Quelle "
            "différence entre les deux pouvez-vous observer dès le pas suivant, quelle que soit la "
            "durée de la bosse ?",
            "Une mémoire qui n'écrit que ce qui est confirmé, puis ne l'oublie plus : m_t = max(m_{t−1}, "
            "z_t), où z_t ne peut être grand que si l'écho dure (comparez x_t et x_{t−1}).",
        ],
        cases=_detector_cases,
        preview_cases=lambda rng: _detector_cases(rng, n=100),  # l'édition élève ne vérifie que la forme
        check=_check_detector,
    ),
]
