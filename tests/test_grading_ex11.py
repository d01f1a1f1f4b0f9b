"""Le mini-projet (cahier 11) : ses données, sa mesure, et un juge qui ne se laisse pas tromper.

- ``radar_streams`` tient ses promesses (durées des bosses et des parasites, bruit qui dérive,
  longueurs variables, graine) et refuse une mauvaise entrée en français ;
- ``alarm_scores`` est d'abord essayée sur des cas dont on connaît la réponse ;
- les seuils du F1 viennent des lignes de base mesurées : sur 12 tirages secrets, les deux lignes
  de base restent sous F1_ZERO et la solution de référence au-dessus de F1_FULL ;
- la solution de référence a 12/12 sur 10 graines secrètes ; une alarme non causale (moyenne
  centrée, lecture avant-arrière) a 0 avec son message ; une alarme qui trie le lot sans le
  remettre dans l'ordre, ou qui normalise sur tout le lot, perd ce critère ; une graine fausse
  est prise ; une sortie mal formée reçoit un message clair.
"""

from __future__ import annotations

import numpy as np
import pytest
from french_errors import check_french_error

from lstm_lib import filters
from lstm_lib.data import radar_streams
from lstm_lib.grading import definition
from lstm_lib.grading import ex11 as source
from lstm_lib.grading.core import FAUX, PARTIEL, REUSSI, fr
from lstm_lib.grading.notebook import check_locally, notebook_namespace
from lstm_lib.metrics import alarm_onsets, alarm_scores

EX1 = definition("ex11").EXERCISES[0]


def _namespace(code: str) -> dict:
    ns = notebook_namespace("ex11", "")
    exec(compile(source.SETUP, "<preparation>", "exec"), ns)
    exec(compile(code, "<cellule>", "exec"), ns)
    return ns


@pytest.fixture(scope="module")
def reference():
    return _namespace(source.SOLUTION)


def _grade(ns, seed=0):
    verdict = check_locally(EX1, ns, np.random.default_rng(seed))
    print(verdict.points, verdict.statut, verdict.message)
    return verdict


# --------------------------------------------------------------------------
# Les données et la mesure
# --------------------------------------------------------------------------

def _runs(row, value):
    edges = np.diff(np.concatenate([[0], (row == value).astype(int), [0]]))
    return np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)


def test_radar_streams_keep_their_promises():
    streams = radar_streams(200, seed=3)
    bumps = np.concatenate([_runs(r, 1) for r in streams.events])
    spikes = np.concatenate([_runs(r, 2) for r in streams.events])
    print("bosses :", bumps.min(), "à", bumps.max(), "pas ; parasites :", spikes.min(), "à", spikes.max())
    assert bumps.min() == 2 and bumps.max() == 10 and spikes.min() == 1 and spikes.max() == 2
    print("longueurs :", streams.lengths.min(), "à", streams.lengths.max())
    assert 80 <= streams.lengths.min() < streams.lengths.max() <= 160
    assert np.all(streams.x[~streams.valid_mask()] == 0)
    spread = [np.ptp(streams.noise_level[b, :streams.lengths[b]]) for b in range(len(streams))]
    print("dérive du bruit (écart max − min, médiane) :", np.median(spread))
    assert np.median(spread) > 0.1
    again = radar_streams(200, seed=3)
    assert np.array_equal(streams.x, again.x) and np.array_equal(streams.events, again.events)
    assert not np.array_equal(streams.x[:, :80], radar_streams(200, seed=4).x[:, :80])


@pytest.mark.parametrize("kwargs, error, words", [
    ({"n": 0}, ValueError, "« n »"),
    ({"n": 2.5}, TypeError, "« n » doit être un entier"),
    ({"n": 3, "lengths": (50, 10)}, ValueError, "borne basse"),
    ({"n": 3, "noise_std": 0.2}, TypeError, "« noise_std » doit être un couple"),
    ({"n": 3, "noise_std": (0.2, float("nan"))}, ValueError, "nombre fini"),
    ({"n": 3, "drift": -1.0}, ValueError, "« drift » doit être ≥ 0"),
    ({"n": 3, "seed": -1}, ValueError, "« seed »"),
])
def test_radar_streams_bad_input_in_french(kwargs, error, words):
    print(check_french_error(lambda: radar_streams(**kwargs), error, fr(words)))


