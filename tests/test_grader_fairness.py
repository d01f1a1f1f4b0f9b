"""Juste pour l'élève honnête, côté correcteur : ancien format de cahier, cellules lentes, solutions de référence.

- Une copie juste enregistrée au format nbformat 4.4 (sans identifiants de
  cellule), ou par un éditeur qui les régénère, a tous ses points, avec un
  avertissement — jamais un zéro pour le format.
- Des cellules lentes mais légitimes qui, ensemble, dépassent le délai total ne
  coûtent que ce qui n'a pas pu être exécuté, avec un message exact (pas
  « boucle infinie ? ») : le temps de la récolte est gardé.
- Chaque solution de référence a tous ses points sur des entrées tirées avec
  une graine secrète, dix fois par cahier (les entrées dépendent de la graine
  et du chemin de la copie).
"""

from __future__ import annotations

import json
import random
import secrets

import nbformat
import pytest

from lstm_grader import copies
from lstm_grader.runner import GradingOptions, grade_paths
from lstm_lib.grading import NOTEBOOKS, definition, exercises_for

SLEEP = "import time\ntime.sleep({s})\n"


def _by_copy(rows):
    out = {}
    for r in rows:
        out.setdefault(r.copy, {})[r.exercise] = r
    return out


def _as_44(nb) -> str:
    data = json.loads(nbformat.writes(nb))
    data["nbformat_minor"] = 4
    for cell in data["cells"]:
        cell.pop("id", None)
    return json.dumps(data)


def _regenerated_ids(nb) -> str:
    data = json.loads(nbformat.writes(nb))
    rng = random.Random(1)
    for cell in data["cells"]:
        cell["id"] = f"{rng.getrandbits(48):012x}"
    return json.dumps(data)


def test_old_format_and_regenerated_ids_get_full_marks_with_a_warning(tmp_path):
    (tmp_path / "ex02_ancien_format.ipynb").write_text(_as_44(copies.solved("ex02")), encoding="utf-8")
    (tmp_path / "ex03_autre_editeur.ipynb").write_text(_regenerated_ids(copies.solved("ex03")), encoding="utf-8")
    rows = _by_copy(grade_paths(sorted(tmp_path.glob("*.ipynb")), GradingOptions(seed=7, jobs=2), progress=False))
    for copy, name in (("ex02_ancien_format.ipynb", "ex02"), ("ex03_autre_editeur.ipynb", "ex03")):
        print(copy, {k: (r.status, r.message[:300]) for k, r in rows[copy].items()})
        assert set(rows[copy]) == {ex.key for ex in definition(name).EXERCISES}, rows[copy]
        for row in rows[copy].values():
            assert row.status == "réussi" and row.points == row.max, row
            assert "retrouvée par sa position" in row.message, row


def test_a_passing_grader_fault_is_retried_and_a_lasting_one_says_so(tmp_path, monkeypatch):
    """Une erreur du correcteur lui-même (ressources du système, processus qui ne démarre pas) ne
    coûte pas sa note à une copie juste : la copie est recorrigée une fois ; une erreur qui dure
    donne une seule ligne « erreur interne », qui le dit."""
    from lstm_grader import runner

    copies.write(copies.solved("ex02"), tmp_path / "ex02_juste.ipynb")
    real, calls = runner.grade_one, []

    def flaky(copy, ctx):
        calls.append(copy.key)
        if len(calls) == 1:
            raise OSError("ressource temporairement indisponible")
        return real(copy, ctx)

    monkeypatch.setattr(runner, "grade_one", flaky)
    rows = _by_copy(grade_paths([tmp_path / "ex02_juste.ipynb"], GradingOptions(seed=7, jobs=1), progress=False))
    print(len(calls), {k: (r.status, r.points) for k, r in rows["ex02_juste.ipynb"].items()})
    assert len(calls) == 2
    assert set(rows["ex02_juste.ipynb"]) == {ex.key for ex in definition("ex02").EXERCISES}
    assert all(r.status == "réussi" and r.points == r.max for r in rows["ex02_juste.ipynb"].values())

    def broken(copy, ctx):
        calls.append(copy.key)
        raise OSError("ressource temporairement indisponible")

    calls.clear()
    monkeypatch.setattr(runner, "grade_one", broken)
    rows = grade_paths([tmp_path / "ex02_juste.ipynb"], GradingOptions(seed=7, jobs=1), progress=False)
    print(len(calls), [(r.exercise, r.message) for r in rows])
    assert len(calls) == 2 and len(rows) == 1 and rows[0].exercise == "—" and rows[0].points == 0
    assert "erreur interne du correcteur (OSError" in rows[0].message and "2 essais" in rows[0].message


