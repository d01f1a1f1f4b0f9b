"""Exercices du chapitre 2 : structure d'une cellule et portes.

Source unique du cahier ``exercises/ex02_portes.ipynb`` et de sa ligne dans
``exercises/index.md``, générés par ``python tools/make_exercises.py`` (format :
:mod:`lstm_lib.grading.registry`).
"""

from __future__ import annotations

import math
import unicodedata

import numpy as np

from lstm_lib import cells
from lstm_lib.grading import draw
from lstm_lib.grading.core import ChoiceExercise, FunctionExercise, ValueExercise, join_fr
from lstm_lib.grading.variants import Uniform
from lstm_lib.style import format_fr

NOTEBOOK = "ex02_portes"
CHAPTER = "2. Les portes"
TITLE = "Exercices du chapitre 2 : les portes"
INTRO = (
    "Ces exercices accompagnent le chapitre 2. Vous y écrivez les portes d'une cellule LSTM, "
    "une par une, puis toutes ensemble, et vous réglez un biais pour ouvrir une porte ; pour "
    "finir, vous reconnaissez une porte mal écrite à ce qu'elle rend, et vous réglez à la main "
    "les poids d'une porte qui efface la mémoire sur commande."
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


# --------------------------------------------------------------------------
# ex4 : le biais d'une porte, pour la cible p et la pré-activation z0 de chaque copie
# --------------------------------------------------------------------------

def logit(p: float) -> float:
    """L'inverse de la sigmoïde : σ(logit(p)) = p."""
    return math.log(p / (1.0 - p))


def _check_bias(b: float, v: dict):
    if abs(float(cells.sigmoid(v["z0"] + b)) - v["p"]) <= 1e-3:
        return None
    return "avec ce biais, la porte d'oubli ne vaut pas p (à 0,001 près) quand W_f · [h, x] = z₀"


# --------------------------------------------------------------------------
# ex7 : quelle erreur a produit cette porte ?
# --------------------------------------------------------------------------

def _transposed_block(h, x, W, b):
    H = h.shape[0]
    return cells.sigmoid(W[:, :H].T @ h + W[:, H:] @ x + b)


#: Les portes d'oubli mal écrites (et la bonne) : nom attendu → (description, calcul).
BUGS = {
    "aucune": ("aucune erreur", lambda h, x, W, b: cells.sigmoid(_pre(h, x, W, b))),
    "ordre": ("[x, h] au lieu de [h, x]", lambda h, x, W, b: cells.sigmoid(_pre(h, x, W, b, order="xh"))),
    "biais": ("biais oublié", lambda h, x, W, b: cells.sigmoid(_pre(h, x, W, b, bias=False))),
    "tanh": ("tanh au lieu de σ", lambda h, x, W, b: np.tanh(_pre(h, x, W, b))),
    "transposee": ("bloc W_h transposé", _transposed_block),
    "biais_dehors": ("biais ajouté après σ", lambda h, x, W, b: cells.sigmoid(_pre(h, x, W, b, bias=False)) + b),
}


def bug_name(text) -> str | None:
    """Le nom d'erreur qu'a rendu l'élève, sans casse ni accents (« Transposée » → « transposee »)."""
    if not isinstance(text, str):
        return None
    text = unicodedata.normalize("NFKD", text).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return "_".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def _bug_cases(rng):
    """Douze portes à diagnostiquer : deux par erreur (et deux justes), dans le désordre."""
    cases = []
    for name in rng.permutation(np.array(2 * list(BUGS), dtype=object)):
        while True:
            H, I = draw.sizes(rng)
            W, b = draw.weights(rng, H, I)
            h, x = draw.unit(rng, H, low=-1, high=1), draw.vector(rng, I)
            outputs = {k: fn(h, x, W, b) for k, (_, fn) in BUGS.items()}
            if all(np.max(np.abs(outputs[name] - out)) > 1e-3 for k, out in outputs.items() if k != name):
                break  # l'erreur se reconnaît sur ces entrées
        cases.append((h, x, W, b, outputs[name]))
    return cases


def _true_bug(h, x, W, b, f_obs) -> str:
    return next(k for k, (_, fn) in BUGS.items() if np.allclose(fn(h, x, W, b), f_obs, rtol=1e-9, atol=1e-12))


def _check_bug(args, got):
    truth, name = _true_bug(*args), bug_name(got)
    if name not in BUGS:
        names = join_fr([f"« {k} »" for k in BUGS])
        return f"which_bug doit rendre un de ces noms : {names}"
    if name == truth:
        return None
    return (f"une porte produite par « {BUGS[truth][0]} » a été diagnostiquée « {BUGS[name][0]} ». "
            f"Pour chaque erreur possible, que rendrait la porte sur ces entrées ?")


# --------------------------------------------------------------------------
# ex8 : une porte d'oubli qui efface la mémoire sur commande
# --------------------------------------------------------------------------

OPEN, CLOSED = 0.99, 0.01


def _reset_cases(rng):
    return [draw.sizes(rng) for _ in range(3)]


def _contexts(H, I, seed, n=200):
    """Des états et des entrées de test : h et les autres entrées dans [−1, 1], le signal à 0 ou 1, coins compris."""
    rng = np.random.default_rng(seed)
    h = rng.uniform(-1, 1, size=(n, H))
    x = rng.uniform(-1, 1, size=(n, I))
    h[:4] = [[1] * H, [-1] * H, [1] * H, [-1] * H]
    x[:4, 1:] = [[1] * (I - 1), [-1] * (I - 1), [-1] * (I - 1), [1] * (I - 1)]
    x[:, 0] = np.arange(n) % 2
    return h, x


def _check_reset(args, got, seed):
    H, I = args
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return "reset_gate doit rendre le tuple (W_f, b_f)"
    W, b = (np.asarray(v, dtype=float) if not isinstance(v, (str, dict)) else None for v in got)
    if W is None or b is None or W.shape != (H, H + I) or b.shape != (H,):
        return (f"pour H = {H} et I = {I}, W_f doit avoir la forme ({H}, {H + I}) et b_f la forme ({H},)")
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
        return "W_f et b_f doivent être des nombres finis"
    h, x = _contexts(H, I, seed)
    f = cells.sigmoid(np.concatenate([h, x], axis=1) @ W.T + b)
    reset = x[:, 0] == 1
    opened, closed = f[~reset].min(), f[reset].max()
    if opened >= OPEN and closed <= CLOSED:
        return None
    if f[~reset].mean() < f[reset].mean():
        return "votre porte fait l'inverse : elle se ferme sans le signal et s'ouvre quand il vaut 1"
    others = np.abs(np.delete(W, H, axis=1)).max()
    calm = cells.sigmoid(W[:, H] * np.array([[0.0], [1.0]]) + b)  # h = 0 et les autres entrées à 0
    if others > 0 and calm[0].min() >= OPEN and calm[1].max() <= CLOSED:
        return ("votre porte dépend de h_{t−1} ou des autres entrées : pour certains états, elle ne s'ouvre "
                "plus (ou ne se ferme plus) ; seule l'entrée du signal doit compter")
    return (f"la porte ne sature pas assez : σ n'approche 0 ou 1 que pour des pré-activations de l'ordre de ±5 "
            f"ou plus ; il faut f ≥ {format_fr(OPEN)} sans le signal et f ≤ {format_fr(CLOSED)} avec, quels que "
            f"soient h et les autres entrées")


EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="La porte d'oubli",
        points=2,
        target="forget_gate",
        minutes=10,
        level="appliquer",
        statement=(
            "Écrivez `forget_gate(h_prev, x_t, W_f, b_f)` :\n\n"
            "$$f_t = \\sigma(W_f \\cdot [h_{t-1}, x_t] + b_f)$$\n\n"
            "avec $\\sigma(z) = 1 / (1 + e^{-z})$. `h_prev` est de forme $(H,)$, `x_t` de forme "
            "$(I,)$, `W_f` de forme $(H, H + I)$ et `b_f` de forme $(H,)$. La fonction rend "
            "$f_t$, de forme $(H,)$. Écrivez-la avec numpy, sans appeler `lstm_lib.forget_gate`."
        ),
        starter=(
            "def forget_gate(h_prev, x_t, W_f, b_f):\n"
            "    # Votre code ici : f_t = σ(W_f · [h_prev, x_t] + b_f)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def forget_gate(h_prev, x_t, W_f, b_f):\n"
            "    hx = np.concatenate([h_prev, x_t])\n"
            "    return 1 / (1 + np.exp(-(W_f @ hx + b_f)))\n"
        ),
        hint=[
            "Une porte mélange h_{t−1} et x_t par une couche linéaire, puis la sigmoïde ramène chaque "
            "composante dans ]0, 1[.",
            "f_t = σ(W_f · v + b_f), où v = [h_{t−1}, x_t] est la concaténation (h d'abord, taille H + I) "
            "et σ(z) = 1 / (1 + e^{−z}).",
        ],
        cases=_gate_cases,
        reference=lambda h, x, W, b: cells.forget_gate(h, x, W, b),
        mistakes=[
            ("Le biais b_f semble oublié.", lambda h, x, W, b: cells.sigmoid(_pre(h, x, W, b, bias=False))),
            ("h et x semblent concaténés dans le mauvais ordre : le livre écrit [h_{t−1}, x_t], h d'abord.",
             lambda h, x, W, b: cells.sigmoid(_pre(h, x, W, b, order="xh"))),
            ("Vous semblez appliquer tanh : une porte utilise la sigmoïde, à valeurs dans ]0, 1[.",
             lambda h, x, W, b: np.tanh(_pre(h, x, W, b))),
            ("Le biais semble ajouté après la sigmoïde : il entre dans son argument, σ(W_f · [h, x] + b_f) ; "
             "sinon la porte sort de ]0, 1[.",
             lambda h, x, W, b: cells.sigmoid(_pre(h, x, W, b, bias=False)) + b),
        ],
        forbidden=_GATE_FORBIDDEN,
    ),
    FunctionExercise(
        key="ex2",
        title="Le candidat",
        points=1,
        target="candidate",
        minutes=5,
        level="appliquer",
        statement=(
            "Écrivez `candidate(h_prev, x_t, W_c, b_c)`, la nouvelle information proposée :\n\n"
            "$$\\hat{c}_t = \\tanh(W_c \\cdot [h_{t-1}, x_t] + b_c)$$\n\n"
            "Mêmes formes que pour la porte d'oubli ; la fonction rend $\\hat{c}_t$, de forme $(H,)$."
        ),
        starter=(
            "def candidate(h_prev, x_t, W_c, b_c):\n"
            "    # Votre code ici : ĉ_t = tanh(W_c · [h_prev, x_t] + b_c)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def candidate(h_prev, x_t, W_c, b_c):\n"
            "    hx = np.concatenate([h_prev, x_t])\n"
            "    return np.tanh(W_c @ hx + b_c)\n"
        ),
        hint=[
            "Même calcul que la porte d'oubli, avec une autre fonction d'activation : le candidat doit "
            "pouvoir être négatif, pour retirer de la mémoire autant qu'en ajouter.",
            "ĉ_t = tanh(W_c · [h_{t−1}, x_t] + b_c), le biais à l'intérieur de tanh.",
        ],
        cases=_gate_cases,
        reference=lambda h, x, W, b: cells.candidate(h, x, W, b),
        mistakes=[
            ("Vous semblez appliquer la sigmoïde là où il faut tanh : le candidat est dans ]−1, 1[, "
             "il peut retirer de la mémoire autant qu'en ajouter.",
             lambda h, x, W, b: cells.sigmoid(_pre(h, x, W, b))),
            ("Le biais b_c semble oublié.", lambda h, x, W, b: np.tanh(_pre(h, x, W, b, bias=False))),
            ("h et x semblent concaténés dans le mauvais ordre : le livre écrit [h_{t−1}, x_t], h d'abord.",
             lambda h, x, W, b: np.tanh(_pre(h, x, W, b, order="xh"))),
            ("Le biais semble ajouté après tanh : il entre dans son argument, tanh(W_c · [h, x] + b_c).",
             lambda h, x, W, b: np.tanh(_pre(h, x, W, b, bias=False)) + b),
        ],
        forbidden=_GATE_FORBIDDEN,
    ),
    ChoiceExercise(
        key="ex3",
        title="Que veut dire i_t[j] ≈ 0 ?",
        points=1,
        target="answer_input_zero",
        minutes=5,
        level="comprendre",
        statement=(
            "La composante `j` de la porte d'entrée vaut presque 0 : $i_t[j] \\approx 0$. "
            "Que se passe-t-il ? Écrivez la lettre choisie dans `answer_input_zero`."
        ),
        starter="answer_input_zero = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_input_zero = ex3.lettre(\"rien de nouveau\")  # le « tiroir » j reste fermé\n",
        hint=[
            "Relisez l'exemple du texte : ĉ_t = [0,4 ; −0,7 ; 0,2] et i_t = [1,0 ; 0,0 ; 0,5].",
            "Dans c_t = f_t ⊙ c_{t−1} + i_t ⊙ ĉ_t, quel terme i_t multiplie-t-il ?",
        ],
        choices={
            "ajout": "on n'ajoute presque rien de nouveau à la dimension j de la mémoire c_t",
            "efface": "la dimension j de la mémoire est effacée, quelle que soit sa valeur passée",
            "sortie": "la dimension j de la mémoire n'apparaît presque plus dans la sortie h_t",
            "candidat": "le candidat ĉ_t[j] est forcé à 0 pour ce pas de temps, quoi qu'il arrive",
        },
        answer="ajout",
        feedback={
            "efface": "Effacer la mémoire, c'est le rôle de la porte d'oubli f_t.",
            "sortie": "Ce qui sort dans h_t, c'est la porte de sortie o_t qui le décide.",
            "candidat": "Le candidat ne dépend pas de i_t : c'est le produit i_t ⊙ ĉ_t qui s'annule.",
        },
    ),
    ValueExercise(
        key="ex4",
        title="Régler le biais d'une porte",
        points=2,
        target="b_f_target",
        minutes=10,
        level="appliquer",
        statement=(
            "À un pas donné, la partie de la pré-activation de la porte d'oubli qui vient des poids "
            "vaut $W_f \\cdot [h_{t-1}, x_t] = z_0$. Quel biais $b_f$ (un nombre) donne alors une "
            "porte d'oubli égale à $p$ ? Vos valeurs $z_0$ et $p$ sont propres à votre copie. Le "
            "widget montre la porte quand $W_f \\cdot [h_{t-1}, x_t] = 0$ ; à vous d'en tenir compte. "
            "Écrivez le biais (à 0,001 près sur la porte) dans `b_f_target`."
        ),
        starter="b_f_target = ...  # un nombre\n",
        solution=(
            "p, z0 = ex4.valeurs[\"p\"], ex4.valeurs[\"z0\"]\n"
            "# σ(z0 + b) = p  ⇔  z0 + b = ln(p / (1 − p))\n"
            "b_f_target = np.log(p / (1 - p)) - z0\n"
        ),
        hint=[
            "La porte vaut σ(z₀ + b_f) : il faut d'abord trouver quelle pré-activation totale donne p, "
            "en inversant la sigmoïde.",
            "Si σ(z) = p, alors z = ln(p / (1 − p)) ; la pré-activation totale est z₀ + b_f.",
        ],
        helper="lstm_lib.gate_bias_explorer()\n",  # widget sans noyau (lstm_lib.widgets), vivant aussi sur le site
        variables={"p": Uniform(0.80, 0.98, 3), "z0": Uniform(-2.0, 2.0, 2, avoid=(0.0,), margin=0.3)},
        show="porte voulue : p = {p}\npré-activation sans le biais : z₀ = {z0}",
        check=_check_bias,
        mistakes=[
            ("C'est le biais qui donne p quand W_f · [h, x] = 0 (ce que montre le widget) ; ici cette partie "
             "vaut z₀, et elle s'ajoute au biais.",
             lambda v: logit(v["p"])),
            ("Le signe de z₀ : σ(z₀ + b_f) = p donne b_f = (la pré-activation qui donne p) − z₀.",
             lambda v: logit(v["p"]) + v["z0"]),
            ("p est la valeur de la porte, après la sigmoïde ; le biais est avant : il faut inverser σ.",
             lambda v: v["p"] - v["z0"]),
            ("Le signe du logarithme : σ(z) = p donne z = ln(p / (1 − p)), pas ln((1 − p) / p).",
             lambda v: -logit(v["p"]) - v["z0"]),
        ],
    ),
    FunctionExercise(
        key="ex5",
        title="Les quatre portes d'un coup",
        points=3,
        target="gates",
        minutes=15,
        level="appliquer",
        statement=(
            "Écrivez `gates(h_prev, x_t, params)` qui rend le tuple `(f, i, c_hat, o)` des quatre "
            "portes, calculées à partir d'un `lstm_lib.LSTMParams` (champs `W_f, b_f, W_i, b_i, "
            "W_c, b_c, W_o, b_o`). Vous pouvez réutiliser vos fonctions `forget_gate` et `candidate` "
            "et la sigmoïde `lstm_lib.sigmoid`, mais pas les portes toutes faites de `lstm_lib` "
            "(`lstm_lib.forget_gate`, `lstm_lib.input_gate`, `lstm_lib.candidate`, `lstm_lib.output_gate`)."
        ),
        starter=(
            "def gates(h_prev, x_t, params):\n"
            "    # Votre code ici : rendre (f, i, c_hat, o)\n"
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
        hint=[
            "Les quatre portes lisent la même concaténation [h_{t−1}, x_t], chacune avec ses propres poids "
            "et son propre biais ; une seule n'est pas une sigmoïde.",
            "f = σ(W_f·[h, x] + b_f), i = σ(W_i·[h, x] + b_i), ĉ = tanh(W_c·[h, x] + b_c), "
            "o = σ(W_o·[h, x] + b_o), rendues dans l'ordre (f, i, c_hat, o).",
        ],
        cases=_gates_cases,
        reference=_gates_reference,
        parts=("f", "i", "c_hat", "o"),
        mistakes=[
            ("f et i semblent échangées : rendez (f, i, c_hat, o), et vérifiez quels poids vont avec quelle porte.",
             _gates_swapped),
            ("Le candidat semble calculé avec la sigmoïde : il prend tanh.", _gates_all_sigmoid),
            ("h et x semblent concaténés dans le mauvais ordre : le livre écrit [h_{t−1}, x_t], h d'abord.",
             _gates_xh),
        ],
        forbidden=_GATE_FORBIDDEN,
    ),
    ChoiceExercise(
        key="ex6",
        title="La forme de W_f",
        points=1,
        target="answer_shape",
        minutes=5,
        level="comprendre",
        statement=(
            "Une cellule a un état caché de taille $H = 64$ et reçoit des entrées de taille "
            "$I = 2$ (amplitude et distance du radar). Quelle est la forme de $W_f$ ? "
            "Écrivez la lettre choisie dans `answer_shape`."
        ),
        starter="answer_shape = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_shape = ex6.lettre(\"(64, 66)\")  # W_f agit sur [h, x] (64 + 2 = 66) et rend 64 valeurs\n",
        hint=[
            "W_f multiplie la concaténation [h_{t−1}, x_t] et rend un vecteur de la taille de l'état caché.",
            "Une matrice de forme (lignes, colonnes) transforme un vecteur de taille « colonnes » en un "
            "vecteur de taille « lignes ».",
        ],
        choices={"64x2": "(64, 2)", "64x66": "(64, 66)", "66x64": "(66, 64)", "64x64": "(64, 64)"},
        answer="64x66",
        feedback={
            "64x2": "W_f ne voit pas seulement x_t : il agit sur [h_{t−1}, x_t].",
            "64x64": "W_f ne voit pas seulement h_{t−1} : il agit sur [h_{t−1}, x_t].",
            "66x64": "Le produit W_f · [h, x] doit rendre un vecteur de taille H : H est le nombre de lignes.",
        },
    ),
    FunctionExercise(
        key="ex7",
        title="Quelle erreur a produit cette porte ?",
        points=3,
        target="which_bug",
        minutes=20,
        level="déboguer",
        statement=(
            "Un camarade a écrit une porte d'oubli, avec peut-être une erreur. Sur les entrées "
            "`h_prev`, `x_t`, `W_f`, `b_f` (mêmes formes qu'à l'exercice 1), sa porte a rendu `f_obs`. "
            "Écrivez `which_bug(h_prev, x_t, W_f, b_f, f_obs)` qui rend le nom de son erreur :\n\n"
            "- `\"aucune\"` : la porte est juste ;\n"
            "- `\"ordre\"` : il a concaténé $[x_t, h_{t-1}]$ au lieu de $[h_{t-1}, x_t]$ ;\n"
            "- `\"biais\"` : il a oublié le biais ;\n"
            "- `\"tanh\"` : il a pris tanh au lieu de la sigmoïde ;\n"
            "- `\"transposee\"` : il a appliqué le bloc $W_h$ (les $H$ premières colonnes de `W_f`) "
            "transposé, $W_h^\\top h_{t-1}$ au lieu de $W_h h_{t-1}$ ;\n"
            "- `\"biais_dehors\"` : il a ajouté le biais après la sigmoïde.\n\n"
            "Le correcteur vous donnera des portes produites par chacune de ces erreurs, sur des "
            "entrées tirées au hasard. Vous pouvez vous servir de `lstm_lib` (`lstm_lib.sigmoid`, "
            "`lstm_lib.forget_gate`…)."
        ),
        starter=(
            "def which_bug(h_prev, x_t, W_f, b_f, f_obs):\n"
            "    # Votre code ici : rendre \"aucune\", \"ordre\", \"biais\", \"tanh\", \"transposee\" ou \"biais_dehors\"\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def which_bug(h_prev, x_t, W_f, b_f, f_obs):\n"
            "    H = h_prev.shape[0]\n"
            "    s = lstm_lib.sigmoid\n"
            "    z = W_f @ np.concatenate([h_prev, x_t])\n"
            "    candidates = {\n"
            "        \"aucune\": s(z + b_f),\n"
            "        \"ordre\": s(W_f @ np.concatenate([x_t, h_prev]) + b_f),\n"
            "        \"biais\": s(z),\n"
            "        \"tanh\": np.tanh(z + b_f),\n"
            "        \"transposee\": s(W_f[:, :H].T @ h_prev + W_f[:, H:] @ x_t + b_f),\n"
            "        \"biais_dehors\": s(z) + b_f,\n"
            "    }\n"
            "    return min(candidates, key=lambda name: np.abs(candidates[name] - f_obs).max())\n"
        ),
        hint=[
            "Chaque erreur a une signature : certaines sortent de ]0, 1[, d'autres restent dans ]0, 1[ mais "
            "changent les valeurs. Le plus sûr : refaire le calcul de chaque version et voir laquelle "
            "redonne f_obs.",
            "Les six versions : σ(W[h, x] + b), σ(W[x, h] + b), σ(W[h, x]), tanh(W[h, x] + b), "
            "σ(W_hᵀ h + W_x x + b) et σ(W[h, x]) + b, où W_x est le reste des colonnes.",
        ],
        cases=_bug_cases,
        check=_check_bug,
    ),
    FunctionExercise(
        key="ex8",
        title="Une porte qui efface sur commande",
        points=3,
        target="reset_gate",
        minutes=15,
        level="concevoir",
        statement=(
            "On veut une porte d'oubli qui **efface** la mémoire quand la première entrée, un signal "
            "$x_t[0] \\in \\{0, 1\\}$, vaut 1, et la **garde** sinon, quels que soient l'état "
            "$h_{t-1}$ et les autres entrées (toutes dans $[-1, 1]$). Précisément : $f_t \\geq 0{,}99$ "
            "sans le signal, $f_t \\leq 0{,}01$ avec, pour chaque composante.\n\n"
            "Écrivez `reset_gate(H, I)` qui rend les poids choisis à la main, le tuple `(W_f, b_f)` "
            "de formes $(H, H + I)$ et $(H,)$ (les colonnes de `W_f` : d'abord les $H$ de $h_{t-1}$, "
            "puis les $I$ de $x_t$, le signal en premier). Le correcteur essaie votre porte sur des "
            "états et des entrées tirés au hasard."
        ),
        starter=(
            "def reset_gate(H, I):\n"
            "    # Votre code ici : rendre (W_f, b_f)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def reset_gate(H, I):\n"
            "    W_f = np.zeros((H, H + I))   # ni h ni les autres entrées ne comptent\n"
            "    W_f[:, H] = -20.0            # le signal ferme la porte…\n"
            "    b_f = np.full(H, 10.0)       # … qui est grande ouverte sans lui : σ(10) ≈ 0,99995\n"
            "    return W_f, b_f\n"
        ),
        hint=[
            "La porte vaut σ de sa pré-activation : pour ne dépendre que du signal, elle ne doit rien lire "
            "d'autre. Il reste un poids et un biais à choisir, pour que σ sature dans les deux cas.",
            "Sans signal, la pré-activation vaut b_f ; avec le signal, b_f + w (w : le poids du signal). "
            "Il faut σ(b_f) ≥ 0,99 et σ(b_f + w) ≤ 0,01, soit b_f ≥ ln(99) et b_f + w ≤ −ln(99).",
        ],
        cases=_reset_cases,
        judge_data=lambda rng: int(rng.integers(2**31)),
        check=_check_reset,
    ),
]
