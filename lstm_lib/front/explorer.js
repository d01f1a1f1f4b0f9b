// Les explorateurs du livre, côté navigateur : le front-end des widgets de lstm_lib/widgets.py.
//
// Un module ESM au format d'anywidget (« export default { render } ») : dans Jupyter, Colab
// et Binder, anywidget le charge ; sur le site statique, tools/widgets-loader.js le charge
// depuis l'état du widget enregistré dans la page, sans noyau ni tiers. C'est la seule
// définition de chaque widget : le choix (et les mesures qui l'ont fait) est expliqué en
// tête de lstm_lib/widgets.py.
//
// Les calculs sont ceux de lstm_lib, recopiés au plus court (une ligne par équation) :
// tests/test_lib_widgets.py les compare à lstm_lib dans Node sur des milliers d'entrées,
// et tests/browser/test_widgets.py compare ce que la page affiche (≤ 1e-6). Les widgets
// « grille » (kind "grid") ne calculent rien : ils montrent un tableau calculé par lstm_lib.

const NBSP = "\u00a0";
const MINUS = "\u2212";
const SVG_NS = "http://www.w3.org/2000/svg";

// --- Nombres à la française : le jumeau de lstm_lib.style.format_fr(value + 0.0, digits) ---

function roundHalfEven(a, digits) {
  // Python (f"{x:.2f}") arrondit la valeur binaire exacte, les égalités au chiffre pair ;
  // toFixed arrondit les égalités vers le haut (0.125 → « 0.13 », Python : « 0.12 »).
  let text = a.toFixed(digits);
  const exact = a.toFixed(100); // développement décimal exact (|a| ≥ 1e-20)
  const tail = exact.slice(exact.indexOf(".") + 1 + digits);
  const lastDigit = Number(text[text.length - 1]);
  if (/^50*$/.test(tail) && lastDigit % 2 === 1) {
    const units = BigInt(text.replace(".", "")) - 1n;
    const raw = units.toString().padStart(digits + 1, "0");
    text = digits ? `${raw.slice(0, raw.length - digits)}.${raw.slice(raw.length - digits)}` : raw;
  }
  return text;
}

function groupThousands(integer) {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
}

/** Un nombre à la française : « 0,73 », « −0,70 », « 50 688 », « 92,3 % » (style "percent"). */
export function formatFr(value, digits, style = "fixed") {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+∞";
  if (value === -Infinity) return `${MINUS}∞`;
  let number = value + 0.0;
  if (style === "percent") number = number * 100;
  const negative = number < 0;
  const [integer, fraction] = roundHalfEven(Math.abs(number), digits).split(".");
  let text = groupThousands(integer) + (fraction === undefined ? "" : `,${fraction}`);
  if (negative) text = MINUS + text;
  return style === "percent" ? `${text}${NBSP}%` : text;
}

// --- Les équations (le détail de chacune est dans lstm_lib) ---

export const math = {
  /** σ(z) = 1 / (1 + e^{−z}), écrit ½ (1 + tanh(z / 2)) comme lstm_lib.cells.sigmoid. */
  sigmoid: (z) => Math.tanh(z * 0.5) * 0.5 + 0.5,
  /** c_t = f ⊙ c_{t−1} + i ⊙ ĉ (lstm_lib.cells.update_memory), terme à terme. */
  updateMemory: (f, cPrev, i, cHat) => f.map((_, d) => f[d] * cPrev[d] + i[d] * cHat[d]),
  /** h_t = o ⊙ tanh(c_t) (lstm_lib.cells.hidden_output). */
  hiddenOutput: (o, c) => o.map((_, d) => o[d] * Math.tanh(c[d])),
  /** Demi-vie ln 0,5 / ln f (lstm_lib.filters.half_life) ; f = 1 : +∞, f = 0 : 0. */
  halfLife: (f) => (f === 1 ? Infinity : f === 0 ? 0 : Math.log(0.5) / Math.log(f)),
  /** c_k = f · c_{k−1} + i · x, depuis c_0 (lstm_lib.filters.constant_gate_memory) : [c_0, …, c_steps]. */
  constantGateMemory(f, i, x, steps, c0) {
    const c = [c0];
    let previous = c0;
    for (let k = 0; k < steps; k++) {
      previous = f * previous + i * x;
      c.push(previous);
    }
    return c;
  },
};

