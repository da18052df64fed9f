"""Request and response bodies of the public API (camelCase on the wire)."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from schemas import voorbeelden as vb
from schemas.base import ApiModel, Reden, VrijeTekst
from schemas.bijlage import Bijlage
from schemas.formulier import Formulier
from schemas.openapi import described
from schemas.overdracht import (
    Besluit,
    Deadline,
    Eens,
    Gebeurtenis,
    Rol,
    Status,
    ToestemmingVoor,
    Vlag,
    Vorm,
    WijzeNamensOuder,
)

# Requests


class OverdrachtOpenen(ApiModel):
    model_config = described(
        "Een overdracht openen voor een kind dat op de locatie van de vrager geplaatst is.",
        {"kindId": vb.KIND_ID, "schoolId": vb.SCHOOL_ID},
    )

    kind_id: UUID = Field(description="Het kind, zoals het op de locatie van de vrager geplaatst is.")
    school_id: UUID | None = Field(
        default=None,
        description="De ontvangende school, als die bekend is; weggelaten: de school die bij de plaatsing van het kind"
        " staat.",
    )


class LegeStap(ApiModel):
    """A step that needs no data (an empty JSON object, or no body at all)."""

    model_config = described("Een stap zonder gegevens: een leeg JSON-object, of helemaal geen body.", {})


class ToestemmingVastleggen(ApiModel):
    model_config = described(
        "Het besluit van een ouder over toestemming, door de ouder zelf gegeven.",
        {"besluit": "gegeven", "voor": "genoemde_school"},
    )

    besluit: Besluit = Field(description="Toestemming geven, weigeren of intrekken.")
    voor: ToestemmingVoor | None = Field(
        default=None,
        description="Toestemming voor `genoemde_school` (de school die nu genoemd is: een andere school kiezen vraagt de"
        " ouders opnieuw) of voor `ingeschreven_school` (de school waar het kind wordt ingeschreven). Weggelaten: de"
        " genoemde school als er een bekend is, anders de school waar het kind wordt ingeschreven.",
    )


class ToestemmingNamensOuder(ApiModel):
    """A parent's decision as the voorschool heard it: signed on the paper form, or said in the conversation."""

    model_config = described(
        "Het besluit van een ouder over toestemming zoals de voorschool het hoorde: ondertekend op het papieren"
        " formulier, of gezegd in het gesprek. De voorschool legt het vast namens de ouder.",
        {"besluit": "gegeven", "wijze": "handtekening", "datum": "2026-04-08", "voor": "genoemde_school"},
    )

    besluit: Besluit = Field(description="Het besluit van de ouder.")
    wijze: WijzeNamensOuder = Field(
        description="`handtekening` (ondertekend op het papieren formulier) of `gesprek` (gezegd in het gesprek)."
    )
    datum: date = Field(
        description="De dag waarop de ouder het besluit gaf (ondertekende of zei); niet in de toekomst."
    )
    voor: ToestemmingVoor | None = Field(
        default=None, description="Voor welke school, zoals bij de toestemming die een ouder zelf geeft."
    )


class OverdrachtcodeInwisselen(ApiModel):
    model_config = described(
        "De overdrachtcode die de ouders bij de inschrijving aan de school gaven: de school ontvangt daarmee de"
        " overdracht.",
        {"code": "VBLD-7K2M-Q9XP-4TRW", "schoolId": vb.SCHOOL_ID},
    )

    code: str = Field(
        min_length=1,
        max_length=64,
        description="De code zoals de ouders die gaven; hoofdletters, spaties en streepjes tellen niet mee.",
    )
    school_id: UUID | None = Field(
        None,
        description="Welke van uw scholen (vestigingen) de overdracht ontvangt: alleen nodig als u voor meer scholen"
        " werkt.",
    )


class SchoolKiezen(ApiModel):
    model_config = described("De ontvangende school kiezen of wijzigen.", {"schoolId": vb.SCHOOL_ID})

    school_id: UUID = Field(description="De school (vestiging) die de overdracht ontvangt.")


