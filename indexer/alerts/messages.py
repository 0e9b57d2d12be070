"""The alert messages, in Danish, each as plain text with an HTML alternative (templates/):

    confirmation  the double opt-in: a link that confirms; nothing else is ever sent unconfirmed
    already       to an address that asked again for an alert it has: where to see and stop it
    digest        the items new to a confirmed alert, newest meeting first, each linking to its page

Every message to a confirmed alert names its search and carries the links that stop it (also as
List-Unsubscribe with one-click POST, RFC 8058) and that list the address's alerts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from jinja2 import Environment, PackageLoader, select_autoescape

from ..addresses import ALERT_CONFIRM, ALERT_END, ALERT_MANAGE, SEARCH, address
from ..model import DECISION_TYPES, danish_date
from ..results import Hit
from .mail import MailSettings
from .searches import describe_search
from .store import PENDING_DAYS, Alert

TEMPLATES = Environment(loader=PackageLoader("indexer.alerts", "templates"),
                        autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                        keep_trailing_newline=True)


@dataclass(frozen=True, slots=True)
class AlertLinks:
    """The addresses a message about one alert links to, on the site at `base_url`."""

    base_url: str
    token: str
    search: str

    def _absolute(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    @property
    def confirm(self) -> str:
        return self._absolute(address(ALERT_CONFIRM, token=self.token))

    @property
    def manage(self) -> str:
        return self._absolute(address(ALERT_MANAGE, token=self.token))

    @property
    def end(self) -> str:
        return self._absolute(address(ALERT_END, token=self.token))

    @property
    def search_page(self) -> str:
        return self._absolute(SEARCH + (f"?{self.search}&sort=newest" if self.search else "?sort=newest"))

    def item(self, path: str) -> str:
        return self._absolute(path)


# Lines up to RFC 5322's 998 characters: a header holding a long address without spaces (List-Unsubscribe's
# <…/beskeder/afmeld/token>) would otherwise be written as an RFC 2047 encoded word, which no mail program
# reads as an address.
MESSAGE_POLICY = policy.default.clone(max_line_length=998)

TEMPLATES.filters.update(danish_date=lambda iso: danish_date(date.fromisoformat(iso)), decision_label=lambda slug: DECISION_TYPES.get(slug, slug))


def _message(settings: MailSettings, to: str, subject: str, template: str, **context: object) -> EmailMessage:
    message = EmailMessage(policy=MESSAGE_POLICY)
    sender = settings.sender_address()
    message["From"] = sender
    user, _, domain = to.rpartition("@")
    message["To"] = Address(username=user, domain=domain)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message.set_content(TEMPLATES.get_template(f"{template}.txt").render(**context))
    message.add_alternative(TEMPLATES.get_template(f"{template}.html").render(subject=subject, **context), subtype="html")
    return message


def confirmation_message(settings: MailSettings, alert: Alert, base_url: str) -> EmailMessage:
    links = AlertLinks(base_url, alert.token, alert.search)
    description = describe_search(alert.search)
    return _message(settings, alert.address, f"Bekræft: e-mail om nye punkter ({description})", "confirmation",
                    description=description, links=links, days=PENDING_DAYS)


def already_message(settings: MailSettings, alert: Alert, base_url: str) -> EmailMessage:
    links = AlertLinks(base_url, alert.token, alert.search)
    description = describe_search(alert.search)
    message = _message(settings, alert.address, f"Du får allerede besked om nye punkter ({description})", "already",
                       description=description, links=links)
    _unsubscribe_headers(message, links)
    return message


def digest_message(settings: MailSettings, alert: Alert, base_url: str, hits: Sequence[Hit], total: int) -> EmailMessage:
    """The digest of `total` new items, of which `hits` (the newest) are listed."""
    links = AlertLinks(base_url, alert.token, alert.search)
    description = describe_search(alert.search)
    count = f"{total} nyt punkt" if total == 1 else f"{total} nye punkter"
    message = _message(settings, alert.address, f"{count}: {description}", "digest", description=description,
                       links=links, hits=hits, total=total, count=count)
    _unsubscribe_headers(message, links)
    return message


def _unsubscribe_headers(message: EmailMessage, links: AlertLinks) -> None:
    message["List-Unsubscribe"] = f"<{links.end}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
