"""lstm_grader.sandbox : quel bac à sable, quelles limites, et le refus de corriger sans bac à sable.

Le chemin Docker/Podman est écrit mais **n'est pas exécuté ici** (aucun moteur ne
tourne sur ces machines) : on n'en vérifie que la ligne de commande.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from lstm_grader import copies
from lstm_grader.sandbox import (Bubblewrap, Cgroups, ContainerEngine, CopyCgroup, Limits, find_sandbox,
                                 kernel_env, python_paths)

LIMITS = Limits(memory_mb=512, processes=32, file_mb=16)


def _cli(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "lstm_grader", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env=env)


def test_bubblewrap_is_found_and_works_here():
    sandbox = find_sandbox("auto")
    assert isinstance(sandbox, Bubblewrap) and sandbox.version >= (0, 4)


def test_bubblewrap_command_exposes_only_the_system_the_interpreter_and_the_exchange(tmp_path):
    sandbox = find_sandbox("bwrap")
    exchange, cwd = tmp_path / "echange", tmp_path / "echange" / "travail"
    argv = sandbox.wrap(["python", "-m", "ipykernel_launcher"], exchange=exchange, cwd=cwd,
                        env=kernel_env("/tmp"), limits=LIMITS, private=tmp_path / "bac", tag="t")
    for flag in ("--unshare-all", "--unshare-user", "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in argv
    binds = [(argv[k + 1], argv[k + 2], argv[k]) for k, a in enumerate(argv) if a in ("--bind", "--ro-bind")]
    writable = [dest for _, dest, kind in binds if kind == "--bind"]
    assert writable == [str(exchange)], writable
    home = os.path.expanduser("~")
    for src, _, _ in binds:
        assert src != home and not home.startswith(src.rstrip("/") + "/") or src in python_paths(), src
    assert argv[argv.index("--") + 1:] == ["python", "-m", "ipykernel_launcher"]
    env = dict(zip(argv[argv.index("--setenv") + 1::3], argv[argv.index("--setenv") + 2::3]))
    assert env["HOME"] == "/tmp" and "LSTM_TEST_SECRET" not in env


def test_an_interpreter_installed_under_tmp_is_still_seen_in_the_sandbox(tmp_path, monkeypatch):
    """Un dépôt cloné sous /tmp (la CI le fait) : son venv ne doit pas être caché par le /tmp privé."""
    import lstm_grader.sandbox as sb

    prefix = Path("/tmp") / f"lstm-venv-{os.getpid()}"
    (prefix / "bin").mkdir(parents=True, exist_ok=True)
    try:
        (prefix / "bin" / "marque").write_text("venv visible\n", encoding="utf-8")
        monkeypatch.setattr(sb, "python_paths", lambda: [str(prefix)])
        exchange = tmp_path / "echange"
        exchange.mkdir()
        argv = find_sandbox("bwrap").wrap(["/bin/cat", str(prefix / "bin" / "marque")], exchange=exchange,
                                          cwd=exchange, env=kernel_env("/tmp"), limits=LIMITS,
                                          private=tmp_path / "bac", tag="t")
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        print(done.returncode, done.stdout, done.stderr)
        assert done.returncode == 0 and done.stdout == "venv visible\n", done.stderr
    finally:
        import shutil
        shutil.rmtree(prefix, ignore_errors=True)


def test_kernel_environment_carries_nothing_from_the_teacher(monkeypatch, tmp_path):
    monkeypatch.setenv("LSTM_TEST_SECRET", "chut")
    env = kernel_env("/tmp")
    assert "LSTM_TEST_SECRET" not in env and env["HOME"] == "/tmp"
    assert all("chut" not in v for v in env.values())


def test_container_command_line_has_no_network_read_only_and_limits(tmp_path):
    """Ligne de commande seulement : Docker/Podman ne sont pas exécutés ici."""
    engine = ContainerEngine(name="docker", executable="/usr/bin/docker")
    exchange = tmp_path / "echange"
    argv = engine.wrap(["python", "-m", "ipykernel_launcher"], exchange=exchange, cwd=exchange / "travail",
                       env={"HOME": "/tmp"}, limits=LIMITS, private=tmp_path, tag="lstm-copie-x")
    joined = " ".join(argv)
    for part in ("--network none", "--read-only", "--memory 512m", "--memory-swap 512m", "--pids-limit 32",
                 "--cap-drop ALL", "--rm", f"{exchange}:{exchange}:rw", "--name lstm-copie-x"):
        assert part in joined, part
    assert argv[-3:] == ["python", "-m", "ipykernel_launcher"]


def test_unknown_or_missing_sandbox_is_refused_in_french(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    from lstm_grader.sandbox import SandboxUnavailable

    with pytest.raises(SandboxUnavailable, match="--no-sandbox"):
        find_sandbox("auto")


def test_cli_refuses_to_grade_without_a_sandbox_unless_told(tmp_path):
    copies.write(copies.solved("ex01"), tmp_path / "ex01_solution.ipynb")
    env = {**os.environ, "PATH": "/nonexistent"}  # ni bwrap, ni docker, ni podman
    refused = _cli("ex01_solution.ipynb", "--csv", "notes.csv", "--quiet", cwd=tmp_path, env=env)
    assert refused.returncode == 2 and "aucun bac à sable" in refused.stderr, refused.stderr
    assert not (tmp_path / "notes.csv").exists()
    allowed = _cli("ex01_solution.ipynb", "--csv", "notes.csv", "--quiet", "--no-sandbox", cwd=tmp_path, env=env)
    assert allowed.returncode == 0, allowed.stderr
    assert "SANS bac à sable" in allowed.stderr and "lire et modifier vos fichiers" in allowed.stderr
    assert "Bac à sable\u00a0: aucun" in allowed.stdout
    from lstm_lib.grading import definition

    total = sum(ex.points for ex in definition("ex01").EXERCISES)
    assert f"{total}/{total}" in allowed.stdout, allowed.stdout


# --------------------------------------------------------------------------
# cgroups
# --------------------------------------------------------------------------

def test_cgroup_of_a_copy_limits_and_kills_everything_it_holds():
    cgroups = Cgroups.detect()
    if not (cgroups.memory and cgroups.processes):
        pytest.skip(f"pas de cgroup mémoire et processus accessible ici ({cgroups.describe()})")
    group = cgroups.create(LIMITS)
    try:
        launch = [sys.executable, "-I", "-m", "lstm_grader.launch"]
        for procs in group.procs:
            launch += ["--cgroup-procs", procs]
        # un processus qui se détache (setsid) et un petit-fils : tous dans le cgroup
        proc = subprocess.Popen(launch + ["--", "/bin/sh", "-c", "setsid sleep 300 & sleep 300"],
                                start_new_session=True)
        deadline = time.monotonic() + 20
        while len(group.pids()) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(group.pids()) >= 3, group.pids()
        assert group.kill_all() is True and group.pids() == set()
        proc.wait(10)
    finally:
        group.remove()
    assert all(not Path(d).exists() for d in group.dirs.values())


def test_launcher_refuses_to_start_outside_its_limits(tmp_path):
    bad = subprocess.run([sys.executable, "-I", "-m", "lstm_grader.launch", "--cgroup-procs",
                          str(tmp_path / "absent" / "cgroup.procs"), "--", "/bin/true"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 111 and "n'a pas été lancé" in bad.stderr


def test_delegated_cgroup_v2_is_prepared_in_a_fake_hierarchy(tmp_path, monkeypatch):
    """cgroup v2 délégué (systemd-run --user --scope -p Delegate=yes) : simulé dans un dossier.

    La machine des tests n'a pas de cgroup v2 avec mémoire : ceci vérifie la suite
    d'écritures (feuille pour le correcteur, contrôleurs activés, limites), pas le noyau.
    """
    own = tmp_path / "user.slice" / "run-1.scope"
    own.mkdir(parents=True)
    (own / "cgroup.controllers").write_text("cpu memory pids\n")
    (own / "cgroup.subtree_control").write_text("\n")
    (own / "cgroup.procs").write_text(f"{os.getpid()}\n")
    found = Cgroups._delegated_v2(own, "/user.slice/run-1.scope")
    assert found is not None and found.version == 2
    assert (own / "lstm-correcteur" / "cgroup.procs").read_text() == str(os.getpid())
    assert (own / "cgroup.subtree_control").read_text() == "+memory +pids"

    real_mkdir = Path.mkdir

    def mkdir_with_files(self, *args, **kwargs):  # le noyau crée ces fichiers ; ici, on les crée
        real_mkdir(self, *args, **kwargs)
        if self.parent == own:
            for name in ("memory.max", "memory.swap.max", "pids.max", "cgroup.procs"):
                (self / name).write_text("")

    monkeypatch.setattr(Path, "mkdir", mkdir_with_files)
    group = CopyCgroup.create(found, LIMITS)
    directory = group.dirs["memory"]
    assert (directory / "memory.max").read_text() == str(512 * 1024 * 1024)
    assert (directory / "memory.swap.max").read_text() == "0"
    assert (directory / "pids.max").read_text() == "32"
    assert group.procs == [str(directory / "cgroup.procs")]


def test_root_cgroup_is_never_used(tmp_path):
    (tmp_path / "cgroup.controllers").write_text("memory pids\n")
    assert Cgroups._delegated_v2(tmp_path, "/") is None


def test_nbformat_is_what_the_sandboxed_kernel_reads(tmp_path):
    """La copie exécutée est un cahier neuf : identifiants conservés, aucune sortie enregistrée."""
    from lstm_grader.runner import _notebook_json

    cells = [{"type": "code", "id": "reponse-ex1", "source": "x = 1"},
             {"type": "markdown", "id": None, "source": "# titre"},
             {"type": "code", "id": "reponse-ex1", "source": "y = 2"}]
    nb = nbformat.reads(_notebook_json(cells, {"reponse-ex1": 0}, fallback=False), as_version=4)
    nbformat.validate(nb)
    assert [c.get("id") for c in nb.cells] == ["reponse-ex1", "cellule-1", "cellule-2"]
    assert all(c.get("outputs", []) == [] for c in nb.cells)