/** Ce que montre l'explorateur de cellule (le jumeau de lstm_lib.widgets.cell_quantities). */
export function cellQuantities({ f, i, c_hat, o, c_prev }) {
  const c = math.updateMemory(f, c_prev, i, c_hat);
  return {
    kept: f.map((_, d) => f[d] * c_prev[d]),
    added: i.map((_, d) => i[d] * c_hat[d]),
    c,
    h: math.hiddenOutput(o, c),
  };
}

/** Ce que montre chaque sorte de widget, pour des valeurs de curseurs (le jumeau de Explorer.shown). */
export const SHOWN = {
  cell: (config, v) => cellQuantities(v),
  memory(config, v) {
    const curve = math.constantGateMemory(v.f, v.i, v.x, config.steps, config.c0);
    const decay = curve.map((_, k) => v.f ** k);
    const equilibrium = v.f < 1 ? (v.i * v.x) / (1 - v.f) : NaN;
    return { curve, decay, half_life: math.halfLife(v.f), equilibrium };
  },
  gradient_decay: (config, v) => ({ remaining: 100 * config.factor ** v.n }),
  gate_bias: (config, v) => ({ gate: math.sigmoid(v.b) }),
  saturation(config, v) {
    // c_t = 1 · c_{t−1} + 1 · ĉ, t fois, depuis c_0 = 0 ; h_t = 1 · tanh(c_t).
    let c = config.c0;
    for (let t = 0; t < v.t; t++) c = 1 * c + 1 * config.c_hat;
    return { c, h: 1 * Math.tanh(c) };
  },
  half_life: (config, v) => ({ kept: 100 * v.f ** config.horizon, half_life: math.halfLife(v.f) }),
  grid(config, v) {
    const pick = (table) => config.axes.reduce((t, axis) => t[v[axis.name]], table);
    const shown = {};
    for (const r of config.readouts || []) shown[r.name] = pick(r.data);
    for (const c of config.curves || []) shown[c.name] = pick(c.data);
    for (const t of config.texts || []) shown[t.name] = pick(t.data);
    return shown;
  },
};

// --- Petits outils de DOM ---

// Identifiants uniques dans la page, même quand chaque widget importe sa propre copie du module.
function nextId() {
  globalThis.__lstmExplorerIds = (globalThis.__lstmExplorerIds || 0) + 1;
  return `lstm-x-${globalThis.__lstmExplorerIds}`;
}

function h(tag, attributes = {}, ...children) {
  const el = tag.startsWith("svg:") ? document.createElementNS(SVG_NS, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) el.append(child);
  }
  return el;
}

function svg(tag, attributes = {}, ...children) {
  return h(`svg:${tag}`, attributes, ...children);
}

