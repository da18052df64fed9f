"""The parents' pages' words: where things stand, the form, the inzage-log and the errors in plain
Dutch (B1), each marked for translation (`N_`: web/i18n.py translates it when a page is shown)."""

from typing import Any

from schemas.audit import Actie
from schemas.formulier import Domein, Instrument, Niveau, VveProgramma
from schemas.overdracht import Eens, Rol, Status
from services.audit import OUDER_CODE, OUDER_CODE_AANVRAAG
from web import labels
from web.i18n import N_

# The lifecycle in plain words: where things stand, for the parent.
STATUS = {
    Status.CONCEPT: N_("De voorschool maakt het formulier nog klaar. U krijgt een bericht als u het kunt lezen."),
    Status.BIJ_OUDERS: N_("Het formulier ligt bij u. Lees het, en zeg of u toestemming geeft."),
    Status.WACHT_OP_SCHOOL: N_("U gaf toestemming. Het formulier wacht tot bekend is naar welke school uw kind gaat."),
    Status.GEREED_VOOR_VERZENDING: N_("U gaf toestemming. De voorschool stuurt het formulier naar de school."),
    Status.VERZONDEN: N_("De voorschool heeft het formulier naar de school gestuurd."),
    Status.ONTVANGEN: N_("De school heeft het formulier ontvangen."),
    Status.WARME_OVERDRACHT_GEPLAND: N_("De school heeft het formulier. Er is een gesprek gepland met de voorschool."),
    Status.WARME_OVERDRACHT_GEHOUDEN: N_("De school heeft het formulier. Het gesprek met de voorschool is geweest."),
    Status.AFGEROND: N_("Klaar: de school heeft het formulier."),
    Status.GEWEIGERD: N_("U gaf geen toestemming. De school krijgt het formulier niet."),
    Status.INGETROKKEN: N_("U heeft uw toestemming ingetrokken. De school krijgt het formulier niet."),
    Status.GEANNULEERD: N_("De overdracht is gestopt, bijvoorbeeld omdat uw kind van voorschool is veranderd."),
}
# Why a step is not (or no longer) possible, before what the status is now.
KAN_NIET = {
    "reactie": N_("Reageren kan alleen zolang het formulier bij u ligt."),
    "toestemming": N_("Toestemming geven of weigeren kan alleen zolang het formulier bij u ligt."),
    "school": N_("De school kiezen kan alleen tot de voorschool het formulier verstuurt."),
    "intrekken": N_("Intrekken kan alleen nadat u toestemming gaf, en tot de school het formulier heeft ontvangen."),
}

# The form in plain words.
DOMEINEN = {
    Domein.TAAL: N_("Taal: praten en begrijpen"),
    Domein.REKENEN: N_("Rekenen: tellen, vormen en hoeveelheden"),
    Domein.MOTORIEK_GROF: N_("Bewegen: rennen, klimmen, springen"),
    Domein.MOTORIEK_FIJN: N_("Fijne bewegingen: tekenen, knippen, bouwen"),
    Domein.SOCIAAL_EMOTIONEEL: N_("Omgaan met anderen en met gevoelens"),
    Domein.SPEL: N_("Spelen"),
    Domein.ZELFREDZAAMHEID: N_("Zelf dingen doen: aankleden, eten, naar de wc"),
    Domein.WELBEVINDEN: N_("Zich fijn voelen"),
}
NIVEAUS = {
    Niveau.VOORSPRONG: N_("verder dan de meeste kinderen van die leeftijd"),
    Niveau.ZOALS_VERWACHT: N_("zoals verwacht voor de leeftijd"),
    Niveau.AANDACHT: N_("heeft hier wat extra aandacht nodig"),
    Niveau.ZORG: N_("heeft hier extra hulp nodig"),
}
# Names of programmes and instruments are names: only "another one" is translated.
PROGRAMMAS = {**labels.PROGRAMMAS, VveProgramma.ANDERS: N_("een ander programma")}
INSTRUMENTEN = {**labels.INSTRUMENTEN, Instrument.ANDERS: N_("een andere manier")}
EENS = {
    Eens.JA: N_("Ja, het klopt"),
    Eens.NEE: N_("Nee, niet alles klopt"),
    Eens.ONBEKEND: N_("Dat weet ik niet"),
}
# A changed field of the form (after a correction round), by its first part.
FORMULIERDELEN = {
    "voorschool": N_("Voorschool"),
    "vve": N_("VVE"),
    "ontwikkeling": N_("Ontwikkeling"),
    "observatie": N_("Observatie"),
    "bijzonderheden": N_("Bijzonderheden"),
}

