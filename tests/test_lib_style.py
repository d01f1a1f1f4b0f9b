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