def test_alarm_scores_on_known_cases():
    bumps = np.zeros((2, 30), dtype=bool)
    bumps[0, 5:9] = True     # une bosse au pas 5
    bumps[0, 20:22] = True   # une bosse au pas 20
    decisions = np.zeros((2, 30), dtype=bool)
    decisions[0, 7:12] = True    # à temps (5 + 2) : un vrai positif, compté une fois
    decisions[0, 23] = True      # trop tard (20 + 3) : une fausse alerte, et la bosse manquée
    decisions[1, 0] = True       # au pas 0, sur du bruit : une fausse alerte
    decisions[1, 29] = True      # dans le remplissage (longueur 25) : ignorée
    lengths = np.array([30, 25])
    assert [list(o) for o in alarm_onsets(decisions, lengths)] == [[7, 23], [0]]
    scores = alarm_scores(decisions, bumps, lengths, tolerance=2)
    print(scores)
    assert (scores["VP"], scores["FP"], scores["FN"]) == (1, 2, 1)
    assert scores["F1"] == pytest.approx(2 * 1 / (2 * 1 + 2 + 1))
    assert alarm_scores(bumps, bumps, np.array([30, 30]), tolerance=0)["F1"] == 1.0
    for args, error, words in [((decisions, bumps[:1], lengths), ValueError, "« bumps » doit avoir la forme"),
                               ((decisions * 0.5, bumps, lengths), TypeError, "booléens"),
                               ((decisions, bumps, np.array([31, 2])), ValueError, "entre 0 et T")]:
        print(check_french_error(lambda: alarm_scores(*args), error, fr(words)))


# --------------------------------------------------------------------------
# Les seuils viennent des lignes de base
# --------------------------------------------------------------------------

def _ema_alarm(x, lengths, alpha=0.3, threshold=0.65):
    return filters.ema(x[:, :, 0].T.astype(np.float64), alpha=alpha).T > threshold


def _tuned_ema(train):
    grid = [(a, th) for a in (0.2, 0.3, 0.5, 0.7, 1.0) for th in np.arange(0.3, 1.25, 0.05)]
    f1 = [alarm_scores(_ema_alarm(train.x, train.lengths, a, th), train.bumps, train.lengths)["F1"]
          for a, th in grid]
    return grid[int(np.argmax(f1))]


def _confirmed_peak(x, threshold=1.0):
    high = x[:, :, 0] > threshold
    return high & np.concatenate([np.zeros_like(high[:, :1]), high[:, :-1]], axis=1)


