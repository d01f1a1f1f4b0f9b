"""Une mauvaise entrée : l'erreur attendue, un message qui contient ``fragment``, en typographie française.

Partagé par les tests des modules ajoutés pour les chapitres 9 et 10 ; même règle que
``tests/test_lib_bad_input.py`` : espace insécable avant « : » « ; » « ? » « ! » et
dans les guillemets.
"""

from __future__ import annotations

import re

import pytest


def check_french_error(call, error, fragment: str) -> str:
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert fragment in message, message
    assert not re.search(r" [:;?!](\s|$)", message), message
    assert "\u00ab " not in message and " \u00bb" not in message, message
    return message