// Les libellés des widgets écrivent les indices comme TeX (« b_f », « ∂h_{T−k} ») : à l'écran
// ils deviennent des <sub> ; dans un nom accessible (aria-label), le texte sans « _ » ni accolades.
// L'apostrophe droite du code Python (« d'oubli ») devient l'apostrophe typographique du texte.
const SUBSCRIPT = /_(?:\{([^}]*)\}|([^\s{}]))/g;
const typographic = (text) => String(text).replace(/'/g, "\u2019");
function rich(raw) {
  const text = typographic(raw);
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(SUBSCRIPT)) {
    parts.push(text.slice(last, m.index), h("sub", {}, m[1] ?? m[2]));
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts.filter((p) => p !== "");
}
function plain(text) {
  return typographic(text).replace(SUBSCRIPT, (_, braced, single) => braced ?? single);
}

/** Un nombre affiché : la valeur exacte en data-value, le texte à la française (relus par les tests). */
function number(name, value, digits, { index, style } = {}) {
  return h(
    "span",
    {
      class: "lstm-x-number",
      "data-readout": name,
      "data-index": index,
      "data-value": String(value),
      "data-digits": digits,
      "data-style": style,
    },
    formatFr(value, digits, style),
  );
}

function sliderValueText(spec, value) {
  if (spec.values) return formatFr(spec.values[value], spec.digits ?? 2) + (spec.unit ? NBSP + spec.unit : "");
  return formatFr(value, spec.digits ?? 2) + (spec.unit ? NBSP + spec.unit : "");
}

/**
 * Un curseur : <input type="range"> natif (flèches, Début/Fin, Page préc./suiv.) avec un nom
 * accessible (label ou aria-labelledby) et sa valeur dite en français (aria-valuetext).
 * spec : {name, label, min, max, step, digits, unit} ; ou {values: [...]} pour une grille.
 */
function slider(spec, value, onInput, { labelledBy, label } = {}) {
  const id = nextId();
  const grid = Array.isArray(spec.values);
  const input = h("input", {
    type: "range",
    id,
    name: spec.name,
    min: grid ? 0 : spec.min,
    max: grid ? spec.values.length - 1 : spec.max,
    step: grid ? 1 : spec.step,
    "data-slider": spec.name,
    "aria-labelledby": labelledBy,
  });
  input.value = String(value);
  const readout = h("output", { for: id, class: "lstm-x-readout", "aria-hidden": "true" });
  const sync = () => {
    const current = Number(input.value);
    const text = sliderValueText(spec, current);
    readout.textContent = text;
    input.setAttribute("aria-valuetext", text);
  };
  input.addEventListener("input", () => {
    sync();
    onInput(spec.name, Number(input.value));
  });
  sync();
  const labelEl = labelledBy ? null : h("label", { for: id, class: "lstm-x-label" }, rich(label ?? spec.label));
  return { element: h("div", { class: "lstm-x-slider" }, labelEl, input, readout), input };
}

// --- Graphiques SVG, dessinés à la taille réelle du conteneur (texte lisible sur un téléphone) ---

function niceTicks(low, high, count = 5) {
  const span = high - low || 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) ticks.push(Math.round(t / step) * step);
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return { ticks, digits };
}

function superscript(n) {
  const map = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
  return String(n).split("").map((c) => map[c]).join("");
}

// Largeur d'un texte du graphique, estimée avant qu'il soit dans la page (le SVG est construit
// hors du document, getComputedTextLength n'y répond pas) : 0,58 em par caractère, 0,38 em pour
// un exposant — un peu plus que la police sans empattement du thème, pour ne jamais chevaucher.
// tests/browser/test_widgets.py vérifie dans Chromium qu'aucun texte n'en chevauche un autre.
const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻";
function textWidth(text, size) {
  return [...text].reduce((w, c) => w + (SUPERSCRIPTS.includes(c) ? 0.38 : 0.58) * size, 0);
}

/** Un titre trop long pour sa place, coupé en deux lignes à l'espace la plus proche du milieu. */
function splitTitle(text, room, size) {
  if (textWidth(text, size) <= room) return [text];
  const spaces = [...text.matchAll(/ /g)].map((m) => m.index);
  if (!spaces.length) return [text];
  const middle = text.length / 2;
  const at = spaces.reduce((best, i) => (Math.abs(i - middle) < Math.abs(best - middle) ? i : best));
  return [text.slice(0, at), text.slice(at + 1)];
}

const TICK_SIZE = 12; // px, comme .lstm-x-chart dans explorer.css
const TITLE_SIZE = 13; // px, comme .lstm-x-axis-title
const TITLE_LINE = 16; // px entre deux lignes d'un titre d'axe

