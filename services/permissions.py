"""Who may do what: each capability, what it allows in words, and the roles that have it. The one
permission check of the service: every use case calls `require` first; the API and the pages have none
of their own. Scope (which overdrachten a role sees) is the other half: db/scope.py."""

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from schemas.audit import Actie
from schemas.gebruiker import Gebruiker
from schemas.overdracht import Rol
from services.context import Context
from services.errors import Forbidden


class Capability(StrEnum):
    """A capability; its value is the `grondslag` (why) of every audit row the use case adds."""

    OVERDRACHT_OPENEN = "OverdrachtOpenen"
    OVERDRACHT_LEZEN = "OverdrachtLezen"
    FORMULIER_BEWERKEN = "FormulierBewerken"
    BIJLAGE_TOEVOEGEN = "BijlageToevoegen"
    BIJLAGE_LEZEN = "BijlageLezen"
    TOESTEMMINGSSCAN_TOEVOEGEN = "ToestemmingsscanToevoegen"
    TOESTEMMINGSSCAN_LEZEN = "ToestemmingsscanLezen"
    PAPIEREN_KOPIE_VASTLEGGEN = "PapierenKopieVastleggen"
    SCHOOL_KIEZEN = "SchoolKiezen"
    OUDERREACTIE_GEVEN = "OuderreactieGeven"
    TOESTEMMING_GEVEN = "ToestemmingGeven"
    TOESTEMMING_VASTLEGGEN = "ToestemmingVastleggen"
    VERZENDEN = "Verzenden"
    OVERDRACHTCODE_INWISSELEN = "OverdrachtcodeInwisselen"
    INTAKE_BEVESTIGEN = "IntakeBevestigen"
    RETOURNEREN = "Retourneren"
    WARME_OVERDRACHT_BIJDRAGEN = "WarmeOverdrachtBijdragen"
    ANNULEREN = "Annuleren"
    PLAATSING_WIJZIGEN = "PlaatsingWijzigen"
    DEADLINE_VERPLAATSEN = "DeadlineVerplaatsen"
    PLAATSINGEN_IMPORTEREN = "PlaatsingenImporteren"
    MONITORING_LEZEN = "MonitoringLezen"
    ACHTERSTANDEN_LEZEN = "AchterstandenLezen"
    KINDEREN_ZONDER_OVERDRACHT_ZIEN = "KinderenZonderOverdrachtZien"
    PAYLOADS_DECODEREN = "PayloadsDecoderen"
    INZAGE_LOG_LEZEN = "InzageLogLezen"
    AUDIT_EXPORTEREN = "AuditExporteren"
    BERICHTEN_INZIEN = "BerichtenInzien"
    OUDER_CODE_UITGEVEN = "OuderCodeUitgeven"
    MENTOR_TOEWIJZEN = "MentorToewijzen"
    GEBRUIKERS_BEHEREN = "GebruikersBeheren"
    ORGANISATIE_BEHEREN = "OrganisatieBeheren"
    PROTOCOL_BEHEREN = "ProtocolBeheren"


@dataclass(frozen=True)
class Permission:
    what: str  # completes "Met de rol … kunt u niet …" and the inzage-log's "why"
    roles: frozenset[Rol]


PM, LM, OUDER, SCHOOL = Rol.PEDAGOGISCH_MEDEWERKER, Rol.LOCATIEMANAGER, Rol.OUDER, Rol.SCHOOL
COORDINATOR, BEHEERDER = Rol.COORDINATOR, Rol.BEHEERDER
STAFF = frozenset({PM, LM})
C = Capability

