"""Des copies hostiles, corrigées par la commande du README : chaque attaque de l'issue 15 est un test.

Une seule correction (fixture de module) réunit des copies d'attaque et des copies
de camarades (les « victimes »), lancée comme l'enseignant la lance
(``python -m lstm_grader … --csv … --checks …``), avec un dossier personnel,
une graine, une variable d'environnement et un fichier de vérifications privées
que la copie voudrait lire. **Toutes les cibles sont sous le dossier temporaire
du test** : une attaque qui réussirait n'abîmerait que lui. Chaque copie
d'attaque écrit ce qu'elle a pu faire dans un dictionnaire ``R`` qu'elle
renvoie par le seul canal qu'elle a : le message d'erreur de sa fonction
``forget_gate`` (« TÉMOIN {…} »), lu dans le CSV.

Chaque test vérifie l'attaque elle-même, et la fixture vérifie, après la
correction et un délai, que les fichiers du correcteur, le CSV, les copies des
camarades et leurs notes n'ont pas changé et qu'aucun processus n'a survécu.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import nbformat
import pytest

from lstm_grader import copies
from lstm_lib.grading import definition

sys.path.insert(0, str(Path(__file__).parent / "grading"))
from private_checks import PRIVATE  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GRADER_DIR = ROOT / "grader" / "lstm_grader"
LIB_DIR = ROOT / "lstm_lib"
MEMORY_MB = 1024
HELPER_MB = 250
PROCESSES = 64
FILE_MB = 32

REPORT = textwrap.dedent('''\
    import json as _json
    R = {}
    def forget_gate(h_prev, x_t, W_f, b_f):
        raise ValueError("TÉMOIN " + _json.dumps(R, separators=(",", ":"), sort_keys=True))
''')



def _solutions(name):
    return {ex.key: ex.solution for ex in definition(name).EXERCISES}


def _attack(cells: dict[str, str], **answers) -> nbformat.NotebookNode:
    """Le cahier ex02 résolu, avec ``forget_gate`` pour témoin et du code d'attaque dans des cellules."""
    nb = copies.fill("ex02", {**_solutions("ex02"), "ex1": REPORT, **answers})
    for cell_id, source in cells.items():
        next(c for c in nb.cells if c.get("id") == cell_id).source = source
    return nb


def _hashes(*roots: Path) -> dict[str, str]:
    out = {}
    for root in roots:
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for p in paths:
            if "__pycache__" not in p.parts:
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _survivors(marker: str) -> list[str]:
    """Les processus de la machine dont la ligne de commande mentionne ``marker`` (le dossier du test)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline:
                found.append(cmdline.replace(b"\0", b" ").decode("utf-8", "replace")[:200])
    return found


class _Listener:
    """Un serveur TCP local : une copie qui s'y connecte a du réseau."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.sock.close()


