"""Importer lstm_lib (et ses modules numpy) ne doit pas importer PyTorch ; seul le pont le fait."""

import os
import subprocess
import sys

import pytest

NUMPY_MODULES = ["lstm_lib", "lstm_lib.cells", "lstm_lib.sequences", "lstm_lib.rnn", "lstm_lib.filters", "lstm_lib.metrics",
                 "lstm_lib.data", "lstm_lib.plots", "lstm_lib.widgets", "lstm_lib.style"]


def _imports(statement, module="torch"):
    code = f"import sys\n{statement}\nprint({module!r} in sys.modules)"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return result.stdout.strip().splitlines()[-1] == "True"


def test_numpy_modules_do_not_import_torch():
    assert not _imports("; ".join(f"import {m}" for m in NUMPY_MODULES))


def test_torch_bridge_does_import_torch():
    pytest.importorskip("torch")
    assert _imports("import lstm_lib.torch_bridge")


def test_public_names_are_exported():
    import lstm_lib

    for name in ("LSTMParams", "lstm_step", "lstm_forward", "lstm_forward_explicit", "RNNParams", "rnn_step",
                 "rnn_forward", "rnn_gradient_norms", "lstm_cell_path_gradient", "lstm_step_jacobian",
                 "lstm_memory_gradient_norms", "radar_sequences",
                 "RadarBatch", "RADAR_CLASSES", "adding_problem", "half_life", "ema", "constant_gate_memory"):
        assert hasattr(lstm_lib, name), name


def test_figures_and_widgets_are_exported_but_imported_lazily():
    assert not _imports("import lstm_lib", "matplotlib.pyplot")
    assert not _imports("import lstm_lib", "ipywidgets")
    assert _imports("from lstm_lib import plot_gates_over_time", "matplotlib.pyplot")
    import lstm_lib
    from lstm_lib import plots, widgets

    for name in ("plot_gates_over_time", "plot_radar_sequence", "plot_gradient_decay"):
        assert getattr(lstm_lib, name) is getattr(plots, name) and name in dir(lstm_lib)
    for name in ("cell_explorer", "cell_explorer_static", "memory_explorer", "memory_explorer_static"):
        assert getattr(lstm_lib, name) is getattr(widgets, name)
    with pytest.raises(AttributeError, match="pas d'attribut"):
        lstm_lib.plot_everything  # noqa: B018


def test_package_docstring_lists_every_module():
    """La documentation de ``lstm_lib`` est la carte de la bibliothèque : chaque module y figure."""
    import pkgutil

    import lstm_lib

    modules = sorted(m.name for m in pkgutil.iter_modules(lstm_lib.__path__))
    missing = [name for name in modules if f"lstm_lib.{name}" not in lstm_lib.__doc__]
    print(f"{len(modules)} modules, absents de la documentation du paquet : {missing}")
    assert len(modules) >= 20 and missing == []
