"""Queues the workflow's messages in the PostgreSQL outbox and delivers each at most once by SMTP.
The SQL is in db/berichten.py."""

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.berichtteksten import ouder_link, render, render_met_code, tijdstip
from core.mailer import Mailer, MailNotSent, MailOutcomeUnknown, message_id_domain
from core.settings import Settings
from db import berichten, bundels, gebruikers, ouder_codes, overdracht_codes, overdrachten, read_model
from db.pool import Executor
from schemas.bericht import Aanleiding, BerichtAanvraag, BerichtSoort, BezorgStatus, Ontvanger
from schemas.workflow import QueueAndRecord

_FINAL = frozenset(
    {
        BezorgStatus.VERZONDEN, BezorgStatus.GEEN_ADRES, BezorgStatus.GEEN_MAILSERVER, BezorgStatus.ONZEKER,
        BezorgStatus.GEBUNDELD,
    }
)  # fmt: skip


def _may_wait_for_the_digest(row: asyncpg.Record) -> bool:
    """A reminder or escalation to staff may go in the daily digest of those who take it."""
    return (
        row["soort"] in (BerichtSoort.HERINNERING.value, BerichtSoort.ESCALATIE.value)
        and row["ontvanger"] != Ontvanger.OUDERS.value
        and row["overdracht_id"] is not None
    )


def _carries_parent_codes(row: asyncpg.Record) -> bool:
    """Every message to the parents (their invitation to read the submitted form, a reminder, a new
    link they asked for): a parent has no account to sign in with, so each gets their own fresh code."""
    return bool(row["ontvanger"] == Ontvanger.OUDERS.value)


