"""Exercices du chapitre 5 : en pratique avec PyTorch.

Les références qui ont besoin de PyTorch l'importent à l'appel seulement :
importer ce module n'importe pas torch.

Source unique du cahier ``exercises/ex05_pytorch.ipynb`` et de sa ligne dans
``exercises/index.md``, générés par ``python tools/make_exercises.py`` (format :
:mod:`lstm_lib.grading.registry`).
"""

from __future__ import annotations

import numpy as np

from lstm_lib.data import radar_sequences
from lstm_lib.grading import draw
from lstm_lib.grading.core import ChoiceExercise, FunctionExercise, ValueExercise, as_array, describe
from lstm_lib.grading.secret import SecretCase, secret_of
from lstm_lib.style import format_fr

NOTEBOOK = "ex05_pytorch"
CHAPTER = "5. En pratique avec PyTorch"
TITLE = "Exercices du chapitre 5 : en pratique avec PyTorch"
INTRO = (
    "Ces exercices accompagnent le chapitre 5. Vous y passez des poids de `nn.LSTM` au format "
    "du livre, comptez les paramètres, initialisez le biais de la porte d'oubli et lisez la "
    "bonne sortie d'un lot de séquences de longueurs différentes ; puis vous réparez une boucle "
    "d'entraînement PyTorch qui tourne sans erreur mais n'apprend pas, et vous nommez ses bogues."
)

_BOOK_FIELDS = ("W_f", "b_f", "W_i", "b_i", "W_c", "b_c", "W_o", "b_o")


def _torch_cases(rng):
    cases = []
    for _ in range(2):
        H, I = draw.sizes(rng)
        cases.append((rng.normal(size=(4 * H, I)), rng.normal(size=(4 * H, H)),
                      rng.normal(size=4 * H), rng.normal(size=4 * H)))
    return cases


def _torch_reference(weight_ih, weight_hh, bias_ih, bias_hh):
    """Référence : un vrai ``nn.LSTM`` chargé avec ces poids, lu par ``params_from_torch``."""
    import torch

    from lstm_lib.torch_bridge import params_from_torch

    H, I = weight_hh.shape[1], weight_ih.shape[1]
    module = torch.nn.LSTM(I, H, dtype=torch.float64)
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.from_numpy(weight_ih))
        module.weight_hh_l0.copy_(torch.from_numpy(weight_hh))
        module.bias_ih_l0.copy_(torch.from_numpy(bias_ih))
        module.bias_hh_l0.copy_(torch.from_numpy(bias_hh))
    p = params_from_torch(module)
    return {name: getattr(p, name) for name in _BOOK_FIELDS}


def _torch_variant(order=None, x_first=False, both_biases=True):
    """Une conversion fausse (une erreur type) ; ``order=None`` : l'ordre de PyTorch, celui du pont."""
    def convert(weight_ih, weight_hh, bias_ih, bias_hh):
        from lstm_lib.torch_bridge import gate_rows

        H = weight_hh.shape[1]
        b = bias_ih + bias_hh if both_biases else bias_ih
        out = {}
        for k, gate in enumerate(order or "fico"):  # sans ordre donné, chaque porte à sa place chez PyTorch
            rows = gate_rows(gate, H) if order is None else slice(k * H, (k + 1) * H)
            blocks = [weight_ih[rows], weight_hh[rows]] if x_first else [weight_hh[rows], weight_ih[rows]]
            out[f"W_{gate}"] = np.concatenate(blocks, axis=1)
            out[f"b_{gate}"] = b[rows]
        return out
    return convert


def _check_n_params(n: float):
    import torch

    torch.manual_seed(0)
    module = torch.nn.LSTM(input_size=2, hidden_size=64, num_layers=2, batch_first=True)
    expected = sum(p.numel() for p in module.parameters())
    if n == expected:
        return None
    one_layer = sum(p.numel() for name, p in module.named_parameters() if name.endswith("l0"))
    one_bias = expected - sum(p.numel() for name, p in module.named_parameters() if name.startswith("bias_hh"))
    if n == one_layer:
        return "c'est le compte d'une seule couche : le module en a deux"
    if n == one_bias:
        return "vous comptez un seul biais par porte : PyTorch en a deux, bias_ih et bias_hh"
    return "ce n'est pas le bon nombre de paramètres"


