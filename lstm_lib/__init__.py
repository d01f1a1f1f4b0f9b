"""lstm_lib — la petite bibliothèque du livre « Comprendre les LSTM ».

Chaque équation d'une cellule LSTM est une fonction numpy, avec l'équation
dans sa documentation. Importer ``lstm_lib`` n'importe pas PyTorch : seul le
module :mod:`lstm_lib.torch_bridge` le fait (ainsi que ``models`` et ``training``).

Modules, un par idée :

- :mod:`lstm_lib.cells` — les équations d'un pas de temps ;
- :mod:`lstm_lib.sequences` — une séquence entière (chemin explicite et chemin rapide) ;
- :mod:`lstm_lib.rnn` — le RNN simple, la disparition du gradient, les jacobiennes d'un LSTM ;
- :mod:`lstm_lib.filters` — la mémoire vue comme un filtre (moyenne mobile, demi-vie) ;
- :mod:`lstm_lib.metrics` — les mesures sur lesquelles les chapitres concluent, testées sur des cas connus ;

- :mod:`lstm_lib.data` — les données synthétiques (radar, problème de l'addition) ;
- :mod:`lstm_lib.plots` — les figures partagées par les chapitres ;
- :mod:`lstm_lib.widgets` — les widgets interactifs et leurs équivalents statiques ;
- :mod:`lstm_lib.style` — une couleur par grandeur, et les nombres écrits à la française (``format_fr``) ;
- :mod:`lstm_lib.torch_bridge` — le passage des poids entre PyTorch et numpy (importe torch).
"""

from .cells import (
    LSTMParams,
    StepRecord,
    candidate,
    concat_inputs,
    forget_gate,
    hidden_output,
    input_gate,
    lstm_step,
    output_gate,
    sigmoid,
    tanh,
    update_memory,
)
from .data import RADAR_CLASSES, RadarBatch, adding_problem, radar_sequences
from .filters import constant_gate_memory, ema, half_life
from .rnn import (
    RNNParams,
    lstm_cell_path_gradient,
    lstm_memory_gradient_norms,
    lstm_step_jacobian,
    rnn_forward,
    rnn_gradient_norms,
    rnn_step,
)
from .sequences import LSTMTrace, lstm_forward, lstm_forward_explicit

__version__ = "0.1.0"

# Les figures et les widgets sont exportés eux aussi, mais importés à la première
# utilisation seulement (PEP 562) : matplotlib et ipywidgets coûtent 1 à 2 s
# d'importation, que ni les calculs ni le correcteur (un processus par copie) n'ont à payer.
_LAZY = {
    "plot_gates_over_time": "plots",
    "plot_radar_sequence": "plots",
    "plot_gradient_decay": "plots",
    "cell_explorer": "widgets",
    "cell_explorer_static": "widgets",
    "memory_explorer": "widgets",
    "memory_explorer_static": "widgets",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"le module lstm_lib n'a pas d'attribut « {name} »")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
