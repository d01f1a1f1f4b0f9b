"""Réponses identiques : un indice pour l'enseignant, jamais un changement de note.

Deux copies du même cahier sont rapprochées quand **toutes** leurs cellules de
réponse sont identiques une fois retirés les commentaires et les différences
d'espaces (découpage en jetons de :mod:`tokenize`, qui ne confond pas un ``#``
dans une chaîne avec un commentaire). Les cellules laissées telles que dans le
cahier de départ ne comptent pas, et une copie dont les réponses tiennent en
moins de :data:`MIN_CHARS` caractères (quelques lettres de QCM) n'est jamais
rapprochée : deux bonnes réponses courtes se ressemblent forcément.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

__all__ = ["normalize", "Group", "identical_groups", "MIN_CHARS"]

#: Longueur minimale (code normalisé, toutes réponses ensemble) d'une copie qu'on rapproche.
MIN_CHARS = 80

_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}


def normalize(source: str) -> str:
    """Le code sans commentaires ni différences d'espaces (même code → même texte)."""
    try:
        tokens = []
        for tok in tokenize.generate_tokens(io.StringIO(str(source)).readline):
            if tok.type in _SKIP:
                continue
            if tok.type == tokenize.NEWLINE:
                tokens.append(";")
            elif tok.type == tokenize.INDENT:
                tokens.append("{")
            elif tok.type == tokenize.DEDENT:
                tokens.append("}")
            else:
                tokens.append(tok.string)
        return " ".join(tokens)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        lines = [re.sub(r"#.*", "", line).strip() for line in str(source).splitlines()]
        return " ".join(" ".join(line.split()) for line in lines if line)


@dataclass(frozen=True)
class Group:
    """Des copies d'un même cahier aux réponses identiques."""

    notebook: str
    copies: tuple[str, ...]
    exercises: tuple[str, ...]  # les exercices dont la réponse a été écrite (différente du départ)


def identical_groups(answers: dict[str, tuple[str, dict[str, str]]],
                     starters: dict[str, dict[str, str]]) -> list[Group]:
    """Les groupes de copies identiques.

    ``answers`` : clé de copie → (cahier, {clé d'exercice : code de la cellule de réponse}) ;
    ``starters`` : cahier → {clé d'exercice : code de départ}.
    """
    buckets: dict[tuple, list[str]] = {}
    written: dict[tuple, tuple[str, ...]] = {}
    for copy, (notebook, cells) in answers.items():
        start = starters.get(notebook, {})
        fingerprint, keys, size = [], [], 0
        for key in sorted(cells):
            text = normalize(cells[key])
            if key in start and text == normalize(start[key]):
                continue  # laissée telle quelle
            fingerprint.append((key, text))
            keys.append(key)
            size += len(text)
        if size < MIN_CHARS:
            continue
        bucket = (notebook, tuple(fingerprint))
        buckets.setdefault(bucket, []).append(copy)
        written[bucket] = tuple(keys)
    groups = [Group(notebook, tuple(sorted(members)), written[(notebook, fp)])
              for (notebook, fp), members in buckets.items() if len(members) > 1]
    return sorted(groups, key=lambda g: (g.notebook, g.copies))
