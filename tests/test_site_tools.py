"""Les outils du site qui tournent au build (tools/site_math.py, tools/site_a11y.py) et les
gabarits du thème qu'ils remplacent : vérifiés sans construire le livre."""

from __future__ import annotations

import hashlib
import inspect
import re
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import site_a11y  # noqa: E402  (tools/site_a11y.py)
import site_math  # noqa: E402  (tools/site_math.py)


def _theme_file(package: str, relative: str) -> Path:
    module = __import__(package)
    return Path(module.__file__).parent / "theme" / package / relative


# Chaque fichier de _templates/ (et chaque visiteur HTML de tools/site_a11y.py) recopie un
# original en n'y changeant qu'une chose. Si l'original change (mise à jour du thème, de
# myst-nb ou de docutils), la copie doit être refaite : l'empreinte le signale.
THEME_ORIGINALS = {
    "search-button-field.html": ("pydata_sphinx_theme", "components/search-button-field.html", "518dda81dd8cd06a"),
    "theme-switcher.html": ("pydata_sphinx_theme", "components/theme-switcher.html", "a68d37b2ca353382"),
    "toggle-primary-sidebar.html": ("sphinx_book_theme", "components/toggle-primary-sidebar.html", "316c98ec6677c656"),
    "toggle-secondary-sidebar.html": ("sphinx_book_theme", "components/toggle-secondary-sidebar.html", "0cf39e5b61b02a71"),
    "sbt-sidebar-nav.html": ("sphinx_book_theme", "components/sbt-sidebar-nav.html", "38342bd744042ee1"),
    "static/webpack-macros.html": ("pydata_sphinx_theme", "static/webpack-macros.html", "b1f893e4416c7cc7"),
    "layout.html": ("pydata_sphinx_theme", "layout.html", "fe5c35806042db60"),
}


@pytest.mark.parametrize("override", sorted(THEME_ORIGINALS))
def test_template_overrides_follow_the_theme(override):
    package, relative, digest = THEME_ORIGINALS[override]
    assert (ROOT / "_templates" / override).is_file()
    original = _theme_file(package, relative)
    got = hashlib.sha256(original.read_bytes()).hexdigest()[:16]
    assert got == digest, (f"{package}/{relative} a changé : recopiez-le dans _templates/{override} "
                           f"en y refaisant la même retouche, puis mettez l'empreinte à jour ({got})")


def test_every_template_override_is_listed():
    overrides = {p.relative_to(ROOT / "_templates").as_posix() for p in (ROOT / "_templates").rglob("*.html")}
    assert overrides == set(THEME_ORIGINALS)


def test_html_visitors_follow_their_originals():
    from docutils.writers._html_base import HTMLTranslator
    from myst_nb.sphinx_ import visit_HideCellInput

    expected = {visit_HideCellInput: "4d979a9ab24bb340", HTMLTranslator.visit_citation: "0c5327394e0a27c7",
                HTMLTranslator.depart_citation: "7935d949dcd1b96d"}
    for function, digest in expected.items():
        got = hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]
        assert got == digest, f"{function.__qualname__} a changé : revoir tools/site_a11y.py ({got})"


def test_summaries_get_the_name_of_the_page_they_unfold():
    html = ('<ul><li class="toctree-l1 has-children"><a class="reference internal" href="x.html">Exercices '
            'notés</a><details><summary><span class="toctree-toggle" role="presentation"><i></i></span>'
            '</summary><ul><li>…</li></ul></details></li></ul><details><summary>Déjà nommé</summary></details>')
    out = site_a11y.label_summaries(html)
    assert 'aria-label="Afficher ou masquer les sous-pages de «\u00a0Exercices notés\u00a0»"' in out
    assert out.count("aria-label") == 1  # un <summary> qui a un texte garde son nom


PAGE = """<html><head></head><body>
<p>La porte <span class="math notranslate nohighlight">\\(f_t = \\sigma(z) &lt; 1\\)</span> et rien d'autre.</p>
<div class="math notranslate nohighlight" id="equation-x"><span class="eqno">(1)</span>
\\[
c_t = f_t \\odot c_{t-1} + i_t \\odot \\hat{c}_t
\\]</div>
<pre>du code \\(pas une formule\\)</pre>
</body></html>"""