def test_thresholds_sit_between_the_baselines_and_the_reference(reference):
    train = radar_streams(300, seed=1)
    alpha, threshold = _tuned_ema(train)
    peak_grid = np.arange(0.5, 1.45, 0.05)
    peak_f1 = [alarm_scores(_confirmed_peak(train.x, th), train.bumps, train.lengths)["F1"] for th in peak_grid]
    peak_threshold = float(peak_grid[int(np.argmax(peak_f1))])
    print("réglées sur 300 flux : moyenne mobile α =", alpha, ", seuil =", round(threshold, 2),
          "; pic confirmé, seuil =", round(peak_threshold, 2))
    # Les réglages qu'affiche la cellule d'aide du cahier sont ceux de cette recherche.
    assert (alpha, round(threshold, 2), round(peak_threshold, 2)) == (0.3, 0.65, 0.95)
    ema, peak, ref = [], [], []
    for seed in range(12):
        cases = source._project_cases(np.random.default_rng(seed))
        (x, lengths), secret = cases[0], cases[0].secret
        ema.append(alarm_scores(_ema_alarm(x, lengths, alpha, threshold), secret["bumps"], lengths)["F1"])
        peak.append(alarm_scores(_confirmed_peak(x, peak_threshold), secret["bumps"], lengths)["F1"])
        ref.append(alarm_scores(reference["alarm"](x, lengths), secret["bumps"], lengths)["F1"])
    print(f"moyenne mobile : {min(ema):.3f} à {max(ema):.3f} ; pic confirmé : {min(peak):.3f} à {max(peak):.3f} ;"
          f" référence : {min(ref):.3f} à {max(ref):.3f}")
    assert max(ema) < source.F1_ZERO and max(peak) < source.F1_ZERO
    assert min(ref) >= source.F1_FULL + 0.01
    # Les plages qu'écrivent la source et l'énoncé : 0,80 à 0,84, 0,78 à 0,81, 0,94 à 0,96.
    assert 0.795 <= min(ema) and max(ema) < 0.845
    assert 0.775 <= min(peak) and max(peak) < 0.815
    assert 0.935 <= min(ref) and max(ref) < 0.965


# --------------------------------------------------------------------------
# Le juge
# --------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(10))
def test_reference_gets_full_marks(reference, seed):
    verdict = _grade(reference, seed)
    assert verdict.statut == REUSSI and verdict.points == source.AUTO_POINTS == 12


def test_reference_declares_its_real_validation_score(reference):
    measured = reference["validation_f1"](reference["alarm"])
    print("F1 de validation de la référence :", round(measured, 4), "; déclaré :", reference["REPORTED_F1"])
    assert abs(measured - reference["REPORTED_F1"]) <= 0.0005


_SEED_LINES = "SEED = 2024\nREPORTED_F1 = 0.954\n"

NON_CAUSAL = {
    "moyenne centrée": (
        "def alarm(x, lengths):\n"
        "    a = x[:, :, 0].astype(float)\n"
        "    smooth = np.apply_along_axis(lambda r: np.convolve(r, np.ones(3) / 3, mode='same'), 1, a)\n"
        "    return smooth > 0.8\n"),
    "avant-arrière": (  # une moyenne mobile lue dans les deux sens, comme un LSTM bidirectionnel
        "def alarm(x, lengths):\n"
        "    a = x[:, :, 0].T.astype(float)\n"
        "    forward = lstm_lib.filters.ema(a, alpha=0.5)\n"
        "    backward = lstm_lib.filters.ema(a[::-1], alpha=0.5)[::-1]\n"
        "    return ((forward + backward) / 2).T > 0.7\n"),
    "normalisée par tout le flux": (
        "def alarm(x, lengths):\n"
        "    a = x[:, :, 0]\n"
        "    return a / a.max(axis=1, keepdims=True) > 0.6\n"),
}


@pytest.mark.parametrize("name", sorted(NON_CAUSAL))
def test_non_causal_alarm_gets_zero_on_the_whole_auto_part(reference, name):
    ns = _namespace(source.SOLUTION + "\n" + NON_CAUSAL[name])
    verdict = _grade(ns, 1)
    assert verdict.points == 0 and verdict.statut == FAUX
    assert "n'est pas causale" in verdict.message and "0 à toute la partie automatique" in verdict.message


BATCH_BUGS = {
    "trié sans remettre dans l'ordre": (
        "def alarm(x, lengths):\n"
        "    order = np.argsort(-np.asarray(lengths), kind='stable')  # pour pack_padded_sequence\n"
        "    return confirmed_echo(np.asarray(x, dtype=np.float64)[order], THRESHOLD, MAX_JUMP)\n"),
    "normalisé sur tout le lot": (
        "def alarm(x, lengths):\n"
        "    x = np.asarray(x, dtype=np.float64).copy()\n"
        "    x[:, :, 0] *= 0.5 / x[:, :, 0].mean(axis=0, keepdims=True).clip(0.1)  # à chaque pas, sur le lot\n"
        "    return confirmed_echo(x, 0.9 * 0.5 / 0.45, MAX_JUMP)\n"),
}


