"""Le lanceur du noyau d'une copie : ``python -m lstm_grader.launch [options] -- commande…`` (usage interne).

Le processus d'exécution (:mod:`lstm_grader.worker`) ne lance pas le noyau
lui-même : jupyter_client exécute la commande du « kernelspec » de la copie,
qui commence par ce module. Il fait, dans l'ordre, ce qui doit précéder tout
code de l'élève :

1. entrer dans le cgroup de la copie (``--cgroup-procs FICHIER``, autant de
   fois qu'il y a de hiérarchies) : tout ce que lancera le noyau y sera compté ;
2. poser les limites ``setrlimit`` (``--rlimit NOM=VALEUR``), héritées par tous
   ses descendants ;
3. se remplacer (``execv``) par la commande qui suit ``--`` : bubblewrap (ou le
   moteur de conteneurs), qui lance le noyau dans le bac à sable.

Si une étape échoue, le noyau ne démarre pas (code de sortie 111, raison sur
la sortie d'erreur) : une copie n'est jamais exécutée hors de ses limites.
"""

from __future__ import annotations

import os
import resource
import sys


def main(argv: list[str]) -> int:
    if "--" not in argv:
        sys.stderr.write("lstm_grader.launch : « -- commande » attendu\n")
        return 111
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    if not command:
        sys.stderr.write("lstm_grader.launch : commande vide après « -- »\n")
        return 111
    try:
        for flag, value in zip(options[::2], options[1::2]):
            if flag == "--cgroup-procs":
                with open(value, "w", encoding="ascii") as fh:
                    fh.write(str(os.getpid()))
            elif flag == "--rlimit":
                name, _, number = value.partition("=")
                limit = int(number)
                resource.setrlimit(getattr(resource, f"RLIMIT_{name}"), (limit, limit))
            else:
                raise ValueError(f"option inconnue {flag}")
        if len(options) % 2:
            raise ValueError(f"option sans valeur {options[-1]}")
        os.execv(command[0], command)
    except (OSError, ValueError, AttributeError) as exc:
        sys.stderr.write(f"lstm_grader.launch : le noyau n'a pas été lancé ({type(exc).__name__} : {exc})\n")
        return 111
    return 111  # execv ne revient pas


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
