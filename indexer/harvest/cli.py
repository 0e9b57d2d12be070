"""`minutes harvest SOURCE`: download a municipality's FirstAgenda meetings into the corpus folder."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from ..load import DEFAULT_MAX_FILE_MB
from ..safetext import one_line
from .firstagenda import harvest as harvest_host
from .http import CONTACT_VARIABLE, DEFAULT_DELAY, HarvestError, PoliteClient
from .sources import SourceError, resolve_source

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


def fail(message: str) -> None:
    click.echo(f"minutes: {one_line(message)}", err=True)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("source")
@click.option("--corpus", "corpus_dir", default="corpus", show_default=True, type=click.Path(path_type=Path),
              help="Folder to store the meetings in (<municipality>/<committee>/<date>.firstagenda.json).")
@click.option("--municipality", default=None, metavar="NAME",
              help="The municipality's name (default: the built-in list's name for the host).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Only meetings on or after this date.")
@click.option("--committee", "committees", multiple=True, metavar="NAME",
              help="Only this committee (its name, any case); may be given more than once.")
@click.option("--delay", default=DEFAULT_DELAY, show_default=True, type=click.FloatRange(min=0), metavar="SECONDS",
              help="Pause between two requests to the host (a robots.txt Crawl-delay may make it longer).")
@click.option("--contact", default=None, metavar="EMAIL-OR-URL",
              help=f"How the host's operator reaches you, sent in the User-Agent (default: ${CONTACT_VARIABLE}).")
@click.option("--max-file-mb", default=DEFAULT_MAX_FILE_MB, show_default=True,
              type=click.FloatRange(min=0, min_open=True), help="Refuse attachments larger than this many megabytes.")
def harvest(source: str, corpus_dir: Path, municipality: str | None, since: datetime | None,
            committees: tuple[str, ...], delay: float, contact: str | None, max_file_mb: float) -> None:
    """Download the meetings of a FirstAgenda Publication host into the corpus folder, politely and
    incrementally: SOURCE is a municipality's name (Hvidovre, Hoeje-Taastrup) or an address
    (https://dagsordener.middelfart.dk). A second run fetches only what changed."""
    try:
        resolved = resolve_source(source, municipality)
        client = PoliteClient(delay=delay, contact=contact)
    except (SourceError, ValueError) as error:
        fail(str(error))
        sys.exit(EXIT_USAGE)
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm
            bar = tqdm(total=total, unit="meeting", desc=resolved.municipality, file=sys.stderr)
        bar.update(done - bar.n)

    try:
        report = harvest_host(resolved.host, corpus_dir, resolved.municipality, since=since.date() if since else None,
                              committees=list(committees) or None, client=client,
                              max_file_bytes=int(max_file_mb * 1024 * 1024),
                              progress=progress if sys.stderr.isatty() else None)
    except HarvestError as error:
        fail(str(error))
        sys.exit(EXIT_FAILED)
    except OSError as error:  # the corpus folder cannot be made or locked
        fail(f"{error.filename or corpus_dir}: {error.strerror or error}")
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        fail("interrupted: what was stored is complete; run the same command again to fetch the rest")
        sys.exit(EXIT_INTERRUPTED)
    finally:
        if bar is not None:
            bar.close()
    for line in report.failures:
        fail(line)
    click.echo(report.summary())
    sys.exit(EXIT_FAILED if report.failures else 0)
