// Les équations du site, rendues par MathJax 3 au build plutôt que dans le navigateur du lecteur.
//
// Lancé par tools/site_math.py (une fois par build, pour toutes les pages). Lit sur l'entrée
// standard {"items": [[tex, display], …]} et écrit sur la sortie standard
// {"html": [le SVG de chaque équation], "css": la feuille de style de la sortie SVG}.
// MathJax vient de node_modules/mathjax (package.json) : TeX, sortie SVG (chaque formule porte
// les tracés de ses caractères : ni police à télécharger ni feuille de style par caractère) et
// MathML caché pour les lecteurs d'écran.
"use strict";

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
      load: ["adaptors/liteDOM", "input/tex", "output/svg", "a11y/assistive-mml"],
    },
    tex: { packages: { "[+]": ["ams"] } },
    svg: { fontCache: "local" },
    startup: { typeset: false },
  };
  require(path.join(root, "startup.js"));
  MathJax.startup.promise
    .then(async () => {
      const adaptor = MathJax.startup.adaptor;
      const html = [];
      for (const [tex, display] of request.items) {
        // La version « Promise » attend les extensions TeX chargées à la demande (\boldsymbol…).
        const node = await MathJax.tex2svgPromise(tex, { display });
        html.push(adaptor.outerHTML(node));
      }
      const css = adaptor.textContent(MathJax.svgStylesheet());
      process.stdout.write(JSON.stringify({ html, css }));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
});
