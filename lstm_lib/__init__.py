"""lstm_lib — la petite bibliothèque du livre « Comprendre les LSTM ».

Chaque équation d'une cellule LSTM est une fonction numpy, avec l'équation
dans sa documentation. Importer ``lstm_lib`` n'importe pas PyTorch : seul le
module :mod:`lstm_lib.torch_bridge` le fait (ainsi que ``models``, ``training``,
``saliency``, ``charlm`` et ``attention``) ; ni aeon, que seul ``realdata.load_japanese_vowels`` importe.

Modules, un par idée (et leur ordre de lecture) :

- :mod:`lstm_lib.cells` — les équations d'un pas de temps, les six grandeurs (``QUANTITIES``)
  et la boucle du livre (``lstm_loop``) ;
- :mod:`lstm_lib.sequences` — une séquence entière (chemin explicite et chemin rapide) ;
- :mod:`lstm_lib.rnn` — le RNN simple, la disparition du gradient, les jacobiennes d'un LSTM ;
- :mod:`lstm_lib.filters` — la mémoire vue comme un filtre (moyenne mobile, demi-vie) ;
- :mod:`lstm_lib.metrics` — les mesures sur lesquelles les chapitres concluent, testées sur des cas connus ;
- :mod:`lstm_lib.data` — les données synthétiques (radar, problème de l'addition, rappel associatif, parité courante) ;
- :mod:`lstm_lib.plots` — les figures partagées par les chapitres ;
- :mod:`lstm_lib.diagram` — le schéma de la cellule et les « tiroirs » de la mémoire (figures) ;
- :mod:`lstm_lib.widgets` — les widgets interactifs et leurs équivalents statiques (front-end : ``lstm_lib/front/``) ;
- :mod:`lstm_lib.style` — une couleur par grandeur, et les nombres écrits à la française (``format_fr``) ;
- :mod:`lstm_lib.torch_bridge` — tout ce qui touche à la disposition des poids de PyTorch (ordre i, f, g, o,
  deux biais, ``set_forget_bias``) et le passage des poids dans les deux sens (importe torch) ;
- :mod:`lstm_lib.models` — le modèle PyTorch des chapitres (couche récurrente, agrégation, couche linéaire ; importe torch) ;
- :mod:`lstm_lib.training` — la boucle d'entraînement courte et graine des expériences (importe torch) ;
- :mod:`lstm_lib.saliency` — la saillance dans le temps : de quelles entrées passées la décision dépend (importe torch) ;
- :mod:`lstm_lib.backward` — la rétropropagation dans le temps, une fonction par équation du gradient ;
- :mod:`lstm_lib.gru` — le GRU (deux portes, un état), dans la forme de PyTorch et dans celle de Cho et al. ;
- :mod:`lstm_lib.realdata` — des données réelles (JapaneseVowels, par aeon) et le remplissage d'un lot ;
- :mod:`lstm_lib.text` — le texte caractère par caractère : vocabulaire, n-gramme, perplexité, température
  (le corpus : ``lstm_lib/textes/``) ;
- :mod:`lstm_lib.charlm` — un modèle de langue LSTM, caractère par caractère (importe torch) ;
- :mod:`lstm_lib.attention` — l'auto-attention causale et le coût d'un pas (importe torch) ;
- :mod:`lstm_lib.grading` — les exercices notés : une source par cahier (``grading/exNN.py``) et leur correction ;
- ``lstm_lib._checks`` (interne) — les vérifications des entrées et leurs messages en français, appelées une
  fois par fonction publique.

Les figures et les widgets exportés ici (``plot_gates_over_time``, ``memory_explorer``…) ne sont
importés qu'à leur première utilisation : mesuré, ``import lstm_lib`` prend environ 0,2 s, et
matplotlib avec les widgets en ajouteraient 0,6 à 0,8 (``python -X importtime -c "import lstm_lib"``),
que ni les calculs ni le correcteur (un processus par copie) n'ont à payer.
"""

from .cells import (
    QUANTITIES,
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
from .cells import lstm_loop
from .backward import (
    LSTMGrads,
    StepGrads,
    d_candidate,
    d_concat,
    d_forget_gate,
    d_input_gate,
    d_memory,
    d_memory_prev,
    d_output_gate,
    d_sigmoid_input,
    d_tanh_input,
    d_weights,
    lstm_backward,
    lstm_step_backward,
)
from .gru import (
    GRUParams,
    GRURecord,
    GRUStepGrads,
    GRUTrace,
    gru_candidate,
    gru_candidate_cho,
    gru_forward,
    gru_step,
    gru_step_backward,
    gru_update,
    reset_gate,
    update_gate,
)

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
    "gradient_decay_explorer": "widgets",
    "gate_bias_explorer": "widgets",
    "saturation_explorer": "widgets",
    "half_life_explorer": "widgets",
    "grid_explorer": "widgets",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"le module lstm_lib n'a pas d'attribut « {name} »")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
