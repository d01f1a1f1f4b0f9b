"""lstm_grader.collection : une copie par chemin, et l'identité de son auteur (Moodle, dossier, fichier)."""

from __future__ import annotations

import os

from lstm_grader.collection import collect, moodle_name


def _touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}", encoding="utf-8")
    return path


def test_moodle_names_are_split_like_moodle_does():
    assert moodle_name("Alice Martin_1234_assignsubmission_file_ex02_portes.ipynb") == (
        "Alice Martin", "1234", "ex02_portes.ipynb")
    assert moodle_name("Alice Martin_1234_assignsubmission_file") == ("Alice Martin", "1234", "")
    assert moodle_name("Alice Martin_1234_assignsubmission_file_") == ("Alice Martin", "1234", "")
    assert moodle_name("ex02_portes.ipynb") is None
    assert moodle_name("copie_12_finale_ex02.ipynb") is None  # pas « assign… » : pas un nom de Moodle


def test_same_file_name_in_two_student_folders_are_two_copies(tmp_path):
    root = tmp_path / "telechargement"
    _touch(root / "Alice Martin_1234_assignsubmission_file" / "ex02_portes.ipynb")
    _touch(root / "Bob Durand_1240_assignsubmission_file" / "ex02_portes.ipynb")
    copies, problems = collect([str(root)])
    assert problems == []
    assert [c.key for c in copies] == ["Alice Martin_1234_assignsubmission_file/ex02_portes.ipynb",
                                       "Bob Durand_1240_assignsubmission_file/ex02_portes.ipynb"]
    assert [(c.student, c.participant, c.filename) for c in copies] == [
        ("Alice Martin", "1234", "ex02_portes.ipynb"), ("Bob Durand", "1240", "ex02_portes.ipynb")]


def test_flat_moodle_download_and_explicit_files(tmp_path):
    a = _touch(tmp_path / "Alice Martin_1234_assignsubmission_file_ex01_pourquoi_lstm.ipynb")
    b = _touch(tmp_path / "Chloé Petit_1250_assignsubmission_file_ex01_pourquoi_lstm.ipynb")
    copies, problems = collect([str(a), str(b)])
    assert problems == []
    assert [(c.key, c.student, c.participant, c.filename) for c in copies] == [
        (a.name, "Alice Martin", "1234", "ex01_pourquoi_lstm.ipynb"),
        (b.name, "Chloé Petit", "1250", "ex01_pourquoi_lstm.ipynb")]


def test_non_moodle_folders_name_the_student(tmp_path):
    _touch(tmp_path / "classe" / "dupont" / "ex03_memoire.ipynb")
    _touch(tmp_path / "classe" / "seul.ipynb")
    copies, _ = collect([str(tmp_path / "classe")])
    assert {(c.key, c.student) for c in copies} == {("dupont/ex03_memoire.ipynb", "dupont"), ("seul.ipynb", "seul")}


def test_symlinks_and_escapes_are_refused(tmp_path):
    secret = _touch(tmp_path / "prof" / "verifications.py")
    root = tmp_path / "copies"
    _touch(root / "honnete.ipynb")
    (root / "lien.ipynb").symlink_to(secret)
    (root / "dossier_lien").symlink_to(tmp_path / "prof", target_is_directory=True)
    copies, problems = collect([str(root)])
    assert [c.key for c in copies] == ["honnete.ipynb"]
    assert any("lien.ipynb" in p and "lien symbolique" in p for p in problems)
    # Un chemin donné explicitement à travers un dossier-lien sort de la racine réelle : refusé.
    copies, problems = collect([str(root / "honnete.ipynb"), str(root / "lien.ipynb"),
                                str(root / "dossier_lien" / "verifications.py")])
    assert [c.key for c in copies] == ["honnete.ipynb"]
    assert any("dossier_lien/verifications.py" in p and "hors du dossier" in p for p in problems)


def test_latin1_names_from_a_zip_are_readable_keys(tmp_path):
    root = tmp_path / "zip"
    root.mkdir()
    raw = os.path.join(os.fsencode(root), "Hélène Roux_1300_assignsubmission_file_ex02.ipynb".encode("latin-1"))
    with open(raw, "w", encoding="utf-8") as fh:
        fh.write("{}")
    copies, problems = collect([str(root)])
    assert problems == []
    assert copies[0].student == "Hélène Roux" and copies[0].participant == "1300"
    copies[0].key.encode("utf-8")  # écrivable en UTF-8 (le CSV), sans erreur


def test_missing_argument_is_reported(tmp_path):
    copies, problems = collect([str(tmp_path / "absente.ipynb")])
    assert copies == [] and problems and problems[0].endswith(": introuvable")


def test_two_roots_keep_keys_apart(tmp_path):
    _touch(tmp_path / "groupeA" / "x" / "ex01.ipynb")
    _touch(tmp_path / "groupeB" / "x" / "ex01.ipynb")
    copies, problems = collect([str(tmp_path / "groupeA"), str(tmp_path / "groupeB")])
    assert problems == [] and [c.key for c in copies] == ["groupeA/x/ex01.ipynb", "groupeB/x/ex01.ipynb"]


def test_latin1_named_copy_is_graded_end_to_end(tmp_path):
    """Un nom de fichier en Latin-1 (archive décompressée par un outil qui ne convertit pas) : ni le
    CSV, ni le tableau, ni le zip des retours ne plantent, et l'auteur est reconnu."""
    import csv
    import subprocess
    import sys
    import zipfile

    import nbformat

    from lstm_grader import copies

    root = tmp_path / "copies"
    root.mkdir()
    raw = os.path.join(os.fsencode(root), "Hélène Roux_1300_assignsubmission_file_ex01_pourquoi_lstm.ipynb".encode("latin-1"))
    with open(raw, "w", encoding="utf-8") as fh:
        fh.write(nbformat.writes(copies.solved("ex01")))
    done = subprocess.run([sys.executable, "-m", "lstm_grader", str(root), "--csv", str(tmp_path / "notes.csv"),
                           "--moodle", str(tmp_path / "moodle"), "--quiet"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    from lstm_lib.grading import definition

    total = sum(ex.points for ex in definition("ex01").EXERCISES)
    line = f"Hélène Roux_1300_assignsubmission_file_ex01_pourquoi_lstm.ipynb : {total}/{total}"
    assert line in done.stdout.replace("\u00a0", " "), done.stdout
    with (tmp_path / "notes.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["étudiant"] for r in rows} == {"Hélène Roux"} and all(r["statut"] == "réussi" for r in rows)
    names = zipfile.ZipFile(tmp_path / "moodle" / "retours_moodle.zip").namelist()
    assert names == ["Hélène Roux_1300_assignfeedback_file_retour_correction.html"]
