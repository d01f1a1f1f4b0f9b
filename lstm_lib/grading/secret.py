"""Des cas de test dont le juge garde une part pour lui : ce que le noyau de l'élève ne reçoit jamais.

Un exercice qui note une **mesure** (l'exactitude d'un classifieur entraîné par
l'élève, le F1 d'une alarme, le seuil d'un détecteur) appelle la fonction de
l'élève sur des entrées sans leurs étiquettes ; le juge, lui, a besoin des
étiquettes. :class:`SecretCase` porte les deux : c'est le tuple des arguments
envoyés à la fonction, plus un attribut ``secret`` (les étiquettes, par exemple)
qui reste dans le processus du correcteur.

Pourquoi cela tient : les entrées partent vers le noyau **sérialisées**
(``pickle``, voir :mod:`lstm_grader.runner` et :func:`.notebook.check_locally`),
et un :class:`SecretCase` se sérialise comme un tuple ordinaire, sans son
secret. Même une fonction d'élève qui fouille la pile d'appels de la récolte n'y
trouve que des tuples. Le juge, lui, reçoit la spécification restée en mémoire,
où les cas ont gardé leur secret (une copie profonde le garde aussi).

Exemple, dans une source d'exercices ::

    def _cases(rng):
        batch = radar_sequences(300, seed=int(rng.integers(2**31)))
        return [SecretCase((batch.x,), secret=batch.labels)]

    def _check(args, got):
        labels = secret_of(args)
        ...
"""

from __future__ import annotations

import copy

__all__ = ["SecretCase", "secret_of"]


class SecretCase(tuple):
    """Les arguments d'un appel (un tuple) et ce que le juge garde pour lui (``secret``)."""

    def __new__(cls, args, secret=None):
        case = super().__new__(cls, tuple(args))
        case.secret = secret
        return case

    def __reduce__(self):
        # Sérialisé (pour le noyau) : un tuple ordinaire, sans le secret.
        return (tuple, (tuple(self),))

    def __deepcopy__(self, memo):
        return SecretCase(copy.deepcopy(tuple(self), memo), copy.deepcopy(self.secret, memo))


def secret_of(args):
    """Le secret d'un cas ; une erreur claire si le cas l'a perdu (il a été sérialisé en chemin)."""
    if not isinstance(args, SecretCase):
        raise RuntimeError(
            "cas de test sans sa part secrète (étiquettes) : il a été sérialisé avant le jugement ; "
            "le juge doit recevoir la spécification restée dans le processus du correcteur"
        )
    return args.secret
