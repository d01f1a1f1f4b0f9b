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
    assert 'display="true"' in first and "<mjx-assistive-mml" in first
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
