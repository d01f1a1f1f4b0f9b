"""Le site se suffit à lui-même : lu sur le HTML, le CSS et le JavaScript construits.

Complète ``test_browser_pages.py`` (qui observe les requêtes réelles dans Chromium) :
ici, on lit chaque fichier du site, y compris ce qu'une page ne charge qu'après un
clic. MathJax 3 vient de ``node_modules`` (``package.json`` / ``package-lock.json``,
copié par ``tools/site_assets.py``) et est servi depuis ``_static/npm/`` ; les widgets
(anywidget) sont montés par ``_static/lstm/widgets-loader.js`` (``tools/widgets-loader.js``),
avec le code que chaque widget porte dans son état.
"""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import site_assets  # noqa: E402  (tools/site_assets.py)

WIDGET_STATE_TYPE = site_assets.WIDGET_STATE_TYPE

# Attributs par lesquels une page *charge* une ressource (les liens <a href> sont des
# navigations choisies par le lecteur, pas des chargements).
LOADING_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
LOADING_LINK_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut",
                     "apple-touch-icon", "manifest", "dns-prefetch", "preconnect", "prerender"}
# Attributs de configuration qui désignent d'où charger (widgets, Thebe…).
LOADING_DATA_ATTRIBUTES = ("data-jupyter-widgets-cdn", "data-src", "data-main")

ABSOLUTE_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`)<>\\]*""")
# Des identifiants d'espaces de noms XML, qui ont la forme d'une adresse mais ne se chargent jamais
# (document.createElementNS dans le front-end des widgets).
XML_NAMESPACES = {"http://www.w3.org/2000/svg"}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")
# Hôtes de CDN et de pisteurs : ce qu'un script ne doit pas aller chercher.
THIRD_PARTY_HOSTS = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*(?:jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|cdnjs\.com|"
    r"googleapis\.com|gstatic\.com|googletagmanager\.com|google-analytics\.com|"
    r"mathjax\.org|code\.jquery\.com|polyfill\.io|bootstrapcdn\.com|fontawesome\.com/kit|"
    r"githack\.com|gitcdn\.xyz|statically\.io|plausible\.io|hypothes\.is|utteranc\.es)[^\s\"'`)]*"
)

# Les seules mentions de tiers tolérées dans le JavaScript du site, chacune avec sa raison.
# (chemin sous _static/, hôte) → raison. MathJax n'est plus servi (formules rendues au build) ;
# le site ne sert aucun autre script de tiers qui nomme un CDN.
ALLOWED_IN_SCRIPTS: dict[tuple[str, str], str] = {}
# Thebe (« Code en direct ») : sphinx-thebe écrit l'adresse de thebe sur unpkg dans chaque
# page, mais ne la charge qu'au clic du lecteur, qui lance alors un noyau sur mybinder.org.
# Le registre npm ne fournit pas thebe 0.8.2 (celui qu'attend sphinx-thebe 0.3.1).
ALLOWED_INLINE = (
    re.compile(r'const THEBE_JS_URL = "https://unpkg\.com/thebe@[0-9.]+/lib/index\.js"'),
)


def _html_pages(html_dir: Path) -> list[Path]:
    return sorted(
        p for p in html_dir.rglob("*.html")
        if not any(part.startswith("_") for part in p.relative_to(html_dir).parts[:-1])
    )


def _is_external(url: str) -> bool:
    url = url.strip()
    return url.startswith("//") or urlsplit(url).scheme not in ("", "data", "blob", "about", "javascript", "mailto")


class _Loads(HTMLParser):
    """Relève ce qu'une page charge : attributs, styles en ligne, scripts en ligne."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str]] = []  # (où, URL)
        self.inline_scripts: list[tuple[str, str]] = []  # (type, texte)
        self.inline_styles: list[str] = []
        self.widget_scripts: list[dict[str, str]] = []
        self._script_type: str | None = None
        self._in_style = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        for name in LOADING_ATTRIBUTES.get(tag, ()):
            if attributes.get(name):
                for candidate in attributes[name].split(","):
                    self.loads.append((f"<{tag} {name}>", candidate.strip().split(" ")[0]))
        if tag == "link":
            rels = set(attributes.get("rel", "").lower().split())
            if rels & LOADING_LINK_RELS and attributes.get("href"):
                self.loads.append((f"<link rel={attributes['rel']}>", attributes["href"]))
        for name in LOADING_DATA_ATTRIBUTES:
            if attributes.get(name):
                self.loads.append((f"<{tag} {name}>", attributes[name]))
        if attributes.get("style"):
            self.inline_styles.append(attributes["style"])
        if tag == "script":
            if attributes.get("src"):
                self.widget_scripts.append(attributes)
            else:
                self._script_type = attributes.get("type", "text/javascript")
                self._buffer = []
        if tag == "style":
            self._in_style = True
            self._buffer = []

    def handle_data(self, data):
        if self._script_type is not None or self._in_style:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script_type is not None:
            self.inline_scripts.append((self._script_type, "".join(self._buffer)))
            self._script_type = None
        if tag == "style" and self._in_style:
            self.inline_styles.append("".join(self._buffer))
            self._in_style = False


def _parse(page: Path) -> _Loads:
    """Ce que la page charge ; l'état de ses widgets compte parmi ses scripts en ligne, même
    quand il attend dans son fichier à côté d'elle (``tools/site_assets.py``)."""
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    if any(kind == WIDGET_STATE_TYPE for kind, _ in parser.inline_scripts):
        parser.inline_scripts = [(k, t) for k, t in parser.inline_scripts if k != WIDGET_STATE_TYPE]
        state = site_assets.read_widget_state(page)
        if state:
            parser.inline_scripts.append((WIDGET_STATE_TYPE, json.dumps(state)))
    return parser


