"""Les réglages d'une correction : leurs valeurs par défaut sont écrites ici, et seulement ici.

La commande (:mod:`lstm_grader.__main__`) prend ses valeurs par défaut dans
:class:`GradingOptions` (:func:`default`) et ses textes d'aide dans :data:`HELP` ;
le README renvoie à ``--help`` au lieu de les répéter.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["GradingOptions", "HELP", "default"]


@dataclass
class GradingOptions:
    """Les limites et réglages d'une correction (une valeur par option de la commande)."""

    cell_timeout: float = 30.0     # secondes par cellule
    total_timeout: float = 180.0   # secondes pour toute la copie (noyau et récolte compris)
    memory_mb: int = 2048          # Mio pour toute la copie (tous ses processus)
    processes: int = 128           # processus et fils d'exécution de toute la copie
    file_mb: int = 256             # Mio par fichier écrit
    jobs: int = 0                  # copies en parallèle ; 0 = deux par cœur
    seed: int | None = None        # graine des entrées ; secrète et tirée au hasard par défaut
    sandbox: str = "auto"          # auto, bwrap, docker, podman, ou none (--no-sandbox)
    solution_penalty: float = 0.0  # part des points retirée quand la copie dit avoir vu la solution

    def harvest_timeout(self) -> float:
        """Le délai d'une cellule de récolte (un exercice), en secondes."""
        return max(1.0, min(self.cell_timeout, 20.0))

    def harvest_reserve(self) -> float:
        """Le temps gardé, sur le délai total, pour la récolte : les cellules de l'élève ne peuvent pas l'entamer."""
        return max(2.0, min(30.0, self.total_timeout / 4))


#: Le texte d'aide de chaque option (``{default}`` est remplacé par la valeur par défaut).
HELP = {
    "cell_timeout": "délai par cellule, en secondes (défaut : {default})",
    "total_timeout": "délai pour une copie entière, noyau et récolte compris, en secondes (défaut : {default})",
    "memory_mb": "mémoire d'une copie, tous ses processus ensemble, en Mio (défaut : {default})",
    "processes": "nombre de processus et de fils d'exécution d'une copie (défaut : {default})",
    "file_mb": "taille maximale d'un fichier écrit par une copie, en Mio (défaut : {default})",
    "jobs": "copies corrigées en parallèle (défaut : deux par cœur)",
    "seed": "graine des entrées de test (défaut : tirée au hasard, secrète)",
    "sandbox": "bac à sable : auto (bubblewrap, sinon Docker ou Podman), bwrap, docker ou podman (défaut : {default})",
    "solution_penalty": ("part des points (de 0 à 1) retirée à un exercice dont la copie dit avoir vu la solution "
                         "(défaut : {default}, aucune : les indices et solutions consultés ne sont qu'une information "
                         "dans le CSV ; la copie peut effacer ce qu'elle déclare, si bien qu'une pénalité ne touche "
                         "que qui ne l'a pas fait)"),
}


def default(name: str):
    """La valeur par défaut d'une option."""
    for f in fields(GradingOptions):
        if f.name == name:
            return f.default
    raise KeyError(name)
