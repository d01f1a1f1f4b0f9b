"""Le mini-projet du livre, noté sur 20 : une alarme radar en ligne, qui ne triche pas et le prouve.

Source unique du cahier ``exercises/ex11_mini_projet.ipynb``, de sa ligne dans
``exercises/index.md`` et de la grille du rapport dans ``guide-enseignant.md``, générés par
``python tools/make_exercises.py`` (format : :mod:`lstm_lib.grading.registry`).

**La partie automatique** (12 points, un seul exercice, ``ex1``) appelle l'alarme de l'élève,
``alarm(x, lengths)``, sur des flux tirés au moment de la correction avec la graine secrète du
correcteur (:func:`lstm_lib.data.radar_streams`, remplissage bruité), et la juge sur quatre
critères (:data:`AUTO_CRITERIA`) :

- **causalité** : les décisions sur ``x[:, :t]`` doivent être celles de ``x`` aux pas ``< t`` ;
  une alarme qui lit l'avenir reçoit 0 à **toute** la partie automatique ;
- **F1 en flux** sur les flux secrets (:func:`lstm_lib.metrics.alarm_scores`, tolérance
  :data:`TOLERANCE`), entre les seuils :data:`F1_ZERO` et :data:`F1_FULL` ;
- **lot rembourré, non trié** : chaque flux du lot doit recevoir les décisions qu'il reçoit seul ;
- **reproductibilité** : le correcteur ré-exécute tout le cahier (entraînement compris) avec la
  graine déclarée ``SEED`` ; le F1 de validation qu'il mesure doit être celui que déclare
  ``REPORTED_F1`` (à :data:`REPRO_TOLERANCE` près).

**Le rapport** (8 points) est noté à la main avec :data:`RUBRIC` (:mod:`lstm_lib.grading.rubric`).
"""

from __future__ import annotations

import numpy as np

from lstm_lib.data import radar_streams
from lstm_lib.grading.core import ERREUR, FAUX, PARTIEL, REUSSI, FunctionExercise, Verdict, as_array, \
    as_number, decode, describe, plural
from lstm_lib.grading.rubric import Criterion
from lstm_lib.grading.secret import SecretCase, secret_of
from lstm_lib.metrics import ALARM_TOLERANCE, alarm_scores
from lstm_lib.style import format_fr

NOTEBOOK = "ex11_mini_projet"
CHAPTER = "Mini-projet (chapitres 1 à 6)"
TITLE = "Mini-projet : une alarme radar en ligne, qui ne triche pas"

#: Le retard permis entre le début d'une bosse et l'alarme, en pas (voir ``alarm_scores``).
TOLERANCE = ALARM_TOLERANCE
#: La validation publique : mêmes flux pour l'élève et pour le correcteur (le F1 déclaré y est mesuré).
VALIDATION_SEED = 20_260
VALIDATION_SIZE = 300
#: Les flux secrets du correcteur (tirés avec sa graine) et les lignes de base qui fixent les seuils.
TEST_SIZE = 400
#: Les seuils du F1 en flux, tirés des lignes de base mesurées (``tests/test_grading_ex11.py`` les refait
#: sur 12 tirages de 400 flux secrets) : la moyenne mobile du chapitre 4, α et seuil choisis au mieux sur
#: 300 flux d'entraînement, obtient F1 = 0,80 à 0,84 ; le pic confirmé de l'exercice 8 du cahier 4 (deux
#: pas hauts de suite, l'amplitude seule), 0,78 à 0,81. Sous F1_ZERO (un peu au-dessus de la meilleure
#: ligne de base), 0 point ; à F1_FULL ou plus, tous les points (la solution de référence : 0,94 à 0,96) ;
#: entre les deux, les points croissent linéairement (au demi-point près).
F1_ZERO = 0.86
F1_FULL = 0.92
#: L'écart permis entre le F1 de validation déclaré et celui que mesure le correcteur après ré-exécution.
REPRO_TOLERANCE = 0.01
#: Le budget d'entraînement : la cellule de réponse s'exécute en moins de 20 s sur un CPU à 2 cœurs
#: (le correcteur arrête une cellule au bout de 30 s, une copie au bout de 180 s).
TRAINING_BUDGET_S = 20
#: Le temps des appels d'alarm par le correcteur dans chacun des deux noyaux (1 100 flux dans le premier :
#: le lot, chaque flux seul, la validation ; 400 flux coupés dans le second) : la référence y met environ
#: une seconde ; une alarme pas à pas en Python pur, 10 à 30 s.
HARVEST_BUDGET_S = 60

