"""Use cases of the overdrachten as a whole: open one for a child, read one (its detail and its
timeline), and list those the caller may see."""

from dataclasses import dataclass
from uuid import UUID

import asyncpg

from db import kinderen, organisaties, overdrachten
from db import protocol as protocols
from schemas.api import KindZonderOverdracht, OverdrachtDetail, OverdrachtenPagina, Tijdlijn, Verwijzing
from schemas.audit import Actie
from schemas.lijst import Filters, Sort
from schemas.overdracht import Rol
from schemas.workflow import Actor, HandoverInput, Open
from services import commands, views, wijzigingen
from services.audit import OPENEN_VELDEN, velden_in, velden_in_tijdlijn
from services.context import Context
from services.errors import InvalidInput, NoProtocol, NotFound
from services.paging import decode_cursor, decode_ranked_cursor, encode_cursor, encode_ranked_cursor
from services.permissions import Capability, require

NOT_FOUND = "Deze overdracht bestaat niet of u heeft er geen toegang toe."
CHILD_UNKNOWN = "Dit kind is niet bekend op uw locatie."
SCHOOL_UNKNOWN = "De gekozen school bestaat niet."
SCHOOL_CLOSED = "De gekozen school is gesloten. Kies een andere school."
NO_PROTOCOL = "Voor deze gemeente is nog geen protocol ingesteld; vraag het functioneel beheer."


def actor(ctx: Context) -> Actor:
    return Actor(gebruiker_id=ctx.user.id, rol=ctx.user.rol)


async def visible(ctx: Context, overdracht_id: UUID) -> asyncpg.Record:
    """The overdracht's row, when the caller may see it; else a 404 that does not say whether it exists."""
    row = await overdrachten.get(ctx.pool, ctx.user, overdracht_id)
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


async def known_school(ctx: Context, school_id: UUID) -> None:
    # An unknown school is a 400 about the input: it says nothing about an overdracht the caller can't see.
    open_ = await organisaties.school_open(ctx.pool, school_id)
    if open_ is None:
        raise InvalidInput(SCHOOL_UNKNOWN, invalid_params=[{"name": "schoolId", "reason": "onbekende school"}])
    if not open_:  # closed by functioneel beheer (services/organisatie.py): it takes no new overdrachten
        raise InvalidInput(SCHOOL_CLOSED, invalid_params=[{"name": "schoolId", "reason": "deze school is gesloten"}])


async def answer(ctx: Context, overdracht_id: UUID) -> OverdrachtDetail:
    """The overdracht as the caller may see it: content only for roles that may read it."""
    row = await visible(ctx, overdracht_id)
    if not ctx.user.reads_content:
        return views.detail(row, ctx.user, None)
    inhoud = await overdrachten.inhoud(ctx.pool, overdracht_id)
    result = views.detail(row, ctx.user, inhoud)
    versies = inhoud.versies
    result.wijzigingen = wijzigingen.tussen(versies[1], versies[0]) if len(versies) == 2 else []
    return result


@dataclass(frozen=True)
class Geopend:
    overdracht: OverdrachtDetail
    nieuw: bool  # False: it was open already, and is answered as it is


async def open_overdracht(ctx: Context, kind_id: UUID, school_id: UUID | None = None) -> Geopend:
    """Open the overdracht of a child placed at the caller's location. Idempotent per child: its id
    derives from the child's, so opening again (or a retry) finds the same one."""
    user = require(ctx, Capability.OVERDRACHT_OPENEN)
    entry = ctx.audit.add(user, Actie.WIJZIGEN, "overdracht.openen", kind_id=kind_id, velden=OPENEN_VELDEN)
    kind = await kinderen.placed_at(ctx.pool, kind_id, user.locatie_ids) if user.locatie_ids else None
    if kind is None:
        raise NotFound(CHILD_UNKNOWN)
    overdracht_id = entry.overdracht_id = commands.overdracht_id_for(kind_id)
    if await overdrachten.get(ctx.pool, user, overdracht_id) is not None:
        return Geopend(await answer(ctx, overdracht_id), nieuw=False)
    if school_id is not None:
        await known_school(ctx, school_id)
    protocol = await protocols.current(ctx.pool, kind["gemeente_id"])
    if protocol is None:
        raise NoProtocol(NO_PROTOCOL)
    handover = HandoverInput(
        overdracht_id=overdracht_id,
        kind_id=kind_id,
        gemeente_id=kind["gemeente_id"],
        locatie_id=kind["locatie_id"],
        school_id=school_id or kind["aangemelde_school_id"],
        geboortedatum=kind["geboortedatum"],
        vve_indicatie=kind["vve_indicatie"],
        protocol=protocol,
    )
    await commands.start_handover(ctx.temporal, ctx.settings, handover, Open(actor=actor(ctx)))
    if user.rol is Rol.PEDAGOGISCH_MEDEWERKER:
        # The PM'er who starts it becomes the mentor of a child without one (services/mentoren.py).
        await kinderen.set_mentor_if_none(ctx.pool, kind_id, user.id)
    return Geopend(await answer(ctx, overdracht_id), nieuw=True)


