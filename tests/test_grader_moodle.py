"""lstm_grader.moodle : le CSV d'import des notes et le zip des fichiers de feedback, tels que Moodle les lit.

Les deux lecteurs de Moodle sont reproduits ici (en Python, règle pour règle) :

- l'import des notes (``grade/import/csv/classes/load_data.php``) : une colonne
  associée à un champ de l'utilisateur (``email``…) ; une seule valeur inconnue
  fait échouer tout l'import ; une note est un nombre (point décimal) ou « - » ;
- l'import des fichiers de feedback (``mod/assign/feedback/file/importziplib.php``,
  ``is_valid_filename_for_import``) : chaque partie du chemin est coupée aux
  quatre premiers « _ » ; la deuxième est le numéro de participant, les deux
  suivantes le type et le nom du greffon.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from lstm_grader.moodle import (RosterError, feedback_zip, grades_csv, load_roster, name_key, students_of,
                                unmatched_csv)
from lstm_grader.runner import Row

WORKSHEET = ("Identifiant,\"Nom complet\",\"Adresse de courriel\",Statut,Note,\"Note maximale\","
             "\"La note peut être modifiée\",\"Dernière modification (travail remis)\","
             "\"Dernière modification (note)\",\"Feedback comments\"\n"
             "\"Participant 1234\",\"Alice Martin\",alice@exemple.fr,\"Remis pour évaluation\",,100,Oui,,,\n"
             "\"Participant 1240\",\"Bob Durand\",bob@exemple.fr,\"Remis pour évaluation\",,100,Oui,,,\n"
             "\"Participant 1250\",\"Chloé Petit\",chloe@exemple.fr,\"Remis pour évaluation\",,100,Oui,,,\n")
GRADEBOOK = ("Prénom;Nom;Numéro d'identification;Institution;Département;Adresse de courriel\n"
             "Alice;Martin;E001;;;alice@exemple.fr\n"
             "Chloé;Petit;E003;;;chloe@exemple.fr\n")


def moodle_feedback_target(path: str, participants: set[str]) -> tuple[str, str, str] | None:
    """``is_valid_filename_for_import`` de Moodle : (participant, type de greffon, nom du fichier) ou None."""
    name = path.rsplit("/", 1)[-1]
    if name.startswith(".") or name.startswith("~"):
        return None
    parts = path.split("/")
    while parts:
        info = parts.pop(0).split("_", 4)
        if len(info) < 4 or not info[1].isdigit() or info[1] not in participants:
            continue
        if (info[2], info[3]) not in {("assignfeedback", "file"), ("assignsubmission", "file")}:
            continue
        rest = info[4] if len(info) == 5 else ""
        return info[1], f"{info[2]}_{info[3]}", "/".join([rest, *parts])
    return None


def moodle_grade_import(data: bytes, known: set[str], identifier_column: str) -> dict[str, dict[str, float | None]]:
    """L'import CSV des notes de Moodle : {identifiant : {colonne : note}} ; lève si Moodle refuserait le fichier."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    header = [h.strip() for h in rows[0]]
    ident = header.index(identifier_column)
    out = {}
    for row in rows[1:]:
        value = row[ident]
        if not value:
            continue  # Moodle saute une ligne sans identifiant
        if value not in known:
            raise AssertionError(f"Moodle refuserait tout l'import : utilisateur inconnu {value!r}")
        grades = {}
        for k, cell in enumerate(row):
            if k == ident or header[k] == "Nom complet":
                continue
            if cell.strip() in ("", "-"):
                grades[header[k]] = None
            else:
                grades[header[k]] = float(cell)  # Moodle : unformat_float, point décimal accepté
                assert grades[header[k]] <= 100, "au-delà de gradepointmax (100), Moodle refuse"
        out[value] = grades
    return out


def _row(copy, student, participant, notebook, exercise, points, maximum, status="réussi", message="bonne réponse"):
    return Row(copy, student, exercise, points, maximum, status, message, notebook, participant)


ROWS = [
    _row("Alice Martin_1234_assignsubmission_file/ex02_portes.ipynb", "Alice Martin", "1234", "ex02", "ex1", 2, 2),
    _row("Alice Martin_1234_assignsubmission_file/ex02_portes.ipynb", "Alice Martin", "1234", "ex02", "ex2", 0.5, 1,
         "faux", "<script>alert(1)</script> n'a pas les bonnes valeurs"),
    _row("Alice Martin_1234_assignsubmission_file/ex01_pourquoi_lstm.ipynb", "Alice Martin", "1234", "ex01", "ex1", 1, 2),
    _row("Bob Durand_1240_assignsubmission_file/ex02_portes.ipynb", "Bob Durand", "1240", "ex02", "ex1", 0, 2,
         "non tenté", "pas encore tenté"),
    _row("Zoé Inconnue_1299_assignsubmission_file/ex02_portes.ipynb", "Zoé Inconnue", "1299", "ex02", "ex1", 2, 2),
]


