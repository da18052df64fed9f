"""The Dutch texts of the messages; a mail leaves our systems, so they hold no personal data at all.

A text names only the kind of step, the deadline date and a link with the overdracht's opaque id (in
a parent's invitation: their own one-time link): no child's name, date of birth, BSN or form content.
Whoever follows the link signs in and sees what their role may see. Pure functions: the same request
renders the same text."""

from datetime import UTC, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from schemas.bericht import Aanleiding, BerichtAanvraag, BerichtSoort, Ontvanger

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip

AANHEF = {
    Ontvanger.PEDAGOGISCH_MEDEWERKER: "Beste pedagogisch medewerker,",
    Ontvanger.LOCATIEMANAGER: "Beste locatiemanager,",
    Ontvanger.SCHOOL: "Beste collega van de school,",
    Ontvanger.SCHOOLDIRECTIE: "Beste directie,",
    Ontvanger.SCHOOL_INTAKE: "Beste collega van de school,",
    Ontvanger.COORDINATOR: "Beste coördinator,",
    Ontvanger.OUDERS: "Beste ouder of verzorger,",
}

# Each step: how it reads in a subject line, and what it is, in a sentence.
STAP = {
    Aanleiding.START: ("de overdracht kan beginnen", "De overdracht naar de basisschool kan beginnen."),
    Aanleiding.INDIENING: (
        "het overdrachtsformulier voor de ouders",
        "Het ingevulde overdrachtsformulier gaat naar de ouders, zodat zij het kunnen lezen.",
    ),
    Aanleiding.TOESTEMMING: (
        "de toestemming van de ouders",
        "De ouders lezen het overdrachtsformulier en geven wel of geen toestemming om het naar de school te sturen.",
    ),
    Aanleiding.SCHOOL_ONBEKEND: (
        "de basisschool is nog niet bekend",
        "Er is nog geen basisschool bekend waar de overdracht naartoe kan.",
    ),
    Aanleiding.VERZENDEN: (
        "de overdracht naar de school sturen",
        "De overdracht kan, met toestemming van de ouders, naar de basisschool worden gestuurd.",
    ),
    Aanleiding.BEVESTIGEN: (
        "de ontvangst van de overdracht bevestigen",
        "De basisschool heeft de overdracht ontvangen en bevestigt de ontvangst en de intake.",
    ),
    Aanleiding.AANGEKOMEN: (
        "er is een overdracht voor uw school binnengekomen",
        "Een voorschool heeft een overdracht naar uw school gestuurd, met toestemming van de ouders.",
    ),
    Aanleiding.WARME_OVERDRACHT: (
        "de warme overdracht",
        "Voor deze overdracht is een warme overdracht nodig: een gesprek tussen de voorschool en de school.",
    ),
    Aanleiding.NIEUWE_CODE: (
        "uw nieuwe persoonlijke link",
        "U of de voorschool heeft hem aangevraagd.",
    ),
    Aanleiding.OVERDRACHTCODE: (
        "uw overdrachtcode voor de basisschool",
        "U gaf toestemming om het overdrachtsformulier te sturen naar de basisschool waar u uw kind inschrijft.",
    ),
    Aanleiding.TOESTEMMING_VASTGELEGD: (
        "uw besluit over de toestemming",
        "De voorschool heeft vastgelegd wat u besloot: op het papieren formulier of in het gesprek.",
    ),
}

