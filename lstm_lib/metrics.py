"""Les mesures sur lesquelles le livre conclut.

Une conclusion ne vaut que ce que vaut sa mesure. Chaque fonction de ce module
est d'abord vérifiée sur des signaux construits à la main, dont on connaît la
réponse (``tests/test_lib_metrics.py``), avant de servir dans un chapitre :

- :func:`rate_per_step` — le taux géométrique d'une courbe, par pas (chapitre 1) ;
- :func:`settling_time` — le temps au bout duquel un écart rentre pour de bon
  dans une bande de tolérance (chapitre 4) ;
- :func:`best_threshold` — le seuil de décision qui classe le mieux un score (chapitre 4) ;
- :func:`binary_scores` — précision, rappel et F1 d'une classe (chapitre 6) ;
- :func:`first_step_below` — la première étape d'entraînement où une courbe
  passe sous un seuil (chapitres 1 et 5) ;
- :func:`alarm_scores` — le F1 d'une alarme en flux, avec une tolérance sur le
  moment de l'alerte (le mini-projet).

Écrites en numpy et en quelques lignes plutôt qu'importées de scikit-learn :
le livre n'en dépend pas, et chacune doit se lire en entier.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_ndim, check_positive_int, check_real
from .style import format_fr

__all__ = ["rate_per_step", "settling_time", "best_threshold", "binary_scores", "first_step_below",
           "ALARM_TOLERANCE", "alarm_onsets", "alarm_scores"]

#: Le retard permis par défaut entre le début d'une bosse et l'alarme, en pas (celui du mini-projet).
ALARM_TOLERANCE = 2


def rate_per_step(values, start: int = 10, stop: int = 60) -> float:
    """Le taux géométrique par pas d'une courbe ``v_k ≈ C · a^k`` : ``a = exp(pente de log v_k)``.

    La pente est celle de la droite des moindres carrés de ``log v_k`` en
    fonction de ``k``, pour ``start ≤ k < stop``. Pour ``v_k = C · a^k``
    exactement, la fonction rend ``a`` : un taux inférieur à 1 décroît
    (disparition), supérieur à 1 croît (explosion).

    ``values`` : un tableau ``(K,)`` de valeurs strictement positives, avec
    ``stop ≤ K`` et au moins deux points entre ``start`` et ``stop``.
    """
    where = "rate_per_step"
    values = as_float_array(values, "values", where)
    check_ndim(values, (1,), "values", where, "(K,)")
    start = check_positive_int(start, "start", where, minimum=0)
    stop = check_positive_int(stop, "stop", where, minimum=start + 2)
    if stop > values.shape[0]:
        raise ValueError(
            f"{where} : « stop » = {stop} dépasse la longueur de la courbe ({values.shape[0]} valeurs)."
        )
    window = values[start:stop]
    if np.any(window <= 0):
        raise ValueError(f"{where} : les valeurs doivent être > 0 (on prend leur logarithme), reçu {window.min()}.")
    lags = np.arange(start, stop)
    slope = np.polyfit(lags, np.log(window), 1)[0]
    return float(np.exp(slope))


def settling_time(deviation, start, band: float):
    """Temps de stabilisation : le nombre de pas après ``start`` au bout duquel l'écart reste dans la bande.

    C'est la mesure de l'automaticien : la plus petite durée ``s ≥ 0`` telle
    que ``deviation[t] < band`` pour **tous** les pas ``t ≥ start + s``. Elle
    compte la **dernière** sortie de la bande, pas la première entrée : un
    écart qui est encore dans la bande au pas ``start`` puis en sort plus tard
    (une perturbation qui arrive avec retard) n'est pas « stabilisé » au pas
    ``start``. Un écart qui sort encore au dernier pas n'est pas stabilisé
    dans la fenêtre : la fonction rend ``inf``.

    - ``deviation`` : l'écart, ``(T,)`` ou ``(n, T)`` (par exemple la distance
      d'une mémoire à son niveau de repos, en écarts types) ;
    - ``start`` : le pas à partir duquel on compte, un entier ou un tableau
      ``(n,)`` d'entiers dans ``[0, T]`` (``T`` : rien après, donc 0) ;
    - ``band`` : la demi-largeur de la bande, un réel > 0.

    Rend un ``float`` pour ``(T,)``, un tableau ``(n,)`` de floats sinon.
    """
    where = "settling_time"
    deviation = as_float_array(deviation, "deviation", where)
    check_ndim(deviation, (1, 2), "deviation", where, "(T,) ou (n, T)")
    band = check_real(band, "band", where)
    if band <= 0:
        raise ValueError(f"{where} : « band » doit être > 0, reçu {band}.")
    single = deviation.ndim == 1
    rows = deviation[None] if single else deviation
    n, T = rows.shape
    start_arr = np.asarray(start)
    if start_arr.dtype.kind not in "iu" or start_arr.shape not in ((), (n,)):
        raise TypeError(
            f"{where} : « start » doit être un entier ou un tableau de {n} entiers, reçu {start!r}."
        )
    starts = np.broadcast_to(start_arr, (n,))
    if np.any(starts < 0) or np.any(starts > T):
        raise ValueError(f"{where} : « start » doit rester entre 0 et T = {T}, reçu {start!r}.")
    result = np.empty(n)
    for k in range(n):
        outside = np.flatnonzero(rows[k, starts[k]:] >= band)  # pas hors de la bande, comptés depuis start
        if outside.size == 0:
            result[k] = 0.0
        elif starts[k] + outside[-1] == T - 1:
            result[k] = np.inf  # encore hors de la bande au dernier pas
        else:
            result[k] = outside[-1] + 1.0
    return float(result[0]) if single else result


def best_threshold(scores, target):
    """Le seuil ``s`` qui classe le mieux la règle « ``score ≥ s`` ⇔ positif » : rend ``(s, exactitude)``.

    Tous les seuils utiles sont essayés : chaque valeur distincte des scores,
    et ``+inf`` (ne rien déclarer positif). En cas d'égalité, le plus petit
    seuil l'emporte.

    - ``scores`` : un tableau ``(n,)`` de réels ;
    - ``target`` : un tableau ``(n,)`` de booléens (ou de 0 et 1), la vraie réponse.
    """
    where = "best_threshold"
    scores = as_float_array(scores, "scores", where)
    check_ndim(scores, (1,), "scores", where, "(n,)")
    target = _as_bool(target, scores.shape[0], "target", where)
    order = np.argsort(scores, kind="stable")
    sorted_scores, sorted_target = scores[order], target[order]
    candidates, first = np.unique(sorted_scores, return_index=True)
    # Au seuil candidates[j], les positifs déclarés sont les scores ≥ candidates[j] : sorted[first[j]:].
    positives_below = np.concatenate([[0], np.cumsum(sorted_target)])  # vrais positifs avant chaque rang
    n, n_pos = scores.shape[0], int(target.sum())
    true_neg = first - positives_below[first]  # négatifs sous le seuil
    true_pos = n_pos - positives_below[first]  # positifs au-dessus du seuil
    accuracies = np.append((true_neg + true_pos) / n, (n - n_pos) / n)  # + le seuil +inf
    thresholds = np.append(candidates, np.inf)
    best = int(np.argmax(accuracies))
    return float(thresholds[best]), float(accuracies[best])


def binary_scores(predicted, target) -> dict:
    """Précision, rappel et F1 de la classe positive, et l'exactitude.

    ``précision = VP / (VP + FP)`` (la part des alertes qui sont justes),
    ``rappel = VP / (VP + FN)`` (la part des positifs trouvés),
    ``F1 = 2 · précision · rappel / (précision + rappel)``. Une fraction
    dont le dénominateur est nul vaut 0 (aucune alerte : précision 0).

    ``predicted`` et ``target`` : deux tableaux de même forme, de booléens
    (ou de 0 et 1). Rend ``{"exactitude", "précision", "rappel", "F1"}``.
    """
    where = "binary_scores"
    predicted = _as_bool(predicted, None, "predicted", where)
    target = _as_bool(target, None, "target", where)
    if predicted.shape != target.shape:
        raise ValueError(
            f"{where} : « predicted » et « target » doivent avoir la même forme, "
            f"reçu {predicted.shape} et {target.shape}."
        )
    predicted, target = predicted.ravel(), target.ravel()
    tp = int(np.sum(predicted & target))
    fp = int(np.sum(predicted & ~target))
    fn = int(np.sum(~predicted & target))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"exactitude": float(np.mean(predicted == target)), "précision": precision, "rappel": recall, "F1": f1}


def first_step_below(steps, values, threshold: float) -> float:
    """La première étape ``steps[j]`` où ``values[j] < threshold`` ; ``inf`` si la courbe n'y passe jamais.

    Pour une courbe d'apprentissage mesurée toutes les ``eval_every`` étapes
    (``History.steps`` et ``History.val_loss``), c'est l'étape où le modèle
    a « résolu » la tâche, à ``eval_every`` étapes près.
    """
    where = "first_step_below"
    steps = as_float_array(steps, "steps", where)
    values = as_float_array(values, "values", where)
    check_ndim(steps, (1,), "steps", where, "(K,)")
    if values.shape != steps.shape:
        raise ValueError(
            f"{where} : « values » doit avoir la forme de « steps », {steps.shape}, reçu {values.shape}."
        )
    threshold = check_real(threshold, "threshold", where)
    below = np.flatnonzero(values < threshold)
    return float(steps[below[0]]) if below.size else float("inf")


def _segments(mask_row):
    """Les débuts et fins (exclues) des plages de ``True`` d'une ligne booléenne."""
    edges = np.diff(np.concatenate([[0], mask_row.astype(np.int8), [0]]))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def alarm_onsets(decisions, lengths) -> list:
    """Les pas où une alarme se déclenche : ``decisions[b, t]`` vrai et ``decisions[b, t − 1]`` faux.

    Seuls comptent les pas réels (``t < lengths[b]``) ; au pas 0, une décision vraie est un
    déclenchement. Rend une liste de ``n`` tableaux d'entiers (un par flux).
    """
    where = "alarm_onsets"
    decisions = _as_bool(decisions, None, "decisions", where)
    check_ndim(decisions, (2,), "decisions", where, "(n, T)")
    lengths = _lengths(lengths, decisions.shape, where)
    return [_segments(decisions[b, :lengths[b]])[0] for b in range(decisions.shape[0])]


