"""Every error leaves the API as JSON ``{"error": "...", "detail": ...}``: never HTML, never a stack trace.

Store exceptions map to HTTP statuses here, once, so views just call the store: ``NotFound`` is 404
(an alert the caller may not see looks exactly like one that does not exist), ``PermissionDenied``
403, ``InvalidTransition`` 409, ``ValueError`` (bad filter, bad GeoJSON...) 400, ``StoreError`` 503.
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from seawarden.store import InvalidTransition, NotFound, PermissionDenied, StoreError

log = logging.getLogger("seawarden.api")


class ApiError(Exception):
    """An error with its HTTP status, a short message and optional structured detail."""

    def __init__(
        self, status: int, error: str, detail: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.detail = detail
        self.headers = headers


def error_response(status: int, error: str, detail: Any = None, headers: dict[str, str] | None = None):
    return JSONResponse(
        {"error": error, "detail": jsonable_encoder(detail)}, status_code=status, headers=headers
    )


_HTTP_MESSAGES = {
    404: "not found",
    405: "method not allowed",
    413: "request body too large",
}


def _validation_detail(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Which field and why, without echoing large inputs back."""
    out = []
    for err in exc.errors():
        out.append({"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", ""))})
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.error, exc.detail, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = _HTTP_MESSAGES.get(exc.status_code, str(exc.detail) if exc.detail else "error")
        detail = exc.detail if message != exc.detail else None
        return error_response(exc.status_code, message, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid request", _validation_detail(exc))

    @app.exception_handler(NotFound)
    async def _not_found(_request: Request, exc: NotFound) -> JSONResponse:
        return error_response(404, "not found", str(exc))

    @app.exception_handler(PermissionDenied)
    async def _denied(_request: Request, exc: PermissionDenied) -> JSONResponse:
        return error_response(403, "forbidden", str(exc))

    @app.exception_handler(InvalidTransition)
    async def _transition(_request: Request, exc: InvalidTransition) -> JSONResponse:
        return error_response(409, "invalid status change", str(exc))

    @app.exception_handler(ValueError)
    async def _bad_value(_request: Request, exc: ValueError) -> JSONResponse:
        return error_response(400, "bad request", str(exc))

    @app.exception_handler(IntegrityError)
    async def _conflict(_request: Request, exc: IntegrityError) -> JSONResponse:
        log.info("conflict: %s", exc.orig)
        return error_response(409, "conflict", "it already exists (or refers to something that does not)")

    @app.exception_handler(StoreError)
    async def _store_down(_request: Request, exc: StoreError) -> JSONResponse:
        log.error("store unavailable: %s", exc)
        return error_response(503, "store unavailable", str(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal error", "the error was logged; please report it")
