"""Des réponses fausses plausibles, une par exercice, avec un fragment du message attendu.

Chaque entrée : clé d'exercice → (code de la cellule de réponse, fragment du message).
Les tests vérifient qu'elles n'ont pas tous les points (zéro, ou une part des points
pour un exercice en plusieurs parties) avec ce message, dans le cahier
(vérification locale) et chez le correcteur (copie exécutée à part).
"""

WRONG = {
    "ex01": {
        "ex1": ("def rnn_step(x_t, h_prev, W, b):\n"
                "    return 1 / (1 + np.exp(-(W @ np.concatenate([h_prev, x_t]) + b)))\n", "sigmoïde"),
        "ex2": ("def step_jacobian(h_t, W):\n    return W[:, :h_t.shape[0]]\n", "dérivée de tanh"),
        "ex3": ("n_steps_1pct = 43\n", "trop tôt"),
        "ex4": ("answer_forgetting = \"d\"\n", "trace"),
        "ex5": ("def cell_path_gradient(f):\n    return np.cumprod(f[::-1], axis=0)\n", "Décalage"),
        "ex6": ("answer_1997 = \"a\"\n", "pas la bonne réponse"),
    },
    "ex02": {
        "ex1": ("def forget_gate(h_prev, x_t, W_f, b_f):\n"
                "    return 1 / (1 + np.exp(-(W_f @ np.concatenate([h_prev, x_t]))))\n", "biais"),
        "ex2": ("def candidate(h_prev, x_t, W_c, b_c):\n"
                "    return 1 / (1 + np.exp(-(W_c @ np.concatenate([h_prev, x_t]) + b_c)))\n", "sigmoïde"),
        "ex3": ("answer_input_zero = \"a\"\n", "porte d'oubli"),
        "ex4": ("b_f_090 = 2.0\n", "trop petit"),
        "ex5": ("def gates(h_prev, x_t, p):\n"
                "    hx = np.concatenate([h_prev, x_t])\n"
                "    s = lambda z: 1 / (1 + np.exp(-z))\n"
                "    return s(p.W_i @ hx + p.b_i), s(p.W_f @ hx + p.b_f), np.tanh(p.W_c @ hx + p.b_c), s(p.W_o @ hx + p.b_o)\n",
                "échangées"),
        "ex6": ("answer_shape = \"c\"\n", "nombre de lignes"),
    },
    "ex03": {
        "ex1": ("def update_memory(f, c_prev, i, c_hat):\n    return f * c_prev + c_hat\n", "porte d'entrée"),
        "ex2": ("def hidden_output(o, c):\n    return o * c\n", "tanh"),
        "ex3": ("def lstm_step(x_t, h_prev, c_prev, p):\n"
                "    f = lstm_lib.forget_gate(h_prev, x_t, p.W_f, p.b_f)\n"
                "    i = lstm_lib.input_gate(h_prev, x_t, p.W_i, p.b_i)\n"
                "    c_hat = lstm_lib.candidate(h_prev, x_t, p.W_c, p.b_c)\n"
                "    o = lstm_lib.output_gate(h_prev, x_t, p.W_o, p.b_o)\n"
                "    return o * np.tanh(c_prev), f * c_prev + i * c_hat\n", "ancienne mémoire"),
        "ex4": ("def run_lstm(x, params):\n"
                "    H = params.hidden_size\n"
                "    return np.stack([lstm_lib.lstm_step(x_t, np.zeros(H), np.zeros(H), params).h for x_t in x])\n",
                "remis à zéro"),
        "ex5": ("n_steps_saturation = 5\n", "pas encore dépassé"),
        "ex6": ("answer_hidden_memory = \"c\"\n", "s'efface"),
    },
    "ex04": {
        "ex1": ("def ema(x, alpha, y0=0.0):\n"
                "    y, prev = np.empty(len(x)), y0\n"
                "    for t in range(len(x)):\n"
                "        prev = alpha * prev + (1 - alpha) * x[t]\n"
                "        y[t] = prev\n"
                "    return y\n", "échangés"),
        "ex2": ("def half_life(f):\n    return np.log(f) / np.log(0.5)\n", "inversé"),
        "ex3": ("f_half_10 = 0.9\n", "divisée par deux en"),
        "ex4": ("def adaptive_filter(x, f, i, c0=0.0):\n"
                "    c, prev = np.empty(len(x)), c0\n"
                "    for t in range(len(x)):\n"
                "        prev = i[t] * prev + f[t] * x[t]\n"
                "        c[t] = prev\n"
                "    return c\n", "échangées"),
        "ex5": ("answer_filter = \"d\"\n", "longueur fixe"),
        "ex6": ("answer_adaptive = \"a\"\n", "pic serait retenu"),
    },
    "ex05": {
        "ex1": ("def torch_to_book(weight_ih, weight_hh, bias_ih, bias_hh):\n"
                "    H = weight_hh.shape[1]\n"
                "    b = bias_ih + bias_hh\n"
                "    values = {}\n"
                "    for k, gate in enumerate(['f', 'i', 'c', 'o']):\n"
                "        rows = slice(k * H, (k + 1) * H)\n"
                "        values[f'W_{gate}'] = np.concatenate([weight_hh[rows], weight_ih[rows]], axis=1)\n"
                "        values[f'b_{gate}'] = b[rows]\n"
                "    return lstm_lib.LSTMParams(**values)\n", "premier bloc est i"),
        "ex2": ("n_params = 50_176\n", "un seul biais"),
        "ex3": ("def init_forget_bias(bias_ih, bias_hh, value):\n"
                "    H = bias_ih.shape[0] // 4\n"
                "    a, b = bias_ih.copy(), bias_hh.copy()\n"
                "    a[H:2 * H] = value\n"
                "    b[H:2 * H] = value\n"
                "    return a, b\n", "double"),
        "ex4": ("def last_valid_output(output, lengths):\n    return output[:, -1]\n", "remplissage"),
        "ex5": ("answer_h_n_shape = \"a\"\n", "batch_first"),
        "ex6": ("answer_padding = \"a\"\n", "pré-activation"),
    },
    "ex06": {
        "ex1": ("def bidirectional_read(x, pf, pb):\n"
                "    a = lstm_lib.lstm_forward(x, pf)[0].h\n"
                "    b = lstm_lib.lstm_forward(x[::-1], pb)[0].h\n"
                "    return np.concatenate([a, b], axis=1)\n", "ordre du temps"),
        "ex2": ("def final_states(output, H):\n    return output[-1, :H], output[-1, H:]\n", "premier pas"),
        "ex3": ("def masked_mean_pool(h, mask):\n    return h.mean(axis=1)\n", "remplissage"),
        "ex4": ("bidirectional_allowed = {'a': True, 'b': True, 'c': True, 'd': True}\n", "réponses fausses sur 4"),
        "ex5": ("answer_banana = \"a\"\n", "gauche à droite"),
    },
}