/** Le cadre commun : axes, graduations à la française, titres d'axes. Rend {svg, x, y, plot}. */
function frame(requested, { xLow, xHigh, yLow, yHigh, xLabel, yLabel, yLog, xTicks }) {
  // Un conteneur encore sans largeur (monté avant d'être affiché) : une largeur de téléphone.
  const width = Math.max(280, Math.round(requested || 0));
  const small = width < 480;
  const height = Math.round(Math.min(340, Math.max(small ? 240 : 220, width * 0.5)));
  const top = 10;
  const bottom = small ? 40 : 44;
  const ty = (v) => (yLog ? Math.log10(v) : v);
  const yl = ty(yLow);
  const yh = ty(yHigh);
  let yTicks;
  if (yLog) {
    const ticks = [];
    const lo = Math.ceil(yl);
    const hi = Math.floor(yh);
    const every = Math.max(1, Math.ceil((hi - lo + 1) / 6));
    for (let e = lo; e <= hi; e += every) ticks.push(e);
    yTicks = ticks.map((e) => [10 ** e, `10${superscript(e)}`]);
  } else {
    const yt = niceTicks(yLow, yHigh, 5);
    yTicks = yt.ticks.map((t) => [t, formatFr(t, yt.digits)]);
  }
  // La marge de gauche se fait à ce qu'elle porte : le titre de l'axe (une ou deux lignes) puis
  // la plus large des graduations ; un titre plus long que l'axe passe sur deux lignes.
  const titleLines = yLabel ? splitTitle(yLabel, height - top - bottom - 8, TITLE_SIZE) : [];
  const tickWidth = Math.max(0, ...yTicks.map(([, text]) => textWidth(text, TICK_SIZE)));
  const left = Math.ceil(Math.max(small ? 46 : 58, 6 + TITLE_LINE * titleLines.length + tickWidth + 8));
  const margin = { left, right: 12, top, bottom };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const x = (v) => margin.left + ((v - xLow) / (xHigh - xLow || 1)) * plotW;
  const y = (v) => margin.top + (1 - (ty(v) - yl) / (yh - yl || 1)) * plotH;
  const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "lstm-x-chart" });
  const axes = svg("g", { class: "lstm-x-axes", "aria-hidden": "true" });
  const xt = xTicks ?? niceTicks(xLow, xHigh, small ? 4 : 6);
  for (const t of xt.ticks) {
    axes.append(svg("line", { x1: x(t), x2: x(t), y1: margin.top, y2: margin.top + plotH, class: "lstm-x-grid" }));
    axes.append(svg("text", { x: x(t), y: margin.top + plotH + 16, "text-anchor": "middle", class: "lstm-x-tick" }, xt.labels ? xt.labels(t) : formatFr(t, xt.digits)));
  }
  for (const [value, text] of yTicks) {
    axes.append(svg("line", { x1: margin.left, x2: margin.left + plotW, y1: y(value), y2: y(value), class: "lstm-x-grid" }));
    axes.append(svg("text", { x: margin.left - 6, y: y(value) + 4, "text-anchor": "end", class: "lstm-x-tick lstm-x-ytick" }, text));
  }
  axes.append(svg("rect", { x: margin.left, y: margin.top, width: plotW, height: plotH, class: "lstm-x-box" }));
  axes.append(svg("text", { x: margin.left + plotW / 2, y: height - 6, "text-anchor": "middle", class: "lstm-x-axis-title" }, xLabel));
  titleLines.forEach((line, k) => {
    // Tourné d'un quart de tour : la première ligne à gauche, comme dans matplotlib.
    const at = 17 + TITLE_LINE * k;
    const middle = margin.top + plotH / 2;
    axes.append(svg("text", { x: at, y: middle, "text-anchor": "middle", transform: `rotate(-90 ${at} ${middle})`, class: "lstm-x-axis-title lstm-x-ytitle" }, line));
  });
  root.append(axes);
  const plot = svg("g", { class: "lstm-x-plot" });
  root.append(plot);
  return { root, x, y, plot, margin, plotW, plotH, small };
}

/** Courbes : series = [{name, label, color, dash, values}] sur les abscisses xs. */
function lineChart(width, { xs, series, xLabel, yLabel, yLog, yLow, yHigh, hlines = [] }) {
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && (!yLog || v > 0));
  let low = yLow ?? Math.min(...all);
  let high = yHigh ?? Math.max(...all);
  if (yLog) {
    low = 10 ** Math.floor(Math.log10(low));
    high = 10 ** Math.ceil(Math.log10(high));
  }
  const f = frame(width, { xLow: xs[0], xHigh: xs[xs.length - 1], yLow: low, yHigh: high, xLabel, yLabel, yLog });
  for (const line of hlines) {
    f.plot.append(svg("line", { x1: f.margin.left, x2: f.margin.left + f.plotW, y1: f.y(line), y2: f.y(line), class: "lstm-x-hline" }));
  }
  for (const s of series) {
    const points = s.values
      .map((v, k) => (Number.isFinite(v) && (!yLog || v > 0) ? `${f.x(xs[k]).toFixed(1)},${f.y(v).toFixed(1)}` : null))
      .filter(Boolean)
      .join(" ");
    f.plot.append(
      svg("polyline", { points, fill: "none", stroke: s.color, "stroke-width": s.width ?? 2.5, "stroke-dasharray": s.dash, "data-series": s.name }),
    );
  }
  return f.root;
}

