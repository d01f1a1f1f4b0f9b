"""lstm_lib.realdata : remplir un lot de longueurs variables ; JapaneseVowels tel que le livre aeon."""

import os
import subprocess
import sys

import numpy as np
import pytest

from lstm_lib.realdata import JAPANESE_VOWELS_SPEAKERS, load_japanese_vowels, pad_sequences

from french_errors import check_french_error


def test_pad_sequences_channels_first():
    a = np.arange(6.0).reshape(2, 3)  # 2 canaux, 3 pas
    b = np.ones((2, 1))
    x, lengths = pad_sequences([a, b])
    assert x.shape == (2, 3, 2) and x.dtype == np.float32
    np.testing.assert_array_equal(lengths, [3, 1])
    np.testing.assert_array_equal(x[0], a.T)
    np.testing.assert_array_equal(x[1], [[1, 1], [0, 0], [0, 0]])


def test_pad_sequences_time_first_and_dtype():
    x, lengths = pad_sequences([np.ones((4, 3)), np.ones((2, 3))], channels_first=False, dtype=np.float64)
    assert x.shape == (2, 4, 3) and x.dtype == np.float64
    assert x[1, 2:].sum() == 0 and x[1, :2].sum() == 6
    np.testing.assert_array_equal(lengths, [4, 2])


def test_japanese_vowels_is_what_the_guide_says():
    """GUIDE §5 : 270 / 370 enregistrements (12, L), 7 ≤ L ≤ 29, 9 locuteurs."""
    pytest.importorskip("aeon")
    train, y_train = load_japanese_vowels("train")
    test, y_test = load_japanese_vowels("TEST")
    lengths = [s.shape[1] for s in train + test]
    print(f"{len(train)} / {len(test)} enregistrements, longueurs {min(lengths)} … {max(lengths)}")
    assert (len(train), len(test)) == (270, 370)
    assert {s.shape[0] for s in train + test} == {12}
    assert (min(lengths), max(lengths)) == (7, 29)
    assert set(y_train) == set(y_test) == set(range(9)) and y_train.dtype == np.int64
    assert np.bincount(y_train).tolist() == [30] * 9
    assert len(JAPANESE_VOWELS_SPEAKERS) == 9 and JAPANESE_VOWELS_SPEAKERS[0] == "locuteur 1"
    x, lengths_padded = pad_sequences(train, length=29)
    assert x.shape == (270, 29, 12) and pad_sequences(train)[0].shape == (270, max(s.shape[1] for s in train), 12)
    np.testing.assert_array_equal(lengths_padded, [s.shape[1] for s in train])


BAD = [
    ("liste vide", lambda: pad_sequences([]), TypeError, "liste non vide"),
    ("pas une liste", lambda: pad_sequences(3.0), TypeError, "liste non vide"),
    ("séquence 1D", lambda: pad_sequences([np.ones(3)]), ValueError, "tableau 2D (C, L)"),
    ("canaux différents", lambda: pad_sequences([np.ones((2, 3)), np.ones((3, 3))]), ValueError,
     "même nombre de canaux"),
    ("séquence vide", lambda: pad_sequences([np.ones((2, 0))]), ValueError, "aucun pas de temps"),
    ("NaN", lambda: pad_sequences([np.array([[np.nan]])]), ValueError, "1 NaN"),
    ("longueur trop courte", lambda: pad_sequences([np.ones((2, 3))], length=2), ValueError,
     "plus court que la plus longue"),
    ("longueur non entière", lambda: pad_sequences([np.ones((2, 3))], length=2.5), TypeError,
     "« length » doit être un entier"),
    ("découpage inconnu", lambda: load_japanese_vowels("validation"), ValueError, "« split » doit valoir"),
]


@pytest.mark.parametrize("call, error, fragment", [pytest.param(c, e, f, id=i) for i, c, e, f in BAD])
def test_bad_input_gives_french_error(call, error, fragment):
    check_french_error(call, error, fragment)


def test_text_and_realdata_import_neither_torch_nor_aeon():
    """aeon est une dépendance du livre, pas du cœur : l'importer coûte plusieurs secondes."""
    code = "import sys, lstm_lib, lstm_lib.text, lstm_lib.realdata; print('torch' in sys.modules, 'aeon' in sys.modules)"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.split() == ["False", "False"], out
