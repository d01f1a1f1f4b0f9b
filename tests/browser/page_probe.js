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
    // Le MathML caché de chaque formule, posé par tools/math-a11y.js (plus aucun <template> en attente).
    mathml: [...document.querySelectorAll("mjx-container > mjx-assistive-mml > math")]
      .filter((m) => m.namespaceURI === "http://www.w3.org/1998/Math/MathML").length,
    pendingMathml: document.querySelectorAll("mjx-assistive-mml > template").length,
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

  // Widgets : chaque vue est montée par tools/widgets-loader.js (data-widget="rendered", visible,
  // avec ses curseurs), redessinée sans contrôle (data-widget="static" : barre de progression,
  // texte) ou remplacée par un renvoi vers Binder/Colab (data-widget="kernel-only", sans aucun
  // contrôle : pas de contrôle mort).
  const widgetState = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  const widgets = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')].map((script) => {
    let modelId = null;
    try { modelId = JSON.parse(script.textContent).model_id; } catch (e) { /* relevé tel quel */ }
    const view = script.parentElement.querySelector(".lstm-widget");
    const status = view ? view.getAttribute("data-widget") : null;
    const box = view ? view.getBoundingClientRect() : null;
    const controls = view ? view.querySelectorAll("input, select, button, textarea").length : 0;
    return {
      modelId,
      status,
      rendered: status === "rendered" && visible(view) && box.width > 20 && box.height > 20 && controls > 0,
      controls,
      errorViews: status === "error" ? 1 : 0,
      fallback: (status === "kernel-only" || status === "static") && controls === 0 && visible(view),
      text: short(view ? view.innerText || "" : "", 200),
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

  // Icônes : chaque caractère que la page dessine avec une police de Font Awesome (réduite aux
  // icônes du site par tools/site_icons.py), et l'état de ces polices.
  const icons = [];
  for (const el of document.querySelectorAll("body *")) {
    for (const pseudo of ["::before", "::after"]) {
      const style = getComputedStyle(el, pseudo);
      if (!/Font Awesome/.test(style.fontFamily) || !/^["']/.test(style.content)) continue;
      icons.push({ content: style.content, family: style.fontFamily, weight: style.fontWeight,
                   where: `${el.tagName.toLowerCase()}.${String(el.className).trim().replace(/\s+/g, ".")}` });
    }
  }
  const iconFonts = [...document.fonts].filter((f) => /Font Awesome/.test(f.family))
    .map((f) => ({ family: f.family, weight: f.weight, status: f.status }));

  return {
    lang: document.documentElement.getAttribute("lang"),
    icons,
    iconFonts,
    title: document.title,
    math,
    rawTex,
    // l'état dans la page (sa longueur) ou le fichier qui le porte (data-src, tools/site_assets.py)
    widgetState: widgetState ? (widgetState.getAttribute("data-src") || widgetState.textContent.length) : 0,
    widgets,
    launch,
    images,
    headings,
    height: document.documentElement.scrollHeight,
  };
}