/** Barres groupées : groups = noms des groupes, bars = [{name, label, color, values}]. */
function barChart(width, { groups, bars, yLabel, digits }) {
  const all = bars.flatMap((b) => b.values);
  const extent = Math.max(1.2, 1.25 * Math.max(...all.map(Math.abs)));
  const n = groups.length;
  const f = frame(width, {
    xLow: -0.5,
    xHigh: n - 0.5,
    yLow: -extent,
    yHigh: extent,
    xLabel: "",
    yLabel,
    xTicks: { ticks: [...groups.keys()], labels: (t) => groups[t] },
  });
  f.plot.append(svg("line", { x1: f.margin.left, x2: f.margin.left + f.plotW, y1: f.y(0), y2: f.y(0), class: "lstm-x-zero" }));
  const slot = f.plotW / n;
  const barW = (slot * 0.8) / bars.length;
  bars.forEach((bar, k) => {
    bar.values.forEach((v, g) => {
      const left = f.margin.left + g * slot + slot * 0.1 + k * barW;
      const top = Math.min(f.y(v), f.y(0));
      f.plot.append(
        svg("rect", { x: left, y: top, width: Math.max(1, barW - 1), height: Math.abs(f.y(v) - f.y(0)), fill: bar.color, "data-series": bar.name, "data-index": g }),
      );
      if (!f.small) { // sur un téléphone, les étiquettes se chevaucheraient : le tableau donne les nombres
        f.plot.append(
          svg("text", { x: left + barW / 2, y: v >= 0 ? f.y(v) - 3 : f.y(v) + 11, "text-anchor": "middle", class: "lstm-x-bar-label", "aria-hidden": "true" }, formatFr(v, digits)),
        );
      }
    });
  });
  return f.root;
}

function legend(items) {
  return h(
    "ul",
    { class: "lstm-x-legend" },
    items.map((item) =>
      h("li", {}, h("span", { class: `lstm-x-swatch${item.dash ? " lstm-x-swatch-dash" : ""}`, style: `--swatch:${item.color}`, "aria-hidden": "true" }), rich(item.label)),
    ),
  );
}

/** Une figure accessible : le SVG est décoratif, sa description (aria-label) dit ce qu'il montre. */
function figureBox() {
  const holder = h("div", { class: "lstm-x-figure", role: "img" });
  return {
    element: holder,
    update(chart, description) {
      holder.setAttribute("aria-label", description);
      holder.replaceChildren(chart);
    },
  };
}

// --- Les sortes de widgets ---

const VIEWS = {};

VIEWS.cell = function cellView(root, config, values, changed) {
  const { dims, sliders: specs, colors, digits } = config;
  const grid = h("div", { class: "lstm-x-cell-grid", style: `--dims:${dims}` });
  grid.append(h("span", { class: "lstm-x-corner" }));
  const dimIds = [];
  for (let d = 0; d < dims; d++) {
    const id = nextId();
    dimIds.push(id);
    grid.append(h("span", { id, class: "lstm-x-colhead" }, `dim. ${d + 1}`));
  }
  for (const spec of specs) {
    const rowId = nextId();
    grid.append(h("span", { id: rowId, class: "lstm-x-rowhead" }, spec.label));
    for (let d = 0; d < dims; d++) {
      const s = slider({ ...spec, name: `${spec.name}.${d}` }, values[spec.name][d], (_name, v) => {
        values[spec.name][d] = v;
        changed();
      }, { labelledBy: `${rowId} ${dimIds[d]}` });
      grid.append(s.element);
    }
  }
  const table = h("div", { class: "lstm-x-scroll", tabindex: "0", role: "region", "aria-label": "Tableau des résultats" });
  const figure = figureBox();
  const rows = [
    ["kept", "gardé f ⊙ cₜ₋₁"],
    ["added", "ajouté i ⊙ ĉ"],
    ["c", "nouvelle mémoire cₜ"],
    ["h", "sortie hₜ = o ⊙ tanh(cₜ)"],
  ];
  root.append(grid, table, figure.element, legend(rows.map(([name, label]) => ({ label, color: colors[name] }))));
  return (width) => {
    const q = SHOWN.cell(config, values);
    table.replaceChildren(
      h(
        "table",
        { class: "lstm-x-table" },
        h("caption", {}, "Résultat du pas, dimension par dimension"),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "grandeur"), [...Array(dims).keys()].map((d) => h("th", { scope: "col" }, `dim. ${d + 1}`)))),
        h(
          "tbody",
          {},
          rows.map(([name, label]) => h("tr", {}, h("th", { scope: "row" }, label), q[name].map((v, d) => h("td", {}, number(name, v, digits, { index: d }))))),
        ),
      ),
    );
    const chart = barChart(width, {
      groups: [...Array(dims).keys()].map((d) => `dimension ${d + 1}`),
      bars: rows.map(([name, label]) => ({ name, label, color: colors[name], values: q[name] })),
      yLabel: "valeur (sans unité)",
      digits: 2,
    });
    const parts = [...Array(dims).keys()].map(
      (d) => `dimension ${d + 1} : gardé ${formatFr(q.kept[d], 2)}, ajouté ${formatFr(q.added[d], 2)}, mémoire ${formatFr(q.c[d], 2)}, sortie ${formatFr(q.h[d], 2)}`,
    );
    figure.update(chart, `Barres par dimension. ${parts.join(" ; ")}.`);
  };
};

