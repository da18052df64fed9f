"""The one error hierarchy of the service layer. Each error carries the HTTP status, title and stable
`code` it is answered with (api/errors.py maps it to problem+json; the pages to an error page), and a
`detail` for the person in front of the screen: Dutch, actionable, without engine words or personal data."""

from typing import Any


class ServiceError(Exception):
    status = 500
    title = "Er ging iets mis"
    code = "INTERNE_FOUT"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class InvalidInput(ServiceError):
    status, title, code = 400, "Ongeldige invoer", "ONGELDIGE_INVOER"


class Unauthenticated(ServiceError):
    status, title, code = 401, "Niet aangemeld", "NIET_AANGEMELD"


class Forbidden(ServiceError):
    status, title, code = 403, "Niet toegestaan voor uw rol", "ROL_NIET_TOEGESTAAN"


class NotFound(ServiceError):
    status, title, code = 404, "Niet gevonden", "NIET_GEVONDEN"


class TooLarge(ServiceError):
    status, title, code = 413, "Bestand te groot", "BESTAND_TE_GROOT"


class UnsupportedFile(ServiceError):
    status, title, code = 415, "Bestandstype niet ondersteund", "BESTANDSTYPE_NIET_ONDERSTEUND"


class TooManyRequests(ServiceError):
    """Answered with `Retry-After` (api/errors.py): the seconds after which trying again makes sense."""

    status, title, code = 429, "Te veel verzoeken tegelijk", "TE_VEEL_VERZOEKEN"
    retry_after_seconds = 1


class StepNotAllowed(ServiceError):
    status, title, code = 409, "Deze stap kan nu niet", "STAP_NIET_TOEGESTAAN"


class NoAddress(ServiceError):
    status, title, code = 409, "Geen e-mailadres", "GEEN_EMAILADRES"


class NoProtocol(ServiceError):
    status, title, code = 409, "Geen protocol ingesteld", "PROTOCOL_ONTBREEKT"


class NotReady(ServiceError):
    status, title, code = 409, "Nog niet klaar", "NOG_NIET_KLAAR"


class FormIncomplete(ServiceError):
    status, title, code = 422, "Formulier onvolledig", "FORMULIER_ONVOLLEDIG"


class Unavailable(ServiceError):
    status, title, code = 503, "Tijdelijk niet beschikbaar", "NIET_BESCHIKBAAR"


class OutcomeUnknown(ServiceError):
    """A step was handed to the engine, but its outcome did not come back in time: it may have been
    taken, or may still be. Repeating the request with the same Idempotency-Key returns the real outcome
    (the key is the engine's update id); the timeline shows it too."""

    status, title, code = 503, "Uitkomst nog niet bekend", "UITKOMST_ONBEKEND"
