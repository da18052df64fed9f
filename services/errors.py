"""The one error hierarchy of the service layer. Each error carries the HTTP status, title and stable
`code` it is answered with (api/errors.py maps it to problem+json; the pages to an error page), and a
`detail` for the person in front of the screen: Dutch, actionable, without engine words or personal data.

Every subclass is the one place its code is written: the OpenAPI lists the codes from these classes
(api/problems.py), each with its `description` (Dutch, for the integrator: when it is answered)."""

from typing import Any


class ServiceError(Exception):
    status = 500
    title = "Er ging iets mis"
    code = "interne_fout"
    description = "Een onverwachte fout in de service. Ze is gelogd; probeer het later opnieuw."

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A code of its own without a description of its own would be listed with its parent's.
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__ and "description" not in cls.__dict__:
            raise TypeError(f"{cls.__name__} has a code of its own but no description")

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class InvalidInput(ServiceError):
    status, title, code = 400, "Ongeldige invoer", "ongeldige_invoer"
    description = (
        "Een parameter, de body of een header is ongeldig, of een queryparameter is onbekend; `invalidParams` noemt"
        " elk veld met de reden. Er is niets gewijzigd."
    )


class Unauthenticated(ServiceError):
    status, title, code = 401, "Niet aangemeld", "niet_aangemeld"
    description = "Geen, een ongeldig of een verlopen token, of een ongeldige of verlopen eenmalige code."


class Forbidden(ServiceError):
    status, title, code = 403, "Niet toegestaan voor uw rol", "rol_niet_toegestaan"
    description = "Met uw rol mag u dit nooit, waar het ook om gaat."


class NotFound(ServiceError):
    status, title, code = 404, "Niet gevonden", "niet_gevonden"
    description = "Wat het pad of de body noemt, bestaat niet, of valt buiten wat u mag zien (dat wordt niet verteld)."


class TooLarge(ServiceError):
    status, title, code = 413, "Bestand te groot", "bestand_te_groot"
    description = "De body of het bestand is groter dan deze operatie aanneemt. Er is niets gewijzigd."


class UnsupportedFile(ServiceError):
    status, title, code = 415, "Bestandstype niet ondersteund", "bestandstype_niet_ondersteund"
    description = "Het bestand (de inhoud, niet de naam) of de Content-Type is niet wat deze operatie aanneemt."


class TooManyRequests(ServiceError):
    """Answered with `Retry-After` (api/errors.py): the seconds after which trying again makes sense."""

    status, title, code = 429, "Te veel verzoeken tegelijk", "te_veel_verzoeken"
    description = "Er lopen te veel van deze verzoeken tegelijk vanaf uw adres; probeer het na `Retry-After` opnieuw."
    retry_after_seconds = 1


class StepNotAllowed(ServiceError):
    status, title, code = 409, "Deze stap kan nu niet", "stap_niet_toegestaan"
    description = (
        "De stap past niet bij de huidige toestand: de status van de overdracht, of wat er al is gebeurd. Er is niets"
        " gewijzigd."
    )


class NoAddress(ServiceError):
    status, title, code = 409, "Geen e-mailadres", "geen_emailadres"
    description = "Van deze ouder is geen e-mailadres bekend: druk een brief af in plaats van een e-mail te sturen."


class NoProtocol(ServiceError):
    status, title, code = 409, "Geen protocol ingesteld", "protocol_ontbreekt"
    description = "Voor de gemeente is nog geen protocol actief; het functioneel beheer stelt er een in."


class NotReady(ServiceError):
    status, title, code = 409, "Nog niet klaar", "nog_niet_klaar"
    description = "Wat u vraagt, is er pas als de taak klaar is; probeer het later opnieuw."


class FormIncomplete(ServiceError):
    status, title, code = 422, "Formulier onvolledig", "formulier_onvolledig"
    description = "Het formulier is nog niet volledig genoeg voor deze stap; `ontbrekendeVelden` noemt wat er mist."


class Unavailable(ServiceError):
    status, title, code = 503, "Tijdelijk niet beschikbaar", "niet_beschikbaar"
    description = (
        "De database, de workflow-engine of de aanmeldvoorziening is (even) niet bereikbaar. Er is niets gewijzigd;"
        " probeer het zo opnieuw."
    )


class OutcomeUnknown(ServiceError):
    """A step was handed to the engine, but its outcome did not come back in time: it may have been
    taken, or may still be. Repeating the request with the same Idempotency-Key returns the real outcome
    (the key is the engine's update id); the timeline shows it too."""

    status, title, code = 503, "Uitkomst nog niet bekend", "uitkomst_onbekend"
    description = (
        "De stap is doorgegeven, maar de uitkomst kwam niet op tijd terug. Herhaal het verzoek met dezelfde"
        " Idempotency-Key voor de echte uitkomst (de stap wordt nooit dubbel gezet), of kijk in `tijdlijn`."
    )


class NotReadyToServe(ServiceError):
    """The readiness check's answer (/v1/gezondheid) when a part is not there: its `onderdelen` say which."""

    status, title, code = 503, "Niet gereed", "niet_gereed"
    description = "Een onderdeel van de service is er (nog) niet; `onderdelen` noemt welk en waarom."
