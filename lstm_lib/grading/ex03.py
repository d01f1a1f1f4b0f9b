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
from lstm_lib.grading.variants import OneOf, Uniform
from lstm_lib.style import format_fr

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


def _step_h_without_tanh(x, h, c, p):
    rec = cells.lstm_step(x, h, c, p)
    return (rec.o * rec.c, rec.c)


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


# --------------------------------------------------------------------------
# ex5 : quand la sortie sature-t-elle, pour le candidat et le seuil de chaque copie ?
# --------------------------------------------------------------------------

#: Le candidat que montre le widget d'aide : les copies en ont un autre.
WIDGET_C_HAT = 0.5


def first_saturation(c_hat: float, threshold: float, squash=None) -> int:
    """Le premier pas t ≥ 1 où h_t dépasse ``threshold``, avec f = i = o = 1 et ĉ constant, depuis c_0 = 0.

    Calculé pas à pas avec les fonctions de lstm_lib ; ``squash`` remplace tanh dans la sortie
    (``lambda c: c`` : sans tanh ; ``lstm_lib.sigmoid`` : σ au lieu de tanh), pour les erreurs typiques.
    """
    one, c, steps = np.ones(1), np.zeros(1), 0
    while True:
        c = cells.update_memory(one, c, one, np.full(1, c_hat))
        steps += 1
        h = cells.hidden_output(one, c)[0] if squash is None else float(squash(c)[0])
        if h > threshold:
            return steps
        if steps > 10_000:  # le seuil ne sera jamais atteint (σ ou c sans tanh sous le seuil…)
            return -1


def _check_saturation(n: float, v: dict):
    if n != round(n):
        return "le nombre de pas doit être un entier"
    if int(n) == first_saturation(v["c_hat"], v["threshold"]):
        return None
    return ("ce n'est pas le premier pas où h_t dépasse votre seuil ; écrivez c_t et h_t en fonction de t, "
            "puis cherchez le plus petit t qui convient")


# --------------------------------------------------------------------------
# ex7 : une cellule-verrou, réglée à la main
# --------------------------------------------------------------------------

LATCH_HOLD = 200       # pas à tenir après la dernière marque
LATCH_TOLERANCE = 0.01


def _latch_sequences(rng, n=6):
    """Des séquences (T, 2) : x_t = [v_t, m_t], une ou deux marques dans les 20 premiers pas, puis 200 pas
    au moins ; la cible est tanh(v) à la dernière marque."""
    sequences = []
    for k in range(n):
        marks = sorted(rng.choice(20, size=1 + k % 2, replace=False))
        T = int(marks[-1]) + LATCH_HOLD + int(rng.integers(1, 20))
        x = np.zeros((T, 2))
        x[:, 0] = rng.uniform(-1, 1, size=T)
        x[marks, 1] = 1.0
        sequences.append((x, [int(m) for m in marks]))
    return sequences


def _params_from(got):
    fields = getattr(got, "fields", got)
    if not isinstance(fields, dict):
        return None, "latch_params doit rendre un lstm_lib.LSTMParams"
    try:
        params = cells.LSTMParams(**{name: np.asarray(fields[name], dtype=float) for name in
                                     ("W_f", "b_f", "W_i", "b_i", "W_c", "b_c", "W_o", "b_o")})
    except (KeyError, TypeError, ValueError) as exc:
        return None, f"latch_params doit rendre un lstm_lib.LSTMParams valide ({type(exc).__name__})"
    if params.hidden_size != 1 or params.input_size != 2:
        return None, (f"la cellule doit avoir H = 1 et I = 2 (chaque W de forme (1, 3)) ; reçu H = "
                      f"{params.hidden_size} et I = {params.input_size}")
    return params, None


