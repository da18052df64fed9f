"""`overdracht api`: uvicorn serving the app in OVERDRACHT_API_WORKERS processes (one per CPU by default)
on one port, each building the app from the environment (api.app:create_app_from_env), with a time limit
on a request's head.

uvicorn has none: its keep-alive timer runs only between requests, and a connection that sends half a
request line or headers and then nothing (slowloris) is kept for ever. HeadTimeoutProtocol closes a
connection whose request head is not complete OVERDRACHT_HEADER_TIMEOUT_SECONDS after its first byte
(or after the connection opened). The body's time is api/limits.py's."""

import asyncio
import socket
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState
from uvicorn.supervisors import Multiprocess

from core.settings import Settings

APP = "api.app:create_app_from_env"


class ServerConfig(uvicorn.Config):
    """uvicorn's Config with the head's time limit, which its processes receive with the rest of it."""

    def __init__(self, *args: Any, header_timeout_seconds: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout_seconds = header_timeout_seconds


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request head does not arrive in time."""

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        assert isinstance(config, ServerConfig)
        self.header_timeout = config.header_timeout_seconds
        self.head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's own: a stream's transport
        super().connection_made(transport)
        _no_delay(transport)
        self._start_head_timer()  # a connection that never sends a byte is a head that never comes

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.IDLE:
            self._start_head_timer()  # part of a head: it runs from the first byte, not the last
        else:
            self._stop_head_timer()  # the head is in (the body has its own limit)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def _start_head_timer(self) -> None:
        if self.head_timer is None:
            self.head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _stop_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_timed_out(self) -> None:
        self.head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.logger.info("request head not complete in time: connection closed")
            self.transport.close()


def _no_delay(transport: asyncio.Transport) -> None:
    """Each write goes out at once. asyncio does this itself only for a socket made with protocol TCP
    named, and the listening socket uvicorn makes for its processes (workers > 1) names none: a reply's
    head and body then went out as two writes, the second held back until the client acknowledged the
    first, which a client on a kept-alive connection delays up to 40 ms (Linux's delayed ACK). Every
    request after a connection's first waited that long."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def server_config(settings: Settings, **overrides: Any) -> ServerConfig:
    """The server as `overdracht api` runs it (a test may change where it listens, the processes, the app)."""
    options: dict[str, Any] = {
        "app": APP,
        "factory": True,
        "host": settings.api_host,
        "port": settings.api_port,
        "workers": settings.effective_api_workers,
        "http": HeadTimeoutProtocol,
        # uvloop, as the worker (overdracht/worker.py): less Python per socket read and write.
        "loop": "uvloop",
        "header_timeout_seconds": settings.header_timeout_seconds,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "log_level": "info",
        # uvicorn's loggers keep the handler core.logs.configure installed (in each process: the factory).
        "log_config": None,
    }
    return ServerConfig(**(options | overrides))


def serve(config: ServerConfig) -> None:
    """Run the server until it is stopped: uvicorn.run's way, for a Config of our own."""
    server = uvicorn.Server(config)
    if config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        server.run()
