"""The gemeente's protocol, managed by its beheerder: upload a version (a draft: it changes nothing), see
its errors per setting, compare it with the active version setting by setting, activate it (new
overdrachten take it from then on; running ones keep the version they started with), list the versions.
Always within the beheerder's own gemeente: another gemeente's versions do not exist for them.
The API (api/routes/protocol.py) and the pages (web/routes/beheer/protocol.py) both call these."""

from collections.abc import Awaitable, Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, Field
from pydantic_core import to_jsonable_python

from db import protocol as protocols
from protocol import loader
from protocol.dates import amsterdam_date
from schemas import voorbeelden as vb
from schemas.api import Verwijzing
from schemas.audit import Actie
from schemas.base import ApiModel
from schemas.openapi import described
from schemas.protocol import Escalatie, Leeftijd, ProtocolConfig, ToestemmingVan
from services.context import Context
from services.errors import InvalidInput, NotFound
from services.permissions import Capability, require

# A protocol file is a page of settings; anything this large is not one.
MAX_PROTOCOL_BYTES = 64 * 1024
# Where an error about the whole file (not TOML, too large, empty) is reported: the upload's field.
BESTAND = "bestand"


# The examples: a draft that gives the coordinator two more working days than Almere's defaults.
_VERSCHIL = {
    "instelling": "escalatie.naar_coordinator_na_werkdagen",
    "omschrijving": "Escalatie naar de coördinator (werkdagen na de deadline)",
    "oud": 10,
    "nieuw": 12,
}
_VERSIE = {
    "versie": 4,
    "geuploadOp": "2026-01-12T10:15:00Z",
    "geuploadDoor": {"id": vb.BEHEERDER_ID, "naam": "Beheerder Voorbeeld"},
    "geactiveerdOp": None,
    "actief": False,
}
_DETAIL = {
    **_VERSIE,
    "actieveVersie": 3,
    "verschillen": [_VERSCHIL],
    "instellingen": ProtocolConfig(escalatie=Escalatie(naar_coordinator_na_werkdagen=12)).model_dump(mode="json"),
    "bestand": "# Voorbeeldstad: de coördinator hoort het twee werkdagen later dan in Almere.\n\n[escalatie]\n"
    "naar_coordinator_na_werkdagen = 12\n",
}


class Verschil(ApiModel):
    """One setting that differs from the active version."""

    model_config = described("Eén instelling die anders is dan in de actieve versie.", _VERSCHIL)

    instelling: str = Field(
        description="De sleutel van de instelling, bijvoorbeeld `escalatie.naar_coordinator_na_werkdagen`."
    )
    omschrijving: str = Field(description="Wat de instelling betekent.")
    oud: Any = Field(
        description="De waarde in de actieve versie (zoals in het bestand); null als er geen versie actief is."
    )
    nieuw: Any = Field(description="De waarde in deze versie.")


class ProtocolVersie(ApiModel):
    model_config = described("Eén versie van het protocol van de gemeente.", _VERSIE)

    versie: int = Field(description="Genummerd per gemeente, in de volgorde van uploaden.")
    geupload_op: datetime = Field(description="Wanneer de versie geüpload werd.")
    geupload_door: Verwijzing | None = Field(
        description="Wie de versie uploadde; null als die via de opdrachtregel is opgeslagen."
    )
    geactiveerd_op: datetime | None = Field(
        description="Wanneer de versie het laatst actief gemaakt werd; null: een concept."
    )
    actief: bool = Field(description="Of nieuwe overdrachten nu deze versie krijgen.")


class ProtocolVersieDetail(ProtocolVersie):
    model_config = described(
        "Eén versie van het protocol, met al haar instellingen en de verschillen met de actieve versie.", _DETAIL
    )

    actieve_versie: int | None = Field(
        description="De versie die nu actief is in de gemeente; de verschillen zijn ten opzichte daarvan."
    )
    verschillen: list[Verschil] = Field(
        description="Elke instelling waarvan de waarde anders is dan in de actieve versie, in de volgorde van het"
        " bestand; leeg voor de actieve versie zelf (en voor een versie die eraan gelijk is)."
    )
    instellingen: dict[str, Any] = Field(description="De hele configuratie, standaardwaarden meegeteld.")
    bestand: str | None = Field(description="Het TOML-bestand zoals het geüpload is, met commentaar.")