def _build(base: Path, port: int, seed: int, env_secret: str) -> dict[str, Path]:
    home = base / "home"
    (home / ".ipython" / "profile_default" / "startup").mkdir(parents=True)
    src = base / "src" / "lstm_grader"  # une copie du correcteur, comme l'enseignant l'a chez lui
    src.mkdir(parents=True)
    for f in GRADER_DIR.glob("*.py"):
        (src / f.name).write_bytes(f.read_bytes())
    checks = base / "verifications_privees.py"
    checks.write_text(PRIVATE, encoding="utf-8")
    csv_path = base / "notes.csv"
    root = base / "copies"
    victims = {
        "victime/ex01_pourquoi_lstm.ipynb": copies.solved("ex01"),
        "victime/ex02_portes.ipynb": copies.solved("ex02"),
        "victime2/ex03_memoire.ipynb": copies.solved("ex03"),
    }
    targets = {
        "src": str(src / "runner.py"), "checks": str(checks), "csv": str(csv_path),
        "victim": str(root / "victime" / "ex02_portes.ipynb"), "startup": str(home / ".ipython" / "profile_default" / "startup"),
        "outside": str(base / "gros.bin"), "repo_grader": str(GRADER_DIR / "runner.py"), "home": str(home),
        "lib": str(LIB_DIR), "mark": str(base / "survivant.txt"), "base": str(base), "copies": str(root),
    }
    (base / "cible.txt").write_text("intact", encoding="utf-8")
    targets["cible"] = str(base / "cible.txt")
    T = f"T = {json.dumps(targets)}\n"
    plant_and_die = T + textwrap.dedent('''\
        # Des liens vers un fichier de l'enseignant, sous les noms que le correcteur pourrait écrire
        # au prochain noyau, puis le noyau s'arrête (le correcteur en démarre un autre).
        import os
        here = os.path.dirname(os.getcwd())
        for name in ("connexion-0.json", "connexion-1.json", "k1", "journal.jsonl", "resultats", "worker.err"):
            try:
                os.symlink(T["cible"], os.path.join(here, name))
            except OSError:
                pass
        os._exit(1)
    ''')
    files = _attack({"verification-ex2": plant_and_die, "verification-ex1": T + textwrap.dedent('''\
        import os
        def attempt(name, action):
            try:
                action()
                R[name] = 1
            except Exception:
                R[name] = 0
        attempt("src", lambda: open(T["src"], "a").write("\\nNOTE_PARFAITE = True\\n"))
        attempt("checks", lambda: open(T["checks"], "a").write("\\nraise SystemExit\\n"))
        attempt("startup", lambda: open(os.path.join(T["startup"], "00-triche.py"), "w").write("x = 1"))
        attempt("victim", lambda: open(T["victim"], "w").write("{}"))
        attempt("csv", lambda: open(T["csv"], "w").write("fichier\\n"))
        attempt("outside", lambda: open(T["outside"], "wb").write(b"x"))
        R["see_src"] = int(os.path.exists(T["src"]))
        R["see_repo"] = int(os.path.exists(T["repo_grader"]))
        R["see_home"] = int(os.path.exists(T["home"]))
        R["see_copies"] = int(os.path.exists(T["copies"]))
        R["w_lib"] = int(os.access(T["lib"], os.W_OK))
        R["home_here"] = os.path.expanduser("~")
    ''')})
    processes = _attack({"verification-ex1": T + textwrap.dedent(f'''\
        import os, signal, socket, subprocess, glob
        seen = ""
        for p in os.listdir("/proc"):
            if p.isdigit():
                for f in ("cmdline", "environ"):
                    try:
                        seen += open(f"/proc/{{p}}/{{f}}", "rb").read().decode("latin-1")
                    except OSError:
                        pass
        seen += repr(dict(os.environ))
        import re
        found = re.search(r"--seed\\x00(\\d+)", seen)  # la graine secrète, si une ligne de commande la montre
        R["seed"] = found.group(1) if found else 0
        found = re.search(r"LSTM_TEST_SECRET=([\\w-]+)", seen)
        R["env"] = found.group(1) if found else 0
        R["checks_path"] = int(T["checks"] in seen)
        R["csv_path"] = int(T["csv"] in seen)
        R["copies_path"] = int(T["copies"] in seen)
        R["procs"] = len([p for p in os.listdir("/proc") if p.isdigit()])
        killed = 0
        for p in os.listdir("/proc"):  # le correcteur, les noyaux des camarades : tout ce qui nomme le dossier du test
            if p.isdigit() and int(p) != os.getpid():
                try:
                    if T["base"].encode() in open(f"/proc/{{p}}/cmdline", "rb").read():
                        os.kill(int(p), signal.SIGKILL)
                        killed += 1
                except OSError:
                    pass
        R["killed"] = killed
        here = os.path.dirname(os.getcwd())
        others = [f for pat in ("/dev/shm/**/connexion-*.json", "/tmp/**/connexion-*.json")
                  for f in glob.glob(pat, recursive=True) if not f.startswith(here)]
        R["conn_files"] = len(others)
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
            R["net"] = 1
        except OSError:
            R["net"] = 0
        kids = []
        try:
            for _ in range(300):
                kids.append(subprocess.Popen(["sleep", "60"]))
        except OSError:
            pass
        R["forks"] = len(kids)
        for k in kids:
            k.kill()
            k.wait()
        # Un processus détaché, hors du dossier de la copie, qui réécrit le CSV des notes pendant une minute.
        subprocess.Popen(["setsid", "sh", "-c", "cd /; for i in $(seq 60); do sleep 1; echo TRICHE >> " + T["csv"]
                          + "; echo vivant > " + T["mark"] + "; done"], start_new_session=True)
    ''')})
    harvest = _attack(
        {"verification-ex3": textwrap.dedent('''\
            import glob, json, os
            here = os.path.dirname(os.getcwd())
            forged = {"target": "b_f_target", "found": True, "callable": False, "type": "float",
                      "value": {"t": "float", "v": 2.1972245773362196, "dtype": "float64"}}
            for name in ("reponse-ex4.json", "recolte-0000000000000000.json", "resultat.json"):
                with open(os.path.join(here, name), "w") as fh:
                    json.dump(forged, fh)
            os.symlink("/dev/zero", os.path.join(here, "reponse-ex2.json"))
            os.mkfifo(os.path.join(here, "reponse-ex5.json"))
            R["planted"] = len(os.listdir(here))
        ''')},
        ex2=textwrap.dedent('''\
            def candidate(h_prev, x_t, W_c, b_c):
                import glob, os
                for spec in glob.glob(os.path.join(os.path.dirname(os.getcwd()), "entrees-*.pkl")):
                    out = spec.replace("entrees-", "recolte-").replace(".pkl", ".json")
                    if not os.path.lexists(out):
                        os.symlink("/dev/zero", out)
                return np.tanh(W_c @ np.concatenate([h_prev, x_t]) + b_c)
        '''),
        ex4="b_f_target = -100.0\n",
        ex5=textwrap.dedent('''\
            def gates(h_prev, x_t, params):
                import glob, os
                for spec in glob.glob(os.path.join(os.path.dirname(os.getcwd()), "entrees-*.pkl")):
                    out = spec.replace("entrees-", "recolte-").replace(".pkl", ".json")
                    if not os.path.lexists(out):
                        os.mkfifo(out)
                hx = np.concatenate([h_prev, x_t])
                s = lambda z: 1 / (1 + np.exp(-z))
                return s(params.W_f @ hx + params.b_f), s(params.W_i @ hx + params.b_i), \\
                    np.tanh(params.W_c @ hx + params.b_c), s(params.W_o @ hx + params.b_o)
        '''),
    )
    resources = _attack(
        {"verification-ex2": textwrap.dedent(f'''\
            import os, signal
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            written, error = 0, ""
            try:
                with open("gros.bin", "wb") as fh:
                    block = b"x" * (1 << 20)
                    while written < (2 << 30):
                        fh.write(block)
                        fh.flush()
                        written += len(block)
            except OSError as exc:
                error = exc.errno
            R["written_mb"] = written >> 20
            R["errno"] = error
            try:
                os.remove("gros.bin")
            except OSError:
                pass
        ''')},
        ex1=REPORT.replace('    raise ValueError', textwrap.indent(textwrap.dedent(f'''\
            import subprocess, sys, time
            code = "import sys, time; x = b'\\\\x01' * ({HELPER_MB} << 20); print('ok', flush=True); time.sleep(60)"
            helpers = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE) for _ in range(5)]
            held = 0
            for h in helpers:
                line = h.stdout.readline()
                held += line.startswith(b"ok")
            time.sleep(0.5)
            R["alive"] = sum(1 for h in helpers if h.poll() is None)
            R["held"] = held
            for h in helpers:
                h.kill()
        '''), "    ") + '    raise ValueError', 1),
    )
    huge = _attack({"verification-ex4": "big = 1" + " + 1" * 3_000_000 + "\n"})
    items = {**victims, "attaque_fichiers/ex02_portes.ipynb": files, "attaque_processus/ex02_portes.ipynb": processes,
             "attaque_recolte/ex02_portes.ipynb": harvest, "attaque_ressources/ex02_portes.ipynb": resources,
             "attaque_cellule/ex02_portes.ipynb": huge}
    for rel, nb in items.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, root / rel)
    return {"base": base, "home": home, "src": src.parent, "checks": checks, "csv": csv_path, "root": root}


