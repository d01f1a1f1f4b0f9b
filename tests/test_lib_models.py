"""Les briques PyTorch du chapitre 5 : pool, mask_from_lengths, set_forget_bias."""

import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.usefixtures("one_torch_thread")
from torch import nn  # noqa: E402
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: E402

from lstm_lib.models import SequenceModel, mask_from_lengths, pool  # noqa: E402
from lstm_lib.torch_bridge import set_forget_bias  # noqa: E402


def _padded_batch(seed=0):
    torch.manual_seed(seed)
    lengths = torch.tensor([7, 3, 5, 2])
    x = torch.randn(4, 7, 2)
    x[~mask_from_lengths(lengths, 7)] = 0.0
    return x, lengths


@pytest.mark.parametrize("num_layers", [1, 2])
def test_last_pooling_of_a_bidirectional_lstm_is_each_readers_final_state(num_layers):
    # Le piège du chapitre 6 : output[:, -1, H:] est l'état du lecteur arrière après un seul pas.
    # pool(..., "last") doit rendre [avant au dernier pas valide ; arrière au pas 0] = h_n.
    lstm = nn.LSTM(2, 3, num_layers=num_layers, batch_first=True, bidirectional=True)
    x, lengths = _padded_batch()
    packed, (h_n, _) = lstm(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
    output, _ = pad_packed_sequence(packed, batch_first=True, total_length=7)
    last = pool(output, h_n, "last", lengths)
    assert torch.allclose(last, pool(output, h_n, "h_n", lengths), atol=1e-6)
    assert torch.allclose(last, torch.cat([h_n[-2], h_n[-1]], dim=-1), atol=1e-6)
    naive = output[torch.arange(4), lengths - 1]
    assert not torch.allclose(last[:, 3:], naive[:, 3:])  # la moitié arrière naïve est autre chose


def test_last_pooling_of_a_unidirectional_lstm_is_h_n():
    lstm = nn.LSTM(2, 3, batch_first=True)
    x, lengths = _padded_batch(1)
    packed, (h_n, _) = lstm(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
    output, _ = pad_packed_sequence(packed, batch_first=True, total_length=7)
    assert torch.allclose(pool(output, h_n, "last", lengths), h_n[-1], atol=1e-6)


def test_pool_rejects_inconsistent_directions():
    lstm = nn.LSTM(2, 3, batch_first=True, bidirectional=True)
    output, (h_n, _) = lstm(torch.randn(2, 5, 2))
    with pytest.raises(ValueError, match="num_directions = 1"):
        pool(output, h_n, "last", num_directions=1)
    with pytest.raises(ValueError, match="mode"):
        pool(output, h_n, "dernier")


@pytest.mark.parametrize("pooling", ["last", "h_n", "mean", "max"])
def test_bidirectional_sequence_model_ignores_padding(pooling):
    torch.manual_seed(0)
    model = SequenceModel(2, 4, 3, bidirectional=True, pooling=pooling)
    x, lengths = _padded_batch(2)
    with torch.no_grad():
        batch = model(x, lengths)
        alone = torch.cat([model(x[b:b + 1, :n]) for b, n in enumerate(lengths.tolist())])
    assert torch.allclose(batch, alone, atol=1e-6)


def test_set_forget_bias_sets_the_sum_of_both_biases_on_rows_h_to_2h():
    lstm = nn.LSTM(2, 4, num_layers=2)
    set_forget_bias(lstm, 1.0)
    for layer in (0, 1):
        total = getattr(lstm, f"bias_ih_l{layer}") + getattr(lstm, f"bias_hh_l{layer}")
        assert torch.all(total[4:8] == 1.0)
        assert not torch.all(total[:4] == 1.0)
