"""The OpenAPI document (/api/openapi.json) against the server, with schemathesis, in-process over WSGI.

Every operation in the document gets the same cases on every run: schemathesis's coverage cases (boundary
and invalid values of each parameter, undeclared methods) and a bounded number of derandomized Hypothesis
cases that keep to the document or break it. Every check schemathesis has runs on each response, among
them not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
positive_data_acceptance (a request the document allows gets no 400) and negative_data_rejection (a
request the document forbids gets no 2xx).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from webui import create_app
from webui.openapi import STRIPPED

# Loaded when the module is collected, through the app's own /api/openapi.json route. That route never
# opens the index, so this app's index directory need not exist; the cases go to the `app` fixture below,
# which serves the real corpus. (schemathesis.pytest.from_fixture would load it from that fixture
# instead, but with pytest 9.2 it fails: "'Function' object has no attribute '_nodeid'".)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", create_app("no-index", {"TESTING": True}))
# schemathesis leaves out the operation that served the document unless a filter names it: name every path.
schema = schema.include(path_regex="^/")

# Hypothesis cases per operation, on top of the coverage cases: some 1,100 requests in all, 8 s on 2 cores.
MAX_EXAMPLES = 150


@pytest.fixture(scope="module")
def app(index_dir):
    return create_app(index_dir, {"TESTING": True})


@pytest.fixture(scope="module")
def document(app) -> dict:
    return app.test_client().get("/api/openapi.json").get_json()


def _first(value):
    """What the server reads for a query parameter: the first value of a repeated one."""
    return (value[0] if value else None) if isinstance(value, list) else value


def _date(value) -> date | None:
    """A from/to value as `query_from_params` reads it, or None."""
    value = _first(value)
    try:
        return date.fromisoformat(value.strip()) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _wire_value(texts: list[str], schema: dict):
    """A query parameter as sent, in the shape its schema describes: a list for an array, else the first
    value (the one the server reads), as a number where the schema allows integers."""
    if schema.get("type") == "array":
        return texts
    text = texts[0]
    integer = any(branch.get("type") == "integer" for branch in [schema, *schema.get("anyOf", [])])
    return int(text) if integer and re.fullmatch(r"-?[0-9]+", text) else text


def sent_query_is_valid(document: dict, case, response) -> bool:
    """Whether the query string the server got is one the document allows. schemathesis judges a negative
    case by the values it generated, and some reach the server as valid ones: a dict for an array
    parameter goes out as its keys, which any string array accepts."""
    sent = parse_qs(urlsplit(response.request.url).query, keep_blank_values=True)
    output = sent.get("format", [""])[0]
    if output.strip() == "csv":
        sent.pop("page", None)  # the CSV export ignores page ("page ignoreres")
    operation = document["paths"][case.operation.path][case.operation.method.lower()]
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "query" or parameter["name"] not in sent:
            continue
        validator = jsonschema_rs.Draft4Validator(parameter["schema"], validate_formats=True)
        if not validator.is_valid(_wire_value(sent[parameter["name"]], parameter["schema"])):
            return False
    return True


@schema.parametrize()
# derandomize and no example database: the same cases every run. deadline and the too_slow health check
# depend on the machine's speed, so they are off.
@settings(derandomize=True, database=None, max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
def test_server_keeps_the_openapi_document(case, contract_app) -> None:
    app = contract_app
    document = app.test_client().get("/api/openapi.json").get_json()
    response = case.call(app=app)
    excluded = []
    # A negative case the server got as a valid request (see sent_query_is_valid) may be answered 200.
    if case.meta is not None and case.meta.generation.mode.is_negative and \
            sent_query_is_valid(document, case, response):
        excluded.append(negative_data_rejection)
    # A from after to is a 400 (param from), though each date alone is valid: OpenAPI 3.0 cannot state
    # that, so it is in the description of to.
    query = case.query if isinstance(case.query, dict) else {}
    date_from, date_to = _date(query.get("from")), _date(query.get("to"))
    reversed_dates = date_from is not None and date_to is not None and date_from > date_to
    if reversed_dates:
        excluded.append(positive_data_acceptance)

    case.validate_response(response, excluded_checks=excluded, transport_kwargs={"app": app})

    if reversed_dates:
        assert response.status_code == 400, case.as_curl_command()


def search_parameter(document: dict, path: str, name: str) -> dict:
    return next(p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name)


def test_empty_to_and_from_mean_no_limit(app, document) -> None:
    """schemathesis's first finding: the HTML form submits to= and from= empty, the server reads them as
    no limit, and the document said `format: date`, which "" is not."""
    client = app.test_client()
    everything = client.get("/api/search").get_json()["total"]
    for url in ("/api/search?to=", "/api/search?from=", "/api/search?from=&to=", "/api/search?to=&page=&sort="):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.get_json()["total"] == everything, url
    for url in ("/feed?to=", "/feed?from="):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/atom+xml", url

    for path in ("/api/search", "/feed"):
        for name in ("from", "to"):
            validator = jsonschema_rs.Draft4Validator(search_parameter(document, path, name)["schema"],
                                                      validate_formats=True)
            assert validator.is_valid("") and validator.is_valid("2018-11-05"), (path, name)
            assert not validator.is_valid("2018-02-30") and not validator.is_valid(" "), (path, name)
    page = jsonschema_rs.Draft4Validator(search_parameter(document, "/api/search", "page")["schema"])
    assert page.is_valid("") and page.is_valid(1) and not page.is_valid(0)


def test_whitespace_in_the_document_is_what_the_server_strips() -> None:
    """The patterns spell out the characters str.strip() removes, as `\\s` means other ones in JSON Schema."""
    stripped = re.compile(STRIPPED)
    assert [c for c in map(chr, range(0x110000)) if stripped.fullmatch(c)] == \
        [c for c in map(chr, range(0x110000)) if c.isspace()]


# -- every item of every fixture, and the multi-municipality archive -----------------------------------

def json_schema(node):
    """An OpenAPI 3.0 schema as JSON Schema: `nullable: true` becomes a type that also allows null."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def every_fixture_index(tmp_path_factory) -> Path:
    """The corpus and every minutes text of tests/fixtures (all layouts, held out and unseen pages,
    committees, the archive), each under its own name, indexed together."""
    from conftest import archive_corpus
    from indexer.build import build_index

    corpus = archive_corpus(tmp_path_factory.mktemp("every-fixture"))
    for number, path in enumerate(sorted(FIXTURES.rglob("*.txt"))):
        (corpus / f"{number:03d}-{path.name}").write_bytes(path.read_bytes())
    index = tmp_path_factory.mktemp("every-fixture-index")
    build_index(corpus, index, engine="whoosh")
    return index


