"""lstm_grader.similarity : les réponses identiques (commentaires et espaces mis à part) sont signalées."""

from __future__ import annotations

from lstm_grader.similarity import identical_groups, normalize
from lstm_lib.grading import definition

GATE = ("def forget_gate(h_prev, x_t, W_f, b_f):\n"
        "    hx = np.concatenate([h_prev, x_t])\n"
        "    return 1 / (1 + np.exp(-(W_f @ hx + b_f)))\n")
GATE_REFORMATTED = ("def forget_gate( h_prev,x_t ,W_f,b_f ):   # ma version\n"
                    "    # on concatène\n"
                    "    hx = np.concatenate( [h_prev , x_t] )\n\n"
                    "    return 1/(1+np.exp(-(W_f@hx+b_f)))  # sigmoïde\n")
GATE_OTHER = ("def forget_gate(h_prev, x_t, W_f, b_f):\n"
              "    z = W_f[:, :len(h_prev)] @ h_prev + W_f[:, len(h_prev):] @ x_t + b_f\n"
              "    return 1 / (1 + np.exp(-z))\n")


def test_normalize_ignores_comments_and_spacing_but_not_code():
    assert normalize(GATE) == normalize(GATE_REFORMATTED)
    assert normalize(GATE) != normalize(GATE_OTHER)
    assert normalize("x = '# pas un commentaire'") != normalize("x = ''")
    assert normalize("def f(:\n  oups") == normalize("def f(:   # x\n  oups")  # code invalide : repli ligne à ligne


def _starters():
    return {"ex02": {ex.key: ex.starter for ex in definition("ex02").EXERCISES}}


def test_two_identical_copies_and_one_different():
    answers = {
        "alice/ex02.ipynb": ("ex02", {"ex1": GATE, "ex3": 'answer_input_zero = "b"'}),
        "bob/ex02.ipynb": ("ex02", {"ex1": GATE_REFORMATTED, "ex3": 'answer_input_zero = "b"  # sûr'}),
        "chloe/ex02.ipynb": ("ex02", {"ex1": GATE_OTHER, "ex3": 'answer_input_zero = "b"'}),
    }
    groups = identical_groups(answers, _starters())
    assert len(groups) == 1
    assert groups[0].notebook == "ex02" and groups[0].copies == ("alice/ex02.ipynb", "bob/ex02.ipynb")
    assert groups[0].exercises == ("ex1", "ex3")


def test_untouched_starters_and_short_answers_are_not_flagged():
    starters = _starters()
    untouched = {ex: code for ex, code in starters["ex02"].items()}
    answers = {
        "a.ipynb": ("ex02", dict(untouched)),
        "b.ipynb": ("ex02", dict(untouched)),
        "c.ipynb": ("ex02", {**untouched, "ex3": 'answer_input_zero = "b"'}),
        "d.ipynb": ("ex02", {**untouched, "ex3": 'answer_input_zero = "b"'}),
    }
    assert identical_groups(answers, starters) == []


def test_different_notebooks_are_never_grouped():
    answers = {"a.ipynb": ("ex02", {"ex1": GATE}), "b.ipynb": ("ex03", {"ex1": GATE})}
    assert identical_groups(answers, _starters()) == []
