"""The web application: the pages of `views` and its sibling modules behind the `app.Guard` (sessions,
roles, CSRF, error pages), and the static files. Above the page modules, which use `app`'s helpers."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from . import views
from .app import HERE, Guard, Office, Refused
from .config import WebConfig

__all__ = ["create_app"]


def create_app(config: WebConfig, *, start_runner: bool = True) -> Starlette:
    office = Office(config, start_runner=start_runner)

    async def lifespan(app):
        if office.start_runner:
            office.runner.start()
        try:
            yield
        finally:
            office.runner.stop()

    guard = Guard(None, office)

    async def handle(request: Request, exc: Exception) -> Response:
        return guard.error_response(request.scope, exc)

    routes = views.routes() + [Mount("/static", StaticFiles(directory=HERE / "static"), name="static")]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: handle, Refused: handle})
    app.state.office = office
    app.add_middleware(Guard, office=office)
    return app