class OntvangstBevestigen(ApiModel):
    model_config = described(
        "De school bevestigt de ontvangst en de intake, met de eerste schooldag van het kind.",
        {
            "eersteSchooldag": "2026-09-16",
            "warmeOverdrachtGewenst": True,
            "reden": "Wij bespreken de taalontwikkeling graag met de mentor.",
        },
    )

    eerste_schooldag: date = Field(description="De geplande eerste schooldag van het kind.")
    warme_overdracht_gewenst: bool = Field(default=False, description="De school vraagt om een warme overdracht.")
    reden: Reden | None = Field(
        default=None, description="Een toelichting, bijvoorbeeld waarom de school een warme overdracht wil."
    )


class Ouderreactie(ApiModel):
    model_config = described(
        "De reactie van de ouders op het formulier.",
        {
            "eens": "nee",
            "zienswijze": "Thuis praat ze in hele zinnen.",
            "reden": "Het beeld van de taalontwikkeling klopt niet met wat wij thuis zien.",
        },
    )

    eens: Eens = Field(description="Zijn de ouders het eens met de inhoud van het formulier?")
    zienswijze: VrijeTekst | None = Field(
        default=None, description="De zienswijze van de ouders, in hun eigen woorden."
    )
    reden: Reden | None = Field(default=None, description="Waarom ze het niet eens zijn, of waarom het onbekend is.")


class Retour(ApiModel):
    model_config = described(
        "De school stuurt de overdracht terug: het kind is daar niet ingeschreven.",
        {"reden": "Het kind staat niet bij ons ingeschreven."},
    )

    reden: Reden = Field(description="Waarom, bijvoorbeeld: het kind is niet op deze school ingeschreven.")


class Correctie(ApiModel):
    model_config = described(
        "Het formulier terugnemen van de ouders om het te corrigeren (een correctieronde).",
        {"reden": "De ouders wezen op een fout in de VVE-gegevens."},
    )

    reden: Reden = Field(description="Waarom het formulier wordt teruggenomen, bijvoorbeeld wat de ouders opmerkten.")


class Annulering(ApiModel):
    model_config = described(
        "De overdracht annuleren: het kind vertrekt of verhuist.",
        {"reden": "Het kind verhuist naar een andere gemeente."},
    )

    reden: Reden = Field(description="Waarom: het kind vertrekt of verhuist.")


class DeadlineVerplaatsing(ApiModel):
    model_config = described(
        "Een deadline van de overdracht verplaatsen (de coördinator).",
        {"datum": "2026-06-01", "reden": "Afgesproken met de locatiemanager: de ouders zijn pas na de vakantie terug."},
    )

    datum: date = Field(description="De nieuwe deadline: die eindigt aan het eind van deze dag (Europe/Amsterdam).")
    reden: Reden = Field(description="Waarom de deadline verschuift.")


class WarmeOverdrachtAanvragen(ApiModel):
    model_config = described(
        "Om een warme overdracht vragen (ouders, pedagogisch medewerker of school).",
        {"actie": "aanvragen", "reden": "Wij bespreken de taalontwikkeling graag met de school."},
    )

    actie: Literal["aanvragen"] = Field(description="Altijd `aanvragen`.")
    reden: Reden = Field(description="Waarom een warme overdracht nodig is.")


class WarmeOverdrachtPlannen(ApiModel):
    model_config = described(
        "De warme overdracht plannen.", {"actie": "plannen", "datum": "2026-06-10", "vorm": "gesprek"}
    )

    actie: Literal["plannen"] = Field(description="Altijd `plannen`.")
    datum: date = Field(description="De dag van de warme overdracht.")
    vorm: Vorm = Field(description="Hoe de warme overdracht gehouden wordt.")


class WarmeOverdrachtVastleggen(ApiModel):
    model_config = described(
        "Vastleggen dat de warme overdracht gehouden is; daarmee is de overdracht afgerond.",
        {
            "actie": "vastleggen",
            "datum": "2026-06-10",
            "vorm": "gesprek",
            "deelnemers": ["mentor", "intern begeleider", "ouder"],
        },
    )

    actie: Literal["vastleggen"] = Field(description="Altijd `vastleggen`.")
    datum: date = Field(description="De dag waarop de warme overdracht gehouden werd.")
    vorm: Vorm = Field(description="Hoe de warme overdracht gehouden werd.")
    deelnemers: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1,
        max_length=20,
        description="Wie deelnamen, naar rol (bijvoorbeeld mentor, intern begeleider, ouder).",
    )