def _check_latch(args, got, data):
    params, problem = _params_from(got)
    if problem:
        return problem
    if not all(np.all(np.isfinite(getattr(params, name))) for name in ("W_f", "W_i", "W_c", "W_o")):
        return "les poids de la cellule doivent être des nombres finis"
    worst, diagnosis = 0.0, []
    for x, marks in data:
        trace, _ = sequences.lstm_forward(x, params)
        target = np.tanh(x[marks[-1], 0])
        worst = max(worst, abs(float(trace.c[-1, 0]) - target))
        after = slice(marks[-1] + 1, None)
        diagnosis.append({
            "i_after": float(trace.i[after, 0].max()),
            "kept": float(np.prod(trace.f[after, 0])),
            "f_mark": max(float(trace.f[m, 0]) for m in marks[1:]) if len(marks) > 1 else 0.0,
            "i_mark": min(float(trace.i[m, 0]) for m in marks),
            "c_hat_mark": max(abs(float(trace.c_hat[m, 0]) - np.tanh(x[m, 0])) for m in marks),
        })
    if worst <= LATCH_TOLERANCE:
        return None
    if max(d["i_mark"] for d in diagnosis) < 0.5 and min(d["i_after"] for d in diagnosis) < 0.5:
        return "au pas marqué, la porte d'entrée reste fermée : la valeur marquée n'entre jamais dans la mémoire"
    if max(d["i_after"] for d in diagnosis) > 0.01:
        return ("après la marque, la porte d'entrée laisse encore passer les valeurs non marquées : sans marque, "
                "i_t doit valoir presque 0")
    if min(d["kept"] for d in diagnosis) < 0.99:
        return (f"la mémoire fuit : sans marque, elle est multipliée par f_t à chaque pas ; {LATCH_HOLD} pas plus "
                f"tard il n'en reste qu'une part. Il faut f_t très proche de 1 (une pré-activation de l'ordre de 10)")
    if max(d["f_mark"] for d in diagnosis) > 0.05:
        return ("à une deuxième marque, l'ancienne valeur n'est pas effacée : au pas marqué, f_t doit valoir "
                "presque 0")
    if min(d["i_mark"] for d in diagnosis) < 0.95:
        return "au pas marqué, la porte d'entrée doit s'ouvrir en grand (i_t ≈ 1) : la valeur entre à moitié"
    if max(d["c_hat_mark"] for d in diagnosis) > 0.005:
        return ("au pas marqué, le candidat doit valoir tanh(v_t) : W_c ne lit que la valeur v_t (poids 1), "
                "ni h_{t−1} ni la marque, et b_c = 0")
    return (f"à la fin, la mémoire c_T s'écarte de tanh(v) de plus de {format_fr(LATCH_TOLERANCE)} "
            f"(v : la valeur à la dernière marque)")


# --------------------------------------------------------------------------
# ex8 : ce que la mémoire finale doit à chaque pas
# --------------------------------------------------------------------------

def memory_contributions_reference(f, i, c_hat, c0, *, own_gate=False, with_input=True, earlier=False):
    """``(kept, contributions)`` : c_T = kept + Σ_t contributions[t], kept = (∏ f) ⊙ c0 et
    contributions[t] = i_t ⊙ ĉ_t ⊙ ∏_{s>t} f_s. Les options fabriquent les erreurs typiques."""
    T = f.shape[0]
    contributions = np.empty_like(c_hat)
    written = i * c_hat if with_input else c_hat.copy()
    if earlier:  # les portes des pas précédents au lieu des suivants
        before = np.ones_like(c0)
        for t in range(T):
            contributions[t] = written[t] * before
            before = before * f[t]
        return before * c0, contributions
    later = np.ones_like(c0)
    for t in range(T - 1, -1, -1):
        if own_gate:
            later = later * f[t]
        contributions[t] = written[t] * later
        if not own_gate:
            later = later * f[t]
    return later * c0, contributions


def _contribution_cases(rng):
    cases = []
    for _ in range(3):
        T, H = int(rng.integers(4, 9)), int(rng.integers(2, 5))
        cases.append((draw.unit(rng, T, H, low=0.3, high=1.0), draw.unit(rng, T, H),
                      draw.unit(rng, T, H, low=-1, high=1), draw.vector(rng, H)))
    return cases