VIEWS.memory = function memoryView(root, config, values, changed) {
  const controls = h("div", { class: "lstm-x-controls" });
  for (const spec of config.sliders) {
    controls.append(slider(spec, values[spec.name], (name, v) => { values[name] = v; changed(); }).element);
  }
  const text = h("p", { class: "lstm-x-text", "aria-live": "polite" });
  const figure = figureBox();
  const colors = config.colors;
  root.append(
    controls,
    text,
    figure.element,
    legend([
      { label: "mémoire cₖ", color: colors.c },
      { label: "fᵏ (rien d'ajouté)", color: colors.f, dash: true },
    ]),
  );
  return (width) => {
    const q = SHOWN.memory(config, values);
    const hl = q.half_life;
    const parts = [];
    if (hl === Infinity) parts.push(h("span", { "data-readout": "half_life", "data-value": "Infinity" }, "demi-vie infinie (f = 1 : rien ne s'oublie)"));
    else parts.push("demi-vie ln 0,5 / ln f = ", number("half_life", hl, 1), NBSP + "pas");
    if (values.f < 1) parts.push(" ; valeur d'équilibre i·x / (1 − f) = ", number("equilibrium", q.equilibrium, 3));
    text.replaceChildren(...parts);
    const ks = q.curve.map((_, k) => k);
    const low = Math.min(-0.05, Math.min(...q.curve) - 0.05);
    const high = Math.max(1.05, Math.max(...q.curve) + 0.05);
    const chart = lineChart(width, {
      xs: ks,
      series: [
        { name: "curve", label: "mémoire", color: colors.c, values: q.curve },
        { name: "decay", label: "f^k", color: colors.f, dash: "6 4", values: q.decay },
      ],
      xLabel: "pas de temps k",
      yLabel: "mémoire (sans unité)",
      yLow: low,
      yHigh: high,
      hlines: [0.5],
    });
    figure.update(
      chart,
      `Courbe de la mémoire cₖ sur ${config.steps} pas avec f = ${formatFr(values.f, 2)}, i = ${formatFr(values.i, 2)}, x = ${formatFr(values.x, 2)} : ` +
        `elle finit à ${formatFr(q.curve[q.curve.length - 1], 3)} ; la décroissance fᵏ finit à ${formatFr(q.decay[q.decay.length - 1], 3)}.`,
    );
  };
};

/** Les aides des exercices : un curseur, une phrase. lines(q, v) rend les morceaux de la phrase. */
function sentenceView(lines) {
  return function view(root, config, values, changed) {
    const controls = h("div", { class: "lstm-x-controls" });
    for (const spec of config.sliders) {
      controls.append(slider(spec, values[spec.name], (name, v) => { values[name] = v; changed(); }).element);
    }
    const text = h("p", { class: "lstm-x-text", "aria-live": "polite" });
    root.append(controls, text);
    return () => text.replaceChildren(...lines(SHOWN[config.kind](config, values), values, config));
  };
}

