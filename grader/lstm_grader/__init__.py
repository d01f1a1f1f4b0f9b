"""lstm_grader — le correcteur de l'enseignant (jamais installé chez les élèves).

Il exécute chaque copie rendue dans un bac à sable (bubblewrap, sinon Docker ou
Podman ; :mod:`~lstm_grader.sandbox`), récolte les réponses et les juge hors du
noyau de l'élève, avec les juges de :mod:`lstm_lib.grading`. Ce paquet vit dans
``grader/`` du dépôt, à part de ``lstm_lib`` : ni la cellule Colab, ni
``binder/`` ne l'installent. Installation (à la racine du dépôt) ::

    pip install -e . -e ./tools/kernel-wait -e ./grader

Commande (voir le README, section des enseignants) ::

    python -m lstm_grader telechargement/ --csv notes.csv [--moodle moodle/ --roster feuille.csv]

Les modules : :mod:`~lstm_grader.runner` (une correction), :mod:`~lstm_grader.worker`
(le processus d'exécution d'une copie), :mod:`~lstm_grader.launch` (le lanceur du
noyau), :mod:`~lstm_grader.reader` (la lecture limitée d'une copie),
:mod:`~lstm_grader.structure` (les cellules de réponse), :mod:`~lstm_grader.collection`
(les copies et leurs auteurs), :mod:`~lstm_grader.moodle` (l'export pour Moodle),
:mod:`~lstm_grader.similarity` (les réponses identiques), :mod:`~lstm_grader.safety`
(lire et écrire sans confiance), :mod:`~lstm_grader.options` (les réglages et leurs
valeurs par défaut), :mod:`~lstm_grader.copies` (fabriquer des copies).
"""

__all__ = ["runner", "copies", "sandbox", "moodle", "collection", "options"]