def alarm_scores(decisions, bumps, lengths, tolerance: int = ALARM_TOLERANCE) -> dict:
    """Le F1 d'une alarme en flux : chaque bosse doit déclencher une alarme, à temps, et rien d'autre.

    Une bosse qui commence au pas ``o`` est **trouvée** si une alarme se déclenche
    (:func:`alarm_onsets`) à un pas de ``[o, o + tolerance]`` (le premier déclenchement de
    cette fenêtre : un vrai positif) ; sinon elle est manquée (un faux négatif). Tout autre
    déclenchement (avant, pendant le bruit, sur un parasite, trop tard, ou un second dans la
    même fenêtre) est une fausse alerte. Une alarme qui reste allumée ne compte qu'une fois.

    - ``decisions`` : ``(n, T)`` booléens (ou 0 et 1), la décision à chaque pas ;
    - ``bumps`` : ``(n, T)`` booléens, vrai à chaque pas d'une bosse ;
    - ``lengths`` : ``(n,)`` entiers, la longueur réelle de chaque flux (le reste est ignoré) ;
    - ``tolerance`` : le retard permis, en pas (un entier ≥ 0).

    Rend ``{"VP", "FP", "FN", "précision", "rappel", "F1"}`` ; une fraction de dénominateur
    nul vaut 0.
    """
    where = "alarm_scores"
    decisions = _as_bool(decisions, None, "decisions", where)
    check_ndim(decisions, (2,), "decisions", where, "(n, T)")
    bumps = _as_bool(bumps, None, "bumps", where)
    if bumps.shape != decisions.shape:
        raise ValueError(f"{where} : « bumps » doit avoir la forme de « decisions », {decisions.shape}, "
                         f"reçu {bumps.shape}.")
    lengths = _lengths(lengths, decisions.shape, where)
    tolerance = check_positive_int(tolerance, "tolerance", where, minimum=0)
    tp = fp = fn = 0
    for b, fired in enumerate(alarm_onsets(decisions, lengths)):
        starts, _ = _segments(bumps[b, :lengths[b]])
        used = np.zeros(len(fired), dtype=bool)
        for o in starts:
            inside = np.flatnonzero((fired >= o) & (fired <= o + tolerance) & ~used)
            if inside.size:
                used[inside[0]] = True
                tp += 1
            else:
                fn += 1
        fp += int((~used).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"VP": tp, "FP": fp, "FN": fn, "précision": precision, "rappel": recall, "F1": f1}


