"""Les juges et le retour dans le cahier, sans noyau (rapide).

Les mêmes juges servent au correcteur : ces tests couvrent chaque exercice
(solution de référence, code de départ, erreurs typiques) et chaque sorte de
retour (forme, dtype, NaN, exception, valeur absente), en appelant la
vérification locale du cahier.
"""

from __future__ import annotations

import dataclasses
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
from lstm_lib.grading.notebook import GRADING_ENV, check_locally, notebook_namespace
from lstm_lib.grading.registry import clear_private_checks, identify
from lstm_lib.style import format_fr

sys.path.insert(0, str(Path(__file__).parent / "grading"))
from grading_answers import WRONG  # noqa: E402

ALL = [pytest.param(nb, ex, id=f"{nb}-{ex.key}") for nb in NOTEBOOKS for ex in definition(nb).EXERCISES]


def namespace(*sources: str, nb: str = "ex02", identity: str = "") -> dict:
    """Les variables du cahier ``nb`` après sa préparation (``exK``, ``etudiant``…), puis ``sources`` exécutées."""
    ns = notebook_namespace(nb, identity)
    for source in sources:
        exec(compile(source, "<cellule>", "exec"), ns)
    return ns


# --------------------------------------------------------------------------
# Chaque exercice : solution, départ, erreur plausible
# --------------------------------------------------------------------------

def test_catalog_shape():
    for nb in NOTEBOOKS:
        exercises = definition(nb).EXERCISES
        if getattr(definition(nb), "RUBRIC", None):
            # Le mini-projet : un seul livrable noté automatiquement (une alarme non causale y perd tout),
            # et un rapport noté à la main ; 20 points en tout.
            rubric = sum(c.points for c in definition(nb).RUBRIC)
            assert len(exercises) == 1 and isinstance(exercises[0], FunctionExercise)
            assert exercises[0].points + rubric == 20, (exercises[0].points, rubric)
            continue
        assert 4 <= len(exercises) <= 10, f"{nb} : 4 à 10 exercices attendus, {len(exercises)} trouvés"
        kinds = {type(ex) for ex in exercises}
        assert FunctionExercise in kinds and ChoiceExercise in kinds, f"{nb} : code et QCM attendus"
        keys = [ex.key for ex in exercises]
        assert keys == [f"ex{k}" for k in range(1, len(keys) + 1)]
        assert all(ex.points > 0 for ex in exercises)
    assert sum(isinstance(ex, ValueExercise) for nb in NOTEBOOKS for ex in definition(nb).EXERCISES) >= 4


@pytest.mark.parametrize("nb, ex", ALL)
def test_solution_scores_full_marks(nb, ex):
    for seed in range(3):
        verdict = check_locally(ex, namespace(ex.solution, nb=nb), np.random.default_rng(seed))
        assert verdict.ok, verdict
        assert verdict.points == ex.points


@pytest.mark.parametrize("nb, ex", ALL)
def test_untouched_starter_is_not_attempted(nb, ex):
    verdict = check_locally(ex, namespace(ex.starter, nb=nb))
    assert verdict.statut == "non tenté" and verdict.points == 0
    assert "pas encore tenté" in verdict.message


@pytest.mark.parametrize("nb, ex", ALL)
def test_plausible_wrong_answer_loses_points_with_its_explanation(nb, ex):
    source, fragment = WRONG[nb][ex.key]
    verdict = check_locally(ex, namespace(source, nb=nb))
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
    # Les erreurs typiques sont calculées avec lstm_lib : la règle des appels interdits (lue dans le
    # code, et surveillée pendant l'appel) est mise de côté, seule la reconnaissance est essayée ici.
    ns = {"_wrong": wrong}
    exec(f"def {ex.target}(*args):\n    return _wrong(*args)\n", ns)
    verdict = check_locally(dataclasses.replace(ex, forbidden=(), forbidden_paths=()), ns)
    assert verdict.statut in ("faux", "partiel") and verdict.points < ex.points, verdict
    assert fr(message) in verdict.message


