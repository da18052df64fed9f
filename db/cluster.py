"""A private PostgreSQL cluster for development and tests, made with the machine's own binaries."""

import asyncio
import glob
import os
import pwd
import shutil
import signal
import subprocess
from functools import cache
from pathlib import Path

import asyncpg

INSTALL_HINT = (
    "PostgreSQL's server programs (initdb, postgres) were not found on this machine. Install them "
    "(Debian/Ubuntu: `apt-get install postgresql`; Fedora: `dnf install postgresql-server`; "
    "macOS: `brew install postgresql@15`), or set DATABASE_URL to a PostgreSQL server you run."
)


class ClusterError(RuntimeError):
    """The private cluster could not be made or started; the message says what to do."""


def find_bindir() -> Path:
    """The newest PostgreSQL server bin directory on this machine."""
    candidates = []
    if initdb := shutil.which("initdb"):
        # Resolved: Debian links the programs into /usr/local/bin, but their tools (pg_dump) stay behind.
        candidates.append(Path(initdb).resolve().parent)
    versioned = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += [Path(p) for p in sorted(versioned, key=lambda p: int(Path(p).parent.name), reverse=True)]
    candidates += [Path("/usr/local/pgsql/bin"), Path("/opt/homebrew/bin"), Path("/usr/local/bin")]
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "postgres").exists():
            return bindir
    raise ClusterError(INSTALL_HINT)


@cache
def _user_namespaces_work() -> bool:
    probe = ["unshare", "--user", "--map-user=1000", "--map-group=1000", "true"]
    return shutil.which("unshare") is not None and subprocess.run(probe, capture_output=True).returncode == 0


def _unprivileged(cmd: list[str], data_dir: Path) -> list[str]:
    """PostgreSQL refuses to run as root. As root we run it inside a user namespace where it is an
    ordinary user while its files stay ours, so the cluster can live in a directory only root may
    enter (a fresh `mktemp -d` clone, say). Failing that, as the `postgres` system user."""
    if os.geteuid() != 0:
        return cmd
    if _user_namespaces_work():
        return ["unshare", "--user", "--map-user=1000", "--map-group=1000", *cmd]
    try:
        pg = pwd.getpwnam("postgres")
    except KeyError:
        raise ClusterError(
            "PostgreSQL cannot run as root and this machine has neither user namespaces nor a "
            "'postgres' user. Run as an ordinary user, or set DATABASE_URL."
        ) from None
    for path in [data_dir, *data_dir.rglob("*")]:
        os.chown(path, pg.pw_uid, pg.pw_gid)
    return ["runuser", "-u", "postgres", "--", *cmd]


class LocalCluster:
    """One cluster in `data_dir`, listening on 127.0.0.1:`port` only, trusting local connections."""

    def __init__(self, data_dir: Path, port: int, *, durable: bool = True, database: str = "overdracht"):
        self.data_dir = data_dir.resolve()
        self.port = port
        self.durable = durable
        self.database = database
        self.user = "overdracht"
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}.log"
        self._bindir = find_bindir()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def dsn(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{self.database}"

    async def start(self) -> None:
        """Make the cluster if it is not there yet, start it, and create the database."""
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        options = ["-c", "unix_socket_directories=", "-c", "listen_addresses=127.0.0.1"]
        if not self.durable:
            # Test clusters are thrown away; durability would only cost time.
            options += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        self._spawn(options)
        await self._wait_ready()
        await self._ensure_database()

    def _spawn(self, options: list[str]) -> None:
        cmd = [str(self._bindir / "postgres"), "-D", str(self.data_dir), "-p", str(self.port), *options]
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(_unprivileged(cmd, self.data_dir), stdout=log, stderr=log)

    def stop(self, *, immediate: bool = False) -> None:
        """Fast shutdown: roll back open transactions, write a checkpoint, exit. `immediate`: exit at once,
        as a crash would (`pg_ctl stop -m immediate`); the next start recovers from the WAL."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGQUIT if immediate else signal.SIGINT)
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _initdb(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [
            str(self._bindir / "initdb"), "-D", str(self.data_dir), "-U", self.user,
            "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions",
        ]  # fmt: skip
        result = subprocess.run(_unprivileged(cmd, self.data_dir), capture_output=True, text=True)
        if result.returncode != 0:
            raise ClusterError(f"initdb failed in {self.data_dir}:\n{result.stderr.strip()}")

    async def _wait_ready(self, within: float = 30.0) -> None:
        assert self._process is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            if self._process.poll() is not None:
                raise ClusterError(f"PostgreSQL stopped at start; its log:\n{self._log_tail()}")
            try:
                conn = await asyncpg.connect(
                    host="127.0.0.1", port=self.port, user=self.user, database="postgres", timeout=2
                )
            except (OSError, asyncpg.PostgresError):
                if loop.time() > deadline:
                    raise ClusterError(f"PostgreSQL did not accept connections; its log:\n{self._log_tail()}") from None
                await asyncio.sleep(0.1)
            else:
                await conn.close()
                return

    async def _ensure_database(self) -> None:
        conn = await asyncpg.connect(host="127.0.0.1", port=self.port, user=self.user, database="postgres")
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", self.database)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{self.database}"')
        finally:
            await conn.close()

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