WRAPPER = ("import json, resource, sys\n"
           "from lstm_grader.__main__ import main\n"
           "rc = main(sys.argv[2:])\n"
           "json.dump({'rc': rc, 'maxrss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}, open(sys.argv[1], 'w'))\n"
           "sys.exit(rc)\n")


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    base = tmp_path_factory.mktemp("attaques")
    listener = _Listener()
    seed = secrets.randbelow(10**12) + 10**12
    env_secret = f"secret-{secrets.token_hex(8)}"
    paths = _build(base, listener.port, seed, env_secret)
    victims = paths["root"] / "victime", paths["root"] / "victime2"
    before = _hashes(GRADER_DIR, LIB_DIR, paths["src"], paths["checks"], paths["home"], *victims)
    stats = base / "stats.json"
    env = {**os.environ, "HOME": str(paths["home"]), "LSTM_TEST_SECRET": env_secret}
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(stats), str(paths["root"]), "--csv", str(paths["csv"]),
         "--checks", str(paths["checks"]), "--seed", str(seed), "--jobs", "2", "--timeout-cell", "10",
         "--timeout-total", "120", "--memory-mb", str(MEMORY_MB), "--processes", str(PROCESSES),
         "--file-mb", str(FILE_MB), "--quiet"],
        capture_output=True, text=True, timeout=900, env=env, cwd=base)
    csv_after_run = paths["csv"].read_bytes() if paths["csv"].exists() else None
    time.sleep(3)  # le processus « setsid » de la copie réécrirait le CSV chaque seconde
    listener.close()
    with paths["csv"].open(encoding="utf-8") as fh:
        rows = {(r["fichier"], r["exercice"]): r for r in csv.DictReader(fh)}
    return {"run": done, "rows": rows, "paths": paths, "before": before, "victims": victims,
            "csv_after_run": csv_after_run, "stats": json.loads(stats.read_text()),
            "listener": listener, "seed": seed, "env_secret": env_secret}


