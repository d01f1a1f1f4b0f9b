"""Exercices du chapitre 8 : le GRU et les variantes.

Les références qui ont besoin de PyTorch (le compte des paramètres de ``nn.LSTM`` et
``nn.GRU``) l'importent à l'appel seulement : importer ce module n'importe pas torch.

Les poids d'un GRU passent aux fonctions de l'élève sous la forme d'un dictionnaire
de tableaux (les champs de :class:`lstm_lib.GRUParams`) : les entrées d'essai de
l'édition élève (:mod:`lstm_lib.grading.catalog`) ne savent reconstruire que des
tableaux, des dictionnaires et des ``LSTMParams``.

Source unique du cahier ``exercises/ex08_gru_variantes.ipynb`` et de sa ligne dans
``exercises/index.md``, générés par ``python tools/make_exercises.py`` (format :
:mod:`lstm_lib.grading.registry`).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import cells, gru
from lstm_lib.grading import draw
from lstm_lib.grading._approfondir import label_answer
from lstm_lib.grading.core import ChoiceExercise, DecodedObject, FunctionExercise, describe
from lstm_lib.style import format_fr

NOTEBOOK = "ex08_gru_variantes"
CHAPTER = "8. Le GRU et les variantes"
TITLE = "Exercices du chapitre 8 : le GRU et les variantes"
INTRO = (
    "Ces exercices accompagnent le chapitre 8. Vous y écrivez un pas de GRU et un pas de LSTM à "
    "portes couplées, comptez les paramètres de PyTorch, reconnaissez laquelle des variantes d'un GRU "
    "a produit une trace, puis réglez à la main les poids d'un GRU pour qu'il retienne une valeur "
    "pendant des centaines de pas."
)

GRU_FIELDS = ("W_r", "b_r", "W_z", "b_z", "W_n", "b_n", "b_hn")


def _gru_dict(rng, I, H, scale=1.0):
    p = gru.GRUParams.random(I, H, seed=int(rng.integers(2**31)))
    return {name: scale * getattr(p, name) for name in GRU_FIELDS}


# --------------------------------------------------------------------------
# ex1 : un pas de GRU
# --------------------------------------------------------------------------

def _gru_cases(rng):
    cases = []
    for _ in range(3):
        H, I = draw.sizes(rng)
        cases.append((draw.vector(rng, I), draw.unit(rng, H, low=-1, high=1), _gru_dict(rng, I, H, scale=2.0)))
    return cases


def _gru_reference(x_t, h_prev, params, form="pytorch"):
    r = gru.gru_step(x_t, h_prev, gru.GRUParams(**params), form=form)
    return r.r, r.z, r.n, r.h


def _gru_variant(kind):
    """Une variante du GRU : ce qu'on obtient avec une erreur typique (ou une autre convention)."""
    def step(x_t, h_prev, params):
        p = gru.GRUParams(**params)
        H = p.hidden_size
        hx = np.concatenate([h_prev, x_t] if kind != "xh" else [x_t, h_prev])
        r, z = cells.sigmoid(p.W_r @ hx + p.b_r), cells.sigmoid(p.W_z @ hx + p.b_z)
        if kind == "xh":
            n = np.tanh(p.W_n[:, H:] @ x_t + p.b_n + r * (p.W_n[:, :H] @ h_prev + p.b_hn))
        elif kind == "cho":
            n = np.tanh(p.W_n @ np.concatenate([r * h_prev, x_t]) + p.b_n + p.b_hn)
        elif kind == "b_hn_fusionne":
            n = np.tanh(p.W_n[:, H:] @ x_t + p.b_n + p.b_hn + r * (p.W_n[:, :H] @ h_prev))
        else:
            n = np.tanh(p.W_n[:, H:] @ x_t + p.b_n + r * (p.W_n[:, :H] @ h_prev + p.b_hn))
        h = (1 - z) * h_prev + z * n if kind == "z_echange" else z * h_prev + (1 - z) * n
        return r, z, n, h
    return step


# --------------------------------------------------------------------------
# ex2 : compter les paramètres de PyTorch
# --------------------------------------------------------------------------

