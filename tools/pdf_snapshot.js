// Relevé d'une page du site pour le PDF du livre (tools/build_pdf.py), une fois MathJax
// et les widgets passés. Rend le contenu de l'article, prêt à être mis bout à bout avec
// les autres pages dans un seul document :
//   - identifiants préfixés (deux pages ont chacune leur « references ») et liens vers
//     les pages du livre changés en liens internes au document ;
//   - adresses des images et des feuilles de style rendues absolues ;
//   - ni scripts, ni boutons, ni cellules masquées (« Afficher la cellule ») ;
//   - solutions des exercices retirées, ou ouvertes ;
//   - chaque figure de sortie de cellule numérotée, avec une légende ;
//   - et ce qui manquerait sur papier : équations non rendues, widgets sans rendu.
(args) => {
  const { prefix, pages, solutions } = args;  // pages : {chemin absolu: préfixe}
  const problems = [];
  // Blancs ordinaires réduits ; les espaces insécables de la typographie française restent.
  const short = (text, n = 100) => (text || "").replace(/[ \t\r\n]+/g, " ").trim().slice(0, n);

  // 1. Ce qui doit être rendu sur la page vivante.
  for (const m of document.querySelectorAll("article.bd-article div.math, article.bd-article span.math")) {
    if (!m.querySelector("mjx-container")) problems.push(`équation non rendue : ${short(m.textContent)}`);
  }
  for (const e of document.querySelectorAll("article.bd-article mjx-merror, article.bd-article [data-mjx-error]")) {
    problems.push(`erreur TeX : ${e.getAttribute("data-mjx-error") || short(e.textContent)}`);
  }
  let widgets = 0;
  for (const script of document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')) {
    widgets += 1;
    const area = script.parentElement;
    // Monté par tools/widgets-loader.js : « rendered » (un widget anywidget, qui doit avoir une
    // taille), « static » (une barre de progression, un texte : rendus sans noyau, tels quels),
    // « kernel-only » ou « error » (rien d'utile sur papier).
    const mounted = area.querySelector(".lstm-widget[data-widget]");
    const state = mounted ? mounted.getAttribute("data-widget") : null;
    const view = mounted ? (state === "rendered" || state === "static" ? mounted : null)
      : area.querySelector(".jupyter-widgets, .widget-subarea, .lm-Widget, img.jupyter-widget");
    const box = view ? view.getBoundingClientRect() : null;
    const error = area.querySelector(".jupyter-widgets-error-widget, .widget-error");
    const tooSmall = box && state !== "static" && (box.width < 20 || box.height < 20);
    if (!view || error || tooSmall) {
      problems.push(`widget sans rendu : ${short(area.innerText) || "(zone vide)"}`);
    }
    area.classList.add("pdf-widget");
  }

  // 2. La copie de l'article.
  const article = document.querySelector("article.bd-article");
  if (!article) return { problems: ["pas d'article sur la page"], html: "", title: "", widgets, figures: 0 };
  const copy = article.cloneNode(true);
  const remove = (selector) => copy.querySelectorAll(selector).forEach((el) => el.remove());
  remove("script, noscript, .headerlink, button, details.hide, .thebe-launch-button, .copybtn");
  if (solutions === "omit") {
    remove("div.solution");
  } else {
    copy.querySelectorAll(".toggle-hidden").forEach((el) => el.classList.remove("toggle-hidden"));
    copy.querySelectorAll("details").forEach((el) => el.setAttribute("open", ""));
  }

  // Identifiants préfixés, et références internes à la page mises à jour.
  for (const el of copy.querySelectorAll("[id]")) el.id = prefix + el.id;
  for (const attribute of ["for", "aria-labelledby", "aria-describedby", "aria-controls"]) {
    for (const el of copy.querySelectorAll(`[${attribute}]`)) {
      el.setAttribute(attribute, el.getAttribute(attribute).split(/\s+/).map((id) => prefix + id).join(" "));
    }
  }
  // Liens : vers une page du livre → lien interne ; vers le reste du site → texte seul.
  for (const a of copy.querySelectorAll("a[href]")) {
    const url = new URL(a.getAttribute("href"), document.baseURI);
    if (url.origin !== location.origin) continue;  // lien externe : gardé
    const target = pages[url.pathname];
    if (target === undefined) {
      a.removeAttribute("href");
      continue;
    }
    a.setAttribute("href", "#" + target + (url.hash ? decodeURIComponent(url.hash.slice(1)) : "top"));
  }
  for (const img of copy.querySelectorAll("img[src]")) {
    img.setAttribute("src", new URL(img.getAttribute("src"), document.baseURI).href);
    img.removeAttribute("loading"); // sur le site, à l'approche du lecteur (tools/site_images.py) ; ici, tout de suite
  }

  // Figures des cellules : numérotées, avec pour légende la première phrase du texte alternatif.
  // Chapitre numéroté (« 2. ») : figures 2.1, 2.2… ; page sans numéro : 1, 2…
  const number = copy.querySelector("h1 .section-number");
  const figurePrefix = number ? number.textContent.trim().replace(/\.$/, "") + "." : "";
  let figures = 0;
  for (const img of copy.querySelectorAll(".cell_output img")) {
    if (img.closest(".pdf-widget, figure")) continue;
    figures += 1;
    const alt = (img.getAttribute("alt") || "").trim();
    const sentence = short(alt.split(/(?<=[.!?])\s/)[0], 220);
    const figure = document.createElement("figure");
    figure.className = "pdf-figure";
    img.replaceWith(figure);
    figure.appendChild(img);
    const caption = document.createElement("figcaption");
    caption.textContent = `Figure ${figurePrefix}${figures}` + (sentence ? ` — ${sentence}` : "");
    figure.appendChild(caption);
  }

  const heading = copy.querySelector("h1");
  return {
    problems,
    widgets,
    figures,
    title: heading ? short(heading.textContent, 200) : short(document.title, 200),
    html: copy.innerHTML,
    styles: [...document.querySelectorAll("style")].map((s) => s.textContent),
    stylesheets: [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => l.href),
    htmlAttributes: Object.fromEntries([...document.documentElement.attributes].map((a) => [a.name, a.value])),
  };
}
