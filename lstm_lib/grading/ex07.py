"""Exercices du chapitre 7 : la rétropropagation dans le temps.

Les références qui ont besoin de PyTorch (l'autograd de l'exercice 1) l'importent
à l'appel seulement : importer ce module n'importe pas torch.

Source unique du cahier ``exercises/ex07_retropropagation.ipynb`` et de sa ligne
dans ``exercises/index.md``, générés par ``python tools/make_exercises.py``
(format : :mod:`lstm_lib.grading.registry`).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import backward
from lstm_lib.cells import LSTMParams, lstm_step
from lstm_lib.grading import draw
from lstm_lib.grading._approfondir import flags_answer
from lstm_lib.grading.core import ChoiceExercise, FunctionExercise

NOTEBOOK = "ex07_retropropagation"
CHAPTER = "7. La rétropropagation dans le temps"
TITLE = "Exercices du chapitre 7 : la rétropropagation dans le temps"
INTRO = (
    "Ces exercices accompagnent le chapitre 7. Vous y écrivez à la main deux équations de la "
    "rétropropagation — le gradient d'une porte, jugé contre l'autograd de PyTorch, et celui de "
    "la mémoire —, puis un vérificateur de gradient par différences finies, que le correcteur met "
    "à l'épreuve avec des gradients faux ; vous prédisez jusqu'où remonte le gradient d'une BPTT "
    "tronquée, écrivez l'écrêtage de la norme et choisissez la bonne façon de couper l'état."
)

FIELDS = ("W_f", "b_f", "W_i", "b_i", "W_c", "b_c", "W_o", "b_o")
#: Les fonctions du livre qui font déjà les calculs demandés.
# « backward » seul n'y est pas : ce nom est aussi la méthode des tenseurs (loss.backward()), que
# surveille forbidden_paths (l'autograd) avec un message juste.
_BACKWARD = ("lstm_backward", "lstm_step_backward", "lstm_state_jacobians", "grads_from_torch",
             "d_output_gate", "d_memory", "d_forget_gate", "d_input_gate", "d_candidate", "d_memory_prev",
             "d_sigmoid_input", "d_tanh_input", "d_weights", "d_concat")

#: L'autograd de PyTorch, interdit là où l'énoncé demande le gradient à la main (surveillé pendant l'appel).
_AUTOGRAD = ("torch/autograd/", "torch/_functorch/")


# --------------------------------------------------------------------------
# ex1 : le gradient de la porte de sortie, contre l'autograd
# --------------------------------------------------------------------------

def _step_cases(rng):
    cases = []
    for _ in range(3):
        H, I = draw.sizes(rng)
        params = draw.params(rng, I, H)
        cases.append((draw.vector(rng, I), draw.unit(rng, H, low=-1, high=1), draw.vector(rng, H), params,
                      draw.vector(rng, H)))
    return cases


def _output_gate_autograd(x_t, h_prev, c_prev, params, d_h):
    """Référence : l'autograd de PyTorch à travers un ``nn.LSTMCell`` chargé avec ces poids."""
    import torch

    from lstm_lib.torch_bridge import grads_from_torch, params_to_torch

    cell = params_to_torch(params, torch.nn.LSTMCell(params.input_size, params.hidden_size).double())
    h, _ = cell(torch.tensor(x_t)[None], (torch.tensor(h_prev)[None], torch.tensor(c_prev)[None]))
    (h[0] * torch.tensor(d_h)).sum().backward()
    grads = grads_from_torch(cell)
    return grads.W_o, grads.b_o


def _output_gate_variant(derivative="sigmoid", memory="c", order="hx", squash=True):
    """Une erreur typique du gradient de la porte de sortie."""
    def wrong(x_t, h_prev, c_prev, params, d_h):
        r = lstm_step(x_t, h_prev, c_prev, params)
        c = r.c if memory == "c" else c_prev
        d_o = d_h * (np.tanh(c) if squash else c)
        d_a = {"sigmoid": d_o * r.o * (1 - r.o), "tanh": d_o * (1 - r.o ** 2), "none": d_o}[derivative]
        hx = np.concatenate([h_prev, x_t] if order == "hx" else [x_t, h_prev])
        return np.outer(d_a, hx), d_a
    return wrong


