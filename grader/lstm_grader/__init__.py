"""lstm_grader — le correcteur de l'enseignant (jamais installé chez les élèves).

Il ré-exécute chaque copie rendue dans un processus à part, récolte les réponses
et les juge hors du noyau de l'élève, avec les juges de :mod:`lstm_lib.grading`.
Ce paquet vit dans ``grader/`` du dépôt, à part de ``lstm_lib`` : ni la cellule
Colab, ni ``binder/`` ne l'installent. Installation (à la racine du dépôt) ::

    pip install -e . -e ./grader

Commande ::

    python -m lstm_grader copies/*.ipynb --csv notes.csv [--checks privees.py]
"""

__all__ = ["runner", "copies"]
