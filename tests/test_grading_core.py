"""Les juges et le retour dans le cahier, sans noyau (rapide).

Les mêmes juges servent au correcteur : ces tests couvrent chaque exercice
(solution de référence, code de départ, erreurs typiques) et chaque sorte de
retour (forme, dtype, NaN, exception, valeur absente), en appelant la
vérification locale du cahier.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lstm_lib
from lstm_lib.grading import NOTEBOOKS, Cahier, definition, exercises_for, register
from lstm_lib.grading.core import (
    NBSP,
    ChoiceExercise,
    FunctionExercise,
    InvalidHarvest,
    ValueExercise,
    compare,
    decode,
    fr,
)
from lstm_lib.grading.harvest import local_namespace
from lstm_lib.grading.notebook import GRADING_ENV, check_locally
from lstm_lib.grading.registry import clear_private_checks, identify

sys.path.insert(0, str(Path(__file__).parent / "grading"))
from grading_answers import WRONG  # noqa: E402

ALL = [pytest.param(nb, ex, id=f"{nb}-{ex.key}") for nb in NOTEBOOKS for ex in definition(nb).EXERCISES]


def namespace(*sources: str) -> dict:
    ns = {"np": np, "lstm_lib": lstm_lib}
    for source in sources:
        exec(compile(source, "<cellule>", "exec"), ns)
    return ns


# --------------------------------------------------------------------------
# Chaque exercice : solution, départ, erreur plausible
# --------------------------------------------------------------------------

def test_catalog_shape():
    for nb in NOTEBOOKS:
        exercises = definition(nb).EXERCISES
        assert 4 <= len(exercises) <= 8, f"{nb} : 4 à 8 exercices attendus, {len(exercises)} trouvés"
        kinds = {type(ex) for ex in exercises}
        assert FunctionExercise in kinds and ChoiceExercise in kinds, f"{nb} : code et QCM attendus"
        keys = [ex.key for ex in exercises]
        assert keys == [f"ex{k}" for k in range(1, len(keys) + 1)]
        assert all(ex.points > 0 for ex in exercises)
    assert sum(isinstance(ex, ValueExercise) for nb in NOTEBOOKS for ex in definition(nb).EXERCISES) >= 4


@pytest.mark.parametrize("nb, ex", ALL)
def test_solution_scores_full_marks(nb, ex):
    for seed in range(3):
        verdict = check_locally(ex, namespace(ex.solution), np.random.default_rng(seed))
        assert verdict.ok, verdict
        assert verdict.points == ex.points


@pytest.mark.parametrize("nb, ex", ALL)
def test_untouched_starter_is_not_attempted(nb, ex):
    verdict = check_locally(ex, namespace(ex.starter))
    assert verdict.statut == "non tenté" and verdict.points == 0
    assert "pas encore tenté" in verdict.message


@pytest.mark.parametrize("nb, ex", ALL)
def test_plausible_wrong_answer_loses_points_with_its_explanation(nb, ex):
    source, fragment = WRONG[nb][ex.key]
    verdict = check_locally(ex, namespace(source))
    assert (verdict.statut, verdict.points == 0) in (("faux", True), ("partiel", False)), verdict
    assert verdict.points < ex.points
    assert fragment in verdict.message, verdict.message


MISTAKES = [
    pytest.param(ex, message, wrong, id=f"{nb}-{ex.key}-{k}")
    for nb in NOTEBOOKS for ex in definition(nb).EXERCISES if isinstance(ex, FunctionExercise)
    for k, (message, wrong) in enumerate(ex.mistakes)
]


@pytest.mark.parametrize("ex, message, wrong", MISTAKES)
def test_every_typical_mistake_is_recognised(ex, message, wrong):
    """Chaque erreur typique déclarée (ordre des portes, sigmoïde/tanh, biais, [x, h]…) est reconnue."""
    # Une enveloppe sans source lisible : la règle « n'appelez pas lstm_lib.xxx » ne s'applique pas.
    ns = {"_wrong": wrong}
    exec(f"def {ex.target}(*args):\n    return _wrong(*args)\n", ns)
    verdict = check_locally(ex, ns)
    assert verdict.statut in ("faux", "partiel") and verdict.points < ex.points, verdict
    assert fr(message) in verdict.message


def test_messages_never_reveal_expected_values():
    # Valeurs à trouver : la réponse n'apparaît dans aucun message.
    ex01 = {ex.key: ex for ex in definition("ex01").EXERCISES}
    for guess in (10, 43, 45, 100):
        assert "44" not in check_locally(ex01["ex3"], {"n_steps_1pct": guess}).message
    ex04 = {ex.key: ex for ex in definition("ex04").EXERCISES}
    for guess in (0.5, 0.9, 0.95):
        msg = check_locally(ex04["ex3"], {"f_half_10": guess}).message
        assert "0.933" not in msg and "0,933" not in msg
    ex02 = {ex.key: ex for ex in definition("ex02").EXERCISES}
    assert "2.19" not in check_locally(ex02["ex4"], {"b_f_090": 1.0}).message
    # Fonctions : le message ne contient aucun nombre de la référence.
    rng = np.random.default_rng(0)
    ex = ex02["ex1"]
    ns = namespace("def forget_gate(h, x, W, b):\n    return np.full(len(h), 0.5)\n")
    verdict = check_locally(ex, ns, rng)
    assert verdict.statut == "faux" and "bonnes valeurs" in verdict.message
    assert not any(ch.isdigit() and ch not in "0123" for ch in verdict.message.replace("n° ", ""))


# --------------------------------------------------------------------------
# Le retour explique sans planter
# --------------------------------------------------------------------------

EX02 = {ex.key: ex for ex in definition("ex02").EXERCISES}


@pytest.mark.parametrize("source, statut, fragment", [
    ("def forget_gate(h, x, W, b):\n    return np.zeros(7)\n", "faux", "forme"),
    ("def forget_gate(h, x, W, b):\n    return np.zeros(len(h), dtype=int)\n", "faux", "dtype"),
    ("def forget_gate(h, x, W, b):\n    return np.full(len(h), np.nan)\n", "faux", "NaN"),
    ("def forget_gate(h, x, W, b):\n    return W @ x + b\n", "erreur", "a levé ValueError"),
    ("def forget_gate(h, x, W, b):\n    z = W @ np.concatenate([h, x]) + b\n", "faux", "ne renvoie rien"),
    ("def forget_gate(h, x, W, b):\n    return 'f'\n", "faux", "tableau numpy"),
    ("def forget_gate(h, x, W, b):\n    raise KeyError('oups')\n", "erreur", "KeyError"),
    ("forget_gate = 3\n", "faux", "devrait être une fonction"),
    ("", "introuvable", "n'est pas défini"),
    ("def forget_gate(h, x, W, b):\n    return lstm_lib.forget_gate(h, x, W, b)\n", "faux", "écrire vous-même"),
])
def test_feedback_explains_problems(source, statut, fragment, tmp_path):
    if "lstm_lib.forget_gate" in source:  # inspect.getsource a besoin d'un vrai fichier
        import importlib.util

        path = tmp_path / "reponse_eleve.py"
        path.write_text("import numpy as np\nimport lstm_lib\n" + source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location("reponse_eleve", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        verdict = check_locally(EX02["ex1"], vars(module))
    else:
        verdict = check_locally(EX02["ex1"], namespace(source))
    assert verdict.statut == statut, verdict
    assert verdict.points == 0
    assert fragment in verdict.message, verdict.message


def test_float32_answer_is_accepted():
    ns = namespace("def forget_gate(h, x, W, b):\n"
                   "    z = (W @ np.concatenate([h, x]) + b).astype(np.float32)\n"
                   "    return 1 / (1 + np.exp(-z))\n")
    assert check_locally(EX02["ex1"], ns).ok


@pytest.mark.parametrize("value, fragment", [
    ("'z'", "une des lettres"), ("3", "une des lettres"), ("['b']", "une des lettres"),
])
def test_choice_rejects_malformed_answers(value, fragment):
    verdict = check_locally(EX02["ex3"], namespace(f"answer_input_zero = {value}"))
    assert verdict.statut == "faux" and fragment in verdict.message


def test_choice_accepts_case_and_spaces():
    assert check_locally(EX02["ex3"], namespace("answer_input_zero = ' B '")).ok


def test_choice_table_partial_answers():
    ex = definition("ex06").EXERCISES[3]
    half = "bidirectional_allowed = {'a': True, 'b': False, 'c': None, 'd': None}"
    verdict = check_locally(ex, namespace(half))
    assert verdict.statut == "faux" and "True ou False" in verdict.message
    assert check_locally(ex, namespace("bidirectional_allowed = [True]")).statut == "faux"


def test_value_answer_must_be_a_number():
    ex = definition("ex01").EXERCISES[2]
    for bad, fragment in (("'44'", "un nombre"), ("[44, 45]", "un nombre"), ("44.5", "entier"), ("float('nan')", "fini")):
        verdict = check_locally(ex, namespace(f"n_steps_1pct = {bad}"))
        assert verdict.statut == "faux" and fragment in verdict.message, (bad, verdict)


def test_checker_never_crashes_the_notebook():
    ex = EX02["ex1"]
    # Une fonction qui lève SystemExit ou KeyboardInterrupt : un verdict, pas un arrêt.
    for exc in ("SystemExit(3)", "KeyboardInterrupt()", "MemoryError()"):
        verdict = check_locally(ex, namespace(f"def forget_gate(h, x, W, b):\n    raise {exc}\n"))
        assert verdict.points == 0 and verdict.statut == "erreur"
    # Un résultat gigantesque est refusé proprement.
    verdict = check_locally(ex, namespace("def forget_gate(h, x, W, b):\n    return [0.0] * 20000\n"))
    assert verdict.points == 0


# --------------------------------------------------------------------------
# Objets du cahier : verifier, indice, solution, bilan
# --------------------------------------------------------------------------

def test_cahier_display_in_plain_text(capsys, monkeypatch):
    monkeypatch.delenv(GRADING_ENV, raising=False)
    ns = namespace(EX02["ex1"].solution, EX02["ex2"].starter)
    cahier = Cahier("ex02_portes", ns)
    ex1, ex2 = cahier.exercices[:2]
    ex1.verifier()
    ex2.verifier()
    ex1.indice()
    ex1.solution()
    cahier.bilan()
    out = capsys.readouterr().out
    assert "✔ Exercice ex1 — réussi (2/2 points)" in out
    assert "non tenté" in out and "pas encore tenté" in out
    assert "Indice (ex1)" in out and "np.concatenate" in out
    assert "def forget_gate" in out
    assert f"Total{NBSP}: 2/10 points" in out and "(s)" not in out


def test_cahier_rich_display_has_html():
    from lstm_lib.grading.notebook import _verdict_view

    verdict = check_locally(EX02["ex1"], namespace("def forget_gate(h, x, W, b):\n    return np.zeros(7)\n"))
    view = _verdict_view("Exercice ex1", verdict)
    assert "<div" in view._repr_html_() and "#b3261e" in view._repr_html_()
    assert repr(view).startswith("✘ Exercice ex1")


def test_cahier_is_silent_while_grading(capsys, monkeypatch):
    monkeypatch.setenv(GRADING_ENV, "1")
    cahier = Cahier("ex01", namespace())
    cahier.exercices[0].verifier()
    cahier.bilan()
    assert "désactivé" in capsys.readouterr().out


def test_unknown_notebook_name_is_a_clear_error():
    with pytest.raises(ValueError, match="cahier inconnu"):
        Cahier("ex09", {})


def test_identify_submission():
    assert identify("dupont_ex03_memoire.ipynb") == "ex03"
    assert identify("copie.ipynb", {"lstm_grading": {"cahier": "ex05"}}) == "ex05"
    assert identify("copie.ipynb", {}) is None


# --------------------------------------------------------------------------
# Récolte et décodage
# --------------------------------------------------------------------------

def test_harvest_roundtrip_preserves_types():
    ns = local_namespace()
    values = [np.arange(6, dtype=np.float32).reshape(2, 3), (1, 2.5), {"a": True}, None, "b", Ellipsis,
              lstm_lib.LSTMParams.random(2, 3)]
    for value in values:
        decoded = decode(json.loads(json.dumps(ns["encode"](value))))
        if isinstance(value, np.ndarray):
            assert decoded.dtype == value.dtype and np.array_equal(decoded, value)
        elif isinstance(value, lstm_lib.LSTMParams):
            assert np.array_equal(decoded.fields["W_f"], value.W_f)
        elif value is Ellipsis:
            assert decoded.kind == "ellipsis"
        else:
            assert decoded == value


@pytest.mark.parametrize("node", [
    {"t": "array", "dtype": "object", "shape": [1], "data": [1]},
    {"t": "array", "dtype": "float64", "shape": [3], "data": [1.0]},
    {"t": "seq", "items": "pas une liste"},
    {"t": "inconnu"},
    ["pas", "un", "nœud"],
    {"t": "int", "v": "1"},
])
def test_decode_rejects_malformed_harvest(node):
    with pytest.raises(InvalidHarvest):
        decode(node)


def test_compare_reports_without_values():
    assert compare(np.ones(3), np.ones(3)) is None
    assert "forme" in compare(np.ones(3), np.ones((3, 1)))
    assert "tuple" in compare((np.ones(2), np.ones(2)), np.ones(2))


def test_french_typography():
    assert fr("a : b ; c ? « d »") == f"a{NBSP}: b{NBSP}; c{NBSP}? «{NBSP}d{NBSP}»"
    assert fr("`x[:, :H]` et $a : b$") == "`x[:, :H]` et $a : b$"


# --------------------------------------------------------------------------
# Vérifications privées et imports
# --------------------------------------------------------------------------

def test_register_private_check():
    clear_private_checks()
    try:
        extra = FunctionExercise(key="ex1-lot", title="privé", points=1, target="forget_gate", cell="reponse-ex1",
                                 cases=lambda rng: [(np.zeros(2), np.ones(1), np.ones((2, 3)), np.zeros(2))],
                                 reference=lambda h, x, W, b: lstm_lib.forget_gate(h, x, W, b))
        register("ex02", extra)
        assert exercises_for("ex02")[-1] is extra
        assert extra not in definition("ex02").EXERCISES
        with pytest.raises(ValueError, match="existe déjà"):
            register("ex02", extra)
        with pytest.raises(TypeError, match="attendu un exercice"):
            register("ex02", object())
    finally:
        clear_private_checks()


def test_importing_grading_imports_neither_torch_nor_nbclient():
    code = ("import sys, lstm_lib.grading, lstm_lib.grading.ex05; "
            "print('torch' in sys.modules, 'nbclient' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
