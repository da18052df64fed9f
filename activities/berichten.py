"""Queues the workflow's messages in the PostgreSQL outbox and delivers each at most once by SMTP."""

import email.utils
import uuid
from datetime import timedelta
from uuid import UUID

import asyncpg
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.berichtteksten import render, render_met_code
from core.mailer import Mailer, MailNotSent, MailOutcomeUnknown
from core.settings import Settings
from db import ouder_codes
from schemas.bericht import Aanleiding, BerichtAanvraag, BerichtSoort, BezorgStatus, Ontvanger

# Who receives a message, within the overdracht's scope (`o`), as a condition on the users (`g`).
_SCHOOL = "g.rol = 'school' AND g.school_id = o.school_id"
RECIPIENTS = {
    Ontvanger.PEDAGOGISCH_MEDEWERKER: "g.rol = 'pedagogisch_medewerker' AND g.locatie_id = o.locatie_id",
    Ontvanger.LOCATIEMANAGER: "g.rol = 'locatiemanager' AND g.locatie_id = o.locatie_id",
    Ontvanger.SCHOOL: _SCHOOL,
    Ontvanger.SCHOOLDIRECTIE: f"{_SCHOOL} AND g.functie = 'directie'",
    Ontvanger.COORDINATOR: "g.rol = 'coordinator' AND g.gemeente_id = o.gemeente_id",
    Ontvanger.OUDERS: "g.rol = 'ouder' AND g.kind_id = o.kind_id",
}

_FINAL = frozenset(
    {BezorgStatus.VERZONDEN, BezorgStatus.GEEN_ADRES, BezorgStatus.GEEN_MAILSERVER, BezorgStatus.ONZEKER}
)


def _carries_parent_codes(row: asyncpg.Record) -> bool:
    """The parents' invitation to read the submitted form: each parent gets their own code to open it."""
    return (row["soort"], row["aanleiding"], row["ontvanger"]) == (
        BerichtSoort.UITNODIGING.value, Aanleiding.INDIENING.value, Ontvanger.OUDERS.value,
    )  # fmt: skip


