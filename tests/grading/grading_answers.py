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
        "ex3": ("rho, theta = ex3.valeurs['rho'], ex3.valeurs['threshold']\n"
                "n_steps = int(np.floor(np.log(theta) / np.log(rho)))\n", "vers le bas"),
        "ex4": ("answer_forgetting = ex4.lettre('entrées anciennes')\n", "trace"),
        "ex5": ("def cell_path_gradient(f):\n    return np.cumprod(f[::-1], axis=0)\n", "Décalage"),
        "ex6": ("answer_1997 = ex6.lettre('PyTorch')\n", "bibliothèques"),
        "ex7": ("def rnn_bptt(x, h0, W, b, g):\n"
                "    H = h0.shape[0]\n"
                "    states = [h0]\n"
                "    for x_t in x:\n"
                "        states.append(np.tanh(W @ np.concatenate([states[-1], x_t]) + b))\n"
                "    dW, db, dh = np.zeros_like(W), np.zeros_like(b), g.copy()\n"
                "    for t in range(len(x), 0, -1):\n"
                "        delta = dh * (1 - states[t] ** 2)\n"
                "        dW += np.outer(delta, np.concatenate([states[t - 1], x[t - 1]]))\n"
                "        db += delta\n"
                "        dh = W[:, :H] @ delta\n"
                "    return dW, db, dh\n", "W_hᵀ"),
        "ex8": ("def grad_check(x, h0, W, b, g, dW, eps=1e-6):\n"
                "    loss = lambda W_: g @ lstm_lib.rnn_forward(x, lstm_lib.RNNParams(W_, b), h0)[1]\n"
                "    numeric = np.zeros_like(W)\n"
                "    for index in np.ndindex(*W.shape):\n"
                "        step = np.zeros_like(W)\n"
                "        step[index] = eps\n"
                "        numeric[index] = (loss(W + step) - loss(W - step)) / (2 * eps)\n"
                "    return bool(abs(np.linalg.norm(dW) - np.linalg.norm(numeric)) < 1e-5 * np.linalg.norm(numeric))\n",
                "pas seulement sa norme"),
    },
    "ex02": {
        "ex1": ("def forget_gate(h_prev, x_t, W_f, b_f):\n"
                "    return 1 / (1 + np.exp(-(W_f @ np.concatenate([h_prev, x_t]))))\n", "biais"),
        "ex2": ("def candidate(h_prev, x_t, W_c, b_c):\n"
                "    return 1 / (1 + np.exp(-(W_c @ np.concatenate([h_prev, x_t]) + b_c)))\n", "sigmoïde"),
        "ex3": ("answer_input_zero = ex3.lettre('effacée')\n", "porte d'oubli"),
        "ex4": ("p = ex4.valeurs['p']\nb_f_target = np.log(p / (1 - p))\n", "s'ajoute au biais"),
        "ex5": ("def gates(h_prev, x_t, p):\n"
                "    hx = np.concatenate([h_prev, x_t])\n"
                "    s = lambda z: 1 / (1 + np.exp(-z))\n"
                "    return s(p.W_i @ hx + p.b_i), s(p.W_f @ hx + p.b_f), np.tanh(p.W_c @ hx + p.b_c), s(p.W_o @ hx + p.b_o)\n",
                "échangées"),
        "ex6": ("answer_shape = ex6.lettre('(66, 64)')\n", "nombre de lignes"),
        "ex7": ("def which_bug(h_prev, x_t, W_f, b_f, f_obs):\n"
                "    if f_obs.min() < 0:\n"
                "        return 'tanh'\n"
                "    if f_obs.max() > 1:\n"
                "        return 'biais_dehors'\n"
                "    return 'aucune'\n", "a été diagnostiquée"),
        "ex8": ("def reset_gate(H, I):\n"
                "    W_f = np.zeros((H, H + I))\n"
                "    W_f[:, H] = 20.0\n"
                "    return W_f, np.full(H, -10.0)\n", "fait l'inverse"),
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
        "ex5": ("c_hat, theta = ex5.valeurs['c_hat'], ex5.valeurs['threshold']\n"
                "n_steps_saturation = int(np.floor(theta / c_hat)) + 1\n", "h_t = tanh(c_t)"),
        "ex6": ("answer_hidden_memory = ex6.lettre(\"porte d'oubli\")\n", "s'efface"),
        "ex7": ("def latch_params():\n"
                "    W_f, b_f = np.array([[0.0, 0.0, -24.0]]), np.array([3.0])\n"
                "    W_i, b_i = np.array([[0.0, 0.0, 24.0]]), np.array([-12.0])\n"
                "    W_c, b_c = np.array([[0.0, 1.0, 0.0]]), np.zeros(1)\n"
                "    W_o, b_o = np.zeros((1, 3)), np.zeros(1)\n"
                "    return lstm_lib.LSTMParams(W_f, b_f, W_i, b_i, W_c, b_c, W_o, b_o)\n", "la mémoire fuit"),
        "ex8": ("def memory_contributions(f, i, c_hat, c0):\n"
                "    T = f.shape[0]\n"
                "    contributions = np.empty_like(c_hat)\n"
                "    later = np.ones_like(c0)\n"
                "    for t in range(T - 1, -1, -1):\n"
                "        later = later * f[t]\n"
                "        contributions[t] = i[t] * c_hat[t] * later\n"
                "    return later * c0, contributions\n", "Décalage d'un pas"),
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
        "ex5": ("answer_filter = ex5.lettre('fenêtre')\n", "longueur fixe"),
        "ex6": ("answer_adaptive = ex6.lettre('proche de 1')\n", "pic serait retenu"),
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
        "ex5": ("answer_h_n_shape = ex5.lettre('(8, 2, 64)')\n", "batch_first"),
        "ex6": ("answer_padding = ex6.lettre('entrée nulle')\n", "pré-activation"),
    },
    "ex06": {
        "ex1": ("def bidirectional_read(x, pf, pb):\n"
                "    a = lstm_lib.lstm_forward(x, pf)[0].h\n"
                "    b = lstm_lib.lstm_forward(x[::-1], pb)[0].h\n"
                "    return np.concatenate([a, b], axis=1)\n", "ordre du temps"),
        "ex2": ("def final_states(output, H):\n    return output[-1, :H], output[-1, H:]\n", "premier pas"),
        "ex3": ("def masked_mean_pool(h, mask):\n    return h.mean(axis=1)\n", "remplissage"),
        "ex4": ("bidirectional_allowed = {'a': True, 'b': True, 'c': True, 'd': True}\n", "réponses fausses sur 4"),
        "ex5": ("answer_banana = ex5.lettre('LSTM avant')\n", "gauche à droite"),
    },
}
