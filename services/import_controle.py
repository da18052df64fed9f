"""Checking a placements file row by row against the gemeente: each row's location, school and mentor
resolved (by id or exact name), duplicates and closed organisations rejected, and each child given its
id: the one it has (placed before) or the one its identifying fields give. Nothing is stored here."""

import asyncio
from collections import defaultdict
from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from db import plaatsingen
from protocol.dates import amsterdam_date
from schemas.gebruiker import Gebruiker
from schemas.ids import overdracht_id_for
from schemas.imports import AfgeslotenRij, AfgewezenRij, GelezenRij, Plaatsing, Rijfout, kind_id_voor, kind_sleutel
from schemas.overdracht import Rol
from services.plaatsingen_csv import Rij, lees_rij
from workflows.lifecycle import EINDSTATUSSEN

AFGESLOTEN = (
    "De overdracht van dit kind is afgesloten (geweigerd, ingetrokken, geannuleerd of afgerond); de rij is niet"
    " ingelezen en er wordt niets heropend."
)
MENTOR_ONBEKEND = "geen pedagogisch medewerker van deze locatie; gebruik diens e-mailadres of id"
LOCATIE_GESLOTEN = "deze locatie is gesloten: er kunnen geen nieuwe kinderen worden geplaatst"
SCHOOL_GESLOTEN = "deze school is gesloten: kies een andere school"


def _compact(text: str) -> str:
    return " ".join(text.split())


