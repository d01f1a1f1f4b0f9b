"""Exercices du chapitre 9 : des données réelles.

Rien ici n'importe aeon ni torch : les enregistrements des exercices ont la forme
de ceux de JapaneseVowels (12 coefficients, de 7 à 29 trames), tirés au moment de
la correction ; le texte, des suites de caractères codés par des entiers.

Source unique du cahier ``exercises/ex09_donnees_reelles.ipynb`` et de sa ligne
dans ``exercises/index.md``, générés par ``python tools/make_exercises.py``
(format : :mod:`lstm_lib.grading.registry`).
"""

from __future__ import annotations

import numpy as np

from lstm_lib import realdata, text
from lstm_lib.grading.core import ChoiceExercise, FunctionExercise, as_array, describe

NOTEBOOK = "ex09_donnees_reelles"
CHAPTER = "9. Des données réelles"
TITLE = "Exercices du chapitre 9 : des données réelles"
INTRO = (
    "Ces exercices accompagnent le chapitre 9. Côté texte, vous y écrivez la perplexité d'un modèle de "
    "langue, le tirage à une température donnée et un modèle bigramme lissé ; côté séries réelles, vous "
    "remplissez un lot d'enregistrements de longueurs variables et le normalisez sans fuite, puis vous "
    "jugez des protocoles d'évaluation ; enfin, vous lisez une matrice de confusion pour dire quels "
    "locuteurs le modèle confond le plus, en taux plutôt qu'en nombre d'erreurs."
)

N_CHANNELS = 12  # les coefficients cepstraux d'une trame de JapaneseVowels


# --------------------------------------------------------------------------
# ex1 : la perplexité, depuis les logits
# --------------------------------------------------------------------------

def _ppl_cases(rng):
    cases = []
    for kind in ("uniforme", "quelconque", "décalé", "sûr"):
        N, V = int(rng.integers(20, 61)), int(rng.integers(5, 41))
        targets = rng.integers(0, V, size=N)
        if kind == "uniforme":     # un modèle qui ne sait rien : sa perplexité vaut V
            logits = np.full((N, V), float(rng.normal(0, 5)))
        elif kind == "quelconque":
            logits = rng.normal(0, 2, size=(N, V))
        elif kind == "décalé":     # même loi qu'un logit modeste, mais exp(z) déborde
            logits = rng.normal(0, 3, size=(N, V)) + float(rng.uniform(750, 900))
        else:                      # un modèle presque toujours sûr et juste
            logits = rng.normal(0, 1, size=(N, V))
            logits[np.arange(N), targets] += 12.0
        cases.append((logits, targets.astype(np.int64)))
    return cases


def _target_probs(logits, targets):
    return text.softmax_with_temperature(logits, 1.0)[np.arange(len(targets)), targets]


def _ppl_reference(logits, targets):
    return text.perplexity(_target_probs(logits, targets))


def _log_target_probs(logits, targets):
    z = logits - logits.max(axis=1, keepdims=True)
    return (z - np.log(np.exp(z).sum(axis=1, keepdims=True)))[np.arange(len(targets)), targets]


# --------------------------------------------------------------------------
# ex2 : tirer le caractère suivant à une température donnée
# --------------------------------------------------------------------------

N_SAMPLES = 20_000
_SIGMAS = 6.0  # une loi juste échoue au test avec une probabilité de l'ordre de 10⁻⁹ par caractère


def _sampling_cases(rng):
    cases = []
    for tau in (0.5, 1.0, 2.0):
        V = int(rng.integers(5, 11))
        cases.append((rng.normal(0, 1.5, size=V), tau, N_SAMPLES, int(rng.integers(2**31))))
    return cases


def _fits(samples, p) -> bool:
    """Les fréquences des tirages sont-elles compatibles avec la loi ``p`` (à 6 écarts types près) ?"""
    counts = np.bincount(samples, minlength=len(p))[:len(p)]
    expected = len(samples) * p
    return bool(np.all(np.abs(counts - expected) <= _SIGMAS * np.sqrt(expected * (1 - p)) + 3))


def _check_sampling(args, got):
    logits, tau, n, _ = args
    V = len(logits)
    arr = as_array(got)
    if arr is None or arr.shape != (n,):
        shape = f"un tableau de forme {arr.shape}" if arr is not None else describe(got)
        return f"la fonction doit rendre un tableau de {n} indices (forme ({n},)) ; reçu {shape}"
    if arr.dtype.kind == "f" and not np.all(arr == np.round(arr)):
        return "les tirages doivent être des indices entiers de caractères"
    samples = arr.astype(np.int64)
    if samples.min() < 0 or samples.max() >= V:
        return f"les indices tirés doivent être entre 0 et V − 1 = {V - 1}"
    if _fits(samples, text.softmax_with_temperature(logits, tau)):
        return None
    if len(np.unique(samples)) == 1:
        return ("vous rendez toujours le même caractère : c'est la limite τ → 0 (le plus probable), pas un "
                "tirage ; tirez au hasard selon softmax(z / τ)")
    alternatives = [
        (text.softmax_with_temperature(logits, 1.0), "la température ne semble pas agir : divisez les logits "
                                                     "par τ avant le softmax"),
        (text.softmax_with_temperature(logits * tau, 1.0), "vous semblez multiplier les logits par τ : "
                                                          "la loi est softmax(z / τ), on divise"),
        (np.full(V, 1.0 / V), "vos tirages semblent uniformes : ils doivent suivre la loi softmax(z / τ) des "
                              "logits"),
    ]
    for p, message in alternatives:
        if _fits(samples, p):
            return message
    return "les fréquences de vos tirages ne suivent pas la loi softmax(z / τ)"