def test_every_item_of_every_fixture_keeps_the_published_item_schema(every_fixture_index) -> None:
    """Section kinds drifted: /api/items/hvidovre-oekonomiudvalget-2018-12-03-3 answered with a kind
    the published schema did not allow."""
    from indexer.search import SearchIndex

    client = create_app(every_fixture_index, {"TESTING": True}).test_client()
    document = client.get("/api/openapi.json").get_json()
    validator = jsonschema_rs.Draft4Validator(json_schema(
        {"$ref": "#/components/schemas/Item", "components": document["components"]}))
    index = SearchIndex(every_fixture_index)
    try:
        ids = [item["id"] for meeting in index.meetings() for item in index.meeting(meeting["id"])]
    finally:
        index.close()
    assert len(ids) > 100  # not vacuous: the corpus alone has 44 items, and some 40 other files are here
    kinds = set()
    for item_id in ids:
        response = client.get(f"/api/items/{item_id}?q=budget")
        record = response.get_json()
        errors = [error.message for error in validator.iter_errors(record)]
        assert (response.status_code, errors) == (200, []), item_id
        kinds.update(section["kind"] for section in record["sections"])
    assert {"resume", "kompetence", "lovgrundlag"} <= kinds  # the ones that had drifted out of the schema


def test_every_line_of_the_export_is_a_published_item_with_its_page(every_fixture_index) -> None:
    import json

    from indexer.search import SearchIndex

    client = create_app(every_fixture_index, {"TESTING": True}).test_client()
    document = client.get("/api/openapi.json").get_json()
    validator = jsonschema_rs.Draft4Validator(json_schema(
        {"$ref": "#/components/schemas/Item", "components": document["components"]}))
    index = SearchIndex(every_fixture_index)
    try:  # oldest meeting first (one day's by id), each in agenda order
        meetings = sorted((meeting["date"], meeting["id"]) for meeting in index.meetings())
        ids = [item["id"] for _date, meeting_id in meetings for item in index.meeting(meeting_id)]
    finally:
        index.close()
    response = client.get("/api/export.jsonl")
    lines = response.get_data(as_text=True).splitlines()
    assert (response.status_code, response.mimetype, len(lines)) == (200, "application/x-ndjson", len(ids))
    records = [json.loads(line) for line in lines]
    assert [record["id"] for record in records] == ids
    for record in records:
        assert [error.message for error in validator.iter_errors(record)] == [], record["id"]
        assert record["url"].startswith("http://localhost/")
        page = client.get(record["url"].removeprefix("http://localhost"))
        assert page.status_code == 200 and record["meeting"]["committee"] in page.get_data(as_text=True), record["url"]


@pytest.fixture(scope="module", params=["corpus", "archive"])
def contract_app(request, index_dir, archive_index):
    """The contract's server: the Direktionen corpus, and the archive of several committees and
    municipalities (tests/fixtures/archive/README.md)."""
    return create_app(index_dir if request.param == "corpus" else archive_index, {"TESTING": True})
