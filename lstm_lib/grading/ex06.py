"""Exercices du chapitre 6 : la bidirectionnalité.

Source unique du cahier ``exercises/ex06_bidirectionnalite.ipynb`` et de sa ligne dans
``exercises/index.md``, générés par ``python tools/make_exercises.py`` (format :
:mod:`lstm_lib.grading.registry`).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import sequences
from lstm_lib.grading import draw
from lstm_lib.grading.core import ChoiceExercise, FunctionExercise, as_number, describe, join_fr
from lstm_lib.grading.secret import SecretCase, secret_of

NOTEBOOK = "ex06_bidirectionnalite"
CHAPTER = "6. La bidirectionnalité"
TITLE = "Exercices du chapitre 6 : la bidirectionnalité"
INTRO = (
    "Ces exercices accompagnent le chapitre 6. Vous y écrivez une lecture bidirectionnelle, "
    "vous retrouvez les états finaux des deux sens, vous résumez une séquence par un pooling "
    "masqué et vous décidez quand un LSTM bidirectionnel est permis ; enfin, à partir de ses seules "
    "sorties sur des entrées tronquées, vous mesurez de combien de pas un modèle inconnu lit l'avenir, "
    "puis vous trouvez l'étape d'un pipeline de prévision qui fuit."
)


def _bidir_cases(rng):
    cases = []
    for _ in range(2):
        H, I = draw.sizes(rng)
        T = int(rng.integers(4, 9))
        cases.append((rng.normal(size=(T, I)), *draw.two_directions(rng, I, H)))
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
    """Des lots dont le remplissage est du bruit (jamais des zéros) : une moyenne non masquée ne tombe pas juste."""
    cases = []
    for _ in range(3):
        B, T, D = int(rng.integers(3, 6)), int(rng.integers(5, 9)), int(rng.integers(2, 5))
        h, _, mask = draw.padded_batch(rng, B, T, D)
        cases.append((h, mask))
    return cases


# --------------------------------------------------------------------------
# ex6 — Mesurer une anticipation : de combien de pas un modèle lit-il l'avenir ?
# --------------------------------------------------------------------------

#: Les anticipations possibles des modèles tirés par le correcteur (0 : un modèle causal).
LOOKAHEADS = (0, 1, 2, 3, 5)
#: Une sortie qui lit plus loin que l'entrée tronquée change au moins de cet écart.
LOOKAHEAD_GAP = 1e-3


def _readers_model(rng, k):
    """Deux lecteurs, comme un LSTM bidirectionnel, mais dont le lecteur arrière ne lit que k pas.

    Au pas t : un LSTM avant (causal, il a lu x[0..t]) et un LSTM arrière qui part de zéro
    et lit x[min(t + k, fin)], …, x[t] ; la sortie est tanh(w · [h→_t ; h←_t] + b).
    """
    H = int(rng.integers(2, 5))
    p_fwd, p_bwd = draw.params(rng, 1, H), draw.params(rng, 1, H)
    w, b = rng.normal(0.0, 1.5, size=2 * H), float(rng.normal(0.0, 0.3))

    def outputs(x):
        X = x[:, None]
        h_fwd = sequences.lstm_forward(X, p_fwd)[0].h
        y = np.empty(len(x))
        for t in range(len(x)):
            h_bwd = sequences.lstm_forward(X[t:t + k + 1][::-1], p_bwd)[1][0]
            y[t] = np.tanh(np.dot(np.concatenate([h_fwd[t], h_bwd]), w) + b)
        return y

    return outputs


def _window_model(rng, k):
    """Un filtre non linéaire sur une fenêtre glissante x[t − p .. t + k] (coupée aux bords)."""
    past = int(rng.integers(1, 4))
    coefs = rng.normal(0.0, 1.0, size=past + 1 + k)
    coefs[-1] = np.sign(coefs[-1]) * (0.5 + abs(coefs[-1]))  # le pas le plus lointain compte vraiment
    bias = float(rng.normal(0.0, 0.3))

    def outputs(x):
        y = np.empty(len(x))
        for t in range(len(x)):
            lo, hi = max(0, t - past), min(len(x), t + k + 1)
            y[t] = np.tanh(np.dot(x[lo:hi], coefs[lo - (t - past):hi - (t - past)]) + bias)
        return y

    return outputs


def truncated_outputs(outputs, x):
    """Le tableau (T, T) dont la ligne s porte les sorties du modèle sur x[:s + 1] (NaN après s)."""
    T = len(x)
    table = np.full((T, T), np.nan)
    for s in range(T):
        table[s, :s + 1] = outputs(x[:s + 1])
    return table


def measured_lookahead(y_trunc, tol=0.0):
    """L'anticipation que montrent des sorties tronquées : le plus grand s − t + 1 où y_trunc[s, t] ≠ y[t].

    Si la sortie au pas t, calculée sur x[:s + 1], diffère de la sortie finale, le modèle lit
    au pas t au moins x[s + 1] : son anticipation est au moins s + 1 − t.
    """
    s, t = np.nonzero(np.abs(y_trunc - y_trunc[-1]) > tol)  # les NaN (t > s) ne passent pas le test
    return int(max(s - t + 1, default=0))


def _clear_lookahead(y_trunc, k):
    """Les sorties stables sont exactes au bit près, et celles qui lisent plus loin changent nettement."""
    T = y_trunc.shape[0]
    for t in range(T):
        for s in range(t, T):
            gap = abs(y_trunc[s, t] - y_trunc[-1, t])
            if s >= min(t + k, T - 1) and gap != 0.0:
                return False
            if s < min(t + k, T - 1) and not gap >= LOOKAHEAD_GAP:
                return False
    return measured_lookahead(y_trunc) == k


def _lookahead_cases(rng):
    """Quatre modèles d'anticipations distinctes (tirées dans LOOKAHEADS), de deux familles."""
    cases = []
    for k in rng.choice(LOOKAHEADS, size=4, replace=False):
        k = int(k)
        for _ in range(100):
            T = int(rng.integers(12, 21))
            x = rng.normal(size=T)
            family = _readers_model if rng.random() < 0.5 else _window_model
            y_trunc = truncated_outputs(family(rng, k), x)
            if _clear_lookahead(y_trunc, k):
                cases.append(SecretCase((x, y_trunc), secret=k))
                break
        else:  # pragma: no cover - des tirages continus ne se confondent pas cent fois de suite
            raise RuntimeError(f"_lookahead_cases : aucun modèle d'anticipation {k} assez net en cent tirages")
    return cases