# --------------------------------------------------------------------------
# ex3 : remplir un lot d'enregistrements de longueurs variables
# --------------------------------------------------------------------------

def _recordings(rng, n):
    return [rng.normal(0, 1, size=(N_CHANNELS, int(rng.integers(7, 30)))) for _ in range(n)]


def _pad_cases(rng):
    return [(_recordings(rng, int(rng.integers(4, 9))),) for _ in range(3)]


def _pad_reference(sequences):
    return realdata.pad_sequences(sequences, dtype=np.float64)


def _pad_left(sequences):
    x, lengths = _pad_reference(sequences)
    for n, L in enumerate(lengths):
        x[n] = np.concatenate([np.zeros((x.shape[1] - L, x.shape[2])), x[n, :L]])
    return x, lengths


# --------------------------------------------------------------------------
# ex4 : normaliser un lot rempli, sans fuite, malgré du remplissage quelconque
# --------------------------------------------------------------------------

def _garbage_batch(rng, n):
    """Un lot rempli dont le remplissage contient n'importe quoi (pas des zéros)."""
    lengths = rng.integers(7, 30, size=n)
    T = int(lengths.max() + rng.integers(0, 4))
    scale = rng.uniform(0.5, 3.0, size=N_CHANNELS)
    x = rng.normal(rng.normal(0, 2, size=N_CHANNELS), scale, size=(n, T, N_CHANNELS))
    padding = np.arange(T)[None, :] >= lengths[:, None]
    x[padding] = rng.normal(40.0, 25.0, size=(int(padding.sum()), N_CHANNELS))
    return x, lengths.astype(np.int64)


def _standardise_cases(rng):
    cases = []
    for _ in range(2):
        x_train, len_train = _garbage_batch(rng, int(rng.integers(20, 41)))
        x_test, len_test = _garbage_batch(rng, int(rng.integers(10, 21)))
        cases.append((x_train, len_train, x_test, len_test))
    return cases


def _valid(x, lengths):
    return np.arange(x.shape[1])[None, :] < np.asarray(lengths)[:, None]


def _standardised(x, lengths, mean, std):
    return np.where(_valid(x, lengths)[..., None], (x - mean) / std, 0.0)


def _check_standardise(args, got):
    x_train, len_train, x_test, len_test = args
    arr = as_array(got)
    if arr is None or arr.shape != x_test.shape:
        shape = f"un tableau de forme {arr.shape}" if arr is not None else describe(got)
        return f"la fonction doit rendre un tableau de la forme de x_test, {x_test.shape} ; reçu {shape}"
    if arr.dtype.kind != "f" or not np.all(np.isfinite(arr)):
        return "le résultat doit être un tableau de flottants finis"
    valid = _valid(x_test, len_test)
    real_train = x_train[_valid(x_train, len_train)]
    candidates = {ddof: _standardised(x_test, len_test, real_train.mean(axis=0), real_train.std(axis=0, ddof=ddof))
                  for ddof in (0, 1)}  # écart type de la population ou de l'échantillon : les deux sont justes
    if any(np.allclose(arr, c, rtol=1e-6, atol=1e-8) for c in candidates.values()):
        return None
    if any(np.allclose(arr[valid], c[valid], rtol=1e-6, atol=1e-8) for c in candidates.values()):
        return ("les trames réelles sont justes, mais le remplissage doit valoir 0 après normalisation "
                "(sinon le modèle lit des valeurs qui ne veulent rien dire)")
    wrong_stats = {
        "sur toutes les trames, remplissage compris": x_train.reshape(-1, N_CHANNELS),
        "sur le test": x_test[valid],
        "sur l'entraînement et le test réunis": np.concatenate([real_train, x_test[valid]]),
    }
    for where, frames in wrong_stats.items():
        for ddof in (0, 1):
            guess = _standardised(x_test, len_test, frames.mean(axis=0), frames.std(axis=0, ddof=ddof))
            if np.allclose(arr[valid], guess[valid], rtol=1e-6, atol=1e-8):
                if "remplissage" in where:
                    return ("la moyenne et l'écart type semblent calculés sur toutes les trames, remplissage "
                            "compris : ne comptez que les trames réelles (t < longueur) de chaque enregistrement")
                return (f"la moyenne et l'écart type semblent calculés {where} : c'est une fuite d'information ; "
                        f"ils viennent des trames réelles de l'entraînement seulement")
    return ("les trames réelles n'ont pas les bonnes valeurs : (x − moyenne) / écart type, canal par canal, "
            "avec les statistiques des trames réelles de l'entraînement")


# --------------------------------------------------------------------------
# ex5 : un modèle bigramme de caractères, lissé
# --------------------------------------------------------------------------

def _bigram_cases(rng):
    cases = []
    for _ in range(3):
        V = int(rng.integers(4, 9))
        transitions = rng.dirichlet(np.full(V - 1, 0.5), size=V - 1)  # le dernier caractère n'apparaît jamais
        ids = [int(rng.integers(V - 1))]
        for _ in range(int(rng.integers(60, 200))):
            ids.append(int(rng.choice(V - 1, p=transitions[ids[-1]])))
        cases.append((np.array(ids, dtype=np.int64), V, float(rng.choice([0.5, 1.0, 3.0]))))
    return cases


def _bigram_reference(train_ids, V, beta):
    model = text.fit_char_ngram(train_ids, V, order=2, beta=beta)
    return np.stack([text.ngram_next_probs(model, np.array([h])) for h in range(V)])


