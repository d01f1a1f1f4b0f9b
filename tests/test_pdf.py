"""Le PDF du livre entier (tools/build_pdf.py), imprimé depuis le site construit.

La commande est lancée comme dans le README, sur le site que construit la session de
tests ; on lit ensuite le PDF avec pypdf et pdftotext (poppler-utils) : il s'ouvre, a
un signet par page de ``_toc.yml`` dans l'ordre, une table des matières imprimée aux
bons numéros, des numéros de page, des figures légendées, et aucun TeX brut. Deux
petits sites fabriqués ici vérifient que la commande refuse une page incomplète.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, toc_docnames

sys.path.insert(0, str(ROOT / "tools"))
import build_pdf  # noqa: E402

# Du TeX resté brut : une commande, un délimiteur de Sphinx ou de MathJax.
RAW_TEX = re.compile(
    r"\\(frac|sigma|odot|tanh|hat|mathrm|mathbf|left|right|begin|end|sum|prod|cdot|partial|overrightarrow"
    r"|approx|times|quad|text|operatorname)\b|\$\$|\\\(|\\\)|\\\[|\\\]"
)


def _pdftotext(path: Path, first: int | None = None, last: int | None = None) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext manque : apt-get install poppler-utils")
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(args + [str(path), "-"], capture_output=True, text=True, check=True).stdout


def _h1(built_html: Path, docname: str) -> str:
    html = (built_html / f"{docname}.html").read_text(encoding="utf-8")
    article = html[html.index('<article class="bd-article"'):]  # (l'en-tête du thème a aussi un h1)
    heading = re.search(r"<h1>(.*?)</h1>", article, re.S).group(1)
    heading = re.sub(r'<a class="headerlink".*?</a>', "", heading)
    # Blancs ordinaires réduits à une espace ; les espaces insécables (« Pourquoi ? ») restent.
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", "", heading)).strip().replace("&amp;", "&")


@pytest.fixture(scope="module")
def book_pdf(built_html, tmp_path_factory):
    output = tmp_path_factory.mktemp("pdf") / "livre.pdf"
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_pdf.py"), "--html", str(built_html), "--output", str(output),
         "--json"],
        capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # Durée et taille, pour le rapport (machine partagée : ce n'est pas une mesure).
    print(f"PDF : {report['pages']} pages, {report['bytes'] / 1e6:.1f} Mo, {report['seconds']} s, "
          f"{report['figures']} figures, {report['widgets']} widgets")
    return output, report


def test_pdf_opens_and_has_pages(book_pdf):
    path, report = book_pdf
    reader = PdfReader(path)
    assert len(reader.pages) == report["pages"] > len(toc_docnames())
    assert path.stat().st_size == report["bytes"]
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(rf"^Pages:\s+{report['pages']}$", info, re.M)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)  # PDF balisé : les signets viennent des titres
    assert re.search(r"^Author:\s+\S", info, re.M)


def test_one_bookmark_per_toc_page_in_order(book_pdf, built_html):
    path, _ = book_pdf
    reader = PdfReader(path)
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [item.title for item in top]
    expected = [_h1(built_html, d) for d in toc_docnames()]
    print(titles)
    assert titles == expected
    starts = [reader.get_destination_page_number(item) + 1 for item in top]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), starts
    # Chaque signet mène à la page où le titre est imprimé.
    for title, page in zip(titles, starts):
        words = title.split()[-2:]
        text = " ".join(_pdftotext(path, page).split())
        assert all(w in text for w in words), (title, page)


def test_printed_contents_gives_the_right_page_numbers(book_pdf, built_html):
    path, report = book_pdf
    contents = _pdftotext(path, 2, 3)
    assert "Table des matières" in contents
    lines = [" ".join(line.split()) for line in contents.splitlines()]  # (ici, sans distinguer les espaces)
    for title, page in report["chapters"]:
        # « Titre ....... 12 » : le début du titre, puis son numéro en fin de ligne.
        start = " ".join(title.split())[:35]
        line = next((line for line in lines if line.startswith(start) and re.search(r"\s\d+$", line)
                     and not re.search(r"\d+ / \d+$", line)), None)
        assert line is not None, f"« {title} » absent de la table des matières"
        assert re.search(rf"\b{page}$", line), (title, page, line)


def test_every_page_is_numbered(book_pdf):
    path, report = book_pdf
    total = report["pages"]
    pages = _pdftotext(path).split("\f")
    missing = [k for k, text in enumerate(pages[:total], start=1) if not re.search(rf"\b{k} / {total}\s*$", text)]
    assert not missing, f"pages sans numéro « k / {total} » en pied de page : {missing[:20]}"


def test_no_raw_tex_in_the_text(book_pdf):
    path, _ = book_pdf
    text = _pdftotext(path)
    found = sorted({m.group(0) for m in RAW_TEX.finditer(text)})
    assert not found, f"TeX brut dans le PDF : {found}"
    # Les équations sont là, rendues : des symboles que seul MathJax écrit dans ce livre.
    assert "⊙" in text and "σ" in text


def test_figures_have_captions_and_widgets_are_rendered(book_pdf):
    path, report = book_pdf
    text = " ".join(_pdftotext(path).split())
    captions = re.findall(r"Figure (\d+\.)?\d+ — ", text)
    print(f"{len(captions)} légendes, {report['figures']} figures, {report['widgets']} widgets")
    assert report["figures"] > 10 and len(captions) == report["figures"]
    assert report["widgets"] > 0  # chacun vérifié rendu par la commande (sinon elle échoue)
    assert "Figure 2.1 — " in text


# --- la commande refuse une page incomplète -------------------------------------------------


def _tiny_site(tmp_path: Path, body: str) -> tuple[Path, Path]:
    root, html_dir = tmp_path / "livre", tmp_path / "livre" / "_build" / "html"
    html_dir.mkdir(parents=True)
    (root / "_config.yml").write_text("title: Essai\nauthor: Moi\n", encoding="utf-8")
    (root / "_toc.yml").write_text("format: jb-book\nroot: page\n", encoding="utf-8")
    (html_dir / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=page.html" />', encoding="utf-8")
    page = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title></head>
        <body><article class="bd-article"><section id="essai"><h1>Essai</h1>{body}</section></article></body></html>"""
    (html_dir / "page.html").write_text(textwrap.dedent(page), encoding="utf-8")
    return root, html_dir


