"""Juste envers l'élève honnête : le cahier et le correcteur disent la même chose.

Chaque copie de ce fichier est notée deux fois : par la vérification du cahier
(ses cellules exécutées ici, dans l'ordre, avec l'historique d'IPython) et par le
vrai correcteur (``lstm_grader``, un noyau à part, des entrées secrètes). Les deux
verdicts doivent avoir les mêmes points et le même statut. On y trouve les règles
communes (appels interdits, listes acceptées, crédit partiel, virgule décimale),
les solutions de référence sur dix graines secrètes, et une copie de l'édition
élève, que seul le correcteur juge.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

import lstm_lib
from lstm_grader import copies
from lstm_grader.runner import GradingOptions, grade_paths
from lstm_lib.grading import NOTEBOOKS, definition, exercises_for, layout
from lstm_lib.grading.core import fr
from lstm_lib.grading.notebook import check_locally

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import make_exercises  # noqa: E402

OPTIONS = GradingOptions(cell_timeout=20, total_timeout=150, memory_mb=2048, seed=31415, jobs=2)


def _solutions(name):
    return {ex.key: ex.solution for ex in definition(name).EXERCISES}


def _filled(name, **answers):
    return copies.fill(name, {**_solutions(name), **answers})


def _letter(name, key, fragment, identity=""):
    """La lettre, dans la copie ``identity``, du choix de ``key`` qui contient ``fragment``."""
    ex = next(e for e in definition(name).EXERCISES if e.key == key)
    return ex.letter_of(fragment, ex.variant(identity))


def _with_identity(nb, identity):
    nb.cells[[c.get("id") for c in nb.cells].index(layout.IDENTITY_ID)].source = f"etudiant = {identity!r}\n"
    return nb


RIGHT_BIAS = "np.log(ex4.valeurs['p'] / (1 - ex4.valeurs['p'])) - ex4.valeurs['z0']"
ALIAS_FORGET_GATE = ("def forget_gate(h_prev, x_t, W_f, b_f):\n"
                     "    return fg(h_prev, x_t, W_f, b_f)\n")


# Chaque copie : (cahier, réponses) ; les autres réponses sont les solutions.
COPIES = {
    # forget_gate = lstm_lib.forget_gate passait dans le cahier et valait 0 à la correction.
    "ex02_alias.ipynb": ("ex02", {"ex1": "forget_gate = lstm_lib.forget_gate\n"}),
    "ex02_import.ipynb": ("ex02", {"ex1": "from lstm_lib import forget_gate\n"}),
    "ex02_globals.ipynb": ("ex02", {"ex1": "globals()['forget_gate'] = lstm_lib.cells.forget_gate\n"}),
    # Trois portes justes sur quatre : 3/4 des points, pas zéro.
    "ex02_partiel.ipynb": ("ex02", {"ex5": (
        "def gates(h_prev, x_t, params):\n"
        "    hx = np.concatenate([h_prev, x_t])\n"
        "    s = lstm_lib.sigmoid\n"
        "    return (s(params.W_f @ hx + params.b_f), s(params.W_i @ hx + params.b_i),\n"
        "            s(params.W_c @ hx + params.b_c), s(params.W_o @ hx + params.b_o))\n")}),
    # Appelée par un alias défini ailleurs, ou par getattr : la surveillance de la récolte le voit.
    "ex02_getattr.ipynb": ("ex02", {"ex1": "_g = getattr(lstm_lib, 'forget' + '_gate')\n"
                                           + ALIAS_FORGET_GATE.replace("fg(", "_g(")}),
    "ex02_alias_ailleurs.ipynb": ("ex02", {"ex1": ALIAS_FORGET_GATE}, {"donnees-ex3": "fg = lstm_lib.cells.forget_gate"}),
    # La surveillance défaite (sys.setprofile) : refusé, pas accepté en silence.
    "ex02_surveillance.ipynb": ("ex02", {"ex1": "import sys\n" + ALIAS_FORGET_GATE.replace(
        "    return", "    sys.setprofile(None)\n    return")}, {"donnees-ex3": "fg = lstm_lib.cells.forget_gate"}),
    # « 2,197 » : un tuple, et un message qui le dit.
    "ex02_virgule.ipynb": ("ex02", {"ex4": "b_f_target = 2,197\n"}),
    # Des listes là où les autres exercices en acceptent aussi.
    "ex05_listes.ipynb": ("ex05", {
        "ex3": "def init_forget_bias(bias_ih, bias_hh, value):\n"
               "    H = len(bias_ih) // 4\n"
               "    new_ih, new_hh = list(bias_ih), list(bias_hh)\n"
               "    for k in range(H, 2 * H):\n"
               "        new_ih[k], new_hh[k] = value, 0.0\n"
               "    return new_ih, new_hh\n",
        "ex4": "def last_valid_output(output, lengths):\n"
               "    return [output[b, n - 1].tolist() for b, n in enumerate(lengths)]\n",
    }),
    # Un tableau de oui/non : chaque réponse juste rapporte sa part.
    "ex06_tableau.ipynb": ("ex06", {"ex4": "bidirectional_allowed = {'a': True, 'b': True, 'c': False, 'd': True}\n",
                                    "ex2": "def final_states(output, H):\n    return output[-1, :H], output[-1, H:]\n"}),
    # Des réponses justes mais inhabituelles.
    "ex02_lettres.ipynb": ("ex02", {"ex3": f"answer_input_zero = '{_letter('ex02', 'ex3', 'rien de nouveau').upper()})'\n",
                                    "ex4": f"b_f_target = [{RIGHT_BIAS}]\n"}),
}


def _copied_answers():
    """Deux copies : Bob recopie les réponses d'Alice (le nombre et la lettre, écrits en dur)."""
    ex01 = {ex.key: ex for ex in definition("ex01").EXERCISES}
    from lstm_lib.grading import ex01 as source

    alice = ex01["ex3"].variant("Alice Martin")["values"]
    number = source.first_step_below(alice["rho"], alice["threshold"])
    letter = _letter("ex01", "ex4", "jacobienne", "Alice Martin")
    assert letter != _letter("ex01", "ex4", "jacobienne", "Bob Durand")  # sinon la copie ne prouverait rien
    assert number != source.first_step_below(**{k: v for k, v in ex01["ex3"].variant("Bob Durand")["values"].items()})
    answers = {"ex3": f"n_steps = {number}\n", "ex4": f"answer_forgetting = {letter!r}\n"}
    return {"ex01_alice.ipynb": ("ex01", answers, {}, "Alice Martin"),
            "ex01_bob.ipynb": ("ex01", answers, {}, "Bob Durand")}