def test_messages_never_reveal_expected_values():
    # Valeurs à trouver : la réponse n'apparaît dans aucun message, ni de quel côté elle est.
    from lstm_lib.grading import ex01 as source01, ex02 as source02

    ex01 = {ex.key: ex for ex in definition("ex01").EXERCISES}
    for identity in ("", "Alice Martin", "Bob Durand"):
        v = ex01["ex3"].variant(identity)["values"]
        right = source01.first_step_below(v["rho"], v["threshold"])
        for guess in (10, right - 3, right + 1, right + 7, 1000):
            msg = check_locally(ex01["ex3"], {"n_steps": guess, "etudiant": identity}).message
            print(identity, guess, msg)
            assert str(right) not in msg and "trop" not in msg and "tôt" not in msg
    ex04 = {ex.key: ex for ex in definition("ex04").EXERCISES}
    for guess in (0.5, 0.9, 0.95):
        msg = check_locally(ex04["ex3"], {"f_half_10": guess}).message
        assert "0.933" not in msg and "0,933" not in msg
    ex02 = {ex.key: ex for ex in definition("ex02").EXERCISES}
    v = ex02["ex4"].variant("")["values"]
    right = source02.logit(v["p"]) - v["z0"]
    for guess in (right - 1, right + 1, 0.0):
        msg = check_locally(ex02["ex4"], {"b_f_target": guess}).message
        assert format_fr(right, 2) not in msg and "petit" not in msg and "grand" not in msg, msg
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


def _right_letter(ex, identity=""):
    """La lettre du bon choix dans la copie ``identity`` (les choix sont mélangés par copie)."""
    return ex.letters()[ex.order(ex.variant(identity)).index(ex.answer)]


def test_choice_accepts_case_and_spaces():
    letter = _right_letter(EX02["ex3"])
    assert check_locally(EX02["ex3"], namespace(f"answer_input_zero = ' {letter.upper()} '")).ok


def test_choice_table_partial_answers():
    ex = definition("ex06").EXERCISES[3]
    half = "bidirectional_allowed = {'a': True, 'b': False, 'c': None, 'd': None}"
    verdict = check_locally(ex, namespace(half))
    assert verdict.statut == "faux" and "True ou False" in verdict.message
    assert check_locally(ex, namespace("bidirectional_allowed = [True]")).statut == "faux"


def test_value_answer_must_be_a_number():
    ex = definition("ex01").EXERCISES[2]
    for bad, fragment in (("'44'", "un nombre"), ("[44, 45]", "un nombre"), ("44.5", "entier"), ("float('nan')", "fini")):
        verdict = check_locally(ex, namespace(f"n_steps = {bad}", nb="ex01"))
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
    assert "Indice 1/2 (ex1)" in out and "couche linéaire" in out
    assert "def forget_gate" in out
    total = sum(ex.points for ex in definition("ex02").EXERCISES)
    assert f"Total{NBSP}: 2/{total:g} points" in out and "(s)" not in out


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
        Cahier("ex99", {})


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


# --------------------------------------------------------------------------
# Règles communes : nombres, virgule décimale, crédit partiel, pluriels
# --------------------------------------------------------------------------

@pytest.mark.parametrize("typed, shown", [("2,197", "2.197"), ("0,9", "0.9")])
def test_decimal_comma_is_explained(typed, shown):
    verdict = check_locally(EX02["ex4"], namespace(f"b_f_target = {typed}"))
    assert verdict.statut == "faux" and "virgule décimale" in verdict.message and shown in verdict.message


RIGHT_BIAS = "(np.log(ex4.valeurs['p'] / (1 - ex4.valeurs['p'])) - ex4.valeurs['z0'])"


def test_a_number_may_come_in_any_one_element_container():
    for value in (RIGHT_BIAS, f"[{RIGHT_BIAS}]", f"np.array([[{RIGHT_BIAS}]])", f"np.float32({RIGHT_BIAS})"):
        assert check_locally(EX02["ex4"], namespace(f"b_f_target = {value}")).ok, value
    assert "un nombre" in check_locally(EX02["ex4"], namespace("b_f_target = True")).message


