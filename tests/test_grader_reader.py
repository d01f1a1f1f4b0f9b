"""lstm_grader.reader : la copie est décodée hors du correcteur, dans un processus limité, et résumée sans ses sorties."""

from __future__ import annotations

import json

import nbformat

from lstm_grader import copies
from lstm_grader.reader import summarize
from lstm_grader.runner import MAX_COPY_BYTES, _Reader

FORBIDDEN = ["forget_gate", "candidate"]


def _summary(raw: bytes, **kw):
    return summarize(raw, max_cell_chars=kw.pop("max_cell_chars", 1000), forbidden=FORBIDDEN, **kw)


def test_summary_has_cells_without_outputs_and_the_names_they_use():
    nb = copies.fill("ex02", {"ex1": "import lstm_lib\ndef forget_gate(h, x, W, b):\n    return lstm_lib.forget_gate(h, x, W, b)\n"})
    answer_cell = next(c for c in nb.cells if c.get("id") == "reponse-ex1")
    answer_cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="✔ réussi (2/2)")]
    out = _summary(nbformat.writes(nb).encode())
    assert out["ok"] and out["cahier"] == "ex02" and out["had_ids"]
    answer = next(c for c in out["cells"] if c["id"] == "reponse-ex1")
    # Les noms définis suivent la règle du cahier (core.defined_names) : un import en définit un.
    assert answer["defines"] == ["forget_gate", "lstm_lib"] and answer["uses"] == ["forget_gate"]
    assert all("outputs" not in c for c in out["cells"])
    assert "réussi (2/2)" not in json.dumps(out, ensure_ascii=False)


def test_too_many_cells_nested_json_and_invalid_files_are_refused_with_a_reason():
    many = json.dumps({"cells": [{}] * 2001, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()
    assert "2001 cellules" in _summary(many)["error"]
    nested = b"[" * 100_000 + b"]" * 100_000
    assert not _summary(nested)["ok"]
    assert "JSON valide" in _summary(b'{"cells": [ oups')["error"]
    assert "pas un cahier Jupyter" in _summary(b'{"bonjour": 1}')["error"]


def test_a_cell_over_the_size_cap_is_not_parsed():
    nb = copies.solved("ex02")
    k = next(i for i, c in enumerate(nb.cells) if c.get("id") == "reponse-ex1")
    nb.cells[k].source = "x = 1" + " + 1" * 400
    out = _summary(nbformat.writes(nb).encode(), max_cell_chars=1000)
    cell = out["cells"][k]
    assert cell["parsed"] is False and "defines" not in cell


def test_reader_process_refuses_oversized_files_links_and_fifos(tmp_path):
    import os

    big = tmp_path / "gros.ipynb"
    with big.open("wb") as fh:
        fh.truncate(MAX_COPY_BYTES + 1)
    fifo = tmp_path / "tube.ipynb"
    os.mkfifo(fifo)
    link = tmp_path / "lien.ipynb"
    link.symlink_to("/dev/zero")
    reader = _Reader(1024)
    try:
        for path, reason in ((big, "trop volumineux"), (fifo, "tube nommé"), (link, "lien symbolique")):
            output = tmp_path / f"{path.stem}.json"
            problem = reader.read({"path": str(path), "max_bytes": MAX_COPY_BYTES, "max_cells": 2000,
                                   "max_cell_chars": 1000, "forbidden": FORBIDDEN, "output": str(output)}, 60)
            assert problem is None
            summary = json.loads(output.read_text(encoding="utf-8"))
            assert not summary["ok"] and reason in summary["error"], summary
    finally:
        reader.close()
