"""Le texte, caractère par caractère : vocabulaire, modèle n-gramme, perplexité, température.

Tout est en numpy (ce module n'importe pas PyTorch) : le chapitre 9 s'en sert
pour juger un modèle de langue LSTM contre une référence classique.

- :class:`CharVocab` : les caractères d'un texte, numérotés ; ``encode`` / ``decode`` ;
- :func:`fit_char_ngram`, :func:`ngram_next_probs`, :func:`ngram_target_probs` :
  un modèle n-gramme de caractères, lissé par interpolation vers l'ordre inférieur ;
- :func:`perplexity` : l'exponentielle de l'entropie croisée moyenne ;
- :func:`softmax_with_temperature`, :func:`sample_with_temperature` : tirer le
  caractère suivant, plus ou moins audacieusement ;
- :func:`book_corpus` : le texte français livré avec la bibliothèque (la prose du livre).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import numpy as np

from ._checks import _describe, as_float_array, check_ndim, check_positive_int, check_real, check_seed

__all__ = [
    "CharVocab",
    "CharNgram",
    "fit_char_ngram",
    "ngram_next_probs",
    "ngram_target_probs",
    "perplexity",
    "softmax_with_temperature",
    "sample_with_temperature",
    "entropy_bits",
    "known_word_share",
    "book_corpus",
]


def _check_text(text, where: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{where} : « text » doit être une chaîne de caractères (str), reçu {_describe(text)}.")
    return text


def _check_ids(ids, vocab_size: int, name: str, where: str) -> np.ndarray:
    """Une suite d'indices entiers dans ``[0, vocab_size[``, de forme ``(N,)``."""
    if isinstance(ids, (str, bytes)) or ids is None:
        raise TypeError(f"{where} : « {name} » doit être une suite d'indices entiers, reçu {_describe(ids)}.")
    arr = np.asarray(ids)
    if arr.dtype == bool or arr.dtype.kind not in "iu":
        if arr.size == 0 and arr.dtype.kind == "f":
            arr = arr.astype(np.int64)
        else:
            raise TypeError(
                f"{where} : « {name} » doit contenir des indices entiers (dtype int), reçu le dtype {arr.dtype}."
            )
    check_ndim(arr, (1,), name, where, "(N,) (une seule suite d'indices)")
    if arr.size and (arr.min() < 0 or arr.max() >= vocab_size):
        bad = arr[(arr < 0) | (arr >= vocab_size)][0]
        raise ValueError(
            f"{where} : les indices de « {name} » doivent être entre 0 et {vocab_size - 1} "
            f"(taille du vocabulaire {vocab_size}), reçu l'indice {bad}."
        )
    return arr.astype(np.int64, copy=False)


@dataclass(frozen=True)
class CharVocab:
    """Les caractères d'un texte, triés et numérotés : ``chars[k]`` a l'indice ``k``."""

    chars: tuple[str, ...]

    def __post_init__(self):
        if not isinstance(self.chars, tuple) or not all(isinstance(c, str) and len(c) == 1 for c in self.chars):
            raise TypeError("CharVocab : « chars » doit être un tuple de caractères (chaînes de longueur 1).")
        if len(set(self.chars)) != len(self.chars):
            raise ValueError("CharVocab : « chars » contient des doublons.")
        if not self.chars:
            raise ValueError("CharVocab : le vocabulaire doit contenir au moins un caractère.")

    @classmethod
    def from_text(cls, text: str) -> "CharVocab":
        """Le vocabulaire des caractères présents dans ``text`` (dans l'ordre des points de code)."""
        text = _check_text(text, "CharVocab.from_text")
        if not text:
            raise ValueError("CharVocab.from_text : le texte est vide ; il faut au moins un caractère.")
        return cls(tuple(sorted(set(text))))

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """Le texte en indices : tableau int64 de forme ``(len(text),)``."""
        text = _check_text(text, "CharVocab.encode")
        index = {c: k for k, c in enumerate(self.chars)}
        unknown = sorted(set(text) - index.keys())
        if unknown:
            shown = ", ".join(repr(c) for c in unknown[:5])
            raise ValueError(
                f"CharVocab.encode : {len(unknown)} caractère(s) hors du vocabulaire ({shown}) ; "
                f"attendu uniquement des caractères parmi les {len(self)} du vocabulaire."
            )
        return np.fromiter((index[c] for c in text), dtype=np.int64, count=len(text))

    def decode(self, ids) -> str:
        """Les indices en texte (l'inverse de :meth:`encode`)."""
        arr = _check_ids(ids, len(self), "ids", "CharVocab.decode")
        return "".join(self.chars[k] for k in arr)


