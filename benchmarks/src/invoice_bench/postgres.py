"""A private PostgreSQL cluster per run, for the peers whose engine keeps its state there
(Prefect's server, DBOS's system database).

    start_cluster(root, procs, port, role=..., database=...) -> "postgresql://role@127.0.0.1:port/db"

Debian's server binaries (scripts/install-postgres.sh installs them when missing, or
$BENCH_POSTGRES_BIN names them); `initdb` into the run's directory, trust for the private
socket directory and 127.0.0.1 only, listening on a free loopback port, durability as
shipped; then one empty database. Kept free of any engine's imports, so a peer's driver
that only needs the cluster's URL imports nothing of another engine.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import time
from pathlib import Path

from invoice_bench import common
from invoice_bench.common import Processes

INSTALL_POSTGRES = Path(__file__).resolve().parents[3] / "scripts" / "install-postgres.sh"


def postgres_bin_dir() -> Path:
    """Where initdb, postgres, pg_isready and createdb are: $BENCH_POSTGRES_BIN, else what
    scripts/install-postgres.sh reports (it installs Debian's packages when missing)."""
    if path := os.environ.get("BENCH_POSTGRES_BIN"):
        return Path(path)
    out = subprocess.run(
        ["bash", str(INSTALL_POSTGRES)], check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return Path(out.strip().splitlines()[-1])


def _cluster_user() -> pwd.struct_passwd | None:
    """Who runs the cluster: postgres refuses to run as root, so as root the `postgres`
    system user (Debian's packages create it), else `nobody`; None: ourselves."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, and neither a `postgres` nor a `nobody` user exists")


def _as(user: pwd.struct_passwd | None, argv: list[str]) -> list[str]:
    # setpriv execs (no wrapper process left behind): the pid we hold is postgres's own.
    if user is None:
        return argv
    ids = [f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups"]
    return ["setpriv", *ids, "--", *argv]


# postgresql.conf settings beyond where to listen, as `-c` options: none. The shipped
# defaults fit (shared_buffers 128 MB for a database of a few MB, max_connections 100),
# and durability stays as shipped: fsync, synchronous_commit, full_page_writes on.
PG_SETTINGS: dict[str, str] = {}
# A unix socket path must fit sockaddr_un.sun_path (108 bytes with its NUL).
_SOCKET_PATH_MAX = 107


def start_cluster(
    root: Path,
    procs: Processes,
    port: int,
    *,
    role: str,
    database: str,
    timeout: float = 120.0,
) -> str:
    """A fresh cluster under `root`/postgres, listening on 127.0.0.1:`port` (and a socket
    in `root`/postgres/sock), trusting local connections only, with `role` its superuser
    and an empty database `database`; started as "postgres" in `procs`. Returns the
    libpq URL of that database (no driver named: each peer adds its own)."""
    bin_dir = postgres_bin_dir()
    user = _cluster_user()
    base = root / "postgres"
    data, sock = base / "data", base / "sock"
    sock.mkdir(parents=True)
    if user is not None:
        root.chmod(0o711)  # the cluster's user may pass through, not list or write
        for path in (base, sock):
            os.chown(path, user.pw_uid, user.pw_gid)
    base.chmod(0o700)
    sock.chmod(0o700)
    env = common.child_env(LC_ALL="C", LANG="C")
    procs.log_dir.mkdir(parents=True, exist_ok=True)
    argv = [str(bin_dir / "initdb"), "-D", str(data), "-U", role, "--auth=trust"]
    argv += ["--encoding=UTF8", "--locale=C"]
    with (procs.log_dir / "initdb.log").open("ab") as log:
        initdb = subprocess.run(
            _as(user, argv),
            env=env,
            cwd=base,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if initdb.returncode != 0:
        raise RuntimeError(
            f"initdb failed ({initdb.returncode}; as user "
            f"{user.pw_name if user else os.getuid()}: every directory above {root} must be "
            f"searchable by it):\n{procs.log_tail('initdb')}"
        )
    # Trust, but only through the private socket directory and from 127.0.0.1.
    hba = data / "pg_hba.conf"
    hba.write_text(
        "# TYPE  DATABASE  USER  ADDRESS       METHOD\n"
        "local   all       all                 trust\n"
        "host    all       all   127.0.0.1/32  trust\n",
        encoding="utf-8",
    )
    if user is not None:
        os.chown(hba, user.pw_uid, user.pw_gid)
    sockets = str(sock) if len(f"{sock}/.s.PGSQL.{port}") <= _SOCKET_PATH_MAX else ""
    settings = {
        "listen_addresses": "127.0.0.1",
        "port": str(port),
        "unix_socket_directories": sockets,  # "": the run's path is too long, TCP only
        "unix_socket_permissions": "0700",
        **PG_SETTINGS,
    }
    argv = [str(bin_dir / "postgres"), "-D", str(data)]
    for name, value in settings.items():
        argv += ["-c", f"{name}={value}"]
    procs.start("postgres", _as(user, argv), env, cwd=base)
    client = ["-h", "127.0.0.1", "-p", str(port), "-U", role]
    deadline = time.monotonic() + timeout
    while True:
        procs.check_alive()
        ready = [str(bin_dir / "pg_isready"), *client, "-d", "postgres", "-q", "-t", "2"]
        if subprocess.run(ready, env=env, check=False).returncode == 0:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"PostgreSQL on port {port} is not ready after {timeout:.0f} s")
        time.sleep(0.1)
    subprocess.run(
        [str(bin_dir / "createdb"), *client, database],
        env=env,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return f"postgresql://{role}@127.0.0.1:{port}/{database}"


def postgres_version() -> str:
    out = subprocess.run(
        [str(postgres_bin_dir() / "postgres"), "--version"],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return out.strip()
