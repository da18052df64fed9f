"""Read-model rows to response bodies: each role gets only the fields it may read."""

import json
from typing import Any
from uuid import UUID

import asyncpg

from db.overdrachten import Inhoud
from schemas.api import (
    KindGegevens,
    Mentor,
    OuderreactieWeergave,
    OverdrachtDetail,
    OverdrachtSamenvatting,
    Termijnen,
    TijdlijnItem,
    Tijdstippen,
    Verwijzing,
    WarmeOverdracht,
)
from schemas.bijlage import Bijlage, BijlageSoort
from schemas.gebruiker import Gebruiker
from schemas.overdracht import Rol
from services.permissions import Capability, allows


def summary(row: asyncpg.Record, user: Gebruiker) -> OverdrachtSamenvatting:
    return OverdrachtSamenvatting(**_fields(row, user))


def detail(row: asyncpg.Record, user: Gebruiker, inhoud: Inhoud | None) -> OverdrachtDetail:
    """The overdracht; its content (`inhoud`) only for those who read it."""
    if not user.reads_content or inhoud is None:
        return OverdrachtDetail(**_fields(row, user))
    return OverdrachtDetail(
        **_fields(row, user, with_bsn=True),
        toestemming_voor=row["toestemming_voor"],
        toestemming_school_id=row["toestemming_school_id"],
        formulier=inhoud.formulier,
        ouderreacties=[OuderreactieWeergave(**r) for r in inhoud.reacties],
        # Metadata only (kind, whose, size, when): the file itself is GET …/observatie-export or
        # …/ouders/{ouderId}/toestemmingsscan; each only for those who may download it.
        bijlagen=[Bijlage(**b) for b in inhoud.bijlagen if reads_bijlage(user, b["soort"], b["ouder_id"])]
        if allows(user, Capability.BIJLAGE_LEZEN)
        else None,
    )


def reads_bijlage(user: Gebruiker, soort: str, ouder_id: UUID | None) -> bool:
    """Whether the caller may read a bijlage of this kind (of this parent), within the overdracht's scope:
    the observation export as the form; a parent's consent scan the location's staff and that parent
    only. The detail's `bijlagen` and the downloads (services/bijlagen.py) go by this one rule."""
    if soort == BijlageSoort.TOESTEMMINGSSCAN:
        return allows(user, Capability.TOESTEMMINGSSCAN_LEZEN) and (user.rol is not Rol.OUDER or ouder_id == user.id)
    return allows(user, Capability.BIJLAGE_LEZEN)


def sees_bsn(row: asyncpg.Record, user: Gebruiker) -> bool:
    """The BSN is for the sending location and the receiving school (once sent) only;
    not for the parents, the coordinator or the administrator."""
    match user.rol:
        case Rol.PEDAGOGISCH_MEDEWERKER | Rol.LOCATIEMANAGER:
            return row["locatie_id"] in user.locatie_ids
        case Rol.SCHOOL:
            return row["school_id"] in user.school_ids and row["verzonden_op"] is not None
        case _:
            return False


def _fields(row: asyncpg.Record, user: Gebruiker, *, with_bsn: bool = False) -> dict[str, Any]:
    """`with_bsn`: the detail of one overdracht only; a list (and its exports) need no BSN to find a child."""
    school = Verwijzing(id=row["school_id"], naam=row["school_naam"]) if row["school_id"] else None
    # The school knows the child through the overdracht only, so not after its content is purged.
    # The child's record is gone after the purge; before it, the school knows the child only through
    # the overdracht's content.
    knows_child = (
        row["voornaam"] is not None
        and user.reads_content
        and not (user.rol is Rol.SCHOOL and row["inhoud_verwijderd_op"])
    )
    kind = (
        KindGegevens(
            voornaam=row["voornaam"],
            achternaam=row["achternaam"],
            geboortedatum=row["geboortedatum"],
            bsn=row["bsn"] if with_bsn and sees_bsn(row, user) else None,
        )
        if knows_child
        else None
    )
    return dict(
        id=row["id"],
        status=row["status"],
        locatie=Verwijzing(id=row["locatie_id"], naam=row["locatie_naam"]),
        school=school,
        wijk=Verwijzing(id=row["wijk_id"], naam=row["wijk_naam"]),
        stadsdeel=Verwijzing(id=row["stadsdeel_id"], naam=row["stadsdeel_naam"]),
        kind=kind,
        # Who the child's mentor is goes with the child: to whoever knows the child, never to the
        # coördinator or beheerder (metadata only), and gone with the child's record at the purge.
        mentor=Mentor(id=row["mentor_id"], naam=row["mentor_naam"]) if knows_child and row["mentor_naam"] else None,
        formulier_compleet=row["formulier_compleet"],
        schooljaar=row["schooljaar"],
        vve_indicatie=row["vve_indicatie"],
        tijdstippen=Tijdstippen(**{name: row[name] for name in Tijdstippen.model_fields}),
        termijnen=Termijnen(
            deadlines=json.loads(row["deadlines"]),
            volgende_deadline=row["volgende_deadline"],
            vlaggen=row["vlaggen"],
            open_vlaggen=row["open_vlaggen"],
            achterstallig_sinds=row["achterstallig_sinds"],
        ),
        warme_overdracht=WarmeOverdracht(
            vereist=row["warme_overdracht_vereist"],
            gepland_op=row["warme_overdracht_gepland_op"],
            gehouden_op=row["warme_overdracht_gehouden_op"],
        ),
        protocol_versie=row["protocol_versie"],
        revisie=row["revisie"],
    )


def timeline_item(row: asyncpg.Record, user: Gebruiker) -> TijdlijnItem:
    return TijdlijnItem(
        revisie=row["revisie"],
        gebeurtenis=row["gebeurtenis"],
        status=row["status"],
        tijdstip=row["tijdstip"],
        rol=row["actor_rol"],
        details=json.loads(row["details"]),
        toelichting=row["toelichting"] if user.reads_content else None,
    )