@dataclass(frozen=True)
class CharNgram:
    """Un modèle n-gramme de caractères, rendu par :func:`fit_char_ngram`.

    ``tables[k]`` (``k = 0 … order − 1``) compte les suites de ``k + 1``
    caractères du texte d'entraînement : ``codes`` (chaque suite codée par un
    entier, en base ``vocab_size``, triés) et ``counts``. ``context_tables[k]``
    compte de même les contextes de ``k`` caractères suivis d'un caractère.
    """

    order: int
    vocab_size: int
    beta: float
    tables: tuple[tuple[np.ndarray, np.ndarray], ...]
    context_tables: tuple[tuple[np.ndarray, np.ndarray], ...]


def _ngram_codes(ids: np.ndarray, n: int, V: int) -> np.ndarray:
    """Code en base V de chaque suite de n caractères consécutifs : (len(ids) − n + 1,)."""
    N = len(ids) - n + 1
    codes = np.zeros(max(N, 0), dtype=np.int64)
    for j in range(n):
        codes = codes * V + ids[j:j + N]
    return codes


def _lookup(table, codes: np.ndarray) -> np.ndarray:
    """Le compte de chaque code (0 s'il n'a jamais été vu)."""
    keys, counts = table
    pos = np.searchsorted(keys, codes)
    pos_clipped = np.minimum(pos, len(keys) - 1)
    found = (pos < len(keys)) & (keys[pos_clipped] == codes) if len(keys) else np.zeros(len(codes), bool)
    return np.where(found, counts[pos_clipped] if len(keys) else 0, 0).astype(np.float64)


