"""The municipal centres of Høje-Taastrup Kommune and every way the minutes name them.

This table is the one place to teach the parser a new spelling. Codes are matched
case-sensitively (they are acronyms: "BAC", "BAC's", "BACs", "BAC-ledelsen"); full names
case-insensitively, with or without the genitive "s".
"""

from __future__ import annotations

import re

MUNICIPALITY = "Høje-Taastrup"  # whose centres these are: applied to its minutes only

# code -> (display name, other acronyms, full-name spellings)
CENTRES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "BAC": ("Borger- og Arbejdsmarkedscenteret", (), (
        "Borger- og Arbejdsmarkedscenteret", "Borger- og Arbejdsmarkedscentret")),
    "ØDC": ("Økonomi- og Digitaliseringscenteret", (), (
        "Økonomi- og Digitaliseringscenteret", "Økonomi- og Digitaliseringscentret")),
    "HRC": ("HR-Centret", (), ("HR-Centret", "HR-Centeret")),
    "ISC": ("Institutions- og Skolecenteret", (), (
        "Institutions- og Skolecenteret", "Institutions og Skolecenteret",
        "Institutions- og Skolecentret")),
    "SHC": ("Social- og Handicapcenteret", (), (
        "Social- og Handicapcenteret", "Social- og Handicapcentret")),
    "SOUC": ("Sundheds- og Omsorgscentret", ("SUOC",), (
        "Sundheds- og Omsorgscentret", "Sundheds- og Omsorgscenteret")),
    "BURC": ("Børne- og Ungerådgivningscenteret", (), (
        "Børne- og Ungerådgivningscenteret", "Børne- og Ungerådgivningscentret")),
    "BYC": ("Byrådscentret", (), ("Byrådscentret", "Byrådscenteret")),
    "CEIS": ("Center for Ejendomme og Intern Service", (), (
        "Center for Ejendomme og Intern Service",)),
    "TMC": ("Teknik- og Miljøcenteret", (), ("Teknik- og Miljøcenteret", "Teknik- og Miljøcentret")),
    "DBY": ("Driftsbyen", (), ("Driftsbyen",)),
    "FKC": ("Fritids- og Kulturcenteret", (), ("Fritids- og Kulturcenteret", "Fritids- og Kulturcentret")),
    "BSC": ("Borgerservicecentret", (), ("Borgerservicecentret", "Borgerservicecenteret")),
    "UTA": ("Uddannelse til alle", (), ()),
    "Ungecentret": ("Ungecentret", (), ("Ungecentret", "Ungecenteret")),
}

_LETTER = r"[0-9A-Za-zÆØÅæøåÄÖÜäöüÉé]"


def _build_patterns() -> list[tuple[str, tuple[str, ...], re.Pattern[str]]]:
    patterns = []
    for code, (_name, acronyms, full_names) in CENTRES.items():
        # A name can only match where its lower-case spelling occurs: a substring test (fast) comes
        # first, the regular expression (slow: its look-behind defeats the literal scan) only then.
        needles = tuple(sorted({name.lower() for name in (code, *acronyms, *full_names)}))
        alternatives = []
        for acronym in (code, *acronyms):
            if acronym.isupper():
                alternatives.append(f"(?-i:{re.escape(acronym)})(?:'s|s)?")
        for full in full_names:
            alternatives.append(f"{re.escape(full)}s?")
        pattern = rf"(?<!{_LETTER})(?:{'|'.join(alternatives)})(?!{_LETTER})"
        patterns.append((code, needles, re.compile(pattern, re.IGNORECASE)))
    return patterns


_PATTERNS = _build_patterns()


def find_centres(text: str) -> list[str]:
    """Codes of the centres named in `text`, in the table's order."""
    lowered = text.lower()
    return [code for code, needles, pattern in _PATTERNS
            if any(needle in lowered for needle in needles) and pattern.search(text)]


def centre_name(code: str) -> str:
    entry = CENTRES.get(code)
    return entry[0] if entry else code