def test_partial_credit_counts_right_parts():
    ex03 = {ex.key: ex for ex in definition("ex03").EXERCISES}
    # h juste, c faux : la moitié des points.
    ns = namespace(ex03["ex3"].solution.replace("return h, c", "return h, c + 1"), nb="ex03")
    verdict = check_locally(ex03["ex3"], ns)
    assert (verdict.points, verdict.statut) == (ex03["ex3"].points / 2, "partiel")
    assert fr("« h » est juste") in verdict.message
    # torch_to_book : une porte fausse sur quatre, trois quarts des points.
    ex05 = definition("ex05").EXERCISES[0]
    wrong_o = ex05.solution.replace('values[f"b_{gate}"] = b[rows]', 'values[f"b_{gate}"] = b[rows] * (gate != "o")')
    verdict = check_locally(ex05, namespace(wrong_o))
    assert (verdict.points, verdict.statut) == (2.25, "partiel"), verdict
    assert fr("« b_o » n'a pas les bonnes valeurs") in verdict.message
    # Toutes les parties fausses : zéro, avec l'erreur typique reconnue.
    swapped = EX02["ex5"].mistakes[2][1]
    ns = {"_wrong": swapped}
    exec("def gates(*args):\n    return _wrong(*args)\n", ns)
    verdict = check_locally(EX02["ex5"], ns)
    assert (verdict.points, verdict.statut) == (0, "faux") and "mauvais ordre" in verdict.message


@pytest.mark.parametrize("value, points", [({"a": True, "b": False, "c": False, "d": True}, 2),
                                           ({"a": True, "b": False, "c": False, "d": False}, 1.5),
                                           ({"a": False, "b": True, "c": True, "d": False}, 0)])
def test_yes_no_table_gives_each_answer_its_share(value, points):
    ex = definition("ex06").EXERCISES[3]
    verdict = check_locally(ex, namespace(f"bidirectional_allowed = {value!r}"))
    assert verdict.points == points, verdict


@pytest.mark.parametrize("answer", ["'b'", "' B '", "'b)'", "'(b)'", "'b.'"])
def test_choice_letter_in_usual_spellings(answer):
    letter = _right_letter(EX02["ex3"])
    answer = answer.replace("b", letter).replace("B", letter.upper())
    assert check_locally(EX02["ex3"], namespace(f"answer_input_zero = {answer}")).ok


def test_messages_say_1_point_and_2_points(capsys, monkeypatch):
    monkeypatch.delenv(GRADING_ENV, raising=False)
    cahier = Cahier("ex02", namespace(EX02["ex2"].solution))
    print(repr(cahier))
    cahier.exercices[1].verifier()
    cahier.exercices[0].verifier()
    out = capsys.readouterr().out
    assert "(1 point)" in out and "(2 points)" in out and "1/1 point" in out and "0/2 points" in out
    assert "(s)" not in out


def test_no_plural_placeholder_in_messages():
    """« point(s) », « élément(s) »… : aucun gabarit de message ne les écrit plus."""
    grading = Path(lstm_lib.__file__).parent / "grading"
    for path in grading.glob("*.py"):
        assert "(s)" not in path.read_text(encoding="utf-8").replace("``(s)``", ""), path.name


# --------------------------------------------------------------------------
# Dans le cahier : appels interdits comme chez le correcteur, indices gradués, bilan
# --------------------------------------------------------------------------

def test_forbidden_rule_reads_the_last_definition_like_the_grader():
    ex = EX02["ex1"]
    first = "forget_gate = lstm_lib.forget_gate\n"
    second = EX02["ex1"].solution
    ns = namespace(first)
    ns["_ih"] = ["", first]
    assert "écrire vous-même" in check_locally(ex, ns).message
    exec(second, ns)
    ns["_ih"].append(second)  # la cellule réécrite : seule compte la dernière définition
    assert check_locally(ex, ns).ok
    # Une cellule qui définit la cible par un import est lue aussi.
    ns = namespace("from lstm_lib.cells import forget_gate as forget_gate\n")
    ns["_ih"] = ["from lstm_lib.cells import forget_gate as forget_gate\n"]
    assert "écrire vous-même" in check_locally(ex, ns).message


def test_graduated_hints_and_solution_seen(capsys, monkeypatch):
    monkeypatch.delenv(GRADING_ENV, raising=False)
    ex = FunctionExercise(key="ex1", title="t", points=1, target="f", hint=["le concept", "la formule"],
                          solution="def f():\n    return 1\n", cases=lambda rng: [()], reference=lambda: 1)
    from lstm_lib.grading.notebook import ExerciseHandle

    handle = ExerciseHandle(ex, {})
    handle.indice(), handle.indice(), handle.indice()
    out = capsys.readouterr().out
    assert f"Indice 1/2 (ex1){NBSP}: le concept" in out and f"Indice 2/2 (ex1){NBSP}: la formule" in out
    assert handle.hints_shown == 2 and not handle.solution_shown
    cahier = Cahier("ex02", namespace(EX02["ex1"].solution))
    cahier.ex1.solution()
    cahier.bilan()
    out = capsys.readouterr().out
    assert "réussi (solution consultée)" in out and f"Solution consultée pour{NBSP}: ex1" in out