WarmeOverdrachtActie = Annotated[
    WarmeOverdrachtAanvragen | WarmeOverdrachtPlannen | WarmeOverdrachtVastleggen, Field(discriminator="actie")
]


class MentorToewijzen(ApiModel):
    model_config = described("Een andere mentor aanwijzen voor het kind.", {"mentorId": vb.MENTOR_ID})

    mentor_id: UUID = Field(description="Een pedagogisch medewerker van de locatie van de overdracht.")


class TokenAanvraag(ApiModel):
    model_config = described(
        "Een token aanvragen namens een gebruiker: alleen bij ontwikkeling en testen.", {"gebruikerId": vb.MENTOR_ID}
    )

    gebruiker_id: UUID = Field(description="De gebruiker namens wie het token werkt.")


# Responses


class Verwijzing(ApiModel):
    """An organisation, by id and name."""

    model_config = described(
        "Een organisatie (gemeente, stadsdeel, wijk, voorschoollocatie of school), of een medewerker, met id en naam.",
        vb.LOCATIE,
    )

    id: UUID = Field(description="Het id.")
    naam: str = Field(description="De naam.")


class Mentor(ApiModel):
    """The child's mentor: the pedagogisch medewerker of its location who fills in the form and gets the
    reminders, and whom the parents and the school contact."""

    model_config = described(
        "De mentor van het kind: de pedagogisch medewerker van de locatie die het formulier invult en de herinneringen"
        " krijgt, en bij wie de ouders en de school terechtkunnen.",
        vb.MENTOR,
    )

    id: UUID = Field(description="Het id van de medewerker.")
    naam: str = Field(description="De naam, zoals collega's die kennen.")


class KindGegevens(ApiModel):
    model_config = described(
        "Het kind: naam, geboortedatum en, alleen waar dat mag, het BSN. Alleen voor rollen die de inhoud mogen lezen.",
        vb.KIND,
    )

    voornaam: str = Field(description="De voornaam van het kind.")
    achternaam: str = Field(description="De achternaam van het kind.")
    geboortedatum: date = Field(
        description="De geboortedatum: de leeftijden en deadlines van het protocol tellen ervan."
    )
    bsn: str | None = Field(
        default=None,
        description="Het BSN van het kind, als het bekend is: alleen in het detail van één overdracht, en alleen voor de"
        " voorschoollocatie en de ontvangende school; null voor alle anderen.",
    )


class StapTijdstippen(ApiModel):
    """When each step was taken; null while it was not."""

    model_config = described("Wanneer elke stap gezet is; null zolang dat niet gebeurd is.", vb.TIJDSTIPPEN)

    geopend_op: datetime = Field(description="Wanneer de overdracht geopend werd.")
    ingediend_op: datetime | None = Field(
        default=None, description="Wanneer het formulier bij de ouders werd ingediend."
    )
    toestemming_op: datetime | None = Field(default=None, description="Wanneer de toestemming compleet was.")
    verzonden_op: datetime | None = Field(default=None, description="Wanneer de overdracht naar de school ging.")
    ontvangen_op: datetime | None = Field(default=None, description="Wanneer de school de ontvangst bevestigde.")
    afgerond_op: datetime | None = Field(default=None, description="Wanneer de overdracht afgerond werd.")
    geweigerd_op: datetime | None = Field(default=None, description="Wanneer een ouder toestemming weigerde.")
    ingetrokken_op: datetime | None = Field(default=None, description="Wanneer een ouder de toestemming introk.")
    geannuleerd_op: datetime | None = Field(
        default=None, description="Wanneer de overdracht geannuleerd werd (ook als die verliep)."
    )
    papieren_kopie_op: datetime | None = Field(
        default=None, description="Wanneer de ouders een papieren kopie van het formulier meekregen."
    )
    inhoud_verwijderd_op: datetime | None = Field(
        default=None, description="Wanneer de inhoud verwijderd werd, na de bewaartermijn."
    )
    eerste_schooldag: date | None = Field(
        default=None, description="De eerste schooldag die de school bij de ontvangst opgaf."
    )