def test_worksheet_roster_maps_participant_ids_to_emails(tmp_path):
    path = tmp_path / "feuille.csv"
    path.write_text(WORKSHEET, encoding="utf-8-sig")
    roster = load_roster(path)
    assert roster.identifier == "email" and roster.header == "Adresse de courriel"
    assert [(p.participant, p.email) for p in roster.people] == [
        ("1234", "alice@exemple.fr"), ("1240", "bob@exemple.fr"), ("1250", "chloe@exemple.fr")]
    assert roster.find("N'importe quel nom", "1240")[0].email == "bob@exemple.fr"
    person, reason = roster.find("Zoé Inconnue", "1299")
    assert person is None and "1299" in reason


def test_gradebook_export_roster_matches_by_name_in_either_order(tmp_path):
    path = tmp_path / "carnet.csv"
    path.write_bytes(GRADEBOOK.encode("cp1252"))  # un export ouvert puis enregistré par un tableur sous Windows
    roster = load_roster(path)
    assert roster.identifier == "email"
    assert roster.find("Martin Alice", None)[0].email == "alice@exemple.fr"
    assert roster.find("CHLOE petit", "9999")[0].email == "chloe@exemple.fr"  # pas de numéros dans la liste : le nom
    assert name_key("Chloé Petit") == name_key("petit  chloe")


