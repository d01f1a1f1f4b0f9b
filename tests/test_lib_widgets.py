"""Les widgets : ce qu'ils montrent est calculé par les fonctions du livre, leur front-end
JavaScript (lstm_lib/front/explorer.js) calcule la même chose, et ils ont un équivalent statique.

Le front-end est exécuté ici dans Node, sur des milliers d'entrées tirées au hasard (graine
fixe), et comparé à lstm_lib ; tests/browser/test_widgets.py vérifie ce que la page affiche.
"""

import json
import shutil
import subprocess

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lstm_lib import constant_gate_memory, half_life, hidden_output, sigmoid, update_memory  # noqa: E402
from lstm_lib.style import format_fr  # noqa: E402
from lstm_lib.widgets import (  # noqa: E402
    CELL_PRESETS,
    FRONT_END,
    Explorer,
    cell_explorer,
    cell_explorer_static,
    cell_quantities,
    gate_bias_explorer,
    gradient_decay_explorer,
    grid_explorer,
    half_life_explorer,
    memory_explorer,
    memory_explorer_static,
    saturation_explorer,
)

FACTORIES = [cell_explorer, memory_explorer, gradient_decay_explorer, gate_bias_explorer,
             saturation_explorer, half_life_explorer]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- Node : le front-end exécuté hors du navigateur --------------------------------------

NODE = shutil.which("node")