def _check_lookahead(args, got):
    k = secret_of(args)
    T = len(args[0])
    value = None if isinstance(got, (bool, np.bool_)) else as_number(got)
    if value is None or not float(value).is_integer():
        return f"rendez un entier : le nombre de pas de l'avenir que lit le modèle ; reçu {describe(got)}"
    value = int(value)
    if value == k:
        return None
    if value < 0:
        return ("une anticipation compte des pas de l'avenir : elle vaut au moins 0 (0 pour un modèle "
                "causal, qui ne lit que le passé et le présent)")
    if value >= T - 1:
        return ("ce modèle ne lit pas toute la séquence : les NaN d'une ligne s (les pas t > s, pas encore "
                "reçus) ne sont pas des changements ; comparez seulement les pas t ≤ s, et souvenez-vous "
                "que NaN n'est égal à rien, pas même à lui-même")
    if value == k + 1:
        return ("vous semblez compter aussi le pas présent : un modèle qui, au pas t, lit x[0..t] et rien "
                "d'autre a une anticipation de 0, pas de 1")
    if value == 0:
        return ("certaines sorties passées de ce modèle changent quand la suite arrive : il n'est pas causal. "
                "Deux pièges mènent à 0 : prendre le plus petit retard (près de la fin, il n'y a plus d'avenir "
                "à lire, et le retard d'un pas y paraît plus court : l'anticipation est le plus grand retard "
                "observé, pas le plus petit), ou oublier que la ligne s contient déjà x[s]")
    if value == k - 1:
        return ("il manque un pas : la ligne s est calculée sur x[:s + 1], qui contient déjà x[s] ; si la "
                "sortie au pas t y diffère encore de la sortie finale, le modèle lit au pas t au moins x[s + 1]")
    return ("ce n'est pas l'anticipation de ce modèle : pour chaque pas t, cherchez jusqu'à quelle ligne s "
            "sa sortie diffère encore de la sortie finale")