def _bigram_variant(kind):
    def probs(train_ids, V, beta):
        ids = np.asarray(train_ids)
        pairs = np.zeros((V, V))
        np.add.at(pairs, (ids[:-1], ids[1:]), 1.0)
        unigram = (np.bincount(ids, minlength=V) + beta / V) / (len(ids) + beta)
        context = pairs.sum(axis=1)
        if kind == "additif":
            return (pairs + beta) / (context[:, None] + beta * V)
        if kind == "vers l'uniforme":
            return (pairs + beta / V) / (context[:, None] + beta)
        if kind == "unigramme brut":
            return (pairs + beta * np.bincount(ids, minlength=V) / len(ids)) / (context[:, None] + beta)
        if kind == "tous les contextes":
            return (pairs + beta * unigram) / (np.bincount(ids, minlength=V)[:, None] + beta)
        if kind == "transposé":
            return ((pairs + beta * unigram) / (context[:, None] + beta)).T
        raise ValueError(kind)
    return probs


# --------------------------------------------------------------------------
# ex6 : le protocole fuit-il ?
# --------------------------------------------------------------------------

#: Pour chaque décision d'un protocole, les choix permis et ceux qui font fuir le test.
PROTOCOL = {
    "normalisation": (("entraînement", "entraînement+validation"), ("test", "tout le corpus")),
    "reglage": (("entraînement", "validation"), ("test",)),
    "arret": (("budget fixe", "validation"), ("test",)),
    "graine": (("une seule", "meilleure en validation"), ("meilleure en test",)),
}
_LEAK_REASONS = {
    "normalisation": "ses statistiques de normalisation voient le test",
    "reglage": "ses hyperparamètres sont choisis sur le test",
    "arret": "l'arrêt de l'entraînement est décidé sur le test",
    "graine": "la graine retenue est la meilleure sur le test : c'est choisir le résultat qu'on annonce",
}
_ALLOWED_REASONS = {
    ("normalisation", "entraînement+validation"): "normaliser avec la validation n'est pas une fuite : elle fait "
                                                  "partie des données d'apprentissage",
    ("reglage", "entraînement"): "régler sur l'entraînement expose au surapprentissage, mais ce n'est pas une "
                                 "fuite : le test reste intact",
    ("reglage", "validation"): "régler sur la validation est la règle, pas une fuite",
    ("arret", "validation"): "arrêter sur la validation est permis : le test reste intact",
    ("graine", "meilleure en validation"): "choisir la graine sur la validation est permis : le test reste intact",
}