def run_front_end(tmp_path, script: str, payload) -> object:
    """Exécute ``script`` (module ES qui lit ``payload`` et écrit du JSON) avec explorer.js importé."""
    if NODE is None:
        pytest.fail("Node.js est introuvable : il sert déjà à « npm ci » (tools/site_assets.py) ; installez nodejs.")
    module = tmp_path / "explorer.mjs"  # .mjs : Node le lit comme un module ES, sans avertissement
    shutil.copy(FRONT_END / "explorer.js", module)
    (tmp_path / "payload.json").write_text(json.dumps(payload), encoding="utf-8")
    main = tmp_path / "main.mjs"
    main.write_text(
        'import { readFileSync } from "node:fs";\n'
        'import * as front from "./explorer.mjs";\n'
        'const payload = JSON.parse(readFileSync(new URL("./payload.json", import.meta.url), "utf8"));\n'
        + script,
        encoding="utf-8",
    )
    proc = subprocess.run([NODE, str(main)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _max_gap(a, b) -> float:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    assert a.shape == b.shape, (a.shape, b.shape)
    both_inf = np.isinf(a) & np.isinf(b) & (np.sign(a) == np.sign(b))
    return float(np.max(np.where(both_inf, 0.0, np.abs(a - b)), initial=0.0))


def test_front_end_cell_math_matches_lstm_lib(tmp_path):
    rng = np.random.default_rng(20260)
    n = 3000
    cases = [{"f": rng.uniform(0, 1, 3).tolist(), "i": rng.uniform(0, 1, 3).tolist(),
              "c_hat": rng.uniform(-1, 1, 3).tolist(), "o": rng.uniform(0, 1, 3).tolist(),
              "c_prev": rng.uniform(-2, 2, 3).tolist()} for _ in range(n)]
    got = run_front_end(tmp_path, "console.log(JSON.stringify(payload.map(v => front.SHOWN.cell({}, v))));", cases)
    widget = cell_explorer()
    gap = max(_max_gap(g[key], widget.shown(v)[key]) for g, v in zip(got, cases) for key in ("kept", "added", "c", "h"))
    print(f"écart maximal JS / lstm_lib sur {n} cellules : {gap:.2e}")
    assert gap <= 1e-12


def test_front_end_memory_math_matches_lstm_lib(tmp_path):
    rng = np.random.default_rng(7)
    widget = memory_explorer()
    f_values = np.concatenate([rng.uniform(0, 1, 400), [0.0, 0.5, 0.9, 0.99, 1.0]])
    cases = [{"f": float(f), "i": float(rng.uniform(0, 1)), "x": float(rng.uniform(-1, 1))} for f in f_values]
    got = run_front_end(
        tmp_path,
        "console.log(JSON.stringify(payload.cases.map(v => front.SHOWN.memory(payload.config, v)), "
        "(k, x) => (x === Infinity ? 'inf' : Number.isNaN(x) ? null : x)));",
        {"config": widget.config, "cases": cases},
    )
    gap = 0.0
    for g, v in zip(got, cases):
        want = widget.shown(v)
        gap = max(gap, _max_gap(g["curve"], want["curve"]), _max_gap(g["decay"], want["decay"]))
        assert (g["half_life"] == "inf") == np.isinf(want["half_life"])
        if g["half_life"] != "inf":
            gap = max(gap, abs(g["half_life"] - want["half_life"]))
        assert (g["equilibrium"] is None) == (want["equilibrium"] is None)
        if want["equilibrium"] is not None:
            gap = max(gap, abs(g["equilibrium"] - want["equilibrium"]) / max(1.0, abs(want["equilibrium"])))
    print(f"écart maximal JS / lstm_lib sur {len(cases)} mémoires de {widget.config['steps']} pas : {gap:.2e}")
    assert gap <= 1e-9
    # La référence elle-même : constant_gate_memory et half_life, sur un cas connu.
    known = widget.shown({"f": 0.5, "i": 1.0, "x": 0.5})
    assert known["curve"][:3] == [1.0, 1.0, 1.0] and known["equilibrium"] == 1.0 and known["half_life"] == 1.0


@pytest.mark.parametrize("factory, name, positions", [
    (gradient_decay_explorer, "n", list(range(0, 101))),
    (gate_bias_explorer, "b", np.round(np.linspace(-5, 5, 1001), 3).tolist()),
    (saturation_explorer, "t", list(range(0, 21))),
    (half_life_explorer, "f", np.round(np.linspace(0.5, 0.999, 500), 4).tolist()),
])
def test_front_end_exercise_helpers_match_lstm_lib(tmp_path, factory, name, positions):
    widget = factory()
    cases = [{name: p} for p in positions]
    got = run_front_end(
        tmp_path,
        "console.log(JSON.stringify(payload.cases.map(v => front.SHOWN[payload.kind](payload.config, v))));",
        {"kind": widget.kind, "config": widget.config, "cases": cases},
    )
    gap = max(abs(g[key] - w[key]) for g, v in zip(got, cases) for w in [widget.shown(v)] for key in w)
    print(f"{widget.kind} : écart maximal JS / lstm_lib sur {len(cases)} positions : {gap:.2e}")
    assert gap <= 1e-9


def test_front_end_grid_reads_the_table(tmp_path):
    fs = np.round(np.linspace(0.5, 0.99, 8), 3)
    steps = np.arange(0, 31)
    widget = grid_explorer(
        "Mémoire précalculée", [{"name": "f", "label": "f", "values": fs.tolist()}],
        note="Courbes calculées par lstm_lib.constant_gate_memory pour chaque f de la grille.",
        readouts=[{"name": "hl", "label": "demi-vie", "data": half_life(fs)}],
        curves=[{"name": "c", "label": "mémoire", "color": "#E69F00",
                 "data": [np.concatenate([[1.0], constant_gate_memory(np.zeros(30), f, i=0.0, c0=1.0)]) for f in fs]}],
        x={"label": "pas", "values": steps.tolist()},
    )
    cases = [{"f": k} for k in range(len(fs))]
    got = run_front_end(
        tmp_path,
        "console.log(JSON.stringify(payload.cases.map(v => front.SHOWN.grid(payload.config, v))));",
        {"config": widget.config, "cases": cases},
    )
    for g, v in zip(got, cases):
        assert g == widget.shown(v)  # une lecture de tableau : égalité exacte
    assert widget.shown({"f": 2})["hl"] == pytest.approx(half_life(fs[2]))
    assert widget.shown({"f": 7})["c"] == pytest.approx(fs[7] ** steps)


def test_front_end_grid_reads_texts(tmp_path):
    """Un texte par case de la grille (ce qu'écrit un modèle à chaque température) : lu tel quel."""
    taus, seeds = [0.5, 1.0, 1.5], [0, 1]
    samples = [[f"La porte d'oubli τ = {t}, graine {s} : « é » {'x' * (s + 1)}" for s in seeds] for t in taus]
    widget = grid_explorer(
        "Textes précalculés", [{"name": "tau", "label": "τ", "values": taus}, {"name": "seed", "label": "graine", "values": seeds}],
        note="Textes écrits d'avance, un par réglage de la grille (cas dont on connaît la réponse).",
        texts=[{"name": "sample", "label": "texte", "prefix": "La porte d'oubli ", "data": samples}],
    )
    cases = [{"tau": a, "seed": b} for a in range(3) for b in range(2)]
    got = run_front_end(
        tmp_path,
        "console.log(JSON.stringify(payload.cases.map(v => front.SHOWN.grid(payload.config, v))));",
        {"config": widget.config, "cases": cases},
    )
    for g, v in zip(got, cases):
        assert g == widget.shown(v) == {"sample": samples[v["tau"]][v["seed"]]}
    with pytest.raises(ValueError, match="tableau de textes de forme"):
        grid_explorer("T", [{"name": "tau", "label": "τ", "values": taus}], note=widget.config["note"],
                      texts=[{"name": "s", "label": "texte", "data": ["a", "b"]}])
    with pytest.raises(ValueError, match="préfixe"):
        grid_explorer("T", [{"name": "tau", "label": "τ", "values": taus}], note=widget.config["note"],
                      texts=[{"name": "s", "label": "texte", "prefix": "La ", "data": ["La a", "La b", "Le c"]}])


FORMAT_CASES = [0.0, -0.0, 0.125, 0.375, -0.125, -0.375, 2.5, 3.5, -2.5, 0.9, -0.7, 0.7312, 1e-7, -1e-7,
                0.4, 0.1 + 0.2, 6.578813478960585, 50688, 1234567.891, -1234567.891, 999.9996, 34.86784401000001,
                0.005, 0.015, 0.025, 1.0005, 100.0]


def test_front_end_writes_numbers_like_format_fr(tmp_path):
    rng = np.random.default_rng(3)
    values = FORMAT_CASES + [round(float(v), int(k)) for v, k in zip(rng.uniform(-3, 3, 300), rng.integers(1, 6, 300))]
    cases = [[v, d, style] for v in values for d in range(0, 5) for style in ("fixed", "percent")]
    got = run_front_end(tmp_path, "console.log(JSON.stringify(payload.map(([v, d, s]) => front.formatFr(v, d, s))));", cases)
    wrong = [(v, d, s, g, format_fr(v + 0.0, d, style=s)) for (v, d, s), g in zip(cases, got)
             if g != format_fr(v + 0.0, d, style=s)]
    print(f"{len(cases)} nombres écrits, {len(wrong)} différents de format_fr")
    assert not wrong, wrong[:10]
    # Le signe moins est le vrai (U+2212), et −0 s'écrit 0.
    assert got[cases.index([-0.7, 2, "fixed"])] == "\u22120,70"
    assert got[cases.index([-0.0, 2, "fixed"])] == "0,00"


# --- Les widgets, côté Python --------------------------------------------------------------


def test_cell_quantities_tiroirs():
    q = cell_quantities([1, 1, 1], [1.0, 0.0, 0.5], [0.4, -0.7, 0.2], [1, 1, 1], [0, 0, 0])
    assert np.allclose(q["added"], [0.4, 0.0, 0.1]) and np.allclose(q["c"], [0.4, 0.0, 0.1])
    assert np.allclose(q["h"], np.tanh([0.4, 0.0, 0.1])) and np.allclose(q["kept"], 0.0)


@pytest.mark.parametrize("factory", FACTORIES)
def test_every_widget_carries_its_front_end(factory):
    """L'état d'un widget porte son module et son style : le site le monte sans noyau."""
    widget = factory()
    assert isinstance(widget, Explorer)
    state = widget.get_state()
    assert state["_model_module"] == "anywidget" and state["kind"] == widget.kind
    assert "export default { render }" in state["_esm"] and ".lstm-x" in state["_css"]
    json.dumps(state["config"], allow_nan=False)  # du JSON strict : une page ne lit pas NaN
    json.dumps(state["values"], allow_nan=False)
    # Chaque curseur a un libellé en français et sa position de départ dans ses bornes.
    sliders = widget.config["sliders"]
    assert sliders and all(s["label"].strip() for s in sliders)
    for s in sliders:
        start = widget.values[s["name"]]
        for value in (start if isinstance(start, list) else [start]):
            assert s["min"] <= value <= s["max"], (s, value)


def test_cell_explorer_starts_on_the_drawers_example():
    widget = cell_explorer()
    assert widget.values["i"] == [1.0, 0.0, 0.5] and widget.values["c_hat"] == [0.4, -0.7, 0.2]
    shown = widget.shown()
    assert np.allclose(shown["c"], [0.4, 0.0, 0.1]) and np.allclose(shown["h"], np.tanh([0.4, 0.0, 0.1]))
    # c_t[0] = 0,5 · 1 + 1 · 0,4 = 0,9 et h_t[0] = tanh(0,9) ≈ 0,716.
    moved = dict(widget.values, f=[0.5, 1.0, 1.0], c_prev=[1.0, 0.0, 0.0])
    assert widget.shown(moved)["c"][0] == pytest.approx(0.9) and format_fr(widget.shown(moved)["h"][0], 3) == "0,716"


def test_memory_explorer_half_life_and_curve():
    widget = memory_explorer()
    assert format_fr(widget.shown()["half_life"], 1) == "6,6"  # f = 0,9 au départ
    assert widget.shown({"f": 0.5, "i": 0.0, "x": 0.0})["half_life"] == pytest.approx(1.0)
    assert np.isinf(widget.shown({"f": 1.0, "i": 0.0, "x": 0.0})["half_life"])
    curve = widget.shown({"f": 0.8, "i": 0.5, "x": 1.0})["curve"]
    assert np.allclose(curve[1:], constant_gate_memory(np.ones(60), 0.8, i=0.5, c0=1.0))
    with pytest.raises(ValueError, match="steps"):
        memory_explorer(steps=1)


def test_exercise_helpers_show_the_exercise_numbers():
    assert format_fr(gradient_decay_explorer().shown({"n": 44})["remaining"], 2) == "0,97"  # < 1 % au pas 44
    assert format_fr(gradient_decay_explorer().shown({"n": 43})["remaining"], 2) == "1,08"
    assert gate_bias_explorer().shown({"b": 2.197})["gate"] == pytest.approx(float(sigmoid(2.197)))
    assert abs(gate_bias_explorer().shown({"b": 2.197})["gate"] - 0.9) < 1e-3
    sat = saturation_explorer().shown({"t": 6})
    assert sat["c"] == 3.0 and sat["h"] == pytest.approx(float(hidden_output(np.ones(1), np.array([3.0]))[0]))
    assert float(update_memory(np.ones(1), np.zeros(1), np.ones(1), np.full(1, 0.5))[0]) == 0.5
    hl = half_life_explorer().shown({"f": 0.933})
    assert hl["half_life"] == pytest.approx(half_life(0.933)) and hl["kept"] == pytest.approx(100 * 0.933 ** 10)


def test_exercise_helpers_refuse_bad_settings_in_french():
    with pytest.raises(ValueError, match=r"«\sfactor\s» doit être dans \]0, 1\["):
        gradient_decay_explorer(1.5)
    with pytest.raises(TypeError, match=r"«\shorizon\s» doit être un entier"):
        half_life_explorer(2.5)
    with pytest.raises(TypeError, match=r"«\sc_hat\s» doit être un nombre réel"):
        saturation_explorer("0,5")


def test_grid_explorer_refuses_bad_tables_in_french():
    axis = [{"name": "a", "label": "α", "values": [0.1, 0.2, 0.3]}]
    note = "Précalculé : trois entraînements par valeur de α (graines 0 à 2)."
    with pytest.raises(ValueError, match=r"doit avoir la forme \(3,\)"):
        grid_explorer("T", axis, note=note, readouts=[{"name": "acc", "label": "exactitude", "data": [0.5, 0.6]}])
    with pytest.raises(ValueError, match="NaN|fini"):
        grid_explorer("T", axis, note=note, readouts=[{"name": "acc", "label": "exactitude", "data": [0.5, np.nan, 0.7]}])
    with pytest.raises(ValueError, match="d'où viennent les nombres"):
        grid_explorer("T", axis, note="", readouts=[{"name": "acc", "label": "exactitude", "data": [0.5, 0.6, 0.7]}])
    with pytest.raises(TypeError, match=r"«\sx\s»"):
        grid_explorer("T", axis, note=note, curves=[{"name": "c", "label": "c", "color": "#000", "data": np.ones((3, 4))}])
    with pytest.raises(ValueError, match="indice de départ"):
        grid_explorer("T", axis, note=note, readouts=[{"name": "acc", "label": "exactitude", "data": [0.5, 0.6, 0.7]}],
                      start={"a": 3})
    with pytest.raises(ValueError, match="échelle log"):
        grid_explorer("T", axis, note=note, x={"label": "k", "values": [0, 1]}, y_scale="log",
                      curves=[{"name": "c", "label": "c", "color": "#000", "data": np.zeros((3, 2))}])
    with pytest.raises(ValueError, match="#RRVVBB"):
        grid_explorer("T", axis, note=note, x={"label": "k", "values": [0, 1]},
                      curves=[{"name": "c", "label": "c", "color": "red;background:url(x)", "data": np.ones((3, 2))}])
    widget = grid_explorer("T", axis, note=note, readouts=[{"name": "acc", "label": "exactitude", "data": [0.5, 0.6, 0.7]}],
                           start={"a": 2})
    assert widget.values == {"a": 2} and widget.shown() == {"acc": 0.7}


# --- Les équivalents statiques (impression, PDF) ------------------------------------------


def test_cell_explorer_static_has_one_panel_per_preset():
    fig = cell_explorer_static()
    visible = [ax for ax in fig.get_axes() if ax.get_visible()]
    assert len(visible) == len(CELL_PRESETS)
    assert "tiroirs" in visible[0].get_title()
    # Barres rangées par série : 3 « gardé », puis 3 « ajouté » (i ⊙ ĉ = [0,4 ; 0 ; 0,1]), puis c_t, puis h_t.
    heights = [p.get_height() for p in visible[0].patches]
    assert np.allclose(heights[3:6], [0.4, 0.0, 0.1]) and np.allclose(heights[6:9], [0.4, 0.0, 0.1])
    assert "dimension 1" in [t.get_text() for t in visible[0].get_xticklabels()]
    labels = [t.get_text() for t in visible[0].texts]
    assert "0,40" in labels and "−0,00" not in labels and "-0,00" not in labels


def test_memory_explorer_static_marks_half_lives():
    fig = memory_explorer_static(fs=(0.5, 0.9), steps=30)
    ax = fig.get_axes()[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 2 and "6,6\u00a0pas" in labels[1] and labels[1].startswith("f = 0,9")
    markers = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [round(float(m.get_xdata()[0]), 6) for m in markers] == [round(half_life(0.5), 6), round(half_life(0.9), 6)]
    curve = ax.get_lines()[0].get_ydata()
    assert np.allclose(curve, 0.5 ** np.arange(31))
