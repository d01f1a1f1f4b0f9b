"""lstm_lib.charlm : fenêtres de teacher forcing, probabilités du modèle de langue, génération."""

import numpy as np
import pytest
import torch

from lstm_lib.charlm import char_lstm, generate, lm_target_probs, next_char_loss, training_windows
from lstm_lib.text import CharVocab, perplexity

from french_errors import check_french_error


def test_training_windows_shift_targets_by_one():
    ids = np.arange(11)
    x, y = training_windows(ids, 4)
    assert x.dtype == y.dtype == torch.int64 and x.shape == y.shape == (2, 4)
    assert x.tolist() == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert y.tolist() == [[1, 2, 3, 4], [5, 6, 7, 8]]
    x, _ = training_windows(ids, 4, stride=3)
    assert x[:, 0].tolist() == [0, 3, 6]


def test_target_probs_match_the_softmax_step_by_step():
    torch.manual_seed(0)
    vocab = CharVocab.from_text("abcde")
    model = char_lstm(len(vocab), 8)
    ids = vocab.encode("abacabe")
    probs = lm_target_probs(model, ids)
    assert probs.shape == (len(ids) - 1,)
    with torch.no_grad():
        logits = model(torch.from_numpy(ids[None, :-1]))[0]
    expected = torch.softmax(logits.double(), -1)[torch.arange(len(ids) - 1), torch.from_numpy(ids[1:])]
    np.testing.assert_allclose(probs, expected.numpy(), rtol=1e-6)
    # Loss moyenne du modèle = ln(perplexité) sur les mêmes positions.
    loss = next_char_loss(logits[None], torch.from_numpy(ids[None, 1:])).item()
    assert np.log(perplexity(probs)) == pytest.approx(loss, rel=1e-5)


def test_model_with_zero_weights_is_uniform():
    vocab = CharVocab.from_text("abcdefg")
    model = char_lstm(len(vocab), 4)
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
    ppl = perplexity(lm_target_probs(model, vocab.encode("abcabcgfe")))
    print(f"perplexité d'un modèle aux poids nuls : {ppl} (V = {len(vocab)})")
    assert ppl == pytest.approx(len(vocab), rel=1e-6)


def test_generate_is_seeded_and_continues_the_prompt():
    torch.manual_seed(0)
    vocab = CharVocab.from_text("abc ")
    model = char_lstm(len(vocab), 8)
    a = generate(model, vocab, "ab", 30, 1.0, seed=3)
    assert a == generate(model, vocab, "ab", 30, 1.0, seed=3)
    assert a.startswith("ab") and len(a) == 32 and set(a) <= set("abc ")
    assert generate(model, vocab, "ab", 0, 1.0) == "ab"


def test_generation_at_low_temperature_is_the_argmax_path():
    torch.manual_seed(1)
    vocab = CharVocab.from_text("xyz")
    model = char_lstm(len(vocab), 6)
    text = generate(model, vocab, "x", 10, 1e-4, seed=0)
    # Reconstruire le chemin glouton pas à pas, en relisant tout le préfixe.
    greedy = "x"
    with torch.no_grad():
        for _ in range(10):
            logits = model(torch.from_numpy(vocab.encode(greedy)[None]))[0, -1]
            greedy += vocab.chars[int(logits.argmax())]
    assert text == greedy


@pytest.mark.parametrize("call, error, fragment", [
    (lambda: training_windows(np.arange(4), 4), ValueError, "au moins length + 1 = 5"),
    (lambda: training_windows(np.arange(9), 0), ValueError, "« length » doit être un entier ≥ 1"),
    (lambda: training_windows("abc", 2), TypeError, "suite d'indices entiers"),
    (lambda: lm_target_probs(torch.nn.Linear(2, 2), np.arange(3)), TypeError, "rendu par char_lstm"),
    (lambda: generate(char_lstm(3, 2), CharVocab.from_text("abc"), "", 3, 1.0), ValueError, "au moins un caractère"),
    (lambda: generate(char_lstm(3, 2), CharVocab.from_text("abc"), "az", 3, 1.0), ValueError, "hors du vocabulaire"),
    (lambda: char_lstm(0, 3), ValueError, "« vocab_size » doit être un entier ≥ 1"),
])
def test_bad_input_gives_french_error(call, error, fragment):
    check_french_error(call, error, fragment)