class Tijdstippen(StapTijdstippen):
    model_config = described(
        "Wanneer elke stap gezet is (null zolang dat niet gebeurd is), en wanneer de overdracht het laatst veranderde.",
        {**vb.TIJDSTIPPEN, "bijgewerktOp": "2026-05-04T11:20:00Z"},
    )

    bijgewerkt_op: datetime = Field(description="Wanneer de overdracht het laatst veranderde.")


class WarmeOverdracht(ApiModel):
    model_config = described(
        "Of een warme overdracht vereist is, en wanneer die gepland en gehouden is.", vb.WARME_OVERDRACHT
    )

    vereist: bool = Field(
        description="Of een warme overdracht vereist is: bij een VVE-indicatie, zorg of bespreken in een"
        " ontwikkelingsgebied, of op verzoek, zoals het protocol het zegt."
    )
    gepland_op: date | None = Field(default=None, description="De geplande dag; null zolang niet gepland.")
    gehouden_op: date | None = Field(default=None, description="De dag waarop die gehouden is; null zolang niet.")


class Termijnen(ApiModel):
    """The deadlines, and whether anything is late."""

    model_config = described(
        "De deadlines, en of er iets te laat is.",
        {
            "deadlines": vb.DEADLINES,
            "volgendeDeadline": "2026-05-15T22:00:00Z",
            "vlaggen": ["te_laat_toestemming"],
            "openVlaggen": ["te_laat_toestemming"],
            "achterstalligSinds": "2026-05-15T22:00:04Z",
        },
    )

    deadlines: dict[Deadline, datetime] = Field(
        description="Het moment van elke deadline, verplaatste meegerekend; een deadline eindigt op dit moment."
    )
    volgende_deadline: datetime | None = Field(description="De vroegste deadline van een stap die nog openstaat.")
    vlaggen: list[Vlag] = Field(
        description="Elke vlag die ooit gezet is: een stap die te laat was, blijft als te laat gemarkeerd."
    )
    open_vlaggen: list[Vlag] = Field(description="Wat nu te laat is.")
    achterstallig_sinds: datetime | None = Field(description="Wanneer de oudste open vlag gezet werd.")


class OverdrachtSamenvatting(ApiModel):
    """One row of a list. `kind` is left out for roles that work on metadata only."""

    model_config = described(
        "Eén regel van de lijst met overdrachten. `kind` en `mentor` zijn er niet voor rollen die alleen met"
        " metagegevens werken.",
        vb.SAMENVATTING,
    )

    id: UUID = Field(description="Het id van de overdracht.")
    status: Status = Field(description="Waar de overdracht staat in de levensloop.")
    locatie: Verwijzing = Field(description="De voorschoollocatie waar het kind geplaatst is.")
    school: Verwijzing | None = Field(description="De ontvangende school; null zolang die niet bekend is.")
    wijk: Verwijzing = Field(description="De wijk van de voorschoollocatie.")
    stadsdeel: Verwijzing = Field(description="Het stadsdeel van de voorschoollocatie.")
    kind: KindGegevens | None = Field(
        default=None,
        description="Het kind; null voor de coördinator en de beheerder (alleen metagegevens), na het verwijderen van"
        " de inhoud, en voor de school zodra de inhoud verwijderd is.",
    )
    mentor: Mentor | None = Field(
        default=None,
        description="De mentor van het kind, voor de medewerkers van de locatie, de ouders en de school; nooit voor de"
        " coördinator of de beheerder. Null zonder mentor (of na het verwijderen van de inhoud).",
    )
    formulier_compleet: bool = Field(description="Of het formulier compleet genoeg is om bij de ouders in te dienen.")
    schooljaar: str | None = Field(
        description="Het schooljaar waarin het kind naar school gaat, bijvoorbeeld 2027-2028; null zolang onbekend."
    )
    vve_indicatie: bool = Field(description="Of het kind een VVE-indicatie heeft.")
    tijdstippen: Tijdstippen = Field(description="Wanneer elke stap gezet is.")
    termijnen: Termijnen = Field(description="De deadlines, en wat er te laat is.")
    warme_overdracht: WarmeOverdracht = Field(description="Of een warme overdracht vereist is, en wanneer die is.")
    protocol_versie: int | None = Field(
        description="De versie van het protocol van de gemeente waarmee de overdracht begon (die houdt ze tot het"
        " eind); null bij overdrachten van voordat versies bestonden."
    )
    revisie: int = Field(description="Telt de vastgelegde wijzigingen van de overdracht: een hoger getal is nieuwer.")


