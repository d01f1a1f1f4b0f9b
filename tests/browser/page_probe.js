// Relevé d'une page du livre, une fois MathJax et les widgets passés (tests/browser/conftest.py).
() => {
  const visible = (el) => {
    if (!el || !(el.offsetWidth || el.offsetHeight || el.getClientRects().length)) return false;
    const style = getComputedStyle(el);
    return style.visibility !== "hidden" && style.display !== "none" && Number(style.opacity) !== 0;
  };
  const short = (text, n = 120) => text.replace(/\s+/g, " ").trim().slice(0, n);

  // Équations : chaque nœud math de Sphinx doit contenir un rendu MathJax, sans erreur TeX.
  const mathNodes = [...document.querySelectorAll("div.math, span.math")];
  const math = {
    total: mathNodes.length,
    rendered: mathNodes.filter((m) => m.querySelector("mjx-container")).length,
    unrendered: mathNodes.filter((m) => !m.querySelector("mjx-container")).map((m) => short(m.textContent)),
    containers: document.querySelectorAll("mjx-container").length,
    errors: [...document.querySelectorAll("mjx-merror, [data-mjx-error]")].map(
      (e) => e.getAttribute("data-mjx-error") || short(e.textContent)),
  };

  // TeX brut resté dans le texte visible (hors code : un cours peut montrer du LaTeX en code).
  const rawTex = [];
  const skip = "script, style, pre, code, kbd, samp, textarea, noscript, mjx-container, .highlight";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest(skip) || !visible(el)) continue;
    const text = node.textContent;
    if (/\\\[|\\\]|\\\(|\\\)|\$\$/.test(text) || /\$[^$\n]*\\[A-Za-z]+[^$\n]*\$/.test(text)) rawTex.push(short(text));
  }

  // Widgets : chaque zone de sortie de widget est rendue (vue visible, sans erreur),
  // ou son image statique de repli (img.jupyter-widget, convention ipywidgets) est visible.
  const widgetState = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  const widgets = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')].map((script) => {
    let modelId = null;
    try { modelId = JSON.parse(script.textContent).model_id; } catch (e) { /* relevé tel quel */ }
    const area = script.parentElement;
    const views = [...area.querySelectorAll(".jupyter-widgets, .widget-subarea, .lm-Widget")].filter(visible);
    const box = views.length ? views[0].getBoundingClientRect() : null;
    const controls = area.querySelectorAll("input, select, button, textarea, .widget-readout, .widget-label").length;
    const errorViews = [...area.querySelectorAll(".jupyter-widgets-error-widget, .widget-error")].length;
    const fallback = [...area.querySelectorAll("img.jupyter-widget")].filter(visible).length;
    return {
      modelId,
      rendered: views.length > 0 && box.width > 20 && box.height > 20 && errorViews === 0,
      controls,
      errorViews,
      fallback: fallback > 0,
      text: short(area.innerText || "", 200),
    };
  });

  // Boutons de lancement (liens de l'en-tête).
  const launch = [...document.querySelectorAll("a[href]")]
    .map((a) => a.getAttribute("href"))
    .filter((href) => /mybinder\.org|colab\.research\.google\.com/.test(href));

  // Images : texte alternatif.
  const images = [...document.querySelectorAll("img")].map((img) => ({
    src: img.getAttribute("src") || "",
    alt: img.getAttribute("alt"),
    loaded: img.complete && img.naturalWidth > 0,
  }));

  // Titres du contenu de la page, dans l'ordre du document.
  const article = document.querySelector("article.bd-article") || document.querySelector("main article")
    || document.querySelector("main") || document.body;
  const headingText = (h) => {
    const copy = h.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach((a) => a.remove());  // le « # » de Sphinx
    return short(copy.textContent, 80);
  };
  const headings = [...article.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => ({
    level: Number(h.tagName[1]),
    text: headingText(h),
  }));

  return {
    lang: document.documentElement.getAttribute("lang"),
    title: document.title,
    math,
    rawTex,
    widgetState: widgetState ? widgetState.textContent.length : 0,
    widgets,
    launch,
    images,
    headings,
    height: document.documentElement.scrollHeight,
  };
}