# The role table of the domain, one line each.
PERMISSIONS: dict[Capability, Permission] = {
    C.OVERDRACHT_OPENEN: Permission("een overdracht openen", STAFF),
    # Reading what the list, the detail and the timeline show: everyone, within their scope (and only
    # the fields their role may read: services/views.py).
    C.OVERDRACHT_LEZEN: Permission("overdrachten bekijken", frozenset(Rol)),
    C.FORMULIER_BEWERKEN: Permission("het formulier bewerken of indienen", STAFF),
    # A file with the form (the observation instrument's export): added with the form, read as the form is
    # read, by every role that reads content (Gebruiker.reads_content), never the coordinator or beheerder.
    C.BIJLAGE_TOEVOEGEN: Permission("een bijlage bij het formulier toevoegen", STAFF),
    C.BIJLAGE_LEZEN: Permission("de bijlagen bij het formulier bekijken", STAFF | {OUDER, SCHOOL}),
    # The scan of a parent's consent form signed on paper: added by the location's staff, read by them and
    # by that parent only (the use case narrows a parent to their own); the school needs no scan.
    C.TOESTEMMINGSSCAN_TOEVOEGEN: Permission("een scan van een getekend toestemmingsformulier toevoegen", STAFF),
    C.TOESTEMMINGSSCAN_LEZEN: Permission("de scan van een getekend toestemmingsformulier bekijken", STAFF | {OUDER}),
    C.PAPIEREN_KOPIE_VASTLEGGEN: Permission("een papieren kopie vastleggen", STAFF),
    C.SCHOOL_KIEZEN: Permission("de school kiezen", STAFF | {OUDER}),
    C.OUDERREACTIE_GEVEN: Permission("een reactie van de ouders geven", frozenset({OUDER})),
    C.TOESTEMMING_GEVEN: Permission("toestemming geven, weigeren of intrekken", frozenset({OUDER})),
    # Consent on paper or in the conversation: the voorschool records a parent's decision for them.
    C.TOESTEMMING_VASTLEGGEN: Permission("het besluit van een ouder over toestemming vastleggen", STAFF),
    C.VERZENDEN: Permission("de overdracht verzenden", STAFF),
    # The school where the parents enrolled the child enters their overdracht code, and receives it.
    C.OVERDRACHTCODE_INWISSELEN: Permission("een overdrachtcode van ouders inwisselen", frozenset({SCHOOL})),
    C.INTAKE_BEVESTIGEN: Permission("ontvangst en intake bevestigen", frozenset({SCHOOL})),
    C.RETOURNEREN: Permission("een overdracht retour sturen", frozenset({SCHOOL})),
    # The PM'er and the school plan and record it; parents may ask for one (the use case lets them only ask).
    C.WARME_OVERDRACHT_BIJDRAGEN: Permission("aan de warme overdracht bijdragen", frozenset({PM, SCHOOL, OUDER})),
    C.ANNULEREN: Permission("een overdracht annuleren", frozenset({LM})),
    # The child leaves the voorschool, or moves to another location of the gemeente.
    C.PLAATSING_WIJZIGEN: Permission("de plaatsing van een kind beëindigen of verhuizen", frozenset({LM})),
    C.DEADLINE_VERPLAATSEN: Permission("een deadline verplaatsen", frozenset({COORDINATOR})),
    C.PLAATSINGEN_IMPORTEREN: Permission("plaatsingen importeren", frozenset({LM, BEHEERDER})),
    C.MONITORING_LEZEN: Permission("de monitoring bekijken", STAFF | {SCHOOL, COORDINATOR}),
    C.ACHTERSTANDEN_LEZEN: Permission("de achterstanden bekijken", frozenset({LM, COORDINATOR, SCHOOL})),
    C.KINDEREN_ZONDER_OVERDRACHT_ZIEN: Permission("de kinderen zonder overdracht bekijken", frozenset({COORDINATOR})),
    C.PAYLOADS_DECODEREN: Permission("versleutelde gegevens inzien", frozenset({BEHEERDER})),
    # Parents see the log of their own child; the location's staff see it with them.
    C.INZAGE_LOG_LEZEN: Permission("het inzage-log van een kind bekijken", STAFF | {OUDER}),
    # The privacy officer's export of the audit trail: functioneel beheer, for their gemeente.
    C.AUDIT_EXPORTEREN: Permission("het audit-log exporteren", frozenset({BEHEERDER})),
    # The development outbox: what would have been mailed.
    C.BERICHTEN_INZIEN: Permission("de berichten inzien", STAFF | {COORDINATOR, BEHEERDER}),
    # The location's staff give a parent a new code: a printed letter, or a link by mail (and see the
    # parents' names, and whether each has an address, to choose whom).
    C.OUDER_CODE_UITGEVEN: Permission("een ouder een nieuwe code geven (per brief of e-mail)", STAFF),
    # The locatiemanager names a child's mentor (a PM'er of the location); a PM'er who opens an
    # overdracht by hand becomes the mentor of a child without one, as part of opening.
    C.MENTOR_TOEWIJZEN: Permission("de mentor van een kind toewijzen", frozenset({LM})),
    # The gemeente's people: invite staff, change their role and where they work, deactivate them.
    C.GEBRUIKERS_BEHEREN: Permission("medewerkers uitnodigen of hun rol en toegang wijzigen", frozenset({BEHEERDER})),
    # Functioneel beheer keeps the gemeente's stadsdelen, wijken, locations and schools (services/organisatie.py).
    C.ORGANISATIE_BEHEREN: Permission("de organisatie van de gemeente beheren", frozenset({BEHEERDER})),
    # The gemeente's protocol: upload a version, compare it with the active one, activate it.
    C.PROTOCOL_BEHEREN: Permission("het protocol van de gemeente beheren", frozenset({BEHEERDER})),
}


def allows(user: Gebruiker, capability: Capability) -> bool:
    return user.rol in PERMISSIONS[capability].roles


def require(
    ctx: Context, capability: Capability, *, overdracht_id: UUID | None = None, actie: Actie = Actie.WIJZIGEN
) -> Gebruiker:
    """The caller, when their role has `capability`; else a 403 (recorded in the audit trail, with the
    overdracht it named). Sets the 'why' of every audit row the use case adds after it."""
    ctx.audit.grondslag = capability.value
    if not allows(ctx.user, capability):
        ctx.audit.refused(ctx.user, actie, overdracht_id)
        raise refusal(ctx.user.rol, capability)
    return ctx.user


def refusal(rol: Rol, capability: Capability) -> Forbidden:
    """The 403 a role without `capability` gets (also the example in the API's documentation)."""
    return Forbidden(f"Met de rol '{rol.value}' kunt u niet {PERMISSIONS[capability].what}.")


def description(grondslag: str) -> str | None:
    """What a capability allows, in words (the inzage-log's 'why')."""
    try:
        return PERMISSIONS[Capability(grondslag)].what
    except ValueError:
        return None
