"""Rendre les notes à Moodle : un CSV pour l'import des notes, un zip de fichiers de feedback.

- **Notes** (Notes → Importer → Fichier CSV) : une ligne par étudiant, une
  colonne d'identifiant (adresse de courriel, ou à défaut numéro
  d'identification, ou nom d'utilisateur : les champs auxquels Moodle sait
  associer une ligne, voir ``grade/import/csv/classes/load_data.php``), le nom
  complet, une colonne par cahier et le total ; nombres avec un point décimal,
  « - » pour un cahier non rendu (Moodle n'y met alors pas de note). Moodle
  refuse tout le fichier si une seule ligne désigne un utilisateur inconnu :
  les copies qu'on ne sait pas rattacher à un étudiant de la liste n'y sont
  donc pas, elles sont listées à part (``non_identifies.csv``).
- **Identifiants** : la liste des étudiants vient d'un CSV fourni par
  l'enseignant, de préférence la « feuille d'évaluation » du devoir (Moodle,
  devoir → « Consulter tous les travaux remis » → « Télécharger la feuille
  d'évaluation ») : sa colonne « Identifiant » (« Participant 1234 ») est le
  numéro de participant que Moodle met dans les noms des fichiers téléchargés,
  si bien que chaque copie est rattachée sans ambiguïté. Un export du carnet de
  notes (colonnes Prénom, Nom, Adresse de courriel…) convient aussi ; le
  rattachement se fait alors par le nom complet.
- **Fichiers de feedback** (devoir → « Téléverser plusieurs fichiers de
  feedback dans un zip ») : un fichier HTML en français par étudiant, nommé
  comme Moodle nomme ses téléchargements
  (``Nom Complet_<participant>_assignfeedback_file_retour_correction.html``),
  ce que son importateur reconnaît (``mod/assign/feedback/file/importziplib.php``).
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lstm_lib.grading.core import fr
from lstm_lib.grading.registry import definition
from lstm_lib.style import format_fr

from .safety import spreadsheet_text, write_atomic

__all__ = ["RosterError", "Person", "Roster", "load_roster", "Student", "students_of",
           "grades_csv", "unmatched_csv", "feedback_zip", "FEEDBACK_NAME", "machine_number"]

FEEDBACK_NAME = "retour_correction.html"
MAX_ROSTER_BYTES = 16 * 1024 * 1024


class RosterError(ValueError):
    """Une liste d'étudiants illisible (message en français)."""


def _fold(text: str) -> str:
    """Pour comparer des en-têtes : sans accents, sans casse, lettres et chiffres seulement."""
    text = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def name_key(name: str) -> tuple[str, ...]:
    """Un nom complet comparable : mots sans accents ni casse, dans l'ordre alphabétique
    (« Martin Alice » et « Alice Martin » se rejoignent)."""
    text = unicodedata.normalize("NFKD", str(name)).casefold()
    text = "".join(ch if ch.isalnum() else " " for ch in text if not unicodedata.combining(ch))
    return tuple(sorted(text.split()))


_COLUMNS = {
    "participant": {"identifiant", "identifier"},
    "fullname": {"nomcomplet", "fullname"},
    "first": {"prenom", "firstname"},
    "last": {"nom", "nomdefamille", "lastname", "surname"},
    "email": {"adressedecourriel", "courriel", "email", "emailaddress", "adresseemail", "adressecourriel", "mail"},
    "idnumber": {"numerodidentification", "numeroidentification", "idnumber"},
    "username": {"nomdutilisateur", "username"},
}
#: Les champs d'identification que l'import de Moodle sait associer, dans l'ordre de préférence.
IDENTIFIERS = (("email", "Adresse de courriel"), ("idnumber", "Numéro d'identification"),
               ("username", "Nom d'utilisateur"))


@dataclass
class Person:
    fullname: str
    participant: str | None = None
    email: str = ""
    idnumber: str = ""
    username: str = ""