# What is asked of whom: the person who takes the step is asked to take it.
ACTIE = {
    (Aanleiding.START, Ontvanger.PEDAGOGISCH_MEDEWERKER): "Wilt u het overdrachtsformulier invullen?",
    (Aanleiding.START, Ontvanger.OUDERS): (
        "De pedagogisch medewerker vult het overdrachtsformulier in en bespreekt het daarna met u."
    ),
    (Aanleiding.INDIENING, Ontvanger.OUDERS): (
        "Het formulier staat voor u klaar. Wilt u het lezen? U kunt er een reactie bij geven en daarna wel of"
        " geen toestemming geven."
    ),
    (Aanleiding.INDIENING, Ontvanger.PEDAGOGISCH_MEDEWERKER): (
        "Wilt u het formulier afmaken en indienen, zodat de ouders het kunnen lezen?"
    ),
    (Aanleiding.TOESTEMMING, Ontvanger.OUDERS): (
        "Wilt u het formulier lezen en aangeven of u toestemming geeft om het naar de basisschool te sturen?"
    ),
    (Aanleiding.TOESTEMMING, Ontvanger.PEDAGOGISCH_MEDEWERKER): (
        "Wilt u het formulier met de ouders bespreken, zodat zij hun besluit kunnen nemen?"
    ),
    (Aanleiding.SCHOOL_ONBEKEND, Ontvanger.OUDERS): "Wilt u doorgeven op welke basisschool uw kind is aangemeld?",
    (Aanleiding.SCHOOL_ONBEKEND, Ontvanger.PEDAGOGISCH_MEDEWERKER): (
        "Wilt u met de ouders nagaan op welke basisschool hun kind is aangemeld, en die school invullen?"
    ),
    (Aanleiding.SCHOOL_ONBEKEND, Ontvanger.LOCATIEMANAGER): (
        "Wilt u zorgen dat de school bekend wordt, zodat de overdracht kan worden verstuurd?"
    ),
    (Aanleiding.VERZENDEN, Ontvanger.PEDAGOGISCH_MEDEWERKER): "Wilt u de overdracht naar de school sturen?",
    (Aanleiding.VERZENDEN, Ontvanger.OUDERS): (
        "U hoeft niets te doen: de voorschool stuurt de overdracht naar de school die u heeft gekozen."
    ),
    (Aanleiding.BEVESTIGEN, Ontvanger.SCHOOL): (
        "Wilt u de overdracht lezen en de ontvangst en de geplande eerste schooldag bevestigen?"
    ),
    (Aanleiding.BEVESTIGEN, Ontvanger.PEDAGOGISCH_MEDEWERKER): (
        "U hoeft niets te doen; u ziet in de overdracht wanneer de school de ontvangst bevestigt."
    ),
    (Aanleiding.AANGEKOMEN, Ontvanger.SCHOOL_INTAKE): (
        "Wilt u hem lezen en de ontvangst en de geplande eerste schooldag bevestigen? U vindt hem bij de ontvangen"
        " overdrachten."
    ),
    (Aanleiding.WARME_OVERDRACHT, Ontvanger.SCHOOL): (
        "Wilt u met de voorschool een gesprek plannen en houden vóór de eerste schooldag?"
    ),
    (Aanleiding.WARME_OVERDRACHT, Ontvanger.PEDAGOGISCH_MEDEWERKER): (
        "Wilt u met de school een gesprek plannen en houden vóór de eerste schooldag?"
    ),
    (Aanleiding.WARME_OVERDRACHT, Ontvanger.OUDERS): (
        "De voorschool en de school spreken elkaar over de overgang van uw kind; u mag daarbij zijn."
    ),
    (Aanleiding.OVERDRACHTCODE, Ontvanger.OUDERS): (
        "Geef de overdrachtcode in dit bericht aan de basisschool als u uw kind inschrijft. De school haalt er de"
        " overdracht mee op."
    ),
    (Aanleiding.TOESTEMMING_VASTGELEGD, Ontvanger.OUDERS): (
        "Via de link hieronder ziet u wat er is vastgelegd. Klopt het niet? Neem dan contact op met de voorschool."
        " Zolang de school de overdracht nog niet heeft ontvangen, kunt u uw toestemming ook zelf intrekken."
    ),
    (Aanleiding.NIEUWE_CODE, Ontvanger.OUDERS): (
        "Heeft u niet om een nieuwe link gevraagd? Dan kunt u dit bericht negeren; uw oude link blijft werken"
        " zolang hij geldig is."
    ),
}