class OuderreactieWeergave(ApiModel):
    model_config = described(
        "De reactie van een ouder op het formulier, zoals die is vastgelegd.",
        {
            "eens": "nee",
            "zienswijze": "Thuis praat ze in hele zinnen.",
            "reden": "Het beeld van de taalontwikkeling klopt niet met wat wij thuis zien.",
            "tijdstip": "2026-04-05T18:12:00Z",
        },
    )

    eens: Eens = Field(description="Of de ouder het eens is met de inhoud van het formulier.")
    zienswijze: str | None = Field(default=None, description="De zienswijze van de ouder, in eigen woorden.")
    reden: str | None = Field(default=None, description="Waarom de ouder het niet eens is, of waarom het onbekend is.")
    tijdstip: datetime = Field(description="Wanneer de reactie gegeven werd.")


class Wijziging(ApiModel):
    """One field of the form that a correction round changed: as the parents saw it before, and now."""

    model_config = described(
        "Eén veld van het formulier dat in een correctieronde veranderde: zoals de ouders het eerder zagen, en nu.",
        {"veld": "vve.maandenDeelname", "was": "12", "nu": "18"},
    )

    veld: str = Field(
        description="Het veld zoals het formulier het noemt, bijvoorbeeld `ontwikkeling.taal.toelichting`."
    )
    was: str | None = Field(description="De waarde die de ouders eerder zagen, als tekst; null: het veld was leeg.")
    nu: str | None = Field(description="De waarde nu, als tekst; null: het veld is leeg.")


class KindZonderOverdracht(ApiModel):
    """A child placed at the caller's location without an overdracht yet: one can be opened for it."""

    kind_id: UUID
    voornaam: str
    achternaam: str
    geboortedatum: date


class OverdrachtDetail(OverdrachtSamenvatting):
    """One overdracht. `formulier` and `ouderreacties` (the parents' part) are there only for roles
    that may read its content."""

    model_config = described(
        "Eén overdracht. `formulier` en `ouderreacties` (het deel van de ouders) staan er alleen voor rollen die de"
        " inhoud mogen lezen.",
        {
            **vb.SAMENVATTING,
            "kind": vb.KIND,
            "formulier": vb.FORMULIER,
            "ouderreacties": [
                {"eens": "ja", "zienswijze": None, "reden": None, "tijdstip": "2026-04-09T19:38:00Z"},
            ],
            "toestemmingVoor": "genoemde_school",
            "toestemmingSchoolId": vb.SCHOOL_ID,
            "wijzigingen": [],
            "bijlagen": [
                {"soort": "observatie_export", "ouderId": None, "grootte": 184320, "geuploadOp": "2026-03-30T14:02:00Z"}
            ],
        },
    )

    formulier: Formulier | None = Field(
        default=None,
        description="Het formulier; null voor rollen die de inhoud niet mogen lezen, en na het verwijderen van de"
        " inhoud.",
    )
    ouderreacties: list[OuderreactieWeergave] | None = Field(
        default=None, description="De reacties van de ouders; null voor rollen die de inhoud niet mogen lezen."
    )
    toestemming_voor: ToestemmingVoor | None = Field(
        default=None,
        description="Zodra de toestemming compleet is: voor de genoemde school (`toestemmingSchoolId`) of voor de school"
        " waar het kind wordt ingeschreven; null daarvoor.",
    )
    toestemming_school_id: UUID | None = Field(
        default=None, description="De school waarvoor de toestemming geldt, bij `genoemde_school`; anders null."
    )
    wijzigingen: list[Wijziging] | None = Field(
        default=None,
        description="Na een correctieronde: wat er in het formulier veranderde tussen de laatste twee versies die de"
        " ouders kregen; leeg als het één keer is ingediend. Alleen voor rollen die het formulier mogen lezen.",
    )
    bijlagen: list[Bijlage] | None = Field(
        default=None,
        description="De bestanden bij het formulier (alleen hun metagegevens), voor rollen die het mogen lezen.",
    )


