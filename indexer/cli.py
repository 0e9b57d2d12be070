"""The `minutes` command: thin click commands over the indexer package."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .load import load_meeting
from .model import DECISION_TYPES, Meeting, meeting_to_dict
from .parse import ParseError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Parse, index, search and serve the Direktionen minutes."""


def fail(message: str) -> None:
    click.echo(f"minutes: {message}", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of meetings (the documented contract).")
def parse(files: tuple[Path, ...], as_json: bool) -> None:
    """Parse minutes FILES and print what was found in them."""
    meetings: list[Meeting] = []
    failed = False
    for path in files:
        try:
            meetings.append(load_meeting(path))
        except ParseError as error:
            fail(f"{path}: {error}")
            failed = True
        except OSError as error:
            fail(f"{path}: cannot read: {error.strerror or error}")
            failed = True
    if as_json:
        click.echo(json.dumps([meeting_to_dict(m) for m in meetings], ensure_ascii=False, indent=2))
    else:
        for meeting in meetings:
            click.echo(summary(meeting))
    sys.exit(1 if failed else 0)


def summary(meeting: Meeting) -> str:
    lines = [
        f"{meeting.committee} {meeting.date.isoformat()} kl. {meeting.start_time or '?'}"
        f" — {meeting.location or 'ukendt mødested'} ({meeting.source})",
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
        lines.append(f"  {item.number:>2}. {item.title} ({item.case_number or 'intet sagsnr.'}) — {types}{suffix}")
    return "\n".join(lines) + "\n"
