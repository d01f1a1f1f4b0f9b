"""Retrouver les cellules de réponse d'une copie.

**Le contrat** (à tenir par les cahiers de départ, voir ``exercises/``) : la
réponse à l'exercice ``exK`` est la cellule de code d'identifiant
``reponse-exK`` (:attr:`Exercise.cell_id`) ; elle est placée entre l'énoncé
et la cellule de vérification de l'exercice, et son code de départ commence
par une première ligne reconnaissable (la signature ``def …`` à compléter, ou
``nom = …``).

1. **Cas normal** : la copie a gardé les identifiants du cahier de départ.
   Une cellule de réponse absente (supprimée, recréée par copier-coller) vaut
   zéro à son exercice ; des cellules de réponse remises dans le désordre
   aussi (celles qui sortent de la plus longue suite dans l'ordre).
2. **Repli** : aucun identifiant attendu n'est là — copie enregistrée au
   format nbformat 4.4 (sans identifiants de cellule), ou réenregistrée par un
   éditeur qui les régénère. Les cellules qui n'ont pas changé depuis le
   cahier de départ (énoncés, vérifications) servent de repères (alignement
   par :class:`difflib.SequenceMatcher`) ; la cellule de réponse est la cellule
   de code placée entre les mêmes repères que dans le cahier de départ, de
   préférence celle qui commence par la même première ligne. La note est
   donnée, avec un avertissement sur chaque ligne — jamais un zéro pour le
   seul format.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from lstm_lib.grading.core import INTROUVABLE, NON_NOTE, Verdict

__all__ = ["Located", "locate", "FALLBACK_WARNING", "first_line"]

FALLBACK_WARNING = (
    "copie sans les identifiants de cellule du cahier de départ (format nbformat 4.4, ou cahier "
    "réenregistré par un autre éditeur) : la cellule de réponse a été retrouvée par sa position "
    "et sa première ligne"
)


@dataclass
class Located:
    """Où sont les cellules de réponse : identifiant attendu → position dans la copie."""

    index_of: dict = field(default_factory=dict)
    verdicts: dict = field(default_factory=dict)  # clé d'exercice → verdict (cellule perdue ou déplacée)
    fallback: bool = False


def first_line(source: str) -> str:
    """La première ligne non vide d'un code, sans espaces autour (le « repère » d'une cellule de réponse)."""
    for line in str(source).splitlines():
        if line.strip():
            return line.strip()
    return ""


def _answer_ids(exercises) -> list[str]:
    ids: list[str] = []
    for ex in exercises:
        if ex.cell_id not in ids:
            ids.append(ex.cell_id)
    return ids


def _longest_increasing(positions: list[int]) -> set[int]:
    """Les indices (dans ``positions``) d'une plus longue sous-suite croissante."""
    n = len(positions)
    best = [1] * n
    prev = [-1] * n
    for i in range(n):
        for j in range(i):
            if positions[j] < positions[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    if not n:
        return set()
    k = max(range(n), key=lambda i: best[i])
    keep = set()
    while k != -1:
        keep.add(k)
        k = prev[k]
    return keep


def locate(cells: list[dict], exercises, starter: list[dict] | None = None) -> Located:
    """Les cellules de réponse de ``cells`` (cellules de la copie : ``type``, ``id``, ``source``).

    ``starter`` : les cellules du cahier de départ (même forme), pour le repli.
    """
    wanted = _answer_ids(exercises)
    position = {c.get("id"): k for k, c in enumerate(cells) if c.get("id")}
    if any(cid in position for cid in wanted):
        return _by_ids(position, wanted, exercises)
    return _by_position(cells, wanted, exercises, starter)


def _by_ids(position, wanted, exercises) -> Located:
    present = [cid for cid in wanted if cid in position]
    keep = _longest_increasing([position[cid] for cid in present])
    moved = {cid for k, cid in enumerate(present) if k not in keep}
    found = Located({cid: position[cid] for cid in present if cid not in moved})
    for ex in exercises:
        if ex.cell_id not in position:
            found.verdicts[ex.key] = Verdict(
                0.0, ex.points, INTROUVABLE,
                f"la cellule de réponse « {ex.cell_id} » est introuvable (supprimée, ou recréée "
                f"par copier-coller) : écrivez la réponse dans la cellule d'origine du cahier de départ")
        elif ex.cell_id in moved:
            found.verdicts[ex.key] = Verdict(
                0.0, ex.points, NON_NOTE,
                f"la cellule de réponse « {ex.cell_id} » a été déplacée : remettez les cellules "
                f"dans l'ordre du cahier de départ")
    return found


def _key(cell: dict) -> tuple:
    return cell.get("type"), str(cell.get("source", "")).strip()


def _by_position(cells, wanted, exercises, starter) -> Located:
    found = Located(fallback=True)
    markers = {}
    for ex in exercises:
        markers.setdefault(ex.cell_id, first_line(ex.starter))
    taken: set[int] = set()
    if starter:
        starter_pos = {c.get("id"): k for k, c in enumerate(starter)}
        for cid in wanted:
            if cid in starter_pos and not markers.get(cid):
                markers[cid] = first_line(starter[starter_pos[cid]].get("source", ""))
        matcher = difflib.SequenceMatcher(None, [_key(c) for c in starter], [_key(c) for c in cells],
                                          autojunk=False)
        anchor = {}  # position dans le départ → position dans la copie
        for block in matcher.get_matching_blocks():
            for d in range(block.size):
                anchor[block.a + d] = block.b + d
        for cid in wanted:
            s = starter_pos.get(cid)
            if s is None:
                continue
            if s in anchor and cells[anchor[s]].get("type") == "code":  # cellule laissée telle quelle
                found.index_of[cid] = anchor[s]
                taken.add(anchor[s])
                continue
            before = max((anchor[a] for a in anchor if a < s), default=-1)
            after = min((anchor[a] for a in anchor if a > s), default=len(cells))
            candidates = [k for k in range(before + 1, after)
                          if cells[k].get("type") == "code" and k not in taken]
            chosen = _pick(cells, candidates, markers.get(cid, ""))
            if chosen is not None:
                found.index_of[cid] = chosen
                taken.add(chosen)
    else:  # pas de cahier de départ : la première ligne seule, dans l'ordre
        start = 0
        for cid in wanted:
            marker = markers.get(cid, "")
            hits = [k for k in range(start, len(cells)) if cells[k].get("type") == "code"
                    and k not in taken and marker and first_line(cells[k].get("source", "")) == marker]
            if hits:
                found.index_of[cid] = hits[0]
                taken.add(hits[0])
                start = hits[0] + 1
    for ex in exercises:
        if ex.cell_id not in found.index_of:
            found.verdicts[ex.key] = Verdict(
                0.0, ex.points, INTROUVABLE,
                f"la cellule de réponse « {ex.cell_id} » est introuvable : la copie n'a pas les "
                f"identifiants de cellule du cahier de départ, et aucune cellule de code n'est à sa "
                f"place (entre l'énoncé et la vérification de l'exercice)")
    return found


def _pick(cells, candidates: list[int], marker: str) -> int | None:
    if not candidates:
        return None
    same = [k for k in candidates if marker and first_line(cells[k].get("source", "")) == marker]
    return same[0] if same else candidates[0]
