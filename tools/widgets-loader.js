// Les widgets du livre sur le site statique, sans noyau : un chargeur d'anywidget minimal.
//
// Copié dans _static/lstm/ par tools/site_assets.py ; myst-nb ne l'ajoute qu'aux pages qui ont
// des widgets (nb_ipywidgets_js dans _config.yml). Au build, chaque widget exécuté laisse dans
// la page son état (script « application/vnd.jupyter.widget-state+json », où anywidget range
// aussi le code de son front-end, « _esm ») et une vue (« …widget-view+json ») à l'endroit de
// la sortie ; tools/site_assets.py sort cet état dans un fichier à côté de la page, que l'on
// charge à l'approche du premier widget (ou au repos, la page chargée) plutôt qu'avant le
// texte. Ce fichier monte chaque vue quand le lecteur en approche : il importe le module
// du widget depuis l'état (URL blob:, rien ne sort du site) et appelle son render({model, el})
// avec un modèle local (get, set, on, off, save_changes : sans noyau, rien à synchroniser).
//
// Pourquoi du code à nous : @jupyter-widgets/html-manager (l'ancienne solution) pèse 3,5 Mo
// par page, et sans noyau ses curseurs ne changent rien ; le front-end npm d'anywidget est un
// module pour ce même gestionnaire, et nous ne connaissons pas de chargeur statique léger. Le
// contrat suivi ici est celui des modules anywidget (render({model, el}), initialize), rien de plus.
//
// Les autres widgets (ipywidgets) : ceux qui ne font qu'afficher (barres de progression de
// tqdm, textes, boîtes, sorties capturées) sont redessinés tels quels, sans contrôle ; un
// contrôle (curseur, bouton, champ…) ne peut rien faire sans noyau : à sa place, on écrit où
// ouvrir le cahier avec un noyau, plutôt qu'un contrôle mort.
//
// window.lstmWidgets.mountAll() monte tout de suite tous les widgets de la page (impression,
// PDF) et rend une promesse ; l'impression du navigateur (beforeprint) l'appelle aussi.
(function () {
  "use strict";

  var STATE = 'script[type="application/vnd.jupyter.widget-state+json"]';
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
  var AHEAD = "800px 0px"; // on monte un widget quand il arrive à moins de 800 px de l'écran

  // Le nom du fichier d'état, pour le message d'erreur : « 01_pourquoi_lstm.widget-state.js ».
  function stateFileName() {
    var script = document.querySelector(STATE + "[data-src]");
    var src = script ? script.getAttribute("data-src").split("?")[0] : "";
    return "\u00ab\u00a0" + (src.split("/").pop() || "widget-state.js") + "\u00a0\u00bb";
  }

  // L'état est dans la page, ou (site construit : tools/site_assets.py) dans un fichier à côté
  // d'elle, que nomme data-src : un script qui pousse l'état dans window.lstmWidgetStates.
  // Un fichier qui arrive mais ne pousse rien (page d'erreur d'un portail, fichier tronqué) est
  // un échec comme un fichier absent ; le <script> raté est retiré (le suivant réessaie).
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      var before = (window.lstmWidgetStates || []).length;
      var fail = function (why) {
        script.remove();
        reject(new Error("état des widgets " + why + " : " + src));
      };
      script.src = src;
      script.onload = function () {
        var pushed = (window.lstmWidgetStates || []).slice(before);
        if (pushed.length) resolve(pushed);
        else fail("illisible");
      };
      script.onerror = function () { fail("introuvable"); };
      document.head.appendChild(script);
    });
  }

  function addStates(models, text) {
    try {
      var state = (typeof text === "string" ? JSON.parse(text) : text).state || {};
      Object.keys(state).forEach(function (id) { models[id] = state[id]; });
    } catch (error) {
      console.warn("Widgets : état illisible", error);
    }
  }

  var statesPromise = null;
  function readStates() {
    if (statesPromise) return statesPromise;
    statesPromise = (async function () {
      var models = {};
      var scripts = document.querySelectorAll(STATE);
      for (var i = 0; i < scripts.length; i++) {
        var src = scripts[i].getAttribute("data-src");
        if (!src) { addStates(models, scripts[i].textContent); continue; }
        (await loadScript(src)).forEach(function (block) { addStates(models, block); });
      }
      return models;
    })();
    // Un échec (réseau coupé) n'est pas retenu : le widget suivant qui approche réessaie.
    statesPromise.catch(function () { statesPromise = null; });
    return statesPromise;
  }

  function LocalModel(entry) {
    this.state = Object.assign({}, entry.state);
    this.listeners = {};
  }
  LocalModel.prototype.get = function (name) { return this.state[name]; };
  LocalModel.prototype.set = function (name, value) {
    var previous = this.state[name];
    this.state[name] = value;
    if (previous !== value) this.emit("change:" + name, value);
  };
  LocalModel.prototype.on = function (event, callback) {
    (this.listeners[event] = this.listeners[event] || []).push(callback);
  };
  LocalModel.prototype.off = function (event, callback) {
    if (!event) { this.listeners = {}; return; }
    this.listeners[event] = (this.listeners[event] || []).filter(function (c) { return callback && c !== callback; });
  };
  LocalModel.prototype.emit = function (event, value) {
    (this.listeners[event] || []).forEach(function (callback) { callback(value); });
    if (event.indexOf("change:") === 0) (this.listeners.change || []).forEach(function (callback) { callback(); });
  };
  LocalModel.prototype.save_changes = function () {}; // pas de noyau : rien à envoyer
  LocalModel.prototype.send = function () {};

  var styled = {};
  function addStyle(id, css) {
    if (!css || styled[id]) return;
    styled[id] = true;
    var style = document.createElement("style");
    style.setAttribute("data-anywidget", id);
    style.textContent = css;
    document.head.appendChild(style);
  }

  // Ce que le widget dit à la place de lui-même : un paragraphe, lu par un lecteur d'écran
  // quand il apparaît (role="status", sans interrompre), en typographie française.
  function notice(el, kind, text) {
    el.className += " lstm-widget-notice lstm-widget-" + kind;
    var p = document.createElement("p");
    p.setAttribute("role", "status");
    p.textContent = text;
    el.appendChild(p);
  }

  function kernelNotice(el) {
    notice(el, "kernel", "Ce widget a besoin d\u2019un noyau Python\u00a0: ouvrez ce cahier dans Binder ou Colab " +
      "(menu «\u00a0Lancer\u00a0» en forme de fusée, en haut de la page).");
  }

  // --- Widgets ipywidgets qui ne font qu'afficher : redessinés sans noyau ---------------------
  var BOXES = { HBoxModel: "row", VBoxModel: "column", BoxModel: "row", GridBoxModel: "row" };
  var TEXTS = { HTMLModel: true, HTMLMathModel: true, LabelModel: true };
  var PROGRESS = { FloatProgressModel: true, IntProgressModel: true };

  function textOf(html) {
    var doc = new DOMParser().parseFromString(String(html || ""), "text/html");
    return doc.body.textContent || "";
  }

  // Rend {element, controls} : controls compte les contrôles remplacés (sans noyau, ils ne feraient rien).
  function staticView(models, id, depth) {
    var entry = models[String(id).replace(/^IPY_MODEL_/, "")];
    var result = { element: document.createElement("div"), controls: 0 };
    if (!entry || depth > 20) return result;
    var name = entry.model_name, st = entry.state || {};
    var el = result.element;
    if (BOXES[name]) {
      el.className = "lstm-widget-box";
      el.style.display = "flex";
      el.style.flexDirection = BOXES[name];
      el.style.flexWrap = "wrap";
      el.style.gap = "0.3rem 0.6rem";
      el.style.alignItems = BOXES[name] === "row" ? "center" : "stretch";
      (st.children || []).forEach(function (child) {
        var part = staticView(models, child, depth + 1);
        result.controls += part.controls;
        el.appendChild(part.element);
      });
    } else if (TEXTS[name]) {
      el = result.element = document.createElement("span");
      el.textContent = textOf(st.value) || textOf(st.description);
    } else if (PROGRESS[name]) {
      el = result.element = document.createElement("progress");
      el.max = (Number(st.max) || 0) - (Number(st.min) || 0) || 1;
      el.value = (Number(st.value) || 0) - (Number(st.min) || 0);
      el.setAttribute("aria-label", textOf(st.description) || "Progression");
    } else if (name === "OutputModel") {
      (st.outputs || []).forEach(function (output) {
        var text = output.text || (output.data && output.data["text/plain"]) || "";
        if (!text) return;
        var pre = document.createElement("pre");
        pre.textContent = Array.isArray(text) ? text.join("") : text;
        el.appendChild(pre);
      });
    } else {
      result.controls += 1; // curseur, bouton, champ, menu… : rien à faire sans noyau
    }
    return result;
  }

  var failures = 0; // widgets de la page dont l'état n'a pas pu être chargé

  function mountOne(target) {
    if (target.promise) return target.promise;
    var el = target.el;
    target.promise = (async function () {
      var models;
      // Le temps que l'état arrive (réseau lent) : une ligne plutôt qu'une place vide.
      var loading = document.createElement("p");
      loading.className = "lstm-widget-loading";
      loading.textContent = "Chargement du widget\u2026";
      el.appendChild(loading);
      try {
        models = await readStates();
      } catch (error) {
        loading.remove();
        el.setAttribute("data-widget", "error");
        // Le premier widget qui échoue dit tout ; les suivants (souvent de simples barres de
        // progression) le disent en une ligne, sans répéter la consigne.
        notice(el, "error", failures++ === 0
          ? "Ce widget n\u2019a pas pu s\u2019afficher\u00a0: son état (le fichier " + stateFileName() +
            ", à côté de la page) n\u2019a pas pu être chargé. Rechargez la page\u00a0; " +
            "si vous lisez une copie du site, vérifiez qu\u2019elle contient ce fichier."
          : "Ce widget n\u2019a pas pu s\u2019afficher non plus\u00a0: son état n\u2019a pas pu être chargé.");
        console.error("Widget " + target.id + " :", error);
        return;
      }
      loading.remove();
      var entry = models[target.id];
      if (!entry || entry.model_module !== "anywidget" || typeof entry.state._esm !== "string") {
        var view = entry ? staticView(models, target.id, 0) : { element: null, controls: 1 };
        if (view.element) el.appendChild(view.element);
        if (view.controls) kernelNotice(el);
        el.setAttribute("data-widget", view.controls ? "kernel-only" : "static");
        return;
      }
      addStyle(entry.state._anywidget_id || target.id, entry.state._css);
      var url = URL.createObjectURL(new Blob([entry.state._esm], { type: "text/javascript" }));
      try {
        var module = await import(url);
        var widget = module.default !== undefined ? module.default : module;
        if (typeof widget === "function") widget = await widget();
        var model = new LocalModel(entry);
        if (widget.initialize) await widget.initialize({ model: model });
        await widget.render({ model: model, el: el });
        el.setAttribute("data-widget", "rendered");
      } catch (error) {
        el.setAttribute("data-widget", "error");
        el.replaceChildren();
        notice(el, "error", "Ce widget n\u2019a pas pu s\u2019afficher (l\u2019erreur est écrite dans la console du navigateur).");
        console.error("Widget " + target.id + " :", error);
      } finally {
        URL.revokeObjectURL(url);
      }
    })();
    return target.promise;
  }

  function start() {
    var targets = [];
    document.querySelectorAll(VIEW).forEach(function (script) {
      var id;
      try { id = JSON.parse(script.textContent).model_id; } catch (error) { id = null; }
      var el = document.createElement("div");
      el.className = "lstm-widget";
      el.setAttribute("data-model-id", id || "");
      script.parentNode.insertBefore(el, script.nextSibling);
      targets.push({ id: id, el: el });
    });
    var observer = "IntersectionObserver" in window
      ? new IntersectionObserver(function (seen) {
        seen.forEach(function (item) {
          if (!item.isIntersecting) return;
          observer.unobserve(item.target);
          targets.forEach(function (t) { if (t.el === item.target) mountOne(t); });
        });
      }, { rootMargin: AHEAD })
      : null;
    targets.forEach(function (t) { if (observer) observer.observe(t.el); else mountOne(t); });
    function mountAll() { return Promise.all(targets.map(mountOne)); }
    window.lstmWidgets = { mountAll: mountAll, count: targets.length };
    window.addEventListener("beforeprint", mountAll);
    // L'état chargé d'avance, page affichée et navigateur au repos : les widgets restent
    // utilisables si le réseau se coupe ensuite (téléphone dans le métro).
    if (targets.length) {
      var idle = window.requestIdleCallback || function (callback) { setTimeout(callback, 200); };
      var prefetch = function () { idle(function () { readStates().catch(function () {}); }); };
      if (document.readyState === "complete") prefetch();
      else window.addEventListener("load", prefetch);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
