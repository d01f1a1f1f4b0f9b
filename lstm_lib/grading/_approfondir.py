"""Ce que partagent les sources des cahiers de la partie « Approfondir » (ex07 à ex10).

- :func:`flags_answer` : lire une réponse « un booléen par nom » (sans la juger) ;
- :func:`label_answer` : lire une réponse « une étiquette parmi une liste » (sans la juger).

Rien ici n'importe torch : importer une source de cahier reste léger.
"""

from __future__ import annotations

from .core import describe


def flags_answer(got, names: tuple[str, ...], what: str) -> tuple[list[str] | None, str | None]:
    """Un dictionnaire ``{nom: booléen}`` pour chacun de ``names`` : ``(noms marqués True, None)`` ou ``(None, message)``.

    La forme de la réponse ne dépend pas de ce qu'elle dit (toujours les mêmes clés) : les
    entrées d'essai de l'édition élève peuvent en vérifier la forme sans rien en révéler.
    """
    if not isinstance(got, dict):
        return None, (f"{what} doit être un dictionnaire {{nom: True ou False}} pour chacun des noms "
                      f"{', '.join(names)} ; reçu {describe(got)}")
    missing = [n for n in names if n not in got]
    unknown = sorted(set(got) - set(names))
    if missing or unknown:
        detail = "; ".join(part for part in (f"il manque {', '.join(missing)}" if missing else "",
                                             f"clés inconnues : {', '.join(unknown)}" if unknown else "") if part)
        return None, f"{what} doit avoir exactement les clés {', '.join(names)} ({detail})"
    not_bool = [n for n in names if not isinstance(got[n], bool)]
    if not_bool:
        return None, f"{what} : chaque valeur doit être True ou False ; à revoir : {', '.join(not_bool)}"
    return sorted(n for n in names if got[n]), None


def label_answer(got, labels: tuple[str, ...], what: str) -> tuple[str | None, str | None]:
    """Une étiquette prise dans ``labels`` : ``(étiquette, None)`` ou ``(None, message)``."""
    if not isinstance(got, str) or got.strip() not in labels:
        return None, (f"{what} doit être une des chaînes {', '.join(repr(n) for n in labels)} ; "
                      f"reçu {describe(got) if not isinstance(got, str) else repr(got)}")
    return got.strip(), None