def _command(root: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    # Dans un processus à part, comme dans le README (et hors de la boucle asyncio que
    # les tests dans le navigateur laissent ouverte dans celui-ci).
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_pdf.py"), "--root", str(root),
         "--output", str(tmp_path / "essai.pdf"), "--json", *extra],
        capture_output=True, text=True, timeout=600,
    )


def test_a_complete_tiny_page_prints(tmp_path):
    root, _ = _tiny_site(tmp_path, "<p>Un paragraphe.</p>")
    result = _command(root, tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["pages"] >= 3 and report["chapters"] == [["Essai", 3]]  # titre, table, puis la page


def test_an_empty_widget_box_is_refused(tmp_path):
    widget = ('<div class="cell_output"><script type="application/vnd.jupyter.widget-view+json">'
              '{"version_major": 2, "version_minor": 0, "model_id": "abc"}</script></div>')
    root, _ = _tiny_site(tmp_path, widget)
    result = _command(root, tmp_path)
    assert result.returncode == 1
    assert "widget sans rendu" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "essai.pdf").exists()


def test_an_unrendered_equation_is_refused(tmp_path):
    root, _ = _tiny_site(tmp_path, r'<p><span class="math notranslate nohighlight">\(x^2\)</span></p>')
    result = _command(root, tmp_path)
    assert result.returncode == 1
    assert r"page : équation non rendue : \(x^2\)" in result.stderr


def test_missing_site_gets_a_french_error(tmp_path):
    with pytest.raises(build_pdf.PdfError, match="site introuvable.*tools/build.sh"):
        build_pdf.build_pdf(tmp_path / "rien", tmp_path / "x.pdf", echo=False)


def test_bad_solutions_option_gets_a_french_error(tmp_path):
    root, _ = _tiny_site(tmp_path, "<p>Un paragraphe.</p>")
    result = _command(root, tmp_path, "--solutions", "toutes")
    assert result.returncode == 1
    assert "« omit » ou « open » attendu ; reçu « toutes »" in result.stderr