# --------------------------------------------------------------------------
# ex7 — Trouver l'étape qui fuit : un pipeline de prévision, étape par étape
# --------------------------------------------------------------------------

#: Les étapes du pipeline, dans l'ordre : chacune lit la sortie de la précédente.
STAGES = ("normalisation", "lissage", "modèle")


def _normalisation(rng, leaky):
    """Centrer-réduire : par la moyenne et la variance du passé (causal), ou de toute la série (fuite)."""
    def causal(z):
        return np.array([(z[t] - z[:t + 1].mean()) / np.sqrt(z[:t + 1].var() + 1.0) for t in range(len(z))])

    def whole_series(z):
        return (z - z.mean()) / np.sqrt(z.var() + 1.0)

    return whole_series if leaky else causal


def _smoothing(rng, leaky):
    """Lisser : une moyenne mobile exponentielle (causale), ou une moyenne centrée (elle lit la suite)."""
    alpha, half = float(rng.uniform(0.3, 0.8)), int(rng.integers(1, 3))

    def ema(z):
        y, prev = np.empty(len(z)), 0.0
        for t in range(len(z)):
            prev = (1.0 - alpha) * prev + alpha * z[t]
            y[t] = prev
        return y

    def centered(z):
        return np.array([z[max(0, t - half):t + half + 1].mean() for t in range(len(z))])

    return centered if leaky else ema


def _model(rng, leaky):
    """Le modèle : causal (anticipation 0), ou qui lit 1 à 3 pas d'avance."""
    k = int(rng.integers(1, 4)) if leaky else 0
    family = _readers_model if rng.random() < 0.5 else _window_model
    return family(rng, k)


_STAGE_MAKERS = {"normalisation": _normalisation, "lissage": _smoothing, "modèle": _model}


def _past_changes(y_trunc) -> float:
    """Le plus grand changement d'une sortie passée quand la suite arrive (0 : rien ne bouge)."""
    gaps = np.abs(y_trunc - y_trunc[-1])
    return float(np.nanmax(gaps))


def _pipeline_case(rng, culprit):
    """Un pipeline dont la première étape qui lit l'avenir est ``culprit`` (None : tout est causal)."""
    first = len(STAGES) if culprit is None else STAGES.index(culprit)
    for _ in range(100):
        T = int(rng.integers(12, 21))
        x = rng.normal(size=T)
        leaks = [k == first or (k > first and bool(rng.random() < 0.5)) for k in range(len(STAGES))]
        stages = [_STAGE_MAKERS[name](rng, leak) for name, leak in zip(STAGES, leaks)]
        tables = {}

        def upto(k):
            def run(prefix):
                out = prefix
                for stage in stages[:k + 1]:
                    out = stage(out)
                return out
            return run

        for k, name in enumerate(STAGES):
            tables[name] = truncated_outputs(upto(k), x)
        changes = [_past_changes(tables[name]) for name in STAGES]
        # La promesse de l'énoncé : rien ne bouge avant la fuite, tout bouge nettement après.
        if all(c == 0.0 for c in changes[:first]) and all(c >= LOOKAHEAD_GAP for c in changes[first:]):
            return SecretCase((tables,), secret=culprit)
    raise RuntimeError(f"_pipeline_case : aucun pipeline net en cent tirages (fuite : {culprit})")  # pragma: no cover