class Controle:
    """Every row of one file checked: rejected (`afgewezen`), of a child whose overdracht has ended
    (`afgesloten`), or good: the child's id and its placement, ready to store (`goed`)."""

    def __init__(self, pool: asyncpg.Pool, user: Gebruiker) -> None:
        self.pool, self.user = pool, user
        self.afgewezen: list[AfgewezenRij] = []
        self.afgesloten: list[AfgeslotenRij] = []
        self.goed: list[tuple[UUID, Plaatsing]] = []

    async def check(self, rijen: list[Rij]) -> None:
        vandaag = amsterdam_date(datetime.now(UTC))
        await self._load_organisations(rijen)
        gezien: dict[tuple[str, str, str, str], int] = {}
        gelezen: list[tuple[tuple[str, str, str, str], Plaatsing]] = []
        gelezen_rijen = await asyncio.to_thread(lambda: [lees_rij(rij, vandaag) for rij in rijen])
        for rij, row in zip(rijen, gelezen_rijen, strict=True):
            fouten = row if isinstance(row, list) else []
            locatie_id = self._locatie(rij, fouten)
            school_id = self._school(rij, fouten)
            mentor_id = self._mentor(rij, locatie_id, fouten)
            if isinstance(row, GelezenRij) and not fouten:
                assert locatie_id is not None
                sleutel = kind_sleutel(locatie_id, row.voornaam, row.achternaam, row.geboortedatum)
                if sleutel in gezien:
                    fouten.append(Rijfout(veld=None, reden=f"dubbele rij: hetzelfde kind als regel {gezien[sleutel]}"))
                else:
                    gezien[sleutel] = row.regel
                    velden = row.model_dump(exclude={"locatie", "school", "mentor"})
                    plaatsing = Plaatsing(
                        **velden,
                        gemeente_id=self.user.gemeente_id,
                        locatie_id=locatie_id,
                        school_id=school_id,
                        mentor_id=mentor_id,
                    )
                    gelezen.append((sleutel, plaatsing))
            if fouten:
                self.afgewezen.append(AfgewezenRij(regel=rij.regel, fouten=fouten))
        # A child placed before (by hand, or by an earlier import) keeps its id; a new one gets the
        # id its identifying fields give, so a repeat finds it again.
        bekend = await plaatsingen.bekende_kinderen(self.pool, [p for _, p in gelezen])
        # A closed location or school takes no new child (services/organisatie.py); a child it knows carries on.
        gesloten = {s: f for s, p in gelezen if s not in bekend and (f := self._gesloten(p))}
        self.afgewezen += [AfgewezenRij(regel=p.regel, fouten=gesloten[s]) for s, p in gelezen if s in gesloten]
        goed = [(bekend.get(s) or kind_id_voor(s), p) for s, p in gelezen if s not in gesloten]
        # A child whose overdracht has ended stays as it ended: its record is not stored again (after a
        # refusal it was purged) and no new overdracht starts under its id.
        ids = [overdracht_id_for(k) for k, _ in goed]
        ended = await plaatsingen.afgesloten(self.pool, ids, [s.value for s in EINDSTATUSSEN])
        self.goed = [(k, p) for k, p in goed if overdracht_id_for(k) not in ended]
        self.afgesloten = [
            AfgeslotenRij(regel=p.regel, reden=AFGESLOTEN) for k, p in goed if overdracht_id_for(k) in ended
        ]

    async def _load_organisations(self, rijen: list[Rij]) -> None:
        locaties = await plaatsingen.locaties(self.pool, self.user.gemeente_id)
        self.locatie_ids = {r["id"] for r in locaties}
        self.locatie_namen: dict[str, list[UUID]] = defaultdict(list)
        for r in locaties:
            self.locatie_namen[_compact(r["naam"])].append(r["id"])
        school_ids = [i for rij in rijen if (i := _uuid(rij.velden.get("school", ""))) is not None]
        scholen = await plaatsingen.scholen(self.pool, self.user.gemeente_id, list(set(school_ids)))
        self.school_ids = {r["id"] for r in scholen}
        self.gesloten = {r["id"] for r in locaties if r["gesloten"]} | {r["id"] for r in scholen if r["gesloten"]}
        self.school_namen: dict[str, list[UUID]] = defaultdict(list)
        for r in scholen:
            if r["eigen"]:
                self.school_namen[_compact(r["naam"])].append(r["id"])
        await self._load_mentoren()

    def _locatie(self, rij: Rij, fouten: list[Rijfout]) -> UUID | None:
        waarde = _compact(rij.velden.get("locatie", ""))
        if not waarde or any(f.veld == "locatie" for f in fouten):
            return None
        locatie_id = _resolve(waarde, self.locatie_ids, self.locatie_namen)
        if isinstance(locatie_id, str):
            fouten.append(Rijfout(veld="locatie", reden=locatie_id.replace("{}", "locatie")))
            return None
        if self.user.rol is Rol.LOCATIEMANAGER and locatie_id not in self.user.locatie_ids:
            fouten.append(Rijfout(veld="locatie", reden="niet uw locatie"))
            return None
        return locatie_id

    def _school(self, rij: Rij, fouten: list[Rijfout]) -> UUID | None:
        waarde = _compact(rij.velden.get("school", ""))
        if not waarde or any(f.veld == "school" for f in fouten):
            return None
        school_id = _resolve(waarde, self.school_ids, self.school_namen)
        if isinstance(school_id, str):
            fouten.append(Rijfout(veld="school", reden=school_id.replace("{}", "school")))
            return None
        return school_id

    def _gesloten(self, plaatsing: Plaatsing) -> list[Rijfout]:
        """Why a child new to the service cannot be placed: its location or school is closed."""
        fouten = []
        if plaatsing.locatie_id in self.gesloten:
            fouten.append(Rijfout(veld="locatie", reden=LOCATIE_GESLOTEN))
        if plaatsing.school_id in self.gesloten:
            fouten.append(Rijfout(veld="school", reden=SCHOOL_GESLOTEN))
        return fouten

    async def _load_mentoren(self) -> None:
        """Who may be named as mentor, per location: its PM'ers, by id and by address (case aside)."""
        self.mentoren: dict[UUID, dict[str, UUID]] = defaultdict(dict)
        for r in await plaatsingen.medewerkers(self.pool, self.user.gemeente_id):
            self.mentoren[r["locatie_id"]][str(r["id"])] = r["id"]
            if r["email"]:
                self.mentoren[r["locatie_id"]][r["email"].casefold()] = r["id"]

    def _mentor(self, rij: Rij, locatie_id: UUID | None, fouten: list[Rijfout]) -> UUID | None:
        """The row's `mentor`: a PM'er of the row's location, by address or id; empty keeps the one known."""
        waarde = _compact(rij.velden.get("mentor", ""))
        if not waarde or locatie_id is None or any(f.veld == "mentor" for f in fouten):
            return None
        sleutel = str(by_id) if (by_id := _uuid(waarde)) is not None else waarde.casefold()
        mentor_id = self.mentoren[locatie_id].get(sleutel)
        if mentor_id is None:
            fouten.append(Rijfout(veld="mentor", reden=MENTOR_ONBEKEND))
        return mentor_id


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text.strip())
    except ValueError:
        return None


def _resolve(waarde: str, ids: set[UUID], namen: dict[str, list[UUID]]) -> UUID | str:
    """An organisation by id or exact name; else the reason, with {} for what it is."""
    if (by_id := _uuid(waarde)) is not None:
        return by_id if by_id in ids else "onbekende {}: dit id is niet bekend"
    found = namen.get(waarde, [])
    if len(found) > 1:
        return "meer dan één {} met deze naam; gebruik het id"
    return found[0] if found else "onbekende {} in uw gemeente"
