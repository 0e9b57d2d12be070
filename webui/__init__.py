"""The web UI and JSON API over the minutes index: a Flask application factory.

    create_app(index_dir=None, test_config=None)

The index directory is, in order: the argument, app.config["INDEX_DIR"], the environment variable
MINUTES_INDEX, "var/index". Served by `minutes serve` (waitress); never in debug mode.
"""

from __future__ import annotations

import os
import re
from datetime import date

from flask import Flask, jsonify, make_response, redirect, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.schema import DEFAULT_INDEX

from . import searcher
from .formatting import FILTERS

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

ERROR_TEXTS = {
    400: ("Ugyldig forespørgsel", "Forespørgslen kunne ikke forstås."),
    404: ("Siden findes ikke", "Vi kunne ikke finde den side, du leder efter. Den kan være flyttet, "
                               "eller adressen kan være skrevet forkert."),
    405: ("Metoden er ikke tilladt", "Siden kan ikke bruges på den måde. Brug et almindeligt link eller søgefeltet."),
    500: ("Der opstod en fejl", "Der skete en uventet fejl hos os. Prøv igen om lidt."),
    503: ("Søgningen er midlertidigt utilgængelig", "Søgeindekset er ikke klar endnu. Prøv igen om lidt."),
}


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def moved_for_good(path: str):
    """A permanent redirect (301) to `path` that keeps the request's query string (?q=…)."""
    query = request.query_string.decode("utf-8", "replace")
    return redirect(f"{path}?{query}" if query else path, 301)


def is_iso_date(text: str) -> bool:
    """Whether `text` is a calendar date written YYYY-MM-DD (the meeting addresses before committees)."""
    if not ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def create_app(index_dir: str | os.PathLike | None = None, test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(INDEX_DIR=None)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.config["DEBUG"] = False  # never: the debugger would run code from the browser
    resolved = index_dir or app.config.get("INDEX_DIR") or os.environ.get("MINUTES_INDEX") or DEFAULT_INDEX
    # Absolute, against the directory the server starts in (`minutes serve --index var/index`):
    # Flask would read a relative path against the webui package.
    app.config["INDEX_DIR"] = os.path.abspath(resolved)

    app.json.ensure_ascii = False  # Danish letters as they are
    app.json.sort_keys = False  # keep the documented key order
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    searcher.init_app(app, app.config["INDEX_DIR"])

    from . import alerts, api, pages

    alerts.init_app(app, app.config["INDEX_DIR"])
    app.register_blueprint(alerts.bp)

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    register_error_handlers(app)
    return app


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, message: str | None = None, headers: dict | None = None):
    title, text = ERROR_TEXTS.get(status, ERROR_TEXTS[500])
    if wants_json():
        response = jsonify({"error": {"param": None, "message": message or title}})
        response.status_code = status
    else:
        response = make_response(render_template("error.html", status=status, title=title, text=text), status)
    if headers:
        response.headers.update(headers)
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(error: HTTPException):
        return error_response(404)

    @app.errorhandler(405)
    def method_not_allowed(error: HTTPException):
        allowed = getattr(error, "valid_methods", None)
        return error_response(405, headers={"Allow": ", ".join(allowed)} if allowed else None)

    @app.errorhandler(400)
    def bad_request(error: HTTPException):
        return error_response(400)

    @app.errorhandler(searcher.IndexMissing)
    def index_missing(error: Exception):
        app.logger.error("index missing: %s", error)
        return error_response(503, "Søgeindekset er ikke klar", headers={"Retry-After": "60"})

    @app.errorhandler(500)
    def internal_error(error: Exception):
        # Flask logs the original exception; the visitor gets no traceback.
        return error_response(500)
