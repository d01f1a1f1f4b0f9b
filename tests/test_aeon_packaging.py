"""aeon : épinglé une seule fois (pyproject.toml), repris par Binder et par la cellule Colab, installé par setup_env.sh."""

import re
import tomllib

from conftest import ROOT, colab_cell


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def aeon_pin() -> str:
    extra = pyproject()["project"]["optional-dependencies"]["aeon"]
    assert len(extra) == 1 and re.fullmatch(r"aeon==\d+\.\d+\.\d+", extra[0]), extra
    return extra[0]


def test_aeon_is_pinned_in_its_extra_and_pulled_by_dev():
    pin = aeon_pin()
    project = pyproject()["project"]
    assert "lstm_lib[aeon]" in project["optional-dependencies"]["dev"]
    assert not any(d.startswith("aeon") for d in project["dependencies"]), "aeon ne doit pas alourdir le cœur de lstm_lib"
    print(f"épinglage : {pin}")


def test_binder_installs_the_same_aeon():
    lines = [l.strip() for l in (ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8").splitlines()]
    assert aeon_pin() in lines
    assert "tools/warm_aeon.py" in (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")


def test_colab_cell_installs_the_aeon_extra():
    assert "lstm_lib[aeon] @ git+" in colab_cell.colab_source()


def test_setup_env_installs_dev_and_warms_numba():
    script = (ROOT / "tools" / "setup_env.sh").read_text(encoding="utf-8")
    assert '".[dev]"' in script and "tools/warm_aeon.py" in script
    assert "aeon" in re.search(r'-c "import ([^"]+)"', script).group(1)


def test_corpus_ships_with_the_package():
    data = pyproject()["tool"]["setuptools"]["package-data"]["lstm_lib"]
    assert "textes/*.txt" in data
    assert (ROOT / "lstm_lib" / "textes" / "livre.txt").read_text(encoding="utf-8").startswith("# Fichier généré")
