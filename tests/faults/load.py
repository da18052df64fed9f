"""The clients: each child's overdracht taken through its steps over HTTP, as an integrator would, every
step with an Idempotency-Key. An answer that says the outcome is not known yet (or that the service is
away, or that the first request with the key is still being processed) is repeated with the same key
until the real outcome comes; every answer on the way is kept for the report."""

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx

from overdracht import demo
from tests.happy_path import COMPLETE_FORM

# How long a client keeps repeating one step before it gives up (the outage of a scenario is shorter).
PATIENCE = 180.0
# Answers that leave the outcome to a repeat with the same key: the outcome not known yet, the service
# away (503), or the first request with the key still being processed.
IN_PROGRESS = "409 idempotency_key_in_behandeling"
# The steps of one journey, in order, and who takes them: the overdracht ends VERZONDEN to De Ster.
# Opening is idempotent per child: a repeat after an unknown outcome finds it open (200, as documented).
STEPS: list[tuple[str, str, str, Any, set[int]]] = [
    ("openen", "POST", "", None, {201, 200}),
    ("formulier", "PUT", "/formulier", COMPLETE_FORM, {200}),
    ("indienen", "POST", "/indieningen", None, {201}),
    ("toestemming", "POST", "/toestemmingen", {"besluit": "gegeven"}, {201}),
    ("verzenden", "POST", "/verzendingen", None, {201}),
]
FINAL = "verzonden"


@dataclass
class Request:
    """One step's request and every answer it got, repeats included."""

    journey: int
    step: str
    key: str
    answers: list[str] = field(default_factory=list)  # "201", "503 UITKOMST_ONBEKEND", "transport", …
    final: int | None = None  # the last answer's status

    @property
    def in_doubt(self) -> bool:
        return any(a.startswith("503") or a == "transport" for a in self.answers)


@dataclass
class Load:
    """What the clients did: every request, and the overdrachten they made."""

    requests: list[Request] = field(default_factory=list)
    overdrachten: dict[int, str] = field(default_factory=dict)  # journey -> overdracht id

    def by_status(self) -> Counter[str]:
        """Every answer, repeats included: by status, and by code for what is not a success."""
        return Counter(a if a[:1] != "2" else a.split()[0] for r in self.requests for a in r.answers)

    def answered(self) -> int:
        return sum(1 for r in self.requests if r.final is not None)


class Clients:
    def __init__(self, base: str, load: Load) -> None:
        self.base = base
        self.load = load
        self.tokens: dict[UUID, dict[str, str]] = {}

    async def headers(self, http: httpx.AsyncClient, user: UUID) -> dict[str, str]:
        if user not in self.tokens:
            r = await self._until_answered(http, "POST", "/v1/dev/tokens", {}, {"gebruikerId": str(user)}, None)
            self.tokens[user] = {"Authorization": f"Bearer {r.json()['accessToken']}"}
        return self.tokens[user]

    async def journey(self, http: httpx.AsyncClient, n: int, kind_id: UUID, parent_id: UUID) -> None:
        """One child's overdracht from opening to VERZONDEN; each step waits for the real outcome of the
        one before."""
        pm = await self.headers(http, demo.PM_USER[demo.BOOMHUT])
        parent = await self.headers(http, parent_id)
        path = "/v1/overdrachten"
        for step, method, sub, body, expected in STEPS:
            request = Request(n, step, str(uuid.uuid4()))
            self.load.requests.append(request)
            who = parent if step == "toestemming" else pm
            payload = {"kindId": str(kind_id)} if step == "openen" else body
            r = await self._until_answered(http, method, f"{path}{sub}", who, payload, request)
            if r.status_code not in expected:
                return  # the check reports it: the journey stops where the service said no
            if step == "openen":
                path = f"/v1/overdrachten/{r.json()['id']}"
                self.load.overdrachten[n] = r.json()["id"]

    async def _until_answered(
        self, http: httpx.AsyncClient, method: str, path: str, who: dict[str, str], body: Any, request: Request | None
    ) -> httpx.Response:
        key = request.key if request else str(uuid.uuid4())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PATIENCE
        while True:
            r: httpx.Response | None = None
            try:
                r = await http.request(
                    method, f"{self.base}{path}", headers={**who, "Idempotency-Key": key}, json=body, timeout=30
                )
            except httpx.TransportError:
                answer = "transport"
            else:
                code = r.json().get("code", "") if r.headers.get("content-type", "").endswith("json") else ""
                answer = f"{r.status_code} {code}".strip()
            if request is not None:
                request.answers.append(answer)
            if r is not None and r.status_code != 503 and answer != IN_PROGRESS:
                if request is not None:
                    request.final = r.status_code
                return r
            if loop.time() > deadline:
                raise TimeoutError(f"{method} {path}: no outcome within {PATIENCE:.0f} s; answers: {request}")
            await asyncio.sleep(0.5)
