"""lstm_lib.text : vocabulaire, n-grammes, perplexité et température, sur des cas dont on connaît la réponse."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_lib.text import (
    CharNgram,
    CharVocab,
    book_corpus,
    fit_char_ngram,
    ngram_next_probs,
    ngram_target_probs,
    perplexity,
    sample_with_temperature,
    softmax_with_temperature,
)

from french_errors import check_french_error


# --- vocabulaire -------------------------------------------------------------------------------

def test_vocab_round_trip_and_order():
    vocab = CharVocab.from_text("bonjour à tous")
    assert vocab.chars == tuple(sorted(set("bonjour à tous")))
    ids = vocab.encode("tour à bon")
    assert ids.dtype == np.int64 and ids.shape == (10,)
    assert vocab.decode(ids) == "tour à bon"
    assert len(vocab) == len(set("bonjour à tous"))


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_vocab_round_trip_any_text(text):
    vocab = CharVocab.from_text(text)
    assert vocab.decode(vocab.encode(text)) == text


# --- perplexité : cas connus ---------------------------------------------------------------------

@pytest.mark.parametrize("V", [1, 2, 7, 93])
def test_perplexity_of_uniform_model_is_vocabulary_size(V):
    ppl = perplexity(np.full(500, 1.0 / V))
    print(f"V = {V} : perplexité du modèle uniforme = {ppl}")
    assert ppl == pytest.approx(V, rel=1e-12)


def test_perplexity_of_certain_model_is_one_and_geometric_mean():
    assert perplexity(np.ones(10)) == 1.0
    # exp(−moyenne des ln) = 1 / moyenne géométrique : p = (1/2, 1/8) → √16 = 4.
    assert perplexity([0.5, 0.125]) == pytest.approx(4.0, rel=1e-12)
    # Un arrondi de float32 au-dessus de 1 n'est pas une erreur de l'utilisateur.
    assert perplexity(np.array([1.0000001], dtype=np.float32)) == 1.0


# --- n-grammes -------------------------------------------------------------------------------------

def test_unigram_probabilities_by_hand():
    # Texte « aab » : N(a) = 2, N(b) = 1, N = 3 ; V = 2, β = 1, P_0 = 1/2.
    # P_1(a) = (2 + 1/2) / (3 + 1) = 5/8 ; P_1(b) = (1 + 1/2) / 4 = 3/8.
    model = fit_char_ngram(np.array([0, 0, 1]), 2, order=1, beta=1.0)
    np.testing.assert_allclose(ngram_next_probs(model, []), [5 / 8, 3 / 8])
    np.testing.assert_allclose(ngram_target_probs(model, np.array([1, 0])), [5 / 8])


def test_bigram_interpolates_towards_unigram_by_hand():
    # Texte « abab » (a=0, b=1), ordre 2, β = 2.
    # P_1(a) = (2 + 2·½) / (4 + 2) = ½ ; P_1(b) = ½.
    # Bigrammes : ab ×2, ba ×1 ; contexte « a » suivi d'un caractère : 2 fois ; « b » : 1 fois.
    # P_2(b | a) = (2 + 2·½) / (2 + 2) = 3/4 ; P_2(a | b) = (1 + 1) / (1 + 2) = 2/3.
    model = fit_char_ngram(np.array([0, 1, 0, 1]), 2, order=2, beta=2.0)
    np.testing.assert_allclose(ngram_next_probs(model, [0]), [1 / 4, 3 / 4])
    np.testing.assert_allclose(ngram_next_probs(model, [1]), [2 / 3, 1 / 3])
    # Au premier caractère prédit, le contexte existe (1 caractère) : les deux chemins s'accordent.
    np.testing.assert_allclose(ngram_target_probs(model, np.array([0, 1, 1])), [3 / 4, 1 / 3])


def test_unseen_context_falls_back_to_lower_order():
    model = fit_char_ngram(np.array([0, 1, 0, 1]), 3, order=2, beta=1.0)
    # Le caractère 2 n'a jamais été vu comme contexte : la loi est celle de l'ordre 1.
    np.testing.assert_allclose(ngram_next_probs(model, [2]), ngram_next_probs(model, []))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=3, max_size=80),
    st.integers(1, 4),
    st.floats(0.01, 50),
)
def test_ngram_distributions_sum_to_one_and_agree(ids, order, beta):
    ids = np.array(ids)
    order = min(order, len(ids))
    model = fit_char_ngram(ids, 5, order=order, beta=beta)
    target = ngram_target_probs(model, ids)
    for t in range(1, len(ids)):
        p = ngram_next_probs(model, ids[:t])
        assert p.sum() == pytest.approx(1.0, abs=1e-12)
        assert np.all(p > 0)
        assert target[t - 1] == pytest.approx(p[ids[t]], rel=1e-12)


def test_ngram_is_better_than_uniform_on_a_repetitive_text():
    vocab = CharVocab.from_text("le chat et le chien ")
    ids = vocab.encode("le chat et le chien " * 20)
    model = fit_char_ngram(ids, len(vocab), order=4, beta=0.5)
    ppl = perplexity(ngram_target_probs(model, ids))
    print(f"perplexité sur un texte répétitif : {ppl:.3f} (uniforme : {len(vocab)})")
    assert ppl < 1.5 < len(vocab)


# --- température --------------------------------------------------------------------------------

def test_temperature_one_is_softmax_and_limits():
    z = np.array([2.0, 1.0, 0.0, -1.0])
    softmax = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(softmax_with_temperature(z, 1.0), softmax, rtol=1e-12)
    np.testing.assert_allclose(softmax_with_temperature(z, 1e-3), [1, 0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(softmax_with_temperature(z, 1e6), np.full(4, 0.25), atol=1e-5)
    # Des logits énormes ne débordent pas.
    assert np.isfinite(softmax_with_temperature(np.array([1e4, 0.0]), 0.5)).all()
    # Par lot : chaque ligne somme à 1.
    np.testing.assert_allclose(softmax_with_temperature(np.ones((3, 5)), 2.0).sum(axis=1), 1.0)


def test_lower_temperature_lowers_entropy():
    z = np.random.default_rng(0).normal(size=20)

    def entropy(p):
        return -(p * np.log(p)).sum()

    values = [entropy(softmax_with_temperature(z, tau)) for tau in (0.25, 0.5, 1.0, 2.0)]
    assert values == sorted(values)


def test_sampling_frequencies_follow_the_tempered_distribution():
    z = np.log(np.array([0.6, 0.3, 0.1]))
    rng = np.random.default_rng(0)
    for tau in (0.5, 1.0, 2.0):
        draws = np.array([sample_with_temperature(z, tau, rng) for _ in range(6000)])
        freq = np.bincount(draws, minlength=3) / len(draws)
        expected = softmax_with_temperature(z, tau)
        print(f"τ = {tau} : fréquences {freq.round(3)}, loi {expected.round(3)}")
        np.testing.assert_allclose(freq, expected, atol=0.025)
    # Même graine, même tirage.
    assert sample_with_temperature(z, 1.0, 3) == sample_with_temperature(z, 1.0, 3)


# --- corpus ---------------------------------------------------------------------------------------

def test_book_corpus_is_french_prose_without_header():
    text = book_corpus()
    print(f"corpus : {len(text)} caractères, {len(set(text))} distincts")
    assert len(text) > 50_000
    assert not text.startswith("#")
    assert "mémoire" in text and "porte d'oubli" in text
    assert "```" not in text and "$$" not in text


# --- mauvaises entrées -------------------------------------------------------------------------------

MODEL = fit_char_ngram(np.array([0, 1, 2, 0]), 3, order=2)
BAD = [
    ("vocabulaire d'un non-texte", lambda: CharVocab.from_text(["a", "b"]), TypeError, "chaîne de caractères"),
    ("vocabulaire vide", lambda: CharVocab.from_text(""), ValueError, "texte est vide"),
    ("caractère inconnu", lambda: CharVocab.from_text("abc").encode("abz"), ValueError, "hors du vocabulaire ('z')"),
    ("décodage hors vocabulaire", lambda: CharVocab.from_text("ab").decode([0, 5]), ValueError, "entre 0 et 1"),
    ("décodage de flottants", lambda: CharVocab.from_text("ab").decode([0.5]), TypeError, "indices entiers"),
    ("chars avec doublon", lambda: CharVocab(("a", "a")), ValueError, "doublons"),
    ("ordre nul", lambda: fit_char_ngram([0, 1], 2, order=0), ValueError, "« order » doit être un entier ≥ 1"),
    ("beta négatif", lambda: fit_char_ngram([0, 1], 2, order=1, beta=-1.0), ValueError, "« beta » doit être > 0"),
    ("beta booléen", lambda: fit_char_ngram([0, 1], 2, order=1, beta=True), TypeError, "nombre réel"),
    ("indices hors vocabulaire", lambda: fit_char_ngram([0, 3], 2, order=1), ValueError, "entre 0 et 1"),
    ("indices en 2D", lambda: fit_char_ngram(np.zeros((2, 2), int), 2, order=1), ValueError, "(N,)"),
    ("texte trop court", lambda: fit_char_ngram([0], 2, order=2), ValueError, "au moins « order » = 2"),
    ("ordre trop grand", lambda: fit_char_ngram([0, 1], 100, order=10), ValueError, "64 bits"),
    ("modèle d'un autre type", lambda: ngram_target_probs({"order": 2}, [0, 1]), TypeError, "doit être un CharNgram"),
    ("un seul caractère à noter", lambda: ngram_target_probs(MODEL, [0]), ValueError, "au moins 2 caractères"),
    ("contexte hors vocabulaire", lambda: ngram_next_probs(MODEL, [7]), ValueError, "entre 0 et 2"),
    ("perplexité d'une probabilité nulle", lambda: perplexity([0.5, 0.0]), ValueError, "]0, 1]"),
    ("perplexité > 1", lambda: perplexity([1.5]), ValueError, "]0, 1]"),
    ("perplexité vide", lambda: perplexity([]), ValueError, "est vide"),
    ("perplexité avec NaN", lambda: perplexity([np.nan]), ValueError, "1 NaN"),
    ("perplexité en 2D", lambda: perplexity(np.full((2, 2), 0.5)), ValueError, "(N,)"),
    ("température nulle", lambda: softmax_with_temperature([1.0, 2.0], 0), ValueError, "« temperature » doit être > 0"),
    ("température chaîne", lambda: softmax_with_temperature([1.0, 2.0], "1"), TypeError, "nombre réel"),
    ("logits vides", lambda: softmax_with_temperature(np.zeros(0), 1.0), ValueError, "au moins une composante"),
    ("logits en 3D", lambda: softmax_with_temperature(np.zeros((1, 1, 2)), 1.0), ValueError, "(V,) ou (B, V)"),
    ("tirage d'un lot", lambda: sample_with_temperature(np.zeros((2, 3)), 1.0, 0), ValueError, "(V,)"),
    ("tirage, graine négative", lambda: sample_with_temperature(np.zeros(3), 1.0, -2), ValueError, "« seed »"),
]


@pytest.mark.parametrize("call, error, fragment", [pytest.param(c, e, f, id=i) for i, c, e, f in BAD])
def test_bad_input_gives_french_error(call, error, fragment):
    check_french_error(call, error, fragment)


def test_charngram_is_frozen():
    with pytest.raises(Exception):
        MODEL.order = 3  # type: ignore[misc]
    assert isinstance(MODEL, CharNgram) and math.isclose(MODEL.beta, 1.0)


def test_entropy_bits_on_known_laws():
    from lstm_lib.text import entropy_bits

    assert entropy_bits([1.0, 0.0, 0.0]) == 0.0
    assert entropy_bits(np.full(8, 1 / 8)) == pytest.approx(3.0, abs=1e-12)
    assert entropy_bits([0.5, 0.25, 0.25]) == pytest.approx(1.5, abs=1e-12)
    logits = np.array([2.0, 1.0, 0.0, -1.0])
    values = [entropy_bits(softmax_with_temperature(logits, tau)) for tau in (0.2, 0.5, 1.0, 2.0, 10.0)]
    assert all(a < b for a, b in zip(values, values[1:])) and values[-1] < 2.0  # monte avec τ, vers log₂ 4
    check_french_error(lambda: entropy_bits([0.5, 0.6]), ValueError, "doit être une loi")


def test_known_word_share_on_known_texts():
    from lstm_lib.text import known_word_share

    corpus = "La porte d'oubli garde la mémoire ; l'état caché en sort."
    assert known_word_share("la Mémoire garde", corpus) == 1.0
    assert known_word_share("la mémoire gardz tout", corpus) == 0.5  # « gardz » et « tout » sont inconnus
    assert known_word_share("porte d'oubli, 12 fois", corpus) == pytest.approx(3 / 4)  # porte, d, oubli ; fois inconnu
    assert math.isnan(known_word_share("12 ; 3", corpus))
    check_french_error(lambda: known_word_share(3, corpus), TypeError, "doivent être des textes")
