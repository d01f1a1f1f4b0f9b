"""Extension Sphinx locale : le build du livre attend ses noyaux par tranches courtes.

myst-nb exécute les cahiers dans le processus de Sphinx (jupyter-cache, puis
nbclient) ; ce réglage évite qu'une cellule à widgets attende tout son délai
alors que le noyau a déjà répondu. Explication : ``tools/kernel-wait/kernel_wait.py``
(un petit paquet à part, que le correcteur utilise aussi : le build n'importe pas le correcteur).
"""

from kernel_wait import install


def setup(app):
    install()
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