def test_slow_legitimate_cells_lose_only_what_did_not_run(tmp_path):
    """Deux cellules de 15 s (chacune sous le délai de 20 s) : le délai total de 40 s, dont 10 s gardées
    pour la récolte, tombe pendant la seconde ; ce qui a tourné avant est noté."""
    nb = copies.solved("ex03")
    for cell_id in ("verification-ex2", "verification-ex4"):
        next(c for c in nb.cells if c.get("id") == cell_id).source = SLEEP.format(s=15)
    copies.write(nb, tmp_path / "ex03_lent.ipynb")
    options = GradingOptions(cell_timeout=20, total_timeout=40, seed=3, jobs=1)
    assert options.harvest_reserve() == 10
    rows = _by_copy(grade_paths([tmp_path / "ex03_lent.ipynb"], options, progress=False))["ex03_lent.ipynb"]
    print({k: (r.status, r.message[:90]) for k, r in rows.items()})
    order = [ex.key for ex in exercises_for("ex03")]
    assert rows["ex1"].status == "réussi", rows["ex1"]  # avant la première cellule lente
    assert rows[order[-1]].status == "non noté", rows[order[-1]]  # après la seconde
    late = [k for k in order if rows[k].status != "réussi"]
    assert late == order[order.index(late[0]):]  # ce qui est perdu est la fin du cahier, rien d'autre
    for key in late:
        message = rows[key].message
        assert "temps total de la copie atteint (40 s, dont 10 s gardées pour la récolte)" in message, message
        assert "boucle infinie" not in message


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    directory = tmp_path_factory.mktemp("solutions")
    paths = []
    for name in NOTEBOOKS:
        for k in range(10):
            paths.append(copies.write(copies.solved(name), directory / f"eleve{k:02d}_{name}.ipynb"))
    seed = secrets.randbits(63)
    print(f"graine secrète de cette correction : {seed}")
    rows = grade_paths(paths, GradingOptions(seed=seed, jobs=4), progress=False)
    return _by_copy(rows), seed


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_reference_solutions_get_full_marks_on_ten_draws(references, name):
    rows, seed = references
    draws = {copy: r for copy, r in rows.items() if copy.endswith(f"_{name}.ipynb")}
    assert len(draws) == 10
    wrong = [(copy, key, row.status, row.message) for copy, r in draws.items() for key, row in r.items()
             if row.status != "réussi" or row.points != row.max]
    assert wrong == [], f"graine {seed} : {wrong}"
    assert {key for r in draws.values() for key in r} == {ex.key for ex in definition(name).EXERCISES}