# --------------------------------------------------------------------------
# Sources privées d'un enseignant
# --------------------------------------------------------------------------

PRIVATE_SOURCE = '''
from lstm_lib.grading import ChoiceExercise
NOTEBOOK = "ex99_prive"
TITLE = "Cahier privé"
INTRO = "Une question."
EXERCISES = [ChoiceExercise(key="ex1", title="Une lettre", points=1, target="answer_x",
                            starter="answer_x = None\\n", solution="answer_x = 'a'\\n",
                            choices={"a": "", "b": ""}, answer="a")]
'''


def test_private_sources_add_or_replace_notebooks(tmp_path):
    clear_private_checks()
    try:
        (tmp_path / "ex99_prive.py").write_text(PRIVATE_SOURCE, encoding="utf-8")
        (tmp_path / "ex02_autres.py").write_text(PRIVATE_SOURCE.replace("ex99_prive", "ex02_autres"), encoding="utf-8")
        from lstm_lib.grading.registry import load_private_checks, notebooks

        assert load_private_checks(tmp_path) == 2
        assert "ex99" in notebooks() and identify("dupont_ex99_prive.ipynb") == "ex99"
        assert [ex.key for ex in exercises_for("ex99")] == ["ex1"]
        assert definition("ex02").NOTEBOOK == "ex02_autres"  # le cahier du livre est remplacé
        assert check_locally(exercises_for("ex99")[0], {"answer_x": "a"}).ok
    finally:
        clear_private_checks()
    assert "ex99" not in NOTEBOOKS and definition("ex02").NOTEBOOK == "ex02_portes"


@pytest.mark.parametrize("change, fragment", [
    (lambda s: s.replace('NOTEBOOK = "ex99_prive"', 'NOTEBOOK = "prive"'), "exNN_nom"),
    (lambda s: s.replace('TITLE = "Cahier privé"', ""), "il manque TITLE"),
    (lambda s: s.replace(', answer="a"', ""), "sans corrigé"),
    (lambda s: s.replace("EXERCISES = [", "EXERCISES = 2 * ["), "clés en double"),
    (lambda s: s + "HIDDEN_CHECKS = [ChoiceExercise(key='x', title='t', points=1, target='y', cell='reponse-ex5', "
                   "choices={'a': ''}, answer='a')]\n", "cellule de réponse d'un exercice"),
])
def test_bad_private_source_is_a_clear_french_error(tmp_path, change, fragment):
    from lstm_lib.grading.registry import load_private_checks

    (tmp_path / "ex99_prive.py").write_text(change(PRIVATE_SOURCE), encoding="utf-8")
    clear_private_checks()
    try:
        with pytest.raises(ValueError, match=fragment):
            load_private_checks(tmp_path / "ex99_prive.py")
    finally:
        clear_private_checks()


def test_book_sources_are_valid_and_graded():
    from lstm_lib.grading.registry import validate_source

    for name in NOTEBOOKS:
        assert validate_source(definition(name)) == name
        assert all(ex.has_answer_key() for ex in exercises_for(name))


# --------------------------------------------------------------------------
# Le catalogue de l'édition élève, sans noyau
# --------------------------------------------------------------------------

def _public(name):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    import build_student_edition
    from lstm_lib.grading.catalog import load

    text = json.dumps(build_student_edition.catalog_for(definition(name)))
    return {ex.key: ex for ex in load(text).EXERCISES}


def test_catalog_keeps_checks_for_functions_and_records_the_rest():
    public = _public("ex02")
    assert type(public["ex1"]).__name__ == "PublicCasesExercise" and not public["ex3"].has_answer_key()
    wrong = "def forget_gate(h, x, W, b):\n    return 1 / (1 + np.exp(-(W @ np.concatenate([h, x]))))\n"
    verdict = check_locally(public["ex1"], namespace(wrong))
    assert verdict.statut == "faux" and "biais" in verdict.message
    assert check_locally(public["ex1"], namespace(EX02["ex1"].solution)).ok
    for letter in ("a", "b"):
        verdict = check_locally(public["ex3"], namespace(f"answer_input_zero = {letter!r}"))
        assert verdict.statut == "enregistré" and verdict.points == 0
    assert public["ex3"].answer == "" and public["ex3"].feedback == {} and public["ex3"].solution == ""
    # Entrées d'essai reconstruites : des LSTMParams, pas des dictionnaires.
    assert isinstance(public["ex5"].stored_cases[0][2], lstm_lib.LSTMParams)