def _count_cases(rng):
    cases = [(int(rng.integers(1, 17)), int(rng.integers(2, 65)), int(rng.integers(1, 4)), bool(b))
             for b in (False, True, True)]
    cases.append((int(rng.integers(1, 17)), int(rng.integers(128, 513)), int(rng.integers(2, 5)), True))
    return cases


def _count_reference(input_size, hidden_size, num_layers, bidirectional):
    """Référence **mesurée** : ``sum(p.numel())`` de vrais modules PyTorch (sur le périphérique « meta »)."""
    import torch

    sizes = dict(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers,
                 bidirectional=bidirectional, device="meta")
    return tuple(sum(p.numel() for p in module(**sizes).parameters()) for module in (torch.nn.LSTM, torch.nn.GRU))


def _count_formula(blocks_lstm=4, blocks_gru=3, biases=2, upper_input="DH", directions=True):
    def count(input_size, hidden_size, num_layers, bidirectional):
        D = 2 if bidirectional and directions else 1
        H = hidden_size
        upper = (2 if bidirectional else 1) * H if upper_input == "DH" else H
        per_direction = sum(H * i + H * H + biases * H for i in [input_size] + [upper] * (num_layers - 1))
        return blocks_lstm * D * per_direction, blocks_gru * D * per_direction
    return count


# --------------------------------------------------------------------------
# ex3 : le LSTM à portes couplées (CIFG)
# --------------------------------------------------------------------------

def _cifg_cases(rng):
    cases = []
    for _ in range(3):
        H, I = draw.sizes(rng)
        cases.append((draw.vector(rng, I), draw.unit(rng, H, low=-1, high=1), draw.vector(rng, H),
                      draw.params(rng, I, H)))
    return cases


def _cifg_variant(coupling="1-f", squash=True, order="hc"):
    def step(x_t, h_prev, c_prev, p):
        f = cells.forget_gate(h_prev, x_t, p.W_f, p.b_f)
        c_hat = cells.candidate(h_prev, x_t, p.W_c, p.b_c)
        o = cells.output_gate(h_prev, x_t, p.W_o, p.b_o)
        if coupling == "1-f":
            c = f * c_prev + (1 - f) * c_hat
        elif coupling == "inversé":
            c = (1 - f) * c_prev + f * c_hat
        else:  # la porte d'entrée du LSTM ordinaire
            c = f * c_prev + cells.input_gate(h_prev, x_t, p.W_i, p.b_i) * c_hat
        h = o * np.tanh(c) if squash else o * c
        return (h, c) if order == "hc" else (c, h)
    return step


# --------------------------------------------------------------------------
# ex4 : quelle variante a produit cette trace ?
# --------------------------------------------------------------------------

GRU_VARIANTS = ("pytorch", "cho", "z_echange", "b_hn_fusionne")


def _variant_trace(kind, x, params):
    step, h, out = _gru_variant(kind), np.zeros(params["b_r"].shape[0]), []
    for x_t in x:
        h = step(x_t, h, params)[3]
        out.append(h)
    return np.stack(out)


def _which_cases(rng):
    cases = []
    for kind in rng.permutation(GRU_VARIANTS):
        while True:
            H, I = draw.sizes(rng)
            x, params = rng.normal(size=(int(rng.integers(8, 16)), I)), _gru_dict(rng, I, H, scale=2.0)
            traces = {k: _variant_trace(k, x, params) for k in GRU_VARIANTS}
            gaps = [np.max(np.abs(traces[a] - traces[b])) for a in GRU_VARIANTS for b in GRU_VARIANTS if a < b]
            if min(gaps) > 1e-2:  # quatre traces bien distinctes : une seule réponse possible
                break
        cases.append((x, params, traces[str(kind)]))
    return cases


_CONFUSIONS = {
    ("pytorch", "cho"): "la porte r y agit après le produit récurrent (forme de nn.GRU), pas avant",
    ("cho", "pytorch"): "la porte r y agit avant le produit récurrent (forme de l'article de Cho et al.)",
    ("z_echange", "pytorch"): ("z y écrit au lieu de garder : avec les mêmes poids, échanger z et 1 − z change le "
                               "réseau (ce n'est une simple convention que si l'on change aussi le signe de W_z, b_z)"),
    ("b_hn_fusionne", "pytorch"): "le biais b_hn y est ajouté hors de la porte r : r ne multiplie que W_nh · h",
    ("pytorch", "b_hn_fusionne"): "r y multiplie aussi le biais b_hn (forme de nn.GRU)",
}