@pytest.fixture(scope="module")
def parsed_pages(built_html):
    return {p.relative_to(built_html).as_posix(): _parse(p) for p in _html_pages(built_html)}


def test_pages_load_nothing_from_another_origin(parsed_pages):
    problems = []
    for page, parsed in parsed_pages.items():
        problems += [f"{page} : {where} {url}" for where, url in parsed.loads if _is_external(url)]
        for style in parsed.inline_styles:
            problems += [f"{page} : style {url}" for url in CSS_URL.findall(style) if _is_external(url)]
        for kind, text in parsed.inline_scripts:
            for allowed in ALLOWED_INLINE:
                text = allowed.sub("", text)
            if kind == "text/x-thebe-config":
                continue  # configuration de Thebe, lue seulement au clic (voir ALLOWED_INLINE)
            problems += [f"{page} : script en ligne ({kind}) {url}" for url in THIRD_PARTY_HOSTS.findall(text)]
            if "widget-state" in kind:
                # Un widget qui afficherait une image ou une page d'ailleurs.
                problems += [f"{page} : état de widget {url}" for url in ABSOLUTE_URL.findall(text)
                             if ("://" in url or url.startswith("//")) and url not in XML_NAMESPACES]
    assert parsed_pages
    assert not problems, "chargements hors du site :\n  " + "\n  ".join(problems)


def test_stylesheets_load_nothing_from_another_origin(built_html):
    problems = []
    sheets = sorted(built_html.rglob("*.css"))
    for sheet in sheets:
        text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8", errors="replace"), flags=re.S)
        problems += [f"{sheet.relative_to(built_html)} : {url}" for url in CSS_URL.findall(text) if _is_external(url)]
    assert sheets
    assert not problems, "\n".join(problems)


def test_scripts_name_no_third_party_host(built_html):
    static = built_html / "_static"
    problems = []
    scripts = sorted(static.rglob("*.js")) + sorted(built_html.glob("*.js"))
    for script in scripts:
        relative = script.relative_to(static).as_posix() if script.is_relative_to(static) else script.name
        text = script.read_text(encoding="utf-8", errors="replace")
        for url in sorted(set(THIRD_PARTY_HOSTS.findall(text))):
            host = urlsplit(url).hostname
            if not any(relative.startswith(prefix) and host == allowed for prefix, allowed in ALLOWED_IN_SCRIPTS):
                problems.append(f"{relative} : {url}")
    assert len(scripts) > 10
    assert not problems, "adresses de tiers dans les scripts du site :\n  " + "\n  ".join(problems)


def _pinned(section: str = "dependencies") -> dict[str, str]:
    return json.loads((ROOT / "package.json").read_text(encoding="utf-8")).get(section, {})


def test_front_end_versions_are_pinned_and_locked():
    pinned = _pinned()
    assert set(pinned) == {"mathjax"}, "les icônes sont celles du thème (tools/site_icons.py)"
    assert set(_pinned("devDependencies")) == {"axe-core"}, "axe-core : tests d'accessibilité seulement"
    everything = {**pinned, **_pinned("devDependencies")}
    for name, version in everything.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} : version non figée {version!r}"
    assert pinned["mathjax"].startswith("3."), "MathJax 3 (tools/mathjax-prerender.cjs suit son API)"
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in everything.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name
        assert lock["packages"][f"node_modules/{name}"]["integrity"].startswith("sha512-"), name


