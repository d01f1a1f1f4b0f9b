"""Le bac à sable d'une copie : bubblewrap, sinon Docker ou Podman, et des limites par copie.

Le noyau Jupyter d'une copie (et tout ce qu'il lance) tourne dans un bac à
sable ; le processus d'exécution (:mod:`lstm_grader.worker`), qui lui parle,
reste dehors. On ne réécrit pas un bac à sable : on assemble des outils éprouvés.

- **bubblewrap** (``bwrap``, paquet Debian ``bubblewrap``, le bac à sable de
  Flatpak) : espaces de noms neufs (utilisateur, processus, réseau, IPC,
  nom d'hôte, cgroup), une racine vide où l'on ne monte, en lecture seule, que
  le système (``/usr``…), l'interpréteur Python, l'environnement virtuel et
  ``lstm_lib`` ; un ``/tmp`` privé (tmpfs de taille bornée) ; en écriture, le
  seul dossier d'échange de la copie. Ni le dossier personnel, ni les autres
  copies, ni le fichier de vérifications privées, ni le CSV n'y existent ; le
  noyau ne voit aucun processus hors du sien (``/proc`` neuf), n'a pas de
  réseau, et tout ce qu'il lance meurt avec lui (l'espace de noms de
  processus disparaît quand son processus n° 1 s'arrête, ``--die-with-parent``).
- **Docker ou Podman**, seulement là où bubblewrap manque (le choix
  d'otter-grader) : même montages, ``--network none``, ``--read-only``,
  limites de mémoire et de processus du moteur. Ce chemin est écrit mais n'a
  pas été exécuté dans l'intégration continue du livre (aucun moteur n'y tourne).
- **Limites par copie** (tous ses processus ensemble) : un cgroup par copie
  quand le système le permet (cgroup v1 avec contrôleurs ``memory`` et
  ``pids`` accessibles en écriture, ou cgroup v2 délégué, par exemple sous
  ``systemd-run --user --scope -p Delegate=yes``) ; sinon des limites
  ``setrlimit`` posées sur le processus n° 1 du bac à sable (mémoire par
  processus, taille de fichier, nombre de processus de l'utilisateur — sans
  effet pour root). :func:`Cgroups.describe` dit ce qui est vraiment appliqué.

:mod:`lstm_grader.launch` fait le lien : le noyau est lancé par lui, qui
rejoint le cgroup de la copie, pose les ``rlimit`` puis se remplace
(``execv``) par la commande du bac à sable.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import signal
import site
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Limits",
    "Sandbox",
    "Bubblewrap",
    "ContainerEngine",
    "NoSandbox",
    "SandboxUnavailable",
    "find_sandbox",
    "Cgroups",
    "CopyCgroup",
    "NO_SANDBOX_RISKS",
]

#: Ce que risque l'enseignant qui corrige sans bac à sable (affiché avec ``--no-sandbox``).
NO_SANDBOX_RISKS = (
    "Attention : correction SANS bac à sable (--no-sandbox). Le code des copies s'exécute avec "
    "vos droits : il peut lire et modifier vos fichiers (dossier personnel, ce dépôt, le code du "
    "correcteur, le fichier de vérifications privées, le CSV des notes, les autres copies), lire "
    "la graine secrète et les entrées de test, tuer le correcteur ou les noyaux des camarades, "
    "utiliser le réseau et laisser tourner des processus après la correction. Les limites de "
    "temps et de mémoire restent posées. N'utilisez ce mode que pour des copies de confiance."
)


class SandboxUnavailable(RuntimeError):
    """Aucun bac à sable utilisable (message en français : ce qui manque et comment l'installer)."""


@dataclass(frozen=True)
class Limits:
    """Les limites d'une copie : mémoire et processus de toute la copie, taille d'un fichier."""

    memory_mb: int
    processes: int
    file_mb: int

    def rlimits(self, *, per_process_memory: bool = True, processes: bool = False) -> dict[str, int]:
        """Les ``setrlimit`` à poser sur le processus n° 1 du bac à sable (hérités par ses fils)."""
        out = {"CORE": 0, "FSIZE": self.file_mb * 1024 * 1024}
        if per_process_memory:
            out["AS"] = self.memory_mb * 1024 * 1024
        if processes:
            out["NPROC"] = self.processes
        return out


# --------------------------------------------------------------------------
# Ce qu'on monte en lecture seule : le système et l'interpréteur, rien d'autre
# --------------------------------------------------------------------------

_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
              "/etc/nsswitch.conf", "/etc/alternatives")


