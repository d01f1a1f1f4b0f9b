"""lstm_grader.safety : ce que la copie a pu écrire est lu sans confiance, ce que le correcteur écrit l'est d'un coup."""

from __future__ import annotations

import csv
import io
import os
import threading

import pytest

from lstm_grader.__main__ import csv_bytes, print_table
from lstm_grader.runner import Row
from lstm_grader.safety import UnsafeFile, display_name, read_untrusted, spreadsheet_text, terminal_text, write_atomic


def test_regular_file_is_read_within_the_cap(tmp_path):
    path = tmp_path / "r.json"
    path.write_bytes(b"x" * 100)
    assert read_untrusted(path, 100) == b"x" * 100
    with pytest.raises(UnsafeFile, match="trop volumineux"):
        read_untrusted(path, 99)


def test_symlink_to_dev_zero_is_refused(tmp_path):
    link = tmp_path / "r.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(UnsafeFile, match="lien symbolique"):
        read_untrusted(link, 1024)


def test_symlink_to_a_regular_file_is_refused_too(tmp_path):
    target = tmp_path / "secret.txt"
    target.write_text("secret")
    (tmp_path / "r.json").symlink_to(target)
    with pytest.raises(UnsafeFile, match="lien symbolique"):
        read_untrusted(tmp_path / "r.json", 1024)


def test_fifo_does_not_hang_the_reader(tmp_path):
    fifo = tmp_path / "r.json"
    os.mkfifo(fifo)
    outcome = {}

    def target():  # un fil à part : si la lecture bloquait, le test le verrait sans rester bloqué
        try:
            read_untrusted(fifo, 1024)
        except UnsafeFile as exc:
            outcome["error"] = str(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "la lecture d'un tube nommé a bloqué"
    assert "tube nommé" in outcome["error"]


def test_directory_and_missing_file(tmp_path):
    with pytest.raises(UnsafeFile, match="dossier"):
        read_untrusted(tmp_path, 10)
    with pytest.raises(FileNotFoundError):
        read_untrusted(tmp_path / "absent", 10)


def test_write_atomic_replaces_a_planted_symlink_instead_of_following_it(tmp_path):
    victim = tmp_path / "victime.txt"
    victim.write_text("intact")
    target = tmp_path / "notes.csv"
    target.symlink_to(victim)
    write_atomic(target, b"notes")
    assert victim.read_text() == "intact"
    assert not target.is_symlink() and target.read_bytes() == b"notes"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # pas de fichier temporaire laissé


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formulas_are_neutralised_for_spreadsheets(text):
    out = spreadsheet_text(text)
    assert out[0] == "'" or not out.startswith(("=", "+", "-", "@")), out
    assert not out.lstrip("'").startswith(("\t", "\r"))


def test_ordinary_text_is_kept():
    assert spreadsheet_text("bonne réponse") == "bonne réponse"


def test_control_characters_are_stripped_from_terminal_text():
    nasty = "ok\x1b[2J\x1b]0;titre\x07\rfaux\u202eevil\x00"
    clean = terminal_text(nasty)
    assert all(ord(c) >= 32 for c in clean) and "\u202e" not in clean
    assert "ok" in clean and "faux" in clean


def test_latin1_file_name_is_decoded_and_written_to_csv(tmp_path):
    raw = "Hélène_12_assignsubmission_file_ex02.ipynb".encode("latin-1")
    name = display_name(os.fsdecode(raw))
    assert name == "Hélène_12_assignsubmission_file_ex02.ipynb"
    row = Row(name, "Hélène", "ex1", 1.0, 2.0, "faux", "=HYPERLINK(\"x\")\x1b[31m")
    data = csv_bytes([row]).decode("utf-8")
    table = list(csv.reader(io.StringIO(data)))
    assert table[1][0] == name
    assert table[1][-1].startswith("'=") and "\x1b" not in table[1][-1]
    out = io.StringIO()
    print_table([row], out=out)
    assert "\x1b" not in out.getvalue() and "Hélène" in out.getvalue()


def test_undecodable_name_never_raises():
    weird = os.fsdecode(b"\xff\xfe\x80copie\x1b.ipynb")
    name = display_name(weird)
    name.encode("utf-8")  # toujours écrivable en UTF-8
    assert "\x1b" not in name and "copie" in name