class StapResultaat(ApiModel):
    """The overdracht right after the step, as the engine recorded it: metadata only. The answer to
    the steps after which the caller may no longer see the overdracht: a parent's decision on consent
    (a refusal or withdrawal ends it, and its content and the parents' accounts are purged) and a
    school's return."""

    model_config = described(
        "De overdracht direct na de stap, zoals de engine die vastlegde: alleen metagegevens. Het antwoord op de stappen"
        " waarna de vrager de overdracht misschien niet meer mag zien: het besluit van een ouder over toestemming (een"
        " weigering of intrekking beëindigt de overdracht, en de inhoud en de accounts van de ouders worden verwijderd)"
        " en een retour door de school.",
        {
            "id": vb.OVERDRACHT_ID,
            "status": "verzonden",
            "revisie": 9,
            "tijdstippen": vb.TIJDSTIPPEN,
            "termijnen": vb.TERMIJNEN,
        },
    )

    id: UUID = Field(description="Het id van de overdracht.")
    status: Status = Field(description="De status direct na de stap.")
    revisie: int = Field(description="Telt de vastgelegde wijzigingen van de overdracht, deze stap meegeteld.")
    tijdstippen: StapTijdstippen = Field(description="Wanneer elke stap gezet is.")
    termijnen: Termijnen = Field(description="De deadlines, en wat er te laat is.")


class OverdrachtenPagina(ApiModel):
    model_config = described(
        "Eén pagina van de lijst met overdrachten.",
        {"resultaten": [vb.SAMENVATTING], "volgendeCursor": "eyJnZW9wZW5kT3AiOiIyMDI2LTAzLTE2In0"},
    )

    resultaten: list[OverdrachtSamenvatting] = Field(
        description="De overdrachten van deze pagina, in de volgorde van `sort`."
    )
    volgende_cursor: str | None = Field(
        description="Geef mee als `cursor` voor de volgende pagina; null op de laatste pagina."
    )


_TIJDLIJN_ITEM = {
    "revisie": 9,
    "gebeurtenis": "verzonden",
    "status": "verzonden",
    "tijdstip": "2026-04-14T09:15:00Z",
    "rol": "pedagogisch_medewerker",
    "details": {"kalender": "schooldagen (regio midden)"},
    "toelichting": None,
}


class TijdlijnItem(ApiModel):
    model_config = described("Eén gebeurtenis op de tijdlijn van een overdracht.", _TIJDLIJN_ITEM)

    revisie: int = Field(description="Het volgnummer van de wijziging die deze gebeurtenis vastlegde.")
    gebeurtenis: Gebeurtenis = Field(description="Wat er gebeurde.")
    status: Status = Field(description="De status direct na de gebeurtenis.")
    tijdstip: datetime = Field(description="Wanneer het gebeurde.")
    rol: Rol | None = Field(
        description="De rol van wie de stap zette; null voor de engine zelf (een deadline, een bericht)."
    )
    details: dict[str, str] = Field(description="Welke vlag, deadline of welk bericht (aan wie): alleen metagegevens.")
    toelichting: str | None = Field(
        default=None,
        description="De reden die iemand opgaf, voor rollen die de inhoud mogen lezen; weg na het verwijderen van de"
        " inhoud.",
    )


class Tijdlijn(ApiModel):
    model_config = described(
        "De tijdlijn van een overdracht.",
        {
            "gebeurtenissen": [
                {
                    **_TIJDLIJN_ITEM,
                    "revisie": 1,
                    "gebeurtenis": "geopend",
                    "status": "concept",
                    "tijdstip": "2026-03-16T08:30:00Z",
                    "details": {},
                },
                _TIJDLIJN_ITEM,
            ]
        },
    )

    gebeurtenissen: list[TijdlijnItem] = Field(description="Elke gebeurtenis, oudste eerst.")