def python_paths() -> list[str]:
    """Les dossiers dont l'interpréteur du noyau a besoin : préfixes, site-packages, ``lstm_lib``.

    Seulement ces dossiers-là, pas leurs parents : un Python installé dans le
    dossier personnel (pyenv) n'expose que lui, pas le reste du dossier personnel.
    """
    import importlib.util

    paths = [sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable))]
    real_exe = os.path.realpath(sys.executable)
    paths.append(os.path.dirname(os.path.dirname(real_exe)))  # le préfixe de l'exécutable réel
    user_site = site.getusersitepackages() if site.ENABLE_USER_SITE else None
    if user_site and user_site in sys.path and os.path.isdir(user_site):
        paths.append(user_site)
    spec = importlib.util.find_spec("lstm_lib")
    if spec is not None and spec.submodule_search_locations:
        paths.extend(os.path.realpath(p) for p in spec.submodule_search_locations)
    out: list[str] = []
    for p in paths:
        p = os.path.realpath(p)
        if p in ("/", "") or not os.path.isdir(p):
            continue
        if any(p == q or p.startswith(q.rstrip("/") + "/") for q in out + list(_SYSTEM_DIRS)):
            continue  # déjà couvert par un dossier monté
        out = [q for q in out if not q.startswith(p.rstrip("/") + "/")] + [p]
    return out


def kernel_env(home: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """L'environnement du noyau : rien de celui de l'enseignant (ni HOME, ni variables secrètes).

    ``home`` : le dossier personnel et temporaire de la copie (``/tmp``, privé, dans un bac à sable).
    """
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "USER": "eleve",
        "LOGNAME": "eleve",
        "LANG": "C.UTF-8",
        "TMPDIR": home,
        "IPYTHONDIR": f"{home}/.ipython",
        "MPLCONFIGDIR": f"{home}/matplotlib",
        "MPLBACKEND": "Agg",
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }
    if not (site.ENABLE_USER_SITE and site.getusersitepackages() in sys.path):
        env["PYTHONNOUSERSITE"] = "1"  # le site-packages de l'utilisateur n'est monté que s'il sert
    env.update(extra or {})
    return env


# --------------------------------------------------------------------------
# Les bacs à sable
# --------------------------------------------------------------------------

@dataclass
class Sandbox:
    """Ce que partagent les bacs à sable : une commande qui enveloppe celle du noyau."""

    name: str = "aucun"
    executable: str = ""
    #: Le moteur applique-t-il lui-même les limites de mémoire et de processus ?
    limits_by_engine: bool = False

    def wrap(self, argv: list[str], *, exchange: Path, cwd: Path, env: dict[str, str],
             limits: Limits, private: Path, tag: str) -> list[str]:
        raise NotImplementedError

    def home(self, exchange: Path) -> str:
        """Le dossier personnel et temporaire du noyau : le ``/tmp`` privé du bac à sable."""
        return "/tmp"

    def cleanup(self, tag: str) -> None:
        """Arrête ce qui reste de la copie ``tag`` (rien à faire pour bubblewrap)."""

    def describe(self) -> str:
        return self.name


@dataclass
class Bubblewrap(Sandbox):
    name: str = "bwrap"
    version: tuple = ()

    def wrap(self, argv, *, exchange, cwd, env, limits, private, tag):
        args = [self.executable, "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
                "--cap-drop", "ALL", "--uid", "1000", "--gid", "1000", "--hostname", "copie"]
        if self.version >= (0, 8):
            args.append("--disable-userns")  # pas de nouvel espace de noms utilisateur dans le bac
        for path in _SYSTEM_DIRS:
            if os.path.islink(path):
                args += ["--symlink", os.readlink(path), path]
            elif os.path.isdir(path):
                args += ["--ro-bind", path, path]
        for path in _ETC_FILES:
            if os.path.exists(path):
                args += ["--ro-bind", path, path]
        passwd, group = _identity_files(private)
        args += ["--ro-bind", str(passwd), "/etc/passwd", "--ro-bind", str(group), "/etc/group"]
        size = str(limits.memory_mb * 1024 * 1024)  # un tmpfs compte dans la mémoire de la copie
        args += ["--proc", "/proc", "--dev", "/dev", "--size", size, "--tmpfs", "/dev/shm",
                 "--size", size, "--tmpfs", "/tmp"]
        # L'interpréteur après le /tmp privé : bwrap monte dans l'ordre, et un Python installé
        # sous /tmp (un dépôt cloné là, comme en CI) serait sinon caché par le tmpfs.
        for path in python_paths():
            args += ["--ro-bind", path, path]
        args += ["--bind", str(exchange), str(exchange),
                 "--remount-ro", "/dev", "--remount-ro", "/",  # la racine du bac : rien d'autre d'inscriptible
                 "--chdir", str(cwd), "--clearenv"]
        for key, value in env.items():
            args += ["--setenv", key, value]
        return args + ["--", *argv]