# Everyone not named above for a step oversees it, or is told about it.
TOEZICHT = {
    Ontvanger.LOCATIEMANAGER: "Wilt u nagaan wat er op uw locatie nodig is om deze stap te zetten?",
    Ontvanger.SCHOOLDIRECTIE: "Wilt u nagaan wat er op uw school nodig is om deze stap te zetten?",
    Ontvanger.COORDINATOR: "Wilt u nagaan wat er nodig is om deze stap te zetten?",
}
TER_INFORMATIE = "Dit bericht is ter informatie; u hoeft nu niets te doen."

INLEIDING = {
    BerichtSoort.UITNODIGING: "Er is een nieuwe stap in een overdracht.",
    BerichtSoort.HERINNERING: "Dit is een herinnering: een stap van een overdracht is nog niet gezet.",
    BerichtSoort.ESCALATIE: (
        "Een stap van een overdracht is na de termijn nog niet gezet. U krijgt dit bericht omdat u toeziet op"
        " deze stap."
    ),
}
# A message that is about no step has its own opening line.
INLEIDING_BIJ = {
    Aanleiding.NIEUWE_CODE: "U krijgt een nieuwe persoonlijke link voor de overdracht van uw kind naar de basisschool.",
    Aanleiding.TOESTEMMING_VASTGELEGD: "U heeft de voorschool laten weten of het overdrachtsformulier naar de school mag.",
}
ONDERWERP = {
    BerichtSoort.UITNODIGING: "Overdracht: {stap}",
    BerichtSoort.HERINNERING: "Herinnering overdracht: {stap}",
    BerichtSoort.ESCALATIE: "Termijn verstreken, overdracht: {stap}",
}

SLOT = (
    "Om de privacy van het kind te beschermen staan in dit bericht geen gegevens van het kind.\n"
    "Dit is een automatisch bericht; u kunt er niet op antwoorden."
)


def datum(moment: datetime) -> str:
    """The Amsterdam date in Dutch: '31 december 2027'. A moment without a zone is taken as UTC."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(AMSTERDAM)
    return f"{local.day} {MAANDEN[local.month - 1]} {local.year}"


def _actie(aanleiding: Aanleiding, ontvanger: Ontvanger) -> str:
    return ACTIE.get((aanleiding, ontvanger)) or TOEZICHT.get(ontvanger, TER_INFORMATIE)


def tijdstip(moment: datetime) -> str:
    """The Amsterdam date and time in Dutch: '31 december 2027 om 17:00'."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(AMSTERDAM)
    return f"{datum(moment)} om {local:%H:%M}"


def _opbouw(aanvraag: BerichtAanvraag) -> tuple[str, list[str]]:
    """The subject, and the paragraphs before the link."""
    kort, uitleg = STAP[aanvraag.aanleiding]
    onderwerp = ONDERWERP[aanvraag.soort].format(stap=kort)
    alineas = [
        AANHEF[aanvraag.ontvanger],
        INLEIDING_BIJ.get(aanvraag.aanleiding) or INLEIDING[aanvraag.soort],
        f"{uitleg} {_actie(aanvraag.aanleiding, aanvraag.ontvanger)}",
    ]
    if aanvraag.deadline is not None:
        wanneer = datum(aanvraag.deadline)
        alineas.append(
            f"De termijn voor deze stap liep af op {wanneer}."
            if aanvraag.soort is BerichtSoort.ESCALATIE
            else f"Uiterste datum voor deze stap: {wanneer}."
        )
    return onderwerp, alineas


def ouder_link(public_base_url: str, code: str) -> str:
    """The parent's page with their one-time code: the link in their messages and the QR code of
    their letter (services/ouder_brieven.py)."""
    return f"{public_base_url.rstrip('/')}/ouder?code={code}"


