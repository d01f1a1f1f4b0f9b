"""Chapitre 1 : les conclusions du problème de l'addition et des courbes de gradient, sur 5 graines.

Chaque graine relance le chapitre entier (``SEED`` : poids tirés et mini-lots), à ses réglages
(32 unités, Adam à 0,05, 800 étapes, écrêtage à 1). S'y ajoutent les deux variantes dont le
texte parle : sans biais d'oubli, et au taux de 3 × 10⁻³ avec un budget de 3 000 étapes
(arrêt anticipé dès que la MSE passe sous 0,01, pour ne pas payer les étapes inutiles).
"""

from __future__ import annotations

import math
import statistics

import pytest

from lstm_lib.metrics import first_step_below

from .conftest import SEEDS, Job, count, run_jobs, show

CHAPTER = "01_pourquoi_lstm"
OUTPUTS = ("gap", "rates", "default", "direct_curves", "full_curves", "lstm_mse", "rnn_mse", "rnn_best",
           "solved_at", "histories")
SLOW_LR, SLOW_BUDGET = 3e-3, 3000


def solved(history) -> bool:
    """Arrêt anticipé : la MSE de test est passée sous 0,01."""
    return history.val_loss[-1] < 0.01


def history_of(result):
    """``train`` rend (modèle, historique) ; seul l'historique revient du processus de calcul."""
    return result[1]


def summary(namespace):
    """Ce que les tests lisent d'un chapitre exécuté : des nombres, pas des modèles."""
    return {
        "gap_ratio_10": namespace["gap"][9] / namespace["gap"][0],
        "gap_50": namespace["gap"][49],
        "rates": namespace["rates"],
        "rho_default": namespace["default"].spectral_radius(),
        "direct_99": {b: float(c[99]) for b, c in namespace["direct_curves"].items()},
        "full_99": {b: float(c[99]) for b, c in namespace["full_curves"].items()},
        "lstm_mse": namespace["lstm_mse"],
        "rnn_best": namespace["rnn_best"],
        "solved_at": namespace["solved_at"],
    }


@pytest.fixture(scope="module")
def runs():
    jobs = [Job(CHAPTER, outputs=OUTPUTS, overrides={"SEED": s}, post=summary) for s in SEEDS]
    jobs += [Job(CHAPTER, call="train", args=("lstm",), until="train", post=history_of,
                 kwargs={"seed": s, "forget_bias": None, "stop": solved}) for s in SEEDS]
    jobs += [Job(CHAPTER, call="train", args=("lstm",), until="train", post=history_of,
                 kwargs={"seed": s, "lr": SLOW_LR, "steps": SLOW_BUDGET, "stop": solved}) for s in SEEDS]
    jobs += [Job(CHAPTER, call="train", args=("rnn",), until="train", post=history_of,
                 kwargs={"seed": s, "lr": SLOW_LR, "steps": SLOW_BUDGET}) for s in SEEDS]
    results = run_jobs(jobs)
    n = len(SEEDS)
    return {"chapter": results[:n], "no_forget_bias": results[n:2 * n],
            "slow_lstm": results[2 * n:3 * n], "slow_rnn": results[3 * n:]}


def test_a_change_at_the_first_step_fades_in_a_tanh_rnn(runs):
    ratios = [r["gap_ratio_10"] for r in runs["chapter"]]
    late = [r["gap_50"] for r in runs["chapter"]]
    show("écart au pas 10 / écart au pas 1", ratios, "{:.1e}")
    show("écart au pas 50", late, "{:.1e}")
    assert count(lambda r: r < 1.5e-2, ratios) == len(SEEDS)  # « environ deux ordres de grandeur »
    assert max(late) < 1e-10  # « au pas 50, il reste sous 10⁻¹⁰ »


def test_gradient_rates_vanish_below_and_explode_above(runs):
    rates = [r["rates"] for r in runs["chapter"]]
    for rho in (0.5, 1.0, 3.0):
        show(f"taux par pas, ρ = {rho}", [r[rho] for r in rates], "{:.3f}")
    assert all(r[0.5] < 1 and r[1.0] < 1 and r[3.0] > 1 for r in rates)
    rhos = [r["rho_default"] for r in runs["chapter"]]
    show("ρ des poids tirés comme nn.RNN", rhos, "{:.3f}")
    assert all(abs(rho - 1 / math.sqrt(3)) < 0.15 for rho in rhos)  # « voisin de 1/√3 ≈ 0,6 »


def test_full_lstm_jacobian_is_not_the_direct_path(runs):
    chapter = runs["chapter"]
    ratio_0 = [r["full_99"][0.0] / r["direct_99"][0.0] for r in chapter]
    full_5 = [r["full_99"][5.0] for r in chapter]
    direct_5 = [r["direct_99"][5.0] for r in chapter]
    show("b_f = 0 : jacobienne complète / chemin direct au retard 99", ratio_0, "{:.1e}")
    show("b_f = 5 : chemin direct au retard 99", direct_5, "{:.2f}")
    show("b_f = 5 : jacobienne complète au retard 99", full_5, "{:.3g}")
    assert all(r > 1e3 for r in ratio_0)  # la complète décroît bien moins vite que le chemin direct
    assert all(0.3 < d < 1 for d in direct_5)  # le chemin direct reste proche de 1…
    assert count(lambda f: f > 1, full_5) >= 4  # … mais la jacobienne complète grandit


