"""Le vocabulaire visuel du livre : une couleur par porte, partout.

Palette d'Okabe et Ito (lisible par les personnes daltoniennes). Toute figure
du livre prend ses couleurs et ses légendes ici, jamais ailleurs, pour que
« orange » veuille dire « mémoire c_t » dans chaque chapitre.
"""

GATE_COLORS = {
    "f": "#D55E00",      # porte d'oubli — vermillon
    "i": "#0072B2",      # porte d'entrée — bleu
    "c_hat": "#009E73",  # candidat ĉ — vert
    "c": "#E69F00",      # mémoire — orange
    "o": "#CC79A7",      # porte de sortie — rose
    "h": "#56B4E9",      # état caché / sortie — bleu ciel
    "x": "#7F7F7F",      # entrée — gris
}

GATE_LABELS = {
    "f": "porte d'oubli $f_t$",
    "i": "porte d'entrée $i_t$",
    "c_hat": "candidat $\\hat{c}_t$",
    "c": "mémoire $c_t$",
    "o": "porte de sortie $o_t$",
    "h": "état caché $h_t$",
    "x": "entrée $x_t$",
}