def test_icon_fonts_are_reduced_to_the_icons_of_the_site(built_html):
    """Font Awesome vient du thème (CSS et polices), réduit aux icônes que le site affiche
    (tools/site_icons.py) ; tests/browser/test_browser_pages.py vérifie que chacune a son glyphe."""
    from pydata_sphinx_theme import __file__ as theme_init

    theme = Path(theme_init).parent / "theme/pydata_sphinx_theme/static"
    for font in ("fa-solid-900.woff2", "fa-brands-400.woff2", "fa-regular-400.woff2"):
        before = (theme / "vendor/fontawesome/webfonts" / font).stat().st_size
        after = (built_html / "_static/vendor/fontawesome/webfonts" / font).stat().st_size
        print(f"{font} : {before} → {after} octets")
        assert after < min(before / 5, 20_000), font
    css = (built_html / "_static/styles/pydata-sphinx-theme.css").read_text(encoding="utf-8")
    original = (theme / "styles/pydata-sphinx-theme.css").read_text(encoding="utf-8")
    kept = len(re.findall(r"\.fa-[a-z0-9-]+:before", css))
    print(f"règles d'icônes : {len(re.findall(r'[.]fa-[a-z0-9-]+:before', original))} → {kept}")
    assert 10 < kept < 100 and ".fa-magnifying-glass:before" in css and ".fa-yin-yang:before" not in css
    assert "Font Awesome Free 6.5.2" in css and "@font-face" in css, "la licence et les polices restent"
    from fontTools.ttLib import TTFont

    names = TTFont(built_html / "_static/vendor/fontawesome/webfonts/fa-solid-900.woff2")["name"]
    assert names.getDebugName(0) == "Copyright (c) Font Awesome" and "6.5.2" in names.getDebugName(5), \
        "la police réduite garde ses noms (auteur, version)"


def test_front_end_files_are_served_by_the_site(built_html):
    vendor = built_html / "_static/npm"
    assert (vendor / "mathjax/LICENSE").is_file()
    assert not list((vendor / "mathjax").rglob("*.js")), "aucune page ne charge MathJax : rien à servir"
    assert not (vendor / "fontawesome").exists(), "Font Awesome : celui du thème (tools/site_icons.py)"
    loader = built_html / "_static/lstm/widgets-loader.js"
    assert loader.read_bytes() == (ROOT / "tools/widgets-loader.js").read_bytes()
    # Commentaires compris (le fichier est servi tel quel) ; le gestionnaire qu'il remplace pesait 3,5 Mo.
    print(f"chargeur des widgets : {loader.stat().st_size} octets")
    assert loader.stat().st_size < 16_000, "le chargeur des widgets doit rester petit"
    assert not list(vendor.rglob("*.map")), "cartes de sources copiées pour rien"
    assert not (vendor / "html-manager").exists() and not (vendor / "requirejs").exists()
    assert not (vendor / "axe-core").exists(), "axe-core ne sert qu'aux tests"


def test_no_page_loads_the_font_awesome_script(parsed_pages):
    """Les icônes viennent du CSS du thème (_templates/static/webpack-macros.html), sans script ;
    les scripts de la recherche ne sont chargés que par la page de recherche (_templates/layout.html)."""
    pages = 0
    for page, parsed in parsed_pages.items():
        sources = [url for where, url in parsed.loads]
        assert not any("fontawesome" in url for url in sources), page
        search = [url for url in sources if re.search(r"searchindex\.js|searchtools\.js|language_data\.js", url)]
        if page == "search.html":
            assert len(search) == 3, search
        else:
            assert not search, (page, search)
        pages += 1
    assert pages > 10


def test_math_is_rendered_at_build_time(parsed_pages, built_html):
    """Chaque formule arrive dans la page déjà rendue (SVG + MathML caché) ; aucune page ne charge MathJax."""
    pages_with_math = formulas = 0
    for page, parsed in parsed_pages.items():
        text = (built_html / page).read_text(encoding="utf-8")
        scripts = [url for where, url in parsed.loads if "mathjax" in url.lower() and where.startswith("<script")]
        assert not scripts and "window.MathJax" not in text, (page, scripts)
        elements = re.findall(r'<(span|div) class="math notranslate nohighlight"[^>]*>(.*?)</\1>', text, re.S)
        if not elements:
            continue
        pages_with_math += 1
        formulas += len(elements)
        for _tag, body in elements:
            assert "<mjx-container" in body and "<svg" in body and "<mjx-assistive-mml" in body, (page, body[:200])
            assert not re.search(r"\\[(\[]", re.sub(r"<[^>]+>", "", body)), (page, "TeX brut", body[:200])
        assert "_static/lstm/mathjax.css" in text, page
    print(f"{formulas} formules rendues au build sur {pages_with_math} pages")
    assert pages_with_math > 0
    assert "mjx-container" in (built_html / "_static/lstm/mathjax.css").read_text(encoding="utf-8")