def test_catalog_of_a_custom_judge_gives_only_the_shape():
    public = _public("ex05")
    ex3 = public["ex3"]
    assert ex3.values_at_grading
    any_shape = ("def init_forget_bias(bias_ih, bias_hh, value):\n"
                 "    return bias_ih.copy(), bias_hh.copy()\n")
    assert check_locally(ex3, namespace(any_shape)).statut == "enregistré"
    assert check_locally(ex3, namespace("def init_forget_bias(a, b, v):\n    return a\n")).statut == "faux"


_AUTOGRAD_ANSWER = '''
import torch
def output_gate_backward(x_t, h_prev, c_prev, params, d_h):
    hx = torch.tensor(np.concatenate([h_prev, x_t]))
    W_o = torch.tensor(params.W_o, requires_grad=True)
    b_o = torch.tensor(params.b_o, requires_grad=True)
    c = torch.tensor(lstm_lib.lstm_step(x_t, h_prev, c_prev, params).c)
    loss = (torch.sigmoid(W_o @ hx + b_o) * torch.tanh(c) * torch.tensor(d_h)).sum()
    {grad}
    return d_W_o.numpy(), d_b_o.numpy()
'''


@pytest.mark.parametrize("grad", ["d_W_o, d_b_o = torch.autograd.grad(loss, (W_o, b_o))",
                                  "loss.backward(); d_W_o, d_b_o = W_o.grad, b_o.grad"])
def test_autograd_is_refused_where_the_gradient_must_be_written_by_hand(grad):
    """ex07 ex1 : un gradient juste, mais pris à l'autograd, n'a pas les points (et le message le dit)."""
    import lstm_lib
    from lstm_lib.grading.notebook import check_locally

    ns = {"np": np, "lstm_lib": lstm_lib}
    exec(_AUTOGRAD_ANSWER.replace("{grad}", grad), ns)
    verdict = check_locally(exercises_for("ex07")[0], ns)
    print(verdict)
    assert verdict.points == 0 and "torch.autograd" in verdict.message, verdict


def test_twenty_thousand_draws_returned_as_a_list_are_accepted():
    """ex09 ex2 rend 20 000 tirages : en liste Python plutôt qu'en tableau, la réponse reste juste."""
    import lstm_lib
    from lstm_lib.grading.notebook import check_locally

    ex = next(e for e in exercises_for("ex09") if e.key == "ex2")
    ns = {"np": np, "lstm_lib": lstm_lib}
    exec(ex.solution, ns)
    as_array = ns[ex.target]
    ns[ex.target] = lambda *args: [int(v) for v in as_array(*args)]
    verdict = check_locally(ex, ns)
    print(verdict)
    assert verdict.ok, verdict


# --------------------------------------------------------------------------
# ex09 ex8 : la paire la plus confondue, sur une matrice dont on connaît la réponse
# --------------------------------------------------------------------------

def _known_confusion():
    """Rares 0 et 1 (20 enregistrements), nombreux 2 et 3 (200), confusion à sens unique 4 → 5.

    Taux, deux sens additionnés : {0, 1} = 4/20 + 3/20 = 0,35 ; {2, 3} = 0,10 + 0,09 = 0,19 ;
    {4, 5} = 12/40 + 0 = 0,30. En nombre : {2, 3} = 38 erreurs, loin devant {0, 1} (7). Dans un
    seul sens : 4 → 5 a le plus fort taux (0,30 contre 0,20). Par colonne : 6 → 7, 12 erreurs dans
    une colonne 7 de 20 + 12 = 32 prédictions (0,375 ; {0, 1} n'y fait que 4/21 + 3/19 ≈ 0,35).
    """
    sizes = [20, 20, 200, 200, 40, 40, 200, 20, 60]
    counts = np.zeros((9, 9), dtype=np.int64)
    for a, b, n in [(0, 1, 4), (1, 0, 3), (2, 3, 20), (3, 2, 18), (4, 5, 12), (6, 7, 12)]:
        counts[a, b] = n
    counts[np.arange(9), np.arange(9)] = np.array(sizes) - counts.sum(axis=1)
    return counts