def test_roster_without_identifier_column_is_refused_in_french(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("Nom complet,Groupe\nAlice Martin,A\n", encoding="utf-8")
    with pytest.raises(RosterError, match="colonne d'identifiant"):
        load_roster(path)


def test_grades_csv_is_accepted_by_moodles_importer(tmp_path):
    path = tmp_path / "feuille.csv"
    path.write_text(WORKSHEET, encoding="utf-8")
    roster = load_roster(path)
    students = students_of(ROWS)
    data, unmatched = grades_csv(students, roster)
    grades = moodle_grade_import(data, {p.email for p in roster.people}, "Adresse de courriel")
    assert grades == {
        "alice@exemple.fr": {"ex01_pourquoi_lstm": 1.0, "ex02_portes": 2.5, "Total": 3.5},
        "bob@exemple.fr": {"ex01_pourquoi_lstm": None, "ex02_portes": 0.0, "Total": 0.0},
    }
    assert [(s.name, s.participant) for s, _ in unmatched] == [("Zoé Inconnue", "1299")]
    assert "Zoé Inconnue" in unmatched_csv(unmatched).decode("utf-8")


def test_feedback_zip_is_read_by_moodles_importer():
    archive = zipfile.ZipFile(io.BytesIO(feedback_zip(students_of(ROWS))))
    names = archive.namelist()
    targets = {moodle_feedback_target(n, {"1234", "1240", "1299"}) for n in names}
    assert targets == {("1234", "assignfeedback_file", "retour_correction.html"),
                       ("1240", "assignfeedback_file", "retour_correction.html"),
                       ("1299", "assignfeedback_file", "retour_correction.html")}
    alice = archive.read(next(n for n in names if "_1234_" in n)).decode("utf-8")
    assert '<html lang="fr">' in alice and "Alice Martin" in alice
    assert "<script>" not in alice and "&lt;script&gt;" in alice  # le message de l'élève est échappé
    assert "Total\u00a0: 3,5 / 5 point(s)" in alice and "0,5 / 1" in alice


def test_a_notebook_handed_in_twice_keeps_the_best_copy():
    rows = [_row("A_1_assignsubmission_file/ex02.ipynb", "A", "1", "ex02", "ex1", 0, 2),
            _row("A_1_assignsubmission_file/ex02_v2.ipynb", "A", "1", "ex02", "ex1", 2, 2)]
    (student,) = students_of(rows)
    assert student.total == 2 and student.duplicates == ["ex02"]


# --------------------------------------------------------------------------
# De bout en bout : le README suivi à la lettre sur un téléchargement de Moodle
# --------------------------------------------------------------------------

def _readme_commands() -> list[list[str]]:
    """Les commandes du pas à pas « Corriger un devoir Moodle » du README, prêtes à lancer ici."""
    import shlex
    import sys

    from conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Corriger un devoir Moodle, pas à pas", 1)[1]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    commands = []
    for line in block.strip().splitlines():
        line = line.strip()
        if line.startswith("PY="):
            continue
        commands.append([sys.executable if w == "$PY" else w for w in shlex.split(line)])
    return commands


def test_readme_walkthrough_grades_a_moodle_download_that_moodle_imports(tmp_path):
    import subprocess

    import nbformat

    from lstm_grader import copies
    from lstm_lib.grading import definition

    commands = _readme_commands()
    assert [c[1:3] for c in commands] == [["-m", "zipfile"], ["-m", "lstm_grader"]], commands
    sols = {ex.key: ex.solution for ex in definition("ex02").EXERCISES}
    shared = {**{k: v for k, v in sols.items() if k in ("ex1", "ex2")},
              "ex5": "def gates(h_prev, x_t, params):\n    # même code chez Bob et Chloé\n"
                     "    return None, None, None, None\n"}
    submissions = {
        "Alice Martin_1234_assignsubmission_file/ex02_portes.ipynb": copies.solved("ex02"),
        "Alice Martin_1234_assignsubmission_file/ex01_pourquoi_lstm.ipynb": copies.fill("ex01", {}),
        "Bob Durand_1240_assignsubmission_file/ex02_portes.ipynb": copies.fill("ex02", shared),
        "Chloé Petit_1250_assignsubmission_file/ex02_portes.ipynb": copies.fill("ex02", {
            k: v.replace("# même code chez Bob et Chloé", "# recopié") for k, v in shared.items()}),
        "Zoé Inconnue_1299_assignsubmission_file/ex02_portes.ipynb": copies.solved("ex02"),
    }
    with zipfile.ZipFile(tmp_path / "telechargement.zip", "w") as archive:
        for name, nb in submissions.items():
            archive.writestr(name, nbformat.writes(nb))
    (tmp_path / "feuille.csv").write_text(WORKSHEET, encoding="utf-8")
    for command in commands:
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, (command, done.stderr[-3000:])
    out = done.stdout

    # Deux fichiers de même nom, deux étudiants : deux copies, chacune à son auteur.
    with (tmp_path / "notes.csv").open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    by_copy = {}
    for row in table:
        by_copy.setdefault(row["fichier"], []).append(row)
    assert set(by_copy) == set(submissions)
    assert {rows[0]["étudiant"] for rows in by_copy.values()} == {
        "Alice Martin", "Bob Durand", "Chloé Petit", "Zoé Inconnue"}

    moodle = tmp_path / "moodle"
    grades = moodle_grade_import((moodle / "notes_moodle.csv").read_bytes(),
                                 {"alice@exemple.fr", "bob@exemple.fr", "chloe@exemple.fr"}, "Adresse de courriel")
    full = sum(ex.points for ex in definition("ex02").EXERCISES)
    assert grades["alice@exemple.fr"] == {"ex01_pourquoi_lstm": 0.0, "ex02_portes": full, "Total": full}
    assert grades["bob@exemple.fr"] == grades["chloe@exemple.fr"]
    assert grades["bob@exemple.fr"]["ex01_pourquoi_lstm"] is None
    assert 0 < grades["bob@exemple.fr"]["ex02_portes"] < full
    assert set(grades) == {"alice@exemple.fr", "bob@exemple.fr", "chloe@exemple.fr"}
    assert "Zoé Inconnue" in (moodle / "non_identifies.csv").read_text(encoding="utf-8")

    archive = zipfile.ZipFile(moodle / "retours_moodle.zip")
    targets = {moodle_feedback_target(n, {"1234", "1240", "1250", "1299"}) for n in archive.namelist()}
    assert {t[0] for t in targets if t} == {"1234", "1240", "1250", "1299"}
    bob = archive.read(next(n for n in archive.namelist() if "_1240_" in n)).decode("utf-8")
    assert "Bob Durand" in bob and "ex02" in bob and "pas encore tenté" in bob

    # Les réponses identiques (commentaires mis à part) sont signalées, sans changer les notes : Bob et
    # Chloé d'un côté, Alice et Zoé (la solution de référence, telle quelle) de l'autre.
    lines = out.split("Réponses identiques", 1)[1].splitlines()[1:]
    groups = [line for line in lines if line.startswith("  ex02")]
    assert len(groups) == 2, lines
    assert any("Bob Durand_1240" in g and "Chloé Petit_1250" in g and "Alice" not in g for g in groups), groups
    assert any("Alice Martin_1234" in g and "Zoé Inconnue_1299" in g and "Bob" not in g for g in groups), groups
