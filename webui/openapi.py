"""The OpenAPI 3.0 description of the JSON API, the CSV export, the Atom feed and /healthz.

Built from the indexer's own constants (decision types, sorts, limits), so the enumerations cannot
drift from what `indexer.query.query_from_params` accepts.
"""

from __future__ import annotations

import copy
import re

from indexer.facets import FACETS
from indexer.layouts import SECTION_KINDS as LAYOUT_SECTION_KINDS
from indexer.model import AGENDA, DECISION_TYPES, MINUTES
from indexer.query import MAX_PAGE, MAX_QUERY_CHARS, PAGE_SIZES, SORTS

SECTION_KINDS = list(LAYOUT_SECTION_KINDS)  # from the layouts, which the parser reads them from


def _string(description: str, **extra) -> dict:
    return {"type": "string", "description": description, **extra}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def _array(items: dict, description: str | None = None) -> dict:
    schema = {"type": "array", "items": items}
    if description:
        schema["description"] = description
    return schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _multi(name: str, description: str, items: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "style": "form", "explode": True, "schema": _array(items or {"type": "string"})}


# What str.strip() strips (str.isspace), spelt out: `\s` differs between regex dialects (ECMA-262, which JSON
# Schema uses, has U+FEFF but not U+001C-U+001F or U+0085).
STRIPPED = r"[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def _blank_or(pattern: str) -> dict:
    """A string matching `pattern`, or empty, with any whitespace around it: `query_from_params` strips
    each value of a repeatable filter and skips the empty ones (the search form submits empty fields)."""
    return {"type": "string", "pattern": rf"^{STRIPPED}*(?:{pattern})?{STRIPPED}*$"}


def _one_of(values) -> str:
    """An alternation of plain words, unescaped: ECMA-262's unicode mode rejects an escaped `-`."""
    if not all(re.fullmatch(r"[a-z-]+", value) for value in values):
        raise ValueError(f"not plain words: {values}")
    return "|".join(values)


# An empty from=/to=/page= is "not given" (no limit, page 1): the search form submits empty fields.
EMPTY = {"type": "string", "maxLength": 0}
IGNORED = "Mellemrum om en værdi og tomme værdier ignoreres."

SEARCH_PARAMETERS = [
    {"name": "q", "in": "query", "required": False,
     "description": ("Søgetekst i søgesproget fra /hjaelp (ord, \"fraser\", OR/ELLER, -ord/NOT/IKKE, præfiks*, "
                     f"titel:/beslutning:/bilag:/sag:). Tom: alle punkter, nyeste først. Længere end "
                     f"{MAX_QUERY_CHARS} tegn afkortes (se notice)."),
     "schema": {"type": "string"}},
    *(_multi(facet.name, f"{facet.description} {IGNORED}",
             _blank_or(facet.pattern) if facet.pattern else {"type": "string"}) for facet in FACETS),
    {"name": "from", "in": "query", "required": False,
     "description": "Møder på eller efter denne dato. Tom (from=): ingen nedre grænse.",
     "schema": {"anyOf": [{"type": "string", "format": "date"}, EMPTY]}},
    {"name": "to", "in": "query", "required": False,
     "description": "Møder på eller før denne dato; ikke før from (ellers 400 med param from). "
                    "Tom (to=): ingen øvre grænse.",
     "schema": {"anyOf": [{"type": "string", "format": "date"}, EMPTY]}},
    {"name": "sort", "in": "query", "required": False,
     "description": "Sortering; relevance uden søgetekst giver nyeste først. Tom (sort=): relevance.",
     "schema": {"type": "string", "enum": [*SORTS, ""], "default": "relevance"}},
    _multi("expand", "Facetter, der vises med alle værdier (op til 500) i stedet for de hyppigste: case.",
           {"anyOf": [{"type": "string", "enum": [facet.name for facet in FACETS if facet.size is not None]}, EMPTY]}),
    {"name": "size", "in": "query", "required": False,
     "description": f"Hits pr. side: {', '.join(map(str, PAGE_SIZES[:-1]))} eller {PAGE_SIZES[-1]}. "
                    f"Tom (size=): {PAGE_SIZES[0]}.",
     "schema": {"anyOf": [{"type": "integer", "enum": list(PAGE_SIZES)}, EMPTY], "default": PAGE_SIZES[0]}},
    {"name": "page", "in": "query", "required": False,
     "description": "Side (size hits pr. side). Tom (page=): side 1.",
     "schema": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, EMPTY], "default": 1}},
]

