"""Cahier 6, exercices 6 et 7 (anticipation, étape qui fuit) : le juge mesure ce qu'il prétend mesurer.

- :func:`measured_lookahead` est essayée sur des modèles dont on connaît l'anticipation
  avant de la mesurer (une somme cumulée, une moyenne centrée, une moyenne globale) ;
- les modèles tirés par le correcteur ont bien l'anticipation secrète qu'il note, sur
  plusieurs graines, dans les deux familles, et leurs sorties tronquées tiennent la
  promesse de l'énoncé (exactes au bit près quand elles ne lisent pas plus loin,
  changées d'au moins 10⁻³ sinon) ;
- chaque erreur anticipée reçoit son propre message, et le secret ne part pas au noyau ;
- ex7 : dans chaque pipeline tiré, rien ne bouge avant l'étape fautive, tout bouge après
  (une étape hérite de la fuite de celles qui la précèdent), et les quatre coupables
  possibles (aucun, ou chaque étape) sont tirés à chaque correction.
"""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest

from lstm_lib.grading import definition
from lstm_lib.grading import ex06 as source
from lstm_lib.grading.notebook import check_locally, notebook_namespace

EXERCISES = {ex.key: ex for ex in definition("ex06").EXERCISES}
EX6, EX7 = EXERCISES["ex6"], EXERCISES["ex7"]


def _answer(code: str) -> dict:
    ns = notebook_namespace("ex06", "")
    exec(compile(code, "<cellule>", "exec"), ns)
    return ns


def _centered_mean(x, half):
    """La moyenne de x[t − half .. t + half], coupée aux bords (pandas : rolling(center=True))."""
    return np.array([x[max(0, t - half):t + half + 1].mean() for t in range(len(x))])


@pytest.mark.parametrize("outputs, expected", [
    (np.cumsum, 0),                                                            # causal
    (lambda x: _centered_mean(x, 1), 1),                                       # moyenne centrée sur 3 pas
    (lambda x: _centered_mean(x, 2), 2),                                       # moyenne centrée sur 5 pas
    (lambda x: x - x.mean(), None),                                            # normalisée par toute la série
])
def test_measured_lookahead_on_known_models(outputs, expected):
    x = np.random.default_rng(0).normal(size=15)
    table = source.truncated_outputs(outputs, x)
    assert np.isnan(table[np.triu_indices(15, 1)]).all() and not np.isnan(table[np.tril_indices(15)]).any()
    k = source.measured_lookahead(table, tol=1e-12)
    print("anticipation mesurée :", k)
    assert k == (len(x) - 1 if expected is None else expected)


@pytest.mark.parametrize("seed", range(6))
def test_drawn_models_have_their_secret_lookahead(seed):
    cases = source._lookahead_cases(np.random.default_rng(seed))
    secrets = [case.secret for case in cases]
    print("anticipations tirées :", secrets)
    assert len(set(secrets)) == 4 and set(secrets) <= set(source.LOOKAHEADS)
    for case in cases:
        x, table = case
        k, T = case.secret, len(x)
        assert table.shape == (T, T)
        for t in range(T):
            horizon = min(t + k, T - 1)  # la première ligne où la sortie au pas t est définitive
            gaps = np.abs(table[t:, t] - table[-1, t])
            assert (gaps[horizon - t:] == 0).all()
            assert (gaps[:horizon - t] >= source.LOOKAHEAD_GAP).all()
        assert source.measured_lookahead(table) == source.measured_lookahead(table, tol=1e-6) == k
        sent = pickle.loads(pickle.dumps(case))  # ce que reçoit le noyau : un tuple, sans le secret
        assert type(sent) is tuple and not hasattr(sent, "secret")
        assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(sent, case))


def test_both_families_can_read_the_future():
    rng = np.random.default_rng(3)
    x = rng.normal(size=14)
    for family in (source._readers_model, source._window_model):
        for k in source.LOOKAHEADS:
            measured = source.measured_lookahead(source.truncated_outputs(family(rng, k), x))
            print(family.__name__, k, measured)
            assert measured == k


