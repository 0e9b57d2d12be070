"""Which FirstAgenda host a harvest reads: the built-in list of municipalities' addresses
(indexer/data/firstagenda-hosts.txt), and SOURCE (a name or an address) resolved against it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from ..model import slug

HOSTS_FILE = "data/firstagenda-hosts.txt"
_HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?", re.I)  # fullmatch


class SourceError(ValueError):
    """SOURCE names no host we can harvest; str() is a one-line reason."""


@dataclass(frozen=True, slots=True)
class Source:
    municipality: str  # as the municipality writes its name
    host: str  # scheme and host, no trailing slash: https://dagsordener.middelfart.dk


@cache
def firstagenda_hosts() -> dict[str, str]:
    """Municipality -> its FirstAgenda address, from the built-in list."""
    text = resources.files("indexer").joinpath(HOSTS_FILE).read_text(encoding="utf-8")
    hosts: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, address = line.split("\t")
            hosts[name.strip()] = address.strip()
    return hosts


def name_key(name: str) -> str:
    """A municipality's name as it is looked up: case, æ/ø/å or ae/oe/aa, spaces and a trailing
    'Kommune' make no difference (Høje Taastrup, hoeje-taastrup kommune)."""
    key = slug(name)
    return key.removesuffix("-kommune") if key != "kommune" else key


def base_address(address: str) -> str:
    """An address reduced to scheme and host (a pasted meeting link keeps only its host)."""
    parts = urlsplit(address.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not _HOST_NAME.fullmatch(parts.netloc):
        raise SourceError(f"not an http(s) address: {address}")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def resolve_source(source: str, municipality: str | None = None) -> Source:
    """SOURCE as the user gave it: a municipality's name, or an address (https://… or a bare host
    name). The municipality is `municipality` when given, else the list's name for that host."""
    hosts = firstagenda_hosts()
    by_key = {name_key(name): name for name in hosts}
    given = (municipality or "").strip()
    if given and not name_key(given):
        raise SourceError(f"--municipality {given!r} has no letters or digits")
    given = by_key.get(name_key(given), given) if given else ""  # the list's spelling when it has it
    source = source.strip()
    if "://" in source or ("." in source and _HOST_NAME.fullmatch(source)):
        host = base_address(source if "://" in source else f"https://{source}")
        listed = next((name for name, address in hosts.items() if urlsplit(address).netloc == urlsplit(host).netloc),
                      None)
        if given or listed:
            return Source(given or listed, host)
        raise SourceError(f"{host} is not in the built-in list of FirstAgenda hosts: give --municipality NAME")
    name = by_key.get(name_key(source))
    if name is None:
        raise SourceError(f"no FirstAgenda address known for {source!r}: give its address (https://…) "
                          "and --municipality NAME")
    return Source(given or name, hosts[name])
