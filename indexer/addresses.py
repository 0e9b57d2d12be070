"""The site's addresses, declared once: the web UI's routes (`webui/pages.py`) are these, and the
search service's JSON, the feed and the CLI write links to them with `address`. (They live in the
indexer because the CLI and the service write them too, and the indexer imports no web code.)"""

from __future__ import annotations

import re

SEARCH = "/"
FOLLOW = "/foelg"
MEETINGS = "/moeder"
MEETING = "/moeder/<meeting_id>"
ITEM = "/moeder/<meeting_id>/punkt/<int:number>"
CASE = "/sager/<path:case_number>"
ORIGINAL = "/originaler/<name>"
HELP = "/hjaelp"
# E-mail alerts (webui/alerts.py): the subscribe form posts to ALERTS; the token is an alert's key.
ALERTS = "/beskeder"
ALERT_NEW = "/beskeder/ny"
ALERT_SENT = "/beskeder/tjek-din-post"
ALERT_CONFIRM = "/beskeder/bekraeft/<token>"
ALERT_MANAGE = "/beskeder/<token>"
ALERT_END = "/beskeder/afmeld/<token>"

_PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>")


def address(route: str, **values: object) -> str:
    """A route with its <placeholders> filled in: address(ITEM, meeting_id="…", number=3)."""
    return _PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), route)


def meeting_url(meeting_id: str) -> str:
    return address(MEETING, meeting_id=meeting_id)


def item_url(meeting_id: str, number: int) -> str:
    return address(ITEM, meeting_id=meeting_id, number=number)
