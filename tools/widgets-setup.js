// Réglages du gestionnaire de widgets Jupyter, servi par le site (_static/npm/).
// Copié par tools/site_assets.py ; chargé entre require.js et embed-amd.js sur les
// pages qui ont des widgets (nb_ipywidgets_js dans _config.yml).
(function () {
  "use strict";

  // 1. Où sont les modules. Le gestionnaire est un module AMD nommé
  //    « @jupyter-widgets/html-manager/dist/libembed-amd » ; webpack déduit de son
  //    adresse celle de ses polices (Font Awesome). Sans ce réglage, require.js la
  //    place à côté de la page (chapters/@jupyter-widgets/…, d'où des 404).
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  window.require.config({
    paths: { "@jupyter-widgets/html-manager/dist": here + "html-manager" },
  });

  // 2. MathJax 3. @jupyter-widgets/base 6 (ipywidgets 8) met en forme les libellés
  //    avec l'API de MathJax 2 : MathJax.Hub.Queue(["Typeset", MathJax.Hub, élément]).
  //    Avec MathJax 3, MathJax.Hub n'existe pas et chaque libellé lève « Cannot read
  //    properties of undefined (reading 'Queue') ». On fournit ce seul appel, qui passe
  //    par MathJax.typesetPromise. MathJax est chargé plus tard (defer) et remplace
  //    window.MathJax : on pose donc Hub (non énumérable, invisible pour la
  //    configuration de MathJax) sur chaque objet affecté à window.MathJax.
  function typeset(element, attempt) {
    var mathjax = window.MathJax;
    if (mathjax && typeof mathjax.typesetPromise === "function") {
      var ready = (mathjax.startup && mathjax.startup.promise) || Promise.resolve();
      ready
        .then(function () { return mathjax.typesetPromise(element ? [element] : undefined); })
        .catch(function (error) { console.warn("MathJax (libellé de widget) :", error); });
    } else if ((attempt || 0) < 300) {
      setTimeout(function () { typeset(element, (attempt || 0) + 1); }, 100);
    }
  }
  var hub = {
    Queue: function () {
      for (var i = 0; i < arguments.length; i++) {
        var job = arguments[i];
        if (Array.isArray(job) && job[0] === "Typeset") typeset(job[2]);
      }
    },
  };
  function withHub(value) {
    if (value && typeof value === "object" && !("Hub" in value)) {
      Object.defineProperty(value, "Hub", { value: hub, enumerable: false, configurable: true });
    }
    return value;
  }
  var current = withHub(window.MathJax);
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    enumerable: true,
    get: function () { return current; },
    set: function (value) { current = withHub(value); },
  });
})();
