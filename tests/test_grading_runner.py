"""Le correcteur de bout en bout : copies exécutées dans des noyaux à part.

Lancer des noyaux coûte cher : les copies sont regroupées en deux lots
(fixtures de module), corrigés une seule fois, puis chaque test regarde ses
lignes. Chaque cas de défaut ou de triche de l'issue a son test.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import nbformat
import pytest

from lstm_lib.grading import NOTEBOOKS, definition
from lstm_grader import copies, runner
from lstm_grader.runner import GradingOptions, grade_paths

sys.path.insert(0, str(Path(__file__).parent / "grading"))
from grading_answers import WRONG  # noqa: E402
from private_checks import PRIVATE  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _solutions(name):
    return {ex.key: ex.solution for ex in definition(name).EXERCISES}


def _filled(name, **answers):
    return copies.fill(name, {**_solutions(name), **answers})


def _cell(nb, cell_id):
    return next(c for c in nb.cells if c.get("id") == cell_id)


def _copies_batch_a() -> dict[str, nbformat.NotebookNode | str]:
    out: dict = {}
    for name in NOTEBOOKS:
        out[f"{name}_solution.ipynb"] = copies.solved(name)
        out[f"{name}_fausse.ipynb"] = copies.fill(name, {k: v[0] for k, v in WRONG[name].items()})
    out["ex01_depart.ipynb"] = nbformat.read(copies.starter_path("ex01"), as_version=4)

    # Sorties enregistrées truquées : ignorées.
    faked = nbformat.read(copies.starter_path("ex01"), as_version=4)
    for cell in faked.cells:
        if cell.cell_type == "code":
            cell.execution_count = 1
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="✔ réussi (2/2)")]
    out["ex01_sorties_truquees.ipynb"] = faked

    # Arrêts du noyau (os._exit) : dans une cellule quelconque, dans une cellule de réponse,
    # et dans une fonction appelée à la récolte.
    crash = _filled(
        "ex02",
        ex2="import os\nos._exit(1)\n" + _solutions("ex02")["ex2"],
        ex5="def gates(h_prev, x_t, params):\n    import os\n    os._exit(2)\n",
    )
    _cell(crash, "verification-ex3").source = "import os\nos._exit(1)"
    out["ex02_plantage.ipynb"] = crash
    # Un noyau qui meurt encore et encore : le correcteur abandonne la copie.
    relentless = copies.solved("ex03")
    for key in ("ex1", "ex2", "ex3", "ex4", "ex5"):
        _cell(relentless, f"verification-{key}").source = "import os\nos._exit(1)"
    out["ex03_plantages.ipynb"] = relentless

    # sys.exit avant une définition : seul cet exercice est perdu.
    sysexit = _filled("ex02", ex2="import sys\nsys.exit(3)\n" + _solutions("ex02")["ex2"])
    out["ex02_sys_exit.ipynb"] = sysexit

    # Boucle infinie dans une cellule (interrompue au délai de la cellule).
    out["ex03_boucle_cellule.ipynb"] = _filled("ex03", ex5="while True:\n    pass\nn_steps_saturation = 6\n")

    # Boucle infinie dans une fonction (à la récolte) ; réponse « en dur ».
    out["ex01_boucle_fonction.ipynb"] = _filled(
        "ex01",
        ex1="def rnn_step(x_t, h_prev, W, b):\n    while True:\n        pass\n",
        ex2="def step_jacobian(h_t, W):\n    return np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]])\n",
    )

    # Cellule de réponse perdue (la réponse recopiée dans une nouvelle cellule) ; cellules déplacées.
    lost = copies.solved("ex04")
    answer = _cell(lost, "reponse-ex2")
    lost.cells.remove(answer)
    lost.cells.append(nbformat.v4.new_code_cell(answer.source))
    out["ex04_cellule_perdue.ipynb"] = lost
    moved = copies.solved("ex04")
    i = moved.cells.index(_cell(moved, "reponse-ex1"))
    j = moved.cells.index(_cell(moved, "reponse-ex4"))
    moved.cells[i], moved.cells[j] = moved.cells[j], moved.cells[i]
    out["ex04_cellules_deplacees.ipynb"] = moved

    # Allocation sans borne : dans une cellule, et dans une fonction appelée à la récolte.
    out["ex06_memoire.ipynb"] = _filled(
        "ex06",
        ex2="big = np.ones(10**11)\n" + _solutions("ex06")["ex2"],
        ex3="def masked_mean_pool(h, mask):\n    blocks = []\n    while True:\n"
            "        blocks.append(np.empty(10**8))  # réservé sans être touché : seule la limite l'arrête\n",
    )

    # Triche : modifier lstm_lib, numpy et le vérificateur dans le noyau, avec une réponse fausse.
    cheat = (
        "import lstm_lib.grading.core as core\n"
        "core.compare = lambda *args, **kwargs: None\n"
        "np.allclose = lambda *args, **kwargs: True\n"
        "np.testing.assert_allclose = lambda *args, **kwargs: None\n"
        "def forget_gate(h_prev, x_t, W_f, b_f):\n"
        "    return 1 / (1 + np.exp(-(W_f @ np.concatenate([h_prev, x_t]))))\n"
        "lstm_lib.forget_gate = forget_gate\n"
        "lstm_lib.cells.forget_gate = forget_gate\n"
    )
    out["ex02_triche.ipynb"] = _filled(
        "ex02", ex1=cheat,
        ex2="def candidate(h_prev, x_t, W_c, b_c):\n    return lstm_lib.candidate(h_prev, x_t, W_c, b_c)\n",
        ex3="def bad(h, x, W, b):\n    return W @ x + b\nbad(np.zeros(2), np.zeros(1), np.zeros((2, 3)), np.zeros(2))\n",
    )
    # Erreur dans la fonction de l'élève : le message cite sa ligne.
    out["ex03_exception.ipynb"] = _filled(
        "ex03", ex1="def update_memory(f, c_prev, i, c_hat):\n    return f @ c_prev + i * c_hat[:1] * np.ones((2, 2))\n")

    # Fichiers qui ne sont pas des cahiers valides.
    out["ex05_json_invalide.ipynb"] = '{"cells": [ oups'
    out["ex05_pas_un_cahier.ipynb"] = json.dumps({"bonjour": 1})
    anonymous = copies.solved("ex02")
    anonymous.metadata.pop("lstm_grading")
    out["copie_anonyme.ipynb"] = anonymous
    return out


def _write_all(directory: Path, items: dict) -> list[Path]:
    paths = []
    for name, content in items.items():
        path = directory / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            nbformat.write(content, path)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def batch_a(tmp_path_factory):
    directory = tmp_path_factory.mktemp("copies")
    paths = _write_all(directory, _copies_batch_a())
    # 15 s par cellule : ex05 ex7 entraîne un petit LSTM à la récolte (quelques secondes, plus sur une machine chargée).
    options = GradingOptions(cell_timeout=15, total_timeout=180, memory_mb=1536, seed=20260, jobs=2)
    rows = grade_paths(paths, options, progress=False)
    return {(r.copy, r.exercise): r for r in rows}, [p.name for p in paths], rows


def _rows(batch, fichier):
    table, _, _ = batch
    return {key: row for (f, key), row in table.items() if f == fichier}


# --------------------------------------------------------------------------

def test_every_submission_gets_rows_in_order(batch_a):
    _, names, rows = batch_a
    seen = []
    for r in rows:
        if r.copy not in seen:
            seen.append(r.copy)
    assert seen == names, "une ligne (au moins) par copie, dans l'ordre des fichiers"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_reference_solutions_score_full_marks(batch_a, name):
    rows = _rows(batch_a, f"{name}_solution.ipynb")
    assert set(rows) == {ex.key for ex in definition(name).EXERCISES}
    for key, row in rows.items():
        assert row.status == "réussi" and row.points == row.max > 0, row


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_plausible_wrong_answers_lose_points_with_explanation(batch_a, name):
    rows = _rows(batch_a, f"{name}_fausse.ipynb")
    for key, (_, fragment) in WRONG[name].items():
        row = rows[key]
        assert row.points < row.max and row.status in ("faux", "partiel"), row
        assert fragment in row.message, row


def test_untouched_starter_is_not_attempted(batch_a):
    for row in _rows(batch_a, "ex01_depart.ipynb").values():
        assert row.status == "non tenté" and row.points == 0 and "pas encore tenté" in row.message


def test_stored_outputs_are_ignored(batch_a):
    for row in _rows(batch_a, "ex01_sorties_truquees.ipynb").values():
        assert row.status == "non tenté" and row.points == 0


def test_kernel_crash_loses_only_what_crashed(batch_a):
    rows = _rows(batch_a, "ex02_plantage.ipynb")
    assert rows["ex2"].points == 0 and rows["ex2"].status == "introuvable"
    assert "la cellule de réponse a arrêté le noyau" in rows["ex2"].message
    assert rows["ex5"].points == 0 and rows["ex5"].status == "erreur"
    assert "arrêté le noyau pendant la récolte" in rows["ex5"].message
    code = [c.get("id") for c in copies.solved("ex02").cells if c.cell_type == "code"]
    numbers = code.index("reponse-ex2") + 1, code.index("verification-ex3") + 1
    for key in ("ex1", "ex3", "ex4", "ex6", "ex7", "ex8"):
        assert rows[key].status == "réussi", rows[key]
        assert "le noyau s'est arrêté pendant les cellules de code n° {} et {}".format(*numbers) in rows[key].message


def test_kernel_crashing_again_and_again_gives_zero_with_reason(batch_a):
    rows = _rows(batch_a, "ex03_plantages.ipynb")
    assert len(rows) == len(definition("ex03").EXERCISES)
    for row in rows.values():
        assert row.points == 0 and row.status == "non noté"
        assert "arrêté à plusieurs reprises" in row.message


def test_sys_exit_only_loses_what_it_skipped(batch_a):
    rows = _rows(batch_a, "ex02_sys_exit.ipynb")
    assert rows["ex2"].points == 0 and rows["ex2"].status == "introuvable"
    assert "SystemExit" in rows["ex2"].message
    assert all(rows[k].status == "réussi" for k in ("ex1", "ex3", "ex4", "ex5", "ex6"))


def test_infinite_loop_in_a_cell_is_interrupted(batch_a):
    rows = _rows(batch_a, "ex03_boucle_cellule.ipynb")
    assert rows["ex5"].points == 0 and "délai" in rows["ex5"].message
    assert all(rows[k].status == "réussi" for k in ("ex1", "ex2", "ex3", "ex4", "ex6"))


def test_infinite_loop_in_a_function_and_hard_coded_output(batch_a):
    rows = _rows(batch_a, "ex01_boucle_fonction.ipynb")
    assert rows["ex1"].points == 0 and rows["ex1"].status == "erreur"
    assert "délai" in rows["ex1"].message
    # Une sortie recopiée en dur ne correspond pas aux entrées tirées à la correction.
    assert rows["ex2"].points == 0 and rows["ex2"].status == "faux"
    assert all(rows[k].status == "réussi" for k in ("ex3", "ex4", "ex5", "ex6"))


def test_lost_answer_cell(batch_a):
    rows = _rows(batch_a, "ex04_cellule_perdue.ipynb")
    assert rows["ex2"].points == 0 and rows["ex2"].status == "introuvable"
    assert "reponse-ex2" in rows["ex2"].message and "introuvable" in rows["ex2"].message
    assert all(rows[k].status == "réussi" for k in ("ex1", "ex3", "ex4", "ex5", "ex6"))


def test_reordered_answer_cells(batch_a):
    rows = _rows(batch_a, "ex04_cellules_deplacees.ipynb")
    moved = [k for k, r in rows.items() if r.status != "réussi"]
    assert moved and set(moved) <= {"ex1", "ex4"}
    for key in moved:
        assert rows[key].points == 0 and "déplacée" in rows[key].message
    assert all(rows[k].status == "réussi" for k in ("ex2", "ex3", "ex5", "ex6"))


def test_unbounded_allocation(batch_a):
    rows = _rows(batch_a, "ex06_memoire.ipynb")
    assert rows["ex2"].points == 0 and "MemoryError" in rows["ex2"].message
    assert rows["ex3"].points == 0 and "mémoire" in rows["ex3"].message
    assert all(rows[k].status == "réussi" for k in ("ex1", "ex4", "ex5"))


def test_monkeypatching_inside_the_notebook_changes_nothing(batch_a):
    rows = _rows(batch_a, "ex02_triche.ipynb")
    # La fonction (sans biais) reste fausse malgré compare, np.allclose et lstm_lib modifiés.
    assert rows["ex1"].points == 0 and rows["ex1"].status == "faux" and "biais" in rows["ex1"].message
    # Appeler lstm_lib au lieu d'écrire la fonction n'est pas accepté.
    assert rows["ex2"].points == 0 and "écrire vous-même" in rows["ex2"].message
    assert rows["ex5"].status == "réussi"


def test_exception_in_learner_code_is_explained(batch_a):
    rows = _rows(batch_a, "ex03_exception.ipynb")
    row = rows["ex1"]
    assert row.status == "erreur" and row.points == 0
    assert "ValueError" in row.message and "f @ c_prev" in row.message  # la ligne de l'élève


def test_answer_cell_error_is_reported(batch_a):
    row = _rows(batch_a, "ex02_triche.ipynb")["ex3"]
    assert row.points == 0 and "la cellule de réponse a levé ValueError" in row.message


@pytest.mark.parametrize("name, fragment", [
    ("ex05_json_invalide.ipynb", "JSON valide"),
    ("ex05_pas_un_cahier.ipynb", "pas un cahier Jupyter"),
])
def test_invalid_files_get_zero_with_reason(batch_a, name, fragment):
    rows = _rows(batch_a, name)
    assert set(rows) == {ex.key for ex in definition("ex05").EXERCISES}
    for row in rows.values():
        assert row.points == 0 and row.status == "non noté" and fragment in row.message


def test_unrecognised_notebook(batch_a):
    rows = _rows(batch_a, "copie_anonyme.ipynb")
    assert list(rows) == ["—"] and "non reconnu" in rows["—"].message


# --------------------------------------------------------------------------
# Délai total : un noyau qui ignore l'interruption
# --------------------------------------------------------------------------

def _grading_processes(roots=("lstm-correction-",)) -> list[int]:
    """Les processus dont le dossier courant est dans l'un des dossiers de correction ``roots``.

    ``roots`` : les dossiers créés par *cette* correction ; une autre correction qui tourne en même
    temps sur la machine (une autre suite de tests) ne compte pas.
    """
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cwd = os.readlink(f"/proc/{pid}/cwd")
            except OSError:
                continue
            if any(root in cwd for root in roots):
                found.append(int(pid))
    return found


def _wait_no_survivor(roots) -> None:
    deadline = time.monotonic() + 15  # le temps que le système récupère les processus tués
    while _grading_processes(roots) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _grading_processes(roots) == [], "un noyau de correction a survécu"


STUBBORN = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n"


def _grade_stubborn(tmp_path, total_timeout):
    paths = _write_all(tmp_path, {"ex02_tetu.ipynb": _filled("ex02", ex3=STUBBORN),
                                  "ex01_solution.ipynb": copies.solved("ex01")})
    roots = []
    real_mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs):
        roots.append(real_mkdtemp(*args, **kwargs))
        return roots[-1]

    with mock.patch.object(runner.tempfile, "mkdtemp", recording_mkdtemp):
        rows = grade_paths(paths, GradingOptions(cell_timeout=2, total_timeout=total_timeout, seed=1, jobs=2),
                           progress=False)
    assert roots, "la correction n'a pas créé son dossier"
    by_file = {}
    for r in rows:
        by_file.setdefault(r.copy, {})[r.exercise] = r
    assert all(r.status == "réussi" for r in by_file["ex01_solution.ipynb"].values())
    _wait_no_survivor([os.path.realpath(r) for r in roots])
    return by_file["ex02_tetu.ipynb"]


def test_kernel_ignoring_interrupts_costs_only_its_cell(tmp_path):
    """Un noyau qui ignore l'interruption est remplacé ; la cellule est sautée, le reste est noté."""
    stubborn = _grade_stubborn(tmp_path, 90)
    assert stubborn["ex3"].points == 0 and "délai de 2 s" in stubborn["ex3"].message, stubborn["ex3"]
    assert "ne répondait plus" in stubborn["ex1"].message, stubborn["ex1"]
    for key in ("ex1", "ex2", "ex4", "ex5", "ex6"):
        assert stubborn[key].status == "réussi", stubborn[key]


