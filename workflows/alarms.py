"""The workflow's durable timers: the deadlines' alarms, the dispatch's expiry, the end of retention."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.bericht import BerichtSoort
    from schemas.overdracht import Deadline, Gebeurtenis, Status
    from schemas.protocol import ProtocolConfig
    from schemas.workflow import HandoverState, Record, VlagStatus
    from workflows import deadlines as rules
    from workflows.lifecycle import EINDSTATUSSEN
    from workflows.outbox import Notify


async def sleep_until(moment: datetime, wake: Callable[[], bool]) -> bool:
    """True when `moment` came, False when `wake` came true first. A durable timer: it survives
    restarts of everything and costs nothing while it waits."""
    if wake():
        return False
    remaining = moment - workflow.now()
    if remaining <= timedelta(0):
        return True
    try:
        await workflow.wait_condition(wake, timeout=remaining)
    except TimeoutError:
        return True
    return False


class SleepUntil(Protocol):
    """How the workflow waits for a moment: `sleep_until` above, or its one clock (workflows/clock.py)."""

    def __call__(self, moment: datetime, wake: Callable[[], bool], /) -> Awaitable[bool]: ...


class Alarms:
    """Given the workflow's state (read here, changed only through `record`), its protocol, how to
    record, notify and wait for a moment, and its lock: every change made here is made under that lock,
    so none interleaves with a step's."""

    def __init__(
        self,
        state: Callable[[], HandoverState],
        config: ProtocolConfig,
        lock: asyncio.Lock,
        record: Record,
        notify: Notify,
        sleep: SleepUntil,
        schooldagen: Callable[[], bool] = lambda: False,
    ) -> None:
        self._state = state
        self._sleep = sleep
        self._config = config
        # Whether the school's deadlines count school days (Patch.SCHOOLKALENDER, known once sent).
        self._schooldagen = schooldagen
        self._lock = lock
        self._record = record
        self._notify = notify
        # How often each deadline's step opened: a reminder's key differs per round.
        self._rounds = dict.fromkeys(Deadline, 0)

    def _final(self) -> bool:
        return self._state().status in EINDSTATUSSEN

    async def watch(self, deadline: Deadline) -> None:
        """One timer loop per deadline: whenever its step is open, its alarms go off in turn."""
        while True:
            await workflow.wait_condition(
                lambda: (
                    self._final() or (deadline in self._state().deadlines and rules.is_open(deadline, self._state()))
                )
            )
            if self._final():
                return
            await self._go_off(deadline)

    async def _go_off(self, deadline: Deadline) -> None:
        """While the deadline's step is open, set off its alarms in turn: a reminder before it (where
        the protocol has one), the flag and a reminder when it passes, then the escalations."""
        self._rounds[deadline] += 1
        round_ = self._rounds[deadline]
        fired: set[rules.Niveau] = set()
        while rules.is_open(deadline, self._state()):
            moment = self._state().deadlines[deadline]
            alarms = rules.alarms(deadline, moment, self._state(), self._config, schooldagen=self._schooldagen())
            pending = [a for a in alarms if a.niveau not in fired]

            def changed() -> bool:
                # Woken when the step is taken or the deadline moves.
                state = self._state()
                return not rules.is_open(deadline, state) or state.deadlines.get(deadline) != moment  # noqa: B023

            if not pending:
                await workflow.wait_condition(changed)
            elif await self._sleep(pending[0].moment, changed):
                await self._alarm(deadline, pending[0].niveau, round_)
                fired.add(pending[0].niveau)
            state = self._state()
            if rules.is_open(deadline, state) and state.deadlines[deadline] != moment:
                # Moved: alarms now ahead of us may go off again, for the new moment.
                now = workflow.now()
                moved = rules.alarms(
                    deadline, state.deadlines[deadline], state, self._config, schooldagen=self._schooldagen()
                )
                fired = {a.niveau for a in moved if a.niveau in fired and a.moment <= now}

    async def _alarm(self, deadline: Deadline, niveau: rules.Niveau, round_: int) -> None:
        async with self._lock:
            state = self._state()
            if not rules.is_open(deadline, state):
                return  # taken while this alarm waited for the lock
            moment = state.deadlines[deadline]
            if niveau is rules.Niveau.VERLOPEN:
                vlag = deadline.vlag
                await self._record(
                    Gebeurtenis.VLAG_GEZET,
                    None,
                    vlaggen={**state.vlaggen, vlag: VlagStatus(gezet_op=workflow.now())},
                    details={"vlag": vlag.value, "deadline": deadline.value},
                )
            late = niveau in (rules.Niveau.VOORAF, rules.Niveau.VERLOPEN)
            soort = BerichtSoort.HERINNERING if late else BerichtSoort.ESCALATIE
            for ontvanger in rules.recipients(deadline, niveau, self._state()):
                key = f"{deadline.value}:{round_}:{niveau.value}:{moment.isoformat()}:{ontvanger.value}"
                await self._notify(soort, rules.RULES[deadline].aanleiding, ontvanger, key, deadline=moment)

    async def expire_dispatch(self, at: datetime) -> None:
        """A dispatch the school never confirmed by `at` expires: the overdracht ends and its content
        is purged like a cancelled one's."""
        if not await self._sleep(at, self._final):
            return
        async with self._lock:
            if self._state().status is Status.VERZONDEN:
                await self._record(
                    Gebeurtenis.VERZENDING_VERLOPEN, None, status=Status.GEANNULEERD, geannuleerd_op=workflow.now()
                )

    async def expire_unfinished(self, at: datetime) -> None:
        """An overdracht still running at `at` never will finish: it ends, and its content is purged
        like a cancelled one's (retention of open states)."""
        if not await self._sleep(at, self._final):
            return
        async with self._lock:
            if not self._final():
                await self._record(
                    Gebeurtenis.OVERDRACHT_VERLOPEN, None, status=Status.GEANNULEERD, geannuleerd_op=workflow.now()
                )

    async def retain_then_purge(self, purge: Callable[[], Awaitable[None]]) -> None:
        """Once the overdracht has ended, its content is kept only as long as the protocol says, then
        destroyed by `purge`; the metadata stays."""
        await self._sleep(rules.retention_ends(self._state().status, workflow.now(), self._config), lambda: False)
        async with self._lock:
            await purge()
            await self._record(Gebeurtenis.INHOUD_VERWIJDERD, None, inhoud_verwijderd_op=workflow.now())