def test_lstm_solves_the_adding_problem_and_the_rnn_does_not(runs):
    lstm = [r["lstm_mse"] for r in runs["chapter"]]
    rnn = [r["rnn_best"] for r in runs["chapter"]]
    steps = [r["solved_at"] for r in runs["chapter"]]
    show("LSTM, MSE de test finale", lstm, "{:.4f}")
    show("LSTM, étape où la MSE passe sous 0,01", steps, "{:.0f}")
    show("RNN, meilleure MSE de l'entraînement", rnn, "{:.3f}")
    assert count(lambda m: m < 0.01, lstm) >= 4
    assert count(lambda m: m > 0.15, rnn) == len(SEEDS)


def test_the_forget_bias_of_one_is_not_what_solves_it(runs):
    with_bias = [r["solved_at"] for r in runs["chapter"]]
    without = [first_step_below(h.steps, h.val_loss, 0.01) for h in runs["no_forget_bias"]]
    show("étape de résolution, biais d'oubli à 1", with_bias, "{:.0f}")
    show("étape de résolution, biais tiré par PyTorch", without, "{:.0f}")
    assert count(lambda s: s <= 800, without) >= 4  # résolu aussi, dans le même budget
    assert statistics.median(without) <= 1.5 * statistics.median(with_bias)  # « aussi vite », à 50 % près


def test_a_smaller_learning_rate_needs_a_larger_budget_for_both(runs):
    lstm = runs["slow_lstm"]
    at_800 = [h.val_loss[h.steps.index(800)] if 800 in h.steps else h.val_loss[-1] for h in lstm]
    steps = [first_step_below(h.steps, h.val_loss, 0.01) for h in lstm]
    rnn_best = [min(h.val_loss) for h in runs["slow_rnn"]]
    show(f"LSTM à {SLOW_LR}, MSE à l'étape 800", at_800, "{:.3f}")
    show(f"LSTM à {SLOW_LR}, étape où la MSE passe sous 0,01", steps, "{:.0f}")
    show(f"RNN à {SLOW_LR}, meilleure MSE en {SLOW_BUDGET} étapes", rnn_best, "{:.3f}")
    assert all(m > 0.1 for m in at_800)  # 800 étapes ne suffisent pas au LSTM à ce taux…
    assert count(lambda s: s <= SLOW_BUDGET, steps) >= 4  # … 3 000 suffisent…
    assert all(m > 0.15 for m in rnn_best)  # … et le RNN, avec le même budget, reste à la référence


def gradient_rates(namespace):
    """Du widget « ρ et b_f » : les taux par pas de la grille, des nombres seulement."""
    grid = namespace["gradients"]
    return {"rhos": namespace["RHOS"], "biases": namespace["FORGET_BIASES"],
            **{name: grid["rates"][name].tolist() for name in ("rnn", "direct", "full")}}


@pytest.fixture(scope="module")
def gradient_grids():
    # Le cahier jusqu'à la cellule qui calcule la grille du widget (avant tout entraînement).
    return run_jobs([Job(CHAPTER, outputs=("gradients", "RHOS", "FORGET_BIASES"), until="gradients",
                         overrides={"SEED": s}, post=gradient_rates) for s in SEEDS])


def test_the_gradient_widget_regimes_hold_on_every_seed(gradient_grids):
    """Ce que le texte tire du widget du chapitre 1, sur 5 tirages des poids :
    RNN : taux sous 1 pour ρ ≤ 1, au-dessus de 1 à ρ = 3 ; LSTM : le taux du chemin direct monte
    avec b_f sans atteindre 1, celui de la jacobienne complète passe 1 dès b_f = 3 et reste
    sous 1 jusqu'à b_f = 1."""
    rhos, biases = gradient_grids[0]["rhos"], gradient_grids[0]["biases"]
    for r in gradient_grids:
        show("taux du RNN, ρ = " + " ; ".join(map(str, rhos)), r["rnn"], "{:.3f}")
        show("taux du chemin direct, b_f = " + " ; ".join(map(str, biases)), r["direct"], "{:.3f}")
        show("taux de la jacobienne complète", r["full"], "{:.3f}")
    between = [v for r in gradient_grids for rho, v in zip(rhos, r["rnn"]) if 1 < rho < 3]
    show("taux du RNN pour 1 < ρ < 3, plage", [min(between), max(between)], "{:.3f}")
    for r in gradient_grids:
        assert all(v < 1 for rho, v in zip(rhos, r["rnn"]) if rho <= 1)
        assert r["rnn"][rhos.index(3.0)] > 1
        assert all(a < b for a, b in zip(r["direct"], r["direct"][1:])) and max(r["direct"]) < 1
        assert all(v > 1 for b, v in zip(biases, r["full"]) if b >= 3)
        assert all(v < 1 for b, v in zip(biases, r["full"]) if b <= 1)
    assert 0.85 < min(between) and max(between) < 1.25  # « près de 1 » : la saturation freine