# The inzage-log in plain words: who (role), did what (action, subject), with which data, and why.
ROLLEN = {
    Rol.PEDAGOGISCH_MEDEWERKER: N_("pedagogisch medewerker"),
    Rol.LOCATIEMANAGER: N_("locatiemanager"),
    Rol.OUDER: N_("ouder"),
    Rol.SCHOOL: N_("school"),
    Rol.COORDINATOR: N_("coördinator van de gemeente"),
    Rol.BEHEERDER: N_("functioneel beheer"),
}
ACTIES = {
    Actie.LEZEN: N_("Bekeken"),
    Actie.WIJZIGEN: N_("Gewijzigd"),
    Actie.IMPORTEREN: N_("Ingelezen"),
    Actie.EXPORTEREN: N_("Gedownload"),
    Actie.AANMELDEN: N_("Aangemeld"),
}
ONDERWERPEN = {
    "overdracht.detail": N_("de overdracht"),
    "overdrachten.lijst": N_("de lijst met overdrachten"),
    "overdracht.tijdlijn": N_("het verloop van de overdracht"),
    "overdracht.inzage_log": N_("dit overzicht (het inzage-log)"),
    "overdracht.openen": N_("de overdracht geopend"),
    "overdracht.formulier": N_("het formulier"),
    "overdracht.indiening": N_("het formulier naar de ouders gestuurd"),
    "overdracht.correctie": N_("het formulier teruggenomen om het te verbeteren"),
    "overdracht.ouderreactie": N_("de reactie van de ouders"),
    "overdracht.papieren_kopie": N_("een papieren kopie voor de ouders"),
    "overdracht.toestemming": N_("de toestemming van de ouders"),
    "overdracht.toestemming_namens_ouder": N_("de toestemming van een ouder, op papier of in een gesprek"),
    "overdracht.toestemmingsscan": N_("de scan van het getekende toestemmingsformulier"),
    "overdracht.school": N_("de school"),
    "overdracht.verzending": N_("het formulier naar de school gestuurd"),
    "overdracht.code_ingewisseld": N_("de overdrachtcode van de ouders"),
    "overdracht.ontvangstbevestiging": N_("de ontvangst door de school"),
    "overdracht.retour": N_("teruggestuurd door de school"),
    "overdracht.warme_overdracht": N_("het gesprek tussen voorschool en school (warme overdracht)"),
    "overdracht.annulering": N_("de overdracht gestopt"),
    "overdracht.deadline": N_("een termijn"),
    "overdracht.mentor": N_("de mentor"),
    "overdracht.observatie_export": N_("het verslag van de observatie"),
    "ouder_sessie": N_("met een persoonlijke link of code"),
    "ouder.code": N_("een nieuwe code voor een ouder"),
    "ouder_brief": N_("een brief met een nieuwe code"),
    "ouder_code.email": N_("een nieuwe link per e-mail"),
    "ouder_code.aanvraag": N_("een nieuwe link per e-mail, gevraagd door een ouder"),
    "ouders": N_("de ouders"),
    "plaatsingen": N_("de plaatsing van het kind"),
}
VELDEN = {
    "kind.naam": N_("naam van het kind"),
    "kind.geboortedatum": N_("geboortedatum"),
    "kind.bsn": N_("burgerservicenummer (BSN)"),
    "kind.vve_indicatie": N_("VVE-indicatie"),
    "kind.aangemelde_school": N_("school waar het kind is aangemeld"),
    "kind.mentor": N_("mentor"),
    "kind.locatie": N_("voorschool"),
    "kind.leeftijd": N_("leeftijd"),
    "kind.plaatsing_beeindigd_op": N_("einde van de plaatsing"),
    "formulier": N_("het formulier"),
    "formulier.voorschool": N_("formulier: voorschool"),
    "formulier.vve": N_("formulier: VVE"),
    "formulier.ontwikkeling": N_("formulier: ontwikkeling"),
    "formulier.observatie": N_("formulier: observatie"),
    "formulier.bijzonderheden": N_("formulier: bijzonderheden"),
    "ouderreacties": N_("reactie van de ouders"),
    "bijlagen": N_("bijlagen"),
    "tijdlijn.toelichting": N_("toelichting bij het verloop"),
    "auditlog": N_("inzage-log"),
    "ouders": N_("ouders"),
    "ouders.naam": N_("namen van de ouders"),
    "ouder.naam": N_("naam van de ouder"),
    "besluit": N_("besluit over toestemming"),
    "voor": N_("voor welke school"),
    "namens": N_("namens welke ouder"),
    "wijze": N_("op papier of in een gesprek"),
    "datum": N_("datum"),
    "eens": N_("eens of niet eens"),
    "zienswijze": N_("wat de ouders de school vertellen"),
    "reden": N_("reden"),
    "school_id": N_("school"),
    "eerste_schooldag": N_("eerste schooldag"),
    "warme_overdracht_gewenst": N_("gesprek gewenst"),
    "vorm": N_("soort gesprek"),
    "deelnemers": N_("wie erbij waren"),
    "deadline": N_("termijn"),
    "tot": N_("nieuwe datum"),
}
# Why, for grounds that are not a role's permission (services/audit.py). A permission's own words
# (services/permissions.py) are extracted into the catalogue from there (babel.cfg).
GRONDEN = {
    OUDER_CODE: N_("een ouder gebruikte de persoonlijke link of code uit een bericht of brief"),
    OUDER_CODE_AANVRAAG: N_("een ouder vroeg een nieuwe link aan met het eigen e-mailadres"),
}