class ProtocolVersies(ApiModel):
    model_config = described(
        "De versies van het protocol van de gemeente.",
        {
            "actieveVersie": 3,
            "resultaten": [
                _VERSIE,
                {
                    **_VERSIE,
                    "versie": 3,
                    "geuploadOp": "2025-06-02T09:00:00Z",
                    "geactiveerdOp": "2025-06-02T09:05:00Z",
                    "actief": True,
                },
            ],
        },
    )

    actieve_versie: int | None = Field(description="De versie die nu actief is; null als er geen is.")
    resultaten: list[ProtocolVersie] = Field(description="Nieuwste eerst.")


class Activering(ApiModel):
    model_config = described(
        "Een versie van het protocol actief maken: nieuwe overdrachten krijgen haar vanaf nu.",
        {
            "versie": {
                **_DETAIL,
                "geactiveerdOp": "2026-01-12T10:20:00Z",
                "actief": True,
                "actieveVersie": 4,
                "verschillen": [],
            },
            "gewijzigd": True,
        },
    )

    versie: ProtocolVersieDetail = Field(description="De versie zoals die nu is.")
    gewijzigd: bool = Field(description="`false`: het was al de actieve versie.")


# What each setting means, in the file's order (README: The protocol configuration).
OMSCHRIJVINGEN = {
    "start": "De overdracht begint (leeftijd)",
    "toestemming_uiterlijk": "Inzage en toestemming van de ouders uiterlijk (leeftijd)",
    "school_bekend_uiterlijk": "School bekend uiterlijk (leeftijd)",
    "verzenden_uiterlijk": "Verzonden naar de school uiterlijk (leeftijd)",
    "bevestigen_binnen_werkdagen": "De school bevestigt ontvangst en intake binnen (werkdagen na verzenden)",
    "herinnering_bevestigen_na_werkdagen": "Herinnering aan de school na (werkdagen na verzenden)",
    "na_retour_werkdagen": "Na een retour: andere school kiezen en verzenden binnen (werkdagen)",
    "eerste_schooldag_standaard": "Eerste schooldag als de school er geen noemt (leeftijd)",
    "regio": "Regio van de schoolvakanties",
    "schoolvakanties": "Schoolvakanties (de termijnen van de school tellen schooldagen)",
    "zomervakanties": "Zomervakanties (wie dan de schoolleeftijd bereikt, begint erna)",
    "toestemming_van": "Wiens toestemming nodig is",
    "escalatie.naar_leidinggevende_na_werkdagen": "Escalatie naar de leidinggevende (werkdagen na de deadline)",
    "escalatie.naar_coordinator_na_werkdagen": "Escalatie naar de coördinator (werkdagen na de deadline)",
    "warme_overdracht.bij_vve_indicatie": "Warme overdracht nodig bij een VVE-indicatie",
    "warme_overdracht.bij_zorg": "Warme overdracht nodig bij zorg in een domein",
    "warme_overdracht.op_verzoek": "Warme overdracht nodig op verzoek",
    "warme_overdracht.bij_bespreken": "Warme overdracht nodig als een domein besproken moet worden",
    "bewaartermijnen.na_weigering_dagen": "Inhoud bewaard na weigering, intrekking of annulering (dagen)",
    "bewaartermijnen.na_afronding_maanden": "Inhoud bewaard na afronding (maanden)",
    "bewaartermijnen.onbezorgde_verzending_maanden_na_vierde_verjaardag": (
        "Onbevestigde verzending verloopt (maanden na de vierde verjaardag)"
    ),
    "bewaartermijnen.onafgeronde_overdracht_maanden_na_vierde_verjaardag": (
        "Onafgeronde overdracht verloopt (maanden na de vierde verjaardag)"
    ),
    "bewaartermijnen.kind_zonder_overdracht_tot_leeftijd": "Kind zonder overdracht verwijderd op (leeftijd)",
    "bewaartermijnen.kind_zonder_overdracht_maanden_na_einde_plaatsing": (
        "Of kind zonder overdracht verwijderd (maanden na het einde van de plaatsing)"
    ),
}