def test_widget_pages_load_only_the_local_loader(parsed_pages, built_html):
    """Les pages à widgets chargent le chargeur du site (différé) ; aucune autre ne le charge."""
    pages_with_widgets = 0
    for page, parsed in parsed_pages.items():
        text = (built_html / page).read_text(encoding="utf-8")
        sources = [s["src"] for s in parsed.widget_scripts]
        loaders = [s for s in parsed.widget_scripts if s["src"].split("?")[0].endswith("_static/lstm/widgets-loader.js")]
        assert not any(re.search(r"require(\.min)?\.js|embed-amd\.js|html-manager", src) for src in sources), (page, sources)
        if "application/vnd.jupyter.widget-view+json" not in text:
            assert not loaders, f"{page} charge le chargeur des widgets sans en avoir"
            continue
        pages_with_widgets += 1
        assert len(loaders) == 1 and "defer" in loaders[0], (page, sources)
    assert pages_with_widgets > 0


def test_widget_state_waits_beside_the_page(built_html):
    """L'état des widgets (369 Ko au chapitre 1) n'est plus lu avant le texte : chaque page à
    widgets le nomme (data-src) dans un fichier à côté d'elle, qui existe et se relit."""
    pages = 0
    for page in _html_pages(built_html):
        text = page.read_text(encoding="utf-8")
        if "application/vnd.jupyter.widget-view+json" not in text:
            continue
        pages += 1
        scripts = re.findall(r'<script([^>]*type="application/vnd\.jupyter\.widget-state\+json"[^>]*)>(.*?)</script>', text, re.S)
        assert scripts, f"{page.name} : des vues de widgets, mais aucun script d'état"
        for attributes, body in scripts:
            assert 'data-src="' in attributes and not body.strip(), (
                f"{page.name} : l'état des widgets est resté dans la page ({len(body)} caractères)")
        state = site_assets.read_widget_state(page)["state"]
        views = [json.loads(v)["model_id"] for v in re.findall(
            r'<script type="application/vnd\.jupyter\.widget-view\+json">(.*?)</script>', text, re.S)]
        print(f"{page.relative_to(built_html)} : {len(views)} vues, {len(state)} modèles dans son fichier")
        missing = [v for v in views if v not in state]
        assert not missing, f"{page.name} : vues sans modèle dans le fichier d'état : {missing}"
    assert pages > 0, "aucune page à widgets"


def test_widgets_carry_their_own_front_end(parsed_pages):
    """Chaque widget du site est un anywidget qui porte son module : rien à chercher ailleurs.

    Un widget ipywidgets ordinaire ne peut rien faire sans noyau (le chargeur le remplace par
    un renvoi vers Binder ou Colab) ; seuls les modules de base de sa mise en page sont tolérés.
    """
    layout_only = {"@jupyter-widgets/base"}
    seen = set()
    for page, parsed in parsed_pages.items():
        for kind, text in parsed.inline_scripts:
            if kind != WIDGET_STATE_TYPE:
                continue
            for model_id, model in json.loads(text)["state"].items():
                module = model.get("model_module")
                seen.add(module)
                if module == "anywidget":
                    esm = model["state"].get("_esm", "")
                    assert "export default" in esm and not re.search(r"^\s*import\s", esm, re.M), (
                        f"{page} : widget {model_id} sans module autonome (un import irait le chercher ailleurs)")
                    assert set(ABSOLUTE_URL.findall(esm)) <= XML_NAMESPACES, f"{page} : widget {model_id} nomme une adresse"
    assert "anywidget" in seen, "aucun anywidget dans le site"


def test_live_code_button_says_where_it_goes(built_html):
    """« Code en direct » (Thebe) contacte mybinder.org, au clic seulement : le bouton le dit."""
    buttons = 0
    for page in _html_pages(built_html):
        text = page.read_text(encoding="utf-8")
        for button in re.findall(r'<button[^>]*btn-launch-thebe[^>]*>.*?</button>', text, re.S):
            buttons += 1
            title = re.search(r'title="([^"]*)"', button).group(1)
            assert "mybinder.org" in title and "clic" in title, (page.name, title)
            assert "Code en direct (mybinder.org)" in button, page.name
    assert buttons > 0


def test_code_blocks_keep_their_text_without_silent_spans(built_html):
    # tools/site_code.py : plus aucune balise muette dans un bloc de code, et aucune classe
    # colorée n'est prise pour muette par le style réel du site.
    sys.path.insert(0, str(ROOT / "tools"))
    import site_code

    silent = site_code.silent_classes((built_html / "_static/pygments.css").read_text(encoding="utf-8"))
    print(sorted(silent))
    assert {"n", "p"} <= silent and not silent & {"k", "kn", "s", "s1", "mi", "mf", "c1", "o", "nb", "nf"}
    blocks = 0
    for page in sorted(built_html.glob("chapters/*.html")):
        for match in site_code.BLOCK.finditer(page.read_text(encoding="utf-8")):
            blocks += 1
            spans = set(re.findall(r'<span class="([\w-]+)">', match.group(2)))
            assert not spans & silent, (page.name, spans & silent)
    print(blocks, "blocs de code")
    assert blocks > 50