_STEP_FORBIDDEN = ("lstm_step", "lstm_forward", "lstm_forward_explicit", "update_memory", "hidden_output")

EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="La mise à jour de la mémoire",
        points=2,
        target="update_memory",
        minutes=5,
        level="appliquer",
        statement=(
            "Écrivez `update_memory(f, c_prev, i, c_hat)` :\n\n"
            "$$c_t = f_t \\odot c_{t-1} + i_t \\odot \\hat{c}_t$$\n\n"
            "où $\\odot$ est le produit terme à terme. Les quatre arguments sont des vecteurs de "
            "même forme $(H,)$ ; la fonction rend $c_t$."
        ),
        starter=(
            "def update_memory(f, c_prev, i, c_hat):\n"
            "    # Votre code ici : c_t = f ⊙ c_prev + i ⊙ c_hat\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def update_memory(f, c_prev, i, c_hat):\n"
            "    return f * c_prev + i * c_hat\n"
        ),
        hint=[
            "La nouvelle mémoire est faite de deux parts : ce qu'on garde de l'ancienne, et ce qu'on y "
            "ajoute de neuf ; chaque part passe par sa porte.",
            "c_t = f_t ⊙ c_{t−1} + i_t ⊙ ĉ_t, où ⊙ est le produit composante par composante (pas un produit "
            "matriciel).",
        ],
        cases=_memory_cases,
        reference=lambda f, c, i, ch: cells.update_memory(f, c, i, ch),
        mistakes=[
            ("La porte d'entrée i semble oubliée : le candidat n'entre dans la mémoire qu'à travers i_t ⊙ ĉ_t.",
             lambda f, c, i, ch: f * c + ch),
            ("f et i semblent échangées : f_t multiplie l'ancienne mémoire, i_t le candidat.",
             lambda f, c, i, ch: i * c + f * ch),
            ("La porte d'oubli f semble oubliée : c'est elle qui dit quelle part de c_{t−1} est gardée.",
             lambda f, c, i, ch: c + i * ch),
        ],
        forbidden=_STEP_FORBIDDEN,
    ),
    FunctionExercise(
        key="ex2",
        title="La sortie",
        points=1,
        target="hidden_output",
        minutes=5,
        level="appliquer",
        statement=(
            "Écrivez `hidden_output(o, c)` :\n\n$$h_t = o_t \\odot \\tanh(c_t)$$\n\n"
            "pour deux vecteurs de forme $(H,)$."
        ),
        starter=(
            "def hidden_output(o, c):\n"
            "    # Votre code ici : h_t = o ⊙ tanh(c)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def hidden_output(o, c):\n"
            "    return o * np.tanh(c)\n"
        ),
        hint=[
            "La mémoire peut grandir sans limite ; avant de sortir, elle est ramenée dans ]−1, 1[, puis "
            "filtrée par la porte de sortie.",
            "h_t = o_t ⊙ tanh(c_t).",
        ],
        cases=_output_cases,
        reference=lambda o, c: cells.hidden_output(o, c),
        mistakes=[
            ("Le tanh semble oublié : la mémoire est écrasée dans ]−1, 1[ par tanh avant de sortir.",
             lambda o, c: o * c),
            ("Vous semblez appliquer la sigmoïde à la mémoire : c'est tanh.", lambda o, c: o * cells.sigmoid(c)),
            ("tanh semble appliqué au produit : c'est la mémoire qui passe par tanh, puis la porte la filtre, "
             "o_t ⊙ tanh(c_t).", lambda o, c: np.tanh(o * c)),
        ],
        forbidden=_STEP_FORBIDDEN,
    ),
    FunctionExercise(
        key="ex3",
        title="Un pas complet",
        points=3,
        target="lstm_step",
        minutes=15,
        level="appliquer",
        statement=(
            "Écrivez `lstm_step(x_t, h_prev, c_prev, params)` qui enchaîne les six étapes du "
            "résumé et rend le tuple `(h, c)` du nouvel état. `params` est un `lstm_lib.LSTMParams`. "
            "Vous pouvez utiliser les portes de `lstm_lib` (`lstm_lib.forget_gate`, "
            "`lstm_lib.input_gate`, `lstm_lib.candidate`, `lstm_lib.output_gate`) et vos fonctions "
            "`update_memory` et `hidden_output`, mais pas `lstm_lib.lstm_step`."
        ),
        starter=(
            "def lstm_step(x_t, h_prev, c_prev, params):\n"
            "    # Votre code ici : les six étapes, puis return h, c\n"
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
        hint=[
            "Les trois portes et le candidat lisent tous l'ancien état ; la nouvelle mémoire se calcule "
            "ensuite, et la sortie en dernier, à partir de la nouvelle mémoire.",
            "f, i, ĉ, o à partir de (h_{t−1}, x_t) ; c_t = f ⊙ c_{t−1} + i ⊙ ĉ ; h_t = o ⊙ tanh(c_t). "
            "Les portes de lstm_lib prennent leurs arguments dans l'ordre (h_prev, x_t, W, b).",
        ],
        cases=_step_cases,
        reference=_step_reference,
        parts=("h", "c"),
        mistakes=[
            ("h_t semble calculé avec l'ancienne mémoire c_{t−1} : il faut la nouvelle, c_t.",
             _step_h_from_c_prev),
            ("h et c semblent échangés : rendez (h, c), dans cet ordre.", _step_swapped_return),
            ("f et i semblent échangées : chaque porte a ses propres poids (W_f, b_f pour f…).",
             _step_swapped_gates),
            ("Le tanh de la sortie semble oublié : h_t = o_t ⊙ tanh(c_t).", _step_h_without_tanh),
        ],
        forbidden=("lstm_step", "lstm_forward", "lstm_forward_explicit"),
    ),
    FunctionExercise(
        key="ex4",
        title="Toute une séquence",
        points=2,
        target="run_lstm",
        minutes=10,
        level="appliquer",
        statement=(
            "Écrivez `run_lstm(x, params)` : `x` est une séquence de forme $(T, I)$ ; en partant de "
            "$h_0 = c_0 = 0$, appliquez la cellule à chaque pas et rendez le tableau des états "
            "cachés $h_1, \\dots, h_T$, de forme $(T, H)$. Utilisez votre `lstm_step` "
            "(ou `lstm_lib.lstm_step`, qui rend un objet dont les champs `.h` et `.c` sont le "
            "nouvel état), mais pas `lstm_lib.lstm_forward`."
        ),
        starter=(
            "def run_lstm(x, params):\n"
            "    # Votre code ici : une boucle sur les pas de temps\n"
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
        hint=[
            "L'état d'une cellule, ce sont deux vecteurs : ce que rend un pas est ce que reçoit le pas suivant.",
            "Boucle sur t : (h_t, c_t) = pas(x_t, h_{t−1}, c_{t−1}) ; gardez chaque h_t et empilez-les en un "
            "tableau (T, H).",
        ],
        cases=_sequence_cases,
        reference=_sequence_reference,
        mistakes=[
            ("L'état semble remis à zéro à chaque pas : (h, c) doit passer d'un pas au suivant.",
             _sequence_reset),
            ("La mémoire c semble remise à zéro à chaque pas : il faut transmettre h et c.",
             _sequence_keep_h_only),
            ("Vous rendez les mémoires c_t : la fonction doit rendre les états cachés h_t, ce que la cellule "
             "montre (h_t = o_t ⊙ tanh(c_t)).",
             lambda x, p: sequences.lstm_forward(x, p)[0].c),
        ],
        forbidden=("lstm_forward", "lstm_forward_explicit"),
    ),
    ValueExercise(
        key="ex5",
        title="Quand la sortie sature-t-elle ?",
        points=1,
        target="n_steps_saturation",
        minutes=10,
        level="appliquer",
        statement=(
            "On garde tout ($f = 1$), on ajoute entièrement ($i = 1$) un candidat constant "
            "$\\hat{c}$, et on montre tout ($o = 1$), en partant de $c_0 = 0$. Au bout de "
            "combien de pas la sortie $h_t$ dépasse-t-elle le seuil $\\theta$ pour la première "
            "fois ? Votre candidat $\\hat{c}$ et votre seuil $\\theta$ sont propres à votre copie. Le "
            "widget montre $\\hat{c} = 0{,}5$ : servez-vous-en pour comprendre, puis calculez pour vos "
            "valeurs. Écrivez l'entier dans `n_steps_saturation`."
        ),
        starter="n_steps_saturation = ...  # un entier\n",
        solution=(
            "c_hat, theta = ex5.valeurs[\"c_hat\"], ex5.valeurs[\"threshold\"]\n"
            "# c_t = ĉ·t et h_t = tanh(ĉ·t) > θ  ⇔  t > artanh(θ) / ĉ\n"
            "n_steps_saturation = int(np.floor(np.arctanh(theta) / c_hat)) + 1\n"
        ),
        hint=[
            "Avec f = i = 1, chaque pas ajoute ĉ à la mémoire : que vaut c_t après t pas ? Et h_t ?",
            "c_t = ĉ · t et h_t = tanh(ĉ · t) : cherchez le plus petit entier t tel que tanh(ĉ · t) > θ, "
            "c'est-à-dire ĉ · t > artanh(θ).",
        ],
        helper=f"lstm_lib.saturation_explorer({WIDGET_C_HAT})\n",  # widget sans noyau (lstm_lib.widgets)
        variables={"c_hat": Uniform(0.15, 0.9, 2, avoid=(WIDGET_C_HAT,), margin=0.03),
                   "threshold": OneOf((0.9, 0.95, 0.99, 0.995, 0.999))},
        show="candidat : ĉ = {c_hat}\nseuil : θ = {threshold}",
        check=_check_saturation,
        mistakes=[
            ("C'est le pas où la mémoire c_t dépasse le seuil ; la sortie est h_t = tanh(c_t), qui le dépasse "
             "plus tard.",
             lambda v: first_saturation(v["c_hat"], v["threshold"], squash=lambda c: c)),
            ("Vous avez arrondi artanh(θ) / ĉ vers le bas : au pas trouvé, h_t n'a pas encore dépassé le seuil ; "
             "il faut le premier entier strictement au-delà.",
             lambda v: first_saturation(v["c_hat"], v["threshold"]) - 1),
            (f"C'est la réponse pour le candidat {format_fr(WIDGET_C_HAT)} du widget ; votre candidat ĉ est celui "
             "de votre copie, affiché sous l'énoncé.",
             lambda v: first_saturation(WIDGET_C_HAT, v["threshold"])),
            ("La sortie passe par tanh, pas par la sigmoïde : h_t = o_t ⊙ tanh(c_t).",
             lambda v: first_saturation(v["c_hat"], v["threshold"], squash=cells.sigmoid)),
        ],
    ),
    ChoiceExercise(
        key="ex6",
        title="Une mémoire qui ne se montre pas",
        points=1,
        target="answer_hidden_memory",
        minutes=5,
        level="comprendre",
        statement=(
            "Peut-on avoir $h_t \\approx 0$ alors que $c_t$ est loin de 0 ? "
            "Écrivez la lettre choisie dans `answer_hidden_memory`."
        ),
        starter="answer_hidden_memory = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_hidden_memory = ex6.lettre(\"porte de sortie\")  # h_t = o_t ⊙ tanh(c_t) : o_t ≈ 0 cache la mémoire\n",
        hint=[
            "Écrivez h_t en fonction des portes et de la mémoire.",
            "h_t = o_t ⊙ tanh(c_t) : laquelle des portes y apparaît ?",
        ],
        choices={
            "sortie": "oui, si la porte de sortie o_t ≈ 0 : la mémoire est gardée sans être vue",
            "jamais": "non : h_t est toujours égal à la mémoire c_t, à la fonction tanh près",
            "oubli": "oui, si la porte d'oubli f_t ≈ 0 : elle efface la sortie de ce pas de temps",
            "entree": "oui, si la porte d'entrée i_t ≈ 0 : rien ne sort de la cellule à ce pas",
        },
        answer="sortie",
        feedback={
            "jamais": "h_t = o_t ⊙ tanh(c_t) : la porte de sortie s'interpose entre la mémoire et ce qui sort.",
            "oubli": "Avec f_t ≈ 0, c'est la mémoire elle-même qui s'efface : elle ne reste pas loin de 0 "
                     "(sauf par l'ajout i_t ⊙ ĉ_t, qui se verrait alors dans h_t).",
            "entree": "i_t règle ce qui entre dans la mémoire, pas ce qui en sort : avec c_t loin de 0 et "
                      "o_t ≈ 1, h_t serait loin de 0.",
        },
    ),
    FunctionExercise(
        key="ex7",
        title="Un verrou qui tient deux cents pas",
        points=4,
        target="latch_params",
        minutes=25,
        level="concevoir",
        statement=(
            f"Réglez **à la main** les poids d'une cellule LSTM à une seule unité ($H = 1$) qui sert de "
            f"**verrou** : elle reçoit $x_t = [v_t, m_t]$, une valeur $v_t \\in [-1, 1]$ à chaque pas et "
            f"une marque $m_t$, qui vaut 1 à un ou deux pas (parmi les 20 premiers) et 0 ailleurs. La "
            f"cellule doit garder la valeur du **dernier** pas marqué, en ignorant toutes les autres, "
            f"pendant au moins {LATCH_HOLD} pas : à la fin, sa mémoire $c_T$ doit valoir "
            f"$\\tanh(v)$ (la valeur marquée, passée par tanh comme tout candidat), à "
            f"{format_fr(LATCH_TOLERANCE)} près. On part de $h_0 = c_0 = 0$.\n\n"
            "Écrivez `latch_params()` qui rend ce `lstm_lib.LSTMParams` (chaque `W` de forme $(1, 3)$, "
            "ses colonnes dans l'ordre $h_{t-1}$, $v_t$, $m_t$ ; chaque `b` de forme $(1,)$). Le "
            "correcteur fait passer votre cellule sur des séquences tirées au hasard."
        ),
        starter=(
            "def latch_params():\n"
            "    # Votre code ici : choisir W_f, b_f, W_i, b_i, W_c, b_c, W_o, b_o\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def latch_params():\n"
            "    B = 12.0                               # σ(12) ≈ 1 − 6·10⁻⁶ : une porte presque fermée ou ouverte\n"
            "    W_f, b_f = np.array([[0.0, 0.0, -2 * B]]), np.array([B])   # f ≈ 1, et ≈ 0 à la marque\n"
            "    W_i, b_i = np.array([[0.0, 0.0, 2 * B]]), np.array([-B])   # i ≈ 0, et ≈ 1 à la marque\n"
            "    W_c, b_c = np.array([[0.0, 1.0, 0.0]]), np.zeros(1)        # ĉ = tanh(v)\n"
            "    W_o, b_o = np.zeros((1, 3)), np.zeros(1)                  # la sortie ne compte pas\n"
            "    return lstm_lib.LSTMParams(W_f, b_f, W_i, b_i, W_c, b_c, W_o, b_o)\n"
        ),
        hint=[
            "Faites jouer à chaque porte un rôle simple, commandé par la seule marque : au pas marqué, "
            "effacer et écrire ; aux autres pas, tout garder et ne rien écrire. Le candidat, lui, lit la "
            "valeur.",
            "Avec une pré-activation ±B (B de l'ordre de 10), σ vaut presque 0 ou 1 : f = σ(B − 2B·m), "
            "i = σ(−B + 2B·m), ĉ = tanh(v). Sur 200 pas, f = σ(B) garde c à (1 − e^{−B})^200 près.",
        ],
        cases=lambda rng: [()],
        judge_data=_latch_sequences,
        check=_check_latch,
    ),
    FunctionExercise(
        key="ex8",
        title="Ce que la mémoire doit à chaque pas",
        points=3,
        target="memory_contributions",
        minutes=20,
        level="analyser",
        statement=(
            "En déroulant $c_t = f_t \\odot c_{t-1} + i_t \\odot \\hat{c}_t$ depuis $c_0$, la mémoire "
            "finale se décompose en une somme : ce qui reste de $c_0$, plus ce qu'a écrit chaque pas "
            "et que les portes d'oubli suivantes ont laissé passer.\n\n"
            "Écrivez `memory_contributions(f, i, c_hat, c0)` : `f`, `i` et `c_hat` sont les traces "
            "des portes et du candidat, de forme $(T, H)$ (la ligne `t` pour le pas `t`), `c0` la "
            "mémoire de départ, de forme $(H,)$. La fonction rend le tuple `(kept, contributions)` : "
            "`kept`, de forme $(H,)$, ce qui reste de `c0` à la fin ; `contributions`, de forme "
            "$(T, H)$, où la ligne `t` est ce que le pas `t` a écrit et qui subsiste dans $c_T$. "
            "Vérifiez : `kept + contributions.sum(axis=0)` redonne $c_T$."
        ),
        starter=(
            "def memory_contributions(f, i, c_hat, c0):\n"
            "    # Votre code ici : rendre (kept, contributions)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def memory_contributions(f, i, c_hat, c0):\n"
            "    T = f.shape[0]\n"
            "    contributions = np.empty_like(c_hat)\n"
            "    later = np.ones_like(c0)           # le produit des portes d'oubli après le pas t\n"
            "    for t in range(T - 1, -1, -1):\n"
            "        contributions[t] = i[t] * c_hat[t] * later\n"
            "        later = later * f[t]\n"
            "    return later * c0, contributions\n"
        ),
        hint=[
            "Ce que le pas t écrit, i_t ⊙ ĉ_t, est ensuite multiplié par la porte d'oubli de chaque pas "
            "qui suit, jusqu'à la fin ; c_0, lui, passe par toutes les portes.",
            "contributions[t] = i_t ⊙ ĉ_t ⊙ f_{t+1} ⊙ ⋯ ⊙ f_T (rien pour le dernier pas), et "
            "kept = f_1 ⊙ ⋯ ⊙ f_T ⊙ c_0. En remontant le temps, le produit se met à jour d'un facteur par pas.",
        ],
        cases=_contribution_cases,
        reference=lambda f, i, ch, c0: memory_contributions_reference(f, i, ch, c0),
        parts=("kept", "contributions"),
        mistakes=[
            ("Décalage d'un pas : la porte d'oubli du pas t agit sur c_{t−1}, pas sur ce que le pas t écrit ; "
             "le produit ne commence qu'au pas suivant.",
             lambda f, i, ch, c0: memory_contributions_reference(f, i, ch, c0, own_gate=True)),
            ("Le candidat n'entre dans la mémoire qu'à travers la porte d'entrée : le pas t écrit i_t ⊙ ĉ_t.",
             lambda f, i, ch, c0: memory_contributions_reference(f, i, ch, c0, with_input=False)),
            ("Vous multipliez par les portes des pas précédents : ce qui a été écrit au pas t est filtré par "
             "les portes des pas suivants, t + 1 à T.",
             lambda f, i, ch, c0: memory_contributions_reference(f, i, ch, c0, earlier=True)),
        ],
    ),
]