def test_math_is_rendered_once_and_again_identically(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "_static").mkdir()
    count, errors = site_math.prerender(tmp_path)
    assert (count, errors) == (2, [])
    first = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert first.count("<mjx-container") == 2 and first.count("<svg") >= 2
    # Le tracé de chaque caractère une seule fois, au début de <body>, et chaque formule y renvoie.
    cache = re.search(r'<body><svg id="MJX-SVG-global-cache" style="display: none;"[^>]*><defs>(.*?)</defs></svg>', first)
    assert cache is not None, first[:300]
    ids = re.findall(r'<path id="([^"]+)"', cache.group(1))
    uses = set(re.findall(r'xlink:href="#([^"]+)"', first))
    print(f"{len(ids)} tracés dans la page, {len(uses)} caractères utilisés")
    assert len(ids) == len(set(ids)) and set(ids) == uses and first.count(" d=") == len(ids)
    assert 'display="true"' in first and "<mjx-assistive-mml" in first
    # Le MathML des lecteurs d'écran attend dans un <template> (tools/math-a11y.js le pose par lots).
    assert len(re.findall(r"<mjx-assistive-mml[^>]*><template><math\b", first)) == 2, first[:2000]
    assert (tmp_path / "_static" / site_math.A11Y_SCRIPT_PATH).read_bytes() == site_math.A11Y_SCRIPT.read_bytes()
    assert "<mi>σ</mi>" in first or "<mi>&#x3C3;</mi>" in first or "σ" in first
    assert '<span class="eqno">(1)</span>' in first  # le numéro d'équation reste
    # L'équation en bloc peut défiler (plus large que la colonne) : atteignable au clavier ; la formule en ligne non.
    assert first.count('<mjx-container tabindex="0" ') == 1 and 'tabindex="0" class="MathJax" jax="SVG" display="true"' in first
    assert "<pre>du code \\(pas une formule\\)</pre>" in first  # le code n'est pas touché
    assert 'data-tex="\\(f_t = \\sigma(z) &amp;lt; 1\\)"' in first  # le TeX d'origine, pour le build suivant
    css = (tmp_path / "_static" / site_math.CSS_PATH).read_text(encoding="utf-8")
    assert css.startswith("/* Généré par tools/site_math.py") and "mjx-container" in css
    # Un second build relit le TeX gardé et réécrit la même page.
    assert site_math.prerender(tmp_path) == (2, [])
    assert (tmp_path / "page.html").read_text(encoding="utf-8") == first


def test_math_errors_are_reported_with_their_tex(tmp_path):
    (tmp_path / "page.html").write_text('<p><span class="math notranslate nohighlight">\\(\\frac{a\\)</span></p>',
                                        encoding="utf-8")
    count, errors = site_math.prerender(tmp_path)
    assert count == 1 and len(errors) == 1 and "frac{a" in errors[0] and re.search(r"brace|accolade", errors[0])


def test_accented_letters_in_text_take_the_width_of_their_letter():
    """Au build, MathJax n'a pas de navigateur pour mesurer le « é » de \\text{mémoire} (absent de
    ses polices) : tools/mathjax-prerender.cjs lui donne la largeur de « e », sans blanc après."""
    results, _css = site_math.render_all([[("\\text{mémoire} \\text{meme}", False)]])
    svg = results[0][0][0]
    accent = re.search(r'<text[^>]*translate\(([\d.]+),0\)[^>]*>é</text><use data-c="6D"[^>]*translate\(([\d.]+),0\)', svg)
    plain = re.findall(r'<use data-c="65"[^>]*translate\(([\d.]+),0\)\)?"></use><use data-c="6D"[^>]*translate\(([\d.]+),0\)', svg)
    print(accent.groups(), plain)
    e_width = float(plain[0][1]) - float(plain[0][0])
    assert abs((float(accent.group(2)) - float(accent.group(1))) - e_width) < 1, (accent.groups(), e_width)
    assert "<mtext>mémoire</mtext>" in svg  # le lecteur d'écran lit le mot entier


def test_texttt_reads_underscores_as_latex_does():
    results, _css = site_math.render_all([[("\\texttt{d\\_output\\_gate}", False)]])
    mathml = re.search(r"<mtext[^>]*>(.*?)</mtext>", results[0][0][0]).group(1)
    print(mathml)
    assert mathml == "d_output_gate"


