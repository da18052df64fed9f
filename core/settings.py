"""The one validated Settings class: every knob of the service, read from the environment."""

import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Read from `OVERDRACHT_*` environment variables (and `DATABASE_URL`); see the README's table."""

    # validate_by_name: `Settings(database_url=...)` by field name, as for every other field (the
    # environment is read through the aliases, which include OVERDRACHT_DATABASE_URL anyway).
    model_config = SettingsConfigDict(env_prefix="OVERDRACHT_", extra="ignore", validate_by_name=True)

    environment: Environment = Environment.DEVELOPMENT

    # PostgreSQL. Unset: `overdracht dev` starts a private cluster under data_dir on pg_port.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "OVERDRACHT_DATABASE_URL")
    )
    pg_port: int = 54329

    # Temporal
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "overdracht"
    # The placements import job (workflows/imports.py): rows per activity, activities at once, and how long
    # a batch may go without reporting a row before it is given to another worker.
    import_rijen_per_batch: int = Field(default=100, gt=0)
    import_batches_tegelijk: int = Field(default=4, gt=0)
    import_hartslag_seconden: int = Field(default=5, gt=0)
    temporal_ui_port: int = 8233
    # The worker (overdracht/worker.py): how many workflows it keeps in
    # memory between their tasks (one evicted is replayed from its history at its next task), and how many
    # workflow tasks, activities and local activities (the read model's writes) it runs at once, and in
    # how many threads it runs the workflows' code (one: they take turns at Python's lock all the same).
    worker_max_cached_workflows: int = Field(default=500, ge=0)
    worker_max_concurrent_workflow_tasks: int = Field(default=20, ge=2)
    worker_workflow_threads: int = Field(default=1, ge=1)
    worker_max_concurrent_activities: int = Field(default=20, gt=0)
    worker_max_concurrent_local_activities: int = Field(default=20, gt=0)

    # The HTTP API
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # How many API processes serve that port (`overdracht api`); unset: one per CPU.
    api_workers: int | None = Field(default=None, gt=0)
    # The proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (uvicorn's forwarded_allow_ips):
    # the client's address is then the one the proxy names. Comma-separated addresses or networks, or `*`.
    forwarded_allow_ips: str = "127.0.0.1,::1"
    # The web origins whose scripts may call the API from a browser (CORS), comma-separated, e.g.
    # `https://dashboard.almere.nl`. Unset: none (the service's own pages are same-origin). The OpenAPI
    # document is readable from any origin, whatever this says.
    cors_origins: str = ""
    # Limits on what one request may cost (api/limits.py, api/server.py): the body of any request, that
    # of the routes that take a file (each keeps its own, smaller limit within this one), the time to
    # send the whole body, and the time to send the request's head (request line and headers).
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    max_upload_bytes: int = Field(default=16 * 1024 * 1024, gt=0)
    body_timeout_seconds: float = Field(default=60.0, gt=0)
    header_timeout_seconds: float = Field(default=10.0, gt=0)
    # Where `npm ci` put the browser assets the API serves (api/static.py); unset: `node_modules` beside
    # the source, where `make install` puts it.
    node_modules: Path | None = None

    # Where `overdracht dev` keeps the engine's SQLite file and the private PostgreSQL cluster.
    data_dir: Path = Path(".data")
    # `overdracht dev` loads the Almere demo data; false: it starts empty, for a gemeente set up from
    # scratch (the first beheerder made with `overdracht beheerder`).
    demo: bool = True

    # OpenID Connect: bearer tokens from the gemeente's identity provider (Keycloak, Azure AD, a
    # DigiD/eHerkenning broker). Unset: only the service's own tokens (development, parents) are accepted.
    oidc_issuer: str | None = None
    oidc_audience: str = "overdracht-api"
    oidc_jwks_url: str | None = None  # default: {oidc_issuer}/.well-known/jwks.json
    oidc_user_claim: str = "sub"  # the claim that names the user (gebruikers.extern_id)
    # The web app's sign-in through that provider (authorization code flow with PKCE, web/oidc.py): the
    # client registered for the pages, its secret (unset: a public client, PKCE only), the scopes it asks
    # for, and the provider's name on the sign-in button. Its redirect URI: `oidc_redirect_uri`.
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid"
    oidc_provider_name: str = "uw gemeente"

    # Parents without an account: a one-time code in their message, exchanged at POST /v1/ouder-sessies.
    ouder_code_ttl_hours: int = Field(default=14 * 24, gt=0)
    # The web app's sessions: ended after this long unused, and at the latest after this many hours.
    web_sessie_idle_minutes: int = Field(default=30, gt=0)
    web_sessie_max_hours: int = Field(default=12, gt=0)
    ouder_token_ttl_minutes: int = Field(default=60, gt=0)
    # A parent asking for a new code by address (POST /v1/ouder-code-aanvragen): attempts per address,
    # and in all, in any hour; past either the answer stays the same and nothing is sent.
    ouder_code_aanvragen_per_adres: int = Field(default=3, gt=0)
    ouder_code_aanvragen_totaal: int = Field(default=100, gt=0)
    # Code exchanges (POST /v1/ouder-sessies, the parents' link) one client may have under way at once,
    # counted in PostgreSQL so every API process keeps the same count; past it: 429.
    ouder_sessies_tegelijk: int = Field(default=4, gt=0)

    # How long an Idempotency-Key's first answer is kept (and replayed for a repeat).
    idempotency_ttl_hours: int = Field(default=24, gt=0)

    # Development tokens (POST /v1/dev/tokens); the endpoint exists only outside production.
    dev_token_secret: SecretStr = SecretStr("overdracht-development-only-secret-0123456789")
    token_ttl_minutes: int = Field(default=480, gt=0)

    # Mail. Without smtp_host, messages stay in the outbox (readable at GET /v1/dev/berichten).
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    mail_from: str = "Overdracht <noreply@overdracht.invalid>"
    # Where people open the service; links in messages point here.
    public_base_url: str = "http://127.0.0.1:8000"
    # Whom an integrator of the API contacts (the OpenAPI's info.contact): the functioneel beheer that
    # runs the service. The URL defaults to public_base_url.
    api_contact_name: str = "Functioneel beheer Overdracht"
    api_contact_email: str = "functioneel-beheer@overdracht.invalid"
    api_contact_url: str | None = None
    # The pages' header: the organisation that runs the service (its "logo text"), e.g. "Gemeente Almere".
    web_organisatie: str = "Gemeente"

    # Payload encryption (AES-256-GCM) of everything the engine stores: key id -> base64 of 32 bytes.
    # The active key encrypts; every listed key still decrypts, so keys can be rotated. Unset outside
    # production: a fixed development key (never for real data).
    payload_keys: dict[str, SecretStr] = {}
    payload_key_id: str | None = None  # the active key; default: the last one listed

    # The API connects as a role that may only append to the audit trail (db/migrations/007_audit.sql).
    # Unset: the private cluster's `overdracht_api` role in development; DATABASE_URL otherwise, unless
    # api_database_user names the role to put in DATABASE_URL's place (a cluster that trusts local
    # connections, as the tests' does; the password, if any, is dropped).
    api_database_url: str | None = None
    api_database_user: str | None = None

    # Logs: `text` for people at a terminal, `json` for a log collector (the default in production).
    log_format: str | None = None

    # How long an API call waits for the engine before it answers 503.
    engine_timeout_seconds: float = Field(default=10.0, gt=0)

    @property
    def effective_api_workers(self) -> int:
        """The API processes to run: as configured, else one per CPU this process may run on."""
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        return self.api_workers or max(1, cpus or 1)

    @property
    def dev_mode(self) -> bool:
        return self.environment is not Environment.PRODUCTION

    @property
    def oidc_sign_in(self) -> bool:
        """Whether the web app signs people in through the identity provider (issuer and client set)."""
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def oidc_redirect_uri(self) -> str:
        """Where the provider sends the browser back after sign-in: register it with the provider."""
        return f"{self.public_base_url.rstrip('/')}/aanmelden/terug"

    def effective_database_url(self) -> str:
        """The configured DATABASE_URL, or the private development cluster's."""
        return self.database_url or f"postgresql://overdracht@127.0.0.1:{self.pg_port}/overdracht"

    def effective_api_database_url(self) -> str:
        """Where the API connects, as a role that may not change the audit trail: see api_database_url."""
        if self.api_database_url:
            return self.api_database_url
        if self.database_url is None:
            return with_user(self.effective_database_url(), API_ROLE)
        if self.api_database_user:
            return with_user(self.database_url, self.api_database_user)
        return self.database_url


# The role db/migrations/007_audit.sql creates for the API: on audit_log it may only read and append.
API_ROLE = "overdracht_api"


def with_user(dsn: str, user: str) -> str:
    """The same database URL, as another user (without the first one's password)."""
    parts = urlsplit(dsn)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(user, safe='')}@{host}"))


@lru_cache
def get_settings() -> Settings:
    return Settings()