#: Les critères de la partie automatique et leurs points.
AUTO_CRITERIA = {"F1 en flux sur des flux secrets": 6, "causalité (troncature)": 2,
                 "lot rembourré, non trié": 2, "reproductibilité (graine déclarée)": 2}
AUTO_POINTS = sum(AUTO_CRITERIA.values())
_F1, _CAUSAL, _BATCH, _REPRO = AUTO_CRITERIA

NON_CAUSAL = (
    "votre alarme n'est pas causale : ne lui donner que les {cut} premiers pas du flux n° {row} "
    "change sa décision au pas n° {step} (pas et flux comptés à partir de 1 ; une décision ne doit dépendre "
    "que des pas déjà lus, et une alarme ne doit rien garder d'un appel à l'autre). Une moyenne centrée, un LSTM "
    "bidirectionnel, une normalisation par la moyenne ou le maximum de tout le flux lisent l'avenir. Une "
    "alarme non causale reçoit 0 à toute la partie automatique, quel que soit son F1"
)

INTRO = (
    "Ce mini-projet reprend tout le livre (chapitres 1 à 6) et se note sur 20. Vous construisez une "
    "**alarme radar en ligne** : elle lit un flux pas à pas et doit sonner au début de chaque vraie bosse "
    "(un écho qui dure, à distance stable), sans sonner sur les parasites, ni lire l'avenir.\n\n"
    "Les données sont plus dures que celles des chapitres (`lstm_lib.data.radar_streams`) : plusieurs "
    "événements par flux, des bosses de **2 à 10 pas**, des parasites de **1 à 2 pas** de même hauteur "
    "(à une distance quelconque à chaque pas), un bruit dont le niveau **dérive lentement**, des flux de "
    "**80 à 160 pas**. Le travail est noté en deux parts :\n\n"
    f"- la **partie automatique** ({AUTO_POINTS} points, exercice 1) : le correcteur appelle votre alarme "
    "sur des flux secrets, tirés au moment de la correction, et vérifie qu'elle est causale, qu'elle traite "
    "un lot rembourré comme des flux seuls, et que votre graine reproduit votre score ;\n"
    "- le **rapport** (8 points), écrit en fin de cahier et noté à la main, avec la grille donnée plus bas."
)

SETUP = (
    "from lstm_lib.data import radar_streams\n"
    "from lstm_lib.metrics import ALARM_TOLERANCE, alarm_scores\n\n"
    f"validation = radar_streams({VALIDATION_SIZE}, seed={VALIDATION_SEED})  # la validation publique\n\n\n"
    "def validation_f1(alarm):\n"
    "    \"\"\"Le F1 en flux d'une alarme sur la validation publique (la mesure du correcteur).\"\"\"\n"
    "    decisions = alarm(validation.x, validation.lengths)\n"
    "    return alarm_scores(decisions, validation.bumps, validation.lengths, tolerance=ALARM_TOLERANCE)[\"F1\"]"
)


# --------------------------------------------------------------------------
# Les flux du correcteur
# --------------------------------------------------------------------------

def noisy_padding(streams, rng) -> np.ndarray:
    """``streams.x`` dont le remplissage (après chaque fin de flux) est du bruit, pas des zéros."""
    x = streams.x.copy()
    padding = ~streams.valid_mask()
    count = int(padding.sum())
    x[padding, 0] = np.abs(rng.normal(0.0, 0.6, size=count))
    x[padding, 1] = rng.random(count)
    return x


