"""La boucle d'entraînement : reproductible, et l'arrêt anticipé s'arrête là où il faut."""

import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.usefixtures("one_torch_thread")
from torch import nn  # noqa: E402

from lstm_lib.data import adding_problem  # noqa: E402
from lstm_lib.models import SequenceModel  # noqa: E402
from lstm_lib.training import fit, set_seed  # noqa: E402


def _mse(prediction, target):
    return nn.functional.mse_loss(prediction.squeeze(-1), target)


def _run(**options):
    x, y = adding_problem(256, 10, seed=0)
    set_seed(0)
    model = SequenceModel(2, 4, 1)
    history = fit(model, (x, y), val=(x, y), loss_fn=_mse, steps=60, eval_every=10, lr=1e-2,
                  device="cpu", progress=False, **options)
    return model, history


def test_fit_is_reproducible():
    (m1, h1), (m2, h2) = _run(), _run()
    assert h1.val_loss == h2.val_loss
    assert all(torch.equal(a, b) for a, b in zip(m1.parameters(), m2.parameters()))


def test_fit_stops_after_the_first_evaluation_where_stop_is_true():
    _, full = _run()
    _, stopped = _run(stop=lambda h: len(h.steps) == 3)
    assert stopped.steps == [10, 20, 30] and full.steps[:3] == stopped.steps
    assert stopped.val_loss == full.val_loss[:3]  # mêmes pas jusque-là : l'arrêt ne change rien d'autre


def test_fit_without_stop_runs_all_steps():
    _, history = _run(stop=lambda h: False)
    assert history.steps[-1] == 60