COPIES.update(_copied_answers())


def _local_verdicts(nb, name):
    """La vérification du cahier, après « tout exécuter » (toutes les cellules de code, sauf la cellule
    Colab, les vérifications et le bilan, qui ne font qu'afficher)."""
    ns = {"__name__": "__main__", "_ih": [""]}
    for cell in nb.cells:
        cid = str(cell.get("id"))
        if cell.cell_type == "code" and cid != "colab-setup" and cid != "bilan" and not cid.startswith("verification-"):
            ns["_ih"].append(cell.source)
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell.source, f"<cellule {cid}>", "exec"), ns)
    return {ex.key: check_locally(ex, ns, np.random.default_rng(7)) for ex in definition(name).EXERCISES}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    directory = tmp_path_factory.mktemp("copies_equite")
    paths, notebooks = [], {}
    for filename, (name, answers, *more) in COPIES.items():
        nb = _filled(name, **answers)
        others, identity = (list(more) + [{}, ""])[:2]
        for cell in nb.cells:
            cell.source = others.get(cell.get("id"), cell.source)
        if identity:
            _with_identity(nb, identity)
        notebooks[filename] = (name, nb)
        paths.append(copies.write(nb, directory / filename))
    # Une copie de l'édition élève : sans solutions, ses réponses ne sont jugées qu'ici.
    student = nbformat.from_dict(make_exercises.notebook_for(definition("ex02"), edition="eleve"))
    bias = definition("ex02").EXERCISES[3].variant("")["values"]
    for cell in student.cells:
        cell.source = {layout.answer_id("ex3"): f'answer_input_zero = "{_letter("ex02", "ex3", "rien de nouveau")}"',
                       layout.answer_id("ex6"): f'answer_shape = "{_letter("ex02", "ex6", "(66, 64)")}"',
                       layout.answer_id("ex4"): f"b_f_target = {np.log(bias['p'] / (1 - bias['p'])) - bias['z0']:.4f}",
                       }.get(cell.get("id"), cell.source)
    paths.append(copies.write(student, directory / "ex02_edition_eleve.ipynb"))
    rows = grade_paths(paths, OPTIONS, progress=False)
    table: dict = {}
    for row in rows:
        table.setdefault(row.copy, {})[row.exercise] = row
    return table, notebooks


