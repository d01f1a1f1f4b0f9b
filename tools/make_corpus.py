"""Écrit ``lstm_lib/textes/livre.txt`` : la prose française du livre, pour le chapitre 9.

Usage : ``.venv/bin/python tools/make_corpus.py [texte_source.md]``

Le modèle de langue du chapitre 9 apprend sur du vrai français écrit pour ce
projet (pas de licence à négocier) : le texte source (par défaut
``../shared/source/lstm-explication.md``, s'il existe) puis les cellules de texte
des chapitres 1 à 6. On garde la prose : ni code, ni formules, ni directives
MyST, ni balises ; les liens ``{term}`` et ``{cite}`` deviennent leur texte.

Le fichier est un **instantané** : il ne suit pas les chapitres quand ils
changent (le chapitre 9 doit donner les mêmes chiffres d'un build à l'autre).
On le régénère à la main, puis on relance les tests du chapitre 9. Il est livré
dans le paquet (``pyproject.toml``, ``package-data``) pour que Colab l'ait aussi.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "lstm_lib" / "textes" / "livre.txt"
# Le texte source est dans shared/, à côté du dépôt (ou à côté du dossier des arbres de travail).
SOURCE_CANDIDATES = [base / "shared" / "source" / "lstm-explication.md" for base in (ROOT.parent, ROOT.parent.parent)]
CHAPTERS = [f"chapters/0{k}_" for k in range(1, 7)]

HEADER = (
    "# Fichier généré par tools/make_corpus.py : ne pas modifier à la main.\n"
    "# La prose française du livre (texte source, puis chapitres 1 à 6), sans code ni formules.\n"
)


def _inline_math(match: re.Match) -> str:
    """Une formule courte ($x_t$, $T$) devient son texte (x_t, T) ; une longue disparaît."""
    plain = re.sub(r"\\[a-zA-Z]+|[{}\\]", "", match.group(1)).strip()
    return plain if len(plain) <= 6 and re.fullmatch(r"[\w\-+'^ ]+", plain) else ""


def prose(markdown: str) -> str:
    """La prose d'un texte MyST : sans blocs de code, formules, directives ni balises."""
    text = re.sub(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", "", markdown, flags=re.S | re.M)  # blocs ``` et directives
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)  # formules en bloc
    text = re.sub(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", "", text, flags=re.S)
    text = re.sub(r"\$([^$\n]*)\$", _inline_math, text)  # formules en ligne
    text = re.sub(r"\{(?:term|cite|cite:t|cite:p|ref|numref|doc|eq)\}`([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", text)
    text = re.sub(r"`[^`\n]*`", "", text)  # code en ligne
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # liens et images
    text = re.sub(r"<[^>\n]+>", "", text)  # balises HTML
    text = re.sub(r"^\s*\|.*\|\s*$", "", text, flags=re.M)  # tableaux
    text = re.sub(r"^\s{0,3}#+\s*(.*)$", r"\n\1\n", text, flags=re.M)  # titres : paragraphe à part
    text = re.sub(r"^\s{0,3}([-*+]|\d+\.|>)\s*", "", text, flags=re.M)  # puces, citations
    text = re.sub(r"^\s*(---+|\*\*\*+)\s*$", "", text, flags=re.M)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?!\w)", r"\1", text)  # italique
    # Émojis, symboles et caractères de contrôle : hors de la prose.
    text = "".join(c for c in text if unicodedata.category(c)[0] in "LNPZ" or c in "\n+−×=<>%€°'’")
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    paragraphs = [re.sub(r"\s*\n\s*", " ", p).strip() for p in re.split(r"\n{2,}", text)]
    keep = [p for p in paragraphs if len(p) >= 40 and sum(ch.isalpha() for ch in p) > 0.6 * len(p)]
    return "\n".join(keep)


def notebook_markdown(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c["source"] for c in nb["cells"] if c["cell_type"] == "markdown"]
    return "\n\n".join("".join(s) if isinstance(s, list) else s for s in cells)


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else next((p for p in SOURCE_CANDIDATES if p.is_file()), SOURCE_CANDIDATES[0])
    parts = []
    if source.is_file():
        parts.append(prose(source.read_text(encoding="utf-8")))
    else:
        print(f"make_corpus : texte source absent ({source}) ; seuls les chapitres sont pris.")
    for prefix in CHAPTERS:
        (path,) = sorted(ROOT.glob(prefix + "*.ipynb"))
        parts.append(prose(notebook_markdown(path)))
    body = "\n".join(parts) + "\n"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(HEADER + body, encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)} : {len(body)} caractères, {len(set(body))} caractères distincts")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