@dataclass
class Roster:
    people: list[Person]
    identifier: str            # « email », « idnumber » ou « username »
    header: str                # l'en-tête de la colonne d'identifiant dans l'export

    def find(self, fullname: str, participant: str | None) -> tuple[Person | None, str]:
        """L'étudiant de la liste, ou ``(None, raison)``."""
        if participant is not None and any(p.participant for p in self.people):
            hits = [p for p in self.people if p.participant == participant]
            if len(hits) == 1:
                return hits[0], ""
            if not hits:
                return None, f"numéro de participant {participant} absent de la liste"
        key = name_key(fullname)
        hits = [p for p in self.people if name_key(p.fullname) == key]
        if len(hits) == 1:
            return hits[0], ""
        if not hits:
            return None, "nom absent de la liste des étudiants"
        return None, "plusieurs étudiants de la liste portent ce nom"


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def load_roster(path: str | Path) -> Roster:
    """Lit la liste des étudiants (feuille d'évaluation du devoir, ou export du carnet de notes)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"liste des étudiants illisible ({path}) : {exc.strerror}") from None
    if len(raw) > MAX_ROSTER_BYTES:
        raise RosterError(f"liste des étudiants trop volumineuse ({path})")
    text = _decode(raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise RosterError(f"liste des étudiants vide ({path})")
    header = [_fold(h) for h in rows[0]]
    where = {}
    for field_name, names in _COLUMNS.items():
        for k, h in enumerate(header):
            if h in names and field_name not in where:
                where[field_name] = k
    ident = next(((f, label) for f, label in IDENTIFIERS if f in where), None)
    if ident is None:
        raise RosterError(
            f"la liste des étudiants ({path}) n'a pas de colonne d'identifiant reconnue : il faut une "
            f"colonne « Adresse de courriel », « Numéro d'identification » ou « Nom d'utilisateur » ; "
            f"colonnes trouvées : {', '.join(rows[0])}")
    if "fullname" not in where and not {"first", "last"} <= set(where) and "participant" not in where:
        raise RosterError(
            f"la liste des étudiants ({path}) n'a ni colonne « Identifiant » (numéro de participant), ni "
            f"« Nom complet », ni « Prénom » et « Nom » : impossible d'y retrouver les auteurs des copies")

    def cell(row, name):
        k = where.get(name)
        return row[k].strip() if k is not None and k < len(row) else ""

    people = []
    for row in rows[1:]:
        if not any(x.strip() for x in row):
            continue
        fullname = cell(row, "fullname") or " ".join(x for x in (cell(row, "first"), cell(row, "last")) if x)
        match = re.search(r"(\d+)\s*$", cell(row, "participant"))
        people.append(Person(fullname, match.group(1) if match else None, cell(row, "email"),
                             cell(row, "idnumber"), cell(row, "username")))
    return Roster(people, ident[0], ident[1])


# --------------------------------------------------------------------------
# Des lignes de note aux étudiants
# --------------------------------------------------------------------------

@dataclass
class Student:
    """Un étudiant : ses copies, regroupées par cahier (la meilleure si un cahier est rendu deux fois)."""

    name: str
    participant: str | None
    notebooks: dict = field(default_factory=dict)   # cahier → (points, max, lignes, copie)
    duplicates: list = field(default_factory=list)  # cahiers rendus plusieurs fois

    @property
    def total(self) -> float:
        return sum(points for points, _, _, _ in self.notebooks.values())

    @property
    def maximum(self) -> float:
        return sum(m for _, m, _, _ in self.notebooks.values())


def students_of(rows) -> list[Student]:
    """Les étudiants des lignes de note, dans l'ordre où ils apparaissent."""
    by_copy: dict[str, list] = {}
    for row in rows:
        by_copy.setdefault(row.copy, []).append(row)
    students: dict[tuple, Student] = {}
    for copy, group in by_copy.items():
        first = group[0]
        key = ("participant", first.participant) if first.participant else ("nom", first.student)
        student = students.setdefault(key, Student(first.student, first.participant))
        notebook = first.notebook or "—"
        points, maximum = sum(r.points for r in group), sum(r.max for r in group)
        if notebook in student.notebooks:
            student.duplicates.append(notebook)
            if points <= student.notebooks[notebook][0]:
                continue
        student.notebooks[notebook] = (points, maximum, group, copy)
    return list(students.values())


def machine_number(x: float) -> str:
    """Une note pour Moodle : point décimal, deux décimales au plus (« 7.5 »)."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _french(x: float) -> str:
    """Une note pour l'étudiant : « 7,5 », « 10 »."""
    return format_fr(int(round(x))) if abs(x - round(x)) < 1e-9 else format_fr(round(float(x), 2))