@pytest.mark.parametrize("filename", list(COPIES))
def test_local_check_and_grader_agree(graded, filename):
    table, notebooks = graded
    name, nb = notebooks[filename]
    local = _local_verdicts(nb, name)
    for key, verdict in local.items():
        row = table[filename][key]
        assert (row.points, row.status) == (verdict.points, verdict.statut), (key, row, verdict)


def test_lstm_lib_itself_is_not_an_answer(graded):
    table, _ = graded
    for filename in ("ex02_alias.ipynb", "ex02_import.ipynb", "ex02_globals.ipynb", "ex02_getattr.ipynb",
                     "ex02_alias_ailleurs.ipynb"):
        row = table[filename]["ex1"]
        assert row.points == 0 and row.status == "faux" and "écrire vous-même" in row.message, row
        assert table[filename]["ex2"].status == "réussi"


def test_defeating_the_call_watch_is_refused(graded):
    row = graded[0]["ex02_surveillance.ipynb"]["ex1"]
    assert row.points == 0 and row.status == "faux" and "surveillance" in row.message, row
    assert graded[0]["ex02_surveillance.ipynb"]["ex2"].status == "réussi"


def test_a_copied_number_or_letter_fails_for_another_student(graded):
    """Bob recopie le nombre et la lettre d'Alice : justes pour elle, faux pour lui (ses valeurs, son ordre)."""
    table, _ = graded
    alice, bob = table["ex01_alice.ipynb"], table["ex01_bob.ipynb"]
    for key in ("ex3", "ex4"):
        print(key, alice[key].status, bob[key].status, bob[key].message)
        assert alice[key].status == "réussi" and alice[key].identity == "alice martin"
        assert bob[key].status == "faux" and bob[key].points == 0 and bob[key].identity == "bob durand"
    assert "remarque" not in alice["ex3"].message  # une copie qui déclare son identité n'a pas l'avertissement


def test_partial_credit_for_parts(graded):
    table, _ = graded
    row = table["ex02_partiel.ipynb"]["ex5"]
    print(row)
    assert (row.points, row.max, row.status) == (2.25, 3, "partiel")
    assert fr("« f », « i » et « o » sont justes ; « c_hat »") in row.message
    assert "Le candidat semble calculé avec la sigmoïde" in row.message
    row = table["ex06_tableau.ipynb"]["ex4"]
    assert (row.points, row.max, row.status) == (1.5, 2, "partiel") and "1 réponse fausse sur 4" in row.message
    row = table["ex06_tableau.ipynb"]["ex2"]
    assert (row.points, row.max, row.status) == (1, 2, "partiel") and fr("« h_fwd » est juste") in row.message


def test_decimal_comma_gets_a_french_hint(graded):
    row = graded[0]["ex02_virgule.ipynb"]["ex4"]
    assert row.points == 0 and "virgule décimale" in row.message and "2.197" in row.message, row


def test_lists_and_odd_but_right_answers_are_accepted(graded):
    table, _ = graded
    assert table["ex05_listes.ipynb"]["ex3"].status == "réussi", table["ex05_listes.ipynb"]["ex3"]
    assert table["ex05_listes.ipynb"]["ex4"].status == "réussi", table["ex05_listes.ipynb"]["ex4"]
    assert table["ex02_lettres.ipynb"]["ex3"].status == "réussi"
    assert table["ex02_lettres.ipynb"]["ex4"].status == "réussi"


def test_student_edition_copy_is_judged_by_the_grader(graded):
    rows = graded[0]["ex02_edition_eleve.ipynb"]
    assert rows["ex3"].status == "réussi" and rows["ex3"].points == 1
    assert "copie sans identité" in rows["ex3"].message  # une copie anonyme : l'enseignant le voit
    assert rows["ex6"].status == "faux" and "nombre de lignes" in rows["ex6"].message
    assert rows["ex4"].status == "réussi"
    assert rows["ex1"].status == "non tenté"


