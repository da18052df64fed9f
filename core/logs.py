"""Logging for every process: one setup, JSON lines in production, the request id on every line,
and nothing of a child or a parent in it.

The real guarantee is that no code logs personal data (log ids, counts and fixed words, never a
value a person typed). The formatters add a safety net for mistakes: extras under a key that names
personal data are masked, any other object is logged as its type only, a BSN-shaped number
(9 digits passing the elfproef) is masked, and an exception that quotes its input (pydantic's
validation errors, asyncpg's and PostgreSQL's refusals of a value) is rendered without it."""

import json
import logging
import re
import sys
import traceback
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, date, datetime
from enum import Enum
from types import TracebackType
from typing import Any, TextIO
from urllib.parse import unquote_plus
from uuid import UUID

import asyncpg
import pydantic

from core.settings import Environment, Settings

# The id of the HTTP request being handled (api/request_id.py sets it); None outside a request.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

FORMATS = ("text", "json")
MASK = "[verwijderd]"

# Keys of `extra=` that name personal data or a secret: a call that passes one is a bug, and the
# value is masked rather than logged. Matched exactly (lower case), at any depth.
PERSONAL_KEYS = frozenset({
    "voornaam", "achternaam", "naam", "name", "first_name", "last_name", "kind_naam", "ouder_naam",
    "geboortedatum", "birth_date", "bsn",
    "email", "e_mail", "aan", "to", "adres", "address", "telefoon", "phone",
    "zienswijze", "toelichting", "reden", "tekst", "inhoud", "formulier", "body",
    "code", "token", "access_token", "authorization", "password", "wachtwoord", "secret",
})  # fmt: skip

# Every attribute a plain LogRecord has: what is left on a record are the call's extras.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "taskName"}
# Extras libraries add that are no field of ours: uvicorn's coloured copy of the message, Temporal
# core's log entry (its fields are in the message already).
_DROPPED = frozenset({"color_message", "temporal_log"})
_MAX_DEPTH = 4

# Nine digits on their own: a BSN if it passes the elfproef.
_NINE_DIGITS = re.compile(r"(?<![0-9A-Za-z])[0-9]{9}(?![0-9A-Za-z])")


def current_request_id() -> str | None:
    return REQUEST_ID.get()


def _elfproef(digits: str) -> bool:
    # The same check as services.plaatsingen_csv.elfproef; repeated so that logging depends on nothing of ours.
    numbers = [int(c) for c in digits]
    total = sum(d * w for d, w in zip(numbers[:8], range(9, 1, -1), strict=True)) - numbers[8]
    return total % 11 == 0 and any(numbers)


def mask_bsn(text: str) -> str:
    """`text` with every number that could be a BSN masked."""
    if not any(c.isdigit() for c in text):
        return text
    return _NINE_DIGITS.sub(lambda m: "[bsn]" if _elfproef(m[0]) else m[0], text)


def _is_personal(key: object) -> bool:
    return str(key).lower().replace("-", "_") in PERSONAL_KEYS


def safe_value(value: Any, depth: int = 0) -> Any:
    """A value as it may appear in a log line: plain data as is (strings with a BSN masked), ids and
    dates as text, containers with personal keys masked, anything else as its type only (an object's
    repr may carry its content)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return mask_bsn(value)
    if isinstance(value, Enum):
        return safe_value(value.value, depth)
    if isinstance(value, UUID | datetime | date):
        return value.isoformat() if isinstance(value, date) else str(value)
    if depth < _MAX_DEPTH and isinstance(value, Mapping):
        return {str(k): MASK if _is_personal(k) else safe_value(v, depth + 1) for k, v in value.items()}
    if depth < _MAX_DEPTH and isinstance(value, list | tuple | set | frozenset):
        return [safe_value(v, depth + 1) for v in value]
    return f"<{type(value).__name__}>"


def extras(record: logging.LogRecord) -> dict[str, Any]:
    """The record's `extra=` fields, made safe."""
    return {
        key: MASK if _is_personal(key) else safe_value(value)
        for key, value in vars(record).items()
        if key not in _STANDARD and key not in _DROPPED and not key.startswith("_")
    }


def request_id_of(record: logging.LogRecord) -> str | None:
    return getattr(record, "request_id", None) or REQUEST_ID.get()


def _quotes_its_input(exc: BaseException) -> bool:
    """asyncpg's refusal of a query argument ("invalid input for query argument $2: 'Noor' (…)") and
    PostgreSQL's data exceptions ('invalid input syntax for type uuid: "…"') quote the value."""
    return isinstance(exc, asyncpg.DataError) or str(exc).startswith("invalid input for query argument")


def _describe(exc: BaseException, *, quiet: bool = False) -> str:
    name = f"{type(exc).__module__}.{type(exc).__qualname__}".removeprefix("builtins.")
    if quiet:
        return f"{name}: (not logged: it may quote the data)"
    if _quotes_its_input(exc):
        return mask_bsn(f"{name}: {str(exc).split(': ', 1)[0]}")
    if isinstance(exc, pydantic.ValidationError):
        # Its own text quotes the input (`input_value=...`): name the fields and the rules only.
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}"
            for e in exc.errors(include_url=False, include_input=False, include_context=False)
        )
        return mask_bsn(f"{name}: {exc.error_count()} validation error(s) for {exc.title}: {problems}")
    message = str(exc)
    return mask_bsn(f"{name}: {message}" if message else name)


