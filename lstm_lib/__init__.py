"""lstm_lib — la petite bibliothèque du livre « Comprendre les LSTM ».

Chaque équation d'une cellule LSTM est une fonction numpy, avec l'équation
dans sa documentation. Importer ``lstm_lib`` n'importe pas PyTorch : seul le
module :mod:`lstm_lib.torch_bridge` le fait.

Modules, un par idée :

- :mod:`lstm_lib.cells` — les équations d'un pas de temps ;
- :mod:`lstm_lib.sequences` — une séquence entière (chemin explicite et chemin rapide).
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
from .sequences import LSTMTrace, lstm_forward, lstm_forward_explicit

__version__ = "0.1.0"