# --------------------------------------------------------------------------
# Les solutions de référence, sur dix graines secrètes
# --------------------------------------------------------------------------

SEEDS = range(10)


@pytest.fixture(scope="module")
def solutions_graded(tmp_path_factory):
    directory = tmp_path_factory.mktemp("solutions")
    paths = {name: copies.write(copies.solved(name), directory / f"{name}_solution.ipynb") for name in NOTEBOOKS}
    results = {}
    for seed in SEEDS:  # une correction entière par graine secrète
        rows = grade_paths(list(paths.values()), dataclasses.replace(OPTIONS, seed=seed), progress=False)
        for name, path in paths.items():
            results[(name, seed)] = [row for row in rows if row.copy == path.name]
    return results


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_reference_solutions_get_full_marks_on_ten_secret_seeds(solutions_graded, name):
    expected = {ex.key: ex.points for ex in definition(name).EXERCISES}
    for seed in SEEDS:
        rows = {row.exercise: row for row in solutions_graded[(name, seed)]}
        assert set(rows) == set(expected), (seed, rows)
        for key, row in rows.items():
            assert row.status == "réussi" and row.points == row.max == expected[key], (seed, row)
    total = sum(row.points for seed in SEEDS for row in solutions_graded[(name, seed)])
    print(f"{name} : {total:g} points sur {len(SEEDS)} graines")
    assert total == len(SEEDS) * sum(expected.values())


def test_seeds_draw_different_inputs():
    """Dix graines, dix jeux d'entrées : sinon « dix graines » ne prouverait rien."""
    ex = definition("ex02").EXERCISES[0]
    draws = {tuple(np.concatenate([np.ravel(a) for a in ex.make_spec(np.random.default_rng(s))["cases"][0]]).round(12))
             for s in SEEDS}
    assert len(draws) == len(SEEDS)


def test_lstm_lib_functions_are_forbidden_where_the_statement_says_so():
    """Le cas témoin de la règle, sans noyau : l'objet lui-même, le même verdict partout."""
    ex = definition("ex02").EXERCISES[0]
    verdict = check_locally(ex, {"forget_gate": lstm_lib.forget_gate})
    assert verdict.statut == "faux" and "écrire vous-même" in verdict.message
    assert check_locally(definition("ex02").EXERCISES[4], {"gates": lstm_lib.sigmoid}).statut != "réussi"


# --------------------------------------------------------------------------
# Les questions à choix mesurent quelque chose : deviner rapporte le hasard
# --------------------------------------------------------------------------

def _letter_questions():
    from lstm_lib.grading.core import ChoiceExercise

    return [(name, ex) for name in NOTEBOOKS for ex in exercises_for(name)
            if isinstance(ex, ChoiceExercise) and ex.shuffled]


def test_every_single_letter_question_is_shuffled():
    from lstm_lib.grading.core import ChoiceExercise

    fixed = [(name, ex.key) for name in NOTEBOOKS for ex in exercises_for(name)
             if isinstance(ex, ChoiceExercise) and ex.choices and all(ex.choices.values()) and not ex.shuffled]
    assert fixed == [], fixed
    assert len(_letter_questions()) >= 10


def test_always_the_same_letter_scores_at_chance():
    """« b partout » (ou a, c, d) : sur 300 copies, chaque lettre constante gagne environ 1/k des points."""
    questions = _letter_questions()
    identities = [f"Élève {k:03d}" for k in range(300)]
    worst = 0.0
    for letter in "abcd":
        hits = total = chance = 0.0
        for _, ex in questions:
            k = len(ex.choices)
            for who in identities:
                variant = ex.variant(who)
                correct = ex.letters(variant)[ex.order(variant).index(ex.answer)]
                hits += correct == letter
                total += 1
            chance += 1 / k
        rate = hits / total
        print(f"toujours « {letter} » : {rate:.3f} des réponses justes (hasard : {chance / len(questions):.3f})")
        worst = max(worst, rate - chance / len(questions))
    assert worst <= 0.03, worst


