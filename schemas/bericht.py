"""Messages the workflow sends (reminders, escalations, invitations): what it asks for, by whom read."""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel

from schemas.openapi import described_enum


@described_enum(
    "Wat voor bericht het is.",
    UITNODIGING="Er staat iets klaar (de overdracht is geopend, het formulier ligt klaar voor de ouders).",
    HERINNERING="Een deadline nadert of is verstreken: graag actie.",
    ESCALATIE="Een deadline verstreek en de stap is nog steeds niet gezet: aan wie erop toeziet.",
)
class BerichtSoort(StrEnum):
    UITNODIGING = "uitnodiging"  # something is ready for you (the overdracht opened; the form is ready for the parents)
    HERINNERING = "herinnering"  # a deadline is near or has passed: please act
    ESCALATIE = "escalatie"  # a deadline passed and the step is still not taken: to whoever oversees it


@described_enum(
    "Over welke stap een bericht gaat.",
    START="De overdracht is op de startleeftijd geopend: de pedagogisch medewerker kan beginnen.",
    INDIENING="Het formulier ligt klaar voor de ouders.",
    TOESTEMMING="De reactie en de toestemming van de ouders.",
    SCHOOL_ONBEKEND="Er is nog steeds geen ontvangende school bekend.",
    VERZENDEN="Het versturen naar de school.",
    BEVESTIGEN="De school bevestigt ontvangst en intake.",
    AANGEKOMEN="Een overdracht is naar de school verstuurd: het aankomstbericht.",
    WARME_OVERDRACHT="Het houden van de warme overdracht.",
    NIEUWE_CODE="Geen stap: een nieuwe eenmalige link voor een ouder, gevraagd door de ouder of gemaakt door de"
    " voorschool.",
    OVERDRACHTCODE="De overdrachtcode die de ouders aan de school geven waar zij het kind inschrijven.",
    TOESTEMMING_VASTGELEGD="De voorschool legde het besluit van een ouder vast (op papier of in een gesprek).",
)
class Aanleiding(StrEnum):
    """Which step a message is about."""

    START = "start"  # the overdracht opened at the start age: the PM'er is asked to start
    INDIENING = "indiening"  # the form is ready for the parents' review
    TOESTEMMING = "toestemming"  # the parents' review and consent
    SCHOOL_ONBEKEND = "school_onbekend"  # still no school known
    VERZENDEN = "verzenden"  # sending to the school
    BEVESTIGEN = "bevestigen"  # the school confirming receipt and intake
    AANGEKOMEN = "aangekomen"  # an overdracht was sent to the school: its arrival notice
    WARME_OVERDRACHT = "warme_overdracht"  # holding the warme overdracht
    # Not a step: a parent's new one-time link, asked for by the parent or made by the voorschool.
    NIEUWE_CODE = "nieuwe_code"
    OVERDRACHTCODE = "overdrachtcode"  # the parents' code to hand to the school where they enrol the child
    TOESTEMMING_VASTGELEGD = "toestemming_vastgelegd"  # the voorschool recorded a parent's decision (on paper)


@described_enum(
    "Wie een bericht ontvangt; de adressen komen uit de organisaties van de overdracht.",
    PEDAGOGISCH_MEDEWERKER="De mentor van het kind; zonder mentor de pedagogisch medewerkers van de locatie.",
    LOCATIEMANAGER="De locatiemanagers van de locatie.",
    SCHOOL="De medewerkers van de ontvangende school.",
    SCHOOLDIRECTIE="De directie van de ontvangende school (alle medewerkers als niemand directie is).",
    SCHOOL_INTAKE="Waar de ontvangende school nieuwe leerlingen aanneemt: het intake-adres en de intern"
    " begeleiders (alle medewerkers als de school geen van beide heeft).",
    COORDINATOR="De coördinatoren van de gemeente.",
    OUDERS="De ouders van het kind.",
)
class Ontvanger(StrEnum):
    """Who receives a message; the activity finds their addresses in the overdracht's scope."""

    PEDAGOGISCH_MEDEWERKER = "pedagogisch_medewerker"  # the child's mentor; without one, the location's PM'ers
    LOCATIEMANAGER = "locatiemanager"  # the location's managers
    SCHOOL = "school"  # the receiving school's staff
    SCHOOLDIRECTIE = "schooldirectie"  # the receiving school's direction (all its staff if none is marked)
    # Where the receiving school takes in new pupils: its own intake address and its intern begeleiders
    # (all its staff if it has neither).
    SCHOOL_INTAKE = "school_intake"
    COORDINATOR = "coordinator"  # the gemeente's coordinators
    OUDERS = "ouders"  # the child's parents


class BerichtAanvraag(BaseModel):
    """One message the workflow wants sent. `sleutel` makes it unique per overdracht: asking again
    with the same key (a retry, a replay) queues nothing new."""

    overdracht_id: UUID
    sleutel: str
    soort: BerichtSoort
    aanleiding: Aanleiding
    ontvanger: Ontvanger
    deadline: datetime | None = None


@described_enum(
    "Hoe ver de bezorging van een bericht is.",
    WACHTEND="In de wachtrij, nog niet bezorgd.",
    VERZONDEN="Aangenomen door de mailserver.",
    GEEN_MAILSERVER="Er is geen mailserver ingesteld: het bericht blijft in de outbox (leesbaar bij ontwikkeling).",
    GEEN_ADRES="Er is niemand met een adres om het aan te sturen.",
    ONZEKER="Een eerdere poging stopte halverwege de bezorging; nooit opnieuw geprobeerd, zodat het nooit twee"
    " keer aankomt.",
    GEBUNDELD="Alle ontvangers krijgen het dagelijkse overzicht: het bericht gaat daarin mee, niet los.",
)
class BezorgStatus(StrEnum):
    WACHTEND = "wachtend"  # queued, not yet delivered
    VERZONDEN = "verzonden"  # accepted by the mail server
    GEEN_MAILSERVER = "geen_mailserver"  # no SMTP configured: kept in the outbox, readable in development
    GEEN_ADRES = "geen_adres"  # nobody with an address to send it to
    ONZEKER = "onzeker"  # an earlier attempt stopped mid-delivery; not retried, so never sent twice
    GEBUNDELD = "gebundeld"  # every recipient takes the daily digest: it goes out there, not by itself