LOOKAHEAD_MISTAKES = [
    ("compte le pas présent",
     "def lookahead(x, y):\n    s, t = np.nonzero(np.abs(y - y[-1]) > 0)\n    return int(max(s - t + 2, default=1))\n",
     "compter aussi le pas présent"),
    ("oublie que la ligne s contient x[s]",
     "def lookahead(x, y):\n    s, t = np.nonzero(np.abs(y - y[-1]) > 0)\n    return int(max(s - t, default=0))\n",
     "contient déjà x[s]"),
    ("compte les NaN comme des changements",
     "def lookahead(x, y):\n    return len(x)\n", "NaN n'est égal à rien"),
    ("négatif", "def lookahead(x, y):\n    return -1\n", "au moins 0"),
    ("pas un entier", "def lookahead(x, y):\n    return 1.5\n", "rendez un entier"),
    ("un booléen", "def lookahead(x, y):\n    return True\n", "rendez un entier"),
]


def _assert_zero_with_message(exercise, code, fragments):
    """Sur trois tirages : zéro point, et l'un des messages attendus (un fragment ou un tuple de fragments)."""
    fragments = (fragments,) if isinstance(fragments, str) else fragments
    for seed in range(3):
        verdict = check_locally(exercise, _answer(code), np.random.default_rng(seed))
        print(verdict)
        assert verdict.statut == "faux" and verdict.points == 0
        assert any(f in verdict.message for f in fragments), verdict.message


@pytest.mark.parametrize("code, fragment", [pytest.param(c, f, id=i) for i, c, f in LOOKAHEAD_MISTAKES])
def test_anticipated_lookahead_mistakes_get_their_message(code, fragment):
    _assert_zero_with_message(EX6, code, fragment)


def test_odd_but_right_answers_get_full_marks():
    answers = [
        # un entier numpy, une tolérance, une comparaison qui laisse passer les NaN (s − t + 1 ≤ 0 pour t > s)
        "def lookahead(x, y):\n    s, t = np.nonzero(np.abs(y - y[-1]) > 1e-9)\n    return np.max(s - t + 1, initial=0)\n",
        "def lookahead(x, y):\n    s, t = np.nonzero(y != y[-1])\n    return float(max(s - t + 1, default=0))\n",
        # la première ligne à partir de laquelle chaque sortie est définitive
        "def lookahead(x, y):\n"
        "    T = len(x)\n"
        "    def settled(t):\n"
        "        return min(s for s in range(t, T) if all(y[r, t] == y[-1, t] for r in range(s, T)))\n"
        "    return max(settled(t) - t for t in range(T))\n",
    ]
    for code in answers:
        for seed in range(3):
            verdict = check_locally(EX6, _answer(code), np.random.default_rng(seed))
            assert verdict.ok and verdict.points == EX6.points, verdict


def test_messages_never_give_the_lookahead():
    """Aucun message ne donne l'anticipation attendue d'un cas (ni un chiffre tiré du cas)."""
    for guess in (0, 1, 2, 3, 4, 5, 7, 30):
        verdict = check_locally(EX6, _answer(f"def lookahead(x, y):\n    return {guess}\n"),
                                np.random.default_rng(guess))
        body = re.sub(r" \(\d+ cas faux sur \d+\)$", "", verdict.message)
        digits = {ch for ch in body if ch.isdigit()}
        print(guess, verdict.message)
        assert digits <= {"0", "1"}, verdict.message  # « 0 pour un modèle causal », « x[s + 1] »


