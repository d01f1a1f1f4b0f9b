"""Les widgets répondent au lecteur sur le site, sans noyau : souris et clavier, nombres de lstm_lib.

Pour chaque widget de chaque page du livre (pages lues dans ``_toc.yml`` : un chapitre ajouté
est vérifié sans toucher à ces tests), et pour chaque widget que ``lstm_lib.widgets`` sait
construire (page de test faite ici, avec le même chargeur que le site) : chaque curseur est
réglé à deux positions à la souris et à trois au clavier (flèche droite, Début, Fin) ; après
chaque réglage, on relit tout ce que le widget affiche (nombres, texte des curseurs, courbes et
barres) et on le compare à ``Explorer.shown``, calculé par les fonctions du livre (≤ 1e-6 ;
texte écrit comme ``format_fr``). La vitesse de mise à jour (≤ 100 ms) se mesure dans
``benchmarks/bench_site.py``, jamais ici.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from browser_fixtures import RENDERED_JS, SiteServer, chromium, load, new_context

from conftest import ROOT, toc_docnames
import site_assets  # noqa: E402  (tools/site_assets.py ; conftest met tools/ dans sys.path)
from lstm_lib import constant_gate_memory, half_life
from lstm_lib.style import format_fr
from lstm_lib.widgets import (
    Explorer,
    cell_explorer,
    gate_bias_explorer,
    gradient_decay_explorer,
    grid_explorer,
    half_life_explorer,
    memory_explorer,
    saturation_explorer,
)

VIEW_SCRIPT = "application/vnd.jupyter.widget-view+json"
TOLERANCE = 1e-6

# Les aides des cahiers d'exercices 1 à 4 sont encore des cellules « widgets.interact » (un
# noyau est nécessaire) : le flux « exercises » régénère ces cahiers, et leurs cellules
# passeront aux fonctions de lstm_lib.widgets à l'intégration. D'ici là, le site y écrit où
# trouver un noyau, sans contrôle mort. Une page qui n'en a plus doit quitter cette liste.
KERNEL_ONLY_UNTIL_SWITCHED: set[str] = set()

READ_WIDGET = """(root) => {
  const nameOf = (input) => {
    const ids = (input.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    if (ids.length) return ids.map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
    return [...(input.labels || [])].map((l) => l.textContent.trim()).join(' ') || input.getAttribute('aria-label') || '';
  };
  return {
    kind: root.dataset.kind,
    sliders: [...root.querySelectorAll('input[type=range]')].map((i) => ({
      name: i.dataset.slider, value: i.value, min: i.min, max: i.max, step: i.step,
      valuetext: i.getAttribute('aria-valuetext'), label: nameOf(i),
      readout: (i.parentElement.querySelector('output') || {}).textContent || null })),
    readouts: [...root.querySelectorAll('[data-readout]')].map((e) => ({
      name: e.dataset.readout, index: e.dataset.index === undefined ? null : Number(e.dataset.index),
      value: e.dataset.value, digits: e.dataset.digits === undefined ? null : Number(e.dataset.digits),
      style: e.dataset.style || 'fixed', text: e.textContent })),
    lines: [...root.querySelectorAll('polyline[data-series]')].map((e) => ({ name: e.dataset.series, points: e.getAttribute('points') })),
    bars: [...root.querySelectorAll('rect[data-series]')].map((e) => ({
      name: e.dataset.series, index: Number(e.dataset.index), height: Number(e.getAttribute('height')) })),
    texts: [...root.querySelectorAll('[data-text]')].map((e) => ({ name: e.dataset.text, text: e.textContent })),
    figure: root.querySelector('.lstm-x-figure') ? root.querySelector('.lstm-x-figure').getAttribute('aria-label') : null,
    // Les textes des axes (graduations, titres) : chacun dans son graphique, sans en chevaucher un autre.
    chartText: [...root.querySelectorAll('svg.lstm-x-chart')].flatMap((chart) => {
      const box = chart.getBoundingClientRect();
      const texts = [...chart.querySelectorAll('.lstm-x-axes text')].map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }));
      const problems = texts.filter(({ r }) => r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        .map(({ text }) => `« ${text} » sort du graphique`);
      texts.forEach((a, i) => texts.slice(i + 1).forEach((b) => {
        const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (w > 1 && h > 1) problems.push(`« ${a.text} » chevauche « ${b.text} »`);
      }));
      return problems;
    }),
  };
}"""


def _slider_specs(widget: Explorer) -> dict[str, dict]:
    specs = widget.config.get("sliders") or widget.config.get("axes")
    return {spec["name"]: spec for spec in specs}


def _values_from_dom(widget: Explorer, sliders: list[dict]) -> dict:
    """La position des curseurs lue dans la page, au format de ``widget.values``."""
    values: dict = {}
    for slider in sliders:
        name, _, index = slider["name"].partition(".")
        value = float(slider["value"])
        if widget.kind == "grid":
            value = int(value)
        if index:
            values.setdefault(name, [])
            assert int(index) == len(values[name]), slider["name"]
            values[name].append(value)
        else:
            values[name] = value
    return values


def _line_problem(points: str, expected: list[float], log: bool) -> str | None:
    xy = np.array([[float(v) for v in p.split(",")] for p in points.split()])
    want = np.log10(expected) if log else np.asarray(expected, dtype=float)
    if len(xy) != len(want):
        return f"{len(xy)} points tracés, {len(want)} attendus"
    if np.any(np.diff(xy[:, 0]) <= 0):
        return "abscisses non croissantes"
    y = xy[:, 1]
    if np.ptp(want) < 1e-12:
        return None if np.ptp(y) < 0.6 else "courbe constante attendue"
    slope, intercept = np.polyfit(want, y, 1)
    residual = float(np.max(np.abs(intercept + slope * want - y)))
    if slope >= 0 or residual > 0.75:
        return f"la courbe ne suit pas les valeurs de lstm_lib (écart {residual:.2f} px, pente {slope:.1f})"
    return None


def check_widget(page, root, widget: Explorer, moment: str) -> list[str]:
    """Compare tout ce que montre le widget à ``widget.shown`` ; rend la liste des écarts."""
    seen = root.evaluate(READ_WIDGET)
    where = f"{widget.kind} ({moment})"
    problems = []
    specs = _slider_specs(widget)
    values = _values_from_dom(widget, seen["sliders"])
    expected = widget.shown(values)
    for slider in seen["sliders"]:
        spec = specs[slider["name"].partition(".")[0]]
        value = float(slider["value"])
        shown_value = spec["values"][int(value)] if "values" in spec else value
        text = format_fr(shown_value, spec.get("digits", 2)) + ("\u00a0" + spec["unit"] if spec.get("unit") else "")
        if slider["valuetext"] != text or slider["readout"] != text:
            problems.append(f"{where} : curseur {slider['name']} = {value}, lu « {slider['readout']} » / "
                            f"aria-valuetext « {slider['valuetext']} », attendu « {text} »")
        if len(slider["label"]) < 3:
            problems.append(f"{where} : curseur {slider['name']} sans nom accessible")
    displayed = set()
    for readout in seen["readouts"]:
        name, index = readout["name"], readout["index"]
        displayed.add(name)
        want = expected[name] if index is None else expected[name][index]
        if want is None:
            problems.append(f"{where} : {name} affiché alors qu'il n'est pas défini")
            continue
        got = float(readout["value"])
        if math.isinf(want) or math.isinf(got):
            if got != want:
                problems.append(f"{where} : {name} = {got}, attendu {want}")
            continue
        if abs(got - want) > TOLERANCE:
            problems.append(f"{where} : {name}[{index}] = {got}, lstm_lib donne {want}")
        if readout["digits"] is not None:
            text = format_fr(want + 0.0, readout["digits"], style=readout["style"])
            if readout["text"] != text:
                problems.append(f"{where} : {name}[{index}] écrit « {readout['text']} », attendu « {text} »")
    for shown_text in seen["texts"]:
        displayed.add(shown_text["name"])
        if shown_text["text"] != expected[shown_text["name"]]:
            problems.append(f"{where} : texte {shown_text['name']} « {shown_text['text'][:60]}… », "
                            f"attendu « {expected[shown_text['name']][:60]}… »")
    log = widget.config.get("y_scale") == "log"
    for line in seen["lines"]:
        displayed.add(line["name"])
        problem = _line_problem(line["points"], expected[line["name"]], log)
        if problem:
            problems.append(f"{where} : courbe {line['name']} : {problem}")
    if seen["bars"]:
        heights = np.array([b["height"] for b in seen["bars"]])
        want = np.array([abs(expected[b["name"]][b["index"]]) for b in seen["bars"]])
        displayed |= {b["name"] for b in seen["bars"]}
        scale = float(heights @ want / max(want @ want, 1e-12))
        if np.max(np.abs(heights - scale * want)) > 1.0:
            problems.append(f"{where} : hauteurs des barres ≠ valeurs de lstm_lib ({heights.round(1)} pour {want.round(3)})")
    missing = [k for k, v in expected.items() if v is not None and k not in displayed]
    if missing:
        problems.append(f"{where} : non affichés : {missing}")
    if seen["figure"] is not None and len(seen["figure"]) < 30:
        problems.append(f"{where} : figure sans description ({seen['figure']!r})")
    problems += [f"{where} : {p}" for p in seen["chartText"]]
    return problems


def exercise_widget(page, root, widget: Explorer) -> tuple[list[str], int]:
    """Chaque curseur : deux clics (à 20 % et 80 % de la piste, en commençant par le côté opposé
    au pouce : un clic sur le pouce ne le déplace pas), puis flèche droite ×3, Début, Fin."""
    problems = check_widget(page, root, widget, "au départ")
    checks = 1
    sliders = root.locator("input[type=range]")
    for k in range(sliders.count()):
        slider = sliders.nth(k)
        name = slider.get_attribute("data-slider")
        low, high, step = (float(slider.get_attribute(a)) for a in ("min", "max", "step"))
        positions = []
        start_fraction = (float(slider.input_value()) - low) / ((high - low) or 1)
        fractions = (0.8, 0.2) if start_fraction < 0.5 else (0.2, 0.8)
        for fraction in fractions:
            slider.scroll_into_view_if_needed()
            box = slider.bounding_box()
            page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)
            value = float(slider.input_value())
            positions.append(value)
            # Le pouce a une largeur, et la valeur se range sur un pas : elle tombe près de la fraction.
            if abs(value - (low + fraction * (high - low))) > 0.12 * (high - low) + step / 2:
                problems.append(f"{widget.kind} : clic à {fraction:.0%} de {name} donne {value}")
            problems += check_widget(page, root, widget, f"{name} à la souris, {fraction:.0%}")
            checks += 1
        if not (positions[1] - positions[0]) * (fractions[1] - fractions[0]) > 0:
            problems.append(f"{widget.kind} : les clics ne déplacent pas {name} ({positions})")
        start = float(slider.input_value())
        for key, want in (("ArrowRight", min(high, start + 3 * step)), ("Home", low), ("End", high)):
            for _ in range(3 if key == "ArrowRight" else 1):
                page.keyboard.press(key)
            value = float(slider.input_value())
            if abs(value - want) > step / 2:
                problems.append(f"{widget.kind} : {key} sur {name} donne {value}, attendu {want}")
            problems += check_widget(page, root, widget, f"{name} au clavier, {key}")
            checks += 1
    return problems, checks


def _page_states(html_file: Path) -> dict:
    return site_assets.read_widget_state(html_file).get("state", {})


def _book_pages_with_widgets(html_dir: Path) -> list[str]:
    pages = [f"{docname}.html" for docname in toc_docnames()]
    return [p for p in pages if VIEW_SCRIPT in (html_dir / p).read_text(encoding="utf-8")]


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@pytest.fixture(scope="module")
def book_server(built_html):
    with SiteServer(built_html) as server:
        yield server


def test_every_widget_of_the_book_answers_mouse_and_keyboard(built_html, book_server, browser):
    pages = _book_pages_with_widgets(built_html)
    assert pages, "aucune page du livre n'a de widget : les explorateurs des chapitres 2 et 3 ont disparu ?"
    context = new_context(browser, book_server.origin)
    problems, rendered, static, kernel_only, checks = {}, 0, 0, {}, 0
    try:
        for page_path in pages:
            states = _page_states(built_html / page_path)
            page, _ = load(context, book_server, page_path)
            items = []
            for view in page.locator(".lstm-widget").all():
                status = view.get_attribute("data-widget")
                model_id = view.get_attribute("data-model-id")
                if status in ("kernel-only", "static"):
                    if status == "kernel-only":
                        kernel_only[page_path] = kernel_only.get(page_path, 0) + 1
                    else:
                        static += 1  # barre de progression de tqdm, texte : rien à régler
                    if view.locator("input, button, select, textarea").count():
                        items.append(f"widget {model_id} ({status}) : des contrôles qui ne feraient rien")
                    if not view.inner_text().strip() and not view.locator("progress").count():
                        items.append(f"widget {model_id} ({status}) : rien d'affiché")
                    continue
                if status != "rendered":
                    items.append(f"widget {model_id} : état {status!r} ({view.inner_text()[:80]!r})")
                    continue
                rendered += 1
                widget = Explorer.from_state(states[model_id]["state"])
                found, n = exercise_widget(page, view.locator(".lstm-x"), widget)
                items += found
                checks += n
            page.close()
            if items:
                problems[page_path] = items
    finally:
        context.close()
    print(f"{rendered} widgets réglés sur {len(pages)} pages, {checks} relevés comparés à lstm_lib ; "
          f"{static} redessinés sans contrôle ; renvois vers un noyau : {kernel_only}")
    assert not context.external, context.external
    assert not problems, "\n".join(f"{p} :\n  " + "\n  ".join(v[:15]) for p, v in problems.items())
    assert rendered >= 2, "les explorateurs des chapitres 2 et 3 ne sont pas montés"
    unexpected = set(kernel_only) - KERNEL_ONLY_UNTIL_SWITCHED
    assert not unexpected, f"widgets qui demandent un noyau (contrôles morts sur le site) : {sorted(unexpected)}"
    switched = KERNEL_ONLY_UNTIL_SWITCHED - set(kernel_only)
    assert not switched, f"ces pages n'ont plus de widget à noyau : retirez-les de KERNEL_ONLY_UNTIL_SWITCHED : {switched}"


def _all_book_widgets() -> list[Explorer]:
    fs = np.round(np.linspace(0.5, 0.98, 7), 2)
    grid = grid_explorer(
        "Mémoire précalculée",
        [{"name": "f", "label": "porte d'oubli f", "values": fs.tolist()},
         {"name": "i", "label": "porte d'entrée i", "values": [0.0, 0.5, 1.0]}],
        note="Courbes calculées d'avance par lstm_lib.constant_gate_memory (une par réglage de la grille).",
        readouts=[{"name": "hl", "label": "demi-vie", "unit": "pas", "digits": 1,
                   "data": [[half_life(f)] * 3 for f in fs]},
                  {"name": "end", "label": "mémoire au pas 30", "digits": 3, "style": "fixed",
                   "data": [[constant_gate_memory(np.ones(30), f, i=i, c0=1.0)[-1] for i in (0.0, 0.5, 1.0)] for f in fs]}],
        curves=[{"name": "c", "label": "mémoire", "color": "#E69F00",
                 "data": [[np.concatenate([[1.0], constant_gate_memory(np.ones(30), f, i=i, c0=1.0)]) for i in (0.0, 0.5, 1.0)]
                          for f in fs]}],
        x={"label": "pas k", "values": list(range(31))},
        y_label="mémoire",
        start={"f": 3},
    )
    log_grid = grid_explorer(
        "Gradient précalculé (échelle log)",
        [{"name": "rho", "label": "rayon spectral ρ", "values": [0.5, 0.9, 0.99]}],
        note="Normes calculées d'avance : ρᵏ pour k de 0 à 50 (un cas dont on connaît la réponse).",
        curves=[{"name": "g", "label": "norme", "color": "#D55E00",
                 "data": [[rho ** k for k in range(51)] for rho in (0.5, 0.9, 0.99)]}],
        x={"label": "pas en arrière k", "values": list(range(51))}, y_label="norme", y_scale="log",
    )
    taus = [0.5, 1.0, 1.5]
    text_grid = grid_explorer(
        "Textes précalculés",
        [{"name": "tau", "label": "température τ", "values": taus, "digits": 1}],
        note="Textes écrits d'avance, un par température (un cas dont on connaît la réponse).",
        readouts=[{"name": "tau_twice", "label": "2τ", "digits": 1, "data": [2 * t for t in taus]}],
        texts=[{"name": "sample", "label": "texte", "prefix": "La porte ",
                "data": [f"La porte τ = {format_fr(t, 1)} : « é »" for t in taus]}],
    )
    return [cell_explorer(), memory_explorer(), gradient_decay_explorer(), gate_bias_explorer(),
            saturation_explorer(), half_life_explorer(), grid, log_grid, text_grid]


def _widget_page(directory: Path, widgets: list[Explorer]) -> str:
    """Une page comme celles du site : l'état des widgets, une vue par widget, le chargeur du site."""
    from ipywidgets.embed import dependency_state

    state = dependency_state(widgets, drop_defaults=False)
    manager_state = json.dumps({"version_major": 2, "version_minor": 0, "state": state}).replace("</", "<\\/")
    views = "\n".join(
        f'<div class="cell_output"><script type="{VIEW_SCRIPT}">'
        f'{json.dumps({"version_major": 2, "version_minor": 1, "model_id": w.model_id})}</script></div>'
        for w in widgets)
    shutil.copy(ROOT / "tools" / "widgets-loader.js", directory / "widgets-loader.js")
    (directory / "index.html").write_text(
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Widgets du livre</title>'
        f'<script type="application/vnd.jupyter.widget-state+json">{manager_state}</script>'
        '<script defer src="widgets-loader.js"></script></head>'
        f'<body><main style="max-width: 46rem; margin: auto; padding: 1rem"><h1>Widgets du livre</h1>{views}</main></body></html>',
        encoding="utf-8")
    return "index.html"


