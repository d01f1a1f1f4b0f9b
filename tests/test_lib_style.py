"""lstm_lib.style.format_fr : les nombres écrits à la française dans les affichages."""

import numpy as np
import pytest

from lstm_lib.style import NBSP, format_fr


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((50688,), {}, f"50{NBSP}688"),
        ((0.7312, 2), {}, "0,73"),
        ((-0.21, 2), {}, "−0,21"),
        ((0.5,), {}, "0,5"),
        ((1234.5, 1), {}, f"1{NBSP}234,5"),
        ((0.923, 1), {"style": "percent"}, f"92,3{NBSP}%"),
        ((1.0, 0), {"style": "percent"}, f"100{NBSP}%"),
        ((5.6e-17, 1), {"style": "sci"}, "5,6 × 10⁻¹⁷"),
        ((-2.5e3, 1), {"style": "sci"}, "−2,5 × 10³"),
        ((0.0, 1), {"style": "sci"}, "0"),
        ((np.float32(1.5), 2), {}, "1,50"),
        ((np.int64(1234567),), {}, f"1{NBSP}234{NBSP}567"),
        ((float("nan"),), {}, "NaN"),
        ((float("-inf"),), {}, "−∞"),
    ],
)
def test_format_fr(args, kwargs, expected):
    assert format_fr(*args, **kwargs) == expected


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "words"),
    [
        (("0.5",), {}, TypeError, ["nombre réel", "str"]),
        ((True,), {}, TypeError, ["nombre réel", "bool"]),
        ((np.array([1.0, 2.0]),), {}, TypeError, ["nombre réel", "ndarray"]),
        ((0.5, -1), {}, ValueError, ["digits", "-1"]),
        ((0.5, 1.5), {}, ValueError, ["digits", "1.5"]),
        ((0.5,), {"style": "pourcent"}, ValueError, ["style", "pourcent"]),
    ],
)
def test_format_fr_bad_input(args, kwargs, error, words):
    with pytest.raises(error) as info:
        format_fr(*args, **kwargs)
    for word in words:
        assert word in str(info.value)


# --------------------------------------------------------------------------
# Les couleurs des portes : une par porte, que l'on distingue aussi en étant daltonien
# --------------------------------------------------------------------------

import itertools  # noqa: E402

from lstm_lib.style import GATE_COLORS, GATE_LABELS  # noqa: E402

# Les trois daltonismes (Machado et al. 2009, sévérité maximale) simulés par colorspacious.
_CVD = [None] + [{"name": "sRGB1+CVD", "cvd_type": kind, "severity": 100}
                 for kind in ("deuteranomaly", "protanomaly", "tritanomaly")]


def _rgb(hex_color):
    return np.array([int(hex_color[k:k + 2], 16) / 255 for k in (1, 3, 5)])


def _worst_distance(a, b):
    """La plus petite distance perceptive (ΔE, CAM02-UCS) entre deux couleurs, vue normale et trois daltonismes."""
    colorspacious = pytest.importorskip("colorspacious")
    seen = []
    for cvd in _CVD:
        pair = [_rgb(a), _rgb(b)] if cvd is None else [
            np.clip(colorspacious.cspace_convert(_rgb(c), cvd, "sRGB1"), 0, 1) for c in (a, b)]
        seen.append(colorspacious.deltaE(*pair, input_space="sRGB1"))
    return min(seen)


def _contrast_on_white(hex_color):
    """Rapport de contraste WCAG 2.1 avec le blanc."""
    c = _rgb(hex_color)
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return 1.05 / (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] + 0.05)


def test_distance_measure_on_known_cases():
    """La mesure d'abord sur des cas connus : rouge et vert se confondent pour un deutéranope, pas noir et blanc."""
    assert _worst_distance("#FF0000", "#00FF00") < 0.5 * _worst_distance("#FF0000", "#0000FF")
    assert _worst_distance("#000000", "#FFFFFF") > 90
    assert _worst_distance("#336699", "#336699") == 0


def test_every_gate_has_one_colour_and_one_label():
    assert set(GATE_COLORS) == set(GATE_LABELS)
    assert len(set(GATE_COLORS.values())) == len(GATE_COLORS), "deux grandeurs partagent une couleur"


@pytest.mark.parametrize("new", ["z", "r"])
def test_gru_gate_colours_are_distinct_for_colour_blind_readers(new):
    distances = {k: _worst_distance(GATE_COLORS[new], c) for k, c in GATE_COLORS.items() if k != new}
    print({k: round(v, 1) for k, v in distances.items()})
    assert min(distances.values()) >= 15, distances
    assert _contrast_on_white(GATE_COLORS[new]) >= 3.0  # WCAG 2.1, éléments graphiques (1.4.11)
