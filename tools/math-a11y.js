// Le MathML des formules, que lisent les lecteurs d'écran, posé dans la page par petits lots.
//
// Copié dans _static/lstm/ par tools/site_math.py, qui rend chaque formule au build : un SVG
// (ce que l'on voit, aria-hidden) et, pour les lecteurs d'écran, le même contenu en MathML,
// caché (mjx-assistive-mml, comme le fait MathJax). Ce MathML arrive dans un <template> : le
// navigateur le lit sans le mettre en page. Mis en page d'un coup, il coûtait au chapitre 1
// (232 formules, 1 944 éléments MathML) la moitié de la mise en page du chargement, une tâche
// qui figeait un téléphone (Lighthouse, profil mobile : 110 à 220 ms de blocage ; 40 à 50 ms
// ainsi, voir benchmarks/bench_site.py). Ici, dès la page lue, chaque template est remplacé par
// son contenu, douze formules à la fois, quand le navigateur est libre : tout le MathML est là
// en moins d'une seconde, dans l'ordre de la page. Sans JavaScript, le MathML reste dans le
// template : les formules n'ont alors pas de texte pour un lecteur d'écran.
//
// window.lstmMath.insertAll() pose tout de suite ce qui reste (impression, PDF, tests) et rend
// la promesse window.lstmMath.ready, tenue quand tout est posé.
(function () {
  "use strict";

  var BATCH = 12;
  var templates = [];
  var next = 0;
  var done;
  var ready = new Promise(function (resolve) { done = resolve; });
  var idle = window.requestIdleCallback || function (callback) { return setTimeout(callback, 16); };

  function insert(count) {
    for (var end = Math.min(templates.length, next + count); next < end; next++) {
      var template = templates[next];
      if (template.parentNode) template.parentNode.replaceChild(template.content, template);
    }
    if (next >= templates.length) done();
    return next < templates.length;
  }

  function step() {
    if (insert(BATCH)) idle(step, { timeout: 500 });
  }

  function insertAll() {
    insert(Infinity);
    return ready;
  }

  function start() {
    templates = Array.prototype.slice.call(document.querySelectorAll("mjx-assistive-mml > template"));
    step();
  }

  window.lstmMath = { ready: ready, insertAll: insertAll };
  window.addEventListener("beforeprint", insertAll);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