def fit_char_ngram(ids, vocab_size, order, beta=1.0) -> CharNgram:
    """Compte les n-grammes d'un texte encodé (jusqu'à ``order`` caractères).

    Le modèle d'ordre ``n`` prédit le caractère ``c`` d'après les ``n − 1``
    précédents ``h``, en interpolant vers l'ordre inférieur (``h⁻`` : ``h``
    privé de son premier caractère) :

        P_n(c | h) = (N(h c) + β · P_{n−1}(c | h⁻)) / (N(h) + β),   P_0(c) = 1 / V

    où ``N(h c)`` compte ``h`` suivi de ``c`` dans le texte et ``N(h)`` compte
    ``h`` suivi d'un caractère quelconque. Un contexte jamais vu (``N(h) = 0``)
    laisse la parole à l'ordre inférieur ; ``β > 0`` (la « masse » donnée à
    l'ordre inférieur) évite toute probabilité nulle. C'est le lissage de
    Dirichlet, ou interpolation à la Jelinek–Mercer avec un poids qui dépend
    du nombre d'observations (voir Chen et Goodman, 1999).

    - ``ids`` : le texte d'entraînement encodé, ``(N,)`` entiers dans ``[0, V[`` ;
    - ``vocab_size`` : ``V`` ; ``order`` : ``n ≥ 1`` (1 = fréquences des caractères) ;
    - ``beta`` : ``β > 0``.
    """
    where = "fit_char_ngram"
    V = check_positive_int(vocab_size, "vocab_size", where)
    order = check_positive_int(order, "order", where)
    if V ** order >= 2 ** 62:
        raise ValueError(
            f"{where} : vocab_size ** order = {V}^{order} dépasse ce qu'un entier de 64 bits peut coder ; "
            f"réduisez « order »."
        )
    beta = check_real(beta, "beta", where)
    if beta <= 0:
        raise ValueError(f"{where} : « beta » doit être > 0 (sinon un contexte vu rend des probabilités nulles), reçu {beta}.")
    ids = _check_ids(ids, V, "ids", where)
    if len(ids) < order:
        raise ValueError(f"{where} : le texte ({len(ids)} caractères) doit compter au moins « order » = {order} caractères.")
    tables, context_tables = [], []
    for n in range(1, order + 1):
        codes = _ngram_codes(ids, n, V)
        tables.append(tuple(np.unique(codes, return_counts=True)))
        context_tables.append(tuple(np.unique(codes // V, return_counts=True)))
    return CharNgram(order, V, beta, tuple(tables), tuple(context_tables))


def _check_model(model, where):
    if not isinstance(model, CharNgram):
        raise TypeError(f"{where} : « model » doit être un CharNgram (rendu par fit_char_ngram), reçu {_describe(model)}.")


def ngram_target_probs(model: CharNgram, ids) -> np.ndarray:
    """La probabilité que le modèle donne à chaque caractère ``ids[t]`` sachant ceux qui le précèdent.

    ``P(ids[t] | ids[t−n+1 … t−1])`` pour ``t = 1 … N − 1`` (le contexte est
    raccourci au début du texte) : tableau ``(N − 1,)``, prêt pour
    :func:`perplexity`. Le premier caractère, qui n'a pas de contexte, n'est pas prédit.
    """
    where = "ngram_target_probs"
    _check_model(model, where)
    ids = _check_ids(ids, model.vocab_size, "ids", where)
    if len(ids) < 2:
        raise ValueError(f"{where} : il faut au moins 2 caractères (un contexte et une cible), reçu {len(ids)}.")
    V, beta = model.vocab_size, model.beta
    targets = np.arange(1, len(ids))
    probs = np.full(len(targets), 1.0 / V)  # P_0
    for n in range(1, model.order + 1):
        k = n - 1  # longueur du contexte
        usable = targets >= k  # au début du texte, le contexte est trop court : on garde l'ordre inférieur
        t = targets[usable]
        code = np.zeros(len(t), dtype=np.int64)
        for j in range(k, -1, -1):
            code = code * V + ids[t - j]
        joint = _lookup(model.tables[k], code)
        context = _lookup(model.context_tables[k], code // V)
        probs[usable] = (joint + beta * probs[usable]) / (context + beta)
    return probs


def ngram_next_probs(model: CharNgram, context) -> np.ndarray:
    """La loi du caractère suivant ``context`` : tableau ``(V,)`` de somme 1.

    ``context`` : les indices des caractères déjà écrits (seuls les
    ``order − 1`` derniers comptent ; il peut être vide).
    """
    where = "ngram_next_probs"
    _check_model(model, where)
    context = _check_ids(context, model.vocab_size, "context", where)
    V, beta = model.vocab_size, model.beta
    probs = np.full(V, 1.0 / V)
    candidates = np.arange(V)
    for n in range(1, model.order + 1):
        k = n - 1
        if k > len(context):
            break
        h = 0
        for c in context[len(context) - k:]:
            h = h * V + int(c)
        joint = _lookup(model.tables[k], h * V + candidates)
        total = _lookup(model.context_tables[k], np.array([h]))[0]
        probs = (joint + beta * probs) / (total + beta)
    return probs


def perplexity(target_probs) -> float:
    """La perplexité d'un modèle sur un texte : ``exp(−(1/N) · Σ_t ln p_t)``.

    ``p_t`` est la probabilité que le modèle donnait au caractère qui est
    vraiment venu au pas ``t`` (``target_probs``, forme ``(N,)``, valeurs dans
    ``]0, 1]``). Un modèle uniforme sur ``V`` caractères a une perplexité de
    ``V`` exactement ; un modèle qui donne toujours 1 à la bonne réponse, 1.
    On la lit comme « le nombre de caractères entre lesquels le modèle hésite,
    en moyenne ».
    """
    where = "perplexity"
    p = as_float_array(target_probs, "target_probs", where).astype(np.float64)
    check_ndim(p, (1,), "target_probs", where, "(N,) (une probabilité par caractère prédit)")
    if p.size == 0:
        raise ValueError(f"{where} : « target_probs » est vide ; attendu au moins une probabilité.")
    # Une probabilité calculée en float32 peut dépasser 1 d'un arrondi : on la tolère (et la ramène à 1).
    too_big = p > 1 + 1e-6
    if np.any(p <= 0) or np.any(too_big):
        bad = p[(p <= 0) | too_big][0]
        raise ValueError(
            f"{where} : « target_probs » doit être dans ]0, 1] (une probabilité nulle donnerait une "
            f"perplexité infinie), reçu par exemple {bad}."
        )
    return float(np.exp(-np.mean(np.log(np.minimum(p, 1.0)))))


def softmax_with_temperature(logits, temperature) -> np.ndarray:
    """La loi du caractère suivant à la température ``τ`` : ``p_k = exp(z_k / τ) / Σ_j exp(z_j / τ)``.

    ``τ = 1`` rend la loi du modèle ; ``τ < 1`` la rend plus piquée (à la
    limite, toujours le caractère le plus probable) ; ``τ > 1`` l'aplatit (à
    la limite, uniforme). ``logits`` : forme ``(V,)`` ou ``(B, V)`` ; la somme
    vaut 1 sur la dernière dimension.
    """
    where = "softmax_with_temperature"
    z = as_float_array(logits, "logits", where).astype(np.float64)
    check_ndim(z, (1, 2), "logits", where, "(V,) ou (B, V)")
    if z.shape[-1] == 0:
        raise ValueError(f"{where} : « logits » doit avoir au moins une composante, reçu la forme {z.shape}.")
    tau = check_real(temperature, "temperature", where)
    if tau <= 0:
        raise ValueError(f"{where} : « temperature » doit être > 0, reçu {tau}.")
    scaled = z / tau
    scaled = scaled - scaled.max(axis=-1, keepdims=True)  # même loi, sans débordement de exp
    e = np.exp(scaled)
    return e / e.sum(axis=-1, keepdims=True)


def sample_with_temperature(logits, temperature, rng) -> int:
    """Tire l'indice du caractère suivant selon :func:`softmax_with_temperature`.

    ``logits`` : forme ``(V,)`` ; ``rng`` : un ``numpy.random.Generator``
    (``np.random.default_rng(seed)``) ou une graine entière.
    """
    where = "sample_with_temperature"
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(check_seed(rng, where))
    z = as_float_array(logits, "logits", where)
    check_ndim(z, (1,), "logits", where, "(V,) (un seul pas)")
    p = softmax_with_temperature(z, temperature)
    return int(rng.choice(len(p), p=p))


def entropy_bits(p) -> float:
    """L'entropie ``H = −Σ_k p_k log₂ p_k`` d'une loi ``p`` de forme ``(V,)``, en bits.

    0 pour une loi certaine (un seul caractère possible), ``log₂ V`` pour la loi uniforme
    sur ``V`` caractères ; les ``p_k = 0`` ne comptent pas (``0 log 0 = 0``).
    """
    where = "entropy_bits"
    p = as_float_array(p, "p", where)
    check_ndim(p, (1,), "p", where, "(V,), une loi")
    if p.shape[0] == 0 or np.any(p < 0) or abs(p.sum() - 1) > 1e-9:
        raise ValueError(f"{where}\xa0: «\xa0p\xa0» doit être une loi (des nombres ≥ 0 de somme 1), "
                         f"reçu une somme de {p.sum() if p.size else 0} et un minimum de {p.min() if p.size else None}.")
    q = p[p > 0]
    return float(-(q * np.log2(q)).sum()) + 0.0


_WORD = re.compile(r"[^\W\d_]+")  # une suite de lettres (accents compris) : un mot


def known_word_share(text, corpus) -> float:
    """La part des mots de ``text`` qu'on trouve dans ``corpus`` (minuscules comparées), de 0 à 1.

    Un mot est une suite de lettres (accents compris ; chiffres, apostrophes et ponctuation
    séparent les mots). Sert à juger un texte écrit par un modèle de langue : des mots
    inventés font baisser la part. Rend ``nan`` si ``text`` n'a aucun mot.
    """
    where = "known_word_share"
    if not isinstance(text, str) or not isinstance(corpus, str):
        raise TypeError(f"{where}\xa0: «\xa0text\xa0» et «\xa0corpus\xa0» doivent être des textes (str), "
                        f"reçu {type(text).__name__} et {type(corpus).__name__}.")
    words = _WORD.findall(text.lower())
    if not words:
        return float("nan")
    known = set(_WORD.findall(corpus.lower()))
    return sum(w in known for w in words) / len(words)


def book_corpus() -> str:
    """La prose française du livre, livrée avec la bibliothèque (``lstm_lib/textes/livre.txt``).

    Un instantané du texte source et des chapitres 1 à 6, sans le code ni les
    formules, écrit par ``tools/make_corpus.py`` ; les lignes de commentaire
    en tête du fichier (commençant par ``#``) sont retirées.
    """
    raw = resources.files("lstm_lib").joinpath("textes", "livre.txt").read_text(encoding="utf-8")
    lines = raw.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines)