def grades_csv(students: list[Student], roster: Roster) -> tuple[bytes, list[tuple[Student, str]]]:
    """Le CSV d'import des notes, et les étudiants qu'on n'a pas pu identifier (avec la raison)."""
    notebooks = sorted({nb for s in students for nb in s.notebooks if nb != "—"})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([roster.header, "Nom complet", *[definition(nb).NOTEBOOK for nb in notebooks], "Total"])
    unmatched = []
    for student in students:
        person, reason = roster.find(student.name, student.participant)
        identifier = getattr(person, roster.identifier, "") if person else ""
        if not identifier:
            unmatched.append((student, reason or f"pas de {roster.header.lower()} dans la liste"))
            continue
        cells = [machine_number(student.notebooks[nb][0]) if nb in student.notebooks else "-" for nb in notebooks]
        writer.writerow([identifier, spreadsheet_text(person.fullname or student.name), *cells,
                         machine_number(student.total)])
    return out.getvalue().encode("utf-8"), unmatched


def unmatched_csv(unmatched: list[tuple[Student, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["étudiant", "participant", "copies", "total", "raison"])
    for student, reason in unmatched:
        copies = " ; ".join(c for _, _, _, c in student.notebooks.values())
        writer.writerow([spreadsheet_text(student.name), student.participant or "", spreadsheet_text(copies),
                         machine_number(student.total), reason])
    return out.getvalue().encode("utf-8")


def _safe_part(text: str) -> str:
    return re.sub(r"[/\\\x00]", " ", str(text)).strip() or "sans nom"


def feedback_name(student: Student) -> str:
    if student.participant:
        return f"{_safe_part(student.name)}_{student.participant}_assignfeedback_file_{FEEDBACK_NAME}"
    return f"{_safe_part(student.name)}_{FEEDBACK_NAME}"


def feedback_html(student: Student) -> str:
    """Le retour d'un étudiant, en français : chaque cahier, chaque exercice, son message."""
    e = html.escape
    title = fr(f"Correction — {student.name}")
    parts = [
        "<!DOCTYPE html>", '<html lang="fr">', "<head>", '<meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em;color:#202124}"
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:4px 8px;"
        "text-align:left;vertical-align:top}</style>",
        "</head>", "<body>", f"<h1>{e(title)}</h1>",
        f"<p>{e(fr(f'Total : {_french(student.total)} / {_french(student.maximum)} point(s)'))}</p>",
    ]
    for notebook, (points, maximum, rows, copy) in student.notebooks.items():
        try:
            name = definition(notebook).TITLE
        except ValueError:
            name = notebook
        parts.append(f"<h2>{e(fr(f'{name} ({notebook}) : {_french(points)} / {_french(maximum)}'))}</h2>")
        parts.append(f"<p>{e(fr(f'Copie corrigée : {copy}'))}</p>")
        if notebook in student.duplicates:
            parts.append(f"<p>{e(fr('Ce cahier a été rendu plusieurs fois : la meilleure copie est retenue.'))}</p>")
        parts.append("<table><thead><tr><th>Exercice</th><th>Points</th><th>Statut</th><th>Message</th></tr>"
                     "</thead><tbody>")
        for r in rows:
            parts.append(f"<tr><td>{e(r.exercise)}</td><td>{_french(r.points)} / {_french(r.max)}</td>"
                         f"<td>{e(r.status)}</td><td>{e(fr(r.message))}</td></tr>")
        parts.append("</tbody></table>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def feedback_zip(students: list[Student]) -> bytes:
    """Le zip des fichiers de feedback, un par étudiant, nommés comme Moodle les attend."""
    buffer = io.BytesIO()
    used = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for student in students:
            name = feedback_name(student)
            if name in used:
                continue
            used.add(name)
            archive.writestr(name, feedback_html(student).encode("utf-8"))
    return buffer.getvalue()


def write_moodle(directory: Path, rows, roster: Roster | None) -> dict:
    """Écrit ``retours_moodle.zip`` et, avec une liste d'étudiants, ``notes_moodle.csv`` (et les non identifiés)."""
    directory.mkdir(parents=True, exist_ok=True)
    students = students_of(rows)
    written = {"feedback": write_atomic(directory / "retours_moodle.zip", feedback_zip(students)),
               "students": len(students), "unmatched": []}
    if roster is not None:
        data, unmatched = grades_csv(students, roster)
        written["grades"] = write_atomic(directory / "notes_moodle.csv", data)
        written["unmatched"] = unmatched
        target = directory / "non_identifies.csv"
        if unmatched:
            written["unmatched_file"] = write_atomic(target, unmatched_csv(unmatched))
        elif target.exists():
            target.unlink()
    return written
