"""Lire et écrire sans faire confiance à ce qu'une copie a pu écrire.

Tout fichier qu'une copie a pu toucher (résultats de la récolte, cahier rendu)
est ouvert **sans suivre de lien** (``O_NOFOLLOW``), sans bloquer
(``O_NONBLOCK`` : un tube nommé à la place d'un fichier n'arrête pas le
correcteur), n'est lu que s'il s'agit d'un fichier ordinaire, et jamais
au-delà d'un nombre d'octets fixé. Tout texte venu d'une copie (noms de
fichier, messages d'erreur de l'élève) est nettoyé avant d'aller dans un
terminal ou dans un tableur, et les fichiers du correcteur sont écrits d'un
coup (fichier temporaire puis ``os.replace``), jamais à moitié.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import unicodedata
from pathlib import Path

__all__ = [
    "UnsafeFile",
    "read_untrusted",
    "write_atomic",
    "spreadsheet_text",
    "terminal_text",
    "display_name",
]


class UnsafeFile(Exception):
    """Un fichier écrit par une copie qu'on refuse de lire (lien, tube, trop gros…) ; message en français."""


def read_untrusted(path: str | os.PathLike, max_bytes: int) -> bytes:
    """Le contenu d'un fichier ordinaire, lu sans suivre de lien et sans dépasser ``max_bytes``.

    Lève :class:`UnsafeFile` (avec la raison) pour un lien symbolique, un tube,
    un périphérique, un dossier ou un fichier plus gros que ``max_bytes`` ;
    :class:`FileNotFoundError` s'il n'existe pas.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno in (getattr(os, "ELOOP", 40), getattr(os, "EMLINK", 31)):
            raise UnsafeFile("c'est un lien symbolique, pas un fichier") from None
        if isinstance(exc, FileNotFoundError):
            raise
        raise UnsafeFile(f"illisible ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(f"ce n'est pas un fichier ordinaire ({_kind(info.st_mode)})")
        if info.st_size > max_bytes:
            raise UnsafeFile(f"trop volumineux ({info.st_size} octets, au plus {max_bytes})")
        chunks, total = [], 0
        while True:  # le fichier peut grandir pendant la lecture : on s'arrête à la limite
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise UnsafeFile(f"trop volumineux (plus de {max_bytes} octets)")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "tube nommé"
    if stat.S_ISDIR(mode):
        return "dossier"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "périphérique"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "type inconnu"


def write_atomic(path: str | os.PathLike, data: bytes, mode: int = 0o644) -> Path:
    """Écrit ``data`` dans ``path`` d'un seul coup : fichier temporaire du même dossier, puis ``os.replace``.

    Un lecteur voit l'ancien contenu ou le nouveau, jamais un fichier à moitié
    écrit ; un lien symbolique posé à la place de ``path`` est remplacé, pas suivi.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


# Caractères de contrôle (C0, DEL, C1) et marques de direction du texte, qui
# permettent de réécrire ou de masquer ce qu'affiche un terminal.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str, *, keep_newlines: bool = False) -> str:
    """Le texte sans caractères de contrôle (séquences d'échappement ANSI, retour chariot…)."""
    text = str(text)
    if not keep_newlines:
        text = text.replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub("", text)


def spreadsheet_text(text: str) -> str:
    """Une cellule de CSV qu'un tableur n'interprète pas comme une formule.

    Un texte qui commence par ``= + - @`` (ou une tabulation, un retour
    chariot) reçoit une apostrophe en tête, comme le recommande l'OWASP
    (« CSV injection ») ; les caractères de contrôle sont retirés.
    """
    text = terminal_text(text)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def display_name(name: str | bytes | os.PathLike) -> str:
    """Un nom de fichier lisible, quels que soient ses octets.

    Un nom qui n'est pas de l'UTF-8 (archive zip en Latin-1 décompressée sous
    Linux) est lu en Windows-1252, l'encodage de ces archives ; le résultat est
    toujours une chaîne sans caractère de contrôle, que l'on peut écrire en UTF-8.
    """
    raw = os.fsencode(name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return terminal_text(unicodedata.normalize("NFC", text))