@pytest.mark.parametrize("name", sorted(BATCH_BUGS))
def test_batch_mishandling_loses_that_criterion(name):
    ns = _namespace(source.SOLUTION + "\n" + BATCH_BUGS[name])
    verdict = _grade(ns, 2)
    assert verdict.statut in (PARTIEL, FAUX) and verdict.points <= source.AUTO_POINTS - 2
    assert "lot rembourré, non trié\u00a0: " in verdict.message and "→ 0/2" in verdict.message
    assert "remettez les sorties dans l'ordre du lot" in verdict.message
    assert "n'est pas causale" not in verdict.message


SEEDED_BY_CHANCE = (
    "from lstm_lib.data import radar_streams\n"
    "SEED = {declared}\n"
    "REPORTED_F1 = {reported}\n"
    "rng = np.random.default_rng({used})   # la graine réellement utilisée\n"
    "THRESHOLD = float(rng.uniform(0.3, 1.2))\n"
    "def alarm(x, lengths):\n"
    "    high = np.asarray(x)[:, :, 0] > THRESHOLD\n"
    "    return high & np.concatenate([np.zeros_like(high[:, :1]), high[:, :-1]], axis=1)\n"
)


def _seeded(declared, used, reported=None):
    if reported is None:  # le F1 qu'obtient vraiment l'exécution avec la graine « used »
        ns = _namespace(SEEDED_BY_CHANCE.format(declared=declared, reported=0.0, used=used))
        reported = round(ns["validation_f1"](ns["alarm"]), 3)
    return SEEDED_BY_CHANCE.format(declared=declared, reported=reported, used=used)


def test_declared_seed_that_reproduces_its_score_passes_reproducibility():
    verdict = _grade(_namespace(_seeded(declared=5, used=5)), 3)
    assert "reproductibilité (graine déclarée)\u00a0: F1 de validation" in verdict.message
    assert verdict.message.endswith("→ 2/2")


def test_report_from_another_seed_is_caught():
    # Le rapport recopie le F1 d'une exécution avec la graine 6 ; le cahier rendu tourne avec la graine 5.
    reported = _namespace(_seeded(declared=5, used=6))["REPORTED_F1"]
    rerun = _namespace(SEEDED_BY_CHANCE.format(declared=5, reported=reported, used=5))
    measured = rerun["validation_f1"](rerun["alarm"])
    print("déclaré :", reported, "; mesuré après ré-exécution :", round(measured, 3))
    assert abs(reported - measured) > source.REPRO_TOLERANCE
    verdict = _grade(rerun, 3)
    assert "ce n'est pas la même exécution" in verdict.message and verdict.message.endswith("→ 0/2")


@pytest.mark.parametrize("lines, words", [
    ("REPORTED_F1 = 0.954\n", "déclarez votre graine"),
    ("SEED = 'ma graine'\nREPORTED_F1 = 0.954\n", "SEED doit être un entier"),
    ("SEED = 2024\n", "REPORTED_F1 doit être le F1 de validation"),
    ("SEED = 2024\nREPORTED_F1 = float('nan')\n", "REPORTED_F1 doit être le F1 de validation"),
    ("SEED = 2024\nREPORTED_F1 = 95.4\n", "entre 0 et 1"),
])
def test_bad_declarations_get_clear_messages(lines, words):
    ns = _namespace(source.SOLUTION)
    for name in ("SEED", "REPORTED_F1"):
        ns.pop(name)
    exec(lines, ns)
    verdict = _grade(ns, 4)
    assert words in verdict.message and verdict.message.endswith("→ 0/2")
    assert verdict.points == source.AUTO_POINTS - 2