def _pipeline_cases(rng):
    """Quatre pipelines : un par coupable possible (aucune étape, ou chacune), dans un ordre tiré."""
    culprits = [None, *STAGES]
    return [_pipeline_case(rng, culprits[k]) for k in rng.permutation(len(culprits))]


def _check_leaky_stage(args, got):
    culprit = secret_of(args)
    names = join_fr([f"« {name} »" for name in STAGES])
    if got is not None and not isinstance(got, str):
        return f"rendez le nom d'une étape (une clé de `tables`) ou None ; reçu {describe(got)}"
    if isinstance(got, str) and got.strip() not in STAGES:
        return f"« {got[:40]} » n'est pas une étape de ce pipeline : rendez {names}, ou None"
    got = got.strip() if isinstance(got, str) else None
    if got == culprit:
        return None
    if culprit is None:
        return (f"dans ce pipeline, aucune sortie passée ne bouge quand la suite arrive, à aucune étape : "
                f"il est causal, et « {got} » ne lit pas l'avenir")
    if got is None:
        return ("ce pipeline lit l'avenir : à une étape au moins, des sorties passées changent quand la "
                "suite arrive ; même un petit changement est une fuite")
    if STAGES.index(got) > STAGES.index(culprit):
        return (f"l'étape « {got} » lit des entrées qui ont déjà lu l'avenir : elle hérite d'une fuite "
                f"venue d'une étape en amont (et lit peut-être l'avenir elle aussi). Cherchez la première "
                f"étape dont les sorties passées bougent")
    return f"l'étape « {got} » est causale : ses sorties passées ne bougent pas quand la suite arrive"


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
            ("La moyenne compte les pas de remplissage, qui ne sont pas des zéros : multipliez h par le "
             "masque avant de sommer, puis divisez par le nombre de pas valides.",
             lambda h, mask: h.mean(axis=1)),
            ("Le remplissage n'est pas neutre : la somme doit ignorer les pas invalides (multipliez h par le "
             "masque avant de sommer).",
             lambda h, mask: h.sum(axis=1) / mask.sum(axis=1, keepdims=True)),
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
    FunctionExercise(
        key="ex6",
        title="Mesurer une anticipation",
        points=3,
        minutes=20,
        level="analyser",
        target="lookahead",
        statement=(
            "Un modèle de séquence rend une sortie $y_t$ par pas. On ne voit pas son code, seulement ce "
            "qu'il rend quand on **tronque** son entrée, comme dans le test de causalité du chapitre. "
            "Écrivez `lookahead(x, y_trunc)` : `x` est l'entrée, de forme $(T,)$ ; `y_trunc` est un "
            "tableau $(T, T)$ dont la ligne `s` porte les sorties du modèle calculées sur l'entrée "
            "tronquée `x[:s + 1]` (les pas $0$ à $s$) : `y_trunc[s, t]` est sa sortie au pas $t$ pour "
            "$t \\le s$, et `NaN` pour $t > s$ (ces pas ne sont pas encore reçus). La dernière ligne "
            "est donc la sortie sur la séquence entière.\n\n"
            "La fonction rend l'**anticipation** $k$ du modèle, un entier : sa sortie au pas $t$ dépend "
            "de $x_0, \\dots, x_{t+k}$, et pas au-delà. Un modèle causal, qui ne lit que le passé et "
            "le présent, a $k = 0$ ; un LSTM bidirectionnel lit toute la suite.\n\n"
            "Le correcteur tire au moment de la correction des modèles d'anticipations différentes, "
            "entre 0 et 5 (des filtres sur une fenêtre glissante, des lecteurs avant et arrière). Une "
            "sortie qui ne lit pas plus loin que l'entrée tronquée est reproduite exactement (au bit "
            "près) ; une sortie qui lit plus loin change d'au moins $10^{-3}$."
        ),
        starter=(
            "def lookahead(x, y_trunc):\n"
            "    # Votre code ici\u00a0: un entier k ≥ 0\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def lookahead(x, y_trunc):\n"
            "    T = len(x)\n"
            "    y_full = y_trunc[-1]  # les sorties sur la séquence entière\n"
            "    k = 0\n"
            "    for s in range(T):\n"
            "        for t in range(s + 1):  # les pas déjà reçus : après s, ce sont des NaN\n"
            "            if y_trunc[s, t] != y_full[t]:\n"
            "                # x[:s + 1] ne suffit pas au pas t : le modèle y lit au moins x[s + 1]\n"
            "                k = max(k, s + 1 - t)\n"
            "    return k\n"
        ),
        hint=[
            "La sortie au pas t d'un modèle qui lit k pas d'avance ne peut pas être définitive avant "
            "d'avoir reçu x[t + k] ; dès qu'elle l'a reçu, elle ne bouge plus. Regardez, pas par pas, "
            "à partir de quelle ligne la sortie cesse de changer.",
            "Si y_trunc[s, t] ≠ y_trunc[T − 1, t] (pour t ≤ s), le modèle lit au pas t au moins "
            "x[s + 1] : k ≥ s + 1 − t. L'anticipation est le plus grand de ces écarts, sur tous les "
            "couples (s, t) ; près de la fin de la séquence, il n'y a plus d'avenir à lire.",
        ],
        cases=_lookahead_cases,
        check=_check_lookahead,
    ),
    FunctionExercise(
        key="ex7",
        title="Trouver l'étape qui fuit",
        points=2,
        minutes=15,
        level="déboguer",
        target="leaky_stage",
        statement=(
            "Un pipeline de prévision enchaîne trois étapes : une **normalisation** de la série, un "
            "**lissage** de la série normalisée, puis un **modèle** qui lit la série lissée. Sa "
            "validation est trop belle pour être vraie : quelque part, il lit l'avenir. Pour le "
            "prouver, on a fait le test de causalité de l'exercice précédent après chaque étape.\n\n"
            "Écrivez `leaky_stage(tables)` : `tables` est un dictionnaire `{nom: y_trunc}`, dans "
            "l'ordre du pipeline (`\"normalisation\"`, `\"lissage\"`, `\"modèle\"`) ; `tables[nom]` "
            "est un tableau $(T, T)$ dont la ligne `s` porte la sortie de cette étape (le pipeline "
            "jusqu'à elle) calculée sur l'entrée tronquée `x[:s + 1]`, avec `NaN` pour les pas $t > s$. "
            "La fonction rend le nom de la **première** étape qui lit l'avenir (celle qu'il faut corriger "
            "d'abord : les suivantes en héritent, qu'elles lisent l'avenir elles aussi ou non), ou `None` si "
            "aucune étape ne lit l'avenir.\n\n"
            "Le correcteur tire des pipelines au moment de la correction. Une sortie causale est "
            "reproduite exactement (au bit près) ; une sortie qui lit l'avenir change d'au moins "
            "$10^{-3}$ à l'une des lignes."
        ),
        starter=(
            "def leaky_stage(tables):\n"
            "    # Votre code ici\u00a0: le nom d'une étape, ou None\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def leaky_stage(tables):\n"
            "    for name, y_trunc in tables.items():  # dans l'ordre du pipeline\n"
            "        received = ~np.isnan(y_trunc)      # les pas t ≤ s\n"
            "        final = np.broadcast_to(y_trunc[-1], y_trunc.shape)\n"
            "        if np.any(y_trunc[received] != final[received]):\n"
            "            return name  # la première étape dont une sortie passée bouge\n"
            "    return None\n"
        ),
        hint=[
            "Une étape reçoit la sortie de la précédente : si une étape lit l'avenir, toutes celles qui "
            "la suivent le lisent aussi, même si elles sont causales. Laquelle faut-il corriger ?",
            "Pour chaque étape, dans l'ordre, regardez si une sortie passée y_trunc[s, t] (t ≤ s) "
            "diffère de la sortie finale y_trunc[T − 1, t] ; la fautive est la première où c'est le cas.",
        ],
        cases=_pipeline_cases,
        check=_check_leaky_stage,
    ),
]
