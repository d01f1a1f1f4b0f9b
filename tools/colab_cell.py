"""Insère (ou met à jour) la cellule Colab en tête de chaque cahier.

Usage : ``python tools/colab_cell.py [cahier.ipynb …]`` — sans argument, tous
les cahiers de ``chapters/`` et ``exercises/``. La cellule installe
``lstm_lib`` depuis le dépôt, avec son extra ``aeon`` (la version épinglée dans
``pyproject.toml``), quand le cahier tourne dans Google Colab, et ne
fait rien ailleurs (Binder et les installations locales ont déjà le paquet).
L'adresse du dépôt vient de ``_config.yml`` (``repository.url``), seul endroit
où elle est écrite.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAGS = ["colab", "remove-cell"]

TEMPLATE = '''# Cellule Colab : installe lstm_lib (et aeon, pour le chapitre 9) quand ce cahier
# tourne dans Google Colab, et ne fait rien ailleurs (Binder et une installation
# locale les ont déjà).
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "lstm_lib[aeon] @ git+{url}"],
        check=True,
    )
    from google.colab import output

    output.enable_custom_widget_manager()  # widgets ipywidgets 8 dans Colab'''


def repository_url() -> str:
    """Lit ``repository.url`` dans ``_config.yml`` (sans dépendre de PyYAML)."""
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    block = re.search(r"^repository:\s*\n((?:[ \t]+.*\n?)+)", text, re.MULTILINE)
    if block:
        url = re.search(r"^\s+url:\s*[\"']?([^\"'\s#]+)", block.group(1), re.MULTILINE)
        if url:
            return url.group(1)
    raise SystemExit("colab_cell : « repository.url » introuvable dans _config.yml")


def colab_source(url: str | None = None) -> str:
    return TEMPLATE.format(url=url or repository_url())


def is_colab_cell(cell: dict) -> bool:
    return cell.get("cell_type") == "code" and "colab" in cell.get("metadata", {}).get("tags", [])


def apply(path: Path, source: str) -> bool:
    """Met la cellule Colab en tête de ``path`` ; rend True si le fichier a changé."""
    raw = path.read_text(encoding="utf-8")
    nb = json.loads(raw)
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "colab-setup",
        "metadata": {"tags": list(TAGS)},
        "outputs": [],
        "source": source.splitlines(keepends=True),
    }
    cells = [c for c in nb["cells"] if not is_colab_cell(c)]
    nb["cells"] = [cell] + cells
    new = json.dumps(nb, ensure_ascii=False, indent=1) + "\n"
    if new != raw:
        path.write_text(new, encoding="utf-8")
        return True
    return False


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(
        p for d in ("chapters", "exercises") for p in (ROOT / d).glob("*.ipynb")
    )
    source = colab_source()
    for p in paths:
        if apply(p, source):
            print(f"cellule Colab mise à jour : {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