def _check_which(args, got):
    x, params, h = args
    label, problem = label_answer(got, GRU_VARIANTS, "le résultat de which_gru")
    if problem:
        return problem
    traces = {k: _variant_trace(k, x, params) for k in GRU_VARIANTS}
    truth = min(GRU_VARIANTS, key=lambda k: np.max(np.abs(traces[k] - h)))
    if label == truth:
        return None
    detail = _CONFUSIONS.get((truth, label), "refaites la trace avec chacune des quatre variantes et gardez celle "
                                            "qui redonne h aux arrondis près")
    return f"ce n'est pas la bonne variante pour une des traces : {detail}"


# --------------------------------------------------------------------------
# ex5 : un GRU réglé à la main, qui retient une valeur
# --------------------------------------------------------------------------

LATCH_TOLERANCE = 0.02
LATCH_AMPLITUDE = 0.25


def _latch_cases(rng):
    return [(int(rng.integers(100, 401)), int(channel)) for channel in rng.permutation(2)]


def latch_batch(T: int, mark_channel: int, n: int = 64, seed: int = 0):
    """Des séquences de la tâche : ``(x, valeurs marquées)``, ``x`` de forme ``(n, T, 2)``."""
    rng = np.random.default_rng([T, mark_channel, seed, 2025])
    x = np.zeros((n, T, 2))
    x[:, :, 1 - mark_channel] = rng.uniform(-LATCH_AMPLITUDE, LATCH_AMPLITUDE, size=(n, T))
    marks = rng.integers(0, T, size=n)
    x[np.arange(n), marks, mark_channel] = 1.0
    return x, x[np.arange(n), marks, 1 - mark_channel]


def _latch_run(params, T, mark_channel):
    """La trace du GRU sur un lot de la tâche, les valeurs marquées, et la position de chaque marque."""
    x, target = latch_batch(T, mark_channel, seed=T)
    trace, _ = gru.gru_forward(x, params)
    return trace, target, np.argmax(x[:, :, mark_channel], axis=1)


def _check_latch(args, got):
    T, mark_channel = args
    fields = got.fields if isinstance(got, DecodedObject) else got
    if not isinstance(fields, dict) or set(GRU_FIELDS) - set(fields):
        return (f"latch_params doit rendre un dictionnaire des poids ({', '.join(GRU_FIELDS)}) ou un "
                f"lstm_lib.GRUParams ; reçu {describe(got)}")
    try:
        params = gru.GRUParams(**{k: np.asarray(fields[k], dtype=np.float64) for k in GRU_FIELDS})
    except (TypeError, ValueError) as exc:
        return f"ces poids ne forment pas un GRU : {exc}"
    if params.input_size != 2:
        return f"le GRU lit des entrées de taille 2 (valeur et marque) ; vos poids attendent I = {params.input_size}"
    if not all(np.all(np.isfinite(getattr(params, k))) for k in GRU_FIELDS):
        return "vos poids contiennent des NaN ou des infinis"
    trace, target, marks = _latch_run(params, T, mark_channel)
    error = float(np.max(np.abs(trace.h[:, -1, 0] - target)))
    if error <= LATCH_TOLERANCE:
        return None
    swapped, swapped_target, _ = _latch_run(params, T, 1 - mark_channel)
    if np.max(np.abs(swapped.h[:, -1, 0] - swapped_target)) <= LATCH_TOLERANCE:
        return (f"votre GRU lit la marque sur l'autre canal : ici, la marque est sur le canal {mark_channel} "
                f"(l'argument mark_channel)")
    # Le diagnostic, sur la composante 0 : que fait z au pas marqué, et ailleurs ?
    rows, steps = np.arange(len(marks)), np.arange(T)[None, :]
    z, n = trace.z[:, :, 0], trace.n[:, :, 0]
    if np.median(z[steps != marks[:, None]]) < 0.5:
        return ("l'état est réécrit à chaque pas : z_t reste basse hors du pas marqué. Dans la convention de "
                "PyTorch, z_t ≈ 1 garde l'état, z_t ≈ 0 le remplace par le candidat")
    if np.median(z[rows, marks]) > 0.5:
        return "rien n'est écrit au pas marqué : z_t doit y tomber près de 0 pour laisser entrer le candidat"
    kept = np.exp(np.sum(np.where(steps > marks[:, None], np.log(np.maximum(z, 1e-300)), 0.0), axis=1))
    if np.min(kept) < 0.97:  # Π z_t sur les pas qui suivent la marque : la part de la valeur encore gardée
        return (f"l'état s'efface entre la marque et la fin : le produit des z_t sur les pas restants descend "
                f"jusqu'à {format_fr(float(np.min(kept)), 2)}. Sur T = {T} pas, z doit être bien plus proche de 1 "
                f"(une demi-vie bien plus longue que T)")
    if np.max(np.abs(n[rows, marks] - target)) > LATCH_TOLERANCE / 2:
        return ("au pas marqué, le candidat n_t ne vaut pas la valeur v : il doit lire le canal de la valeur, "
                "avec tanh(v) ≈ v pour |v| ≤ 0,25")
    return (f"après T = {T} pas, la composante 0 de l'état ne vaut pas la valeur marquée (écart jusqu'à "
            f"{format_fr(error, 2)}, pour {format_fr(LATCH_TOLERANCE, 2)} permis)")