def test_book_cache_follows_the_widgets_front_end(tmp_path):
    """L'état des widgets embarque front/explorer.js : le changer doit ré-exécuter les cahiers."""
    import book  # tools/book.py

    (tmp_path / "lstm_lib" / "front").mkdir(parents=True)
    (tmp_path / "lstm_lib" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "lstm_lib" / "front" / "explorer.js").write_text("export default {};", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    before = book.library_fingerprint(tmp_path)
    (tmp_path / "lstm_lib" / "front" / "explorer.js").write_text("export default { render };", encoding="utf-8")
    assert book.library_fingerprint(tmp_path) != before


def test_each_page_carries_only_the_glyphs_it_draws(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "a.html").write_text('<body><span class="math notranslate nohighlight">\\(x\\)</span></body>', encoding="utf-8")
    (tmp_path / "b.html").write_text('<body><span class="math notranslate nohighlight">\\(y\\)</span></body>', encoding="utf-8")
    assert site_math.prerender(tmp_path) == (2, [])
    glyphs = {name: re.findall(r'<path id="([^"]+)"', (tmp_path / name).read_text(encoding="utf-8"))
              for name in ("a.html", "b.html")}
    print(glyphs)
    assert glyphs == {"a.html": ["MJX-TEX-I-1D465"], "b.html": ["MJX-TEX-I-1D466"]}


import site_icons  # noqa: E402  (tools/site_icons.py)
import site_images  # noqa: E402  (tools/site_images.py)


def test_icon_table_is_read_and_pruned_to_what_pages_use():
    css = ('.fa{font-family:x}.fa-a:before{content:"\\f001"}.fa-b:before,.fa-bee:before{content:"\\f002"}'
           '.fa-c:before{content:"\\f003"}.x:before{content:"\\f004"}:root{--pst-icon-x:"\uf005"}')
    table = site_icons.icon_table(css)
    assert table == {"fa-a": [0xF001], "fa-b": [0xF002], "fa-bee": [0xF002], "fa-c": [0xF003]}
    # Hors de la table : la règle .x et la variable du thème comptent, pas les icônes de la table.
    assert site_icons.private_characters(css) == {0xF004, 0xF005}
    pruned = site_icons.prune_table(css, {"fa-bee"})
    print(pruned)
    assert pruned == ('.fa{font-family:x}.fa-bee:before{content:"\\f002"}.x:before{content:"\\f004"}'
                      ':root{--pst-icon-x:"\uf005"}')


def test_icon_fonts_keep_exactly_the_glyphs_the_pages_need(tmp_path):
    from fontTools.ttLib import TTFont

    theme = site_icons._theme_static()
    (tmp_path / "_static/styles").mkdir(parents=True)
    (tmp_path / "_static/styles/pydata-sphinx-theme.css").write_text("copié par Sphinx", encoding="utf-8")
    (tmp_path / "page.html").write_text('<i class="fa-brands fa-github"></i><i class="fa-solid fa-sun fa-lg"></i>'
                                        '<i class="fa-solid fa-nexiste-pas"></i>', encoding="utf-8")
    report = site_icons.reduce_icons(tmp_path, theme)
    print(report)
    assert report["icons"] == ["fa-github", "fa-sun"] and report["unknown"] == ["fa-nexiste-pas"]
    webfonts = tmp_path / "_static" / site_icons.WEBFONTS
    solid = set(TTFont(webfonts / "fa-solid-900.woff2").getBestCmap())
    brands = set(TTFont(webfonts / "fa-brands-400.woff2").getBestCmap())
    assert 0xF185 in solid and 0xF09B in brands  # fa-sun, fa-github
    assert 0xF6AD not in solid  # fa-yin-yang : aucune page ne l'affiche
    assert 0xF071 in solid  # --pst-icon-exclamation-triangle du thème (encadrés « attention »)
    css = (tmp_path / "_static/styles/pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert ".fa-sun:before" in css and ".fa-github:before" in css and ".fa-yin-yang:before" not in css
    assert (webfonts / "fa-solid-900.woff2").stat().st_size < 10_000
    # Relancé (un second build) : même résultat, les originaux sont relus dans le thème.
    assert site_icons.reduce_icons(tmp_path, theme)["icons"] == report["icons"]


def test_content_images_get_lazy_loading_and_their_size(tmp_path):
    from PIL import Image

    (tmp_path / "_images").mkdir()
    Image.new("RGB", (640, 480)).save(tmp_path / "_images/fig.png")
    page = tmp_path / "page.html"
    page.write_text('<header><img alt="logo" src="_static/logo.png"/></header>'
                    '<article class="bd-article"><img alt="Une figure" src="_images/fig.png" />'
                    '<img alt="Déjà réglée" src="_images/fig.png" loading="eager" width="10" height="5"/></article>',
                    encoding="utf-8")
    assert site_images.rewrite_site(tmp_path) == 2
    out = page.read_text(encoding="utf-8")
    print(out)
    assert '<img alt="Une figure" src="_images/fig.png" loading="lazy" decoding="async" width="640" height="480" />' in out
    assert 'loading="eager" width="10" height="5" decoding="async"' in out  # ce qui est réglé le reste
    assert '<header><img alt="logo" src="_static/logo.png"/></header>' in out  # hors du contenu : intact
    site_images.rewrite_site(tmp_path)
    assert page.read_text(encoding="utf-8") == out


import site_code  # noqa: E402  (tools/site_code.py)

PYGMENTS = """
html[data-theme="light"] .highlight pre { line-height: 125%; }
html[data-theme="light"] .highlight { background: #fff; color: #222 }
html[data-theme="light"] .highlight .n { color: #222 } /* Name */
html[data-theme="light"] .highlight .p { color: #222 } /* Punctuation */
html[data-theme="light"] .highlight .k { color: #a0f; font-weight: bold } /* Keyword */
html[data-theme="light"] .highlight .nb { color: #222 } /* Name.Builtin */
html[data-theme="light"] .highlight .o { color: #222; font-weight: bold } /* Operator */
html[data-theme="dark"] .highlight { background: #000; color: #EEE }
html[data-theme="dark"] .highlight .n { color: #eee } /* Name */
html[data-theme="dark"] .highlight .p { color: #f00 } /* Punctuation */
html[data-theme="dark"] .highlight .k { color: #0af } /* Keyword */
html[data-theme="dark"] .highlight .nb { color: #eee } /* Name.Builtin */
html[data-theme="dark"] .highlight .o { color: #eee } /* Operator */
"""


def test_only_tokens_drawn_in_the_block_colour_in_every_theme_are_silent():
    # n : couleur du bloc dans les deux thèmes (casse ignorée) ; p : rouge en sombre ;
    # k : autre couleur ; o : gras en clair ; nb : muette ici, mais une autre feuille la nomme.
    assert site_code.silent_classes(PYGMENTS) == {"n", "nb"}
    assert site_code.silent_classes(PYGMENTS, ".highlight .nb { text-decoration: underline }") == {"n"}
    assert site_code.silent_classes(PYGMENTS.replace('html[data-theme="dark"] .highlight .n {', "x {")) == {"nb"}


def test_silent_spans_are_unwrapped_in_code_blocks_only():
    block = ('<div class="highlight"><pre><span></span><span class="k">def</span> <span class="n">f</span>'
             '<span class="p">(</span><span class="n">x</span><span class="p">):</span></pre></div>')
    prose = '<p><span class="n">hors du code</span></p>'
    out = site_code.unwrap(prose + block, {"n", "p"})
    print(out)
    assert out == prose + ('<div class="highlight"><pre><span></span><span class="k">def</span> f(x):</pre></div>')
    assert re.sub("<[^>]+>", "", out) == re.sub("<[^>]+>", "", prose + block)  # même texte
    assert site_code.unwrap(out, {"n", "p"}) == out
    assert site_code.unwrap(block, set()) == block



def test_widget_state_moves_beside_its_page_and_reads_back(tmp_path):
    """tools/site_assets.py sort l'état des widgets de <head> vers « <page>.widget-state.js » ; la
    page garde un script vide qui le nomme, et read_widget_state (les tests) le relit à l'identique."""
    import json
    from types import SimpleNamespace

    import site_assets
    from sphinx.builders.html._assets import _JavaScript

    state = {"version_major": 2, "version_minor": 0,
             "state": {"abc": {"model_name": "AnyModel", "model_module": "anywidget", "state": {"_esm": "x</script>"}}}}
    body = json.dumps(state).replace("</", "<\\/")  # comme myst-nb (sanitize_script_content)
    other = _JavaScript("_static/doctools.js", defer="defer")
    context = {"script_files": [other, _JavaScript(None, type=site_assets.WIDGET_STATE_TYPE, body=body)]}
    site_assets._external_widget_state(SimpleNamespace(outdir=str(tmp_path)), "chapters/01_x", "page.html", context, None)
    kept = context["script_files"]
    assert kept[0] is other and "body" not in kept[1].attributes
    source = kept[1].attributes["data-src"]
    assert re.fullmatch(r"01_x\.widget-state\.js\?v=[0-9a-f]{12}", source), source
    written = (tmp_path / "chapters" / "01_x.widget-state.js").read_text(encoding="utf-8")
    assert written.startswith(site_assets.WIDGET_STATE_PUSH.split("%s")[0])
    page = tmp_path / "chapters" / "01_x.html"
    page.write_text(f'<head><script data-src="{source}" type="{site_assets.WIDGET_STATE_TYPE}"></script></head>',
                    encoding="utf-8")
    assert site_assets.read_widget_state(page) == state
    # Une page dont l'état est resté en ligne (les tests de widgets en écrivent) se lit aussi.
    inline = tmp_path / "inline.html"
    inline.write_text(f'<script type="{site_assets.WIDGET_STATE_TYPE}">{body}</script>', encoding="utf-8")
    assert site_assets.read_widget_state(inline) == state
    (tmp_path / "chapters" / "01_x.widget-state.js").unlink()
    with pytest.raises(site_assets.AssetsError, match="absent du site"):
        site_assets.read_widget_state(page)