def test_every_widget_of_lstm_lib_answers_without_a_kernel(tmp_path, browser):
    widgets = _all_book_widgets()
    kinds = {w.kind for w in widgets}
    assert kinds == {sub.kind_name for sub in Explorer.__subclasses__()}, "une sorte de widget n'est pas essayée ici"
    page_path = _widget_page(tmp_path, widgets)
    problems, checks = [], 0
    with SiteServer(tmp_path) as server:
        context = new_context(browser, server.origin)
        errors = []
        try:
            page, _ = load(context, server, page_path)
            page.on("pageerror", lambda error: errors.append(str(error)))
            views = page.locator(".lstm-widget")
            assert views.count() == len(widgets)
            for widget, view in zip(widgets, views.all()):
                assert view.get_attribute("data-widget") == "rendered", view.inner_text()
                found, n = exercise_widget(page, view.locator(".lstm-x"), widget)
                problems += found
                checks += n
        finally:
            context.close()
    print(f"{len(widgets)} widgets, {checks} relevés comparés à lstm_lib")
    assert not errors and not context.external, (errors, context.external)
    assert not problems, "\n".join(problems[:30])


def test_a_missing_state_file_says_so_in_french(tmp_path, browser):
    """L'état qui attend à côté de la page (tools/site_assets.py) : absent, ou remplacé par autre
    chose (la page d'un portail Wi-Fi), le widget le dit en français au lieu de rester vide ou de
    réclamer un noyau ; s'il revient, le widget suivant le charge."""
    widgets = [cell_explorer(), memory_explorer(), cell_explorer()]
    page_path = _widget_page(tmp_path, widgets)
    html = (tmp_path / page_path).read_text(encoding="utf-8")
    state = re.search(r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', html, re.S)
    state_file = tmp_path / f"index{site_assets.WIDGET_STATE_SUFFIX}"
    html = html.replace(state.group(0), f'<script data-src="{state_file.name}?v=1" '
                                        f'type="{site_assets.WIDGET_STATE_TYPE}"></script>')
    # Chaque widget loin du précédent : il ne sera monté qu'à l'approche du lecteur.
    parts = html.split('<div class="cell_output">')
    assert len(parts) == 4, len(parts)
    spacer = '<div style="height: 5000px"></div><div class="cell_output">'
    (tmp_path / page_path).write_text(parts[0] + '<div class="cell_output">' + parts[1] + spacer + parts[2]
                                      + spacer + parts[3], encoding="utf-8")
    with SiteServer(tmp_path) as server:
        context = new_context(browser, server.origin)
        try:
            page = context.new_page()
            page.goto(server.url(page_path), wait_until="load")
            views = page.locator(".lstm-widget")
            for k, what in enumerate(["absent", "une page HTML à sa place"]):
                if k == 1:
                    state_file.write_text("<!doctype html><title>Portail</title><p>Connectez-vous</p>", encoding="utf-8")
                view = views.nth(k)
                view.evaluate("(el) => el.scrollIntoView()")
                page.wait_for_function("(el) => el.dataset.widget", arg=view.element_handle(), timeout=20_000)
                text = view.inner_text()
                print(f"fichier d'état {what} : {text}")
                assert view.get_attribute("data-widget") == "error", (what, text)
                assert "n\u2019a pas pu être chargé" in text, text
                if k == 0:  # le premier dit tout (quel fichier, que faire), le suivant en une ligne
                    assert f"index{site_assets.WIDGET_STATE_SUFFIX}" in text and "Rechargez" in text, text
                else:
                    assert "non plus" in text and "Rechargez" not in text, text
                assert view.locator('[role="status"]').count() == 1, view.inner_html()
                assert "noyau" not in text, text
            # Un script raté ne reste pas dans la page (il n'encombre pas les essais suivants).
            assert page.locator(f'head script[src^="{state_file.name}"]').count() == 0
            # Le fichier revient (réseau rétabli) : le troisième widget, monté ensuite, se charge.
            state_file.write_text(site_assets.WIDGET_STATE_PUSH % state.group(1), encoding="utf-8")
            third = views.nth(2)
            assert third.get_attribute("data-widget") is None, "le troisième widget était déjà monté"
            third.evaluate("(el) => el.scrollIntoView()")
            page.wait_for_function("(el) => el.dataset.widget", arg=third.element_handle(), timeout=20_000)
            assert third.get_attribute("data-widget") == "rendered", third.inner_text()
            assert third.locator(".lstm-widget-loading").count() == 0, "« Chargement… » reste affiché"
        finally:
            context.close()


def test_a_widget_not_yet_mounted_says_so_on_paper(tmp_path, browser):
    """L'impression n'attend pas qu'un widget se monte (il se monte à l'approche du lecteur) : sur
    le papier, un widget encore loin le dit (_static/lstm-site.css) au lieu d'un blanc."""
    widgets = [cell_explorer(), memory_explorer()]
    page_path = _widget_page(tmp_path, widgets)
    html = (tmp_path / page_path).read_text(encoding="utf-8")
    at = html.index('<div class="cell_output">', html.index('<div class="cell_output">') + 1)
    (tmp_path / page_path).write_text(
        html[:at].replace("</head>", f"<style>{(ROOT / '_static' / 'lstm-site.css').read_text(encoding='utf-8')}</style></head>")
        + '<div style="height: 5000px"></div>' + html[at:], encoding="utf-8")
    with SiteServer(tmp_path) as server:
        context = new_context(browser, server.origin)
        try:
            page = context.new_page()
            page.goto(server.url(page_path), wait_until="load")
            page.wait_for_selector('.lstm-widget[data-widget="rendered"]', timeout=20_000)
            page.emulate_media(media="print")
            notes = page.locator(".lstm-widget").evaluate_all(
                "(els) => els.map((el) => getComputedStyle(el, '::before').content)")
            print(notes)
            assert notes[0] == "none", notes  # monté : il s'imprime lui-même
            assert "widget interactif" in notes[1] and "page web du livre" in notes[1], notes
        finally:
            context.close()


def test_widgets_are_usable_on_a_phone(built_html, book_server, browser):
    """Sur un téléphone (390 × 844), un doigt règle chaque curseur et le widget tient dans l'écran."""
    context = new_context(browser, book_server.origin, phone=True)
    problems, tapped = [], 0
    try:
        for page_path in _book_pages_with_widgets(built_html):
            states = _page_states(built_html / page_path)
            page, _ = load(context, book_server, page_path)
            for view in page.locator('.lstm-widget[data-widget="rendered"]').all():
                widget = Explorer.from_state(states[view.get_attribute("data-model-id")]["state"])
                root = view.locator(".lstm-x")
                width = root.evaluate("(el) => ({ right: el.getBoundingClientRect().right, inner: window.innerWidth })")
                if width["right"] > width["inner"] + 0.5:
                    problems.append(f"{page_path} : {widget.kind} dépasse l'écran ({width})")
                for slider in root.locator("input[type=range]").all():
                    slider.scroll_into_view_if_needed()
                    box = slider.bounding_box()
                    if box["height"] < 20 or box["width"] < 60:
                        problems.append(f"{page_path} : curseur {slider.get_attribute('data-slider')} trop petit ({box})")
                        continue
                    before = slider.input_value()
                    page.touchscreen.tap(box["x"] + 0.75 * box["width"], box["y"] + box["height"] / 2)
                    tapped += 1
                    if slider.input_value() == before:
                        problems.append(f"{page_path} : le doigt ne déplace pas {slider.get_attribute('data-slider')}")
                problems += [f"{page_path} : {p}" for p in check_widget(page, root, widget, "au doigt")]
            page.close()
    finally:
        context.close()
    print(f"{tapped} curseurs réglés au doigt")
    assert tapped > 0
    assert not problems, "\n".join(problems[:30])


# Les widgets « modèle » des chapitres (issue 14) : un réglage qui change ce que fait un modèle.
MODEL_WIDGET_PAGES = {
    "chapters/01_pourquoi_lstm.html": {"rho", "b_f"},
    "chapters/04_filtre_adaptatif.html": {"alpha"},
    "chapters/06_bidirectionnalite.html": {"delay"},
    "chapters/09_donnees_reelles.html": {"tau", "seed"},
}


def test_model_widgets_change_what_they_show(built_html, book_server, browser):
    """Chapitres 1, 4, 6 et 9 : le widget « grille » est là, dit d'où viennent ses nombres, et
    chaque curseur, réglé au clavier à ses deux bouts, change ce qui est affiché (lu dans la page,
    comparé à ``GridExplorer.shown``) ; aucune erreur dans la console."""
    context = new_context(browser, book_server.origin)
    problems, moved = [], 0
    try:
        for page_path, axes in MODEL_WIDGET_PAGES.items():
            states = _page_states(built_html / page_path)
            # Comme load(), mais à l'écoute de la console dès le chargement de la page.
            errors = []
            page = context.new_page()
            page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto(book_server.url(page_path), wait_until="load")
            page.evaluate(RENDERED_JS)
            views = [v for v in page.locator('.lstm-widget[data-widget="rendered"]').all()
                     if states[v.get_attribute("data-model-id")]["state"]["kind"] == "grid"]
            found = [Explorer.from_state(states[v.get_attribute("data-model-id")]["state"]) for v in views]
            names = [{a["name"] for a in w.config["axes"]} for w in found]
            if axes not in names:
                problems.append(f"{page_path} : pas de widget grille aux curseurs {sorted(axes)} (trouvés : {names})")
                page.close()
                continue
            widget = found[names.index(axes)]
            root = views[names.index(axes)].locator(".lstm-x")
            if "précalculé" not in root.inner_text():
                problems.append(f"{page_path} : la page ne dit pas que les nombres sont précalculés")
            for slider in root.locator("input[type=range]").all():
                seen = {}
                for key in ("Home", "End"):
                    slider.focus()
                    page.keyboard.press(key)
                    seen[key] = root.evaluate(READ_WIDGET)
                    problems += [f"{page_path} : {p}" for p in check_widget(page, root, widget, f"{key}")]
                moved += 1
                shown = {k: (v["readouts"], v["lines"], v["texts"]) for k, v in seen.items()}
                if shown["Home"] == shown["End"]:
                    problems.append(f"{page_path} : le curseur {slider.get_attribute('data-slider')} ne change rien")
            page.close()
            if errors:
                problems.append(f"{page_path} : erreurs dans la console : {errors[:3]}")
    finally:
        context.close()
    print(f"{moved} curseurs des widgets « modèle » réglés à leurs deux bouts")
    assert not problems, "\n".join(problems[:30])
    assert moved == sum(len(a) for a in MODEL_WIDGET_PAGES.values())