@pytest.mark.parametrize("body, words", [
    ("return confirmed_echo(np.asarray(x, dtype=np.float64), THRESHOLD, MAX_JUMP)[:, :-1]",
     "doit rendre un tableau de décisions de forme"),
    ("return np.full(np.asarray(x).shape[:2], np.nan)", "NaN"),
    ("return np.asarray(x)[:, :, 0] / 2", "seuillez vos scores"),
    ("return None", "alarm doit rendre un tableau de décisions"),
    ("return 'alerte'", "alarm doit rendre un tableau de décisions"),
])
def test_malformed_decisions_get_clear_messages(body, words):
    ns = _namespace(source.SOLUTION + f"\ndef alarm(x, lengths):\n    {body}\n")
    verdict = _grade(ns, 5)
    assert verdict.points == 0 and words in verdict.message


def test_starter_is_not_attempted():
    verdict = _grade(_namespace(source.STARTER), 6)
    assert verdict.statut == "non tenté" and verdict.points == 0


def test_secret_labels_never_reach_the_kernel():
    import pickle

    spec = EX1.make_spec(np.random.default_rng(7))
    sent = pickle.loads(pickle.dumps(spec["cases"]))
    assert all(type(case) is tuple and len(case) == 2 for case in sent)
    assert spec["context"] == ["SEED", "REPORTED_F1"]


# --------------------------------------------------------------------------
# Le vrai correcteur : les sondes de causalité dans un noyau neuf
# --------------------------------------------------------------------------

LOOKAHEAD = (
    "\n\ndef lookahead_echo(x, threshold, max_jump):\n"
    "    # NON CAUSAL : confirme au pas t avec le pas t + 1.\n"
    "    amplitude, distance = x[:, :, 0], x[:, :, 1]\n"
    "    high = amplitude > threshold\n"
    "    after = np.concatenate([high[:, 1:], np.zeros_like(high[:, :1])], axis=1)\n"
    "    jump = np.abs(np.diff(distance, axis=1, append=distance[:, -1:]))\n"
    "    return high & after & (jump < max_jump)\n"
)
#: Les tricheries d'une revue (un attaquant) qui passaient quand toutes les sondes étaient dans le noyau
#: de la copie et que le F1 se mesurait sur le lot : elles avaient 10/12 et 12/12.
CHEATS = {
    "non causale en lot, causale seule": (
        "def alarm(x, lengths):\n"
        "    x = np.asarray(x, dtype=np.float64)\n"
        "    if x.shape[0] == 1:  # les coupes sont des flux seuls\n"
        "        return confirmed_echo(x, THRESHOLD, MAX_JUMP)\n"
        "    return lookahead_echo(x, THRESHOLD, MAX_JUMP)\n"),
    "mémoire d'un appel à l'autre": (
        "_SEEN = {}\n\n\ndef alarm(x, lengths):\n"
        "    x = np.asarray(x, dtype=np.float64)\n"
        "    out = lookahead_echo(x, THRESHOLD, MAX_JUMP)\n"
        "    for b in range(x.shape[0]):\n"
        "        L = int(lengths[b]); stream = x[b, :L]\n"
        "        bucket = _SEEN.setdefault(stream[:3].tobytes(), [])\n"
        "        for known, dec in bucket:\n"
        "            if len(known) >= L and np.array_equal(known[:L], stream):\n"
        "                out[b, :L] = dec[:L]\n"
        "                break\n"
        "        else:\n"
        "            bucket.append((stream.copy(), out[b, :L].copy()))\n"
        "    return out\n"),
    "lecture de tous les cas sur la pile": (
        "import sys\n_MEMO = {}\n\n\ndef alarm(x, lengths):\n"
        "    if not _MEMO:\n"
        "        f = sys._getframe(1)\n"
        "        while f is not None and 'spec' not in f.f_locals:\n"
        "            f = f.f_back\n"
        "        for args in (f.f_locals['spec']['cases'] if f is not None else []):\n"
        "            if args[0].shape[0] > 1:\n"
        "                dec = lookahead_echo(np.asarray(args[0], dtype=np.float64), THRESHOLD, MAX_JUMP)\n"
        "                for b, L in enumerate(args[1]):\n"
        "                    s = np.asarray(args[0][b, :int(L)], dtype=np.float64)\n"
        "                    _MEMO.setdefault(s[:3].tobytes(), []).append((s, dec[b, :int(L)]))\n"
        "    x = np.asarray(x, dtype=np.float64)\n"
        "    out = lookahead_echo(x, THRESHOLD, MAX_JUMP)\n"
        "    for b in range(x.shape[0]):\n"
        "        L = int(lengths[b])\n"
        "        for known, dec in _MEMO.get(x[b, :3].tobytes(), []):\n"
        "            if len(known) >= L and np.array_equal(known[:L], x[b, :L]):\n"
        "                out[b, :L] = dec[:L]\n"
        "                break\n"
        "    return out\n"),
}