class Token(ApiModel):
    model_config = described(
        "Een toegangstoken dat kort geldig is.",
        {
            "accessToken": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2b29yYmVlbGQifQ.dm9vcmJlZWxk",
            "tokenType": "Bearer",
            "expiresIn": 3600,
        },
    )

    access_token: str = Field(description="Het token: stuur het mee als `Authorization: Bearer <token>`.")
    token_type: str = Field(default="Bearer", description="Altijd `Bearer`.")
    expires_in: int = Field(description="Hoeveel seconden het token geldig is.")


class Onderdeel(ApiModel):
    model_config = described(
        "De toestand van één onderdeel van de dienst.",
        {"status": "niet_klaar", "detail": "geen worker haalt werk op van de taakwachtrij"},
    )

    status: Annotated[
        str,
        Field(description="`ok`, `onbereikbaar` (antwoordt niet) of `niet_klaar` (antwoordt, maar is niet gereed)."),
    ]
    detail: str | None = Field(
        default=None, description="Waarom niet `ok`: de soort fout, of wat er niet gereed is; null bij `ok`."
    )


class Gezondheid(ApiModel):
    model_config = described(
        "Of de dienst gereed is, per onderdeel.",
        {
            "status": "ok",
            "onderdelen": {
                deel: {"status": "ok", "detail": None}
                for deel in ("api", "database", "migraties", "engine", "worker", "protocol")
            },
        },
    )

    status: Annotated[str, Field(description="`ok` als elk onderdeel dat is, anders `verstoord`.")]
    onderdelen: dict[str, Onderdeel] = Field(
        description="`api`; `database`; `migraties` (elke migratie toegepast); `engine`; `worker` (een worker haalde in"
        " de laatste 2 minuten werk op uit de wachtrij); `protocol` (een gemeente heeft een actief protocol)."
    )


class InvalidParam(ApiModel):
    """One invalid field of a request (the user-facing texts are Dutch: the document's)."""

    model_config = described("Eén ongeldig veld van het verzoek, met de reden.")

    name: str = Field(description="Het veld: een parameter, een header of een pad in de body (`vve.indicatie`).")
    reason: str = Field(description="Waarom het ongeldig is.")


class Problem(ApiModel):
    """RFC 9457 problem details. The `code` property's list of every code is added where the document is
    made (api/openapi.py), from the error classes: the one place each code is written."""

    model_config = described(
        "Een fout, als RFC 9457 problem details. `code` is vast en voor programma's; `title` en `detail` zijn voor"
        " mensen, in het Nederlands."
    )

    type: str = Field(description="Een URN per code: `urn:overdracht:probleem:` en de code in kleine letters.")
    title: str = Field(description="Wat voor probleem, kort; hetzelfde bij dezelfde `code`.")
    status: int = Field(description="De HTTP-status.")
    detail: str = Field(description="Wat er hier mis is en wat u kunt doen, voor de persoon voor het scherm.")
    instance: str | None = Field(default=None, description="Het pad van het verzoek.")
    code: str = Field(description="De vaste code van het probleem.")
    invalid_params: list[InvalidParam] | None = Field(
        default=None, description="Bij 400 `ongeldige_invoer` en soms 409: elk ongeldig veld, met de reden."
    )
    ontbrekende_velden: list[str] | None = Field(
        default=None, description="Bij 422 `formulier_onvolledig`: elk veld dat het formulier nog nodig heeft."
    )
    onderdelen: dict[str, Onderdeel] | None = Field(
        default=None,
        description="Bij 503 `niet_gereed` (/v1/gezondheid): de toestand van elk onderdeel, zoals bij gereed.",
    )
    tijdlijn: str | None = Field(
        default=None,
        description="Bij 503 `uitkomst_onbekend`: de tijdlijn van de overdracht, waarin de stap staat zodra hij is"
        " gezet. Hetzelfde verzoek met dezelfde Idempotency-Key herhalen geeft de echte uitkomst; de stap wordt nooit"
        " dubbel gezet.",
    )
