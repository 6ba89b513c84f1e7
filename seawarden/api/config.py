"""Settings of the API server (the lead adds ``serve: ApiSettings`` to ``seawarden.config.Settings``)."""

from pydantic import BaseModel, ConfigDict, Field


class ApiSettings(BaseModel):
    """Limits and switches of the HTTP/WebSocket API; every default is safe for an air-gapped centre."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field("127.0.0.1", description="Interface to listen on (loopback unless told otherwise).")
    port: int = Field(8080, ge=1, le=65535)
    max_body_bytes: int = Field(64 * 1024, ge=1024, description="Largest request body, except imports.")
    max_import_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, description="Largest watch-list upload (the EU list is ~20 KB)."
    )
    rate_per_s: float = Field(
        20.0, gt=0, description="Sustained requests per second per API key (token bucket refill)."
    )
    rate_burst: int = Field(60, ge=1, description="Requests one key may make at once before throttling.")
    cors_origins: list[str] = Field(
        default_factory=list, description="Browser origins allowed to call the API; empty = CORS off."
    )
    docs: bool = Field(True, description="Serve /docs (Swagger UI from bundled files, no CDN).")
    admin_orgs: list[str] = Field(
        default_factory=list,
        description="Organisations whose admins may create organisations and change communities. "
        "Empty: nobody can through the API (use the command line), so an operator's admin can never "
        "widen its own releasability.",
    )
    metrics_token: str | None = Field(
        None, description="If set, /metrics requires 'Authorization: Bearer <metrics_token>'."
    )
    ws_ping_s: float = Field(20.0, gt=0, description="Idle seconds before the server sends a ping.")
    page_limit: int = Field(50, ge=1, le=500, description="Default page size of lists.")
