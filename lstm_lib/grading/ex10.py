"""Exercices du chapitre 10 : après les LSTM.

Les références qui ont besoin de PyTorch (l'attention de PyTorch, le compteur
d'opérations de :mod:`lstm_lib.attention`) l'importent à l'appel seulement :
importer ce module n'importe pas torch.

Source unique du cahier ``exercises/ex10_apres_les_lstm.ipynb`` et de sa ligne
dans ``exercises/index.md``, générés par ``python tools/make_exercises.py``
(format : :mod:`lstm_lib.grading.registry`).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from lstm_lib.grading.core import ChoiceExercise, FunctionExercise

NOTEBOOK = "ex10_apres_les_lstm"
CHAPTER = "10. Après les LSTM"
TITLE = "Exercices du chapitre 10 : après les LSTM"
INTRO = (
    "Ces exercices accompagnent le chapitre 10. Vous y écrivez l'auto-attention causale, comptez ce "
    "que coûte un pas de LSTM et un pas d'attention sur un flux, puis ce que coûte le flux entier, "
    "calculez la netteté qu'il faut à l'attention pour retrouver une clé parmi $n$, dimensionnez une "
    "convolution temporelle pour un contexte donné et choisissez une architecture."
)


# --------------------------------------------------------------------------
# ex1 : l'auto-attention causale
# --------------------------------------------------------------------------

def _attention_cases(rng):
    cases = []
    for _ in range(3):
        T, d_k = int(rng.integers(4, 10)), int(rng.integers(2, 6))
        d_v = d_k + int(rng.integers(1, 3))  # d_v ≠ d_k : une transposition se voit
        cases.append((rng.normal(0, 1.5, size=(T, d_k)), rng.normal(0, 1.5, size=(T, d_k)),
                      rng.normal(size=(T, d_v))))
    return cases


def _attention_reference(Q, K, V):
    """Référence : ``scaled_dot_product_attention(…, is_causal=True)`` de PyTorch, en float64."""
    import torch
    from torch.nn import functional as F

    out = F.scaled_dot_product_attention(*(torch.from_numpy(np.ascontiguousarray(a)) for a in (Q, K, V)),
                                         is_causal=True)
    return out.numpy()


def _attention_variant(mask="causal", scale="sqrt", axis=-1):
    def attend(Q, K, V):
        d = Q.shape[-1]
        scores = Q @ K.T / {"sqrt": math.sqrt(d), "d": d, "none": 1.0}[scale]
        T = len(Q)
        future = np.triu(np.ones((T, T), bool), k=1)
        if mask == "causal":
            scores = np.where(future, -np.inf, scores)
        elif mask == "passé":
            scores = np.where(np.tril(np.ones((T, T), bool), k=-1), -np.inf, scores)
        scores = scores - scores.max(axis=axis, keepdims=True)
        weights = np.exp(scores)
        return (weights / weights.sum(axis=axis, keepdims=True)) @ V
    return attend


# --------------------------------------------------------------------------
# ex2 : ce que coûte un pas sur un flux
# --------------------------------------------------------------------------

def _cost_cases(rng):
    return [(int(rng.integers(16, 4097)), int(rng.choice([32, 64, 128])), int(rng.integers(16, 257)),
             int(rng.integers(1, 129))) for _ in range(3)]


def _cost_reference(n, d, H, I):
    """Référence **mesurée** : le compteur d'opérations de PyTorch (``lstm_lib.attention``)."""
    from lstm_lib.attention import attention_step_cost, lstm_step_cost

    lstm_ops, lstm_bytes = lstm_step_cost(H, I)
    attention_ops, attention_bytes = attention_step_cost(n, d)
    return {"lstm_ops": lstm_ops, "attention_ops": attention_ops,
            "lstm_bytes": lstm_bytes, "attention_bytes": attention_bytes}


def _cost_formula(macs=2, projections=4, cached="n", float_bytes=4, lstm_state=2):
    def cost(n, d, H, I):
        rows = n if cached == "n" else n - 1
        return {"lstm_ops": macs * 4 * H * (I + H), "attention_ops": macs * (projections * d * d + 2 * rows * d),
                "lstm_bytes": lstm_state * H * float_bytes, "attention_bytes": 2 * rows * d * float_bytes}
    return cost