class BerichtActivities:
    def __init__(self, pool: asyncpg.Pool, mailer: Mailer | None, settings: Settings) -> None:
        self._pool = pool
        self._mailer = mailer
        self._base_url = settings.public_base_url.rstrip("/")
        self._code_ttl = timedelta(hours=settings.ouder_code_ttl_hours)
        self._message_id_domain = message_id_domain(settings.mail_from)

    @activity.defn(name="queue_message")
    async def queue(self, aanvraag: BerichtAanvraag) -> UUID:
        """Write the message to the outbox with its recipients' addresses and its rendered text;
        returns its id. Asking again with the same `sleutel` returns the row already there."""
        async with self._pool.acquire() as conn:
            return await self._queue(conn, aanvraag)

    @activity.defn(name="queue_and_record_message")
    async def queue_and_record(self, request: QueueAndRecord) -> UUID:
        """`queue`, and the change that notes the message in the timeline (what `record_change` writes),
        in one transaction: one call instead of two. The request's `eerder` changes (the opening, when
        it comes with its message) are written in the same transaction, the overdracht's row once for
        them all (read_model.record_all). Every part is idempotent, so a retry returns the message
        already queued and changes nothing else."""
        async with self._pool.acquire() as conn, conn.transaction():
            if request.eerder:
                # The opening and the change that notes its message: the row once, as the latter leaves
                # it, then the message, whose addresses are found through it.
                await read_model.record_all(conn, [*request.eerder, request.change])
                return await self._queue(conn, request.aanvraag, written=True)
            bericht_id = await self._queue(conn, request.aanvraag)
            await read_model.record(conn, request.change)
            return bericht_id

    async def _queue(self, conn: Executor, aanvraag: BerichtAanvraag, *, written: bool = False) -> UUID:
        if not written and not await overdrachten.exists(conn, aanvraag.overdracht_id):
            raise ApplicationError("No overdracht with this id", type="OverdrachtOnbekend", non_retryable=True)
        aan = await berichten.addresses(conn, aanvraag.overdracht_id, aanvraag.ontvanger)
        onderwerp, tekst = render(aanvraag, self._base_url)
        bericht_id = uuid.uuid4()
        message_id = f"<{bericht_id}@{self._message_id_domain}>"
        return await berichten.queue(conn, bericht_id, aanvraag, aan, onderwerp, tekst, message_id)

    @activity.defn(name="deliver_message")
    async def deliver(self, bericht_id: UUID) -> BezorgStatus:
        """Send the message, at most once, and return what became of it.

        At most once: `bezorging_gestart_op` is committed before the mail server is contacted. An
        attempt that finds it set cannot know whether the one before it reached the server (a crash,
        a timeout, a lost answer), so it sends nothing and records ONZEKER. It is cleared only when
        the server certainly accepted nothing, which makes that one failure safe to retry.

        A message to the parents (the invitation to read the form, a reminder, a new link) goes as one
        message per parent with an address, each with their own fresh one-time code, minted in the
        same transaction that marks the start: a retry finds the start set and mints no second set."""
        mailer = self._mailer
        codes: list[ouder_codes.MintedCode] | None = None
        overdrachtcode: str | None = None
        invitation: gebruikers.MintedInvitation | None = None
        async with self._pool.acquire() as conn, conn.transaction():
            row = await berichten.lock_for_delivery(conn, bericht_id)
            if row is None:
                raise ApplicationError("No message with this id", type="BerichtOnbekend", non_retryable=True)
            status = BezorgStatus(row["status"])
            if status in _FINAL:
                return status
            if row["bezorging_gestart_op"] is not None:
                activity.logger.warning(
                    "message %s: an earlier delivery attempt did not finish; not resent", bericht_id
                )
                return await self._set(conn, bericht_id, BezorgStatus.ONZEKER)
            if mailer is None:
                return await self._set(conn, bericht_id, BezorgStatus.GEEN_MAILSERVER)
            aan = list(row["aan"])
            if _may_wait_for_the_digest(row):
                # Held, in this transaction, for whoever takes the daily digest; the rest get it now.
                held = set(await bundels.hold(conn, bericht_id))
                aan = [a for a in aan if a not in held]
                if not aan:
                    return await self._set(conn, bericht_id, BezorgStatus.GEBUNDELD)
            if _carries_parent_codes(row):
                parents = await ouder_codes.parents_to_invite(conn, bericht_id)
                if not parents:  # the addresses it was queued for (or those left) are no longer a parent's
                    if row["ouders_bereikt"]:  # an earlier attempt reached the others
                        await berichten.sent(conn, bericht_id)
                        return BezorgStatus.VERZONDEN
                    return await self._set(conn, bericht_id, BezorgStatus.GEEN_ADRES)
                codes = await ouder_codes.mint(conn, bericht_id, parents, self._code_ttl)
                if row["aanleiding"] == Aanleiding.OVERDRACHTCODE.value and row["deadline"] is not None:
                    # One code for the overdracht, in each parent's message; valid as long as the message says.
                    overdrachtcode = await overdracht_codes.mint(conn, row["overdracht_id"], row["deadline"])
            elif row["aanleiding"] == gebruikers.AANLEIDING:
                # A member of staff's invitation: its one-time code, minted now (services/gebruikers.py).
                invitation = await gebruikers.mint_invitation(conn, bericht_id)
                if invitation is None:  # withdrawn meanwhile, or its person deactivated
                    return await self._set(conn, bericht_id, BezorgStatus.GEEN_ADRES)
            await berichten.delivery_started(conn, bericht_id)

        # Outside the transaction: the start (and the codes' hashes) are committed before anything leaves.
        if codes is not None:
            return await self._deliver_with_codes(mailer, bericht_id, row, codes, overdrachtcode)
        tekst = row["tekst"]
        if invitation is not None:
            link = f"{self._base_url}/uitnodiging?code={invitation.code}"
            tekst = tekst.replace(gebruikers.LINK, link).replace(gebruikers.GELDIG_TOT, tijdstip(invitation.expires_at))
        try:
            await mailer.send(to=aan, subject=row["onderwerp"], body=tekst, message_id=row["message_id"])
        except MailNotSent as exc:
            await berichten.nothing_sent(self._pool, bericht_id)
            if invitation is not None:  # it reached nobody; a later attempt mints a fresh one
                await gebruikers.revoke_invitation(self._pool, bericht_id)
            raise ApplicationError(
                f"Message not sent, the mail server accepted nothing: {exc}",
                type="MailNotSent",
                non_retryable=exc.permanent,
            ) from exc
        except MailOutcomeUnknown as exc:
            activity.logger.warning("message %s: delivery failed midway (%s); not resent", bericht_id, exc)
            async with self._pool.acquire() as conn:
                return await self._set(conn, bericht_id, BezorgStatus.ONZEKER)
        return await self._sent(bericht_id)

    async def _deliver_with_codes(
        self,
        mailer: Mailer,
        bericht_id: UUID,
        row: asyncpg.Record,
        codes: list[ouder_codes.MintedCode],
        overdrachtcode: str | None = None,
    ) -> BezorgStatus:
        """One message to each parent with their own code. Still at most once: once anything may have
        been handed over for a parent, nothing of this message is sent to them again. A parent the mail
        server refused for now gets it from a later attempt, unless another parent's message ended in
        doubt (ONZEKER: nothing more of it is sent)."""
        aanvraag = BerichtAanvraag(
            overdracht_id=row["overdracht_id"], sleutel=row["sleutel"], soort=row["soort"],
            aanleiding=row["aanleiding"], ontvanger=row["ontvanger"], deadline=row["deadline"],
        )  # fmt: skip
        reached: list[UUID] = []
        unsure = 0
        unsent: list[ouder_codes.MintedCode] = []
        refusals: list[MailNotSent] = []
        for minted in codes:
            link = ouder_link(self._base_url, minted.code)
            shown = overdracht_codes.printed(overdrachtcode) if overdrachtcode else None
            onderwerp, tekst = render_met_code(aanvraag, link, minted.expires_at, shown)
            try:
                await mailer.send(
                    to=[minted.parent.email], subject=onderwerp, body=tekst,
                    message_id=f"<{bericht_id}.{minted.parent.nummer}@{self._message_id_domain}>",
                )  # fmt: skip
            except MailNotSent as exc:
                unsent.append(minted)
                refusals.append(exc)
            except MailOutcomeUnknown:
                unsure += 1
            else:
                reached.append(minted.parent.gebruiker_id)
        for_now = [e for e in refusals if not e.permanent]
        reached_before = bool(row["ouders_bereikt"])

        if not reached and not unsure:
            # The server accepted nothing: as for one message, a later attempt may send it, with a
            # fresh set of codes; these reached nobody.
            async with self._pool.acquire() as conn, conn.transaction():
                await berichten.nothing_sent(conn, bericht_id)
                await ouder_codes.revoke(conn, unsent)
                await overdracht_codes.revoke(conn, [overdrachtcode] if overdrachtcode else [])
            if reached_before and not for_now:  # the others had it; these are refused for good
                return await self._sent(bericht_id)
            raise ApplicationError(
                f"Message not sent, the mail server accepted nothing: {refusals[0]}",
                type="MailNotSent",
                non_retryable=not for_now,
            )
        # Something went out: the codes that certainly reached nobody are forgotten.
        async with self._pool.acquire() as conn, conn.transaction():
            await ouder_codes.revoke(conn, unsent)
            if unsure:
                activity.logger.warning(
                    "message %s: %d of %d parents' messages certainly sent; the others are not resent",
                    bericht_id, len(reached), len(codes),
                )  # fmt: skip
                return await self._set(conn, bericht_id, BezorgStatus.ONZEKER)
            if for_now:
                await berichten.partly_sent(conn, bericht_id, reached)
        if for_now:
            raise ApplicationError(
                f"Message sent to {len(reached)} of {len(codes)} parents; the others later: {for_now[0]}",
                type="MailNotSent",
            )
        # Addresses refused for good are left out, as they are from one message to several people.
        return await self._sent(bericht_id)

    async def _sent(self, bericht_id: UUID) -> BezorgStatus:
        await berichten.sent(self._pool, bericht_id)
        return BezorgStatus.VERZONDEN

    @staticmethod
    async def _set(conn: Executor, bericht_id: UUID, status: BezorgStatus) -> BezorgStatus:
        await berichten.set_status(conn, bericht_id, status)
        return status

    def all(self) -> list[Callable[..., Any]]:
        """Every activity of this class, for the worker to register."""
        return [self.queue, self.queue_and_record, self.deliver]