def _bias_cases(rng):
    return [(rng.normal(size=4 * H), rng.normal(size=4 * H), float(rng.uniform(0.5, 2.0)))
            for H in (int(rng.integers(3, 7)) for _ in range(3))]


def _check_bias(args, got):
    from lstm_lib.torch_bridge import gate_rows

    bias_ih, bias_hh, value = args
    H = bias_ih.shape[0] // 4
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return "la fonction doit rendre le tuple (new_ih, new_hh) des deux biais modifiés"
    arrays = []
    for k, g in enumerate(got):
        arr = as_array(g)  # tableau, liste ou tenseur : la règle de tous les exercices
        if arr is None or arr.shape != bias_ih.shape or arr.dtype.kind != "f":
            return f"l'élément n° {k + 1} doit être un tableau de flottants de forme {bias_ih.shape}"
        if not np.all(np.isfinite(arr)):
            return f"l'élément n° {k + 1} contient des NaN ou des infinis"
        arrays.append(arr)
    total = arrays[0] + arrays[1]
    original = bias_ih + bias_hh
    forget, input_rows = gate_rows("f", H), gate_rows("i", H)
    others = np.ones(4 * H, bool)
    others[forget] = False
    if np.allclose(total[forget], 2 * value):
        return "la valeur est mise dans les deux biais : leur somme, le vrai biais de la porte, vaut alors le double"
    if np.allclose(total[input_rows], value) and not np.allclose(total[forget], value):
        return "c'est la tranche de la porte d'entrée : dans PyTorch, les blocs sont dans l'ordre i, f, g, o"
    if not np.allclose(total[forget], value) and (
        np.allclose(arrays[0][forget], value) or np.allclose(arrays[1][forget], value)
    ):
        return ("la valeur est dans un des biais, mais l'autre garde sa tranche : le biais effectif "
                "de la porte est leur somme")
    if not np.allclose(total[forget], value):
        return "le biais total de la porte d'oubli (bias_ih + bias_hh sur sa tranche) ne vaut pas la valeur demandée"
    if not np.allclose(total[others], original[others]):
        return "les autres portes (i, g, o) ont été modifiées : ne touchez qu'à la tranche de la porte d'oubli"
    return None


def _last_cases(rng):
    cases = []
    for _ in range(3):
        B, T, H = int(rng.integers(3, 6)), int(rng.integers(6, 10)), int(rng.integers(2, 5))
        # Sans empaquetage, le LSTM calcule aussi des sorties sur le remplissage :
        # elles existent, mais ne veulent rien dire.
        lengths = rng.integers(1, T, size=B)
        output = rng.normal(size=(B, T, H))
        cases.append((output, lengths.astype(np.int64)))
    return cases


# --------------------------------------------------------------------------
# ex7 et ex8 — Une boucle d'entraînement aux bogues silencieux
# --------------------------------------------------------------------------

#: Les séquences de l'exercice : l'événement commence entre les pas 15 et 20 d'une séquence de 30 pas.
LOOP_DATA = {"T": 30, "bump_position": (15, 20)}
LOOP_TARGET = 0.9

BUGGY_LOOP = f"""import torch
from torch import nn

torch.set_num_threads(1)  # un si petit LSTM va plus vite sur un seul fil, et reste reproductible

# Les données de l'exercice : 0 bruit, 1 bosse, 2 pic.
train = lstm_lib.radar_sequences(600, T={LOOP_DATA['T']}, bump_position={LOOP_DATA['bump_position']}, seed=1)
test = lstm_lib.radar_sequences(300, T={LOOP_DATA['T']}, bump_position={LOOP_DATA['bump_position']}, seed=2)


def buggy_train_and_predict(x_train, y_train, x_test, seed):
    torch.manual_seed(seed)                                        # (a)
    H = 16
    lstm = nn.LSTM(input_size=2, hidden_size=H)                    # (b)
    head = nn.Linear(H, 3)
    with torch.no_grad():
        lstm.bias_ih_l0[:H] = 1.0                                  # (c)
        lstm.bias_hh_l0[:H] = 0.0
    parameters = list(lstm.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(parameters, lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.as_tensor(x_train, dtype=torch.float32)              # (d)
    y = torch.as_tensor(y_train)
    batches = torch.Generator().manual_seed(seed)
    for step in range(600):
        idx = torch.randint(0, len(x), (64,), generator=batches)
        output, _ = lstm(x[idx])
        logits = head(output[:, -1])                               # (e)
        loss = loss_fn(torch.softmax(logits, dim=-1), y[idx])      # (f)
        loss.backward()                                            # (g)
        optimizer.step()
    with torch.no_grad():
        output, _ = lstm(torch.as_tensor(x_test, dtype=torch.float32))
        return head(output[:, -1]).argmax(dim=-1).numpy()          # (h)


# Essayez-la (quelques secondes) :
# predicted = buggy_train_and_predict(train.x, train.labels, test.x, seed=0)
# print("exactitude :", (predicted == test.labels).mean())
"""


