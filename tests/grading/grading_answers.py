"""Des réponses fausses plausibles, une par exercice, avec un fragment du message attendu.

Chaque entrée : clé d'exercice → (code de la cellule de réponse, fragment du message).
Les tests vérifient qu'elles n'ont pas tous les points (zéro, ou une part des points
pour un exercice en plusieurs parties) avec ce message, dans le cahier
(vérification locale) et chez le correcteur (copie exécutée à part).
"""

from lstm_lib.grading import ex05

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
        # croire qu'un ajustement réussi prouve qu'un filtre est fixe
        "ex7": ("def identify_filter(x, y):\n"
                "    design = np.stack([np.concatenate([[0.0], y[:-1]]), x], axis=1)\n"
                "    coef = np.linalg.lstsq(design, y, rcond=None)[0]\n"
                "    return float(coef[0]), float(coef[1])\n", "n'est pas fixe"),
        # croire qu'un total (un filtre fixe) suffit à séparer une bosse d'un pic
        "ex8": ("def bump_score(amplitude):\n    return amplitude.sum(axis=1)\n", "C'est un filtre fixe"),
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
        # rendre la boucle telle quelle : elle tourne sans erreur, donc elle serait juste
        "ex7": (ex05.BUGGY_LOOP.replace("def buggy_train_and_predict", "def train_and_predict"), "il en faut au moins 90"),
        # croire que output[:, -1] est fautif, et ne pas voir le zero_grad manquant
        "ex8": ("bug_lines = {'a': False, 'b': True, 'c': True, 'd': False, 'e': True, 'f': True, 'g': False, "
                "'h': False}\n", "réponses fausses sur 8"),
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
        # Le plus petit retard au lieu du plus grand : 0 pour tout modèle, à cause des derniers pas.
        "ex6": ("def lookahead(x, y_trunc):\n"
                "    delays = []\n"
                "    for t in range(len(x)):\n"
                "        changed = [s for s in range(t, len(x)) if y_trunc[s, t] != y_trunc[-1, t]]\n"
                "        delays.append(max(changed) + 1 - t if changed else 0)\n"
                "    return min(delays)\n", "pas le plus petit"),
        # Ne regarder que la sortie finale du pipeline : on accuse le modèle, qui hérite de la fuite.
        "ex7": ("def leaky_stage(tables):\n"
                "    y = tables['modèle']\n"
                "    past = ~np.isnan(y)\n"
                "    return 'modèle' if np.any(y[past] != np.broadcast_to(y[-1], y.shape)[past]) else None\n",
                "hérite"),
    },
    "ex07": {
        "ex1": ("def output_gate_backward(x_t, h_prev, c_prev, params, d_h):\n"
                "    record = lstm_lib.lstm_step(x_t, h_prev, c_prev, params)\n"
                "    d_o = d_h * np.tanh(record.c)\n"
                "    return np.outer(d_o, np.concatenate([h_prev, x_t])), d_o\n", "dérivée de la sigmoïde"),
        "ex2": ("def memory_backward(d_h, o, c, d_c_next, f_next):\n"
                "    return d_h * o * (1 - np.tanh(c) ** 2) + d_c_next\n", "sans la porte f_{t+1}"),
        "ex3": ("FIELDS = ('W_f', 'b_f', 'W_i', 'b_i', 'W_c', 'b_c', 'W_o', 'b_o')\n\n"
                "def grad_check(x, params, d_h, grads, eps=1e-6):\n"
                "    def loss(p):  # seul le dernier pas : la perte est mal recopiée\n"
                "        return np.sum(lstm_lib.lstm_forward(x, p)[0].h[-1] * d_h[-1])\n"
                "    wrong = {}\n"
                "    for name in FIELDS:\n"
                "        value = getattr(params, name)\n"
                "        wrong[name] = False\n"
                "        for index in np.ndindex(value.shape):\n"
                "            plus, minus = value.copy(), value.copy()\n"
                "            plus[index] += eps\n"
                "            minus[index] -= eps\n"
                "            d = (loss(lstm_lib.LSTMParams(**{**params.__dict__, name: plus}))\n"
                "                 - loss(lstm_lib.LSTMParams(**{**params.__dict__, name: minus}))) / (2 * eps)\n"
                "            if abs(d - getattr(grads, name)[index]) > 1e-6 * (1 + abs(d)):\n"
                "                wrong[name] = True\n"
                "    return wrong\n", "accuse"),
        "ex4": ("def gradient_reach(T, k, loss_steps):\n"
                "    reached = np.zeros(T, dtype=bool)\n"
                "    for s in loss_steps:\n"
                "        reached[max(0, s - k + 1):s + 1] = True\n"
                "    return reached\n", "glissantes"),
        "ex5": ("def clip_by_norm(grads, max_norm):\n"
                "    return {k: g * min(1.0, max_norm / np.linalg.norm(g)) for k, g in grads.items()}\n",
                "sa propre norme"),
        "ex6": ("answer_detach = ex6.lettre(\"retain_graph\")\n", "modifiés sur place"),
    },
    "ex08": {
        "ex1": ("def gru_step(x_t, h_prev, params):\n"
                "    hx = np.concatenate([h_prev, x_t])\n"
                "    r = lstm_lib.sigmoid(params['W_r'] @ hx + params['b_r'])\n"
                "    z = lstm_lib.sigmoid(params['W_z'] @ hx + params['b_z'])\n"
                "    n = np.tanh(params['W_n'] @ np.concatenate([r * h_prev, x_t]) + params['b_n'] + params['b_hn'])\n"
                "    return r, z, n, z * h_prev + (1 - z) * n\n", "forme de l'article"),
        "ex2": ("def param_counts(input_size, hidden_size, num_layers, bidirectional):\n"
                "    H, D = hidden_size, 2 if bidirectional else 1\n"
                "    inputs = [input_size] + [D * H] * (num_layers - 1)\n"
                "    block = D * sum(H * i + H * H + H for i in inputs)\n"
                "    return 4 * block, 3 * block\n", "seul biais par bloc"),
        "ex3": ("def cifg_step(x_t, h_prev, c_prev, params):\n"
                "    f = lstm_lib.forget_gate(h_prev, x_t, params.W_f, params.b_f)\n"
                "    c_hat = lstm_lib.candidate(h_prev, x_t, params.W_c, params.b_c)\n"
                "    o = lstm_lib.output_gate(h_prev, x_t, params.W_o, params.b_o)\n"
                "    c = (1 - f) * c_prev + f * c_hat\n"
                "    return o * np.tanh(c), c\n", "couplage semble inversé"),
        "ex4": ("def which_gru(x, params, h):\n    return \"pytorch\"\n", "pas la bonne variante"),
        "ex5": ("def latch_params(T, mark_channel):\n"
                "    W_z, W_n = np.zeros((1, 3)), np.zeros((1, 3))\n"
                "    W_z[0, 1 + mark_channel] = 40.0   # convention z ↔ 1 − z : z ≈ 1 écrirait\n"
                "    W_n[0, 2 - mark_channel] = 1.0\n"
                "    zero = np.zeros(1)\n"
                "    return {'W_r': np.zeros((1, 3)), 'b_r': zero, 'W_z': W_z, 'b_z': np.array([-20.0]),\n"
                "            'W_n': W_n, 'b_n': zero, 'b_hn': zero}\n", "réécrit à chaque pas"),
        "ex6": ("answer_greff = ex6.lettre(\"coupler\")\n", "pont entre le LSTM et le GRU"),
    },
    "ex09": {
        "ex1": ("def perplexity(logits, targets):\n"
                "    z = logits - logits.max(axis=1, keepdims=True)\n"
                "    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))\n"
                "    return float(-log_p[np.arange(len(targets)), targets].mean())\n", "entropie croisée"),
        "ex2": ("def sample_next(logits, temperature, n, seed):\n"
                "    z = np.asarray(logits) * temperature\n"
                "    p = np.exp(z - z.max())\n"
                "    return np.random.default_rng(seed).choice(len(p), size=n, p=p / p.sum())\n",
                "multiplier les logits par τ"),
        "ex3": ("def pad_batch(sequences):\n"
                "    lengths = np.array([s.shape[1] for s in sequences])\n"
                "    x = np.zeros((len(sequences), lengths.max(), 12))\n"
                "    for n, s in enumerate(sequences):\n"
                "        x[n, x.shape[1] - s.shape[1]:] = s.T\n"
                "    return x, lengths\n", "par le début"),
        "ex4": ("def standardise(x_train, len_train, x_test, len_test):\n"
                "    frames = x_train.reshape(-1, x_train.shape[-1])\n"
                "    real = np.arange(x_test.shape[1])[None, :] < len_test[:, None]\n"
                "    return np.where(real[..., None], (x_test - frames.mean(0)) / frames.std(0), 0.0)\n",
                "remplissage compris"),
        "ex5": ("def bigram_probs(train_ids, V, beta):\n"
                "    pairs = np.zeros((V, V))\n"
                "    np.add.at(pairs, (train_ids[:-1], train_ids[1:]), 1.0)\n"
                "    return (pairs + beta) / (pairs.sum(axis=1, keepdims=True) + beta * V)\n", "lissage additif"),
        "ex6": ("def is_leaky(protocol):\n"
                "    return 'test' in (protocol['normalisation'], protocol['reglage'], protocol['arret']) \\\n"
                "        or protocol['graine'] == 'meilleure en test'\n", "normalisation voient le test"),
        "ex7": ("answer_exposure = ex7.lettre(\"température trop basse\")\n", "τ = 1"),
        "ex8": ("def most_confused_pair(confusion):\n"
                "    both = confusion + confusion.T\n"
                "    np.fill_diagonal(both, -1)\n"
                "    a, b = np.unravel_index(np.argmax(both), both.shape)\n"
                "    return int(a), int(b)\n", "favorise les locuteurs les plus représentés"),
    },
    "ex10": {
        "ex1": ("def causal_attention(Q, K, V):\n"
                "    scores = Q @ K.T / np.sqrt(Q.shape[1])\n"
                "    w = np.exp(scores - scores.max(axis=1, keepdims=True))\n"
                "    return (w / w.sum(axis=1, keepdims=True)) @ V\n", "masque causal semble oublié"),
        "ex2": ("def streaming_costs(n, d, H, I):\n"
                "    return {'lstm_ops': 4 * H * (I + H), 'attention_ops': 4 * d * d + 2 * n * d,\n"
                "            'lstm_bytes': 8 * H, 'attention_bytes': 8 * n * d}\n", "multiplication-addition"),
        "ex3": ("def stream_ratio(N, d, H, I):\n"
                "    return (8 * d * d + 4 * d * N) / (8 * H * (I + H))\n", "le seul dernier pas"),
        "ex4": ("def min_scale(n, target):\n    return float(np.log(target / (1 - target)))\n", "n − 1 autres clés"),
        "ex5": ("def tcn_layers(kernel_size, context):\n"
                "    L = 0\n"
                "    while 1 + L * (kernel_size - 1) < context:\n"
                "        L += 1\n"
                "    return L\n", "dilatations semblent ignorées"),
        "ex6": ("answer_stream = ex6.lettre(\"en parallèle\")\n", "l'avantage inverse"),
    },
    "ex11": {
        # Une moyenne centrée sur trois pas : un bon F1, mais elle lit le pas suivant.
        "ex1": ("SEED = 1\nREPORTED_F1 = 0.9\n"
                "def alarm(x, lengths):\n"
                "    a = np.asarray(x, dtype=float)[:, :, 0]\n"
                "    padded = np.pad(a, ((0, 0), (1, 1)))\n"
                "    return (padded[:, :-2] + padded[:, 1:-1] + padded[:, 2:]) / 3 > 0.8\n",
                "n'est pas causale"),
    },
}