# The error pages, in the parent's language (the service's own words are Dutch and for staff).
FOUTEN = {
    403: (N_("Dit kan niet"), N_("Deze pagina is er alleen voor de ouders van het kind.")),
    404: (
        N_("Niet gevonden"),
        N_(
            "Deze overdracht bestaat niet, of u kunt hem niet bekijken. Gebruik de link uit de laatste e-mail of"
            " brief van de voorschool."
        ),
    ),
    503: (N_("Even niet beschikbaar"), N_("Probeer het over een paar minuten nog eens.")),
}
ANDERE_FOUT = (N_("Er ging iets mis"), N_("Probeer het nog eens. Lukt het niet? Neem contact op met de voorschool."))
# Messages per field when the input is not right.
KIES_EENS = N_("Kies of het formulier klopt.")
KIES_BESLUIT = N_("Kies of u toestemming geeft.")
KIES_SCHOOL = N_("Kies een school.")
ONBEKENDE_SCHOOL = N_("Deze school kennen wij niet. Kies een school uit de lijst.")
TE_LANG = N_("Deze tekst is te lang. Maak hem korter: hoogstens %(aantal)s tekens.")
CONTROLEER = N_("Controleer wat u hier invulde.")


def voor_sjablonen() -> dict[str, Any]:
    return {
        "STATUS": STATUS,
        "DOMEINEN": DOMEINEN,
        "NIVEAUS": NIVEAUS,
        "PROGRAMMAS": PROGRAMMAS,
        "INSTRUMENTEN": INSTRUMENTEN,
        "EENS": EENS,
        "FORMULIERDELEN": FORMULIERDELEN,
        "ROLLEN": ROLLEN,
        "ACTIES": ACTIES,
        "ONDERWERPEN": ONDERWERPEN,
        "VELDEN": VELDEN,
        "GRONDEN": GRONDEN,
    }