def _report(attacked, copy: str) -> dict:
    message = attacked["rows"][(copy, "ex1")]["message"]
    assert "TÉMOIN " in message, message
    text = message.split("TÉMOIN ", 1)[1]
    return json.JSONDecoder().raw_decode(text)[0]


# --------------------------------------------------------------------------
# Ce que vérifie chaque correction d'attaque
# --------------------------------------------------------------------------

def test_batch_completes_and_every_copy_is_graded(attacked):
    run = attacked["run"]
    assert run.returncode == 0, run.stderr[-3000:]
    graded = {f for f, _ in attacked["rows"]}
    assert len(graded) == 8, graded
    assert "Bac à sable\u00a0: bwrap" in run.stdout


def test_grader_files_checks_home_and_classmates_files_are_unchanged(attacked):
    paths = attacked["paths"]
    after = _hashes(GRADER_DIR, LIB_DIR, paths["src"], paths["checks"], paths["home"], *attacked["victims"])
    assert after == attacked["before"]
    assert not (paths["base"] / "gros.bin").exists() and not (paths["base"] / "survivant.txt").exists()
    assert (paths["base"] / "cible.txt").read_text(encoding="utf-8") == "intact"  # rien d'écrit à travers un lien
    assert list((paths["home"] / ".ipython" / "profile_default" / "startup").iterdir()) == []


def test_csv_is_written_by_the_grader_only_and_unchanged_afterwards(attacked):
    assert attacked["csv_after_run"] is not None
    assert attacked["paths"]["csv"].read_bytes() == attacked["csv_after_run"], "le CSV a changé après la correction"
    assert b"TRICHE" not in attacked["csv_after_run"]


def test_nothing_survives_the_copies(attacked):
    assert _survivors(str(attacked["paths"]["base"])) == []


@pytest.mark.parametrize("copy", ["victime/ex01_pourquoi_lstm.ipynb", "victime/ex02_portes.ipynb",
                                  "victime2/ex03_memoire.ipynb"])
def test_classmates_get_full_marks(attacked, copy):
    rows = {k: r for (f, k), r in attacked["rows"].items() if f == copy}
    assert rows and all(r["statut"] == "réussi" and r["points"] == r["max"] for r in rows.values()), rows


def test_files_outside_the_copy_cannot_be_written_or_even_seen(attacked):
    r = _report(attacked, "attaque_fichiers/ex02_portes.ipynb")
    # la copie a posé ses liens puis arrêté son noyau : le correcteur en a démarré un autre
    assert "le noyau s'est arrêté" in attacked["rows"][("attaque_fichiers/ex02_portes.ipynb", "ex1")]["message"]
    print(r)
    for key in ("src", "checks", "startup", "victim", "csv", "outside"):
        assert r[key] == 0, (key, r)
    assert r["see_src"] == r["see_repo"] == r["see_home"] == r["see_copies"] == 0, r
    assert r["w_lib"] == 0 and r["home_here"] == "/tmp", r  # lstm_lib : lecture seule (essai sans écrire)


def test_no_secret_no_process_no_network_no_fork_bomb(attacked):
    r = _report(attacked, "attaque_processus/ex02_portes.ipynb")
    print(r)
    assert r["seed"] == r["env"] == r["checks_path"] == r["csv_path"] == r["copies_path"] == 0, r
    assert str(attacked["seed"]) not in str(r) and attacked["env_secret"] not in str(r)
    assert r["killed"] == 0 and r["conn_files"] == 0 and r["net"] == 0, r
    assert attacked["listener"].connections == 0
    assert r["procs"] < 10, r  # seulement les processus de son bac à sable
    if not _without_cgroup(attacked, "processes"):
        assert r["forks"] < PROCESSES, r