def _identity_files(private: Path) -> tuple[Path, Path]:
    """Un ``/etc/passwd`` et un ``/etc/group`` d'une ligne : l'élève, et rien des comptes de la machine."""
    private.mkdir(parents=True, exist_ok=True)
    passwd, group = private / "passwd", private / "group"
    passwd.write_text("eleve:x:1000:1000:copie:/tmp:/bin/sh\n", encoding="utf-8")
    group.write_text("eleve:x:1000:\n", encoding="utf-8")
    return passwd, group


@dataclass
class ContainerEngine(Sandbox):
    """Docker ou Podman, là où bubblewrap manque. **Écrit, jamais exécuté ici** (aucun moteur)."""

    name: str = "docker"
    image: str = "debian:bookworm-slim"
    limits_by_engine: bool = True

    def wrap(self, argv, *, exchange, cwd, env, limits, private, tag):
        mb = limits.memory_mb
        args = [self.executable, "run", "--rm", "--name", tag, "--network", "none", "--read-only",
                "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "--memory", f"{mb}m", "--memory-swap", f"{mb}m", "--pids-limit", str(limits.processes),
                "--ulimit", f"fsize={limits.file_mb * 1024 * 1024}", "--ulimit", "core=0",
                "--tmpfs", f"/tmp:rw,size={mb}m,mode=1777",
                "--user", f"{os.getuid()}:{os.getgid()}", "--workdir", str(cwd)]
        if self.name == "podman":
            args += ["--userns", "keep-id"]
        for path in _SYSTEM_DIRS:
            if os.path.isdir(path) and not os.path.islink(path):
                args += ["-v", f"{path}:{path}:ro"]
        for path in python_paths():
            args += ["-v", f"{path}:{path}:ro"]
        args += ["-v", f"{exchange}:{exchange}:rw"]
        for key, value in env.items():
            args += ["--env", f"{key}={value}"]
        return args + [self.image, *argv]

    def cleanup(self, tag):
        try:
            subprocess.run([self.executable, "rm", "--force", tag], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30, check=False)
        except (OSError, subprocess.SubprocessError):
            pass

    def describe(self):
        return f"{self.name} (image {self.image})"


@dataclass
class NoSandbox(Sandbox):
    """Pas de bac à sable (``--no-sandbox`` seulement) : le noyau tourne avec les droits de l'enseignant."""

    name: str = "aucun"

    def home(self, exchange: Path) -> str:
        """Sans bac à sable, pas de ``/tmp`` privé : un dossier à la copie, pour qu'aucune copie ne
        laisse de fichier de démarrage d'IPython (ou autre) à la suivante."""
        home = exchange / "maison"
        home.mkdir(mode=0o700, exist_ok=True)
        return str(home)

    def wrap(self, argv, *, exchange, cwd, env, limits, private, tag):
        return list(argv)


def _bwrap_version(executable: str) -> tuple:
    try:
        out = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out)
    return tuple(int(g) for g in match.groups() if g is not None) if match else ()


def _bwrap_works(executable: str) -> str | None:
    """``None`` si bubblewrap peut créer un bac à sable ici, sinon son message d'erreur."""
    probe = [executable, "--unshare-all", "--unshare-user", "--die-with-parent", "--cap-drop", "ALL"]
    for path in _SYSTEM_DIRS:
        if os.path.islink(path):
            probe += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            probe += ["--ro-bind", path, path]
    probe += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--", "/bin/sh", "-c", "exit 0"]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    return None if done.returncode == 0 else (done.stderr.strip() or f"code de sortie {done.returncode}")