def test_an_exercise_whose_calls_train_gets_its_own_harvest_time(tmp_path, monkeypatch):
    """ex05 ex7 entraîne deux fois : sa récolte a son propre délai (``harvest_seconds``) au lieu de celui
    d'une cellule de récolte ordinaire. Une réponse qui met 2 × 5 s tient dans ce délai (elle est jugée
    sur son exactitude) ; sans lui, avec 8 s par cellule, elle serait coupée."""
    nb = copies.solved("ex05")
    cell = next(c for c in nb.cells if c.get("id") == "reponse-ex7")
    cell.source = ("import time\nimport numpy as np\n\n\ndef train_and_predict(x_train, y_train, x_test, seed):\n"
                   "    time.sleep(5)\n    return np.zeros(len(x_test), dtype=int)\n")
    copies.write(nb, tmp_path / "ex05_lent.ipynb")
    options = GradingOptions(cell_timeout=8, total_timeout=150, seed=5, jobs=1)
    ex7 = next(ex for ex in definition("ex05").EXERCISES if ex.key == "ex7")
    for seconds, expected in ((ex7.harvest_seconds, "il en faut au moins 90"), (None, "délai imparti")):
        monkeypatch.setattr(ex7, "harvest_seconds", seconds)
        row = _by_copy(grade_paths([tmp_path / "ex05_lent.ipynb"], options, progress=False))["ex05_lent.ipynb"]["ex7"]
        print(seconds, row.status, row.message[:160])
        assert row.points == 0 and expected in row.message, row


def test_isolated_cases_run_in_a_fresh_kernel_that_sees_only_them(tmp_path, monkeypatch):
    """``FunctionExercise.isolated`` : les cas désignés sont appelés dans une seconde exécution de la
    copie, un noyau neuf qui ne reçoit qu'eux (une sonde de causalité que ni un état gardé d'un appel à
    l'autre ni une lecture des autres cas ne peut déjouer) ; le juge voit les appels dans l'ordre.
    Réponse d'essai : juste au premier appel de chaque noyau, fausse ensuite."""
    nb = copies.solved("ex02")
    cell = next(c for c in nb.cells if c.get("id") == "reponse-ex1")
    cell.source += ("\n\n_right = forget_gate\n_calls = []\n\n\ndef forget_gate(h_prev, x_t, W_f, b_f):\n"
                    "    _calls.append(1)\n    f = _right(h_prev, x_t, W_f, b_f)\n"
                    "    return f if len(_calls) == 1 else 1 - f\n")
    copies.write(nb, tmp_path / "ex02_etat.ipynb")
    ex1 = next(ex for ex in definition("ex02").EXERCISES if ex.key == "ex1")
    draw = ex1.cases
    monkeypatch.setattr(ex1, "cases", lambda rng: draw(rng)[:2])
    options = GradingOptions(seed=11, jobs=1)
    seen = {}
    for isolated in (None, lambda cases: [1]):
        monkeypatch.setattr(ex1, "isolated", isolated)
        row = _by_copy(grade_paths([tmp_path / "ex02_etat.ipynb"], options, progress=False))["ex02_etat.ipynb"]["ex1"]
        seen[isolated is None] = row
        print("isolé" if isolated else "un seul noyau", row.status, row.points, row.message[:120])
    assert seen[True].points == 0 and "1 cas faux sur 2" in seen[True].message  # un seul noyau : le 2e appel est faux
    assert seen[False].status == "réussi" and seen[False].points == seen[False].max  # chaque cas, premier de son noyau


def test_a_name_left_undefined_by_a_failed_earlier_cell_is_traced_back_to_it(tmp_path):
    """Quand la cellule de préparation échoue (une erreur, ou son délai sur une machine chargée), les
    réponses qui s'en servent lèvent NameError : le message dit quelle cellule a échoué avant."""
    nb = copies.solved("ex06")
    prep = next(c for c in nb.cells if c.get("id") == "preparation")
    prep.source = "raise RuntimeError('panne')\n" + prep.source
    copies.write(nb, tmp_path / "ex06_panne.ipynb")
    rows = _by_copy(grade_paths([tmp_path / "ex06_panne.ipynb"], GradingOptions(seed=3, jobs=1), progress=False))
    row = rows["ex06_panne.ipynb"]["ex5"]
    print(row.status, row.message)
    number = [c.get("id") for c in nb.cells if c.cell_type == "code"].index("preparation") + 1
    assert row.points == 0 and f"la cellule de code n° {number}, avant elle, avait échoué (RuntimeError)" in row.message
