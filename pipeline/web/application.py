"""The application: the Office state, the routes of every page, the middleware (kept apart from app.py,
which the pages import, so that no module imports itself through the pages)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from .app import HERE, Guard, Office, Refused
from .config import WebConfig


def create_app(config: WebConfig, *, start_runner: bool = True) -> Starlette:
    from . import views

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


