"""Le vocabulaire visuel du livre : une couleur par porte, partout.

Palette d'Okabe et Ito (lisible par les personnes daltoniennes). Toute figure
du livre prend ses couleurs et ses légendes ici, jamais ailleurs, pour que
« orange » veuille dire « mémoire c_t » dans chaque chapitre.
Les nombres affichés s'écrivent à la française avec :func:`format_fr`.
"""

GATE_COLORS = {
    "f": "#D55E00",      # porte d'oubli — vermillon
    "i": "#0072B2",      # porte d'entrée — bleu
    "c_hat": "#009E73",  # candidat ĉ — vert
    "c": "#E69F00",      # mémoire — orange
    "o": "#CC79A7",      # porte de sortie — rose
    "h": "#56B4E9",      # état caché / sortie — bleu ciel
    "x": "#7F7F7F",      # entrée — gris
    # Le GRU (chapitre 8) : deux couleurs hors de la palette d'Okabe et Ito, sombres (contraste ≥ 9:1
    # sur fond blanc) et éloignées des sept autres, y compris pour les trois daltonismes simulés
    # (tests/test_lib_style.py). Son candidat n_t prend la couleur de ĉ_t, son état celle de h_t.
    "z": "#7F2704",      # porte de mise à jour — acajou
    "r": "#332288",      # porte de réinitialisation — indigo
}

GATE_LABELS = {
    "f": "porte d'oubli $f_t$",
    "i": "porte d'entrée $i_t$",
    "c_hat": "candidat $\\hat{c}_t$",
    "c": "mémoire $c_t$",
    "o": "porte de sortie $o_t$",
    "h": "état caché $h_t$",
    "x": "entrée $x_t$",
    "z": "porte de mise à jour $z_t$",
    "r": "porte de réinitialisation $r_t$",
}


import math
import numbers

_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
NBSP = "\u00a0"  # espace insécable : « 50 688 », « 92,3 % »


def format_fr(value, digits=None, *, style="fixed"):
    """Écrit un nombre à la française, pour les affichages et les figures.

    Virgule décimale et espace insécable entre les milliers ; ``digits`` est
    le nombre de chiffres après la virgule (``None`` : l'entier tel quel, ou
    le flottant avec ``repr``). ``style`` :

    - ``"fixed"`` : ``format_fr(0.7312, 2)`` → « 0,73 » ; ``format_fr(50688)`` → « 50 688 » ;
    - ``"percent"`` : une proportion en pourcentage, ``format_fr(0.923, 1, style="percent")`` → « 92,3 % » ;
    - ``"sci"`` : notation scientifique, ``format_fr(5.6e-17, 1, style="sci")`` → « 5,6 × 10⁻¹⁷ ».

    matplotlib écrit ses graduations avec un point décimal ; les légendes,
    titres et messages du livre passent par cette fonction.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"format_fr : « value » doit être un nombre réel, reçu {type(value).__name__} ({value!r}).")
    if digits is not None and (isinstance(digits, bool) or not isinstance(digits, numbers.Integral) or digits < 0):
        raise ValueError(f"format_fr : « digits » doit être un entier ≥ 0 ou None, reçu {digits!r}.")
    if style not in ("fixed", "percent", "sci"):
        raise ValueError(f"format_fr : « style » doit valoir \"fixed\", \"percent\" ou \"sci\", reçu {style!r}.")
    value = value.item() if hasattr(value, "item") else value  # scalaires numpy
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+∞" if value > 0 else "−∞"
    if style == "sci" and value == 0:
        text = "0"
    elif style == "sci":
        mantissa, exponent = f"{value:.{2 if digits is None else digits}e}".split("e")
        text = f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPTS)}"
    else:
        number = value * 100 if style == "percent" else value
        if digits is None:
            text = f"{number:,}" if isinstance(number, numbers.Integral) else f"{number:,}".rstrip("0").rstrip(".")
        else:
            text = f"{number:,.{digits}f}"
        if style == "percent":
            text += NBSP + "%"
    text = text.replace(",", NBSP).replace(".", ",")
    return text.replace("-", "−") if text.startswith("-") else text