# --------------------------------------------------------------------------
# ex2 : le gradient de la mémoire
# --------------------------------------------------------------------------

def _memory_cases(rng):
    cases = []
    for shape in ((int(rng.integers(3, 7)),), (int(rng.integers(2, 5)), int(rng.integers(3, 6))), (4,)):
        cases.append((rng.normal(size=shape), draw.unit(rng, *shape), rng.normal(0, 1.5, size=shape),
                      rng.normal(size=shape), draw.unit(rng, *shape)))
    return cases


def _memory_reference(d_h, o, c, d_c_next, f_next):
    return backward.d_memory(d_h, o, c, d_c_next * f_next)


# --------------------------------------------------------------------------
# ex3 : un vérificateur de gradient, mis à l'épreuve par des gradients faux
# --------------------------------------------------------------------------

def _material(wrong, right):
    """Deux gradients nettement différents (pas seulement par les arrondis)."""
    return float(np.max(np.abs(wrong - right))) > 1e-3 * (1.0 + float(np.max(np.abs(right))))


def _plant(kind, grads, x, params, d_h, rng):
    """Des gradients faux d'une sorte donnée (erreurs réelles de rétropropagation), ou justes."""
    values = {n: getattr(grads, n).copy() for n in FIELDS}
    if kind == "une composante":            # une erreur d'indice qui touche un seul nombre
        name = FIELDS[int(rng.integers(len(FIELDS)))]
        index = tuple(int(rng.integers(size)) for size in values[name].shape)
        values[name][index] += 0.05 * (1.0 + np.max(np.abs(values[name])))
    elif kind == "un tableau":              # tout le gradient d'un tableau faux
        truncated = backward.lstm_backward(x, params, d_h, truncate=1).params
        candidates = [wrong for name in FIELDS for wrong in (
            (name, -values[name]),                   # un signe perdu
            (name, 2 * values[name]),                # compté deux fois (les deux biais de PyTorch)
            (name, getattr(truncated, name)),        # la récurrence oubliée : chaque pas pour lui seul
        ) if _material(wrong[1], values[name])]
        name, wrong = candidates[int(rng.integers(len(candidates)))]
        values[name] = wrong
    elif kind == "portes échangées":        # les gradients de f et de i rangés l'un à la place de l'autre
        values["W_f"], values["W_i"] = values["W_i"], values["W_f"]
    return LSTMParams(**values)


_PLANTED = ("juste", "une composante", "un tableau", "portes échangées")


def _grad_check_cases(rng):
    cases = []
    for kind in rng.permutation(_PLANTED):
        H, I = draw.sizes(rng)
        T = int(rng.integers(4, 7))
        params = LSTMParams.random(I, H, seed=int(rng.integers(2**31)), forget_bias=1.0)
        x, d_h = rng.normal(size=(T, I)), rng.normal(size=(T, H))
        grads = backward.lstm_backward(x, params, d_h).params
        cases.append((x, params, d_h, _plant(str(kind), grads, x, params, d_h, rng)))
    return cases