ERROR_RESPONSE_400 = {"description": "En parameter er ugyldig; param navngiver den.",
                      "content": {"application/json": {"schema": _ref("Error")}}}
ERROR_RESPONSE_404 = {"description": "Findes ikke (også ved en ugyldig dato eller et ugyldigt id).",
                      "content": {"application/json": {"schema": _ref("Error")}}}
ERROR_RESPONSE_503 = {"description": "Der er intet søgeindeks endnu.",
                      "content": {"application/json": {"schema": _ref("Error")}}}


# A vote read from a decision (indexer/parsing/votes.py); inline, as OpenAPI 3.0 ignores `nullable` beside a $ref.
VOTE = {
    "type": "object",
    "required": ["in_favour", "against", "abstained", "in_favour_count", "against_count", "abstained_count",
                 "reserved", "text"],
    "description": "En afstemning, som beslutningen gengiver den (læst maskinelt).",
    "properties": {
        "in_favour": _array({"type": "string"}, "Partier (bogstav eller navn som trykt), der stemte for; "
                                                "medlemmernes navne, hvor intet parti er nævnt."),
        "against": _array({"type": "string"}, "Partier, der stemte imod."),
        "abstained": _array({"type": "string"}, "Partier, der undlod at stemme."),
        "in_favour_count": _nullable({"type": "integer", "minimum": 0}),
        "against_count": _nullable({"type": "integer", "minimum": 0}),
        "abstained_count": _nullable({"type": "integer", "minimum": 0}),
        "reserved": _array({"type": "string"}, "Partier, der tog forbehold (ingen stemme)."),
        "text": _string("Teksten, afstemningen er læst af."),
    },
}

