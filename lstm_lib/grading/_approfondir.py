"""Ce que partagent les sources des cahiers de la partie « Approfondir » (ex07 à ex10).

- :func:`choice_statement` : l'énoncé d'une question à choix, écrit depuis son
  dictionnaire ``choices`` (le texte de chaque option n'est écrit qu'une fois, là) ;
- :func:`names_answer` : lire une réponse « liste de noms » (sans la juger) ;
- :func:`labels_check` : un juge pour une fonction qui rend une étiquette (un
  diagnostic) choisie dans une liste, avec une explication par confusion.

Rien ici n'importe torch : importer une source de cahier reste léger.
"""

from __future__ import annotations

from .core import Opaque, describe, join_fr


def choice_statement(question: str, choices: dict, target: str) -> str:
    """L'énoncé Markdown d'une question à choix : la question, les options, la consigne."""
    options = "\n".join(f"- **{letter}** : {text}{' ;' if k < len(choices) - 1 else '.'}"
                        for k, (letter, text) in enumerate(choices.items()))
    letters = join_fr([f"\"{c}\"" for c in choices]).replace(" et ", " ou ")
    return f"{question}\n\n{options}\n\nÉcrivez la lettre choisie ({letters}) dans `{target}`."


def choice_starter(target: str, choices: dict) -> str:
    letters = join_fr([f"\"{c}\"" for c in choices]).replace(" et ", " ou ")
    return f"{target} = None  # {letters}\n"


def names_answer(got, allowed: tuple[str, ...], what: str) -> tuple[list[str] | None, str | None]:
    """Une liste (ou un tuple) de noms pris dans ``allowed`` : ``(noms triés, None)`` ou ``(None, message)``."""
    example = ", ".join(f"\"{n}\"" for n in allowed[:2])
    if isinstance(got, Opaque) and got.type in ("set", "frozenset"):
        return None, f"{what} doit être une liste (un ensemble ne se transmet pas) : rendez sorted(…)"
    if not isinstance(got, (list, tuple)) or not all(isinstance(n, str) for n in got):
        return None, (f"{what} doit être une liste de noms (par exemple [{example}]), ou une liste vide ; "
                      f"reçu {describe(got)}")
    unknown = sorted(set(got) - set(allowed))
    if unknown:
        return None, (f"{what} contient des noms inconnus ({', '.join(unknown)}) ; les noms possibles "
                      f"sont {', '.join(allowed)}")
    return sorted(set(got)), None


def label_answer(got, labels: tuple[str, ...], what: str) -> tuple[str | None, str | None]:
    """Une étiquette prise dans ``labels`` : ``(étiquette, None)`` ou ``(None, message)``."""
    if not isinstance(got, str) or got.strip() not in labels:
        return None, (f"{what} doit être une des chaînes {', '.join(repr(n) for n in labels)} ; "
                      f"reçu {describe(got) if not isinstance(got, str) else repr(got)}")
    return got.strip(), None
