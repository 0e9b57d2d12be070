"""The `minutes` command: thin click commands over the indexer package."""

from __future__ import annotations

import html
import json
import os
import sys
from pathlib import Path

import click

from .engines import DEFAULT_ENGINE, ENGINES
from .facets import FACETS
from .layouts import LAYOUTS, get_layout
from .load import DEFAULT_MAX_FILE_MB, load_meeting
from .model import DECISION_TYPES, Meeting, meeting_to_dict
from .parse import ParseError
from .safetext import one_line
from .schema import DEFAULT_INDEX, index_engine


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Parse, index, search and serve municipal meeting minutes."""


def fail(message: str) -> None:
    """One line on stderr, whatever the message holds (a file name may hold a line break)."""
    click.echo(f"minutes: {one_line(message)}", err=True)


def layout_option(command):
    return click.option("--layout", "layout_name", type=click.Choice([layout.name for layout in LAYOUTS]), default=None,
                        help="Read every file in this layout (default: the layout that fits each file; "
                             "'minutes layouts' lists them).")(command)


def ocr_option(command):
    return click.option("--no-ocr", "no_ocr", is_flag=True,
                        help="Do not read scanned PDF pages by text recognition (refuse a scan instead).")(command)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of meetings (the documented contract).")
@layout_option
@ocr_option
def parse(files: tuple[Path, ...], as_json: bool, layout_name: str | None, no_ocr: bool) -> None:
    """Parse minutes FILES and print what was found in them."""
    meetings: list[Meeting] = []
    failed = False
    layout = get_layout(layout_name) if layout_name else None
    for path in files:
        try:
            meeting = load_meeting(path, layout=layout, ocr=not no_ocr)
        except ParseError as error:
            fail(f"{path}: {error}")
            failed = True
        except OSError as error:
            fail(f"{path}: cannot read: {error.strerror or error}")
            failed = True
        else:
            meetings.append(meeting)
            for warning in meeting.warnings:
                fail(f"{path}: warning: {warning}")
    if as_json:
        click.echo(json.dumps([meeting_to_dict(m) for m in meetings], ensure_ascii=False, indent=2))
    else:
        for meeting in meetings:
            click.echo(summary(meeting))
    sys.exit(1 if failed else 0)


def summary(meeting: Meeting) -> str:
    lines = [
        f"{meeting.municipality or 'Ukendt kommune'}, {meeting.committee} {meeting.date.isoformat()}"
        f" kl. {meeting.start_time or '?'} — {meeting.location or 'ukendt mødested'} ({meeting.source};"
        f" layout {meeting.layout})",
    ]
    if meeting.participants:
        lines.append("  Deltagere: " + ", ".join(
            f"{p.name} ({p.role})" if p.role else p.name for p in meeting.participants))
    for item in meeting.items:
        types = ", ".join(DECISION_TYPES[t] for t in item.decision.types)
        extras = []
        if item.attachments:
            extras.append(f"{len(item.attachments)} bilag")
        if item.centres:
            extras.append("centre: " + ", ".join(item.centres))
        suffix = f" [{'; '.join(extras)}]" if extras else ""
        lines.append(f"  {item.number:>2}. {item.title or '(uden titel)'} ({item.case_number or 'intet sagsnr.'})"
                     f" — {types}{suffix}")
    return "\n".join(lines) + "\n"


@main.command()
def layouts() -> None:
    """List the minutes layouts, in the order they are tried on a file."""
    for layout in LAYOUTS:
        fixed = f" [{layout.municipality}]" if layout.municipality else ""
        click.echo(f"{layout.name}{fixed}\n  {layout.description}")


@main.command()
@click.option("--corpus", "corpus_dir", default="corpus", show_default=True, type=click.Path(path_type=Path),
              help="Folder of minutes files (*.txt, *.pdf, searched recursively).")
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True, type=click.Path(path_type=Path),
              help="Index directory to create or update.")
@click.option("--rebuild", is_flag=True, help="Rebuild from scratch instead of updating what changed.")
@click.option("--max-file-mb", default=DEFAULT_MAX_FILE_MB, show_default=True,
              type=click.FloatRange(min=0, min_open=True),
              help="Refuse (and name) minutes files larger than this many megabytes.")
@click.option("--engine", type=click.Choice(sorted(ENGINES)), default=None,
              help=f"Search engine of the index (default: the one the index has, or {DEFAULT_ENGINE} for a new "
                   "one). Another engine than the index's rebuilds it; serving and searching read it from the index.")
@click.option("--database", default=None, metavar="URL",
              help="For --engine postgresql: the database, as postgresql://user@host:port/name (default: "
                   "$MINUTES_DATABASE_URL, or the one the index names). Recorded in the index without its "
                   "password, which comes from $PGPASSWORD or ~/.pgpass.")
@layout_option
@ocr_option
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes that parse and analyse new and changed files (default: one per core).")
def index(corpus_dir: Path, index_dir: Path, rebuild: bool, max_file_mb: float, engine: str | None,
          database: str | None, layout_name: str | None, no_ocr: bool, jobs: int | None) -> None:
    """Make the index mirror the corpus folder (new, changed and removed files)."""
    from .build import IndexBusy, IndexWriteError, build_index

    try:
        report = build_index(corpus_dir, index_dir, rebuild=rebuild, progress=sys.stderr.isatty(),
                             max_file_mb=max_file_mb, engine=engine, database=database,
                             layout=get_layout(layout_name) if layout_name else None, ocr=not no_ocr,
                             jobs=jobs)
    except (IndexBusy, IndexWriteError, FileNotFoundError) as error:
        fail(str(error))
        sys.exit(1)
    except KeyboardInterrupt:
        fail(f"{index_dir}: interrupted; the index is unchanged")
        sys.exit(130)
    for source, reason in report.failed:
        fail(f"{Path(corpus_dir) / source}: {reason}")
    for source, warning in report.warnings:
        fail(f"{Path(corpus_dir) / source}: warning: {warning}")
    click.echo(report.summary())
    sys.exit(1 if report.failed else 0)


def facet_options(command):
    """A repeatable --NAME option per facet (facets.py), values ORed within a facet."""
    for facet in reversed(FACETS):
        command = click.option(f"--{facet.name}", facet.name, multiple=True, help=facet.cli_help)(command)
    return command


@main.command()
@click.argument("text", nargs=-1)
@facet_options
@click.option("--from", "date_from", help="Meetings on or after this date (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Meetings on or before this date (YYYY-MM-DD).")
@click.option("--sort", default="relevance", show_default=True, help="relevance, newest or oldest.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100), help="Hits per page.")
@click.option("--page", default="1", show_default=True, help="Page number, from 1.")
@click.option("--json", "as_json", is_flag=True, help="Print the search as JSON (same shape as /api/search).")
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True, type=click.Path(path_type=Path),
              help="Index directory to search.")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True, envvar="MINUTES_BASE_URL",
              help="Where the web UI is served ($MINUTES_BASE_URL): the links printed start with it.")
def search(text, date_from, date_to, sort, limit, page, as_json, index_dir, base_url, **facet_values) -> None:
    """Search the minutes. TEXT uses the query language of the web UI (see /hjaelp)."""
    from .query import QueryError, query_from_params
    from .results import results_to_dict
    from .search import IndexMissing, SearchIndex

    params = {"q": [" ".join(text)], **{name: list(values) for name, values in facet_values.items()},
              "from": [date_from or ""], "to": [date_to or ""],
              "sort": [sort], "page": [page]}
    try:
        query = query_from_params(params, page_size=limit)
        results = SearchIndex(index_dir).search(query)
    except QueryError as error:
        fail(f"--{error.param}: {error.reason}")
        sys.exit(2)
    except IndexMissing as error:
        fail(str(error))
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(results_to_dict(results), ensure_ascii=False, indent=2))
        return
    click.echo(f"{results.total} {'punkt' if results.total == 1 else 'punkter'} ({results.seconds * 1000:.0f} ms)")
    if results.notice:
        click.echo(f"Bemærk: {results.notice}")
    if results.suggestion:
        click.echo(f"Mente du: {results.suggestion}?")
    for hit in results.hits:
        types = ", ".join(DECISION_TYPES[t] for t in hit.decision_types)
        case = f"  [{hit.case_number}]" if hit.case_number else ""
        click.echo(f"\n{hit.committee} {hit.meeting_date} punkt {hit.number}: {hit.title or '(uden titel)'}{case} {types}")
        url = base_url.rstrip("/") + hit.url
        click.echo(f"  {url}#{hit.section}" if hit.section else f"  {url}")
        snippet = hit.snippet.replace("<mark>", "»").replace("</mark>", "«")
        click.echo(f"  {html.unescape(snippet)}")


@main.command()
@click.option("--format", "output", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="JSON Lines (one item a line, as /api/items/ID gives it) or CSV (one row an item).")
@click.option("--output", "target", default="-", show_default=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write ('-': standard output).")
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True, type=click.Path(path_type=Path),
              help="Index directory to export.")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True, envvar="MINUTES_BASE_URL",
              help="Where the web UI is served ($MINUTES_BASE_URL): each item's url starts with it.")
def export(output: str, target: str, index_dir: Path, base_url: str) -> None:
    """Every item of the archive with its meeting, sections and decision, oldest meeting first."""
    from .export import export_lines
    from .search import IndexMissing, SearchIndex

    try:
        searcher = SearchIndex(index_dir)
        items = searcher.coverage()["items"]  # the index is there before anything is written
    except IndexMissing as error:
        fail(str(error))
        sys.exit(1)
    try:
        # A file appears whole or not at all (written beside it, then renamed).
        with click.open_file(target, "w", encoding="utf-8", atomic=target != "-") as stream:
            for line in export_lines(searcher.records(), output, base_url):
                stream.write(line)
    except BrokenPipeError:  # the reader stopped reading (`| head`): nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except OSError as error:
        fail(f"{target}: cannot write: {error.strerror or error}")
        sys.exit(1)
    finally:
        searcher.close()
    if target != "-":
        click.echo(f"{items} {'punkt' if items == 1 else 'punkter'} skrevet til {target}", err=True)


@main.command()
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True, type=click.Path(path_type=Path),
              help="Index directory to serve (built by 'minutes index').")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads handling requests.")
@click.option("--max-connections", default=100, show_default=True, type=click.IntRange(1, 10_000),
              help="Open connections at most; at the limit the one waiting longest for its request is closed.")
@click.option("--max-client-connections", default=32, show_default=True, type=click.IntRange(1, 10_000),
              help="Open connections from one address at most (behind a reverse proxy, every client has its "
                   "address: raise it to --max-connections).")
def serve(index_dir: Path, host: str, port: int, threads: int, max_connections: int,
          max_client_connections: int) -> None:
    """Serve the web UI and JSON API with waitress (a production WSGI server, never Flask's debug server)."""
    from webui import create_app
    from webui.searcher import keep_warm
    from webui.server import serve as serve_app

    from .search import IndexMissing, SearchIndex

    from .alerts.mail import MailError, MailSettings

    try:
        SearchIndex(index_dir).close()
        MailSettings.from_environment()  # e-mail alerts: off, or settings that work
    except (IndexMissing, MailError) as error:
        fail(str(error))
        sys.exit(1)
    app = create_app(index_dir)
    keep_warm(app)  # facet masks and date order are built before the first request, and after each update
    click.echo(f"Serverer på http://{host}:{port}/ (indeks: {index_dir})")
    serve_app(app, host=host, port=port, threads=threads, max_connections=max_connections,
              max_client_connections=max_client_connections)


@main.group()
def db() -> None:
    """The database of a PostgreSQL index (minutes index --engine postgresql)."""


@db.command()
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True, type=click.Path(path_type=Path),
              help="Index directory of a PostgreSQL index.")