def _project_cases(rng, n_test=TEST_SIZE, n_validation=VALIDATION_SIZE):
    """Les appels de l'alarme : le lot des flux secrets, chacun de ces flux seul, chacun tronqué (juste
    après le début d'une bosse), la validation.

    Les flux secrets ont des longueurs mélangées (le lot n'est pas trié) et un remplissage bruité. Le F1
    se mesure sur les flux **seuls** (une alarme en ligne suit chaque flux pour lui-même) : une alarme qui
    se comporterait autrement en lot — non causale en lot, causale seule — n'y gagne rien, et perd le
    critère du lot, qui compare le lot aux flux seuls. La troncature se fait sur des flux seuls : l'ordre
    du lot ou le mélange des flux n'y jouent pas, seule compte la lecture de l'avenir.
    """
    test = radar_streams(n_test, seed=int(rng.integers(2**31)))
    x, lengths = noisy_padding(test, rng), test.lengths.copy()
    cases = [SecretCase((x, lengths), secret={"role": "test", "bumps": test.bumps})]
    for row in range(n_test):
        cases.append(SecretCase((x[row:row + 1, :int(lengths[row])].copy(), lengths[row:row + 1].copy()),
                                secret={"role": "single", "row": row}))
    bumps = test.bumps
    for row in range(n_test):
        cut = _cut_point(bumps[row, :int(lengths[row])], rng)
        cases.append(SecretCase((x[row:row + 1, :cut].copy(), np.array([cut])),
                                secret={"role": "cut", "row": row, "cut": cut}))
    validation = radar_streams(n_validation, seed=VALIDATION_SEED)
    cases.append(SecretCase((validation.x, validation.lengths),
                            secret={"role": "validation", "bumps": validation.bumps}))
    return cases


def _cut_point(bump_row, rng) -> int:
    """Où couper un flux pour la sonde de causalité : juste après le début d'une de ses bosses (le dernier
    pas gardé est l'un des pas o, o + 1, o + 2 où une alarme qui lirait le pas suivant pour confirmer
    déciderait autrement), sinon n'importe où. Une coupe au hasard ne tombe presque jamais là."""
    L = len(bump_row)
    onsets = np.flatnonzero(bump_row & ~np.concatenate([[False], bump_row[:-1]]))
    onsets = onsets[(onsets >= 2) & (onsets + 3 < L)]
    if len(onsets):
        return int(rng.choice(onsets)) + int(rng.integers(1, 4))
    return int(rng.integers(3, L - 1))


def _isolated(cases) -> list[int]:
    """Les sondes de causalité appelées dans un second noyau, neuf (voir ``FunctionExercise.isolated``) :
    une coupe par flux secret. Ce noyau ne voit jamais les flux entiers : une alarme qui garde en mémoire
    ses décisions d'un appel à l'autre, ou lit d'avance tous les cas sur la pile de la récolte, ne peut pas
    y répondre d'après l'avenir. Une seule coupe par flux (avec plusieurs, la plus longue servirait à
    répondre aux autres)."""
    return [k for k, case in enumerate(cases) if secret_of(case)["role"] == "cut"]


def _preview_cases(rng):
    """Des essais plus petits pour l'édition élève (qui ne vérifie que la forme des décisions)."""
    return _project_cases(rng, n_test=12, n_validation=12)


# --------------------------------------------------------------------------
# Le juge
# --------------------------------------------------------------------------