# --------------------------------------------------------------------------
# ex7 — l'étape qui fuit
# --------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(6))
def test_drawn_pipelines_leak_first_at_their_secret_stage(seed):
    cases = source._pipeline_cases(np.random.default_rng(seed))
    culprits = [case.secret for case in cases]
    print("étapes fautives tirées :", culprits)
    assert sorted(culprits, key=str) == sorted([None, *source.STAGES], key=str)
    for case in cases:
        (tables,) = case
        assert list(tables) == list(source.STAGES)
        first = len(source.STAGES) if case.secret is None else source.STAGES.index(case.secret)
        changes = [source._past_changes(tables[name]) for name in source.STAGES]
        print(case.secret, changes)
        assert all(c == 0.0 for c in changes[:first]) and all(c >= source.LOOKAHEAD_GAP for c in changes[first:])
        # Une étape causale a une anticipation nulle ; la fautive, une anticipation d'au moins un pas.
        assert all(source.measured_lookahead(tables[name]) == 0 for name in source.STAGES[:first])
        assert all(source.measured_lookahead(tables[name]) >= 1 for name in source.STAGES[first:])
        sent = pickle.loads(pickle.dumps(case))
        assert type(sent) is tuple and not hasattr(sent, "secret")


def test_whole_series_normalisation_reads_the_whole_future():
    x = np.random.default_rng(5).normal(size=13)
    rng = np.random.default_rng(0)
    leaky = source.truncated_outputs(source._normalisation(rng, True), x)
    causal = source.truncated_outputs(source._normalisation(rng, False), x)
    print(source.measured_lookahead(leaky), source.measured_lookahead(causal))
    assert source.measured_lookahead(leaky) == len(x) - 1 and source.measured_lookahead(causal) == 0


LEAK_MISTAKES = [
    ("accuse la dernière étape qui bouge",
     "def leaky_stage(tables):\n"
     "    guilty = None\n"
     "    for name, y in tables.items():\n"
     "        if np.nanmax(np.abs(y - y[-1])) > 0:\n"
     "            guilty = name\n"
     "    return guilty\n", "hérite"),
    # Le premier cas faux est un pipeline causal, ou une fuite venue d'amont : l'un des deux messages.
    ("accuse toujours le modèle", "def leaky_stage(tables):\n    return 'modèle'\n", ("hérite", "il est causal")),
    ("ne voit jamais de fuite", "def leaky_stage(tables):\n    return None\n", "même un petit changement"),
    ("accuse toujours la normalisation", "def leaky_stage(tables):\n    return 'normalisation'\n",
     "est causal"),
    ("une étape inconnue", "def leaky_stage(tables):\n    return 'standardisation'\n",
     "n'est pas une étape"),
    ("un indice au lieu d'un nom", "def leaky_stage(tables):\n    return 0\n", "rendez le nom"),
]


@pytest.mark.parametrize("code, fragment", [pytest.param(c, f, id=i) for i, c, f in LEAK_MISTAKES])
def test_anticipated_leak_mistakes_get_their_message(code, fragment):
    _assert_zero_with_message(EX7, code, fragment)


def test_leak_found_with_the_lookahead_of_ex6_gets_full_marks():
    code = EX6.solution + (
        "\ndef leaky_stage(tables):\n"
        "    leaks = [name for name, y in tables.items() if lookahead(y[-1], y) > 0]\n"
        "    return leaks[0] if leaks else None\n")
    for seed in range(3):
        verdict = check_locally(EX7, _answer(code), np.random.default_rng(seed))
        assert verdict.ok and verdict.points == EX7.points, verdict


# --------------------------------------------------------------------------
# ex3 — un pooling qui ne masque pas ne passe plus grâce à un remplissage nul
# --------------------------------------------------------------------------

def test_pool_padding_is_garbage_not_zeros():
    for h, mask in source._pool_cases(np.random.default_rng(0)):
        assert (~mask).any() and np.abs(h[~mask]).min() > 1.0


@pytest.mark.parametrize("code, fragment", [
    ("def masked_mean_pool(h, mask):\n    return h.sum(axis=1) / mask.sum(axis=1, keepdims=True)\n",
     "n'est pas neutre"),
    ("def masked_mean_pool(h, mask):\n    return h.mean(axis=1)\n", "qui ne sont pas des zéros"),
])
def test_unmasked_pooling_gets_zero_with_its_message(code, fragment):
    _assert_zero_with_message(EXERCISES["ex3"], code, fragment)