def render(aanvraag: BerichtAanvraag, public_base_url: str) -> tuple[str, str]:
    """(subject, body) of one message, in Dutch: with a link to the overdracht, or, for a school's
    arrival notice, to its list of received overdrachten (its start page)."""
    onderwerp, alineas = _opbouw(aanvraag)
    base = public_base_url.rstrip("/")
    if aanvraag.aanleiding is Aanleiding.AANGEKOMEN:
        alineas.append(f"Bekijk de ontvangen overdrachten (na aanmelden):\n{base}/")
    else:
        alineas.append(f"Bekijk de overdracht (na aanmelden):\n{base}/overdrachten/{aanvraag.overdracht_id}")
    alineas.append(SLOT)
    return onderwerp, "\n\n".join(alineas) + "\n"


def render_met_code(
    aanvraag: BerichtAanvraag, code_url: str, geldig_tot: datetime, overdrachtcode: str | None = None
) -> tuple[str, str]:
    """(subject, body) of a message to one parent with their own one-time link: the same text as
    `render`, but the link opens the form without an account; with the parents' `overdrachtcode` for the
    school where applicable. Codes are secrets, not personal data; never stored in clear (the outbox
    keeps the text without them)."""
    onderwerp, alineas = _opbouw(aanvraag)
    if overdrachtcode is not None:
        alineas.append(f"Uw overdrachtcode voor de basisschool: {overdrachtcode}")
    alineas += [
        f"Open de overdracht met uw persoonlijke link:\n{code_url}",
        f"Deze link is alleen voor u. Hij werkt één keer, tot {tijdstip(geldig_tot)}; stuur hem niet door."
        " Werkt de link niet meer, neem dan contact op met de voorschool.",
        SLOT,
    ]
    return onderwerp, "\n\n".join(alineas) + "\n"


# The daily digest: what each step waits for, as a line of the list reads.
WACHT_OP = {
    Aanleiding.TOESTEMMING: "de toestemming van de ouders",
    Aanleiding.SCHOOL_ONBEKEND: "een bekende basisschool",
    Aanleiding.VERZENDEN: "verzending naar de school",
    Aanleiding.BEVESTIGEN: "ontvangstbevestiging",
    Aanleiding.WARME_OVERDRACHT: "de warme overdracht",
}
SOORT_IN_BUNDEL = {
    BerichtSoort.HERINNERING.value: "",
    BerichtSoort.ESCALATIE.value: "; de termijn is verstreken en u ziet erop toe",
}


def render_bundel(items: list[tuple[str, str, UUID]], public_base_url: str) -> tuple[str, str]:
    """(subject, body) of a person's daily digest: per kind of step, how many overdrachten wait for it,
    each with its link; no personal data, as in every message. `items`: (soort, aanleiding, overdracht)."""
    base = public_base_url.rstrip("/")
    groepen: dict[tuple[str, str], list[UUID]] = {}
    for soort, aanleiding, overdracht_id in items:
        groepen.setdefault((aanleiding, soort), []).append(overdracht_id)
    alineas = [
        "Beste collega,",
        "Dit is uw dagelijkse overzicht van de overdrachten waarin een stap op u wacht of waarop u toeziet.",
    ]
    for (aanleiding, soort), ids in groepen.items():
        wat = WACHT_OP.get(Aanleiding(aanleiding)) or STAP[Aanleiding(aanleiding)][0]
        hoeveel = "1 overdracht wacht" if len(ids) == 1 else f"{len(ids)} overdrachten wachten"
        regels = [f"{hoeveel} op {wat}{SOORT_IN_BUNDEL.get(soort, '')}:"]
        regels += [f"{base}/overdrachten/{overdracht_id}" for overdracht_id in ids]
        alineas.append("\n".join(regels))
    alineas.append("U krijgt dit overzicht omdat u herinneringen eenmaal per dag ontvangt; dat kunt u wijzigen bij"
                   f" uw instellingen:\n{base}/instellingen")  # fmt: skip
    alineas.append(SLOT)
    aantal = len(items)
    onderwerp = f"Overzicht overdrachten: {aantal} {'stap wacht' if aantal == 1 else 'stappen wachten'}"
    return onderwerp, "\n\n".join(alineas) + "\n"