def test_ex09_most_confused_pair_on_a_known_matrix():
    ex = {e.key: e for e in definition("ex09").EXERCISES}["ex8"]
    confusion = _known_confusion()
    rates = confusion / confusion.sum(axis=1, keepdims=True)
    print("taux {0,1}, {2,3}, {4,5} :", rates[0, 1] + rates[1, 0], rates[2, 3] + rates[3, 2], rates[4, 5])
    assert ex.check((confusion,), (0, 1)) is None
    assert ex.check((confusion,), np.array([1, 0])) is None          # l'ordre est libre
    assert "plus d'erreurs en nombre" in ex.check((confusion,), (2, 3))
    assert "un seul sens" in ex.check((confusion,), (5, 4))
    assert "colonne" in ex.check((confusion,), (6, 7))
    assert "deux locuteurs différents" in ex.check((confusion,), (2, 2))
    assert "de 0 à 8" in ex.check((confusion,), (0, 9))
    assert "deux entiers" in ex.check((confusion,), "0, 1")
    assert "ni en taux" in ex.check((confusion,), (7, 8))


def test_ex09_confusion_cases_defeat_every_wrong_reading():
    from lstm_lib.grading import ex09

    ex = {e.key: e for e in ex09.EXERCISES}["ex8"]
    for seed in range(10):
        for (confusion,) in ex.cases(np.random.default_rng(seed)):
            assert confusion.shape == (9, 9) and confusion.dtype.kind == "i"
            sizes = confusion.sum(axis=1)
            assert sizes.max() >= 5 * sizes.min()                     # des classes très inégales
            right = ex09._top_pairs(ex09._pair_scores(confusion, "taux"))[1]
            assert len(right) == 1
            for kind in ("nombres", "nombres, un sens", "taux, un sens", "colonnes"):
                assert not right & ex09._top_pairs(ex09._pair_scores(confusion, kind))[1], kind


def test_split_and_merge_of_isolated_cases_keep_the_order_and_the_call_watch():
    import json

    from lstm_lib.grading.core import kernel_spec, merge_harvests, split_spec

    spec = {"target": "f", "cases": ["a", "b", "c", "d"], "isolated": [1, 3]}
    first, second = split_spec(spec)
    print(first["cases"], second["cases"])
    assert first["cases"] == ["a", "c"] and second["cases"] == ["b", "d"]
    assert "isolated" not in kernel_spec(first) and split_spec({"cases": [1]})[1] is None

    def harvest(values, watch="ok"):
        return json.dumps({"found": True, "callable": True, "watch": watch, "forbidden_calls": [],
                           "calls": [{"ok": True, "value": v} for v in values]}).encode()

    merged = json.loads(merge_harvests(spec, harvest(["A", "C"]), harvest(["B", "D"])))
    print(merged["calls"])
    assert [c["value"] for c in merged["calls"]] == ["A", "B", "C", "D"] and merged["watch"] == "ok"
    assert json.loads(merge_harvests(spec, harvest(["A", "C"]), harvest(["B", "D"], watch="off")))["watch"] == "altered"
    assert json.loads(merge_harvests(spec, harvest(["A", "C"]), harvest(["B"])))["calls"] == "récoltes incohérentes"
    absent = json.dumps({"found": False}).encode()
    assert merge_harvests(spec, absent, harvest(["B", "D"])) == absent  # la première exécution dit pourquoi
    assert merge_harvests(spec, harvest(["A", "C"]), absent) == absent  # la seconde aussi


def test_a_shared_draw_gives_every_copy_the_same_secret_inputs(monkeypatch):
    import numpy as np

    from lstm_grader.runner import draw_specs
    from lstm_lib.grading import exercises_for

    ex1 = next(ex for ex in exercises_for("ex02") if ex.key == "ex1")
    first = lambda key: np.asarray(draw_specs(7, "ex02", key, [ex1])["ex1"]["cases"][0][0])  # noqa: E731
    print(first("alice.ipynb").ravel()[:3], first("bob.ipynb").ravel()[:3])
    assert not np.array_equal(first("alice.ipynb"), first("bob.ipynb"))  # d'ordinaire, propres à chaque copie
    monkeypatch.setattr(ex1, "shared_draw", True)
    assert np.array_equal(first("alice.ipynb"), first("bob.ipynb"))
    assert not np.array_equal(first("alice.ipynb"), np.asarray(draw_specs(8, "ex02", "alice.ipynb", [ex1])["ex1"]["cases"][0][0]))