VIEWS.gradient_decay = sentenceView((q, v) => [
  `après ${v.n} pas : il reste `, number("remaining", q.remaining, 2), `${NBSP}% du gradient`,
]);
VIEWS.gate_bias = sentenceView((q, v) => [
  `b_f = ${formatFr(v.b, 3)}  →  f = σ(b_f) = `, number("gate", q.gate, 4),
]);
VIEWS.saturation = sentenceView((q, v) => [
  `pas t = ${v.t} : cₜ = `, number("c", q.c, 2), " ; hₜ = tanh(cₜ) = ", number("h", q.h, 4),
]);
VIEWS.half_life = sentenceView((q, v, config) => [
  `f = ${formatFr(v.f, 4)} : il reste `, number("kept", q.kept, 2), `${NBSP}% de la mémoire après ${config.horizon} pas (demi-vie : `,
  number("half_life", q.half_life, 2), `${NBSP}pas)`,
]);

VIEWS.grid = function gridView(root, config, values, changed) {
  const controls = h("div", { class: "lstm-x-controls" });
  for (const axis of config.axes) {
    controls.append(slider(axis, values[axis.name], (name, v) => { values[name] = v; changed(); }).element);
  }
  const text = h("p", { class: "lstm-x-text", "aria-live": "polite" });
  const figure = config.curves && config.curves.length ? figureBox() : null;
  // Les textes (ce qu'écrit un modèle, par exemple) : affichés tels quels, le préfixe en gras.
  const texts = (config.texts || []).map((t) => ({ spec: t, body: h("span", { "data-text": t.name }) }));
  root.append(controls, text, ...texts.map(({ spec, body }) => h("p", { class: "lstm-x-sample" }, `${spec.label} : `, body)));
  if (figure) root.append(figure.element, legend(config.curves.map((c) => ({ label: c.label, color: c.color, dash: Boolean(c.dash) }))));
  return (width) => {
    const q = SHOWN.grid(config, values);
    const parts = [];
    (config.readouts || []).forEach((r, k) => {
      if (k) parts.push(" ; ");
      parts.push(`${r.label} : `, number(r.name, q[r.name], r.digits ?? 2, { style: r.style }), r.unit ? NBSP + r.unit : "");
    });
    text.replaceChildren(...parts);
    for (const { spec, body } of texts) {
      const value = q[spec.name];
      const prefix = spec.prefix && value.startsWith(spec.prefix) ? spec.prefix : "";
      body.replaceChildren(...(prefix ? [h("strong", {}, prefix)] : []), value.slice(prefix.length));
    }
    if (figure) {
      const chart = lineChart(width, {
        xs: config.x.values,
        series: config.curves.map((c) => ({ name: c.name, label: c.label, color: c.color, dash: c.dash ? "6 4" : undefined, values: q[c.name] })),
        xLabel: config.x.label,
        yLabel: config.y_label,
        yLog: config.y_scale === "log",
      });
      const at = config.axes.map((a) => `${plain(a.label)} = ${sliderValueText(a, values[a.name])}`).join(", ");
      figure.update(chart, `${plain(config.figure_alt ?? "Courbes")} pour ${at}.`);
    }
  };
};

// --- Le point d'entrée anywidget ---

function render({ model, el }) {
  const kind = model.get("kind");
  const config = { ...model.get("config"), kind };
  const values = structuredClone(model.get("values"));
  const view = VIEWS[kind];
  const root = h("section", { class: "lstm-x", "data-kind": kind, "aria-label": plain(config.title) });
  root.append(h("p", { class: "lstm-x-title" }, h("strong", {}, rich(config.title)), config.subtitle ? ` — ${config.subtitle}` : ""));
  if (!view) {
    root.append(h("p", {}, `Widget inconnu : « ${kind} ».`));
    el.append(root);
    return undefined;
  }
  let redraw = () => {};
  const changed = () => {
    model.set("values", structuredClone(values));
    model.save_changes();
    redraw(root.clientWidth || 640);
  };
  redraw = view(root, config, values, changed);
  if (config.note) root.append(h("p", { class: "lstm-x-note" }, config.note));
  el.append(root);
  redraw(root.clientWidth || 640);
  let lastWidth = root.clientWidth;
  const observer = typeof ResizeObserver === "function"
    ? new ResizeObserver(() => {
      if (Math.abs(root.clientWidth - lastWidth) > 8) {
        lastWidth = root.clientWidth;
        redraw(lastWidth);
      }
    })
    : null;
  if (observer) observer.observe(root);
  return () => observer && observer.disconnect();
}

export default { render };