SCHEMAS = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["param", "message"],
            "properties": {
                "param": _nullable(_string("Den ugyldige parameter; null når fejlen ikke skyldes en parameter.")),
                "message": _string("Forklaring på dansk."),
            }}},
    },
    "FacetValue": {
        "type": "object", "required": ["value", "label", "count", "selected"],
        "properties": {
            "value": _string("Værdien, som den bruges i parameteren med facettens navn."),
            "label": _string("Visningsnavn på dansk."),
            "count": {"type": "integer", "minimum": 0,
                      "description": "Antal punkter med værdien under søgningen og de andre facetters valg."},
            "selected": {"type": "boolean"},
        },
    },
    "Hit": {
        "type": "object",
        "required": ["id", "title", "meeting_date", "meeting_id", "committee", "municipality", "number", "case_number",
                     "decision_types", "centres", "url", "section", "snippet", "status"],
        "properties": {
            "id": _string("Punktets id, fx hoeje-taastrup-direktionen-2018-11-05-3."),
            "title": _string("Punktets titel."),
            "meeting_date": _string("Mødedato.", format="date"),
            "meeting_id": _string("Mødets id, fx hoeje-taastrup-direktionen-2018-11-05."),
            "committee": _string("Udvalget, som referatet skriver det, fx Direktionen."),
            "municipality": _nullable(_string("Kommunen, fx Høje-Taastrup; null hvis ukendt.")),
            "number": {"type": "integer", "minimum": 1},
            "case_number": _nullable(_string("Sagsnummer, fx 18/18580.")),
            "decision_types": _array({"type": "string", "enum": list(DECISION_TYPES)}),
            "centres": _array({"type": "string"}, "Centerkoder."),
            "url": _string("Sti til punktets side, fx /moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3."),
            "section": _nullable(_string("Anker for det afsnit, uddraget kommer fra (URL-fragment).")),
            "snippet": _string("Uddrag som HTML: escapet tekst med <mark> om de fundne ord."),
            "status": _string("Mødets: referat, eller dagsorden (offentliggjort før mødet, endnu ikke behandlet).",
                              enum=[MINUTES, AGENDA]),
        },
    },
    "SearchResults": {
        "type": "object",
        "required": ["total", "page", "pages", "hits", "facets", "facets_truncated", "notice", "suggestion", "trend"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "hits": _array(_ref("Hit")),
            "facets": {
                "type": "object",
                "description": "Facet -> værdier. committee og municipality findes kun, når indekset har mere end én værdi.",
                "properties": {name: _array(_ref("FacetValue"))
                               for name in (facet.name for facet in FACETS)},
                "additionalProperties": _array(_ref("FacetValue")),
            },
            "facets_truncated": {"type": "object", "additionalProperties": {"type": "boolean"},
                                 "description": "Facet -> om listen er afkortet (" + ", ".join(
                                     f"{facet.name} viser de {facet.size} hyppigste" for facet in FACETS if facet.size) + ")."},
            "notice": _nullable(_string("Besked om noget, der blev ændret i søgningen.")),
            "suggestion": _nullable(_string("'Mente du'-forslag til søgeteksten.")),
            "trend": _nullable({
                "type": "object", "required": ["unit", "counts"],
                "description": ("Søgningens punkter pr. år, eller pr. måned når de alle er fra ét år: én periode pr. "
                                "år (måned) fra den første til den sidste med punkter, også dem uden; null når alle "
                                "punkter er fra én måned, eller der ingen er."),
                "properties": {
                    "unit": _string("year eller month.", enum=["year", "month"]),
                    "counts": _array({"type": "object", "required": ["period", "count"], "properties": {
                        "period": _string("ÅÅÅÅ, eller ÅÅÅÅ-MM for en måned."),
                        "count": {"type": "integer", "minimum": 0}}})}}),
        },
    },
    "Participant": {
        "type": "object", "required": ["name", "role"],
        "properties": {"name": {"type": "string"}, "role": _nullable({"type": "string"})},
    },
    "Meeting": {
        "type": "object",
        "required": ["id", "municipality", "committee", "date", "start_time", "location", "participants",
                     "attendance", "source", "item_count"],
        "properties": {
            "id": _string("Mødets id, fx hoeje-taastrup-direktionen-2018-11-05."),
            "municipality": _nullable(_string("Kommunen, fx Høje-Taastrup; null hvis ukendt.")),
            "committee": {"type": "string"},
            "layout": _string("Layoutet referatet er læst med (minutes layouts)."),
            "attendance": _array({"type": "string"}, "Mødets fraværslinjer (Fraværende: …, Afbud: …)."),
            "date": {"type": "string", "format": "date"},
            "start_time": _nullable(_string("HH:MM")),
            "location": _nullable({"type": "string"}),
            "participants": _array(_ref("Participant")),
            "source": _string("Kildefilen i corpus."),
            "item_count": {"type": "integer", "minimum": 0},
            "original": _nullable({
                "type": "object", "required": ["file", "format", "pages"],
                "description": "Indeksets kopi af referatet, som kommunen udgav det; null for et høstet møde "
                               "(se published_url).",
                "properties": {"file": _string("Filnavnet: indholdets SHA-256 og filtypen."),
                               "format": {"type": "string", "enum": ["pdf", "txt"]},
                               "pages": _nullable({"type": "integer", "minimum": 1})},
            }),
            "status": _string("referat, eller dagsorden: offentliggjort før mødet, endnu ikke behandlet.",
                              enum=[MINUTES, AGENDA]),
            "published_url": _nullable(_string("Mødets side hos kommunen (et høstet møde).")),
            "recognised_pages": {"type": "integer", "minimum": 0,
                                 "description": "Sider i referatets PDF, der er læst maskinelt fra en skanning."},
            "original_url": _nullable(_string("Adressen på det originale referat (PDF eller tekst).")),
        },
    },
    "DecisionPart": {
        "type": "object", "required": ["heading", "text", "type"],
        "properties": {"heading": _nullable({"type": "string"}), "text": {"type": "string"},
                       "type": {"type": "string", "enum": list(DECISION_TYPES)}},
    },
    "Decision": {
        "type": "object", "required": ["text", "types", "parts"],
        "properties": {"text": {"type": "string"},
                       "types": _array({"type": "string", "enum": list(DECISION_TYPES)}),
                       "parts": _array(_ref("DecisionPart")),
                       "vote": _nullable(VOTE)},
    },
    "Section": {
        "type": "object", "required": ["kind", "heading", "text", "anchor", "start", "end"],
        "properties": {
            "kind": {"type": "string", "enum": SECTION_KINDS},
            "heading": _string("Overskriften, som den står i referatet."),
            "text": _string("Afsnit adskilt af en tom linje; tabelrækker har TAB mellem cellerne."),
            "anchor": _string("URL-fragment for afsnittet, fx beslutning eller bilag-2."),
            "start": {"type": "integer", "minimum": 0},
            "end": {"type": "integer", "minimum": 0},
            "html": _string("Kun fra /api/items/{id}: teksten escapet som HTML med <mark> om ord fra q."),
            "matches": {"type": "integer", "minimum": 0, "description": "Kun fra /api/items/{id}: antal markeringer."},
        },
    },
    "Item": {
        "type": "object",
        "required": ["id", "number", "title", "case_number", "closed", "decision", "centres", "proposers",
                     "attachments", "sections", "meeting"],
        "properties": {
            "id": {"type": "string"},
            "number": {"type": "integer", "minimum": 1},
            "title": {"type": "string"},
            "title_html": _string("Kun fra /api/items/{id}: titlen som HTML med <mark> om ord fra q."),
            "other_titles": _array({"type": "string"}, "Titlen som den er trykt inde i punktet, hvor den afviger "
                                   "fra dagsordenens (fx en stavefejl i dagsordenen); søges som titlen."),
            "case_number": _nullable({"type": "string"}),
            "closed": {"type": "boolean", "description": "Lukket punkt: indholdet er ikke offentligt."},
            "decision": _ref("Decision"),
            "centres": _array({"type": "string"}),
            "proposers": _array({"type": "string"}),
            "attachments": _array({"type": "string"}, "Bilagenes titler."),
            "sections": _array(_ref("Section")),
            "meeting": _ref("Meeting"),
            "page": _nullable({"type": "integer", "minimum": 1, "description": "Siden i referatets PDF, hvor punktet begynder."}),
            "original_url": _nullable(_string("Det originale referat, for en PDF ved punktets side (#page=N).")),
            "published_url": _nullable(_string("Punktets side hos kommunen (et høstet møde).")),
            "url": _string("Kun i eksporten (/api/export.jsonl): punktets side her."),
            "published_pdf": _nullable(_string("Punktets tekst som PDF hos kommunen (et høstet møde).")),
            "recognised": {"type": "boolean", "description": "Teksten er læst maskinelt fra en skannet side og "
                                                              "kan indeholde genkendelsesfejl."},
            "attachment_files": _array({"type": "object", "required": ["title", "url"],
                                        "properties": {"title": {"type": "string"}, "url": _nullable({"type": "string"})}},
                                       "Bilag udgivet som filer (et høstet møde), med adressen hos kommunen."),
        },
    },
    "MeetingItems": {
        "type": "object", "required": ["id", "date", "meeting", "items"],
        "properties": {"id": _string("Mødets id."), "date": {"type": "string", "format": "date"},
                       "meeting": _ref("Meeting"),
                       "items": _array(_ref("Item"), "Punkterne i dagsordenens rækkefølge.")},
    },
    "CaseItems": {
        "type": "object", "required": ["case_number", "items"],
        "properties": {"case_number": {"type": "string"},
                       "items": _array(_ref("Item"), "Sagens punkter, ældste først.")},
    },
    "Health": {
        "type": "object", "required": ["status", "items"],
        "properties": {"status": {"type": "string", "enum": ["ok", "unavailable"]},
                       "items": {"type": "integer", "minimum": 0},
                       "meetings": {"type": "integer", "minimum": 0},
                       "first_meeting": _nullable({"type": "string", "format": "date"}),
                       "last_meeting": _nullable({"type": "string", "format": "date"})},
    },
    "Coverage": {
        "type": "object",
        "required": ["meetings", "items", "first_meeting", "last_meeting", "municipalities", "committees"],
        "description": "Hvad arkivet rummer: møder, punkter, første og seneste mødedato, kommuner og udvalg.",
        "properties": {"meetings": {"type": "integer", "minimum": 0}, "items": {"type": "integer", "minimum": 0},
                       "first_meeting": _nullable({"type": "string", "format": "date"}),
                       "last_meeting": _nullable({"type": "string", "format": "date"}),
                       "municipalities": _array({"type": "string"}), "committees": _array({"type": "string"})},
    },
}

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {
        "title": "Kommunale referater",
        "version": "2.0.0",
        "description": ("Søgning i kommunale udvalgs referater. Hvert dagsordenspunkt er et dokument; møder og punkter "
                        "har id'er med kommune, udvalg og dato. Alle tekster i svarene er på dansk."),
    },
    "servers": [{"url": "/"}],
    "paths": {
        "/api/search": {"get": {
            "summary": "Søg i punkterne",
            "operationId": "search",
            "parameters": [*SEARCH_PARAMETERS, {
                "name": "format", "in": "query", "required": False,
                "description": ("json (standard) eller csv. CSV er UTF-8 med BOM og indeholder alle hits op til "
                                "1000 (page ignoreres), kolonnerne id, meeting_date, number, title, "
                                "case_number, decision_types (adskilt af ;), centres (adskilt af ;), url (absolut). "
                                "Mellemrum om værdien ignoreres; tom (format=) giver json."),
                "schema": {**_blank_or(_one_of(["json", "csv"])), "default": "json"}}],
            "responses": {
                "200": {"description": "Søgeresultatet.", "content": {
                    "application/json": {"schema": _ref("SearchResults")},
                    "text/csv": {"schema": {"type": "string"}}}},
                "400": ERROR_RESPONSE_400, "503": ERROR_RESPONSE_503,
            },
        }},
        "/api/items/{id}": {"get": {
            "summary": "Ét punkt",
            "operationId": "item",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "description": "Fx hoeje-taastrup-direktionen-2018-11-05-3.",
                 "schema": {"type": "string", "pattern": r"^[a-z0-9-]+-\d{4}-\d{2}-\d{2}-\d+$"}},
                {"name": "q", "in": "query", "required": False,
                 "description": "Søgetekst, hvis ord markeres i title_html og sections[].html.",
                 "schema": {"type": "string"}},
            ],
            "responses": {"200": {"description": "Punktet.", "content": {"application/json": {"schema": _ref("Item")}}},
                          "404": ERROR_RESPONSE_404, "503": ERROR_RESPONSE_503},
        }},
        "/api/export.jsonl": {"get": {
            "summary": "Hele arkivet: hvert punkt med møde, afsnit og beslutning",
            "description": ("JSON Lines, strømmet: én linje pr. punkt, ældste møde først og i dagsordenens "
                            "rækkefølge; hver linje er et Item med url (punktets side). Samme indhold som "
                            "`minutes export`."),
            "operationId": "export",
            "responses": {"200": {"description": "Ét punkt pr. linje.", "content": {"application/x-ndjson": {
                "schema": _ref("Item")}}},
                          "503": ERROR_RESPONSE_503},
        }},
        "/api/meetings": {"get": {
            "summary": "Alle møder, nyeste først",
            "operationId": "meetings",
            "responses": {"200": {"description": "Møderne med antal punkter.", "content": {"application/json": {
                "schema": {"type": "object", "required": ["coverage", "meetings"], "properties": {
                    "coverage": _ref("Coverage"),
                    "meetings": {"type": "array", "items": _ref("Meeting")}}}}}},
                          "503": ERROR_RESPONSE_503},
        }},
        "/api/meetings/{id}": {"get": {
            "summary": "Et møde og dets punkter",
            "operationId": "meeting",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "description": ("Mødets id, fx hoeje-taastrup-direktionen-2018-11-05. En dato (ÅÅÅÅ-MM-DD, "
                                            "adressen fra før udvalgene fik hver sin) viderestiller (301) til dagens "
                                            "møde, eller svarer 300 med møderne, når flere udvalg mødtes den dag."),
                            "schema": {"type": "string", "pattern": r"^[a-z0-9-]+$"}}],
            "responses": {"200": {"description": "Mødet.", "content": {"application/json": {"schema": _ref("MeetingItems")}}},
                          "301": {"description": "Adressen fra før udvalgene: mødet er flyttet til sit id."},
                          "300": {"description": "Flere møder den dag.", "content": {"application/json": {
                              "schema": {"type": "object", "required": ["error", "meetings"], "properties": {
                                  "error": SCHEMAS["Error"]["properties"]["error"], "meetings": _array(_string("Mødets adresse."))}}}}},
                          "404": ERROR_RESPONSE_404, "503": ERROR_RESPONSE_503},
        }},
        "/api/cases/{case_number}": {"get": {
            "summary": "Alle punkter i en sag",
            "operationId": "case",
            "parameters": [
                {"name": "case_number", "in": "path", "required": True,
                 "description": "Sagsnummeret som referatet skriver det, fx 14/32918, 249050 eller 330-2018-3619.",
                 "schema": {"type": "string", "pattern": r"^[0-9A-Za-zÆØÅæøå][0-9A-Za-zÆØÅæøå./-]{0,59}$"}},
            ],
            "responses": {"200": {"description": "Sagens punkter.", "content": {"application/json": {"schema": _ref("CaseItems")}}},
                          "404": ERROR_RESPONSE_404, "503": ERROR_RESPONSE_503},
        }},
        "/feed": {"get": {
            "summary": "Søgningen som Atom-feed (nyeste først, de 20 nyeste punkter)",
            "operationId": "feed",
            "parameters": [p for p in SEARCH_PARAMETERS if p["name"] not in ("sort", "page", "size", "expand")],
            "responses": {"200": {"description": "Atom 1.0.",
                                  "content": {"application/atom+xml": {"schema": {"type": "string"}}}},
                          "400": ERROR_RESPONSE_400, "503": ERROR_RESPONSE_503},
        }},
        "/healthz": {"get": {
            "summary": "Driftsstatus",
            "operationId": "health",
            "responses": {"200": {"description": "Indekset kan læses.", "content": {"application/json": {"schema": _ref("Health")}}},
                          "503": {"description": "Der er intet indeks.", "content": {"application/json": {"schema": _ref("Health")}}}},
        }},
        "/api/openapi.json": {"get": {
            "summary": "Dette dokument",
            "operationId": "openapi",
            "responses": {"200": {"description": "OpenAPI 3.0.", "content": {"application/json": {"schema": {"type": "object"}}}}},
        }},
    },
    "components": {"schemas": SCHEMAS},
}


def openapi_document() -> dict:
    return copy.deepcopy(DOCUMENT)