def _check_grad_check(args, got):
    x, params, d_h, grads = args
    names, problem = flags_answer(got, FIELDS, "le résultat de grad_check")
    if problem:
        return problem
    exact = backward.lstm_backward(x, params, d_h).params
    planted = sorted(n for n in FIELDS if _material(getattr(grads, n), getattr(exact, n)))
    if names == planted:
        return None
    accused = [n for n in names if n not in planted]
    missed = [n for n in planted if n not in names]
    if not planted:
        return (f"votre vérificateur accuse un gradient exact ({', '.join(accused)}) : la perte est-elle bien "
                f"L = Σ_t ⟨δh_t, h_t⟩ sur tous les pas, la différence centrée, ε ni trop petit ni trop grand "
                f"(10⁻⁶ en float64), et chaque poids retrouve-t-il sa valeur après avoir été perturbé ?")
    if accused:
        return (f"votre vérificateur accuse aussi des gradients justes ({', '.join(accused)}) : la perte est-elle "
                f"bien L = Σ_t ⟨δh_t, h_t⟩ sur tous les pas, et ne perturbez-vous qu'un poids à la fois, remis à sa "
                f"valeur ensuite ?")
    differing = [int(np.sum(np.abs(getattr(grads, n) - getattr(exact, n)) > 1e-9)) for n in missed]
    if all(k == 1 for k in differing):
        return ("un gradient faux sur une seule composante d'un tableau n'a pas été vu : comparez chaque "
                "composante à sa différence finie, pas une somme ni quelques composantes seulement")
    if not names:
        return ("votre vérificateur ne signale rien, alors que le correcteur lui a donné des gradients qu'il "
                "avait faussés : comparez-vous bien chaque gradient annoncé à sa différence finie ?")
    return ("un gradient faux planté par le correcteur n'a pas été vu : votre tolérance est-elle bien "
            "relative (l'écart rapporté à la taille de la dérivée) et assez stricte ?")


# --------------------------------------------------------------------------
# ex4 : jusqu'où remonte le gradient d'une BPTT tronquée
# --------------------------------------------------------------------------

def _reach_cases(rng):
    cases = []
    for n in range(4):
        k = int(rng.integers(2, 8))
        T = int(rng.integers(12, 31))
        if T % k == 0:  # T n'est pas un multiple de k : des tranches comptées depuis la fin se voient
            T += 1
        if n == 0:  # une seule perte, loin du début et pas en fin de tranche : chaque erreur typique s'y voit
            steps = [int(rng.choice([s for s in range(k, T) if s % k != k - 1]))]
        else:
            steps = sorted(int(step) for step in rng.choice(T, size=int(rng.integers(1, 4)), replace=False))
        cases.append((T, k, steps))
    return cases


def _reach_measured(T, k, loss_steps):
    """Référence **mesurée** : ``lstm_backward(truncate=k)`` sur une vraie cellule, pertes aux pas demandés."""
    rng = np.random.default_rng([T, k, *loss_steps])
    params = LSTMParams.random(2, 3, seed=int(rng.integers(2**31)), forget_bias=1.0)
    d_h = np.zeros((T, 3))
    d_h[list(loss_steps)] = rng.normal(size=(len(loss_steps), 3))
    grads = backward.lstm_backward(rng.normal(size=(T, 2)), params, d_h, truncate=k)
    return np.linalg.norm(grads.x, axis=-1) > 0