def format_exception(exc: BaseException) -> str:
    """Like the standard traceback (with its causes), each exception's text made safe."""
    chain: list[tuple[BaseException, str | None]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link: str | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "The above exception was the direct cause of the following exception:"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "During handling of the above exception, another exception occurred:"
        else:
            current = None
    parts: list[str] = []
    for i, (e, _) in enumerate(reversed(chain)):
        if i:
            parts.append(f"\n\n{chain[len(chain) - i][1]}\n\n")
        if e.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(e.__traceback__))
        # What caused a refused argument is the codec's complaint about the value itself.
        caused = chain[len(chain) - i - 2][0] if i < len(chain) - 1 else None
        parts.append(_describe(e, quiet=caused is not None and _quotes_its_input(caused)))
    return "".join(parts)


_ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class _SafeFormatter(logging.Formatter):
    def formatException(self, ei: _ExcInfo) -> str:  # noqa: N802 - logging's name
        return format_exception(ei[1]) if ei[1] is not None else ""

    def message(self, record: logging.LogRecord) -> str:
        return mask_bsn(record.getMessage())


class JsonFormatter(_SafeFormatter):
    """One JSON object per line: time, level, logger, message, request_id, then the safe extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.message(record),
            "request_id": request_id_of(record),
        }
        for key, value in extras(record).items():
            entry[key if key not in entry else f"extra_{key}"] = value
        if record.exc_info and record.exc_info[1] is not None:
            entry["exc_type"] = type(record.exc_info[1]).__name__
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(_SafeFormatter):
    """For a person at a terminal: `time LEVEL logger [request id]: message key=value …`."""

    def format(self, record: logging.LogRecord) -> str:
        request_id = request_id_of(record)
        line = f"{self.formatTime(record)} {record.levelname} {record.name}"
        line += f" [{request_id}]: " if request_id else ": "
        line += self.message(record)
        # Temporal's logger adapters put their context in the message too.
        fields = {k: v for k, v in extras(record).items() if not k.startswith("temporal_")}
        if fields:
            line += " " + " ".join(f"{k}={json.dumps(v, ensure_ascii=False, default=str)}" for k, v in fields.items())
        if record.exc_info and record.exc_info[1] is not None:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + record.stack_info
        return line


class _QueryValuesMasked(logging.Filter):
    """uvicorn's access log names each request's path with its query string: a parent's one-time code
    (`/ouder?code=…`) or an invitation's (`/uitnodiging?code=…`) would be in it. Values of the keys that
    name personal data or a secret are masked; the rest (ids, filters) stays for whoever reads the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            path, _, query = args[2].partition("?")
            masked = "&".join(
                f"{key}={MASK}" if _is_personal(unquote_plus(key)) else f"{key}={value}" if sep else key
                for key, sep, value in (part.partition("=") for part in query.split("&"))
            )
            record.args = (*args[:2], f"{path}?{masked}", *args[3:])
        return True


# On the logger itself, as this module is imported: whatever handler writes its lines.
logging.getLogger("uvicorn.access").addFilter(_QueryValuesMasked())


class _Handler(logging.StreamHandler[TextIO]):
    """The handler `configure` installs, so that configuring again replaces it and nothing else."""


def log_format(settings: Settings) -> str:
    """`text` or `json`: as configured, else JSON in production and text elsewhere."""
    chosen = settings.log_format or ("json" if settings.environment is Environment.PRODUCTION else "text")
    if chosen.lower() not in FORMATS:
        raise ValueError(f"OVERDRACHT_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {settings.log_format!r}")
    return chosen.lower()


def formatter_for(settings: Settings) -> logging.Formatter:
    return JsonFormatter() if log_format(settings) == "json" else TextFormatter()


def configure(settings: Settings, *, stream: TextIO | None = None, engine_logs: bool = True) -> None:
    """Set up logging for this process; every entry point calls it once, before anything logs."""
    handler = _Handler(stream or sys.stderr)
    handler.setFormatter(formatter_for(settings))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # A line per outgoing HTTP request is noise (the API's health probes, the identity provider's keys).
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    # uvicorn's own loggers go through the same handler (cli.py runs it with log_config=None). Its
    # access log stays: its paths carry opaque ids only, and its query strings filters (a code in one
    # is masked).
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.captureWarnings(True)
    if engine_logs:
        _forward_temporal_core_logs()


def _forward_temporal_core_logs() -> None:
    """The Temporal SDK's core (Rust) writes its warnings straight to stderr, in its own format:
    send them through Python's logging instead, so they are JSON lines like the rest. Must run
    before the first client connects (it replaces the default runtime).

    Only for the processes that run on (the API, the worker): a command that ends while the core still
    forwards a line (a connection closing) would have it call into an interpreter shutting down, which
    aborts the process after its work is done."""
    from temporalio.runtime import LogForwardingConfig, LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter

    forwarding = LogForwardingConfig(logger=logging.getLogger("temporalio.core"))
    logging_config = LoggingConfig(
        filter=TelemetryFilter(core_level="WARN", other_level="ERROR"), forwarding=forwarding
    )
    Runtime.set_default(Runtime(telemetry=TelemetryConfig(logging=logging_config)), error_if_already_set=False)
