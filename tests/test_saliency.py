"""La saillance : dérivée exacte de la sortie par rapport à chaque x_t, sur des cas dont on connaît la réponse."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from lstm_lib.models import SequenceModel  # noqa: E402
from lstm_lib.saliency import input_saliency  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """De petits tenseurs : un seul fil PyTorch va plus vite ; rétabli après."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


class WeightedSum(nn.Module):
    """y[b, c] = Σ_t Σ_i w[c, t, i] · x[b, t, i] : la dérivée par rapport à x_t vaut w[c, t]."""

    def __init__(self, weights):
        super().__init__()
        self.w = nn.Parameter(torch.as_tensor(weights, dtype=torch.float64))

    def forward(self, x):
        return torch.einsum("bti,cti->bc", x, self.w)


def _lstm_model(pooling="h_n", output_size=2, seed=0):
    torch.manual_seed(seed)
    return SequenceModel(2, 4, output_size, pooling=pooling).double()


def test_linear_model_gives_exact_weights():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3, 6, 2))  # 3 sorties, T = 6, I = 2
    model = WeightedSum(w)
    x = rng.normal(size=(6, 2))
    raw = input_saliency(model, x, target=1, reduce=None)
    np.testing.assert_allclose(raw, w[1], atol=1e-12)
    np.testing.assert_allclose(input_saliency(model, x, target=1), np.linalg.norm(w[1], axis=-1), atol=1e-12)
    np.testing.assert_allclose(input_saliency(model, x, target=1, reduce="abs_sum"), np.abs(w[1]).sum(-1), atol=1e-12)
    # contrast : la dérivée de y[2] − y[0]
    np.testing.assert_allclose(input_saliency(model, x, target=2, contrast=0, reduce=None), w[2] - w[0], atol=1e-12)


def test_default_target_is_predicted_class():
    w = np.zeros((2, 4, 1))
    w[0, 0, 0], w[1, 3, 0] = 1.0, 1.0  # sortie 0 = x_0, sortie 1 = x_3
    model = WeightedSum(w)
    x = np.array([[[5.0], [0.0], [0.0], [1.0]],    # classe prédite 0 → dépend de x_0
                  [[1.0], [0.0], [0.0], [5.0]]])   # classe prédite 1 → dépend de x_3
    s = input_saliency(model, x)
    np.testing.assert_allclose(s, [[1, 0, 0, 0], [0, 0, 0, 1]])


def test_matches_finite_differences_on_an_lstm():
    model = _lstm_model()
    x = np.random.default_rng(1).normal(size=(7, 2))
    raw = input_saliency(model, x, target=1, contrast=0, reduce=None)

    def score(arr):
        with torch.no_grad():
            out = model(torch.as_tensor(arr)[None])
        return float(out[0, 1] - out[0, 0])

    eps = 1e-6
    numeric = np.zeros_like(x)
    for t in range(7):
        for i in range(2):
            up, down = x.copy(), x.copy()
            up[t, i] += eps
            down[t, i] -= eps
            numeric[t, i] = (score(up) - score(down)) / (2 * eps)
    np.testing.assert_allclose(raw, numeric, rtol=1e-5, atol=1e-8)


def test_batch_equals_each_sequence_alone():
    model = _lstm_model()
    x = np.random.default_rng(2).normal(size=(3, 5, 2))
    batch = input_saliency(model, x, target=1)
    assert batch.shape == (3, 5)
    for b in range(3):
        np.testing.assert_allclose(batch[b], input_saliency(model, x[b], target=1), atol=1e-12)
    # un tenseur donne la même chose qu'un tableau numpy
    np.testing.assert_allclose(input_saliency(model, torch.as_tensor(x), target=1), batch, atol=1e-12)


def test_per_step_model_is_causal():
    """Un LSTM unidirectionnel : la sortie au pas k ne dépend d'aucune entrée après k."""
    model = _lstm_model(pooling=None)
    x = np.random.default_rng(3).normal(size=(8, 2))
    s = input_saliency(model, x, target=0, step=4)
    assert np.all(s[5:] == 0.0)
    assert np.all(s[:5] > 0.0)
    np.testing.assert_allclose(input_saliency(model, x, target=0), input_saliency(model, x, target=0, step=7))


def test_model_mode_and_parameter_gradients_untouched():
    model = _lstm_model()
    model.train()
    input_saliency(model, np.zeros((4, 2)), target=0)
    assert model.training, "le modèle doit retrouver son mode d'entraînement"
    assert all(p.grad is None for p in model.parameters()), "les gradients des paramètres ne doivent pas bouger"
    model.eval()
    input_saliency(model, np.zeros((4, 2)), target=0)
    assert not model.training


def test_float32_model_accepts_float64_input():
    torch.manual_seed(0)
    model = SequenceModel(2, 3, 2)  # float32
    s = input_saliency(model, np.random.default_rng(4).normal(size=(5, 2)), target=1)
    assert s.shape == (5,) and np.all(np.isfinite(s))


@pytest.mark.parametrize(
    "kwargs, exc, fragment",
    [
        (dict(x=np.zeros(5)), ValueError, "(T, I) ou (B, T, I)"),
        (dict(x=np.zeros((1, 1, 5, 2))), ValueError, "(T, I) ou (B, T, I)"),
        (dict(x=np.zeros((0, 2))), ValueError, "au moins un pas"),
        (dict(x=np.array([[np.nan, 0.0]])), ValueError, "NaN"),
        (dict(x="séquence"), TypeError, "tableau de nombres réels"),
        (dict(x=[[1, 2], [3]]), TypeError, "tableau de nombres réels"),
        (dict(target=2), ValueError, "entre 0 et 1"),
        (dict(target=True), ValueError, "« target »"),
        (dict(target=1, contrast=1), ValueError, "doit différer"),
        (dict(contrast=0), ValueError, "demande aussi « target »"),
        (dict(reduce="max"), ValueError, "« reduce »"),
    ],
)
def test_bad_inputs_give_french_errors(kwargs, exc, fragment):
    model = _lstm_model()
    args = dict(x=np.zeros((4, 2)))
    args.update(kwargs)
    x = args.pop("x")
    with pytest.raises(exc, match=None) as info:
        input_saliency(model, x, **args)
    assert fragment in str(info.value)


def test_bad_model_and_bad_step():
    with pytest.raises(TypeError, match="nn.Module"):
        input_saliency(lambda x: x, np.zeros((4, 2)))
    model = _lstm_model(pooling=None)
    with pytest.raises(ValueError, match="« step »"):
        input_saliency(model, np.zeros((4, 2)), target=0, step=4)
