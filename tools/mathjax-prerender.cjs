// Les équations du site, rendues par MathJax 3 au build plutôt que dans le navigateur du lecteur.
//
// Lancé par tools/site_math.py (une fois par build, pour toutes les pages). Lit sur l'entrée
// standard {"pages": [[[tex, display], …], …]} (les formules de chaque page) et écrit sur la
// sortie standard {"pages": [{"html": [le SVG de chaque formule], "cache": les tracés des
// caractères de la page}, …], "css": la feuille de style de la sortie SVG}.
// MathJax vient de node_modules/mathjax (package.json) : TeX, sortie SVG (ni police à télécharger
// ni feuille de style par caractère) et MathML caché pour les lecteurs d'écran. Le tracé de chaque
// caractère n'est écrit qu'une fois par page (fontCache « global », comme MathJax le fait dans un
// navigateur) : chaque formule y renvoie par <use>. En « local », chaque formule portait ses
// propres tracés : au chapitre 1, 485 Ko de tracés pour 39 Ko de tracés distincts.
"use strict";

// Un <g> qui ne porte que le nom de son nœud MathML (data-mml-node : ni transform, ni style) ne
// change rien au dessin ; le navigateur doit pourtant le lire et le placer (au chapitre 1, 871
// des 2 190 <g> des formules). On le remplace par ses enfants, sauf là où la feuille de style de
// MathJax s'en sert (merror, mtable, maction et leurs enfants directs).
const KEPT_NODES = new Set(["merror", "mtable", "maction"]);
const PLAIN_ATTRIBUTES = new Set(["data-mml-node", "data-mjx-texclass"]);
function isPlainGroup(adaptor, node) {
  if (adaptor.kind(node) !== "g") return false;
  const attributes = adaptor.allAttributes(node);
  if (!attributes.every((a) => PLAIN_ATTRIBUTES.has(a.name))) return false;
  if (KEPT_NODES.has(adaptor.getAttribute(node, "data-mml-node"))) return false;
  const parent = adaptor.parent(node);
  return !(parent && (KEPT_NODES.has(adaptor.getAttribute(parent, "data-mml-node") || "")
                      || adaptor.getAttribute(parent, "data-table") !== null && adaptor.kind(parent) === "svg"));
}
function flatten(adaptor, node) {
  for (const child of [...adaptor.childNodes(node)]) {
    if (adaptor.kind(child) === "#text" || adaptor.kind(child) === "#comment") continue;
    flatten(adaptor, child);
    if (isPlainGroup(adaptor, child)) {
      for (const grandchild of [...adaptor.childNodes(child)]) adaptor.insert(grandchild, child);
      adaptor.remove(child);
    }
  }
}

// Un caractère absent des polices TeX de MathJax (« é » de \text{mémoire}) est écrit en <text>
// et dessiné par le navigateur ; au build, sans navigateur, le liteDOM n'en connaît pas la
// largeur et en suppose 0,6 em : un blanc suivait chaque lettre accentuée (« mé moire »). Une
// lettre accentuée a la largeur de sa lettre de base (« e » : 0,444 em), que la police connaît.
function measureAccentedLetters(adaptor, font) {
  const estimate = adaptor.nodeSize.bind(adaptor);
  adaptor.nodeSize = (node, em = 1, local = null) => {
    const text = adaptor.textContent(node);
    const variant = (adaptor.kind(node) === "text" && adaptor.getAttribute(node, "data-variant")) || "normal";
    let width = 0;
    for (const c of text) {
      const base = c.normalize("NFD").codePointAt(0);
      const glyph = base !== c.codePointAt(0) ? font.getChar(variant, base) || font.getChar("normal", base) : null;
      if (!glyph) return estimate(node, em, local);
      width += glyph[2];
    }
    return [width, estimate(node, em, local)[1]];
  };
}

const path = require("path");

const root = path.join(__dirname, "..", "node_modules", "mathjax", "es5");
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  global.MathJax = {
    loader: {
      paths: { mathjax: root },
      require: require,
      // textmacros : le texte d'un \text{…} ou \texttt{…} est lu comme en LaTeX (« d\_output »
      // s'écrit « d_output » ; sans elle, la barre oblique restait à l'écran).
      load: ["adaptors/liteDOM", "input/tex", "output/svg", "a11y/assistive-mml", "[tex]/textmacros"],
    },
    tex: { packages: { "[+]": ["ams", "textmacros"] } },
    svg: { fontCache: "global" },
    startup: { typeset: false },
  };
  require(path.join(root, "startup.js"));
  MathJax.startup.promise
    .then(async () => {
      const adaptor = MathJax.startup.adaptor;
      measureAccentedLetters(adaptor, MathJax.startup.output.font);
      const fontCache = MathJax.startup.output.fontCache;
      const pages = [];
      for (const items of request.pages) {
        fontCache.clearCache(); // les tracés d'une page ne servent qu'à elle
        const html = [];
        for (const [tex, display] of items) {
          // La version « Promise » attend les extensions TeX chargées à la demande (\boldsymbol…).
          const node = await MathJax.tex2svgPromise(tex, { display });
          flatten(adaptor, node);
          html.push(adaptor.outerHTML(node));
        }
        pages.push({ html, cache: adaptor.outerHTML(fontCache.getCache()) });
      }
      const css = adaptor.textContent(MathJax.svgStylesheet());
      process.stdout.write(JSON.stringify({ pages, css }));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
});