def _engine_works(executable: str) -> bool:
    try:
        return subprocess.run([executable, "info"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def find_sandbox(kind: str = "auto", *, image: str | None = None) -> Sandbox:
    """Le bac à sable demandé (``auto``, ``bwrap``, ``docker``, ``podman``) ; lève :class:`SandboxUnavailable`."""
    problems = []
    if kind in ("auto", "bwrap"):
        exe = shutil.which("bwrap")
        if exe:
            error = _bwrap_works(exe)
            if error is None:
                return Bubblewrap(executable=exe, version=_bwrap_version(exe))
            problems.append(f"bubblewrap est installé mais ne peut pas créer de bac à sable ici ({error})")
        else:
            problems.append("bubblewrap (bwrap) est absent : « sudo apt-get install bubblewrap »")
    if kind in ("auto", "docker", "podman"):
        for engine in (("docker", "podman") if kind == "auto" else (kind,)):
            exe = shutil.which(engine)
            if exe and _engine_works(exe):
                extra = {"image": image} if image else {}
                return ContainerEngine(name=engine, executable=exe, **extra)
            problems.append(f"{engine} est absent ou son service ne répond pas")
    if kind not in ("auto", "bwrap", "docker", "podman"):
        problems.append(f"bac à sable inconnu « {kind} »")
    raise SandboxUnavailable(
        "aucun bac à sable utilisable : " + " ; ".join(problems)
        + ". Installez bubblewrap (conseillé), ou corrigez sans bac à sable en connaissance de cause "
          "avec --no-sandbox.")


# --------------------------------------------------------------------------
# Un cgroup par copie
# --------------------------------------------------------------------------

def _mounts() -> list[tuple[str, str, str, set[str]]]:
    """Les montages de cgroup : (racine montée, point de montage, type, options)."""
    found = []
    try:
        lines = Path("/proc/self/mountinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return found
    for line in lines:
        left, _, right = line.partition(" - ")
        parts, rest = left.split(), right.split()
        if len(parts) < 5 or len(rest) < 3 or rest[0] not in ("cgroup", "cgroup2"):
            continue
        found.append((parts[3], parts[4].replace("\\040", " "), rest[0], set(rest[2].split(","))))
    return found


def _own_cgroups() -> dict[str, str]:
    """Le cgroup de ce processus pour chaque hiérarchie : {« memory » : chemin, …, « » : chemin v2}."""
    out = {}
    try:
        lines = Path("/proc/self/cgroup").read_text(encoding="utf-8").splitlines()
    except OSError:
        return out
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) == 3:
            for controller in (parts[1].split(",") if parts[1] else [""]):
                out[controller] = parts[2]
    return out


def _join(mount_root: str, mountpoint: str, path: str) -> Path:
    if mount_root != "/" and (path == mount_root or path.startswith(mount_root.rstrip("/") + "/")):
        path = path[len(mount_root):] or "/"
    return Path(mountpoint) / path.lstrip("/")


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="ascii") as fh:
        fh.write(text)


@dataclass
class Cgroups:
    """Où créer les cgroups des copies, trouvé une fois par correction (:meth:`detect`)."""

    version: int = 0                          # 2, 1, ou 0 (aucun : limites rlimit seulement)
    parents: dict = field(default_factory=dict)  # contrôleur → dossier parent des cgroups des copies
    reason: str = ""

    @property
    def memory(self) -> bool:
        return "memory" in self.parents

    @property
    def processes(self) -> bool:
        return "pids" in self.parents

    @classmethod
    def detect(cls, root: Path | None = None) -> "Cgroups":
        """Cherche des contrôleurs ``memory`` et ``pids`` accessibles en écriture, sans toucher au cgroup racine."""
        mounts, own = _mounts(), _own_cgroups()
        v1 = {}
        for mount_root, point, kind, opts in mounts:
            if kind != "cgroup":
                continue
            for controller in ("memory", "pids"):
                if controller in opts and controller in own:
                    directory = _join(mount_root, point, own[controller])
                    if os.access(directory, os.W_OK):
                        v1[controller] = directory
        if v1:
            return cls(1, v1)
        for mount_root, point, kind, _ in mounts:
            if kind == "cgroup2" and "" in own:
                found = cls._delegated_v2(_join(mount_root, point, own[""]), own[""])
                if found is not None:
                    return found
        return cls(0, {}, "pas de cgroup accessible en écriture")

    @classmethod
    def _delegated_v2(cls, directory: Path, path: str) -> "Cgroups | None":
        """cgroup v2 délégué : le correcteur passe dans une feuille, ses copies dans des cgroups frères."""
        if path in ("", "/") or not os.access(directory, os.W_OK):
            return None  # jamais le cgroup racine
        try:
            available = set((directory / "cgroup.controllers").read_text().split())
            if not {"memory", "pids"} <= available:
                return None
            enabled = set((directory / "cgroup.subtree_control").read_text().split())
            if not {"memory", "pids"} <= enabled:
                leaf = directory / "lstm-correcteur"
                leaf.mkdir(exist_ok=True)
                for pid in (directory / "cgroup.procs").read_text().split():
                    try:  # règle « pas de processus dans un nœud interne » : tout passe dans la feuille
                        _write(leaf / "cgroup.procs", pid)
                    except OSError:
                        pass
                _write(directory / "cgroup.subtree_control", "+memory +pids")
        except OSError:
            return None
        return cls(2, {"memory": directory, "pids": directory})

    def describe(self) -> str:
        """Ce qui limite une copie, en français."""
        if self.version == 0:
            return ("limites par processus seulement (setrlimit : mémoire de chaque processus, taille "
                    "des fichiers, nombre de processus de l'utilisateur hors root) : pas de cgroup "
                    "utilisable, la mémoire de toute la copie n'est pas bornée")
        what = " et ".join(x for x, ok in (("mémoire", self.memory), ("processus", self.processes)) if ok)
        return f"cgroup v{self.version} par copie ({what} de toute la copie)"

    def create(self, limits: Limits) -> "CopyCgroup":
        return CopyCgroup.create(self, limits)


@dataclass
class CopyCgroup:
    """Le cgroup d'une copie : y entrer (``procs``), tout y tuer, le supprimer."""

    dirs: dict = field(default_factory=dict)  # contrôleur → dossier de la copie
    version: int = 0

    @classmethod
    def create(cls, cgroups: Cgroups, limits: Limits) -> "CopyCgroup":
        name = f"lstm-copie-{os.getpid()}-{secrets.token_hex(4)}"
        made = cls(version=cgroups.version)
        memory = str(limits.memory_mb * 1024 * 1024)
        try:
            for controller, parent in cgroups.parents.items():
                directory = Path(parent) / name
                if directory in made.dirs.values():
                    continue
                directory.mkdir()
                made.dirs[controller] = directory
            if cgroups.version == 1:
                if "memory" in made.dirs:
                    _write(made.dirs["memory"] / "memory.limit_in_bytes", memory)
                    swap = made.dirs["memory"] / "memory.memsw.limit_in_bytes"
                    if swap.exists():
                        _write(swap, memory)
                if "pids" in made.dirs:
                    _write(made.dirs["pids"] / "pids.max", str(limits.processes))
            elif cgroups.version == 2:
                directory = made.dirs["memory"]
                _write(directory / "memory.max", memory)
                if (directory / "memory.swap.max").exists():
                    _write(directory / "memory.swap.max", "0")
                _write(directory / "pids.max", str(limits.processes))
        except OSError:
            made.remove()
            raise
        return made

    @property
    def procs(self) -> list[str]:
        """Les fichiers ``cgroup.procs`` où le lanceur du noyau écrit son numéro."""
        return sorted({str(d / "cgroup.procs") for d in self.dirs.values()})

    def pids(self) -> set[int]:
        found = set()
        for procs in self.procs:
            try:
                found.update(int(p) for p in Path(procs).read_text().split())
            except (OSError, ValueError):
                pass
        return found

    def kill_all(self, wait: float = 5.0) -> bool:
        """Tue tous les processus de la copie (même ceux qui ont quitté sa session) ; rend True s'il n'en reste aucun."""
        kill_file = next((d / "cgroup.kill" for d in self.dirs.values() if (d / "cgroup.kill").exists()), None)
        deadline = time.monotonic() + wait
        while True:
            pids = self.pids()
            if not pids:
                return True
            if kill_file is not None:
                try:
                    _write(kill_file, "1")
                except OSError:
                    kill_file = None
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            if time.monotonic() > deadline:
                return not self.pids()
            time.sleep(0.05)

    def oom_kills(self) -> int:
        """Le nombre de processus de la copie tués faute de mémoire (0 si inconnu)."""
        directory = self.dirs.get("memory")
        if directory is None:
            return 0
        name = "memory.oom_control" if self.version == 1 else "memory.events"
        try:
            for line in (directory / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def peak_memory_mb(self) -> float | None:
        directory = self.dirs.get("memory")
        if directory is None:
            return None
        name = "memory.max_usage_in_bytes" if self.version == 1 else "memory.peak"
        try:
            return int((directory / name).read_text()) / 2**20
        except (OSError, ValueError):
            return None

    def remove(self) -> None:
        for directory in self.dirs.values():
            for _ in range(100):
                try:
                    directory.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as exc:
                    if exc.errno != errno.EBUSY:
                        break
                    self.kill_all(wait=0.2)
                    time.sleep(0.05)
        self.dirs = {}