def instellingen(config: BaseModel, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every setting as (key, value as in the file), in the file's order; an age and the list of
    holidays are one setting each."""
    for naam in type(config).model_fields:
        waarde = getattr(config, naam)
        if isinstance(waarde, BaseModel) and not isinstance(waarde, Leeftijd):
            yield from instellingen(waarde, f"{prefix}{naam}.")
        else:
            yield f"{prefix}{naam}", to_jsonable_python(waarde)


def verschillen(oud: ProtocolConfig | None, nieuw: ProtocolConfig) -> list[Verschil]:
    """Per setting that differs: the old value and the new one (every setting when nothing is active)."""
    voor = dict(instellingen(oud)) if oud else {}
    return [
        Verschil(instelling=k, omschrijving=OMSCHRIJVINGEN.get(k, k), oud=voor.get(k), nieuw=v)
        for k, v in instellingen(nieuw)
        if oud is None or voor.get(k) != v
    ]


def _dag(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d-%m-%Y")


def tekst(waarde: Any) -> str:
    """A setting's value in words, as the pages show it."""
    match waarde:
        case None:
            return "—"
        case bool():
            return "ja" if waarde else "nee"
        case {"jaren": jaren, "maanden": maanden}:
            return f"{jaren} jaar" + (f" en {maanden} maanden" if maanden else "")
        case [*perioden]:
            return (
                "; ".join(
                    (f"{p['naam']} " if p.get("naam") else "") + f"{_dag(p['van'])} t/m {_dag(p['tot'])}"
                    for p in perioden
                )
                or "geen"
            )
        case ToestemmingVan.ALLE_OUDERS.value:
            return "alle ouders met gezag"
        case ToestemmingVan.EEN_OUDER.value:
            return "één ouder met gezag"
    return str(waarde)


def als_toml(config: ProtocolConfig) -> str:
    """The configuration as a protocol file (what the loader reads back as the same configuration): the
    starting point for a new version of one that was not uploaded as a file."""

    def waarde(v: Any) -> str:
        match v:
            case bool():
                return "true" if v else "false"
            case dict():
                return "{ " + ", ".join(f"{k} = {waarde(x)}" for k, x in v.items()) + " }"
            case list():
                return "[\n" + "".join(f"    {waarde(x)},\n" for x in v) + "]"
            case str() if len(v) == 10 and v[4] == v[7] == "-":  # a date: TOML's own, unquoted
                return v
            case str():
                return f'"{v}"'
        return str(v)

    top: list[str] = []
    tabellen: dict[str, list[str]] = {}
    for sleutel, v in instellingen(config):
        if v is None:  # not set: the loader's default (zomervakanties: from the school holidays)
            continue
        tabel, _, naam = sleutel.rpartition(".")
        (tabellen.setdefault(tabel, []) if tabel else top).append(f"{naam} = {waarde(v)}")
    delen = ["\n".join(top)] + [f"[{t}]\n" + "\n".join(regels) for t, regels in tabellen.items()]
    return "# Protocol van de overdracht voorschool–basisschool\n\n" + "\n\n".join(delen) + "\n"


def instellingen_van(detail: ProtocolVersieDetail) -> list[tuple[str, Any]]:
    """Every setting of a version, as `instellingen` lists them."""
    return list(instellingen(ProtocolConfig.model_validate(detail.instellingen)))


def regels(bestand: str, velden: Iterable[str]) -> dict[str, int | None]:
    """The line of the file each setting is on (none: not in the file)."""
    return {veld: loader.regel(bestand, veld) for veld in velden}


def _versie(v: protocols.Versie) -> ProtocolVersie:
    door = Verwijzing(id=v.geupload_door, naam=v.geupload_door_naam or "") if v.geupload_door else None
    return ProtocolVersie(
        versie=v.versie, geupload_op=v.geupload_op, geupload_door=door, geactiveerd_op=v.geactiveerd_op, actief=v.actief
    )


async def _detail(ctx: Context, versie: int) -> ProtocolVersieDetail:
    gemeente_id = ctx.user.gemeente_id
    found = await protocols.get(ctx.pool, gemeente_id, versie)
    if found is None:
        raise NotFound(f"Uw gemeente heeft geen protocolversie {versie}.")
    actief = await protocols.current(ctx.pool, gemeente_id)
    return ProtocolVersieDetail(
        **_versie(found).model_dump(),
        actieve_versie=actief.versie if actief else None,
        verschillen=verschillen(actief.config if actief else None, found.config) if not found.actief else [],
        instellingen=found.config.model_dump(mode="json"),
        bestand=found.bestand,
    )


def _bestand_fout(reden: str) -> InvalidInput:
    return InvalidInput(f"{reden} Er is niets opgeslagen.", invalid_params=[{"name": BESTAND, "reason": reden}])


def lees(inhoud: bytes) -> ProtocolConfig:
    """The configuration in an uploaded file; else a 400 naming each bad setting (by its path in the
    file: `escalatie.naar_coordinator_na_werkdagen`) or the file (`bestand`)."""
    if len(inhoud) > MAX_PROTOCOL_BYTES:
        raise _bestand_fout(f"Het bestand is groter dan {MAX_PROTOCOL_BYTES // 1024} kB; dit is geen protocolbestand.")
    try:
        bestand = inhoud.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bestand_fout("Het bestand is geen UTF-8-tekst; sla het op als UTF-8 (een .toml-bestand).") from None
    if not bestand.strip():
        raise _bestand_fout("Het bestand is leeg.")
    try:
        config = loader.parse(bestand, source="bestand")
        loader.check_current(config, bestand, amsterdam_date(datetime.now(UTC)), source="bestand")
        return config
    except loader.ProtocolError as exc:
        fouten = exc.fouten
        params = [{"name": BESTAND if f.veld in (loader.BESTAND, loader.PROTOCOL) else f.veld, "reason": f.reden}
                  for f in fouten]  # fmt: skip
        aantal = "1 fout" if len(fouten) == 1 else f"{len(fouten)} fouten"
        raise InvalidInput(
            f"Het protocol heeft {aantal}; er is niets opgeslagen. Verbeter het bestand en upload het opnieuw.",
            invalid_params=params,
        ) from None


async def upload(ctx: Context, read: Callable[[], Awaitable[bytes]]) -> ProtocolVersieDetail:
    """Check the file and store it as the gemeente's next version: a draft, which changes nothing until it
    is activated. Its differences with the active version come with it."""
    user = require(ctx, Capability.PROTOCOL_BEHEREN)
    inhoud = await read()
    config = lees(inhoud)
    bestand = inhoud.decode("utf-8-sig")
    versie = await protocols.upload(ctx.pool, user.gemeente_id, config, bestand, user.id)
    detail = await _detail(ctx, versie)
    # The settings it changes (names, never values) are what the row records.
    ctx.audit.add(user, Actie.WIJZIGEN, f"protocol.versie.{versie}", velden=[v.instelling for v in detail.verschillen])
    return detail


async def versions(ctx: Context) -> ProtocolVersies:
    """The gemeente's versions, newest first, and which one is active."""
    user = require(ctx, Capability.PROTOCOL_BEHEREN, actie=Actie.LEZEN)
    found = await protocols.versions(ctx.pool, user.gemeente_id)
    actief = next((v.versie for v in found if v.actief), None)
    return ProtocolVersies(actieve_versie=actief, resultaten=[_versie(v) for v in found])


async def version(ctx: Context, versie: int) -> ProtocolVersieDetail:
    """One version of the gemeente, its file, and how it differs from the active version."""
    require(ctx, Capability.PROTOCOL_BEHEREN, actie=Actie.LEZEN)
    return await _detail(ctx, versie)


async def activate(ctx: Context, versie: int) -> Activering:
    """Make `versie` the gemeente's active version: every overdracht opened from now on takes it; those
    running keep theirs. Activating the active one again changes nothing."""
    user = require(ctx, Capability.PROTOCOL_BEHEREN)
    done = await protocols.activate(ctx.pool, user.gemeente_id, versie)
    if done.versie is None:
        raise NotFound(f"Uw gemeente heeft geen protocolversie {versie}.")
    if done.gewijzigd:
        velden = [v.instelling for v in verschillen(done.vorige, done.versie.config)]
        ctx.audit.add(user, Actie.WIJZIGEN, f"protocol.versie.{versie}.activering", velden=velden)
    return Activering(versie=await _detail(ctx, versie), gewijzigd=done.gewijzigd)


async def bestand(ctx: Context, versie: int) -> str:
    """The version as a file: as uploaded, or written from its configuration when it was not uploaded."""
    detail = await version(ctx, versie)
    return detail.bestand or als_toml(ProtocolConfig.model_validate(detail.instellingen))