# --------------------------------------------------------------------------
# ex3 : ce que coûte le flux entier
# --------------------------------------------------------------------------

def _stream_cases(rng):
    return [(int(rng.integers(100, 20_001)), int(rng.choice([32, 64, 128])), int(rng.integers(16, 257)),
             int(rng.integers(1, 129))) for _ in range(3)]


def _stream_reference(N, d, H, I):
    """Le rapport des opérations totales, depuis les coûts **mesurés** d'un pas.

    Un pas d'attention coûte ``a + b · n`` (affine en ``n`` : le chapitre le mesure) ;
    deux mesures donnent ``a`` et ``b``, puis la somme sur ``n = 1 … N`` est exacte.
    """
    from lstm_lib.attention import attention_step_cost, lstm_step_cost

    one, two = attention_step_cost(1, d)[0], attention_step_cost(2, d)[0]
    b, a = two - one, 2 * one - two
    return (a * N + b * N * (N + 1) / 2) / (N * lstm_step_cost(H, I)[0])


def _stream_variant(kind):
    def ratio(N, d, H, I):
        lstm = 8 * H * (I + H)
        total = {"dernier pas": N * (8 * d * d + 4 * d * N), "N carré": 8 * d * d * N + 2 * d * N * N,
                 "depuis zéro": 8 * d * d * N + 2 * d * N * (N - 1)}.get(kind)
        if kind == "inversé":
            return N * lstm / (8 * d * d * N + 2 * d * N * (N + 1))
        return total / (N * lstm)
    return ratio


# --------------------------------------------------------------------------
# ex4 : la netteté d'une attention qui cherche une clé parmi n
# --------------------------------------------------------------------------

def _scale_cases(rng):
    return [(int(rng.integers(2, 5001)), float(rng.uniform(0.5, 0.999))) for _ in range(4)]


def _scale_reference(n, target):
    """Le plus petit β tel que ``e^β / (e^β + n − 1) ≥ target`` : là, l'égalité."""
    return math.log(target * (n - 1) / (1 - target))


# --------------------------------------------------------------------------
# ex5 : combien de couches pour une convolution temporelle ?
# --------------------------------------------------------------------------

def receptive_field(kernel_size: int, n_layers: int) -> int:
    """Le champ de vision d'une pile de convolutions causales de noyau ``k``, dilatations 1, 2, 4… :
    ``1 + (k − 1)(2^L − 1)`` pas d'entrée (:func:`measured_receptive_field` le mesure)."""
    return 1 + (kernel_size - 1) * (2 ** n_layers - 1)


@functools.lru_cache(maxsize=None)  # le correcteur demande les mêmes (k, L) pour toutes les copies
def measured_receptive_field(kernel_size: int, n_layers: int) -> int:
    """Le champ de vision **mesuré** sur de vraies convolutions PyTorch : les entrées dont dépend la dernière sortie.

    ``L`` couches ``Conv1d`` de noyau ``k``, dilatation ``2^ℓ``, rendues causales par un remplissage à
    gauche ; poids à 1 (aucun chemin ne s'annule). On rétropropage depuis la dernière sortie et l'on
    compte les pas d'entrée dont le gradient n'est pas nul.
    """
    import torch
    from torch.nn import functional as F

    length = kernel_size * 2 ** n_layers + 1  # plus long que tout champ possible : L couches reculent de moins de k · 2^L
    x = torch.zeros(1, 1, length, dtype=torch.float64, requires_grad=True)
    h = x
    for layer in range(n_layers):
        conv = torch.nn.Conv1d(1, 1, kernel_size, dilation=2 ** layer, bias=False, dtype=torch.float64)
        torch.nn.init.ones_(conv.weight)
        h = conv(F.pad(h, ((kernel_size - 1) * 2 ** layer, 0)))  # causale : on ne lit que le passé
    h[0, 0, -1].backward()
    return int((x.grad[0, 0] != 0).sum())


def _layers_cases(rng):
    cases = [(int(rng.integers(2, 8)), int(rng.integers(10, 5001))) for _ in range(2)]
    for _ in range(2):  # un contexte égal à un champ de vision : là, « ≥ » et « > » ne donnent pas le même L
        k = int(rng.integers(2, 8))
        cases.append((k, receptive_field(k, int(rng.integers(3, 10)))))
    return cases