class BerichtActivities:
    def __init__(self, pool: asyncpg.Pool, mailer: Mailer | None, settings: Settings) -> None:
        self._pool = pool
        self._mailer = mailer
        self._base_url = settings.public_base_url.rstrip("/")
        self._code_ttl = timedelta(hours=settings.ouder_code_ttl_hours)
        self._message_id_domain = (
            email.utils.parseaddr(settings.mail_from)[1].rpartition("@")[2] or "overdracht.invalid"
        )

    async def _addresses(self, conn: asyncpg.Connection, overdracht_id: UUID, ontvanger: Ontvanger) -> list[str]:
        sql = (
            "SELECT DISTINCT g.email FROM gebruikers g JOIN overdrachten o ON o.id = $1"
            " WHERE {} AND g.email IS NOT NULL AND g.email <> '' ORDER BY g.email"
        )
        found = await conn.fetch(sql.format(RECIPIENTS[ontvanger]), overdracht_id)
        if not found and ontvanger is Ontvanger.SCHOOLDIRECTIE:
            # A school that marked no direction (with an address) still hears of what is late.
            found = await conn.fetch(sql.format(RECIPIENTS[Ontvanger.SCHOOL]), overdracht_id)
        return [r["email"] for r in found]

    @activity.defn(name="queue_message")
    async def queue(self, aanvraag: BerichtAanvraag) -> UUID:
        """Write the message to the outbox with its recipients' addresses and its rendered text;
        returns its id. Asking again with the same `sleutel` returns the row already there."""
        async with self._pool.acquire() as conn:
            if await conn.fetchval("SELECT 1 FROM overdrachten WHERE id = $1", aanvraag.overdracht_id) is None:
                raise ApplicationError("No overdracht with this id", type="OverdrachtOnbekend", non_retryable=True)
            aan = await self._addresses(conn, aanvraag.overdracht_id, aanvraag.ontvanger)
            onderwerp, tekst = render(aanvraag, f"{self._base_url}/v1/overdrachten/{aanvraag.overdracht_id}")
            bericht_id = uuid.uuid4()
            inserted = await conn.fetchval(
                """
                INSERT INTO berichten (id, overdracht_id, sleutel, soort, aanleiding, ontvanger, aan,
                                       onderwerp, tekst, deadline, status, message_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                ON CONFLICT (overdracht_id, sleutel) DO NOTHING
                RETURNING id
                """,
                bericht_id, aanvraag.overdracht_id, aanvraag.sleutel, aanvraag.soort.value,
                aanvraag.aanleiding.value, aanvraag.ontvanger.value, aan, onderwerp, tekst, aanvraag.deadline,
                (BezorgStatus.WACHTEND if aan else BezorgStatus.GEEN_ADRES).value,
                f"<{bericht_id}@{self._message_id_domain}>",
            )  # fmt: skip
            if inserted is not None:
                return inserted
            # Queued before (a retry, a replay): the first request stands.
            return await conn.fetchval(
                "SELECT id FROM berichten WHERE overdracht_id = $1 AND sleutel = $2",
                aanvraag.overdracht_id,
                aanvraag.sleutel,
            )

    @activity.defn(name="deliver_message")
    async def deliver(self, bericht_id: UUID) -> BezorgStatus:
        """Send the message, at most once, and return what became of it.

        At most once: `bezorging_gestart_op` is committed before the mail server is contacted. An
        attempt that finds it set cannot know whether the one before it reached the server (a crash,
        a timeout, a lost answer), so it sends nothing and records ONZEKER. It is cleared only when
        the server certainly accepted nothing, which makes that one failure safe to retry.

        The parents' invitation to read the form goes as one message per parent, each with their own
        one-time code, minted in the same transaction that marks the start: a retry finds the start
        set and mints no second set."""
        mailer = self._mailer
        codes: list[ouder_codes.MintedCode] | None = None
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "SELECT overdracht_id, sleutel, soort, aanleiding, ontvanger, deadline, status,"
                " bezorging_gestart_op, aan, onderwerp, tekst, message_id"
                " FROM berichten WHERE id = $1 FOR UPDATE",
                bericht_id,
            )
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
            if _carries_parent_codes(row):
                parents = await ouder_codes.parents_to_invite(conn, bericht_id)
                if not parents:  # the addresses it was queued for are no longer a parent's
                    return await self._set(conn, bericht_id, BezorgStatus.GEEN_ADRES)
                codes = await ouder_codes.mint(conn, bericht_id, parents, self._code_ttl)
            await conn.execute("UPDATE berichten SET bezorging_gestart_op = now() WHERE id = $1", bericht_id)

        # Outside the transaction: the start (and the codes' hashes) are committed before anything leaves.
        if codes is not None:
            return await self._deliver_with_codes(mailer, bericht_id, row, codes)
        try:
            await mailer.send(
                to=list(row["aan"]), subject=row["onderwerp"], body=row["tekst"], message_id=row["message_id"]
            )
        except MailNotSent as exc:
            await self._pool.execute(
                "UPDATE berichten SET bezorging_gestart_op = NULL WHERE id = $1 AND status = $2",
                bericht_id,
                BezorgStatus.WACHTEND.value,
            )
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
        self, mailer: Mailer, bericht_id: UUID, row: asyncpg.Record, codes: list[ouder_codes.MintedCode]
    ) -> BezorgStatus:
        """One message to each parent with their own code. Still at most once: once anything may have
        been handed over, nothing of this message is sent again."""
        aanvraag = BerichtAanvraag(
            overdracht_id=row["overdracht_id"], sleutel=row["sleutel"], soort=row["soort"],
            aanleiding=row["aanleiding"], ontvanger=row["ontvanger"], deadline=row["deadline"],
        )  # fmt: skip
        delivered = unsure = 0
        unsent: list[ouder_codes.MintedCode] = []
        refusals: list[MailNotSent] = []
        for n, minted in enumerate(codes, start=1):
            onderwerp, tekst = render_met_code(
                aanvraag, f"{self._base_url}/ouder?code={minted.code}", minted.expires_at
            )
            try:
                await mailer.send(
                    to=[minted.parent.email], subject=onderwerp, body=tekst,
                    message_id=f"<{bericht_id}.{n}@{self._message_id_domain}>",
                )  # fmt: skip
            except MailNotSent as exc:
                unsent.append(minted)
                refusals.append(exc)
            except MailOutcomeUnknown:
                unsure += 1
            else:
                delivered += 1

        if not delivered and not unsure:
            # The server accepted nothing: as for one message, a later attempt may send it, with a
            # fresh set of codes; these reached nobody.
            async with self._pool.acquire() as conn, conn.transaction():
                await conn.execute(
                    "UPDATE berichten SET bezorging_gestart_op = NULL WHERE id = $1 AND status = $2",
                    bericht_id,
                    BezorgStatus.WACHTEND.value,
                )
                await ouder_codes.revoke(conn, unsent)
            raise ApplicationError(
                f"Message not sent, the mail server accepted nothing: {refusals[0]}",
                type="MailNotSent",
                non_retryable=all(e.permanent for e in refusals),
            )
        # Something went out, so nothing is sent again; a code that certainly reached nobody is forgotten.
        async with self._pool.acquire() as conn:
            await ouder_codes.revoke(conn, unsent)
            if unsure or any(not e.permanent for e in refusals):
                activity.logger.warning(
                    "message %s: %d of %d parents' messages certainly sent; the others are not resent",
                    bericht_id, delivered, len(codes),
                )  # fmt: skip
                return await self._set(conn, bericht_id, BezorgStatus.ONZEKER)
        # Addresses refused for good are left out, as they are from one message to several people.
        return await self._sent(bericht_id)

    async def _sent(self, bericht_id: UUID) -> BezorgStatus:
        await self._pool.execute(
            "UPDATE berichten SET status = $2, verzonden_op = now() WHERE id = $1",
            bericht_id,
            BezorgStatus.VERZONDEN.value,
        )
        return BezorgStatus.VERZONDEN

    @staticmethod
    async def _set(conn: asyncpg.Connection, bericht_id: UUID, status: BezorgStatus) -> BezorgStatus:
        await conn.execute("UPDATE berichten SET status = $2 WHERE id = $1", bericht_id, status.value)
        return status

    def all(self) -> list:
        """Every activity of this class, for the worker to register."""
        return [self.queue, self.deliver]