def test_the_grader_plays_causality_probes_in_a_fresh_kernel(tmp_path, monkeypatch):
    """Sous le vrai correcteur (bac à sable) : la référence a 12/12, deux copies de la classe reçoivent
    les mêmes flux secrets ; les tricheries qui gardent un état ont 0 avec le message de causalité, celle
    qui ne lit l'avenir qu'en lot n'en tire aucun point (le F1 se mesure sur les flux seuls)."""
    from lstm_grader import copies
    from lstm_grader.runner import GradingOptions, grade_paths

    names = {"ex11_reference.ipynb": "", "ex11_reference_bis.ipynb": ""}
    for k, cheat in enumerate(CHEATS):
        names[f"ex11_triche{k}.ipynb"] = cheat
    for filename, cheat in names.items():
        nb = copies.solved("ex11")
        if cheat:
            cell = next(c for c in nb.cells if c.get("id") == "reponse-ex1")
            cell.source += LOOKAHEAD + "\n\n" + CHEATS[cheat]
        copies.write(nb, tmp_path / filename)
    rows = {r.copy: r for r in grade_paths(sorted(tmp_path.glob("*.ipynb")), GradingOptions(seed=5, jobs=2),
                                           progress=False)}
    for filename, row in sorted(rows.items()):
        print(filename, names[filename] or "référence", row.points, row.message[:220])
    for filename in ("ex11_reference.ipynb", "ex11_reference_bis.ipynb"):
        assert rows[filename].points == source.AUTO_POINTS, rows[filename]
    f1 = {f: rows[f].message.split("F1 = ")[1].split(" ")[0] for f in ("ex11_reference.ipynb", "ex11_reference_bis.ipynb")}
    assert len(set(f1.values())) == 1, f1  # les mêmes flux secrets pour toute la classe : le même F1
    for filename, cheat in names.items():
        row = rows[filename]
        if cheat == "non causale en lot, causale seule":
            # Le F1 se mesure sur les flux seuls (causaux) : lire l'avenir en lot ne rapporte rien, et coûte
            # le critère du lot et la reproductibilité (la validation est lue en lot).
            assert row.points <= source.AUTO_POINTS - 2 and "ce que l'alarme fait autrement en lot" in row.message, row
            assert row.message.split("F1 = ")[1].split(" ")[0] == f1["ex11_reference.ipynb"], row  # aucun gain
        elif cheat:
            assert row.points == 0 and "n'est pas causale" in row.message, (cheat, row)
    # Ce qui les prend, c'est le noyau neuf : toutes les coupes dans le noyau de la copie, la mémoire passe.
    monkeypatch.setattr(EX1, "isolated", None)
    memo = [f for f, cheat in names.items() if cheat == "mémoire d'un appel à l'autre"]
    row = grade_paths([tmp_path / memo[0]], GradingOptions(seed=5, jobs=1), progress=False)[0]
    print("sans noyau neuf :", row.points, row.message[:160])
    assert row.points > 0 and "n'est pas causale" not in row.message