def _layers_with(field):
    def layers(kernel_size, context):
        L = 0
        while field(kernel_size, L) < context:
            L += 1
        return L
    return layers


# --------------------------------------------------------------------------
# ex6 : choisir une architecture
# --------------------------------------------------------------------------

_CHOICE_CHOICES = {
    "parallele": "il s'entraîne en parallèle sur toute la séquence, donc plus vite",
    "taille_fixe": "son état garde une taille fixe : chaque pas coûte le même calcul",
    "detail": "il retrouve un détail exact loin dans le passé mieux que l'attention",
    "diminuent": "ses opérations par pas diminuent à mesure que le contexte s'allonge",
}


EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="L'auto-attention causale",
        points=3,
        minutes=20,
        level="appliquer",
        target="causal_attention",
        statement=(
            "Écrivez `causal_attention(Q, K, V)` qui rend la sortie de l'auto-attention causale d'une séquence, "
            "de forme $(T, d_v)$ :\n\n"
            "$$\\mathrm{sortie} = \\mathrm{softmax}\\Big(\\frac{Q K^\\top}{\\sqrt{d_k}} + M\\Big) V, \\qquad "
            "M[t, s] = \\begin{cases} 0 & s \\le t \\\\ -\\infty & s > t \\end{cases}$$\n\n"
            "avec le softmax sur chaque ligne : la position $t$ ne lit que les positions $s \\le t$, elle-même "
            "comprise. `Q` et `K` sont de forme $(T, d_k)$, `V` de forme $(T, d_v)$. Le correcteur compare à "
            "`torch.nn.functional.scaled_dot_product_attention(Q, K, V, is_causal=True)`, que vous ne devez pas "
            "appeler : écrivez le calcul en numpy."
        ),
        starter=(
            "def causal_attention(Q, K, V):\n"
            "    # Votre code ici : un tableau (T, d_v)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def causal_attention(Q, K, V):\n"
            "    T, d_k = Q.shape\n"
            "    scores = Q @ K.T / np.sqrt(d_k)                         # (T, T) : la position t lit s\n"
            "    future = np.triu(np.ones((T, T), dtype=bool), k=1)      # s > t\n"
            "    scores = np.where(future, -np.inf, scores)\n"
            "    weights = np.exp(scores - scores.max(axis=1, keepdims=True))\n"
            "    weights /= weights.sum(axis=1, keepdims=True)           # softmax sur chaque ligne\n"
            "    return weights @ V\n"
        ),
        hint=[
            "Chaque position compare sa requête à toutes les clés, transforme ces notes en poids par un "
            "softmax, et lit la moyenne pondérée des valeurs. La causalité interdit de lire le futur : les notes "
            "des positions suivantes doivent recevoir un poids nul, pas seulement petit.",
            "Notes S = Q Kᵀ / √d_k, de forme (T, T) ; S[t, s] = −∞ pour s > t ; poids = softmax de chaque "
            "ligne de S ; sortie = poids · V.",
        ],
        cases=_attention_cases,
        reference=_attention_reference,
        mistakes=[
            ("Le masque causal semble oublié : chaque position lit aussi le futur (s > t).",
             _attention_variant(mask="aucun")),
            ("Le masque semble cacher le passé au lieu du futur : la position t lit les positions s ≤ t.",
             _attention_variant(mask="passé")),
            ("La division par √d_k semble oubliée : sans elle, les notes grandissent avec la dimension et le "
             "softmax sature.", _attention_variant(scale="none")),
            ("Vous semblez diviser par d_k au lieu de √d_k.", _attention_variant(scale="d")),
            ("Le softmax semble pris sur les colonnes : c'est chaque ligne (une position qui lit les autres) "
             "dont les poids somment à 1.", _attention_variant(axis=0)),
        ],
        forbidden=("CausalSelfAttention", "TinyTransformer"),
    ),
    FunctionExercise(
        key="ex2",
        title="Ce que coûte un pas de flux",
        points=3,
        minutes=15,
        level="analyser",
        target="streaming_costs",
        statement=(
            "Un modèle lit un flux, un pas à la fois. Comptez ce que coûte **le pas qui lit le $n$-ième "
            "élément** :\n\n"
            "- un pas de `nn.LSTMCell(I, H)` : ses opérations (les deux produits matriciels ; on compte, comme "
            "le compteur de PyTorch, **2 opérations** par multiplication-addition, et on ignore les biais et "
            "les portes) et la mémoire de l'état gardé pour le pas suivant, $(h_t, c_t)$, en float32 ;\n"
            "- un pas d'auto-attention causale de dimension $d$ (`CausalSelfAttention` du chapitre : quatre "
            "projections $d \\times d$, $W_Q, W_K, W_V, W_O$) dont le cache contient alors $n$ clés et $n$ "
            "valeurs, celles du nouveau pas comprises : ses opérations (les projections, la comparaison de la "
            "requête aux $n$ clés et le mélange des $n$ valeurs) et la mémoire du cache, en float32.\n\n"
            "Écrivez `streaming_costs(n, d, H, I)` qui rend le dictionnaire "
            "`{\"lstm_ops\": …, \"attention_ops\": …, \"lstm_bytes\": …, \"attention_bytes\": …}` (des entiers). "
            "Le correcteur compare aux nombres que **mesure** le compteur d'opérations de PyTorch "
            "(`torch.utils.flop_counter`), pour des $n$ de 16 à 4 096."
        ),
        starter=(
            "def streaming_costs(n, d, H, I):\n"
            "    # Votre code ici : un dictionnaire de quatre entiers\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def streaming_costs(n, d, H, I):\n"
            "    return {\n"
            "        \"lstm_ops\": 2 * 4 * H * (I + H),          # (4H × I) · x et (4H × H) · h\n"
            "        \"attention_ops\": 2 * (4 * d * d + 2 * n * d),   # 4 projections, q·K et poids·V\n"
            "        \"lstm_bytes\": 2 * H * 4,                  # h et c, 4 octets par nombre\n"
            "        \"attention_bytes\": 2 * n * d * 4,         # n clés et n valeurs\n"
            "    }\n"
        ),
        hint=[
            "Un produit d'une matrice (a × b) par un vecteur fait a · b multiplications-additions. Le LSTM fait "
            "les mêmes produits à chaque pas ; l'attention fait ses projections (indépendantes de n), puis compare "
            "la requête à chaque clé et mélange chaque valeur : ces deux-là grandissent avec n, comme le cache.",
            "LSTM : 2 · 4H · (I + H) opérations, 2H nombres gardés ; attention : 2 · (4d² + 2nd) = 8d² + 4nd "
            "opérations, 2nd nombres gardés ; 4 octets par nombre en float32.",
        ],
        cases=_cost_cases,
        reference=_cost_reference,
        parts={"opérations": ("lstm_ops", "attention_ops"), "mémoire": ("lstm_bytes", "attention_bytes")},
        mistakes=[
            ("Une multiplication-addition semble comptée pour une opération : le compteur de PyTorch (et la "
             "convention usuelle des FLOP) en compte deux.", _cost_formula(macs=1)),
            ("La projection de sortie W_O semble oubliée : une tête d'attention a quatre projections d × d "
             "(Q, K, V et la sortie).", _cost_formula(projections=3)),
            ("Le cache semble compter n − 1 pas : au pas qui lit le n-ième élément, il contient aussi la clé et "
             "la valeur de ce pas, n en tout.", _cost_formula(cached="n-1")),
            ("La mémoire semble comptée en float64 (8 octets) : en float32, un nombre occupe 4 octets.",
             _cost_formula(float_bytes=8)),
            ("L'état gardé du LSTM semble réduit à h : le pas suivant a besoin de (h_t, c_t), 2H nombres.",
             _cost_formula(lstm_state=1)),
        ],
        forbidden=("lstm_step_cost", "attention_step_cost"),
    ),
    FunctionExercise(
        key="ex3",
        title="Ce que coûte le flux entier",
        points=2,
        minutes=10,
        level="appliquer",
        target="stream_ratio",
        statement=(
            "Avec les coûts par pas de l'exercice 2, un modèle lit un flux de $N$ pas, du premier au $N$-ième. "
            "Écrivez `stream_ratio(N, d, H, I)` qui rend le rapport "
            "$\\dfrac{\\text{opérations totales de l'attention}}{\\text{opérations totales du LSTM}}$ pour lire "
            "tout le flux (un nombre). Puis regardez comment ce rapport évolue quand $N$ double : c'est la "
            "différence entre un coût total en $O(N)$ et en $O(N^2)$."
        ),
        starter=(
            "def stream_ratio(N, d, H, I):\n"
            "    # Votre code ici : un nombre\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def stream_ratio(N, d, H, I):\n"
            "    lstm_total = N * 8 * H * (I + H)                       # le même coût à chaque pas\n"
            "    # Σ_{n=1}^{N} (8d² + 4dn) = 8d² N + 4d · N(N + 1) / 2\n"
            "    attention_total = 8 * d * d * N + 2 * d * N * (N + 1)\n"
            "    return attention_total / lstm_total\n"
        ),
        hint=[
            "Le coût total est la somme des coûts de chaque pas. Celui du LSTM ne change pas d'un pas à l'autre ; "
            "celui de l'attention grandit avec le nombre d'éléments déjà lus.",
            "Total de l'attention : Σ_{n=1}^{N} (8d² + 4dn), et Σ_{n=1}^{N} n = N (N + 1) / 2 ; "
            "total du LSTM : N · 8H (I + H).",
        ],
        cases=_stream_cases,
        reference=_stream_reference,
        mistakes=[
            ("Vous semblez comparer le seul dernier pas, compté N fois : les premiers pas de l'attention coûtent "
             "bien moins que le dernier, il faut sommer pas à pas.", _stream_variant("dernier pas")),
            ("La somme 1 + 2 + … + N semble prise égale à N²/2 : elle vaut N (N + 1) / 2.",
             _stream_variant("N carré")),
            ("La somme semble commencer à un cache vide (n = 0 … N − 1) : le pas qui lit le n-ième élément "
             "compare la requête à n clés, n = 1 … N.", _stream_variant("depuis zéro")),
            ("Le rapport semble inversé : c'est l'attention divisée par le LSTM.", _stream_variant("inversé")),
        ],
        forbidden=("lstm_step_cost", "attention_step_cost"),
    ),
    FunctionExercise(
        key="ex4",
        title="Retrouver une clé parmi n",
        points=2,
        minutes=5,
        level="appliquer",
        target="min_scale",
        statement=(
            "Une requête cherche sa clé parmi $n$ clés. Les clés sont orthonormées et la requête vaut $\\beta$ "
            "fois la bonne clé : la note de la bonne clé est $\\beta$, celle des $n - 1$ autres 0. Après le "
            "softmax, le poids de la bonne clé est $\\alpha = e^{\\beta} / (e^{\\beta} + n - 1)$. Écrivez "
            "`min_scale(n, target)` qui rend le plus petit $\\beta$ (un nombre) pour lequel "
            "$\\alpha \\ge$ `target` (entre 0,5 et 1). Comment ce $\\beta$ grandit-il avec le contexte $n$ ?"
        ),
        starter=(
            "def min_scale(n, target):\n"
            "    # Votre code ici : un nombre\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def min_scale(n, target):\n"
            "    # e^β / (e^β + n − 1) = target  ⇔  e^β = target (n − 1) / (1 − target)\n"
            "    return float(np.log(target * (n - 1) / (1 - target)))   # grandit comme ln n\n"
        ),
        hint=[
            "Le poids α grandit avec β : le plus petit β qui convient est celui où α vaut exactement la cible. "
            "Résolvez l'équation en e^β, puis prenez le logarithme.",
            "α = target ⇔ e^β (1 − target) = target (n − 1).",
        ],
        cases=_scale_cases,
        reference=_scale_reference,
        mistakes=[
            ("Les n − 1 autres clés semblent oubliées : plus il y a de clés, plus la bonne doit se détacher.",
             lambda n, t: math.log(t / (1 - t))),
            ("Vous semblez compter n autres clés : la bonne n'en fait pas partie, il y en a n − 1.",
             lambda n, t: math.log(t * n / (1 - t))),
            ("Vous semblez prendre un logarithme décimal : le softmax utilise l'exponentielle, donc ln.",
             lambda n, t: math.log10(t * (n - 1) / (1 - t))),
            ("Le logarithme semble oublié : vous rendez e^β, pas β.", lambda n, t: t * (n - 1) / (1 - t)),
        ],
    ),
    FunctionExercise(
        key="ex5",
        title="Dimensionner une convolution temporelle",
        points=2,
        minutes=15,
        level="appliquer",
        target="tcn_layers",
        statement=(
            "Une convolution temporelle (TCN) empile $L$ convolutions causales de noyau $k$ : la couche "
            "$\\ell = 0, 1, \\dots, L - 1$ a la dilatation $2^\\ell$, et sa sortie au pas $t$ lit les pas "
            "$t, t - 2^\\ell, \\dots, t - (k - 1)\\,2^\\ell$ de la couche du dessous. Le **champ de vision** est "
            "le nombre de pas d'entrée dont dépend une sortie. Écrivez `tcn_layers(kernel_size, context)` qui "
            "rend le plus petit nombre de couches $L$ (un entier) dont le champ de vision couvre au moins "
            "`context` pas. Le correcteur vérifie vos réponses contre le champ de vision mesuré sur de vraies "
            "convolutions PyTorch."
        ),
        starter=(
            "def tcn_layers(kernel_size, context):\n"
            "    # Votre code ici : un entier\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def tcn_layers(kernel_size, context):\n"
            "    L, field = 0, 1                          # sans couche, une sortie ne voit que son pas\n"
            "    while field < context:\n"
            "        field += (kernel_size - 1) * 2 ** L  # la couche L recule de (k − 1) · 2^L pas de plus\n"
            "        L += 1\n"
            "    return L\n"
        ),
        hint=[
            "Chaque couche élargit le champ de vision de ce qu'elle recule au plus loin, (k − 1) fois sa "
            "dilatation ; comme la dilatation double à chaque couche, le champ grandit exponentiellement.",
            "Champ de vision de L couches : 1 + (k − 1)(1 + 2 + … + 2^{L−1}) = 1 + (k − 1)(2^L − 1) ; "
            "cherchez le plus petit L qui atteint context.",
        ],
        cases=_layers_cases,
        reference=_layers_with(measured_receptive_field),
        mistakes=[
            ("Votre champ de vision semble compter un pas de trop peu (le pas t lui-même), ou exiger qu'il "
             "dépasse context strictement : le champ 1 + (k − 1)(2^L − 1) doit seulement couvrir context (≥).",
             _layers_with(lambda k, L: (k - 1) * (2 ** L - 1))),
            ("Les dilatations semblent ignorées (toutes à 1) : la couche ℓ a la dilatation 2^ℓ, d'où un champ "
             "qui grandit exponentiellement.", _layers_with(lambda k, L: 1 + L * (k - 1))),
        ],
    ),
    ChoiceExercise(
        key="ex6",
        title="Un flux sans fin sur une petite puce",
        points=1,
        minutes=5,
        level="évaluer",
        target="answer_stream",
        statement=(
            "Un modèle doit répondre à chaque pas d'un flux sans fin (un capteur), sur une puce dont la mémoire "
            "est fixée une fois pour toutes. Pourquoi un LSTM y convient-il mieux qu'une auto-attention causale ?"
            " Écrivez la lettre choisie dans `answer_stream`."
        ),
        starter="answer_stream = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_stream = ex6.lettre(\"taille fixe\")  # le même état au premier pas comme au millionième\n",
        hint=[
            "Reprenez les trois panneaux de la mesure du chapitre : durée, opérations et mémoire d'un pas, selon "
            "le contexte déjà lu.",
        ],
        choices=_CHOICE_CHOICES,
        answer="taille_fixe",
        feedback={
            "parallele": "C'est l'avantage inverse : le Transformer s'entraîne en parallèle, le LSTM doit attendre h_{t−1} "
                 "pour calculer h_t.",
            "detail": "C'est l'attention qui retrouve un détail exact (rappel associatif : plus de 90 % contre moins "
                 "de 50 % pour le LSTM, chapitre 10).",
            "diminuent": "Elles ne diminuent pas : elles restent les mêmes à chaque pas, quel que soit le contexte.",
        },
    ),
]
