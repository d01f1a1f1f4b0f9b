"""Exercices du chapitre 1 : pourquoi un LSTM ? Les limites des RNN.

Source unique du cahier ``exercises/ex01_pourquoi_lstm.ipynb`` et de sa ligne dans
``exercises/index.md``, générés par ``python tools/make_exercises.py`` (format :
:mod:`lstm_lib.grading.registry`).

La rétropropagation dans le temps d'un RNN simple n'est pas dans ``lstm_lib`` (le
chapitre 7 la fait pour le LSTM) : sa référence, :func:`rnn_bptt_reference`, est
ici, vérifiée par différences finies dans ``tests/test_grading_exercises.py``.
"""

from __future__ import annotations

import math

import numpy as np

from lstm_lib import cells, rnn
from lstm_lib.grading import draw
from lstm_lib.grading.core import ChoiceExercise, FunctionExercise, ValueExercise
from lstm_lib.grading.variants import OneOf, Uniform
from lstm_lib.style import format_fr

NOTEBOOK = "ex01_pourquoi_lstm"
CHAPTER = "1. Pourquoi un LSTM ?"
TITLE = "Exercices du chapitre 1 : pourquoi un LSTM ?"
INTRO = (
    "Ces exercices accompagnent le chapitre 1. Vous y écrivez le pas d'un RNN simple, "
    "vous mesurez comment son gradient s'éteint, vous regardez le chemin de la mémoire "
    "d'un LSTM, où le gradient survit ; pour finir, vous dérivez vous-même le gradient d'un "
    "RNN dans le temps, et vous écrivez de quoi vérifier un gradient."
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


# --------------------------------------------------------------------------
# ex3 : le nombre de pas, pour le facteur et le seuil de chaque copie
# --------------------------------------------------------------------------

#: Le facteur que montre le widget d'aide : les copies en ont un autre (le widget ne donne pas la réponse).
WIDGET_FACTOR = 0.9


def first_step_below(rho: float, threshold: float) -> int:
    """Le premier ``n`` tel que ``rho**n < threshold`` (compté pas à pas, sans formule)."""
    value, steps = 1.0, 0
    while value >= threshold:
        value *= rho
        steps += 1
    return steps


def _check_n_steps(n: float, v: dict):
    if n != round(n):
        return "le nombre de pas doit être un entier"
    if n < 0:
        return "un nombre de pas ne peut pas être négatif"
    if int(n) == first_step_below(v["rho"], v["threshold"]):
        return None
    return ("ce n'est pas le premier pas où le gradient restant passe sous votre seuil ; écrivez ce qu'il "
            "reste après n pas, puis cherchez le plus petit n qui convient")


# --------------------------------------------------------------------------
# ex7 et ex8 : la rétropropagation dans le temps d'un RNN simple, et sa vérification
# --------------------------------------------------------------------------

def _rnn_states(x, h0, W, b):
    """Les états h_0, h_1, …, h_T d'un RNN simple (h_0 compris), par rnn_step de lstm_lib."""
    params = rnn.RNNParams(W, b)
    states = [np.asarray(h0, dtype=float)]
    for x_t in x:
        states.append(rnn.rnn_step(x_t, states[-1], params))
    return states


def rnn_bptt_reference(x, h0, W, b, g, *, transpose=True, derivative="1-h2", all_steps=True, previous=True):
    """Le gradient de ``L = g · h_T`` par rapport à ``W``, ``b`` et ``h0`` : ``(dW, db, dh0)``.

    En remontant de ``t = T`` à ``1`` : ``δ_t = ∂L/∂h_t ⊙ (1 − h_t²)``, ``dW += δ_t [h_{t−1}, x_t]ᵀ``,
    ``db += δ_t``, ``∂L/∂h_{t−1} = W_hᵀ δ_t``. Les options fabriquent les erreurs typiques (juges).
    """
    H = W.shape[0]
    states = _rnn_states(x, h0, W, b)
    dh = np.asarray(g, dtype=float).copy()
    dW, db = np.zeros_like(W, dtype=float), np.zeros(H)
    for t in range(len(x), 0, -1):
        h_t = states[t]
        local = {"1-h2": 1.0 - h_t**2, "1-tanh2": 1.0 - np.tanh(h_t) ** 2, "none": np.ones(H)}[derivative]
        delta = dh * local
        dW += np.outer(delta, np.concatenate([states[t - 1] if previous else h_t, x[t - 1]]))
        db += delta
        dh = (W[:, :H].T if transpose else W[:, :H]) @ delta
        if not all_steps:  # seulement le dernier pas (et pas de gradient vers h_0 au-delà)
            return dW, db, dh
    return dW, db, dh


def _loss(x, h0, W, b, g):
    return float(np.dot(g, _rnn_states(x, h0, W, b)[-1]))


def _bptt_case(rng):
    H, I = draw.sizes(rng)
    T = int(rng.integers(3, 7))
    W, b = draw.weights(rng, H, I)
    return rng.normal(size=(T, I)), draw.unit(rng, H, low=-0.8, high=0.8), W, b, draw.vector(rng, H)


def _bptt_cases(rng):
    return [_bptt_case(rng) for _ in range(3)]


def _bptt_reference(x, h0, W, b, g):
    return rnn_bptt_reference(x, h0, W, b, g)


#: Les gradients faux que le correcteur glisse parmi les justes (ex8), et ce qu'ils disent d'une vérification.
PLANTED = {
    "W_h": ("le gradient remonté avec W_h au lieu de W_hᵀ",
            lambda x, h0, W, b, g, rng: rnn_bptt_reference(x, h0, W, b, g, transpose=False)[0]),
    "dernier pas": ("le gradient du seul dernier pas",
                    lambda x, h0, W, b, g, rng: rnn_bptt_reference(x, h0, W, b, g, all_steps=False)[0]),
    "tanh": ("le gradient avec 1 − tanh(h_t)² au lieu de 1 − h_t²",
             lambda x, h0, W, b, g, rng: rnn_bptt_reference(x, h0, W, b, g, derivative="1-tanh2")[0]),
    "lignes": ("le gradient juste, deux de ses lignes échangées (même norme)",
               lambda x, h0, W, b, g, rng: _swap_rows(rnn_bptt_reference(x, h0, W, b, g)[0])),
    "un terme": ("le gradient juste, un seul de ses termes faux de 1 % de la plus grande valeur",
                 lambda x, h0, W, b, g, rng: _nudge(rnn_bptt_reference(x, h0, W, b, g)[0], rng)),
}


def _swap_rows(dW):
    out = dW.copy()
    out[[0, 1]] = out[[1, 0]]
    return out


def _nudge(dW, rng):
    out = dW.copy()
    k = int(rng.integers(out.size))
    out.flat[k] += 0.01 * np.abs(out).max() * (1 if rng.random() < 0.5 else -1)
    return out


def _gradcheck_cases(rng):
    """Huit gradients à juger : trois justes, cinq faux (un de chaque sorte), dans un ordre tiré au hasard."""
    cases = []
    kinds = [None, None, None] + list(PLANTED)
    for kind in rng.permutation(np.array(kinds, dtype=object)):
        x, h0, W, b, g = _bptt_case(rng)
        dW = rnn_bptt_reference(x, h0, W, b, g)[0] if kind is None else PLANTED[kind][1](x, h0, W, b, g, rng)
        cases.append((x, h0, W, b, g, dW))
    return cases


def _gradient_is_right(x, h0, W, b, g, dW) -> bool:
    right = rnn_bptt_reference(x, h0, W, b, g)[0]
    return bool(np.max(np.abs(dW - right)) <= 1e-8 * max(1.0, np.max(np.abs(right))))


def _planted_kind(x, h0, W, b, g, dW) -> str:
    for name, (label, make) in PLANTED.items():
        if name in ("un terme",):
            continue
        if np.allclose(dW, make(x, h0, W, b, g, None), rtol=1e-9, atol=1e-12):
            return label
    return PLANTED["un terme"][0]


def _check_gradcheck(args, got):
    if isinstance(got, (bool, np.bool_)):
        verdict = bool(got)
    else:
        return "grad_check doit rendre True (gradient juste) ou False (gradient faux), un booléen"
    if verdict == _gradient_is_right(*args):
        return None
    if verdict:
        return (f"un gradient faux a été déclaré juste : {_planted_kind(*args)}. Comparez chaque terme "
                f"du gradient aux différences finies, pas seulement sa norme ou quelques termes")
    return ("un gradient juste a été déclaré faux : vos différences finies sont-elles assez précises "
            "(différences centrées, ε de l'ordre de 10⁻⁶) et votre tolérance relative (vers 10⁻⁵) ?")


EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="Le pas d'un RNN simple",
        points=2,
        target="rnn_step",
        minutes=10,
        level="appliquer",
        statement=(
            "Écrivez `rnn_step(x_t, h_prev, W, b)`, un pas de RNN simple :\n\n"
            "$$h_t = \\tanh(W \\cdot [h_{t-1}, x_t] + b)$$\n\n"
            "`x_t` est un vecteur de taille $I$, `h_prev` un vecteur de taille $H$, `W` une matrice "
            "de forme $(H, H + I)$ qui agit sur la concaténation $[h_{t-1}, x_t]$ (h d'abord, "
            "comme dans le texte) et `b` un vecteur de taille $H$. La fonction rend $h_t$, de forme $(H,)$."
        ),
        starter=(
            "def rnn_step(x_t, h_prev, W, b):\n"
            "    # Votre code ici : h_t = tanh(W · [h_prev, x_t] + b)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def rnn_step(x_t, h_prev, W, b):\n"
            "    hx = np.concatenate([h_prev, x_t])\n"
            "    return np.tanh(W @ hx + b)\n"
        ),
        hint=[
            "Un pas de RNN mélange l'état précédent et l'entrée par une seule couche linéaire, puis écrase "
            "le résultat dans ]−1, 1[.",
            "h_t = tanh(W · v + b), où v = [h_{t−1}, x_t] est la concaténation des deux vecteurs (h d'abord), "
            "de taille H + I.",
        ],
        cases=_rnn_cases,
        reference=_rnn_reference,
        mistakes=[
            ("Vous semblez utiliser la sigmoïde : un RNN simple applique tanh, à valeurs dans ]−1, 1[.",
             lambda x, h, W, b: cells.sigmoid(W @ np.concatenate([h, x]) + b)),
            ("h et x semblent concaténés dans le mauvais ordre : le livre écrit [h_{t−1}, x_t], h d'abord.",
             lambda x, h, W, b: np.tanh(W @ np.concatenate([x, h]) + b)),
            ("Le biais b semble oublié.",
             lambda x, h, W, b: np.tanh(W @ np.concatenate([h, x]))),
            ("Le biais semble ajouté après tanh : il entre dans l'argument, tanh(W · [h, x] + b).",
             lambda x, h, W, b: np.tanh(W @ np.concatenate([h, x])) + b),
        ],
        forbidden=("rnn_step", "rnn_forward"),
    ),
    FunctionExercise(
        key="ex2",
        title="La jacobienne d'un pas",
        points=2,
        target="step_jacobian",
        minutes=10,
        level="appliquer",
        statement=(
            "Pour un RNN simple, la dérivée de $h_t$ par rapport à $h_{t-1}$ est la matrice\n\n"
            "$$J_t = \\frac{\\partial h_t}{\\partial h_{t-1}} = \\mathrm{diag}(1 - h_t^2)\\, W_h$$\n\n"
            "où $W_h$ est le bloc de `W` qui agit sur $h_{t-1}$ (les $H$ premières colonnes, "
            "puisque h vient d'abord). Écrivez `step_jacobian(h_t, W)` qui rend $J_t$, "
            "de forme $(H, H)$, pour `h_t` de forme $(H,)$ et `W` de forme $(H, H + I)$ : "
            "`J[i, j]` est la dérivée de la composante `i` de $h_t$ par rapport à la composante `j` "
            "de $h_{t-1}$."
        ),
        starter=(
            "def step_jacobian(h_t, W):\n"
            "    # Votre code ici : diag(1 − h_t²) · W_h\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def step_jacobian(h_t, W):\n"
            "    H = h_t.shape[0]\n"
            "    W_h = W[:, :H]\n"
            "    return np.diag(1 - h_t**2) @ W_h\n"
        ),
        hint=[
            "Dérivez h_t = tanh(z_t) par la règle de dérivation en chaîne : d'abord tanh, puis "
            "z_t = W_h h_{t−1} + (ce qui ne dépend pas de h_{t−1}).",
            "La dérivée de tanh est tanh′(z) = 1 − tanh(z)², et tanh(z_t) vaut déjà h_t : "
            "J_t[i, j] = (1 − h_t[i]²) · W_h[i, j].",
        ],
        cases=_jacobian_cases,
        reference=_jacobian_reference,
        mistakes=[
            ("Il manque la dérivée de tanh : le facteur diag(1 − h_t²).",
             lambda h, W: W[:, : h.shape[0]]),
            ("diag(1 − h_t²) multiplie les lignes de W_h (à gauche), pas ses colonnes.",
             lambda h, W: W[:, : h.shape[0]] * (1 - h**2)[None, :]),
            ("La dérivée de tanh est 1 − h_t², avec h_t au carré (et non 1 − h_t).",
             lambda h, W: np.diag(1 - h) @ W[:, : h.shape[0]]),
            ("Vous appliquez tanh une fois de trop : h_t vaut déjà tanh(z_t), si bien que la dérivée est "
             "1 − h_t², et non 1 − tanh(h_t)².",
             lambda h, W: np.diag(1 - np.tanh(h) ** 2) @ W[:, : h.shape[0]]),
            ("Votre jacobienne est transposée : sa ligne i est la dérivée de h_t[i], J[i, j] = ∂h_t[i]/∂h_{t−1}[j].",
             lambda h, W: (np.diag(1 - h**2) @ W[:, : h.shape[0]]).T),
            ("Vous utilisez W_hᵀ : c'est en remontant le gradient qu'elle apparaît ; la jacobienne elle-même "
             "est diag(1 − h_t²) · W_h.",
             lambda h, W: np.diag(1 - h**2) @ W[:, : h.shape[0]].T),
        ],
        forbidden=("rnn_gradient_norms",),
    ),
    ValueExercise(
        key="ex3",
        title="Combien de pas avant que le gradient ne s'éteigne ?",
        points=1,
        target="n_steps",
        minutes=10,
        level="appliquer",
        statement=(
            "Supposons qu'à chaque pas en arrière, le gradient soit multiplié par un facteur "
            "constant $\\rho < 1$ (la norme de $J_t$). Après combien de pas le gradient restant "
            "passe-t-il **pour la première fois** sous le seuil $\\theta$ (une fraction de sa valeur de "
            "départ) ? Votre facteur $\\rho$ et votre seuil $\\theta$ sont propres à votre copie. Le widget "
            "montre le facteur 0,9 : servez-vous-en pour comprendre la décroissance, puis calculez "
            "pour vos valeurs. Écrivez la réponse (un entier) dans la variable `n_steps`."
        ),
        starter="n_steps = ...  # un entier\n",
        solution=(
            "rho, theta = ex3.valeurs[\"rho\"], ex3.valeurs[\"threshold\"]\n"
            "# Après n pas il reste ρⁿ ; ρⁿ < θ  ⇔  n > ln(θ) / ln(ρ) (ln(ρ) < 0 renverse l'inégalité)\n"
            "n_steps = int(np.floor(np.log(theta) / np.log(rho))) + 1\n"
        ),
        hint=[
            "Après un pas, il reste ρ fois le gradient ; après deux pas, ρ fois ρ… Que reste-t-il après n pas ?",
            "Il reste ρⁿ : cherchez le plus petit entier n tel que ρⁿ < θ. En passant au logarithme, "
            "attention : ln(ρ) est négatif, ce qui renverse l'inégalité.",
        ],
        helper=f"lstm_lib.gradient_decay_explorer({WIDGET_FACTOR})\n",  # widget sans noyau (lstm_lib.widgets)
        variables={"rho": Uniform(0.85, 0.99, 3, avoid=(WIDGET_FACTOR,), margin=0.005),
                   "threshold": OneOf((0.05, 0.02, 0.01, 0.005, 0.001), style="percent")},
        show="facteur par pas : ρ = {rho}\nseuil : θ = {threshold} du gradient de départ",
        check=_check_n_steps,
        mistakes=[
            ("Vous avez arrondi ln(θ) / ln(ρ) vers le bas : à ce pas, le gradient restant est encore au-dessus "
             "du seuil ; il faut le premier entier strictement au-delà.",
             lambda v: math.floor(math.log(v["threshold"]) / math.log(v["rho"]))),
            (f"C'est la réponse pour le facteur {format_fr(WIDGET_FACTOR)} du widget ; votre facteur ρ est "
             "celui de votre copie, affiché sous l'énoncé.",
             lambda v: first_step_below(WIDGET_FACTOR, v["threshold"])),
            ("Le seuil est une fraction : 1 % s'écrit 0,01, pas 1.",
             lambda v: first_step_below(v["rho"], 100 * v["threshold"])),
        ],
    ),
    ChoiceExercise(
        key="ex4",
        title="Pourquoi un RNN simple oublie-t-il vite ?",
        points=1,
        target="answer_forgetting",
        minutes=5,
        level="comprendre",
        statement=(
            "Pourquoi un RNN simple n'apprend-il pas les dépendances à long terme ? "
            "Écrivez la lettre choisie, entre guillemets, dans `answer_forgetting`."
        ),
        starter="answer_forgetting = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_forgetting = ex4.lettre(\"jacobienne\")  # la disparition du gradient\n",
        hint=[
            "Pensez à ce qui se passe pendant l'apprentissage, quand l'erreur remonte le temps pas à pas.",
            "Le gradient à travers k pas est le produit J_T · J_{T−1} ⋯ : que devient un produit de nombres "
            "plus petits que 1 ?",
        ],
        choices={
            "gradient": "en remontant le temps, le gradient est multiplié à chaque pas par une jacobienne "
                        "souvent de norme < 1",
            "poids": "ses poids sont trop peu nombreux pour garder en mémoire une information vue il y a "
                     "très longtemps, des centaines de pas plus tôt",
            "tanh": "la fonction tanh est trop lente à calculer quand les séquences deviennent très longues",
            "entrees": "il ne voit jamais les entrées anciennes : chaque pas ne reçoit que l'entrée du moment",
        },
        answer="gradient",
        feedback={
            "poids": "Un RNN peut en principe garder une information longtemps avec peu de poids : c'est "
                     "l'apprentissage qui échoue, parce que le gradient qui devrait régler ces poids s'éteint.",
            "tanh": "La vitesse de calcul n'y est pour rien : la question est ce que le réseau peut apprendre.",
            "entrees": "Le RNN voit chaque entrée à son pas de temps, et l'état h la transporte : c'est la "
                       "trace qu'elle laisse, et surtout son gradient, qui s'efface.",
        },
    ),
    FunctionExercise(
        key="ex5",
        title="Le gradient le long du chemin de la mémoire",
        points=2,
        target="cell_path_gradient",
        minutes=15,
        level="appliquer",
        statement=(
            "Dans un LSTM, le long du chemin de la mémoire, $\\partial c_T / \\partial c_{T-k}$ "
            "est le produit des $k$ dernières portes d'oubli : "
            "$f_{T-k+1} \\odot \\dots \\odot f_T$ (le retard $k = 0$ donne des 1).\n\n"
            "Écrivez `cell_path_gradient(f)` : `f` est le tableau des portes d'oubli, de forme "
            "$(T, H)$ (la ligne `t` contient $f$ au pas `t`, le dernier pas est la ligne `T − 1`) ; "
            "la fonction rend un tableau `values` de forme $(T, H)$ où `values[k]` est le produit "
            "des $k$ dernières portes."
        ),
        starter=(
            "def cell_path_gradient(f):\n"
            "    # Votre code ici : values[k] = f[T−k] ⊙ … ⊙ f[T−1], values[0] = 1\n"
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
        hint=[
            "Sur le chemin de la mémoire, remonter d'un pas multiplie le gradient par la porte d'oubli de ce "
            "pas : on part de la fin.",
            "values[0] = 1 ; au retard k, on a multiplié les k dernières portes, donc values[k] = "
            "values[k − 1] ⊙ (la porte du k-ième pas en partant de la fin).",
        ],
        cases=_path_cases,
        reference=_path_reference,
        mistakes=[
            ("Décalage d'un pas : au retard k on multiplie k portes, pas k + 1 ; le retard 0 donne des 1.",
             _path_off_by_one),
            ("Vous multipliez les premières portes : on remonte le temps depuis la fin, f_T d'abord.",
             _path_forward),
        ],
        forbidden=("lstm_cell_path_gradient",),
    ),
    ChoiceExercise(
        key="ex6",
        title="Le LSTM de 1997",
        points=1,
        target="answer_1997",
        minutes=5,
        level="se souvenir",
        statement=(
            "Le LSTM publié par Hochreiter et Schmidhuber en 1997 avait-il une porte d'oubli ? "
            "Écrivez la lettre choisie dans `answer_1997`."
        ),
        starter="answer_1997 = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_1997 = ex6.lettre(\"Gers\")  # la porte d'oubli date de 2000\n",
        hint=[
            "Le chapitre 1 cite deux articles sur le LSTM, l'un de 1997 et l'autre de 2000.",
            "Que propose l'article de 2000, celui de Gers, Schmidhuber et Cummins ?",
        ],
        choices={
            "gers": "non : la porte d'oubli vient plus tard, de Gers, Schmidhuber et Cummins (2000)",
            "oui": "oui : les portes f, i et o figurent toutes les trois dans l'article de 1997",
            "pytorch": "non : ce sont les bibliothèques comme PyTorch qui l'ont ajoutée, bien plus tard",
            "gru": "non : elle est apparue avec le GRU de Cho et al., qui l'a empruntée aux RNN (2014)",
        },
        answer="gers",
        feedback={
            "oui": "L'article de 1997 a les portes d'entrée et de sortie, et une mémoire qui ne s'efface "
                   "jamais : rien n'y permet d'oublier.",
            "pytorch": "La porte d'oubli est dans les articles bien avant les bibliothèques : PyTorch reprend "
                       "une formulation publiée.",
            "gru": "Le GRU (2014) simplifie un LSTM qui avait déjà sa porte d'oubli : il la fusionne avec la "
                   "porte d'entrée.",
        },
    ),
    FunctionExercise(
        key="ex7",
        title="La rétropropagation dans le temps d'un RNN",
        points=4,
        target="rnn_bptt",
        minutes=25,
        level="analyser",
        statement=(
            "Un RNN simple part de $h_0$ et lit la séquence $x_1, \\dots, x_T$ : "
            "$h_t = \\tanh(W \\cdot [h_{t-1}, x_t] + b)$. On veut le gradient de la perte "
            "$L = g \\cdot h_T$ (un vecteur $g$ fixé) par rapport aux poids $W$, au biais $b$ et à "
            "l'état de départ $h_0$.\n\n"
            "Écrivez `rnn_bptt(x, h0, W, b, g)` : `x` de forme $(T, I)$, `h0` et `g` de forme $(H,)$, "
            "`W` de forme $(H, H + I)$, `b` de forme $(H,)$. La fonction rend le tuple "
            "`(dW, db, dh0)` des trois gradients, de mêmes formes que `W`, `b` et `h0`. Faites d'abord "
            "la passe avant (gardez tous les $h_t$), puis remontez le temps. Vous pouvez vous servir de "
            "`lstm_lib.rnn_step` pour la passe avant ; la passe arrière est à écrire vous-même (sans "
            "différentiation automatique)."
        ),
        starter=(
            "def rnn_bptt(x, h0, W, b, g):\n"
            "    # Votre code ici : la passe avant, puis la passe arrière de t = T à 1\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def rnn_bptt(x, h0, W, b, g):\n"
            "    H = h0.shape[0]\n"
            "    params = lstm_lib.RNNParams(W, b)\n"
            "    states = [h0]\n"
            "    for x_t in x:\n"
            "        states.append(lstm_lib.rnn_step(x_t, states[-1], params))\n"
            "    dW, db = np.zeros_like(W), np.zeros_like(b)\n"
            "    dh = g.copy()                            # ∂L/∂h_T\n"
            "    for t in range(len(x), 0, -1):\n"
            "        delta = dh * (1 - states[t] ** 2)    # ∂L/∂z_t : la dérivée de tanh\n"
            "        dW += np.outer(delta, np.concatenate([states[t - 1], x[t - 1]]))\n"
            "        db += delta\n"
            "        dh = W[:, :H].T @ delta              # ∂L/∂h_{t−1}\n"
            "    return dW, db, dh\n"
        ),
        hint=[
            "Les mêmes W et b servent à chaque pas : leur gradient est la somme des contributions de tous "
            "les pas. On les obtient en remontant le temps, en portant ∂L/∂h_t d'un pas au précédent.",
            "Avec z_t = W · [h_{t−1}, x_t] + b : δ_t = ∂L/∂h_t ⊙ (1 − h_t²), puis dW += δ_t [h_{t−1}, x_t]ᵀ "
            "(un produit extérieur), db += δ_t et ∂L/∂h_{t−1} = W_hᵀ δ_t, en partant de ∂L/∂h_T = g.",
        ],
        cases=_bptt_cases,
        reference=_bptt_reference,
        parts=("dW", "db", "dh0"),
        mistakes=[
            ("En remontant, le gradient passe par W_hᵀ (la transposée), pas par W_h : ∂L/∂h_{t−1} = W_hᵀ δ_t.",
             lambda *a: rnn_bptt_reference(*a, transpose=False)),
            ("h_t vaut déjà tanh(z_t) : la dérivée est 1 − h_t², pas 1 − tanh(h_t)².",
             lambda *a: rnn_bptt_reference(*a, derivative="1-tanh2")),
            ("Il manque la dérivée de tanh, le facteur (1 − h_t²) de δ_t.",
             lambda *a: rnn_bptt_reference(*a, derivative="none")),
            ("Seul le dernier pas semble compté : les mêmes poids servent à chaque pas, leurs contributions "
             "s'additionnent en remontant jusqu'à t = 1.",
             lambda *a: rnn_bptt_reference(*a, all_steps=False)),
            ("Le produit extérieur du pas t utilise l'entrée de ce pas, [h_{t−1}, x_t], et non h_t.",
             lambda *a: rnn_bptt_reference(*a, previous=False)),
        ],
        forbidden_paths=("torch/autograd/", "torch/_functorch/"),
    ),
    FunctionExercise(
        key="ex8",
        title="Vérifier un gradient",
        points=3,
        target="grad_check",
        minutes=20,
        level="évaluer",
        statement=(
            "Un gradient calculé à la main se vérifie par **différences finies** : pour chaque "
            "poids $w$, $\\partial L / \\partial w \\approx (L(w + \\varepsilon) - L(w - \\varepsilon)) / "
            "2\\varepsilon$. Écrivez `grad_check(x, h0, W, b, g, dW)` qui rend `True` si `dW` est bien "
            "le gradient de $L = g \\cdot h_T$ par rapport à `W` (mêmes notations qu'à l'exercice 7), "
            "et `False` sinon. Jugez juste un gradient dont l'écart relatif aux différences finies, "
            "$\\max |dW - \\text{num}| / \\max |\\text{num}|$, est sous $10^{-5}$.\n\n"
            "Le correcteur vous donnera des gradients justes et des gradients faux, de ceux qu'on "
            "obtient en se trompant (ou en trichant) : à vous de les reconnaître tous."
        ),
        starter=(
            "def grad_check(x, h0, W, b, g, dW):\n"
            "    # Votre code ici : les différences finies de L = g · h_T, comparées à dW\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def grad_check(x, h0, W, b, g, dW, eps=1e-6):\n"
            "    params = lambda W_: lstm_lib.RNNParams(W_, b)\n"
            "    loss = lambda W_: g @ lstm_lib.rnn_forward(x, params(W_), h0)[1]\n"
            "    numeric = np.zeros_like(W)\n"
            "    for index in np.ndindex(*W.shape):\n"
            "        step = np.zeros_like(W)\n"
            "        step[index] = eps\n"
            "        numeric[index] = (loss(W + step) - loss(W - step)) / (2 * eps)\n"
            "    error = np.max(np.abs(dW - numeric)) / max(np.max(np.abs(numeric)), 1e-12)\n"
            "    return bool(error < 1e-5)\n"
        ),
        hint=[
            "Faites bouger chaque poids un par un, d'un tout petit peu dans un sens puis dans l'autre, et "
            "regardez de combien la perte change : c'est la dérivée, sans aucune formule.",
            "num[i, j] = (L(W + ε E_ij) − L(W − ε E_ij)) / 2ε, où E_ij vaut 1 en (i, j) et 0 ailleurs ; "
            "comparez ensuite tous les termes de dW à num, pas seulement leurs normes.",
        ],
        cases=_gradcheck_cases,
        check=_check_gradcheck,
    ),
]