def _decisions(got, args) -> tuple[np.ndarray | None, str]:
    """Les décisions d'un appel, ``(B, T)`` booléennes, ou un message qui dit ce qui ne va pas."""
    x = args[0]
    B, T = x.shape[0], x.shape[1]
    arr = as_array(got)
    if arr is None:
        return None, (f"alarm doit rendre un tableau de décisions de forme ({B}, {T}) (un booléen par flux et "
                      f"par pas) ; reçu {describe(got)}")
    if arr.shape != (B, T):
        return None, (f"alarm doit rendre un tableau de décisions de forme ({B}, {T}), comme x sans son dernier "
                      f"axe ; reçu la forme {arr.shape}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        return None, "les décisions contiennent des NaN ou des infinis : attendu des booléens (ou des 0 et des 1)"
    if arr.dtype.kind != "b":
        if not np.all((arr == 0) | (arr == 1)):
            bad = arr[(arr != 0) & (arr != 1)].ravel()[0]
            return None, (f"les décisions doivent être des booléens (ou des 0 et des 1) ; reçu des valeurs comme "
                          f"{format_fr(float(bad), 3)} : seuillez vos scores pour décider")
    return arr.astype(bool), ""


def _causality_problem(singles, cuts) -> str | None:
    """Les décisions d'un flux coupé après ``cut`` pas sont-elles celles du flux entier sur ces pas-là ?"""
    alone = dict(singles)
    for row, cut, decisions in cuts:
        differ = decisions[0] != alone[row][0, :cut]
        if differ.any():
            return NON_CAUSAL.format(cut=cut, step=int(np.flatnonzero(differ)[0]) + 1, row=row + 1)
    return None


def _batch_problem(full, singles, lengths) -> str | None:
    wrong = [row for row, decisions in singles
             if not np.array_equal(decisions[0], full[row, :lengths[row]])]
    if not wrong:
        return None
    one = len(wrong) < 2
    return (f"{plural(len(wrong), 'flux', 'flux')} sur {len(singles)} ne reçoi{'t' if one else 'vent'} "
            f"pas dans le lot les décisions qu'{'il reçoit seul' if one else 'ils reçoivent seuls'} (par exemple "
            f"le flux n° {wrong[0] + 1}) : le lot "
            f"n'est pas trié par longueur et son remplissage est du bruit. Si vous triez le lot (pour "
            f"pack_padded_sequence), remettez les sorties dans l'ordre du lot ; ne normalisez pas sur tout "
            f"le lot (les flux se mélangent) ; ne lisez que les pas réels de chaque flux (lengths). Le F1 est "
            f"mesuré sur les flux seuls : ce que l'alarme fait autrement en lot ne lui rapporte rien")


def _f1_points(f1: float) -> float:
    points = AUTO_CRITERIA[_F1]
    if f1 >= F1_FULL:
        return float(points)
    if f1 <= F1_ZERO:
        return 0.0
    return float(np.floor(2 * points * (f1 - F1_ZERO) / (F1_FULL - F1_ZERO)) / 2)


def _context(harvested, name):
    node = (harvested.get("context") or {}).get(name)
    if not isinstance(node, dict) or node.get("t") == "absent":
        return None, False
    return decode(node), True


def _repro_problem(harvested, f1_validation) -> str | None:
    seed, found = _context(harvested, "SEED")
    if not found:
        return "déclarez votre graine, SEED = un entier, dans la cellule de réponse"
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        return f"SEED doit être un entier ≥ 0 (la graine de tout votre entraînement) ; reçu {describe(seed)}"
    reported, found = _context(harvested, "REPORTED_F1")
    value = as_number(reported) if found else None
    if value is None or not np.isfinite(value) or not 0.0 <= value <= 1.0:
        what = describe(reported) if found else "rien (REPORTED_F1 n'est pas défini)"
        if value is not None:
            what = format_fr(value, 3)
        return (f"REPORTED_F1 doit être le F1 de validation de votre rapport, un nombre entre 0 et 1, recopié "
                f"à la main ; reçu {what}")
    if abs(value - f1_validation) > REPRO_TOLERANCE:
        return (f"le cahier ré-exécuté avec SEED = {seed} donne F1 = {format_fr(f1_validation, 3)} sur la "
                f"validation publique, et votre rapport déclare {format_fr(value, 3)} : ce n'est pas la même "
                f"exécution. Tirez et entraînez tout avec SEED (numpy, torch), puis recopiez le F1 obtenu "
                f"après « Redémarrer le noyau et tout exécuter »")
    return None


class ProjectExercise(FunctionExercise):
    """L'alarme du projet, jugée sur tous ses appels à la fois (:data:`AUTO_CRITERIA`)."""

    def judge(self, harvested, spec):
        early, results = self._results(harvested, spec)
        if early is not None:
            return early
        cases = spec["cases"]
        roles = [secret_of(args) for args in cases]
        decisions = []
        for args, got in zip(cases, results):
            dec, problem = _decisions(got, args)
            if problem:
                return Verdict(0.0, self.points, FAUX, problem)
            decisions.append(dec)
        by_role = {}
        for role, args, dec in zip(roles, cases, decisions):
            by_role.setdefault(role["role"], []).append((role, args, dec))
        (test_role, (x, lengths), full), = by_role["test"]
        singles = [(role["row"], dec) for role, _, dec in by_role.get("single", [])]
        cuts = [(role["row"], role["cut"], dec) for role, _, dec in by_role.get("cut", [])]
        problem = _causality_problem(singles, cuts)
        if problem:
            return Verdict(0.0, self.points, FAUX, problem)
        lines, points = [], 0.0
        alone = np.zeros_like(full)  # les décisions de chaque flux seul : celles que mesure le F1
        for row, dec in singles:
            alone[row, :lengths[row]] = dec[0]
        scores = alarm_scores(alone, test_role["bumps"], lengths, tolerance=TOLERANCE)
        f1_points = _f1_points(scores["F1"])
        points += f1_points
        verdict_f1 = (f"{_F1} : F1 = {format_fr(scores['F1'], 3)} sur {len(lengths)} flux (précision "
                      f"{format_fr(scores['précision'], 3)}, rappel {format_fr(scores['rappel'], 3)}) ; "
                      f"0 point sous {format_fr(F1_ZERO, 2)}, tous à partir de {format_fr(F1_FULL, 2)}")
        lines.append(f"{verdict_f1} → {format_fr(f1_points)}/{AUTO_CRITERIA[_F1]}")
        points += AUTO_CRITERIA[_CAUSAL]
        lines.append(f"{_CAUSAL} : les décisions ne changent pas quand on coupe le flux → "
                     f"{AUTO_CRITERIA[_CAUSAL]}/{AUTO_CRITERIA[_CAUSAL]}")
        problem = _batch_problem(full, singles, lengths)
        if problem:
            lines.append(f"{_BATCH} : {problem} → 0/{AUTO_CRITERIA[_BATCH]}")
        else:
            points += AUTO_CRITERIA[_BATCH]
            lines.append(f"{_BATCH} : chaque flux reçoit les mêmes décisions seul → "
                         f"{AUTO_CRITERIA[_BATCH]}/{AUTO_CRITERIA[_BATCH]}")
        (val_role, (_, val_lengths), val_dec), = by_role["validation"]
        f1_validation = alarm_scores(val_dec, val_role["bumps"], val_lengths, tolerance=TOLERANCE)["F1"]
        problem = _repro_problem(harvested, f1_validation)
        if problem:
            lines.append(f"{_REPRO} : {problem} → 0/{AUTO_CRITERIA[_REPRO]}")
        else:
            points += AUTO_CRITERIA[_REPRO]
            lines.append(f"{_REPRO} : F1 de validation {format_fr(f1_validation, 3)}, celui que déclare votre "
                         f"rapport → {AUTO_CRITERIA[_REPRO]}/{AUTO_CRITERIA[_REPRO]}")
        statut = REUSSI if points == self.points else (PARTIEL if points > 0 else FAUX)
        return Verdict(points, self.points, statut, " ; ".join(lines))


STATEMENT = (
    "Écrivez, dans la cellule de réponse, votre **graine** `SEED`, votre **entraînement** (ce qui choisit "
    "les réglages de l'alarme : seuils, poids d'un petit modèle PyTorch…) et la fonction `alarm(x, lengths)` :\n\n"
    "- `x` : un lot de flux, tableau `float32` de forme $(B, T, 2)$ (canaux amplitude et distance) ; "
    "`lengths` : leurs longueurs réelles, entiers de forme $(B,)$, **dans n'importe quel ordre** ; après la "
    "fin de chaque flux, `x` contient du remplissage (des zéros, ou du bruit chez le correcteur) ;\n"
    "- elle rend les décisions, des booléens de forme $(B, T)$ : `True` au pas $t$ si l'alarme sonne. Seuls "
    "comptent les pas réels de chaque flux.\n\n"
    f"**La mesure.** Une bosse qui commence au pas $o$ est trouvée si l'alarme se déclenche (passe de "
    f"`False` à `True`) à un pas de $[o, o + {TOLERANCE}]$ ; tout autre déclenchement est une fausse alerte ; "
    f"une alarme qui reste allumée ne compte qu'une fois (`lstm_lib.metrics.alarm_scores`, tolérance "
    f"`ALARM_TOLERANCE` = {TOLERANCE}). `validation_f1(alarm)` mesure ainsi le F1 sur la validation publique, "
    f"`radar_streams({VALIDATION_SIZE}, seed={VALIDATION_SEED})`, que vous ne devez pas utiliser pour "
    f"entraîner ni pour régler : tirez vos propres flux avec `radar_streams(n, seed=SEED)`.\n\n"
    f"**Ce que note le correcteur** ({AUTO_POINTS} points). Il ré-exécute tout le cahier dans un noyau neuf, "
    f"puis appelle `alarm` sur {TEST_SIZE} flux secrets tirés au moment de la correction (les mêmes pour "
    f"toute la classe), en un lot au remplissage bruité, puis sur chacun seul :\n\n"
    f"- **{_CAUSAL}** ({AUTO_CRITERIA[_CAUSAL]} points) : les décisions sur `x[:, :t]` doivent être celles "
    f"de `x` aux pas $< t$ ; une partie de ces coupes est jouée "
    f"dans une seconde exécution du cahier, un autre noyau neuf qui ne voit jamais les flux entiers (une "
    f"alarme ne doit donc rien garder d'un appel à l'autre). **Une alarme non causale reçoit 0 à toute la "
    f"partie automatique** ;\n"
    f"- **{_F1}** ({AUTO_CRITERIA[_F1]} points), mesuré sur les flux seuls : 0 point sous F1 = {format_fr(F1_ZERO, 2)} (un peu au-dessus "
    f"de la meilleure ligne de base mesurée, la moyenne mobile du chapitre 4, de 0,80 à 0,84), tous à partir de "
    f"{format_fr(F1_FULL, 2)}, linéairement entre les deux ;\n"
    f"- **{_BATCH}** ({AUTO_CRITERIA[_BATCH]} points) : chaque flux du lot doit recevoir les décisions qu'il "
    f"reçoit seul ;\n"
    f"- **{_REPRO}** ({AUTO_CRITERIA[_REPRO]} points) : `REPORTED_F1`, le F1 de validation de votre rapport "
    f"recopié à la main, doit être celui que mesure le correcteur après avoir ré-exécuté votre cahier tel "
    f"quel (votre code tire tout avec votre `SEED` : le correcteur ne la fixe pas à votre place), à "
    f"{format_fr(REPRO_TOLERANCE, 2)} près.\n\n"
    f"**Budget.** Votre cellule de réponse, entraînement compris, doit s'exécuter en moins de "
    f"{TRAINING_BUDGET_S} s sur un CPU à 2 cœurs : le correcteur arrête une cellule au bout de 30 s et une "
    f"copie au bout de 180 s. Tous ses appels d'`alarm` (environ 1 500 flux) doivent tenir en "
    f"{HARVEST_BUDGET_S} s : `alarm` sur {TEST_SIZE} flux doit répondre en quelques secondes."
)

STARTER = (
    "from lstm_lib.data import radar_streams\n"
    "from lstm_lib.metrics import ALARM_TOLERANCE, alarm_scores\n"
    "\n"
    "SEED = 0              # votre graine : tirez et entraînez tout avec elle\n"
    "REPORTED_F1 = None    # le F1 de validation de votre rapport, recopié à la main (un nombre)\n"
    "\n"
    "# Votre entraînement ici (moins de 20 s) : des flux tirés par radar_streams(n, seed=SEED),\n"
    "# jamais la validation publique.\n"
    "\n"
    "\n"
    "def alarm(x, lengths):\n"
    "    # x : (B, T, 2) float32, lengths : (B,) ; rend des décisions (B, T) booléennes, causales\n"
    "    raise NotImplementedError\n"
)

SOLUTION = (
    "from lstm_lib.data import radar_streams\n"
    "from lstm_lib.metrics import ALARM_TOLERANCE, alarm_scores\n"
    "\n"
    "SEED = 2024\n"
    "REPORTED_F1 = 0.954   # validation_f1(alarm), après « Redémarrer le noyau et tout exécuter »\n"
    "\n"
    "\n"
    "def confirmed_echo(x, threshold, max_jump):\n"
    "    # Vrai au pas t si l'amplitude dépasse le seuil aux pas t − 1 et t, à une distance presque\n"
    "    # inchangée : un parasite d'un pas ne passe pas, un parasite de deux pas change de distance.\n"
    "    amplitude, distance = x[:, :, 0], x[:, :, 1]\n"
    "    high = amplitude > threshold\n"
    "    high_before = np.concatenate([np.zeros_like(high[:, :1]), high[:, :-1]], axis=1)\n"
    "    jump = np.abs(np.diff(distance, axis=1, prepend=distance[:, :1]))\n"
    "    return high & high_before & (jump < max_jump)\n"
    "\n"
    "\n"
    "# Entraînement : le seuil et le saut de distance qui donnent le meilleur F1 sur 300 flux\n"
    "# tirés avec SEED (jamais la validation publique).\n"
    "train = radar_streams(300, seed=SEED)\n"
    "grid = [(float(th), dj) for th in np.arange(0.6, 1.21, 0.1) for dj in (0.05, 0.1, 0.2)]\n"
    "train_f1 = [alarm_scores(confirmed_echo(train.x, th, dj), train.bumps, train.lengths,\n"
    "                         tolerance=ALARM_TOLERANCE)[\"F1\"] for th, dj in grid]\n"
    "THRESHOLD, MAX_JUMP = grid[int(np.argmax(train_f1))]\n"
    "\n"
    "\n"
    "def alarm(x, lengths):\n"
    "    # Causale (pas t − 1 et t seulement) et flux par flux : le remplissage et l'ordre n'y font rien.\n"
    "    return confirmed_echo(np.asarray(x, dtype=np.float64), THRESHOLD, MAX_JUMP)\n"
)

HELPER = (
    "# Deux lignes de base, causales, mesurées sur la validation publique (leurs réglages sont ceux\n"
    "# que donne une recherche sur des flux d'entraînement). Faites mieux, et dites pourquoi.\n"
    "def ema_alarm(x, lengths, alpha=0.3, threshold=0.65):\n"
    "    # Chapitre 4 : une moyenne mobile de l'amplitude, seuillée (un filtre fixe).\n"
    "    smoothed = lstm_lib.filters.ema(x[:, :, 0].T.astype(np.float64), alpha=alpha).T\n"
    "    return smoothed > threshold\n"
    "\n"
    "\n"
    "def confirmed_peak_alarm(x, lengths, threshold=0.95):\n"
    "    # Cahier 4, exercice 8 : deux pas hauts de suite, l'amplitude seule.\n"
    "    high = x[:, :, 0] > threshold\n"
    "    return high & np.concatenate([np.zeros_like(high[:, :1]), high[:, :-1]], axis=1)\n"
    "\n"
    "\n"
    "for name, baseline in [(\"moyenne mobile\", ema_alarm), (\"pic confirmé\", confirmed_peak_alarm)]:\n"
    "    print(f\"{name} : F1 de validation = {lstm_lib.style.format_fr(validation_f1(baseline), 3)}\")"
)

EXERCISES = [
    ProjectExercise(
        key="ex1",
        title="Une alarme en ligne, causale et reproductible",
        points=AUTO_POINTS,
        minutes=180,
        level="concevoir",
        target="alarm",
        statement=STATEMENT,
        starter=STARTER,
        solution=SOLUTION,
        helper=HELPER,
        hint=[
            "Une bosse se distingue d'un parasite par ce qui se répète d'un pas au suivant : la hauteur, "
            "mais aussi la distance. Une décision au pas t ne peut s'appuyer que sur les pas déjà lus.",
            "Confirmer demande d'attendre : la tolérance permet de sonner jusqu'à deux pas après le début "
            "d'une bosse. Un bruit qui dérive rend un seuil fixe trop bas par moments : mesurez-le.",
        ],
        cases=_project_cases,
        preview_cases=_preview_cases,
        check=lambda args, got: None,  # juge sur mesure : voir ProjectExercise.judge (tous les appels à la fois)
        context=("SEED", "REPORTED_F1"),
        isolated=_isolated,
        shared_draw=True,  # les mêmes flux secrets pour toutes les copies : la note ne dépend pas du tirage
        harvest_seconds=HARVEST_BUDGET_S,
    ),
]

#: La grille du rapport (8 points) : la consigne des élèves et la grille de l'enseignant en sont tirées.
RUBRIC = [
    Criterion(
        name="Lignes de base et protocole",
        question="Comparer l'alarme à au moins deux lignes de base causales, sur des données qui n'ont servi "
                 "ni à entraîner ni à régler, avec un protocole décrit (tirages, graines, tailles).",
        levels=((0, "pas de ligne de base, ou mesurées sur les données d'entraînement"),
                (1, "une ligne de base, ou un protocole incomplet (graines, tailles ou séparation non dites)"),
                (2, "deux lignes de base ou plus, même mesure et mêmes données que l'alarme, protocole "
                    "reproductible")),
        look_for="les F1 des lignes de base calculés par le cahier (pas recopiés d'ailleurs) ; des flux "
                 "d'entraînement tirés avec SEED, distincts de la validation ; les tailles et graines écrites",
    ),
    Criterion(
        name="Choix appuyés par des ablations",
        question="Justifier chaque ingrédient de l'alarme (confirmation, distance, niveau de bruit, modèle…) "
                 "par une ablation : le F1 avec et sans lui, sur plusieurs graines.",
        levels=((0, "des choix affirmés sans mesure"),
                (1, "une ablation, ou des ablations sur une seule graine"),
                (2, "une ablation par ingrédient, sur plusieurs graines, avec l'écart observé")),
        look_for="un tableau « avec / sans » par ingrédient ; plusieurs graines et leur dispersion ; un "
                 "ingrédient sans effet mesuré retiré ou dit inutile",
    ),
    Criterion(
        name="Interprétation liée aux affirmations",
        question="Expliquer ce que l'alarme manque et pourquoi (bosses courtes, parasites de deux pas, bruit "
                 "fort), chaque affirmation renvoyant à un nombre ou une figure du cahier.",
        levels=((0, "pas d'analyse des erreurs, ou des affirmations sans nombre"),
                (1, "les erreurs décrites, mais sans lien mesuré avec leur cause"),
                (2, "les erreurs classées (par durée de bosse, niveau de bruit…) et chaque affirmation "
                    "appuyée sur un nombre calculé")),
        look_for="des erreurs ventilées par durée de bosse ou niveau de bruit (radar_streams les donne : "
                 "events, noise_level) ; aucune conclusion plus forte que ce que les nombres montrent",
    ),
    Criterion(
        name="Fuite d'information justifiée",
        question="Montrer que l'alarme ne triche pas : qu'elle est causale (et comment on le vérifie), "
                 "qu'aucun réglage n'a vu la validation, qu'un lot rembourré ne change rien.",
        levels=((0, "rien sur la fuite, ou une fuite présente (réglage sur la validation, normalisation sur "
                    "tout le flux)"),
                (1, "la causalité affirmée, sans preuve, ou une seule des trois vérifications"),
                (2, "un test de troncature écrit dans le cahier, la séparation entraînement / validation "
                    "justifiée, le lot rembourré vérifié")),
        look_for="un test de troncature dans le cahier (décisions sur x[:, :t] contre x) ; aucune ligne qui "
                 "lit validation avant la mesure finale ; une normalisation causale (moyenne courante)",
    ),
]

REPORT_STARTER = (
    "### Rapport\n\n"
    "**1. Lignes de base et protocole.** *(à rédiger)*\n\n"
    "**2. Choix et ablations.** *(à rédiger)*\n\n"
    "**3. Interprétation.** *(à rédiger)*\n\n"
    "**4. Fuite d'information.** *(à rédiger)*"
)