def test_secrets_do_not_reach_the_csv(attacked):
    text = attacked["paths"]["csv"].read_text(encoding="utf-8")
    assert str(attacked["seed"]) not in text and attacked["env_secret"] not in text


def test_planted_and_swapped_results_are_never_used(attacked):
    copy = "attaque_recolte/ex02_portes.ipynb"
    rows = {k: r for (f, k), r in attacked["rows"].items() if f == copy}
    r = _report(attacked, copy)
    assert r["planted"] >= 5, r
    # Un lien vers /dev/zero, puis un tube nommé, posés à la place du fichier de réponse : refusés, sans bloquer.
    assert rows["ex2"]["points"] == "0" and "lien symbolique" in rows["ex2"]["message"], rows["ex2"]
    assert rows["ex5"]["points"] == "0" and ("tube nommé" in rows["ex5"]["message"]
                                             or "délai" in rows["ex5"]["message"]), rows["ex5"]
    # Une réponse posée avant la récolte (un nombre forgé) n'est pas lue : la vraie réponse (−100) est fausse.
    assert rows["ex4"]["statut"] == "faux" and rows["ex4"]["points"] == "0", rows["ex4"]
    assert rows["ex3"]["statut"] == rows["ex6"]["statut"] == "réussi"


def _without_cgroup(attacked, what: str) -> bool:
    """Sans cgroup utilisable, la limite ne vaut que processus par processus : le correcteur doit le dire."""
    from lstm_grader.sandbox import Cgroups

    cgroups = Cgroups.detect()
    if getattr(cgroups, what):
        return False
    assert "pas de cgroup utilisable" in attacked["run"].stdout, attacked["run"].stdout[:500]
    return True


def test_memory_is_limited_for_all_processes_of_a_copy_together(attacked):
    if _without_cgroup(attacked, "memory"):
        return
    copy = "attaque_ressources/ex02_portes.ipynb"
    message = attacked["rows"][(copy, "ex1")]["message"]
    if "TÉMOIN" in message:
        r = _report(attacked, copy)
        print(r)
        assert r["alive"] * HELPER_MB < MEMORY_MB, r
    else:  # le noyau lui-même a été arrêté faute de mémoire : la limite a tenu
        assert "mémoire épuisée" in message, message


def test_a_2_gib_file_is_stopped_at_the_file_size_limit(attacked):
    r = _report(attacked, "attaque_ressources/ex02_portes.ipynb") if "TÉMOIN" in attacked["rows"][
        ("attaque_ressources/ex02_portes.ipynb", "ex1")]["message"] else None
    if r is None:
        pytest.fail("le témoin de la copie est perdu (noyau arrêté) : la limite de fichier n'a pas été observée")
    print(r)
    assert r["written_mb"] <= FILE_MB and r["errno"] == 27, r  # EFBIG


def test_a_huge_code_cell_is_not_parsed_by_the_grader(attacked):
    copy = "attaque_cellule/ex02_portes.ipynb"
    rows = {k: r for (f, k), r in attacked["rows"].items() if f == copy}
    for key in ("ex2", "ex5"):  # les fonctions à écrire soi-même : vérification impossible, donc pas notée
        assert rows[key]["statut"] == "non noté" and "trop longue" in rows[key]["message"], rows[key]
    assert rows["ex3"]["statut"] == "réussi"
    maxrss_mb = attacked["stats"]["maxrss_kb"] / 1024
    print(f"mémoire maximale du processus du correcteur : {maxrss_mb:.0f} Mio")
    assert maxrss_mb < 1024, maxrss_mb  # l'AST de cette cellule coûterait des gigaoctets


def test_private_checks_are_never_echoed_back(attacked):
    for copy in ("attaque_fichiers/ex02_portes.ipynb", "attaque_processus/ex02_portes.ipynb"):
        row = attacked["rows"][(copy, "ex1-prive")]
        assert row["points"] == "0" and "TÉMOIN" not in row["message"], row
        assert "vérification de l'enseignant" in row["message"], row
    assert attacked["rows"][("victime/ex02_portes.ipynb", "ex1-prive")]["statut"] == "réussi"