# --------------------------------------------------------------------------
# ex6 : ce qu'a mesuré Greff et al.
# --------------------------------------------------------------------------

_GREFF_CHOICES = {
    "nfg": "retirer la porte d'oubli (f_t = 1 à chaque pas)",
    "cifg": "coupler les portes d'entrée et d'oubli (i_t = 1 − f_t)",
    "np": "retirer les peepholes (les portes ne lisent plus c)",
    "aucune": "aucune des trois : aucune variante n'a dégradé les résultats",
}


EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="Un pas de GRU",
        points=3,
        minutes=20,
        level="appliquer",
        target="gru_step",
        statement=(
            "Écrivez `gru_step(x_t, h_prev, params)` qui calcule un pas de GRU dans la forme de PyTorch et rend "
            "le tuple `(r, z, n, h)` :\n\n"
            "$$\n\\begin{aligned}\n"
            "r_t &= \\sigma(W_r\\,[h_{t-1}, x_t] + b_r), \\qquad z_t = \\sigma(W_z\\,[h_{t-1}, x_t] + b_z), \\\\\n"
            "n_t &= \\tanh\\big(W_{nx}\\,x_t + b_n + r_t \\odot (W_{nh}\\,h_{t-1} + b_{hn})\\big), \\\\\n"
            "h_t &= z_t \\odot h_{t-1} + (1 - z_t) \\odot n_t .\n"
            "\\end{aligned}\n$$\n\n"
            "`params` est un **dictionnaire** de tableaux numpy, clés `W_r, b_r, W_z, b_z, W_n, b_n, b_hn` (les "
            "champs de `lstm_lib.GRUParams`) ; $W_n = [W_{nh} \\mid W_{nx}]$ a la forme $(H, H + I)$, comme "
            "$W_r$ et $W_z$ : ses $H$ premières colonnes agissent sur $h_{t-1}$. `x_t` est de forme $(I,)$ et "
            "`h_prev` de forme $(H,)$. Vous pouvez utiliser `lstm_lib.sigmoid`, mais pas les fonctions du GRU de "
            "`lstm_lib`."
        ),
        starter=(
            "def gru_step(x_t, h_prev, params):\n"
            "    # Votre code ici : rendre (r, z, n, h)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def gru_step(x_t, h_prev, params):\n"
            "    H = len(h_prev)\n"
            "    hx = np.concatenate([h_prev, x_t])\n"
            "    r = lstm_lib.sigmoid(params[\"W_r\"] @ hx + params[\"b_r\"])\n"
            "    z = lstm_lib.sigmoid(params[\"W_z\"] @ hx + params[\"b_z\"])\n"
            "    W_nh, W_nx = params[\"W_n\"][:, :H], params[\"W_n\"][:, H:]\n"
            "    n = np.tanh(W_nx @ x_t + params[\"b_n\"] + r * (W_nh @ h_prev + params[\"b_hn\"]))  # r après le produit\n"
            "    h = z * h_prev + (1 - z) * n                 # z garde le passé\n"
            "    return r, z, n, h\n"
        ),
        hint=[
            "Les deux portes se calculent comme celles d'un LSTM, sur [h_{t−1}, x_t]. Le candidat, lui, sépare "
            "W_n en deux blocs de colonnes : la porte r ne multiplie que la partie récurrente, biais b_hn compris. "
            "Enfin l'état mélange l'ancien et le candidat : z garde le passé.",
            "W_nh = W_n[:, :H] et W_nx = W_n[:, H:] ; n_t = tanh(W_nx x_t + b_n + r_t ⊙ (W_nh h_{t−1} + b_hn)) ; "
            "h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ n_t.",
        ],
        cases=_gru_cases,
        reference=_gru_reference,
        parts=("r", "z", "n", "h"),
        mistakes=[
            ("Le candidat semble calculé dans la forme de l'article de Cho et al. (r avant le produit, "
             "W_n · [r ⊙ h, x]) : PyTorch applique r après, r ⊙ (W_nh · h + b_hn).", _gru_variant("cho")),
            ("z et 1 − z semblent échangés : dans la convention de PyTorch, z garde le passé, "
             "h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ n_t.", _gru_variant("z_echange")),
            ("Le biais b_hn semble ajouté hors de la porte r : dans nn.GRU, r multiplie aussi ce biais, "
             "r ⊙ (W_nh · h + b_hn).", _gru_variant("b_hn_fusionne")),
            ("h et x semblent concaténés dans le mauvais ordre : le livre écrit [h_{t−1}, x_t], h d'abord "
             "(et les H premières colonnes de W_n agissent sur h).", _gru_variant("xh")),
        ],
        forbidden=("gru_step", "gru_forward", "reset_gate", "update_gate", "gru_candidate", "gru_candidate_cho",
                   "gru_update", "NumpyGRU"),
    ),
    FunctionExercise(
        key="ex2",
        title="Compter les paramètres d'un LSTM et d'un GRU",
        points=2,
        minutes=10,
        level="appliquer",
        target="param_counts",
        statement=(
            "Écrivez `param_counts(input_size, hidden_size, num_layers, bidirectional)` qui rend le tuple "
            "`(n_lstm, n_gru)` : le nombre de paramètres de `nn.LSTM` et de `nn.GRU` construits avec ces "
            "arguments (et les biais, comme par défaut). Écrivez la formule : le correcteur l'essaie aussi "
            "sur de gros modèles, et compare au compte `sum(p.numel() for p in module.parameters())` de vrais "
            "modules PyTorch. Rappel : dans une couche bidirectionnelle, chaque sens a ses propres poids, et "
            "les couches du dessus lisent les sorties des deux sens."
        ),
        starter=(
            "def param_counts(input_size, hidden_size, num_layers, bidirectional):\n"
            "    # Votre code ici : rendre (n_lstm, n_gru)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def param_counts(input_size, hidden_size, num_layers, bidirectional):\n"
            "    H, D = hidden_size, 2 if bidirectional else 1\n"
            "    inputs = [input_size] + [D * H] * (num_layers - 1)     # l'entrée de chaque couche\n"
            "    per_block = D * sum(H * i + H * H + 2 * H for i in inputs)   # deux biais par bloc\n"
            "    return 4 * per_block, 3 * per_block                   # LSTM : i, f, g, o ; GRU : r, z, n\n"
        ),
        hint=[
            "Un bloc (une porte ou le candidat) d'une couche a, dans PyTorch, une matrice sur l'entrée de la "
            "couche, une matrice sur h et deux biais. Le LSTM a quatre blocs, le GRU trois ; chaque sens d'une "
            "couche bidirectionnelle a les siens, et l'entrée des couches du dessus est la sortie des deux sens.",
            "Par bloc et par sens : H · I_ℓ + H² + 2H, avec I_1 = input_size et I_ℓ = D · H au-dessus "
            "(D = 2 si bidirectionnel) ; total = blocs × D × Σ_ℓ (H · I_ℓ + H² + 2H).",
        ],
        cases=_count_cases,
        reference=_count_reference,
        parts=("n_lstm", "n_gru"),
        mistakes=[
            ("Un seul biais par bloc semble compté : PyTorch en a deux (bias_ih et bias_hh), même si seule leur "
             "somme compte.", _count_formula(biases=1)),
            ("Les couches du dessus semblent lire H valeurs : dans un réseau bidirectionnel, elles lisent les "
             "sorties des deux sens, 2H valeurs.", _count_formula(upper_input="H")),
            ("Un seul sens semble compté : une couche bidirectionnelle a deux jeux de poids, un par sens.",
             _count_formula(directions=False)),
            ("Le GRU semble compté avec quatre blocs, comme le LSTM : il en a trois (r, z, n).",
             _count_formula(blocks_gru=4)),
        ],
    ),
    FunctionExercise(
        key="ex3",
        title="Le LSTM à portes couplées",
        points=2,
        minutes=15,
        level="appliquer",
        target="cifg_step",
        statement=(
            "Le LSTM à portes couplées (CIFG) n'a pas de porte d'entrée : il pose $i_t = 1 - f_t$. Écrivez "
            "`cifg_step(x_t, h_prev, c_prev, params)` qui rend le tuple `(h, c)` du nouvel état, avec "
            "$c_t = f_t \\odot c_{t-1} + (1 - f_t) \\odot \\hat c_t$ et $h_t = o_t \\odot \\tanh(c_t)$. `params` "
            "est un `lstm_lib.LSTMParams` dont les poids `W_i, b_i` ne servent pas. Vous pouvez appeler les "
            "portes de `lstm_lib` (`forget_gate`, `candidate`, `output_gate`), mais pas `lstm_step`."
        ),
        starter=(
            "def cifg_step(x_t, h_prev, c_prev, params):\n"
            "    # Votre code ici : rendre (h, c)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def cifg_step(x_t, h_prev, c_prev, params):\n"
            "    f = lstm_lib.forget_gate(h_prev, x_t, params.W_f, params.b_f)\n"
            "    c_hat = lstm_lib.candidate(h_prev, x_t, params.W_c, params.b_c)\n"
            "    o = lstm_lib.output_gate(h_prev, x_t, params.W_o, params.b_o)\n"
            "    c = f * c_prev + (1 - f) * c_hat              # i_t = 1 − f_t : écrire, c'est oublier d'autant\n"
            "    return o * np.tanh(c), c\n"
        ),
        hint=[
            "Une seule porte décide à la fois de ce que la mémoire garde et de ce qu'elle écrit : ce qui n'est "
            "pas gardé est remplacé par le candidat. La sortie se calcule comme dans un LSTM ordinaire.",
            "c_t = f_t ⊙ c_{t−1} + (1 − f_t) ⊙ ĉ_t ; h_t = o_t ⊙ tanh(c_t).",
        ],
        cases=_cifg_cases,
        reference=_cifg_variant(),
        parts=("h", "c"),
        mistakes=[
            ("La porte d'entrée i_t du LSTM ordinaire semble utilisée : dans un CIFG, i_t = 1 − f_t, et W_i, b_i "
             "ne servent pas.", _cifg_variant(coupling="i")),
            ("Le couplage semble inversé : c'est f_t qui garde c_{t−1}, et 1 − f_t qui écrit le candidat.",
             _cifg_variant(coupling="inversé")),
            ("Le tanh de la mémoire semble oublié dans la sortie : h_t = o_t ⊙ tanh(c_t).",
             _cifg_variant(squash=False)),
            ("h et c semblent échangés : rendez (h, c), dans cet ordre.", _cifg_variant(order="ch")),
        ],
        forbidden=("lstm_step", "lstm_forward", "lstm_forward_explicit", "NumpyLSTM"),
    ),
    FunctionExercise(
        key="ex4",
        title="Quelle variante de GRU a produit cette trace ?",
        points=2,
        minutes=30,
        level="analyser",
        target="which_gru",
        statement=(
            "Quatre « GRU » circulent sous le même nom. Écrivez `which_gru(x, params, h)` : `x` est une séquence "
            "$(T, I)$, `params` un dictionnaire de poids de GRU (les mêmes clés qu'à l'exercice 1), et `h` "
            "$(T, H)$ la suite des états qu'une des variantes suivantes a calculée avec **ces** poids, depuis "
            "$h_0 = 0$. La fonction rend le nom de la variante :\n\n"
            "- `\"pytorch\"` : la forme de `nn.GRU` (celle de l'exercice 1) ;\n"
            "- `\"cho\"` : la forme de l'article, $n_t = \\tanh(W_n\\,[r_t \\odot h_{t-1}, x_t] + b_n + b_{hn})$ ;\n"
            "- `\"z_echange\"` : la convention $h_t = (1 - z_t) \\odot h_{t-1} + z_t \\odot n_t$, avec les mêmes "
            "poids ;\n"
            "- `\"b_hn_fusionne\"` : $n_t = \\tanh(W_{nx}\\,x_t + b_n + b_{hn} + r_t \\odot W_{nh}\\,h_{t-1})$.\n\n"
            "Le correcteur vous donne une trace de chaque variante, dans un ordre tiré au hasard. Vous pouvez "
            "vous servir de `lstm_lib.gru_forward` (et de `lstm_lib.GRUParams(**params)`), ou de votre "
            "`gru_step`."
        ),
        starter=(
            "def which_gru(x, params, h):\n"
            "    # Votre code ici : rendre \"pytorch\", \"cho\", \"z_echange\" ou \"b_hn_fusionne\"\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def which_gru(x, params, h):\n"
            "    p = lstm_lib.GRUParams(**params)\n"
            "    H = p.hidden_size\n"
            "    W_nh, W_nx = p.W_n[:, :H], p.W_n[:, H:]\n\n"
            "    def run(variant):\n"
            "        if variant in (\"pytorch\", \"cho\"):\n"
            "            return lstm_lib.gru_forward(x, p, form=variant)[0].h\n"
            "        state, states = np.zeros(H), []\n"
            "        for x_t in x:\n"
            "            hx = np.concatenate([state, x_t])\n"
            "            r, z = lstm_lib.sigmoid(p.W_r @ hx + p.b_r), lstm_lib.sigmoid(p.W_z @ hx + p.b_z)\n"
            "            if variant == \"z_echange\":\n"
            "                n = np.tanh(W_nx @ x_t + p.b_n + r * (W_nh @ state + p.b_hn))\n"
            "                state = (1 - z) * state + z * n\n"
            "            else:                                # b_hn hors de la porte r\n"
            "                n = np.tanh(W_nx @ x_t + p.b_n + p.b_hn + r * (W_nh @ state))\n"
            "                state = z * state + (1 - z) * n\n"
            "            states.append(state)\n"
            "        return np.stack(states)\n\n"
            "    variants = (\"pytorch\", \"cho\", \"z_echange\", \"b_hn_fusionne\")\n"
            "    return min(variants, key=lambda v: np.max(np.abs(run(v) - h)))   # la plus proche de h\n"
        ),
        hint=[
            "Les quatre variantes ont les mêmes poids mais ne calculent pas la même chose : refaites la trace "
            "avec chacune, depuis h_0 = 0, et gardez celle qui redonne h (aux arrondis près).",
            "Écart d'une variante : max |h_variante − h| sur tous les pas et toutes les composantes ; "
            "la bonne a un écart de l'ordre de 10⁻¹⁵, les autres bien plus.",
        ],
        cases=_which_cases,
        check=_check_which,
    ),
    FunctionExercise(
        key="ex5",
        title="Régler à la main un GRU qui retient une valeur",
        points=3,
        minutes=25,
        level="concevoir",
        target="latch_params",
        statement=(
            "Un GRU lit des séquences $x$ de forme $(T, 2)$, depuis $h_0 = 0$. À chaque pas, un canal porte une "
            "valeur $v_t \\in [-0{,}25 ; 0{,}25]$, l'autre une marque $m_t \\in \\{0, 1\\}$, égale à 1 à un seul "
            "pas, tiré au hasard. Après les $T$ pas, la composante 0 de l'état $h_T$ doit valoir la valeur "
            "$v$ du pas marqué, **à 0,02 près**, quelle que soit la position de la marque.\n\n"
            "Écrivez `latch_params(T, mark_channel)` qui rend les poids d'un tel GRU : un dictionnaire "
            "(clés `W_r, b_r, W_z, b_z, W_n, b_n, b_hn`, comme à l'exercice 1) ou un `lstm_lib.GRUParams`, "
            "d'une taille cachée $H$ de votre choix. `mark_channel` (0 ou 1) dit quel canal porte la marque. "
            "Aucun entraînement : réglez les poids à la main. Le correcteur fait tourner `lstm_lib.gru_forward` "
            "avec vos poids sur 64 séquences tirées au moment de la correction, pour des $T$ de 100 à 400 pas."
        ),
        starter=(
            "def latch_params(T, mark_channel):\n"
            "    # Votre code ici : rendre les poids du GRU (un dictionnaire ou un GRUParams)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def latch_params(T, mark_channel):\n"
            "    value = 1 + (1 - mark_channel)          # colonnes de [h, x_0, x_1] : 0 est h\n"
            "    mark = 1 + mark_channel\n"
            "    W_z, W_n = np.zeros((1, 3)), np.zeros((1, 3))\n"
            "    W_z[0, mark] = -40.0    # au pas marqué : z = σ(20 − 40) ≈ 0, on écrit le candidat\n"
            "    W_n[0, value] = 1.0     # n = tanh(v) ≈ v pour |v| ≤ 0,25\n"
            "    zero = np.zeros(1)\n"
            "    return {\"W_r\": np.zeros((1, 3)), \"b_r\": zero, \"W_z\": W_z,\n"
            "            \"b_z\": np.array([20.0]),       # ailleurs : z = σ(20), 1 − z ≈ 2·10⁻⁹, on garde\n"
            "            \"W_n\": W_n, \"b_n\": zero, \"b_hn\": zero}\n"
        ),
        hint=[
            "Deux rôles à régler. La porte z : proche de 1, elle garde l'état tel quel ; proche de 0, elle le "
            "remplace par le candidat. Il faut donc qu'elle ne tombe qu'au pas marqué, et que le candidat, à ce "
            "pas, soit la valeur. Et l'état doit tenir T pas : pensez à la demi-vie du chapitre 3.",
            "z_t = σ(b_z + w · m_t) avec b_z ≫ 0 et b_z + w ≪ 0 ; n_t = tanh(poids 1 sur le canal de la valeur), "
            "et tanh(v) ≈ v pour |v| ≤ 0,25 ; sur T pas, la valeur gardée est multipliée par z^T : il faut "
            "(1 − z) · T très petit devant 0,02 / 0,25.",
        ],
        cases=_latch_cases,
        check=_check_latch,
    ),
    ChoiceExercise(
        key="ex6",
        title="Ce qu'ont mesuré Greff et al.",
        points=1,
        minutes=5,
        level="comprendre",
        target="answer_greff",
        statement=(
            "Greff et al. (2017) ont comparé huit variantes du LSTM sur trois tâches, chacune réglée par une "
            "recherche aléatoire. Laquelle de ces modifications a dégradé les résultats de façon significative ?"
            " Écrivez la lettre choisie dans `answer_greff`."
        ),
        starter="answer_greff = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_greff = ex6.lettre(\"retirer la porte d'oubli\")  # sans porte d'oubli (NFG), la mémoire ne peut plus rien effacer\n",
        hint=[
            "Le chapitre cite deux éléments « critiques » du LSTM, et deux modifications sans effet significatif.",
        ],
        choices=_GREFF_CHOICES,
        answer="nfg",
        feedback={
            "cifg": "Coupler les portes (CIFG) n'a pas dégradé les résultats de façon significative : c'est même le "
                 "pont entre le LSTM et le GRU.",
            "np": "Retirer les peepholes (NP) n'a pas dégradé les résultats de façon significative : la cellule de "
                 "PyTorch n'en a pas.",
            "aucune": "Plusieurs modifications ont dégradé les résultats ; les deux qui les ont le plus "
                      "dégradés, sur les trois tâches : retirer la porte d'oubli (NFG) et "
                      "retirer l'activation de sortie (NOAF).",
        },
    ),
]