def _lengths(lengths, shape, where):
    arr = np.asarray(lengths)
    n, T = shape
    if arr.dtype.kind not in "iu" or arr.shape != (n,):
        raise TypeError(f"{where} : « lengths » doit être un tableau de {n} entiers, reçu {lengths!r}.")
    if np.any(arr < 0) or np.any(arr > T):
        raise ValueError(f"{where} : chaque longueur doit rester entre 0 et T = {T}, reçu {arr.tolist()!r}.")
    return arr.astype(np.int64)


def _as_bool(value, n, name, where):
    arr = np.asarray(value)
    if arr.dtype.kind == "b":
        out = arr
    elif arr.dtype.kind in "iuf" and np.all((arr == 0) | (arr == 1)):
        out = arr.astype(bool)  # des 0 et des 1, entiers ou flottants (une alarme en float32 0,0 / 1,0)
    elif arr.dtype.kind in "iuf":
        bad = arr[(arr != 0) & (arr != 1)].ravel()[0]
        raise TypeError(
            f"{where} : « {name} » doit contenir des booléens (ou des 0 et des 1), reçu des valeurs "
            f"comme {format_fr(float(bad), 3)} : seuillez les scores pour décider."
        )
    else:
        raise TypeError(
            f"{where} : « {name} » doit contenir des booléens (ou des 0 et des 1), "
            f"reçu un tableau de dtype {arr.dtype}."
        )
    if n is not None and out.shape != (n,):
        raise ValueError(f"{where} : « {name} » doit avoir la forme ({n},), reçu la forme {out.shape}.")
    return out