def _reach_variant(kind):
    def wrong(T, k, loss_steps):
        mask = np.zeros(T, bool)
        for s in loss_steps:
            if kind == "fenêtre":
                mask[max(0, s - k + 1):s + 1] = True
            elif kind == "tranche entière":
                mask[(s // k) * k:min(T, (s // k + 1) * k)] = True
            elif kind == "sans troncature":
                mask[:s + 1] = True
            elif kind == "depuis la fin":
                start = T - ((T - s - 1) // k + 1) * k
                mask[max(0, start):s + 1] = True
        return mask
    return wrong


# --------------------------------------------------------------------------
# ex5 : l'écrêtage de la norme
# --------------------------------------------------------------------------

def _clip_cases(rng):
    cases = []
    for scale in (0.1, 3.0, 30.0):
        grads = {name: rng.normal(0, scale, size=shape) for name, shape in
                 (("W_f", (3, 5)), ("b_f", (3,)), ("W_o", (3, 5)), ("b_o", (3,)))}
        norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
        # Un seuil loin de la norme : au-dessus pour le premier cas, en dessous pour les autres.
        max_norm = norm * float(rng.uniform(1.5, 3.0)) if scale < 1 else norm * float(rng.uniform(0.05, 0.5))
        cases.append((grads, max_norm))
    return cases


def _clip_reference(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    return {k: g * min(1.0, max_norm / norm) for k, g in grads.items()}


def _clip_per_tensor(grads, max_norm):
    return {k: g * min(1.0, max_norm / np.sqrt(np.sum(g ** 2))) for k, g in grads.items()}


def _clip_always(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    return {k: g * max_norm / norm for k, g in grads.items()}


def _clip_no_sqrt(grads, max_norm):
    squared = sum(np.sum(g ** 2) for g in grads.values())
    return {k: g * min(1.0, max_norm / squared) for k, g in grads.items()}


# --------------------------------------------------------------------------
# ex6 : couper l'état entre deux tranches
# --------------------------------------------------------------------------

_DETACH_CHOICES = {
    "retain_graph": "passer `retain_graph=True` à `loss.backward()` pour garder le graphe de la tranche",
    "zero_state": "remettre l'état `(h, c)` à zéro au début de chaque tranche",
    "detach": "détacher l'état (`.detach()`) avant de le passer à la tranche suivante",
    "zero_grad": "appeler `optimizer.zero_grad()` juste avant chaque `loss.backward()`",
}


EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="Le gradient de la porte de sortie",
        points=3,
        minutes=15,
        level="appliquer",
        target="output_gate_backward",
        statement=(
            "Sur un seul pas, la perte est $L = \\langle \\delta h, h_t \\rangle$ : elle ne lit que la sortie "
            "$h_t$, et `d_h` $= \\partial L / \\partial h_t$ est un vecteur de forme $(H,)$. Écrivez "
            "`output_gate_backward(x_t, h_prev, c_prev, params, d_h)` qui rend le tuple `(d_W_o, d_b_o)` "
            "des gradients de $L$ par rapport aux poids de la porte de sortie, $W_o$ de forme $(H, H + I)$ "
            "et $b_o$ de forme $(H,)$.\n\n"
            "Refaites d'abord la passe avant du pas (`lstm_lib.lstm_step(x_t, h_prev, c_prev, params)` est "
            "permis), puis remontez $h_t = o_t \\odot \\tanh(c_t)$, $o_t = \\sigma(a_o)$ et "
            "$a_o = W_o\\,[h_{t-1}, x_t] + b_o$. Le correcteur compare votre résultat à l'**autograd de "
            "PyTorch** (un `nn.LSTMCell` chargé avec les mêmes poids), sur des entrées tirées au moment de "
            "la correction. N'utilisez ni `lstm_lib.backward` ni l'autograd."
        ),
        starter=(
            "def output_gate_backward(x_t, h_prev, c_prev, params, d_h):\n"
            "    # Votre code ici : rendre (d_W_o, d_b_o)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def output_gate_backward(x_t, h_prev, c_prev, params, d_h):\n"
            "    record = lstm_lib.lstm_step(x_t, h_prev, c_prev, params)\n"
            "    d_o = d_h * np.tanh(record.c)                 # ① δo_t = δh_t ⊙ tanh(c_t)\n"
            "    d_a = d_o * record.o * (1 - record.o)         # ⑦ la dérivée de la sigmoïde\n"
            "    hx = np.concatenate([h_prev, x_t])\n"
            "    return np.outer(d_a, hx), d_a                 # ⑧ δW_o = δa_o [h, x]ᵀ, δb_o = δa_o\n"
        ),
        hint=[
            "Trois étages à remonter, de la perte vers les poids : la sortie h_t (à c_t fixé, h_t est "
            "proportionnel à o_t), la sigmoïde de la porte, puis le produit par [h_{t−1}, x_t]. "
            "Chaque étage multiplie le gradient par sa dérivée locale.",
            "δo_t = δh_t ⊙ tanh(c_t) ; δa_o = δo_t ⊙ o_t ⊙ (1 − o_t) ; "
            "δW_o = δa_o · [h_{t−1}, x_t]ᵀ (un produit extérieur, de forme (H, H + I)) ; δb_o = δa_o.",
        ],
        cases=_step_cases,
        reference=_output_gate_autograd,
        parts=("d_W_o", "d_b_o"),
        mistakes=[
            ("La dérivée de la sigmoïde semble oubliée : o_t = σ(a_o), donc δa_o = δo_t ⊙ o_t ⊙ (1 − o_t).",
             _output_gate_variant(derivative="none")),
            ("Vous semblez dériver o_t comme un tanh (1 − o²) : la porte de sortie est une sigmoïde, "
             "σ' = σ (1 − σ).", _output_gate_variant(derivative="tanh")),
            ("Vous semblez utiliser tanh(c_{t−1}) : la sortie du pas lit la mémoire mise à jour, "
             "h_t = o_t ⊙ tanh(c_t).", _output_gate_variant(memory="c_prev")),
            ("Le tanh de la mémoire semble oublié : h_t = o_t ⊙ tanh(c_t), donc δo_t = δh_t ⊙ tanh(c_t), "
             "pas δh_t ⊙ c_t.", _output_gate_variant(squash=False)),
            ("Les colonnes de δW_o semblent dans l'ordre [x, h] : le livre concatène [h_{t−1}, x_t], "
             "h d'abord.", _output_gate_variant(order="xh")),
        ],
        forbidden=_BACKWARD,
        forbidden_paths=_AUTOGRAD,
    ),
    FunctionExercise(
        key="ex2",
        title="Le gradient de la mémoire",
        points=2,
        minutes=5,
        level="appliquer",
        target="memory_backward",
        statement=(
            "Écrivez `memory_backward(d_h, o, c, d_c_next, f_next)` qui rend $\\delta c_t$, le gradient total "
            "de la mémoire au pas $t$ (l'équation ② du chapitre). Les arguments : `d_h` $= \\delta h_t$ "
            "(le gradient total de $h_t$), `o` $= o_t$, `c` $= c_t$, `d_c_next` $= \\delta c_{t+1}$ (le "
            "gradient de la mémoire du pas suivant) et `f_next` $= f_{t+1}$ (la porte d'oubli du pas "
            "suivant). Tous ont la même forme, $(H,)$ ou un lot $(B, H)$ ; le calcul est terme à terme."
        ),
        starter=(
            "def memory_backward(d_h, o, c, d_c_next, f_next):\n"
            "    # Votre code ici : rendre δc_t\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def memory_backward(d_h, o, c, d_c_next, f_next):\n"
            "    # c_t sert deux fois : pour h_t = o_t ⊙ tanh(c_t), et pour c_{t+1} = f_{t+1} ⊙ c_t + …\n"
            "    return d_h * o * (1 - np.tanh(c) ** 2) + d_c_next * f_next\n"
        ),
        hint=[
            "La mémoire c_t sert deux fois : pour la sortie du pas, à travers tanh puis la porte o_t, et pour "
            "la mémoire suivante, à travers la porte d'oubli f_{t+1}. Les gradients de ses deux usages "
            "s'additionnent.",
            "δc_t = δh_t ⊙ o_t ⊙ (1 − tanh² c_t) + δc_{t+1} ⊙ f_{t+1}.",
        ],
        cases=_memory_cases,
        reference=_memory_reference,
        mistakes=[
            ("Ce qui revient du pas suivant semble oublié : c_t sert aussi à c_{t+1} = f_{t+1} ⊙ c_t + …, "
             "d'où le terme δc_{t+1} ⊙ f_{t+1}.", lambda d_h, o, c, d_n, f_n: d_h * o * (1 - np.tanh(c) ** 2)),
            ("Le gradient du pas suivant semble ajouté sans la porte f_{t+1} : c_{t+1} = f_{t+1} ⊙ c_t + …, "
             "la dérivée par rapport à c_t est f_{t+1}.",
             lambda d_h, o, c, d_n, f_n: d_h * o * (1 - np.tanh(c) ** 2) + d_n),
            ("Vous semblez écrire la dérivée de tanh comme 1 − c² : c'est 1 − tanh²(c_t), la dérivée prise "
             "en c_t.", lambda d_h, o, c, d_n, f_n: d_h * o * (1 - c ** 2) + d_n * f_n),
            ("La porte de sortie semble oubliée : h_t = o_t ⊙ tanh(c_t), le chemin vers h_t passe par o_t.",
             lambda d_h, o, c, d_n, f_n: d_h * (1 - np.tanh(c) ** 2) + d_n * f_n),
            ("La dérivée de tanh semble appliquée aussi à ce qui revient du pas suivant : le chemin vers "
             "c_{t+1} ne passe pas par tanh.",
             lambda d_h, o, c, d_n, f_n: (d_h * o + d_n * f_n) * (1 - np.tanh(c) ** 2)),
        ],
        forbidden=_BACKWARD,
    ),
    FunctionExercise(
        key="ex3",
        title="Un vérificateur de gradient qui attrape les erreurs",
        points=3,
        minutes=40,
        level="déboguer",
        target="grad_check",
        statement=(
            "Un gradient écrit à la main se vérifie contre la définition de la dérivée. Écrivez "
            "`grad_check(x, params, d_h, grads)` :\n\n"
            "- `x` est une séquence $(T, I)$, `params` un `lstm_lib.LSTMParams`, `d_h` un tableau $(T, H)$ ; "
            "la perte est $L(\\theta) = \\sum_t \\langle \\delta h_t, h_t \\rangle$, où les $h_t$ viennent de "
            "`lstm_lib.lstm_forward(x, params)` (permis) ;\n"
            "- `grads` est un `LSTMParams` de gradients **annoncés** $\\partial L / \\partial \\theta$, "
            "peut-être faux ;\n"
            "- la fonction rend un dictionnaire `{nom: booléen}` pour les huit champs (`\"W_f\"`, `\"b_f\"`, …, "
            "`\"b_o\"`) : `True` si le gradient annoncé de ce champ s'écarte des différences finies centrées, "
            "`False` s'il est juste.\n\n"
            "Le modèle est petit : vérifiez **chaque** composante. Le correcteur donne à votre fonction des "
            "gradients justes et d'autres qu'il a faussés lui-même, de plusieurs façons (une composante, tout "
            "un tableau, deux portes échangées), et compare votre liste à ce qu'il a planté. N'utilisez ni "
            "`lstm_lib.backward` ni l'autograd : c'est le vérificateur qui doit juger."
        ),
        starter=(
            "def grad_check(x, params, d_h, grads):\n"
            "    # Votre code ici : rendre {\"W_f\": True ou False, …, \"b_o\": …}\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "FIELDS = (\"W_f\", \"b_f\", \"W_i\", \"b_i\", \"W_c\", \"b_c\", \"W_o\", \"b_o\")\n\n\n"
            "def grad_check(x, params, d_h, grads, eps=1e-6, tol=1e-6):\n"
            "    def loss(p):\n"
            "        trace, _ = lstm_lib.lstm_forward(x, p)\n"
            "        return np.sum(trace.h * d_h)             # L = Σ_t ⟨δh_t, h_t⟩\n\n"
            "    wrong = {}\n"
            "    for name in FIELDS:\n"
            "        value, claimed = getattr(params, name), getattr(grads, name)\n"
            "        wrong[name] = False\n"
            "        for index in np.ndindex(value.shape):\n"
            "            plus, minus = value.copy(), value.copy()\n"
            "            plus[index] += eps\n"
            "            minus[index] -= eps\n"
            "            numeric = (loss(lstm_lib.LSTMParams(**{**params.__dict__, name: plus}))\n"
            "                       - loss(lstm_lib.LSTMParams(**{**params.__dict__, name: minus}))) / (2 * eps)\n"
            "            if abs(numeric - claimed[index]) > tol * (1 + abs(numeric)):   # écart relatif\n"
            "                wrong[name] = True\n"
            "                break\n"
            "    return wrong\n"
        ),
        hint=[
            "Une différence finie ne suppose rien du calcul du gradient : on perturbe un seul poids, un peu "
            "vers le haut puis un peu vers le bas, et l'on regarde de combien la perte bouge. Un champ est "
            "faux dès qu'une de ses composantes s'écarte nettement de cette mesure.",
            "∂L/∂w ≈ (L(w + ε) − L(w − ε)) / (2ε), avec ε ≈ 10⁻⁶ en float64 (erreur de l'ordre de ε², plus "
            "les arrondis) ; écart jugé par rapport à la taille de la dérivée : |d − g| > 10⁻⁶ (1 + |d|).",
        ],
        cases=_grad_check_cases,
        check=_check_grad_check,
        forbidden=_BACKWARD,
        forbidden_paths=_AUTOGRAD,
    ),
    FunctionExercise(
        key="ex4",
        title="Jusqu'où remonte le gradient tronqué ?",
        points=2,
        minutes=15,
        level="analyser",
        target="gradient_reach",
        statement=(
            "Une séquence de $T$ pas (indices Python $0$ à $T - 1$) est rétropropagée en BPTT tronquée : "
            "elle est coupée en tranches $[0, k)$, $[k, 2k)$, … et le gradient ne franchit pas les coupures "
            "(un `.detach()` de l'état tous les $k$ pas, ou `lstm_backward(…, truncate=k)`). La perte ne lit "
            "l'état caché qu'aux pas de la liste `loss_steps`.\n\n"
            "Écrivez `gradient_reach(T, k, loss_steps)` qui rend un tableau de booléens de forme $(T,)$ : "
            "`True` au pas $t$ si l'entrée $x_t$ reçoit un gradient non nul, `False` sinon. C'est une "
            "question de raisonnement : n'appelez pas `lstm_backward`. Le correcteur, lui, **mesure** la "
            "réponse avec `lstm_backward(truncate=k)` sur une vraie cellule."
        ),
        starter=(
            "def gradient_reach(T, k, loss_steps):\n"
            "    # Votre code ici : un tableau de T booléens\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def gradient_reach(T, k, loss_steps):\n"
            "    reached = np.zeros(T, dtype=bool)\n"
            "    for s in loss_steps:\n"
            "        start = (s // k) * k          # le début de la tranche qui contient s\n"
            "        reached[start:s + 1] = True   # le gradient remonte jusque-là, jamais vers le futur\n"
            "    return reached\n"
        ),
        hint=[
            "Le gradient part de chaque perte et remonte le temps, pas à pas ; il s'arrête au début de la "
            "tranche où il est né. Une perte au pas s ne dépend d'aucune entrée venue après s.",
            "Pour une perte au pas s, les entrées touchées vont de k·⌊s/k⌋ (le début de sa tranche) à s "
            "inclus ; avec plusieurs pertes, c'est la réunion de ces intervalles.",
        ],
        cases=_reach_cases,
        reference=_reach_measured,
        mistakes=[
            ("Vous semblez compter k pas en arrière depuis chaque perte : les coupures sont fixes (0, k, 2k…), "
             "pas glissantes ; une perte juste après une coupure ne remonte que jusqu'à elle.",
             _reach_variant("fenêtre")),
            ("Vous semblez marquer toute la tranche : le gradient d'une perte au pas s ne va jamais vers les "
             "pas d'après s, qui n'ont pas servi à la calculer.", _reach_variant("tranche entière")),
            ("La troncature semble ignorée : avec des tranches de k pas, le gradient ne franchit pas la "
             "coupure qui précède la perte.", _reach_variant("sans troncature")),
            ("Vos tranches semblent comptées depuis la fin de la séquence : elles commencent au pas 0, "
             "[0, k), [k, 2k)…", _reach_variant("depuis la fin")),
        ],
        forbidden=_BACKWARD,
    ),
    FunctionExercise(
        key="ex5",
        title="L'écrêtage de la norme du gradient",
        points=2,
        minutes=10,
        level="appliquer",
        target="clip_by_norm",
        statement=(
            "Écrivez `clip_by_norm(grads, max_norm)` : `grads` est un dictionnaire de tableaux numpy (les "
            "gradients de tous les poids, par exemple `{\"W_f\": …, \"b_f\": …}`), `max_norm` un seuil "
            "$\\tau > 0$. La fonction rend un **nouveau** dictionnaire, mêmes clés, où tous les gradients "
            "sont multipliés par $\\min(1, \\tau / \\lVert g \\rVert)$, $\\lVert g \\rVert$ étant la norme "
            "de **tous** les gradients mis bout à bout — ce que fait `torch.nn.utils.clip_grad_norm_` "
            "(qui ajoute $10^{-6}$ à la norme ; vous pouvez le faire aussi)."
        ),
        starter=(
            "def clip_by_norm(grads, max_norm):\n"
            "    # Votre code ici : un nouveau dictionnaire, mêmes clés\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def clip_by_norm(grads, max_norm):\n"
            "    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))   # la norme globale\n"
            "    scale = min(1.0, max_norm / (norm + 1e-6))\n"
            "    return {name: g * scale for name, g in grads.items()}\n"
        ),
        hint=[
            "L'écrêtage garde la direction du gradient de tous les poids ensemble et n'en réduit que la "
            "longueur, seulement si elle dépasse le seuil. Un seul facteur, le même pour tous les tableaux.",
            "‖g‖ = √(Σ sur tous les tableaux et toutes leurs composantes de g²) ; facteur "
            "min(1, τ / ‖g‖).",
        ],
        cases=_clip_cases,
        reference=_clip_reference,
        mistakes=[
            ("Chaque tableau semble écrêté à sa propre norme : l'écrêtage de la norme utilise une seule "
             "norme, celle de tous les gradients ensemble, et un seul facteur (sinon la direction change).",
             _clip_per_tensor),
            ("Les valeurs semblent bornées une à une (comme np.clip ou clip_grad_value_) : l'écrêtage de la "
             "norme multiplie tout par un même facteur, la direction ne change pas.",
             lambda grads, max_norm: {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}),
            ("Le gradient semble remis à la norme τ même quand il était plus petit : le facteur est "
             "min(1, τ / ‖g‖), un petit gradient ne change pas.", _clip_always),
            ("La racine carrée semble oubliée : ‖g‖ = √(Σ g²).", _clip_no_sqrt),
        ],
    ),
    ChoiceExercise(
        key="ex6",
        title="Couper l'état entre deux tranches",
        points=1,
        minutes=5,
        level="comprendre",
        target="answer_detach",
        statement=(
            "Un entraînement avec état (l'état final `(h_n, c_n)` d'une tranche devient l'état initial de la "
            "suivante) s'arrête à la deuxième tranche sur « *RuntimeError: Trying to backward through the graph "
            "a second time* ». Quelle correction garde l'entraînement avec état, pour le même coût à chaque "
            "tranche ?"
            " Écrivez la lettre choisie dans `answer_detach`."
        ),
        starter="answer_detach = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_detach = ex6.lettre(\"`.detach()`\")  # la valeur de l'état passe, son historique de calcul non\n",
        hint=[
            "La perte de la deuxième tranche dépend de l'état initial, donc du graphe de la première, déjà "
            "rétropropagé. Il faut garder la valeur de l'état sans garder ce graphe.",
        ],
        choices=_DETACH_CHOICES,
        answer="detach",
        feedback={
            "retain_graph": "Le graphe de la première tranche serait gardé, mais ses poids ont été modifiés sur place par "
                 "optimizer.step() (une autre erreur), et chaque backward remonterait tout le flux, de plus en "
                 "plus cher.",
            "zero_state": "Plus d'erreur, mais plus d'entraînement avec état non plus : la passe avant ne transmettrait "
                 "plus rien d'une tranche à la suivante.",
            "zero_grad": "C'est utile, mais sans rapport : l'erreur vient du graphe de calcul, pas des gradients "
                 "accumulés dans .grad.",
        },
    ),
]
