"""La disposition d'un cahier d'exercices : ce que le générateur écrit, ce que le correcteur relit.

Les cahiers ``exercises/exNN_*.ipynb`` sont générés par ``tools/make_exercises.py``
à partir de leur source (``lstm_lib/grading/exNN.py``) ; le correcteur
(``lstm_grader``) y retrouve les réponses. Le contrat entre les deux tient ici :

- la **cellule de réponse** de l'exercice ``exK`` a l'identifiant ``reponse-exK``
  (:func:`answer_id`) et les étiquettes ``reponse`` et ``reponse-exK``
  (:func:`answer_tags`) : une copie enregistrée en nbformat 4.4, qui perd les
  identifiants de cellules, garde ses étiquettes ;
- la **cellule de vérification** la suit immédiatement et commence par
  ``exK.verifier()`` (:func:`check_source`) : un repère de position qui survit
  même à des métadonnées effacées ;
- les autres cellules : ``identite`` (code, en tête : la variable ``etudiant``, l'identité
  de la copie, voir :mod:`.variants`), ``enonce-exK`` (Markdown), ``donnees-exK`` (code,
  ``exK.enonce()`` : la partie de l'énoncé propre à la copie, pour un exercice qui en a
  une), ``aide-exK`` (code, facultative, entre l'énoncé et la réponse), ``solution-exK``
  (Markdown, édition publique seulement), ``introduction``, ``preparation``,
  ``bilan-titre``, ``bilan`` ;
- les métadonnées du cahier : ``{"lstm_grading": {"cahier": "ex02", "edition": …,
  "genere": …}}`` (:data:`METADATA_KEY`).

:func:`locate_answer` applique ce contrat dans cet ordre (identifiant, étiquette,
position avant la vérification) ; le correcteur peut s'en servir pour les copies
sans identifiants.
"""

from __future__ import annotations

from .variants import IDENTITY_CELL

__all__ = [
    "METADATA_KEY", "ANSWER_TAG", "EDITIONS", "IDENTITY_ID", "answer_id", "answer_tags", "statement_id",
    "helper_id", "data_id", "data_source", "check_id", "solution_id", "check_source", "locate_answer",
]

#: La clé des métadonnées du cahier (et de ses cellules) propres au livre.
METADATA_KEY = "lstm_grading"
#: L'étiquette que portent toutes les cellules de réponse.
ANSWER_TAG = "reponse"
#: Les éditions d'un cahier : publique (solutions comprises) et élève (sans solutions).
EDITIONS = ("publique", "eleve")
#: La cellule de l'identité de la copie (la variable ``etudiant``), en tête du cahier.
IDENTITY_ID = IDENTITY_CELL


def answer_id(key: str) -> str:
    return f"reponse-{key}"


def answer_tags(key: str) -> list[str]:
    return [ANSWER_TAG, answer_id(key)]


def statement_id(key: str) -> str:
    return f"enonce-{key}"


def helper_id(key: str) -> str:
    return f"aide-{key}"


def data_id(key: str) -> str:
    return f"donnees-{key}"


def data_source(key: str) -> str:
    """Le code de la cellule qui affiche la partie de l'énoncé propre à la copie."""
    return f"{key}.enonce()"


def check_id(key: str) -> str:
    return f"verification-{key}"


def solution_id(key: str) -> str:
    return f"solution-{key}"


def check_source(key: str) -> str:
    """Le début du code de la cellule de vérification de ``key``."""
    return f"{key}.verifier()"


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def locate_answer(cells: list, key: str, cell_id: str | None = None) -> tuple[int | None, str]:
    """L'indice de la cellule de réponse de ``key`` et la façon dont on l'a trouvée.

    Rend ``(indice, "identifiant" | "étiquette" | "position")``, ou ``(None, "")``.
    ``cell_id`` remplace ``reponse-<key>`` pour une vérification privée rattachée
    à une autre cellule.
    """
    wanted = cell_id or answer_id(key)
    for k, cell in enumerate(cells):
        if cell.get("id") == wanted:
            return k, "identifiant"
    tagged = [k for k, cell in enumerate(cells)
              if wanted in ((cell.get("metadata") or {}).get("tags") or [])]
    if len(tagged) == 1:
        return tagged[0], "étiquette"
    if cell_id and cell_id != answer_id(key):
        return None, ""
    checks = [k for k, cell in enumerate(cells)
              if cell.get("cell_type") == "code" and _source(cell).lstrip().startswith(check_source(key))]
    if len(checks) == 1:
        previous = [k for k in range(checks[0]) if cells[k].get("cell_type") == "code"]
        if previous:
            return previous[-1], "position"
    return None, ""
