"""Messages the workflow sends (reminders, escalations, invitations): what it asks for, by whom read."""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel


class BerichtSoort(StrEnum):
    UITNODIGING = "uitnodiging"  # something is ready for you (the overdracht opened; the form is ready for the parents)
    HERINNERING = "herinnering"  # a deadline is near or has passed: please act
    ESCALATIE = "escalatie"  # a deadline passed and the step is still not taken: to whoever oversees it


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


class BezorgStatus(StrEnum):
    WACHTEND = "wachtend"  # queued, not yet delivered
    VERZONDEN = "verzonden"  # accepted by the mail server
    GEEN_MAILSERVER = "geen_mailserver"  # no SMTP configured: kept in the outbox, readable in development
    GEEN_ADRES = "geen_adres"  # nobody with an address to send it to
    ONZEKER = "onzeker"  # an earlier attempt stopped mid-delivery; not retried, so never sent twice
    GEBUNDELD = "gebundeld"  # every recipient takes the daily digest: it goes out there, not by itself