def _protocol_cases(rng):
    """20 protocoles : dix sans fuite, dix avec une seule décision qui lit le test.

    Chaque décision fautive, et chaque choix permis, y figure au moins une fois : une règle qui
    oublie un cas ne passe pas par chance.
    """
    keys = list(PROTOCOL)
    allowed_offset = {key: int(rng.integers(len(PROTOCOL[key][0]))) for key in keys}
    leaky_offset = {key: int(rng.integers(len(PROTOCOL[key][1]))) for key in keys}
    cases = []
    for k in range(20):
        protocol = {key: allowed[(k // 2 + allowed_offset[key]) % len(allowed)]
                    for key, (allowed, _) in PROTOCOL.items()}
        if k % 2:  # la décision fautive tourne : chacune revient deux ou trois fois, avec chacun de ses choix
            key = keys[(k // 2) % len(keys)]
            leaky = PROTOCOL[key][1]
            protocol[key] = leaky[((k // 2) // len(keys) + leaky_offset[key]) % len(leaky)]
        cases.append((protocol,))
    return [cases[int(k)] for k in rng.permutation(len(cases))]


def _leaks(protocol) -> list[str]:
    return [key for key, (_, leaky) in PROTOCOL.items() if protocol[key] in leaky]


def _check_protocol(args, got):
    (protocol,) = args
    if not isinstance(got, (bool, np.bool_)):
        return f"is_leaky doit rendre True ou False ; reçu {describe(got)}"
    leaks = _leaks(protocol)
    if bool(got) == bool(leaks):
        return None
    if leaks:
        return f"un protocole qui fuit a été jugé sans fuite : {_LEAK_REASONS[leaks[0]]}"
    for key, value in protocol.items():
        if (key, value) in _ALLOWED_REASONS:
            return f"un protocole sans fuite a été jugé fautif ; par exemple, {_ALLOWED_REASONS[key, value]}"
    return "un protocole sans fuite a été jugé fautif : aucune de ses décisions ne lit le test"


# --------------------------------------------------------------------------
# ex7 : le biais d'exposition
# --------------------------------------------------------------------------

_EXPOSURE_CHOICES = {
    "temperature": "une température trop basse le fait tourner en rond sur les mêmes tournures",
    "capacite": "il a trop peu de paramètres pour apprendre tout le vocabulaire",
    "reserve": "le texte réservé ne ressemble pas au texte d'entraînement",
    "exposition": "il relit ses propres erreurs, des contextes jamais vus à l'entraînement",
}


# --------------------------------------------------------------------------
# ex8 : qui est confondu avec qui ? (en taux, dans les deux sens)
# --------------------------------------------------------------------------

N_SPEAKERS = 9  # les locuteurs de JapaneseVowels
_MAX_DRAWS = 10_000  # garde-fou : 17 tirages par matrice convenable en moyenne (600 matrices)


def _pair_scores(confusion, kind: str) -> np.ndarray:
    """Le score de chaque case (a, b) selon une façon, juste ou fausse, de lire la matrice.

    ``"taux"`` est la bonne (taux d'erreur de chaque ligne, les deux sens additionnés), et
    ``"regroupés"`` (les erreurs des deux sens rapportées au total des deux locuteurs) une autre
    lecture honnête ; les autres sont les erreurs attendues : nombres bruts, un seul sens,
    colonnes prises pour les vrais locuteurs.
    """
    counts = np.asarray(confusion, dtype=np.float64)
    per_true = counts.sum(axis=1)                       # enregistrements de chaque vrai locuteur
    rates = counts / per_true[:, None]                  # r[a, b] : part des enregistrements de a pris pour b
    if kind == "taux":
        return rates + rates.T
    if kind == "taux, un sens":
        return rates
    if kind == "nombres":
        return counts + counts.T
    if kind == "nombres, un sens":
        return counts
    if kind == "colonnes":
        by_column = counts / counts.sum(axis=0, keepdims=True)
        return by_column + by_column.T
    if kind == "regroupés":
        return (counts + counts.T) / (per_true[:, None] + per_true[None, :])
    raise ValueError(kind)


def _top_pairs(scores) -> tuple[float, set]:
    """Le meilleur score hors diagonale et les paires {a, b} (non ordonnées) qui l'atteignent."""
    off = np.array(scores, dtype=np.float64)
    np.fill_diagonal(off, -np.inf)
    top = float(off.max())
    return top, {frozenset((int(a), int(b))) for a, b in zip(*np.nonzero(off >= top - 1e-12))}


def _confusion_matrix(rng) -> np.ndarray:
    """Une matrice de confusion 9 × 9 (lignes : vrai locuteur) où chaque lecture fausse se trompe.

    Quatre paires sont plantées, à des places tirées au hasard : la vraie réponse (deux locuteurs
    rares qui se confondent dans les deux sens), une paire de locuteurs nombreux (le plus d'erreurs
    en nombre, des taux modestes), une confusion forte dans un seul sens, et un locuteur nombreux
    qui envoie une part modeste de ses enregistrements vers un locuteur rare (ce qui pèse lourd dans
    sa colonne). La matrice n'est gardée que si la bonne paire gagne avec de la marge et si chaque
    lecture fausse désigne une autre paire : une erreur de lecture ne passe jamais par chance.
    """
    for _ in range(_MAX_DRAWS):
        a, b, c, d, e, f, g, h, _spare = (int(k) for k in rng.permutation(N_SPEAKERS))
        sizes = rng.integers(30, 61, size=N_SPEAKERS)
        sizes[[a, b, g]] = rng.integers(14, 23, size=3)       # locuteurs rares
        sizes[[c, d, h]] = rng.integers(130, 221, size=3)     # locuteurs nombreux
        p = np.zeros((N_SPEAKERS, N_SPEAKERS))
        for k in range(N_SPEAKERS):                           # quelques erreurs dispersées partout
            others = [m for m in range(N_SPEAKERS) if m != k]
            p[k, others] = rng.uniform(0.03, 0.08) * rng.dirichlet(np.ones(N_SPEAKERS - 1))
        p[a, b] += rng.uniform(0.13, 0.19)
        p[b, a] += rng.uniform(0.11, 0.17)
        p[c, d] += rng.uniform(0.05, 0.08)
        p[d, c] += rng.uniform(0.05, 0.08)
        p[e, f] += rng.uniform(0.21, 0.27)
        p[h, g] += rng.uniform(0.05, 0.08)
        p[np.arange(N_SPEAKERS), np.arange(N_SPEAKERS)] = 1.0 - p.sum(axis=1)
        counts = np.stack([rng.multinomial(int(sizes[k]), p[k]) for k in range(N_SPEAKERS)])
        if _well_separated(counts):
            return counts.astype(np.int64)
    raise RuntimeError("aucune matrice de confusion convenable tirée")  # jamais observé


def _well_separated(counts) -> bool:
    """La bonne paire gagne avec de la marge, et chaque lecture fausse en désigne une autre, la sienne.

    Les rapports regroupés, (N_ab + N_ba) / (n_a + n_b), sont une lecture honnête de « en taux, les deux
    sens additionnés » : on ne garde que des matrices où ils désignent la même paire que la somme des
    deux taux, si bien que les deux lectures ont tous les points.
    """
    scores = _pair_scores(counts, "taux")
    top, right = _top_pairs(scores)
    if len(right) != 1 or _top_pairs(_pair_scores(counts, "regroupés"))[1] != right:
        return False
    (pair,) = right
    a, b = tuple(pair)
    scores[[a, b], [b, a]] = -np.inf
    if _top_pairs(scores)[0] > top - 0.04:   # la deuxième paire, à 0,04 de taux au moins
        return False
    seen = set(right)
    for kinds, margin in ((("nombres", "nombres, un sens"), 1.0), (("taux, un sens",), 0.01),
                          (("colonnes",), 0.01)):
        designated = set()
        for kind in kinds:
            wrong_scores = _pair_scores(counts, kind)
            wrong_top, wrong = _top_pairs(wrong_scores)
            if max(wrong_scores[a, b], wrong_scores[b, a]) > wrong_top - margin:
                return False
            designated |= wrong
        if designated & seen:   # deux lectures fausses qui désignent la même paire : message ambigu
            return False
        seen |= designated
    return True


def _confusion_cases(rng):
    return [(_confusion_matrix(rng),) for _ in range(3)]


#: Les lectures fausses de la matrice, et ce qu'on en dit (chacune désigne une paire à elle, voir
#: :func:`_well_separated`).
_CONFUSION_MISTAKES = (
    (("nombres", "nombres, un sens"),
     "cette paire a le plus d'erreurs en nombre, mais un nombre d'erreurs grandit avec le nombre "
     "d'enregistrements du vrai locuteur : il favorise les locuteurs les plus représentés. Comparez des "
     "taux : rapportez chaque case au nombre d'enregistrements de son vrai locuteur"),
    (("taux, un sens",),
     "cette paire a le plus fort taux d'erreur dans un seul sens, mais l'autre sens y est presque nul : se "
     "confondre « l'un avec l'autre », c'est additionner les deux sens, a pris pour b et b pris pour a "
     "(le plus grand des deux ne suffit pas)"),
    (("colonnes",),
     "vous semblez rapporter chaque case au total de sa colonne : les colonnes sont les locuteurs prédits. "
     "Le taux d'erreur de a vers b se rapporte aux enregistrements de a, c'est-à-dire à sa ligne"),
)


def _check_confused_pair(args, got):
    (confusion,) = args
    arr = as_array(got)
    if arr is None or arr.shape != (2,) or arr.dtype.kind not in "iuf" \
            or not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
        return (f"most_confused_pair doit rendre une paire (a, b) de deux entiers, les numéros de ligne de "
                f"deux locuteurs ; reçu {describe(got) if arr is None else f'un tableau de forme {arr.shape}'}")
    a, b = (int(v) for v in arr)
    if not (0 <= a < N_SPEAKERS and 0 <= b < N_SPEAKERS):
        return f"les locuteurs sont numérotés de 0 à {N_SPEAKERS - 1}, comme les lignes de la matrice"
    if a == b:
        return ("a et b doivent être deux locuteurs différents : la diagonale compte les bonnes réponses, "
                "pas des confusions")
    pair = frozenset((a, b))
    if pair in _top_pairs(_pair_scores(confusion, "taux"))[1]:
        return None
    for kinds, message in _CONFUSION_MISTAKES:
        if any(pair in _top_pairs(_pair_scores(confusion, kind))[1] for kind in kinds):
            return message
    return ("ce n'est pas la paire que le modèle confond le plus : ni en taux, ni même en nombre d'erreurs. "
            "Relisez la matrice : lignes, vrais locuteurs ; colonnes, locuteurs prédits")


EXERCISES = [
    FunctionExercise(
        key="ex1",
        title="La perplexité d'un modèle de langue",
        points=2,
        minutes=10,
        level="appliquer",
        target="perplexity",
        statement=(
            "Un modèle de langue a donné, à chacun des $N$ pas d'un texte, les logits $z_t$ du caractère suivant. "
            "Écrivez `perplexity(logits, targets)` : `logits` est un tableau $(N, V)$, `targets` un tableau "
            "d'entiers $(N,)$ (le caractère qui est vraiment venu à chaque pas). La fonction rend la perplexité "
            "(un nombre),\n\n"
            "$$\\mathrm{PPL} = \\exp\\Big(-\\frac{1}{N}\\sum_{t} \\ln p_t\\Big), \\qquad "
            "p_t = \\mathrm{softmax}(z_t)[\\text{targets}_t].$$\n\n"
            "Les logits peuvent être grands (un décalage commun à toute une ligne ne change pas la loi, mais "
            "$e^{800}$ déborde) : votre calcul doit rester juste. Un modèle uniforme doit donner exactement $V$. "
            "N'appelez pas `lstm_lib.text.perplexity`."
        ),
        starter=(
            "def perplexity(logits, targets):\n"
            "    # Votre code ici : un nombre\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def perplexity(logits, targets):\n"
            "    z = logits - logits.max(axis=1, keepdims=True)        # même loi, sans débordement\n"
            "    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))   # log softmax\n"
            "    picked = log_p[np.arange(len(targets)), targets]\n"
            "    return float(np.exp(-picked.mean()))\n"
        ),
        hint=[
            "La perplexité est l'exponentielle de l'entropie croisée moyenne : la moyenne, sur les pas, de "
            "−ln de la probabilité donnée au bon caractère. Travaillez en logarithmes, et retranchez d'abord le "
            "maximum de chaque ligne de logits : la loi ne change pas.",
            "ln p_t = z_t[y_t] − m_t − ln Σ_k exp(z_t[k] − m_t), avec m_t = max_k z_t[k] ; "
            "PPL = exp(−moyenne des ln p_t).",
        ],
        cases=_ppl_cases,
        reference=_ppl_reference,
        mistakes=[
            ("Vous semblez rendre l'entropie croisée (la moyenne des −ln p_t) : la perplexité en est "
             "l'exponentielle.", lambda z, y: float(-_log_target_probs(z, y).mean())),
            ("Le signe semble oublié : exp(+moyenne des ln p_t) est l'inverse de la perplexité (toujours ≤ 1).",
             lambda z, y: float(np.exp(_log_target_probs(z, y).mean()))),
            ("Vous semblez inverser la moyenne des probabilités : la perplexité est l'exponentielle de la moyenne "
             "des −ln p_t (une moyenne géométrique), pas 1 / moyenne(p_t).",
             lambda z, y: float(1.0 / _target_probs(z, y).mean())),
            ("Les logits semblent pris pour des log-probabilités : normalisez-les d'abord (softmax), ils ne "
             "somment pas à 1.", lambda z, y: float(np.exp(-z[np.arange(len(y)), y].mean()))),
        ],
        forbidden=("perplexity", "lm_target_probs", "ngram_target_probs"),
    ),
    FunctionExercise(
        key="ex2",
        title="Tirer le caractère suivant à une température donnée",
        points=3,
        minutes=10,
        level="appliquer",
        target="sample_next",
        statement=(
            "Écrivez `sample_next(logits, temperature, n, seed)` qui tire `n` caractères **indépendants** selon "
            "la loi $p_k = \\exp(z_k / \\tau) / \\sum_j \\exp(z_j / \\tau)$ des logits `logits` (forme $(V,)$) à "
            "la température $\\tau$ = `temperature`, et rend le tableau de leurs indices, forme $(n,)$. Tirez "
            "avec `np.random.default_rng(seed)` : la correction est alors reproductible. Le correcteur juge la "
            "**loi** de vos tirages (les fréquences de 20 000 tirages, à trois températures), pas les tirages "
            "eux-mêmes : toute méthode de tirage juste convient."
        ),
        starter=(
            "def sample_next(logits, temperature, n, seed):\n"
            "    # Votre code ici : un tableau de n indices\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def sample_next(logits, temperature, n, seed):\n"
            "    z = np.asarray(logits) / temperature\n"
            "    p = np.exp(z - z.max())\n"
            "    p /= p.sum()                                   # softmax(z / τ)\n"
            "    return np.random.default_rng(seed).choice(len(p), size=n, p=p)\n"
        ),
        hint=[
            "La température change la loi avant le tirage : τ < 1 la rend plus piquée, τ > 1 l'aplatit, τ = 1 "
            "rend celle du modèle. Une fois la loi calculée, on tire au hasard selon elle (pas le plus probable).",
            "p = softmax(z / τ) ; puis un tirage selon p : le générateur numpy sait tirer n indices d'une loi "
            "discrète donnée.",
        ],
        cases=_sampling_cases,
        check=_check_sampling,
        forbidden=("sample_with_temperature", "softmax_with_temperature", "generate"),
    ),
    FunctionExercise(
        key="ex3",
        title="Remplir un lot d'enregistrements de longueurs variables",
        points=2,
        minutes=15,
        level="appliquer",
        target="pad_batch",
        statement=(
            "Les enregistrements de JapaneseVowels, tels que les rend `aeon`, sont une liste de tableaux "
            "$(12, L_n)$ — les canaux d'abord, puis les $L_n$ trames, de 7 à 29 selon l'enregistrement. Écrivez "
            "`pad_batch(sequences)` qui rend le tuple `(x, lengths)` attendu par un LSTM en `batch_first` : "
            "`x` de forme $(N, T_{\\max}, 12)$ (le temps en deuxième), chaque enregistrement au début de sa "
            "ligne et complété par des zéros, et `lengths` le tableau d'entiers $(N,)$ des longueurs réelles. "
            "N'appelez pas `lstm_lib.realdata.pad_sequences`."
        ),
        starter=(
            "def pad_batch(sequences):\n"
            "    # Votre code ici : rendre (x, lengths)\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def pad_batch(sequences):\n"
            "    lengths = np.array([s.shape[1] for s in sequences])      # (12, L) : L est le temps\n"
            "    x = np.zeros((len(sequences), lengths.max(), sequences[0].shape[0]))\n"
            "    for n, s in enumerate(sequences):\n"
            "        x[n, :s.shape[1]] = s.T                              # (L, 12) : le temps d'abord\n"
            "    return x, lengths\n"
        ),
        hint=[
            "Chaque enregistrement est rangé canaux d'abord : il faut le transposer pour mettre le temps en "
            "premier. Le lot a la longueur du plus long ; les plus courts sont complétés après leur fin.",
            "T_max = max des L_n ; x[n, :L_n] = sequences[n]ᵀ, le reste à zéro ; lengths[n] = L_n.",
        ],
        cases=_pad_cases,
        reference=_pad_reference,
        parts=("x", "lengths"),
        mistakes=[
            ("Les enregistrements semblent complétés par le début (zéros d'abord) : pack_padded_sequence et le "
             "dernier pas valide supposent les données au début de chaque ligne, le remplissage après.",
             _pad_left),
            ("Les longueurs semblent lues sur le mauvais axe : un enregistrement est (12, L), sa longueur est "
             "sa deuxième dimension.",
             lambda seqs: (_pad_reference(seqs)[0], np.full(len(seqs), N_CHANNELS, dtype=np.int64))),
        ],
        forbidden=("pad_sequences", "load_japanese_vowels"),
    ),
    FunctionExercise(
        key="ex4",
        title="Normaliser sans fuite, malgré le remplissage",
        points=3,
        minutes=15,
        level="appliquer",
        target="standardise",
        statement=(
            "Deux lots remplis, `x_train` $(N, T, 12)$ et `x_test` $(M, T', 12)$, avec leurs longueurs réelles "
            "`len_train` et `len_test`. **Attention** : leur remplissage (les pas $t \\geq$ longueur) contient "
            "n'importe quoi, pas des zéros. Écrivez `standardise(x_train, len_train, x_test, len_test)` qui rend "
            "`x_test` normalisé canal par canal, $(x - \\mu) / s$, avec la moyenne $\\mu$ et l'écart type $s$ de "
            "chaque canal calculés sur les **trames réelles de l'entraînement** seulement, et le remplissage du "
            "résultat mis à 0. L'écart type de la population (`np.std`) ou de l'échantillon (`ddof=1`) : les deux "
            "sont acceptés."
        ),
        starter=(
            "def standardise(x_train, len_train, x_test, len_test):\n"
            "    # Votre code ici : x_test normalisé, de la forme de x_test\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def standardise(x_train, len_train, x_test, len_test):\n"
            "    real_train = np.arange(x_train.shape[1])[None, :] < len_train[:, None]   # (N, T) : trames réelles\n"
            "    frames = x_train[real_train]                                          # (trames, 12)\n"
            "    mean, std = frames.mean(axis=0), frames.std(axis=0)\n"
            "    real_test = np.arange(x_test.shape[1])[None, :] < len_test[:, None]\n"
            "    return np.where(real_test[..., None], (x_test - mean) / std, 0.0)     # remplissage à 0\n"
        ),
        hint=[
            "Deux pièges : le remplissage, qui n'est pas une donnée (il ne doit compter ni dans les statistiques "
            "ni rester dans le résultat), et le test, qui ne doit rien décider (les statistiques viennent de "
            "l'entraînement seul, même quand on normalise le test).",
            "Masque des trames réelles : t < longueur de l'enregistrement ; μ et s sur les trames réelles de "
            "x_train, canal par canal ; résultat (x_test − μ) / s sur les trames réelles de x_test, 0 ailleurs.",
        ],
        cases=_standardise_cases,
        check=_check_standardise,
    ),
    FunctionExercise(
        key="ex5",
        title="Un modèle bigramme lissé",
        points=2,
        minutes=15,
        level="appliquer",
        target="bigram_probs",
        statement=(
            "Écrivez `bigram_probs(train_ids, V, beta)` qui rend la matrice $P$ de forme $(V, V)$ d'un modèle "
            "bigramme de caractères lissé par interpolation (celui du chapitre, d'ordre 2) : "
            "$P[h, c] = P_2(c \\mid h)$, avec\n\n"
            "$$P_2(c \\mid h) = \\frac{N(h\\,c) + \\beta\\,P_1(c)}{N(h) + \\beta}, \\qquad "
            "P_1(c) = \\frac{N(c) + \\beta / V}{N + \\beta},$$\n\n"
            "où `train_ids` est le texte d'entraînement codé (entiers de 0 à $V - 1$, $N$ caractères), $N(c)$ "
            "compte le caractère $c$, $N(h\\,c)$ les paires « $h$ suivi de $c$ », et $N(h)$ les fois où $h$ est "
            "**suivi d'un caractère**. Chaque ligne de $P$ est une loi : elle somme à 1, même pour un "
            "caractère jamais vu. N'appelez pas les fonctions n-grammes de `lstm_lib`."
        ),
        starter=(
            "def bigram_probs(train_ids, V, beta):\n"
            "    # Votre code ici : une matrice (V, V) dont chaque ligne somme à 1\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def bigram_probs(train_ids, V, beta):\n"
            "    ids = np.asarray(train_ids)\n"
            "    pairs = np.zeros((V, V))\n"
            "    np.add.at(pairs, (ids[:-1], ids[1:]), 1.0)                 # N(h c)\n"
            "    unigram = (np.bincount(ids, minlength=V) + beta / V) / (len(ids) + beta)   # P_1\n"
            "    followed = pairs.sum(axis=1, keepdims=True)                # N(h) : h suivi d'un caractère\n"
            "    return (pairs + beta * unigram) / (followed + beta)\n"
        ),
        hint=[
            "Un contexte souvent vu fait confiance à ses comptes ; un contexte rare ou jamais vu se rabat sur "
            "l'ordre inférieur, lui-même lissé vers l'uniforme. Le dernier caractère du texte n'est suivi de "
            "rien : il ne compte pas comme contexte.",
            "Comptez les paires (ids[t], ids[t + 1]) pour t = 0 … N − 2 ; N(h) = somme de la ligne h de ces "
            "comptes ; P_1 à partir des comptes de tous les caractères.",
        ],
        cases=_bigram_cases,
        reference=_bigram_reference,
        mistakes=[
            ("Vous semblez faire un lissage additif (N(hc) + β) / (N(h) + βV) : le chapitre interpole vers "
             "l'ordre inférieur, (N(hc) + β P_1(c)) / (N(h) + β).", _bigram_variant("additif")),
            ("Le lissage semble aller directement vers l'uniforme (β / V) : il va vers le modèle d'ordre 1, "
             "β P_1(c).", _bigram_variant("vers l'uniforme")),
            ("P_1 semble sans lissage (N(c) / N) : il est lui-même lissé vers l'uniforme, "
             "(N(c) + β / V) / (N + β).", _bigram_variant("unigramme brut")),
            ("N(h) semble compter toutes les apparitions de h : seules comptent celles suivies d'un caractère "
             "(le dernier caractère du texte n'a pas de suivant), sinon une ligne ne somme plus à 1.",
             _bigram_variant("tous les contextes")),
            ("La matrice semble transposée : la ligne h est la loi du caractère qui suit h, P[h, c].",
             _bigram_variant("transposé")),
        ],
        forbidden=("fit_char_ngram", "ngram_next_probs", "ngram_target_probs"),
    ),
    FunctionExercise(
        key="ex6",
        title="Ce protocole fuit-il ?",
        points=2,
        minutes=15,
        level="évaluer",
        target="is_leaky",
        statement=(
            "Un protocole d'évaluation prend quatre décisions, chacune décrite par une chaîne dans un "
            "dictionnaire `protocol` :\n\n"
            "- `protocol[\"normalisation\"]` : les statistiques de normalisation viennent de `\"entraînement\"`, "
            "`\"entraînement+validation\"`, `\"test\"` ou `\"tout le corpus\"` ;\n"
            "- `protocol[\"reglage\"]` : les hyperparamètres sont choisis sur `\"entraînement\"`, `\"validation\"` "
            "ou `\"test\"` ;\n"
            "- `protocol[\"arret\"]` : l'entraînement s'arrête après un `\"budget fixe\"`, ou au meilleur score "
            "en `\"validation\"` ou en `\"test\"` ;\n"
            "- `protocol[\"graine\"]` : on annonce le résultat d'`\"une seule\"` graine, de la `\"meilleure en "
            "validation\"` ou de la `\"meilleure en test\"` parmi cinq.\n\n"
            "Le score annoncé est toujours celui du test. Écrivez `is_leaky(protocol)` qui rend `True` si ce "
            "score est faussé par une **fuite d'information** (une décision a lu le test), `False` sinon. Le "
            "correcteur vous soumet 20 protocoles tirés au moment de la correction."
        ),
        starter=(
            "def is_leaky(protocol):\n"
            "    # Votre code ici : True ou False\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def is_leaky(protocol):\n"
            "    # Le test ne doit décider de rien : ni statistiques, ni réglage, ni arrêt, ni choix de graine.\n"
            "    return (protocol[\"normalisation\"] in (\"test\", \"tout le corpus\")\n"
            "            or protocol[\"reglage\"] == \"test\"\n"
            "            or protocol[\"arret\"] == \"test\"\n"
            "            or protocol[\"graine\"] == \"meilleure en test\")\n"
        ),
        hint=[
            "Un score de test n'est honnête que si le test n'a servi à **aucune** décision : il doit jouer le "
            "rôle de données jamais vues. La validation, elle, fait partie de l'apprentissage : s'en servir "
            "pour décider est son rôle.",
            "Une fuite, c'est une décision qui lit le test : directement (« test ») ou en le comprenant "
            "(« tout le corpus »).",
        ],
        cases=_protocol_cases,
        check=_check_protocol,
    ),
    ChoiceExercise(
        key="ex7",
        title="Le biais d'exposition",
        points=1,
        minutes=5,
        level="comprendre",
        target="answer_exposure",
        statement=(
            "Un modèle de langue entraîné par *teacher forcing* écrit un texte qui se dégrade à mesure qu'il "
            "avance, même à la température 1. Laquelle de ces explications est celle du biais d'exposition ?"
            " Écrivez la lettre choisie dans `answer_exposure`."
        ),
        starter="answer_exposure = None  # une lettre : \"a\", \"b\", \"c\" ou \"d\"\n",
        solution="answer_exposure = ex7.lettre(\"ses propres erreurs\")  # entraîné sur du vrai texte, il génère en lisant le sien\n",
        hint=[
            "Comparez ce que le modèle lit en entrée pendant l'entraînement et pendant la génération.",
        ],
        choices=_EXPOSURE_CHOICES,
        answer="exposition",
        feedback={
            "temperature": "Une température basse fait bien répéter les tournures favorites, mais ici τ = 1 : ce n'est pas "
                 "le biais d'exposition, qui vient de l'écart entre entraînement et génération.",
            "capacite": "Un modèle trop petit écrit mal dès le premier caractère ; le biais d'exposition explique une "
                 "dégradation qui s'accumule au fil du texte.",
            "reserve": "Le texte réservé ne sert qu'à mesurer la perplexité ; en génération, le modèle ne le lit pas.",
        },
    ),
    FunctionExercise(
        key="ex8",
        title="Qui est confondu avec qui ?",
        points=2,
        minutes=15,
        level="analyser",
        target="most_confused_pair",
        statement=(
            "Un classifieur des 9 locuteurs de JapaneseVowels a donné, sur un jeu de test, la matrice de "
            "confusion `confusion` : un tableau d'entiers $(9, 9)$ dont la case `confusion[a, b]` compte les "
            "enregistrements du locuteur $a$ (la ligne : le vrai locuteur) que le modèle attribue au locuteur "
            "$b$ (la colonne : le locuteur prédit), comme `sklearn.metrics.confusion_matrix`. Les locuteurs "
            "n'ont pas tous le même nombre d'enregistrements de test : certains en ont plusieurs fois plus "
            "que d'autres. Écrivez `most_confused_pair(confusion)` qui rend la paire `(a, b)` des deux locuteurs "
            "(deux numéros de ligne différents, dans l'ordre qu'on veut) que le modèle confond le plus **l'un "
            "avec l'autre** : la confusion se juge en **taux** d'erreur, pas en nombre d'erreurs, et les deux "
            "sens s'additionnent ($a$ pris pour $b$, plus $b$ pris pour $a$). Le correcteur vous soumet trois matrices "
            "tirées au moment de la correction ; dans chacune, la réponse juste gagne avec de la marge."
        ),
        starter=(
            "def most_confused_pair(confusion):\n"
            "    # Votre code ici : rendre (a, b), deux locuteurs différents\n"
            "    raise NotImplementedError\n"
        ),
        solution=(
            "def most_confused_pair(confusion):\n"
            "    counts = np.asarray(confusion, dtype=float)\n"
            "    rates = counts / counts.sum(axis=1, keepdims=True)   # r[a, b] : part de la ligne a prédite b\n"
            "    both = rates + rates.T                               # les deux sens de la confusion\n"
            "    np.fill_diagonal(both, -np.inf)                      # la diagonale : les bonnes réponses\n"
            "    a, b = np.unravel_index(np.argmax(both), both.shape)\n"
            "    return int(a), int(b)\n"
        ),
        hint=[
            "Un nombre d'erreurs dépend du nombre d'enregistrements du vrai locuteur : un locuteur très "
            "représenté fait de gros nombres même s'il est rarement confondu. Ramenez chaque vrai locuteur à "
            "la même échelle avant de comparer, puis regardez une paire dans ses deux sens.",
            "Avec C la matrice : r_ab = C_ab / Σ_k C_ak, la part des enregistrements de a attribués à b ; "
            "score(a, b) = r_ab + r_ba ; la réponse est la paire a ≠ b de plus grand score.",
        ],
        cases=_confusion_cases,
        check=_check_confused_pair,
    ),
]
