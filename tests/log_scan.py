"""A pytest plugin (tests/conftest.py loads it): every log record of the whole test run, and the
log files the suite's subprocesses write (every `*.log` under pytest's temporary directory: the dev
stack's dev.log, the clusters' logs), are searched for the children's names, the test BSNs and the
demo's e-mail addresses; a hit fails the run, naming what was found, the test and the line.

Each record is checked twice: as production writes it (core.logs.JsonFormatter, at INFO, the
level the service runs at) and as the code handed it over (the message and the exception's text
before the formatter masks anything), so the formatter's safety net cannot hide code that logs a
name or a BSN. Subprocess output that goes nowhere (the schemathesis API and worker write to
DEVNULL) is not searched."""

import logging
import re
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from core.logs import JsonFormatter
from overdracht import demo

# Children the tests make: tests.happy_path.place_child ("Testkind Proef-<8 hex>", and
# test_protocol_versions's "Kind Proef"), test_story, test_permissions and test_import.
TEST_CHILD_NAMES = (
    "Testkind", "Proef", "Noor", "Schrikkel", "Vertrouwelijkvoornaam", "Vertrouwelijkachternaam",
    "Importkind-vertrouwelijk", "Noortje", "Vissering", "Daantje", "Bakkerman", "Semmie", "Smitsma", "Milaatje",
    "Finnley", "Mulderink", "Bosschaert", "Lucassen", "Dekkering", "Emmaatje", "Janssema", "Saartje", "Meijering",
    "Koopmans",
)  # fmt: skip
# BSNs the tests give children (tests/test_import.py, tests/test_bsn.py).
TEST_BSNS = ("111222333", "123456789", "999990019")
# The addresses of the demo's parents and staff (overdracht.demo) and of the tests' parents.
EMAIL = r"[\w.+-]+@(?:[\w-]+\.)*(?:demo\.invalid|example\.org|example\.com)"
# The suite's own SMTP server (aiosmtpd, tests/test_berichten.py and others) logs every address it
# receives mail for: it stands in for the gemeente's mail server, whose log is not the service's.
NOT_OURS = frozenset({"mail.log"})


def searched_names() -> list[str]:
    names = {n for c in demo.CHILDREN for n in (c.voornaam, c.achternaam)} | set(TEST_CHILD_NAMES)
    return sorted(names | set(TEST_BSNS), key=len, reverse=True)


def _pattern(names: Iterable[str]) -> re.Pattern[str]:
    # Names as whole words and case-sensitive: "Noor" is a name, "Noord" a stadsdeel and "noor" no
    # one. Or an address.
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)|" + EMAIL)


_NAMES = _pattern(searched_names())


def find_names(text: str, pattern: re.Pattern[str] = _NAMES) -> list[str]:
    """The searched names, BSNs and addresses in `text`, in order of appearance."""
    return [m[0] for m in pattern.finditer(text)]


@dataclass
class Hit:
    name: str
    where: str  # the test (or the file) it was logged in
    how: str  # "log line" (as written) or "logged by code" (masked only by the formatter)
    line: str

    def __str__(self) -> str:
        line = self.line if len(self.line) <= 400 else self.line[:400] + "…"
        return f"{self.name!r} in a {self.how} during {self.where}:\n    {line}"


@dataclass
class LogScan:
    """Collects the hits, and the run's log lines for a person to read afterwards."""

    hits: list[Hit] = field(default_factory=list)
    lines: int = 0
    kept: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    current: str = "session start"

    def check(self, text: str, where: str, how: str) -> None:
        for name in dict.fromkeys(find_names(text)):
            self.hits.append(Hit(name, where, how, text))

    def check_file(self, path: Path) -> None:
        self.files.append(path)
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            self.lines += 1
            self.check(line, f"{path}:{n}", "log line")


class ScanHandler(logging.Handler):
    """Formats each record as production does and hands the line (and the raw record) to a LogScan."""

    def __init__(self, scan: LogScan) -> None:
        super().__init__(logging.NOTSET)
        self.scan = scan
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        if record.name in NOT_OURS:
            return
        try:
            line = self.format(record)
            raw = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                raw += "\n" + "".join(traceback.format_exception(record.exc_info[1]))
        except Exception:  # noqa: BLE001 - a broken record is logging's problem, not the scan's
            self.handleError(record)
            return
        self.scan.lines += 1
        self.scan.kept.append(line)
        self.scan.check(line, self.scan.current, "log line")
        if not find_names(line):
            self.scan.check(raw, self.scan.current, "record logged by code (masked in the log line)")


_scan = LogScan()
_handler = ScanHandler(_scan)
_basetemp: list[Path] = []
_written: list[Path] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    root = logging.getLogger()
    root.addHandler(_handler)
    # The level the service runs at (core.logs.configure): what production would write.
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def pytest_runtest_logstart(nodeid: str, location: object) -> None:
    _scan.current = nodeid


@pytest.fixture(scope="session", autouse=True)
def _remember_basetemp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Where the subprocesses' log files are (tests/test_devstack.py's dev.log, the clusters' logs)."""
    _basetemp.append(tmp_path_factory.getbasetemp())


def _subprocess_logs() -> Iterator[Path]:
    for base in _basetemp:
        yield from sorted(p for p in base.rglob("*.log") if p.is_file())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    logging.getLogger().removeHandler(_handler)
    _scan.current = "session end"
    for path in _subprocess_logs():
        _scan.check_file(path)
    if _basetemp:  # the run's own log, as production would have written it
        _written.append(_basetemp[0] / "test-run-log.jsonl")
        _written[0].write_text("".join(line + "\n" for line in _scan.kept))
    if _scan.hits and session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    files = ", ".join(p.name for p in _scan.files) or "none"
    searched = f"{_scan.lines} log lines (subprocess logs: {files}) for {len(searched_names())} names"
    if _written:
        searched += f"; the run's log: {_written[0]}"
    if not _scan.hits:
        terminalreporter.write_line(f"log scan: searched {searched}: no personal data found")
        return
    terminalreporter.write_sep("=", "log scan: personal data in the logs", red=True)
    for hit in _scan.hits[:50]:
        terminalreporter.write_line(str(hit))
    if len(_scan.hits) > 50:
        terminalreporter.write_line(f"… and {len(_scan.hits) - 50} more")
    terminalreporter.write_line(f"log scan: searched {searched}: {len(_scan.hits)} hit(s); the run fails", red=True)