async def children_to_open(ctx: Context) -> list[KindZonderOverdracht]:
    """The children placed at the caller's location who have no overdracht yet (placement not ended),
    oldest first: the PM'er's "open one" list. Each name read is in the audit trail."""
    user = require(ctx, Capability.OVERDRACHT_OPENEN, actie=Actie.LEZEN)
    rows = await kinderen.without_overdracht_at(ctx.pool, user.locatie_ids) if user.locatie_ids else []
    ctx.audit.lijst(
        user, "kinderen.zonder_overdracht", [(None, r["id"], ["kind.naam", "kind.geboortedatum"]) for r in rows]
    )
    return [
        KindZonderOverdracht(
            kind_id=r["id"], voornaam=r["voornaam"], achternaam=r["achternaam"], geboortedatum=r["geboortedatum"]
        )
        for r in rows
    ]


async def detail(ctx: Context, overdracht_id: UUID) -> OverdrachtDetail:
    user = require(ctx, Capability.OVERDRACHT_LEZEN, overdracht_id=overdracht_id, actie=Actie.LEZEN)
    entry = ctx.audit.lezen(user, "overdracht.detail", overdracht_id)
    result = await answer(ctx, overdracht_id)
    entry.velden = velden_in(result)
    return result


async def timeline(ctx: Context, overdracht_id: UUID) -> Tijdlijn:
    user = require(ctx, Capability.OVERDRACHT_LEZEN, overdracht_id=overdracht_id, actie=Actie.LEZEN)
    entry = ctx.audit.lezen(user, "overdracht.tijdlijn", overdracht_id)
    await visible(ctx, overdracht_id)
    rows = await overdrachten.timeline(ctx.pool, overdracht_id)
    result = Tijdlijn(gebeurtenissen=[views.timeline_item(r, user) for r in rows])
    entry.velden = velden_in_tijdlijn(result)
    return result


async def page(
    ctx: Context,
    filters: Filters,
    sort: Sort,
    page_size: int,
    cursor: str | None = None,
    *,
    eigen_eerst: bool = False,
) -> OverdrachtenPagina:
    """One page of the overdrachten the caller may see; `volgendeCursor` continues it. `eigen_eerst`: the
    caller's own mentees first (a PM'er's start page), then the others, each part sorted by `sort`."""
    user = require(ctx, Capability.OVERDRACHT_LEZEN, actie=Actie.LEZEN)
    after, rank = None, 0
    if cursor and eigen_eerst:
        rank, key, row_id = decode_ranked_cursor(cursor, sort.value)
        after = (key, row_id)
    elif cursor:
        after = decode_cursor(cursor, sort.value)
    rows = await overdrachten.page(
        ctx.pool, user, filters, sort, after, page_size + 1, own_first=eigen_eerst, after_rank=rank
    )
    more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = None
    if more and eigen_eerst:
        next_cursor = encode_ranked_cursor(sort.value, rows[-1]["sort_rank"], rows[-1]["sort_key"], rows[-1]["id"])
    elif more:
        next_cursor = encode_cursor(sort.value, rows[-1]["sort_key"], rows[-1]["id"])
    result = OverdrachtenPagina(resultaten=[views.summary(r, user) for r in rows], volgende_cursor=next_cursor)
    ctx.audit.lijst(
        user,
        "overdrachten.lijst",
        [(r["id"], r["kind_id"], velden_in(o)) for r, o in zip(rows, result.resultaten, strict=True)],
    )
    return result


async def schools(ctx: Context) -> list[Verwijzing]:
    """The gemeente's schools, to choose one for an overdracht (organisation data: no audit row)."""
    require(ctx, Capability.SCHOOL_KIEZEN, actie=Actie.LEZEN)
    return [
        Verwijzing(id=r["id"], naam=r["naam"]) for r in await organisaties.schools_in(ctx.pool, ctx.user.gemeente_id)
    ]