def test_total_timeout_stops_the_copy_and_the_batch_goes_on(tmp_path):
    for row in _grade_stubborn(tmp_path, 10).values():
        assert row.points == 0 and row.status == "non noté"
        assert "temps total" in row.message and "boucle infinie" not in row.message, row


# --------------------------------------------------------------------------
# La commande
# --------------------------------------------------------------------------



def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "lstm_grader", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_cli_grades_prints_table_and_writes_csv(tmp_path):
    paths = _write_all(tmp_path, {"ex02_solution.ipynb": copies.solved("ex02"), "ex01_casse.ipynb": "{"})
    checks = tmp_path / "privees.py"
    checks.write_text(PRIVATE, encoding="utf-8")
    result = _cli(*map(str, paths), "--csv", "notes.csv", "--checks", str(checks), "--jobs", "2",
                  "--timeout-cell", "20", "--timeout-total", "120", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    total = {name: sum(ex.points for ex in definition(name).EXERCISES) for name in ("ex01", "ex02")}
    assert "ex02_solution.ipynb" in result.stdout and f"{total['ex02'] + 1:g}/{total['ex02'] + 1:g}" in result.stdout
    assert "ex01_casse.ipynb" in result.stdout and f"0/{total['ex01']:g}" in result.stdout
    with (tmp_path / "notes.csv").open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == ["fichier", "étudiant", "identité", "exercice", "points", "max", "statut", "indices",
                              "solution", "message"]
    assert len(table) == len(definition("ex02").EXERCISES) + 1 + len(definition("ex01").EXERCISES)
    private = [r for r in table if r["exercice"] == "ex1-prive"]
    assert private and private[0]["statut"] == "réussi" and private[0]["points"] == "1"
    broken = [r for r in table if r["fichier"] == "ex01_casse.ipynb"]
    assert all(r["points"] == "0" and "JSON" in r["message"] for r in broken)


@pytest.mark.parametrize("args, fragment", [
    (["absente.ipynb", "--csv", "n.csv"], "introuvable"),
    (["x.ipynb"], "--csv"),
    (["x.ipynb", "--csv", "n.csv", "--jobs", "0"], "strictement positif"),
    (["x.ipynb", "--csv", "n.csv", "--timeout-cell", "abc"], "nombre attendu"),
    (["x.ipynb", "--csv", "n.csv", "--checks", "absent.py"], "vérifications privées"),
    (["x.ipynb", "--csv", "n.csv", "--checks", "casse.py"], "vérifications privées"),
    (["x.ipynb", "--csv", "dossier/absent/n.csv"], "n'existe pas"),
])
def test_cli_usage_errors_exit_non_zero(tmp_path, args, fragment):
    (tmp_path / "x.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "casse.py").write_text("raise RuntimeError('oups')\n", encoding="utf-8")
    result = _cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert not (tmp_path / "n.csv").exists()