@pytest.mark.parametrize("strategy, pick", [("la plus longue", max), ("la plus courte", min)])
def test_the_longest_or_shortest_option_is_not_the_answer_more_often_than_chance(strategy, pick):
    """« Prendre l'option la plus longue » (ou la plus courte) : pas mieux que le hasard (≤ 1/k + 0,1)."""
    questions = _letter_questions()
    wins, chance = 0.0, 0.0
    for name, ex in questions:
        lengths = {label: len(text) for label, text in ex.choices.items()}
        extreme = pick(lengths.values())
        best = [label for label, n in lengths.items() if n == extreme]
        wins += (ex.answer in best) / len(best)  # à égalité, l'élève tire au sort parmi elles
        chance += 1 / len(ex.choices)
    rate, chance = wins / len(questions), chance / len(questions)
    print(f"{strategy} option : {rate:.3f} des questions (hasard : {chance:.3f}, {len(questions)} questions)")
    assert rate <= chance + 0.1, (rate, chance)


def test_a_right_training_loop_stuck_on_a_plateau_for_one_seed_keeps_its_points():
    """ex05 ex7 : une boucle juste reste parfois, pour une graine, sur le plateau du chapitre 5 (lecture
    au dernier pas) : sur une CI, la solution de référence est restée à 66 % sur ce tirage. Le juge
    l'entraîne avec deux graines et un succès suffit ; la boucle boguée échoue aux deux.

    Quelle graine tombe sur le plateau dépend des flottants de la machine (jeu d'instructions, nombre
    de fils : mesuré, une graine passe de 81 % à 98 % d'un réglage à l'autre) ; le plateau est donc
    rejoué ici par une sortie au hasard (une seule classe prédite) à la place d'un des deux essais."""
    import zlib

    import numpy as np

    from lstm_lib.grading import ex05
    from lstm_lib.grading import harvest

    harvest_code = {}
    exec(harvest.SOURCE, harvest_code)  # la récolte telle qu'elle tourne dans le noyau
    encode = harvest_code["encode"]

    ex7 = next(ex for ex in exercises_for("ex05") if ex.key == "ex7")
    rng = np.random.default_rng([9022769410034003004, zlib.crc32(b"eleve07_ex05.ipynb")])
    spec = {ex.key: ex.make_spec(rng, ex.variant("")) for ex in exercises_for("ex05")}["ex7"]

    def judged(outputs):
        accuracies = [float(np.mean(out == case.secret)) for out, case in zip(outputs, spec["cases"])]
        harvested = {"found": True, "callable": True, "watch": "ok", "forbidden_calls": [],
                     "calls": [{"ok": True, "value": encode(out)} for out in outputs]}
        return accuracies, ex7.judge(harvested, spec)

    trained = {}
    for source, name in ((ex7.solution, "train_and_predict"), (ex05.BUGGY_LOOP, "buggy_train_and_predict")):
        namespace = {"lstm_lib": lstm_lib}
        exec(source, namespace)
        trained[name] = [namespace[name](*case) for case in spec["cases"]]

    accuracies, verdict = judged(trained["train_and_predict"])
    print("référence", accuracies, verdict.statut)
    assert max(accuracies) >= 0.9 and verdict.ok and verdict.points == ex7.points
    best = int(np.argmax(accuracies))
    plateau = np.zeros_like(trained["train_and_predict"][1 - best])  # une seule classe : le hasard
    one_stuck = list(trained["train_and_predict"])
    one_stuck[1 - best] = plateau
    accuracies, verdict = judged(one_stuck)
    print("un essai sur le plateau", accuracies, verdict.statut, verdict.message[:200])
    assert min(accuracies) < 0.5 and max(accuracies) >= 0.9
    assert verdict.ok and verdict.points == ex7.points
    accuracies, verdict = judged([plateau, plateau])
    print("deux essais sur le plateau", accuracies, verdict.statut)
    assert max(accuracies) < 0.5 and not verdict.ok and "aucun des 2 essais" in verdict.message

    accuracies, verdict = judged(trained["buggy_train_and_predict"])
    print("boucle boguée", accuracies, verdict.statut, verdict.message[:200])
    assert max(accuracies) < 0.9 and not verdict.ok
    assert "aucun des 2 essais" in verdict.message