def migrate(index_dir: Path) -> None:
    """Apply the schema migrations the index's database schema lacks (minutes index applies them too)."""
    from .engines import SERVER_ENGINES, get_engine
    from .schema import current_generation

    generation = current_generation(index_dir)
    engine = index_engine(index_dir)
    if generation is None or engine not in SERVER_ENGINES:
        fail(f"{index_dir}: not an index of a database engine ({', '.join(SERVER_ENGINES)}); nothing to migrate")
        sys.exit(1)
    try:
        schema, applied = get_engine(engine).migrate(generation)
    except OSError as error:
        fail(str(error))
        sys.exit(1)
    click.echo(f"{schema}: applied {', '.join(applied)}" if applied else f"{schema}: up to date")


@main.group()
def alerts() -> None:
    """E-mail alerts of saved searches (subscribed on the search page; README, "E-mail alerts")."""


@alerts.command()
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True, type=click.Path(path_type=Path),
              help="Index directory the alerts search (their store is beside it, or in its database).")
@click.option("--base-url", envvar="MINUTES_BASE_URL", default=None,
              help="Where the web UI is served ($MINUTES_BASE_URL), e.g. https://referater.example.dk: the "
                   "messages link to it.")
def send(index_dir: Path, base_url: str | None) -> None:
    """Send each confirmed alert one digest of the items added since its last (run it from cron or a
    systemd timer). SMTP and sender come from $MINUTES_SMTP_URL and $MINUTES_MAIL_FROM."""
    from .alerts.digest import send_digests
    from .alerts.mail import MailError, MailSettings
    from .alerts.store import StoreUnavailable, open_store
    from .search import IndexMissing, SearchIndex

    if not base_url or not base_url.startswith(("http://", "https://")):
        fail("--base-url (or $MINUTES_BASE_URL) must say where the site is served, e.g. https://referater.example.dk")
        sys.exit(2)
    try:
        settings = MailSettings.from_environment()
        if settings is None:
            raise MailError("$MINUTES_SMTP_URL and $MINUTES_MAIL_FROM are not set: e-mail alerts are off")
        searcher = SearchIndex(index_dir)
        report = send_digests(open_store(index_dir), searcher, settings, base_url)
    except (IndexMissing, MailError, StoreUnavailable) as error:
        fail(str(error))
        sys.exit(1)
    for failure in report.failures:
        fail(failure)
    click.echo(f"{report.sent} {'besked' if report.sent == 1 else 'beskeder'} sendt med {report.listed} "
               f"{'punkt' if report.listed == 1 else 'punkter'} ({report.alerts} bekræftede abonnementer, "
               f"{report.new_items} nye punkter i arkivet)")
    if report.failures:
        sys.exit(1)


@alerts.command()
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True, type=click.Path(path_type=Path),
              help="Index directory whose alerts to count.")
def status(index_dir: Path) -> None:
    """How many alerts are confirmed and awaiting confirmation, and where they are kept (never who)."""
    from .alerts.store import StoreUnavailable, open_store

    try:
        store = open_store(index_dir)
        counts = store.counts()
    except StoreUnavailable as error:
        fail(str(error))
        sys.exit(1)
    click.echo(f"{counts['confirmed']} bekræftede, {counts['pending']} venter på bekræftelse ({store.where})")


from .harvest.cli import harvest  # noqa: E402  (a command of its own package: indexer/harvest/)

main.add_command(harvest)