def _loop_cases(rng):
    """600 séquences d'entraînement, 300 de test dont le juge garde les étiquettes, et deux graines :
    deux entraînements, dont un seul doit réussir (``any_case``). La boucle corrigée reste parfois sur
    le plateau du chapitre 5 (lecture au dernier pas) : mesuré sur la solution de référence, 1 graine
    sur 61 à 66 % après 600 pas ; avec deux graines, une copie juste ne perd plus ses points au hasard."""
    seeds = rng.integers(2**31, size=3)
    train = radar_sequences(600, seed=int(seeds[0]), **LOOP_DATA)
    test = radar_sequences(300, seed=int(seeds[1]), **LOOP_DATA)
    first = int(seeds[2]) % 10_000
    return [SecretCase((train.x, train.labels, test.x, seed), secret=test.labels)
            for seed in (first, (first + 1 + int(rng.integers(9_999))) % 10_000)]


def _check_loop(args, got):
    x_test = args[2]
    labels = secret_of(args)
    n = len(x_test)
    predicted = as_array(got)
    if predicted is not None and predicted.shape == (n, 3) and predicted.dtype.kind == "f":
        predicted = predicted.argmax(axis=1)  # des logits plutôt que des classes : on prend la plus probable
    if predicted is None or predicted.shape != (n,):
        shape = f"de forme {predicted.shape}" if predicted is not None else describe(got)
        return f"la fonction doit rendre une classe par séquence de x_test, un tableau de forme ({n},) ; reçu {shape}"
    if predicted.dtype.kind not in "iu" and not np.all(np.isin(predicted, (0, 1, 2))):
        return "les classes prédites doivent être des entiers 0, 1 ou 2"
    accuracy = float(np.mean(predicted == labels))
    if accuracy >= LOOP_TARGET:
        return None
    measured = (f"sur {n} séquences neuves, vos prédictions sont justes à {format_fr(100 * accuracy, 1)} % "
                f"(hasard : 33 %) ; il en faut au moins {format_fr(100 * LOOP_TARGET, 0)} %")
    if accuracy < 0.45:
        return (f"{measured}. Le modèle n'a rien appris d'utile : chaque séquence du lot est-elle lue "
                f"séparément, et chaque pas d'optimisation part-il de ses seuls gradients ?")
    if accuracy < 0.8:
        return (f"{measured}. Le modèle sépare sans doute le bruit des échos, mais pas une bosse d'un pic : "
                f"il doit se souvenir de l'événement jusqu'au dernier pas")
    return measured


EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="Des poids de PyTorch au format du livre",
        points=3,
        minutes=20,
        level="appliquer",
        target="torch_to_book",
        statement=(
            "`nn.LSTM` range les poids d'une couche dans `weight_ih` $(4H, I)$, `weight_hh` "
            "$(4H, H)$ et deux biais `bias_ih`, `bias_hh` $(4H,)$, les blocs de $H$ lignes étant "
            "dans l'ordre **i, f, g, o** (g est notre candidat $\\hat{c}$). Écrivez "
            "`torch_to_book(weight_ih, weight_hh, bias_ih, bias_hh)` qui reçoit ces quatre "
            "tableaux numpy et rend un `lstm_lib.LSTMParams` au format du livre (champs "
            "`W_f, b_f, W_i, b_i, W_c, b_c, W_o, b_o`) : pour chaque porte, une matrice de forme "
            "$(H, H + I)$ qui agit sur $[h_{t-1}, x_t]$ et un seul biais, de forme $(H,)$."
        ),
        starter=(
            "def torch_to_book(weight_ih, weight_hh, bias_ih, bias_hh):\n"
            "    # Votre code ici : découper les blocs i, f, g, o et rendre un lstm_lib.LSTMParams\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def torch_to_book(weight_ih, weight_hh, bias_ih, bias_hh):\n"
            "    H = weight_hh.shape[1]\n"
            "    b = bias_ih + bias_hh\n"
            "    values = {}\n"
            "    for k, gate in enumerate([\"i\", \"f\", \"c\", \"o\"]):\n"
            "        rows = slice(k * H, (k + 1) * H)\n"
            "        values[f\"W_{gate}\"] = np.concatenate([weight_hh[rows], weight_ih[rows]], axis=1)\n"
            "        values[f\"b_{gate}\"] = b[rows]\n"
            "    return lstm_lib.LSTMParams(**values)\n"
        ),
        hint=[
            "Chaque tenseur de PyTorch empile quatre blocs de H lignes, un par porte, dans l'ordre i, f, g, o "
            "(g est le candidat) : le bloc k occupe les lignes k·H à (k + 1)·H.",
            "h vient d'abord dans [h_{t−1}, x_t] : la matrice d'une porte juxtapose son bloc de weight_hh "
            "puis son bloc de weight_ih ; son biais est la somme de ses blocs de bias_ih et de bias_hh.",
        ],
        cases=_torch_cases,
        reference=_torch_reference,
        parts={f"W_{g}, b_{g}": (f"W_{g}", f"b_{g}") for g in ("f", "i", "c", "o")},
        mistakes=[
            ("f et i semblent échangées : dans PyTorch, le premier bloc est i, le deuxième f.",
             _torch_variant(order=("f", "i", "c", "o"))),
            ("Un seul biais semble pris : le biais du livre est la somme bias_ih + bias_hh.",
             _torch_variant(both_biases=False)),
            ("Les blocs semblent concaténés dans l'ordre [W_ih | W_hh] : le livre met h d'abord, [W_hh | W_ih].",
             _torch_variant(x_first=True)),
        ],
        forbidden=("params_from_torch", "params_to_torch", "NumpyLSTM", "from_torch"),
    ),
    ValueExercise(
        key="ex2",
        title="Compter les paramètres",
        points=2,
        minutes=5,
        level="appliquer",
        target="n_params",
        statement=(
            "Combien de paramètres a `nn.LSTM(input_size=2, hidden_size=64, num_layers=2, "
            "batch_first=True)` ? Calculez-le à la main (ou avec une formule en Python), puis "
            "vérifiez avec PyTorch si vous voulez ; écrivez l'entier dans `n_params`."
        ),
        starter="n_params = ...  # un entier\n",
        solution=(
            "# couche 1 : 4·64·(2 + 64) + 2·4·64 = 17 408 ; couche 2 : 4·64·(64 + 64) + 2·4·64 = 33 280\n"
            "n_params = 17_408 + 33_280  # 50 688\n"
        ),
        hint=[
            "Comptez couche par couche : chaque porte a une matrice qui lit l'entrée, une qui lit h, et, "
            "chez PyTorch, deux vecteurs de biais.",
            "Par couche : 4H·(entrée + H) poids et 2·4H biais ; l'entrée de la deuxième couche est de taille H.",
        ],
        helper=(
            "# Pour vérifier (facultatif) :\n"
            "# import torch\n"
            "# sum(p.numel() for p in torch.nn.LSTM(2, 64, num_layers=2, batch_first=True).parameters())\n"
        ),
        check=_check_n_params,
    ),
    FunctionExercise(
        key="ex3",
        title="Le biais de la porte d'oubli",
        points=2,
        minutes=15,
        level="appliquer",
        target="init_forget_bias",
        statement=(
            "Jozefowicz et al. (2015) recommandent un biais de porte d'oubli de 1 ; PyTorch ne le "
            "fait pas. Écrivez `init_forget_bias(bias_ih, bias_hh, value)` qui rend le tuple "
            "`(new_ih, new_hh)` de **copies** des deux biais $(4H,)$ telles que le biais total de "
            "la porte d'oubli (la somme des deux sur sa tranche) vaille `value`, sans changer "
            "les autres portes."
        ),
        starter=(
            "def init_forget_bias(bias_ih, bias_hh, value):\n"
            "    # Votre code ici : modifier la tranche de la porte d'oubli (ordre i, f, g, o)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def init_forget_bias(bias_ih, bias_hh, value):\n"
            "    H = bias_ih.shape[0] // 4\n"
            "    new_ih, new_hh = bias_ih.copy(), bias_hh.copy()\n"
            "    new_ih[H:2 * H] = value\n"
            "    new_hh[H:2 * H] = 0.0\n"
            "    return new_ih, new_hh\n"
        ),
        hint=[
            "Le biais effectif d'une porte est la somme des deux biais de PyTorch ; les blocs y sont dans "
            "l'ordre i, f, g, o.",
            "La porte d'oubli occupe le deuxième bloc, les lignes H à 2H − 1 : la somme des deux biais doit y "
            "valoir la valeur demandée, et rien ne change ailleurs.",
        ],
        cases=_bias_cases,
        check=_check_bias,
    ),
    FunctionExercise(
        key="ex4",
        title="La dernière sortie valide",
        points=2,
        minutes=10,
        level="appliquer",
        target="last_valid_output",
        statement=(
            "Un lot de séquences de longueurs différentes, complétées par des zéros, donne une "
            "sortie `output` de forme $(B, T, H)$ et les longueurs `lengths` (entiers, forme $(B,)$). "
            "Écrivez `last_valid_output(output, lengths)` qui rend, pour chaque séquence, la sortie "
            "de son **dernier pas valide** : un tableau de forme $(B, H)$."
        ),
        starter=(
            "def last_valid_output(output, lengths):\n"
            "    # Votre code ici\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def last_valid_output(output, lengths):\n"
            "    batch = np.arange(output.shape[0])\n"
            "    return output[batch, lengths - 1]\n"
        ),
        hint=[
            "Une séquence de longueur L finit à l'indice L − 1 ; au-delà, output contient des sorties "
            "calculées sur le remplissage.",
            "Il faut, pour chaque séquence b, la ligne output[b, L_b − 1] : un pas différent par séquence, "
            "que l'indexation avancée de numpy (un tableau d'indices par dimension) prend d'un coup.",
        ],
        cases=_last_cases,
        reference=lambda output, lengths: output[np.arange(output.shape[0]), lengths - 1],
        mistakes=[
            ("Vous prenez le dernier pas du tableau : pour les séquences courtes, c'est du remplissage.",
             lambda output, lengths: output[:, -1]),
            ("Décalage d'un pas : une séquence de longueur L finit à l'indice L − 1.",
             lambda output, lengths: output[np.arange(output.shape[0]), lengths]),
        ],
    ),
    ChoiceExercise(
        key="ex5",
        title="La forme de h_n",
        points=1,
        minutes=5,
        level="comprendre",
        target="answer_h_n_shape",
        statement=(
            "On passe un lot de 8 séquences de 50 pas dans `nn.LSTM(input_size=2, hidden_size=64, "
            "num_layers=2, batch_first=True)`. Quelle est la forme de `h_n` ? "
            "Écrivez la lettre choisie dans `answer_h_n_shape`."
        ),
        starter="answer_h_n_shape = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_h_n_shape = ex5.lettre(\"(2, 8, 64)\")  # batch_first ne change que input et output\n",
        hint="batch_first=True ne change que la forme de l'entrée et de la sortie output.",
        choices={"8x2x64": "(8, 2, 64)", "2x8x64": "(2, 8, 64)", "8x50x64": "(8, 50, 64)",
                 "50x8x64": "(50, 8, 64)"},
        answer="2x8x64",
        feedback={
            "8x2x64": "batch_first=True ne s'applique pas à h_n et c_n : leur premier axe est celui des couches.",
            "8x50x64": "C'est la forme de output (avec batch_first=True), pas celle de h_n.",
            "50x8x64": "C'est la forme de output sans batch_first ; h_n ne garde que le dernier pas, pour chaque "
                       "couche.",
        },
    ),
    ChoiceExercise(
        key="ex6",
        title="Le remplissage est-il neutre ?",
        points=1,
        minutes=5,
        level="comprendre",
        target="answer_padding",
        statement=(
            "Des séquences de longueurs différentes sont complétées par des zéros jusqu'à la même "
            "longueur. Le LSTM ignore-t-il ces zéros ? Écrivez la lettre choisie dans `answer_padding`."
        ),
        starter="answer_padding = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_padding = ex6.lettre(\"empaqueter\")  # avec x_t = 0, les portes valent σ(W_h h + b)\n",
        hint="Avec x_t = 0, que vaut W · [h_{t−1}, 0] + b ?",
        choices={
            "biais": "non : h et les biais font encore bouger l'état ; il faut empaqueter ou masquer",
            "neutre": "oui : une entrée nulle ne change pas l'état, la cellule reste où elle est",
            "batch_first": "oui, à condition de passer batch_first=True au moment de créer le LSTM",
            "fin": "oui, tant que les zéros sont placés à la fin des séquences, et jamais au début",
        },
        answer="biais",
        feedback={
            "neutre": "Avec x_t = 0, la pré-activation vaut encore W_h · h_{t−1} + b : les portes bougent.",
            "batch_first": "batch_first ne change que l'ordre des axes du tenseur, pas le calcul de la cellule.",
            "fin": "À la fin, les zéros font bouger l'état après le dernier vrai pas : h_n n'est plus celui de "
                   "la séquence.",
        },
    ),
    FunctionExercise(
        key="ex7",
        title="Réparer une boucle d'entraînement",
        points=3,
        minutes=40,
        level="déboguer",
        target="train_and_predict",
        statement=(
            "La cellule d'aide ci-dessous définit `buggy_train_and_predict(x_train, y_train, x_test, seed)` : "
            "elle entraîne un petit LSTM à classer des séquences radar (0 bruit, 1 bosse, 2 pic ; 30 pas, "
            "l'événement commence entre les pas 15 et 20) puis rend la classe prédite pour chaque séquence de "
            "`x_test`. Elle tourne sans la moindre erreur… et contient **quatre bogues silencieux**. "
            "Exécutez-la, mesurez son exactitude sur `test`, puis écrivez `train_and_predict`, la même "
            "boucle **corrigée** : même modèle, même optimiseur, mêmes 600 pas, la graine `seed` utilisée "
            "comme dans l'original, sans `lstm_lib.training.fit` ni `SequenceModel`.\n\n"
            "Le correcteur l'appelle deux fois, avec deux graines, sur des séquences neuves tirées au "
            "moment de la correction, et mesure l'exactitude de vos prédictions (un tableau de forme $(n,)$ "
            "d'entiers 0, 1 ou 2) : il faut au moins **90 %** à l'un des deux entraînements (une boucle "
            "juste reste parfois, pour une graine, sur le plateau du chapitre 5). L'entraînement doit durer quelques secondes au plus. Sur cette tâche, "
            "deux des quatre bogues empêchent tout apprentissage et se voient dans l'exactitude ; les deux "
            "autres la changent peu : c'est l'exercice 8 qui vous demande de les nommer tous."
        ),
        starter=(
            "def train_and_predict(x_train, y_train, x_test, seed):\n"
            "    # Recopiez ici buggy_train_and_predict (cellule d'aide), puis corrigez-la.\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "import torch\n"
            "from torch import nn\n\n"
            "torch.set_num_threads(1)  # comme dans la cellule d'aide : plus rapide, et reproductible\n\n\n"
            "def train_and_predict(x_train, y_train, x_test, seed):\n"
            "    torch.manual_seed(seed)                                        # (a)\n"
            "    H = 16\n"
            "    lstm = nn.LSTM(input_size=2, hidden_size=H, batch_first=True)  # (b) les lots sont (N, T, I)\n"
            "    head = nn.Linear(H, 3)\n"
            "    with torch.no_grad():\n"
            "        lstm.bias_ih_l0[H:2 * H] = 1.0                             # (c) la porte d'oubli : 2e bloc\n"
            "        lstm.bias_hh_l0[H:2 * H] = 0.0\n"
            "    parameters = list(lstm.parameters()) + list(head.parameters())\n"
            "    optimizer = torch.optim.Adam(parameters, lr=1e-2)\n"
            "    loss_fn = nn.CrossEntropyLoss()\n"
            "    x = torch.as_tensor(x_train, dtype=torch.float32)              # (d)\n"
            "    y = torch.as_tensor(y_train)\n"
            "    batches = torch.Generator().manual_seed(seed)\n"
            "    for step in range(600):\n"
            "        idx = torch.randint(0, len(x), (64,), generator=batches)\n"
            "        output, _ = lstm(x[idx])\n"
            "        logits = head(output[:, -1])                               # (e)\n"
            "        loss = loss_fn(logits, y[idx])                             # (f) des logits, pas un softmax\n"
            "        optimizer.zero_grad()                                      # (g) sinon les gradients s'additionnent\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "    with torch.no_grad():\n"
            "        output, _ = lstm(torch.as_tensor(x_test, dtype=torch.float32))\n"
            "        return head(output[:, -1]).argmax(dim=-1).numpy()          # (h)\n"
        ),
        hint=[
            "Une boucle qui tourne sans erreur peut quand même ne rien apprendre. Vérifiez, ligne à ligne, "
            "ce que chaque appel attend : la disposition du lot, la tranche de chaque porte dans les biais, "
            "ce que prend CrossEntropyLoss, ce que deviennent les gradients d'un pas au suivant.",
            "Quatre lieux : la construction du LSTM (batch_first), la tranche de la porte d'oubli (ordre "
            "i, f, g, o), l'entrée de la perte (des logits bruts) et la remise à zéro des gradients avant "
            "chaque rétropropagation.",
        ],
        helper=BUGGY_LOOP,
        cases=_loop_cases,
        check=_check_loop,
        any_case=True,
        harvest_seconds=60,  # deux entraînements de 600 pas : 2 s chacun au repos, 10 s sur une machine chargée
        forbidden=("fit", "SequenceModel"),
    ),
    ChoiceExercise(
        key="ex8",
        title="Nommer les bogues",
        points=2,
        minutes=15,
        level="déboguer",
        target="bug_lines",
        statement=(
            "Dans `buggy_train_and_predict` (cellule d'aide de l'exercice 7), huit lignes sont marquées "
            "de **(a)** à **(h)**. Pour chacune, dites si elle est fautive (`True`) ou juste (`False`) : "
            "une ligne est fautive si elle doit changer dans la correction la plus petite, les autres lignes "
            "étant corrigées (pour **(g)**, la ligne et ce qui devrait l'entourer) :\n\n"
            "- **a** : `torch.manual_seed(seed)` ;\n"
            "- **b** : `lstm = nn.LSTM(input_size=2, hidden_size=H)` ;\n"
            "- **c** : `lstm.bias_ih_l0[:H] = 1.0` (et `bias_hh_l0[:H] = 0.0`) ;\n"
            "- **d** : `x = torch.as_tensor(x_train, dtype=torch.float32)` ;\n"
            "- **e** : `logits = head(output[:, -1])` ;\n"
            "- **f** : `loss = loss_fn(torch.softmax(logits, dim=-1), y[idx])` ;\n"
            "- **g** : `loss.backward()` suivi de `optimizer.step()` ;\n"
            "- **h** : `head(output[:, -1]).argmax(dim=-1)` pour prédire.\n\n"
            "Remplissez le dictionnaire `bug_lines`."
        ),
        starter=(
            "bug_lines = {\n"
            "    \"a\": None,  # True (fautive) ou False (juste)\n"
            "    \"b\": None,\n"
            "    \"c\": None,\n"
            "    \"d\": None,\n"
            "    \"e\": None,\n"
            "    \"f\": None,\n"
            "    \"g\": None,\n"
            "    \"h\": None,\n"
            "}\n"
        ),
        solution=(
            "bug_lines = {\n"
            "    \"a\": False,  # la graine rend l'entraînement reproductible\n"
            "    \"b\": True,   # sans batch_first=True, (N, T, I) est lu comme (T, N, I) : les séquences se mélangent\n"
            "    \"c\": True,   # [:H] est la porte d'entrée ; la porte d'oubli est [H:2H]\n"
            "    \"d\": False,  # les poids sont en float32\n"
            "    \"e\": False,  # avec batch_first=True et sans remplissage, output[:, -1] est h_n[-1]\n"
            "    \"f\": True,   # CrossEntropyLoss applique déjà log-softmax : elle veut des logits\n"
            "    \"g\": True,   # sans optimizer.zero_grad(), les gradients de tous les pas s'additionnent\n"
            "    \"h\": False,  # la classe prédite est celle du plus grand logit\n"
            "}\n"
        ),
        hint=[
            "Pour chaque ligne, demandez-vous ce que l'appel attend et ce qu'il reçoit vraiment ; "
            "une ligne juste peut sembler étrange, une ligne fautive peut sembler banale.",
            "Le chapitre 5 en montre deux (batch_first, la tranche du biais d'oubli) ; la documentation "
            "de CrossEntropyLoss et celle de backward disent les deux autres.",
        ],
        questions={key: "" for key in "abcdefgh"},
        answers={"a": False, "b": True, "c": True, "d": False, "e": False, "f": True, "g": True, "h": False},
    ),
]
