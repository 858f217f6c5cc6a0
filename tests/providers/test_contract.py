"""Contract test: what the client sends and the fake answers matches Sentry's OpenAPI schema.

A scenario drives every endpoint the fake implements through SentryClient. Then each recorded
exchange is matched to its operation in ``openapi.json`` (path template and method) and checked:

* responses (2xx) against the operation's response schema; error bodies against Sentry's error
  shape (``{"detail": ...}`` or ``{field: [messages]}``), which the schema leaves undescribed;
* request bodies and query parameters of requests Sentry accepted against the operation's request
  schema and parameters (rejected requests were meant to be invalid).

Endpoints absent from the public schema are listed in NOT_IN_PUBLIC_SCHEMA with schemas derived
from SENTRY_API.md; the test fails if one appears in the public schema. The legacy alert endpoints,
removed from the public schema in 2026-05, are checked against the last schema that documented
them (``openapi-2026-05-legacy-alerts.json``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator
from pulumi.dynamic import Config, ConfigureRequest
from referencing import Registry
from referencing.jsonschema import DRAFT4

from sentry_iac.offline.engine import run_offline
from sentry_iac.providers import SentryApiError, SentryClient, SentryValidationError, api_path
from sentry_iac.providers.alerting import AlertProvider, MonitorProvider
from sentry_iac.providers.crons import CronAlertProvider, CronMonitorProvider
from sentry_iac.providers.dashboards import DashboardProvider
from sentry_iac.providers.kinds import KINDS
from sentry_iac.providers.paths import API_PREFIX
from sentry_iac.providers.settings import SettingsProvider
from sentry_iac.providers.team_roles import TeamRoleProvider
from sentry_iac.providers.uptime import (
    LegacyUptimeMonitorProvider,
    UptimeAlertProvider,
    UptimeMonitorProvider,
)
from tests.fake_sentry import Exchange, FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.fake_sentry.routes import LEGACY_TEMPLATES, ORG
from tests.helpers import EXAMPLE, shared_missing
from tests.providers.contract_alerting import run_alerting_scenario
from tests.providers.contract_backtest import (
    EVENTS_STATS,
    EVENTS_STATS_RESPONSE,
    run_backtest_scenario,
)
from tests.providers.contract_import import (
    ALERT_RULE_WORKFLOW,
    ALERT_RULE_WORKFLOW_RESPONSE,
    run_import_scenario,
)
from tests.providers.contract_observability import (
    MONITOR_ERRATA,
    SCHEDULE_ERRATUM,
    run_observability_scenario,
)
from tests.providers.contract_quotas import run_quotas_scenario, with_quota_errata
from tests.providers.contract_triage import run_triage_scenario, with_ownership_errata
from tests.providers.contract_uptime import (
    ORG_UPTIME,
    UPTIME,
    UPTIME_MONITOR,
    UPTIME_MONITOR_REQUEST,
    run_uptime_scenario,
)
from tests.providers.scaffold import delivered

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_URI = "urn:sentry-openapi"
DYNAMIC_PREFIX = "pulumi-python:dynamic/sentry-iac:"
PERFORMANCE = (
    "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/performance-issues/configure/"
)

# -- schemas derived from SENTRY_API.md section 4 (private endpoint) ------------------------------
_INT_RANGES = {
    "n_plus_one_db_duration_threshold": (50, 10000),
    "n_plus_one_db_count": (5, 100),
    "slow_db_query_duration_threshold": (100, 10000),
    "large_http_payload_size_threshold": (100000, 10000000),
    "db_on_main_thread_duration_threshold": (10, 50),
    "file_io_on_main_thread_duration_threshold": (10, 50),
    "uncompressed_asset_duration_threshold": (100, 10000),
    "uncompressed_asset_size_threshold": (100000, 10000000),
    "consecutive_db_min_time_saved_threshold": (50, 5000),
    "n_plus_one_api_calls_total_duration_threshold": (100, 10000),
    "consecutive_http_spans_min_time_saved_threshold": (1000, 10000),
    "http_request_delay_threshold": (200, 10000),
    "web_vitals_count": (5, 100),
    "sql_injection_query_value_length_threshold": (3, 10),
}
_DETECTORS = [
    "uncompressed_assets", "consecutive_http_spans", "large_http_payload", "n_plus_one_db_queries",
    "n_plus_one_api_calls", "db_on_main_thread", "file_io_on_main_thread",
    "consecutive_db_queries", "large_render_blocking_asset", "slow_db_queries", "http_overhead",
    "db_query_injection", "web_vitals",
]  # fmt: skip
_INTERNAL_ONLY = [
    "transaction_duration_regression_detection_enabled",
    "function_duration_regression_detection_enabled",
]
_WRITABLE: dict[str, Any] = {
    **{k: {"type": "integer", "minimum": lo, "maximum": hi} for k, (lo, hi) in _INT_RANGES.items()},
    "render_blocking_fcp_ratio": {"type": "number", "minimum": 0.2, "maximum": 0.95},
    "large_http_payload_filtered_paths": {"type": "string", "maxLength": 1000},
    **{f"{name}_detection_enabled": {"type": "boolean"} for name in _DETECTORS},
}
PERFORMANCE_REQUEST = {
    "type": "object",
    "properties": _WRITABLE,
    "additionalProperties": False,
    "minProperties": 1,
}
PERFORMANCE_RESPONSE = {
    "type": "object",
    "properties": {**_WRITABLE, **{k: {"type": "boolean"} for k in _INTERNAL_ONLY}},
    "required": [*_WRITABLE, *_INTERNAL_ONLY],
    "additionalProperties": False,
}
# Sentry's error bodies (SENTRY_API.md sections 3, 4, 8): detail, or field -> message(s); nested
# serializers nest them (SENTRY_ALERTS_API.md section 3), with {} for list items that were fine.
ERROR_BODY = {
    "definitions": {
        "messages": {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"$ref": "#/definitions/messages"}},
                {"type": "object", "additionalProperties": {"$ref": "#/definitions/messages"}},
            ]
        }
    },
    "type": "object",
    "minProperties": 1,
    # A SentryAPIException's detail is {code, message, extra} (api/exceptions.py):
    # RepoExistsError, ProjectMoved, superuser-required.
    "properties": {"detail": {"anyOf": [
        {"type": "string"},
        {"type": "object", "required": ["code", "message"],
         "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}]}},
    "additionalProperties": {"$ref": "#/definitions/messages"},
}
# Query parameters Sentry reads that the schema leaves out: every paginated list takes cursor and
# per_page (SENTRY_ALERTS_API.md section 1.5); the member list filters by query (email:...).
PAGINATION = frozenset({"cursor", "per_page"})
UNDECLARED_QUERY = {
    ("GET", "/api/0/organizations/{organization_id_or_slug}/members/"): {"query"},
    # organization_details.py reads it: features are listed only with it (since #71438).
    ("GET", "/api/0/organizations/{organization_id_or_slug}/"): {"include_feature_flags"},
    # OrganizationWorkflowIndexEndpoint.filter_workflows reads getlist("detector")
    # (workflow_engine/endpoints/organization_workflow_index.py; WorkflowParams.DETECTOR).
    ("GET", "/api/0/organizations/{organization_id_or_slug}/workflows/"): {"detector"},
    # OrganizationProjectsEndpoint.get reads getlist("options") into the serializer's
    # expand_context (core/endpoints/organization_projects.py; ProjectSerializer.get_options).
    ("GET", "/api/0/organizations/{organization_id_or_slug}/projects/"): {"options"},
    # OrganizationMonitorIndexEndpoint.get reads sort (status, name or muted) and asc
    # (monitors/endpoints/organization_monitor_index.py).
    ("GET", "/api/0/organizations/{organization_id_or_slug}/monitors/"): {"sort"},
}


@dataclass(frozen=True)
class PrivateOperation:
    request: dict[str, Any] | None
    responses: dict[str, dict[str, Any] | None]  # status -> body schema (None: no body)


# The API's index (IndexEndpoint, src/sentry/api/endpoints/index.py): who calls, with which
# scopes; the deploy's token check reads it.
API_INDEX_RESPONSE = {
    "type": "object",
    "properties": {"version": {"type": "string"},
                   "auth": {"type": ["object", "null"],
                            "properties": {"scopes": {"type": "array",
                                                      "items": {"type": "string"}}},
                            "required": ["scopes"]},
                   "user": {"type": ["object", "null"]}},
    "required": ["version", "auth", "user"],
}

REPOSITORY = {"type": "object", "required": ["id", "name", "status", "integrationId"],
              "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                             "status": {"type": "string"}}}
REPOSITORIES = "/api/0/organizations/{organization_id_or_slug}/repos/"

UPTIME_FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "uptime"

NOT_IN_PUBLIC_SCHEMA: dict[tuple[str, str], PrivateOperation] = {
    # OrganizationRepositoriesEndpoint.post / OrganizationRepositoryDetailsEndpoint.delete
    # (integrations/api/endpoints/): the public schema has only the list.
    ("POST", REPOSITORIES): PrivateOperation(
        {"type": "object", "required": ["provider", "installation", "identifier"]},
        {"201": REPOSITORY, "400": ERROR_BODY, "404": ERROR_BODY}),
    ("DELETE", REPOSITORIES + "{repo_id}/"): PrivateOperation(None, {"202": REPOSITORY,
                                                                     "404": ERROR_BODY}),
    ("GET", "/api/0/"): PrivateOperation(None, {"200": API_INDEX_RESPONSE}),
    ("GET", PERFORMANCE): PrivateOperation(None, {"200": PERFORMANCE_RESPONSE}),
    ("PUT", PERFORMANCE): PrivateOperation(PERFORMANCE_REQUEST, {"200": PERFORMANCE_RESPONSE}),
    ("DELETE", PERFORMANCE): PrivateOperation(None, {"204": None}),
    ("GET", ALERT_RULE_WORKFLOW): PrivateOperation(None, {"200": ALERT_RULE_WORKFLOW_RESPONSE}),
    ("GET", EVENTS_STATS): PrivateOperation(None, {"200": EVENTS_STATS_RESPONSE,
                                                   "400": ERROR_BODY}),
    # The project uptime endpoint of older Sentry (uptime/endpoints/, "EXPERIMENTAL"): the
    # legacy backend's uptime monitors. POST answers 200 (self.respond), DELETE 202.
    ("POST", UPTIME): PrivateOperation(UPTIME_MONITOR_REQUEST, {"200": UPTIME_MONITOR,
                                                                "400": ERROR_BODY}),
    ("GET", UPTIME + "{uptime_id}/"): PrivateOperation(None, {"200": UPTIME_MONITOR,
                                                              "404": ERROR_BODY}),
    ("PUT", UPTIME + "{uptime_id}/"): PrivateOperation({"type": "object"},
                                                       {"200": UPTIME_MONITOR,
                                                        "400": ERROR_BODY}),
    ("DELETE", UPTIME + "{uptime_id}/"): PrivateOperation(None, {"202": None}),
    ("GET", ORG_UPTIME): PrivateOperation(None, {"200": {"type": "array",
                                                         "items": UPTIME_MONITOR}}),
}


def template_pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", template) + "$")


def private_template_for(path: str) -> str | None:
    return next((t for _, t in NOT_IN_PUBLIC_SCHEMA if template_pattern(t).match(path)), None)


# -- loading the OpenAPI document --------------------------------------------------------------


def openapi_path(variable: str = "SENTRY_OPENAPI", default: str = "openapi.json") -> Path:
    configured = Path(os.environ.get(variable, f"../shared/sentry-api/{default}"))
    return configured if configured.is_absolute() else (PROJECT_ROOT / configured).resolve()


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema draft 4: ``nullable: true`` becomes a null type."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: to_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        if isinstance(converted.get("type"), str):
            converted["type"] = [converted["type"], "null"]
            if "enum" in converted:
                converted["enum"] = [*converted["enum"], None]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


@dataclass
class OpenApi:
    document: dict[str, Any]
    registry: Registry[Any]
    templates: list[tuple[re.Pattern[str], str]]

    @classmethod
    def load(cls, path: Path) -> OpenApi:
        document = to_json_schema(json.loads(path.read_text()))
        registry: Registry[Any] = Registry().with_resource(
            SCHEMA_URI, DRAFT4.create_resource(document)
        )
        templates = [(template_pattern(template), template) for template in document["paths"]]
        return cls(document, registry, templates)

    def template_for(self, path: str) -> str | None:
        """The matching path template with the most literal text (the most specific)."""
        matches = [template for pattern, template in self.templates if pattern.match(path)]
        return max(matches, key=lambda t: len(re.sub(r"\{\w+\}", "", t)), default=None)

    def validator(self, pointer: list[str]) -> Draft4Validator:
        escaped = "/".join(part.replace("~", "~0").replace("/", "~1") for part in pointer)
        return Draft4Validator({"$ref": f"{SCHEMA_URI}#/{escaped}"}, registry=self.registry)


def with_monitor_errata(api: OpenApi) -> OpenApi:
    """Correct the schema's cron monitor answers where Sentry's code differs (see
    ``MONITOR_ERRATA``); a monitor schema is one with ``isUpserting``."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict) and "isUpserting" in properties:
                properties.update(MONITOR_ERRATA)
            if isinstance(properties, dict) and "alert_rule_id" in properties:
                properties["schedule"] = SCHEDULE_ERRATUM
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for template, operations in api.document["paths"].items():
        if "/monitors/" in template:
            walk(operations)
    return api


@pytest.fixture(scope="module")
def openapi() -> OpenApi:
    path = openapi_path()
    if not path.is_file():
        shared_missing("Sentry's OpenAPI schema", path, "SENTRY_OPENAPI")
    api = with_monitor_errata(OpenApi.load(path))
    with_ownership_errata(api.document)
    with_quota_errata(api.document)
    return api


@pytest.fixture(scope="module")
def legacy_openapi() -> OpenApi:
    path = openapi_path("SENTRY_OPENAPI_LEGACY", "openapi-2026-05-legacy-alerts.json")
    if not path.is_file():
        shared_missing("Sentry's legacy alert schema", path, "SENTRY_OPENAPI_LEGACY")
    return OpenApi.load(path)


# -- the scenario ------------------------------------------------------------------------------


def run_scenario(fake: FakeSentry, client: SentryClient) -> None:
    """Call every endpoint the fake implements, with successes and typical rejections."""
    org = fake.org
    org.add_team("backend")
    org.add_team("frontend")
    backend = org.add_project(
        "spms-backend",
        teams=["backend"],
        environments={"production": False, "test": True, "Staging EU": False},
    )
    org.add_project("spms-frontend", teams=["frontend"], platform="javascript-react")
    org.add_key(backend)
    ci_key = org.add_key(backend, name="CI")
    fake.page_size = 1  # every list answer carries Link cursors
    client.get(API_PREFIX)
    client.get(api_path("organizations", "dbca"), {"include_feature_flags": "1"})
    github = org.add_integration("github", name="dbca-wa")
    repos = api_path("organizations", "dbca", "repos")
    linked = client.post(repos, {"provider": "integrations:github", "installation": github.id,
                                 "identifier": "dbca-wa/science-projects"})
    with pytest.raises(SentryValidationError):
        client.post(repos, {"provider": "integrations:github", "installation": github.id,
                            "identifier": "dbca-wa/science-projects"})
    list(client.paginate(repos, {"query": "science"}))
    client.delete(api_path("organizations", "dbca", "repos", str(linked["id"])))
    client.delete(api_path("projects", "dbca", "spms-backend", "keys", ci_key.id))
    client.delete(api_path("projects", "dbca", "spms-backend", "keys", "999999"), missing_ok=True)

    org_path = api_path("organizations", "dbca")
    client.get(org_path)
    client.put(
        org_path,
        {
            "dataScrubber": True,
            "dataScrubberDefaults": True,
            "sensitiveFields": ["iban", "tax_file_number"],
            "safeFields": ["order_id"],
            "scrubIPAddresses": True,
            "storeCrashReports": 5,
        },
    )
    list(client.paginate(api_path("organizations", "dbca", "projects")))
    list(client.paginate(api_path("organizations", "dbca", "teams"), {"per_page": 1}))

    project = api_path("projects", "dbca", "spms-backend")
    client.get(project)
    client.put(
        project,
        {
            "dataScrubber": True,
            "sensitiveFields": ["session_token"],
            "scrubIPAddresses": True,
            "storeCrashReports": None,
            "relayPiiConfig": json.dumps(
                {"rules": {}, "applications": {"$http.headers.x-custom-token": ["@anything"]}}
            ),
            "fingerprintingRules": "error.type:DatabaseError -> database-connection-error",
            "resolveAge": 168,
            "digestsMinDelay": 300,
            "digestsMaxDelay": 900,
        },
    )
    performance = api_path("projects", "dbca", "spms-backend", "performance-issues", "configure")
    client.get(performance)
    client.put(performance, {"n_plus_one_db_count": 10, "render_blocking_fcp_ratio": 0.4})
    client.delete(performance)

    environments = api_path("projects", "dbca", "spms-backend", "environments")
    for visibility in ("all", "hidden", "visible"):
        client.get(environments, {"visibility": visibility})
    client.get(environments)
    staging = api_path("projects", "dbca", "spms-backend", "environments", "Staging EU")
    client.get(staging)
    client.put(staging, {"isHidden": True})
    list(client.paginate(api_path("projects", "dbca", "spms-backend", "keys")))

    rejected: list[Callable[[], object]] = [
        lambda: client.put(org_path, {"sensitiveFields": [""]}),
        lambda: client.put(project, {"digestsMinDelay": 3000, "digestsMaxDelay": 60}),
        lambda: client.put(project, {"fingerprintingRules": "colour:red -> red"}),
        lambda: client.put(performance, {"n_plus_one_db_treshold": 1}),
        lambda: client.put(staging, {}),
        lambda: client.get(environments, {"visibility": "archived"}),
        lambda: client.get(api_path("projects", "dbca", "unknown")),
    ]
    for call in rejected:
        with pytest.raises(SentryApiError):
            call()
    run_alerting_scenario(fake, client)
    run_observability_scenario(fake, client)
    run_import_scenario(fake, client)
    run_backtest_scenario(fake, client)
    run_triage_scenario(fake, client)
    run_uptime_scenario(fake, client)
    run_quotas_scenario(fake, client)


@pytest.fixture(scope="module")
def exchanges(openapi: OpenApi) -> Iterator[tuple[FakeSentry, list[Exchange]]]:
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as fake:
        with SentryClient(FAKE_TOKEN, base_url=fake.url, sleep=lambda _: None) as client:
            run_scenario(fake, client)
        assert not fake.internal_errors, fake.internal_errors
        yield fake, fake.exchanges


# -- checks ------------------------------------------------------------------------------------


def _errors(validator: Draft4Validator, value: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message[:300]}"
        for error in validator.iter_errors(value)
    ]


def _coerce(value: str, schema: dict[str, Any]) -> Any:
    """Query values arrive as strings; compare them as the parameter's type."""
    if schema.get("type") == "integer" and value.lstrip("-").isdigit():
        return int(value)
    return value


def _is_list(operation: dict[str, Any]) -> bool:
    content = operation["responses"].get("200", {}).get("content", {})
    is_list: bool = content.get("application/json", {}).get("schema", {}).get("type") == "array"
    return is_list


def _undeclared(method: str, template: str, operation: dict[str, Any], name: str) -> bool:
    """Whether Sentry reads ``name`` although the schema does not declare it."""
    known = UNDECLARED_QUERY.get((method, template), set())
    return name in known or (name in PAGINATION and method == "GET" and _is_list(operation))


def check_public(openapi: OpenApi, template: str, exchange: Exchange) -> list[str]:
    method = exchange.method.lower()
    operation = openapi.document["paths"][template].get(method)
    if operation is None:
        return [f"{exchange.method} is not an operation of {template}"]
    problems: list[str] = []
    accepted = exchange.status is not None and exchange.status < 300
    if accepted:
        declared = {
            p["name"]: p["schema"] for p in operation.get("parameters", []) if p["in"] == "query"
        }
        for name, values in exchange.query.items():
            if name not in declared:
                if not _undeclared(exchange.method, template, operation, name):
                    problems.append(f"query parameter {name!r} is not declared")
                continue
            schema = declared[name]
            if schema.get("type") == "array":  # a repeatable parameter: check each value
                schema = schema.get("items", {})
            validator = Draft4Validator(schema)
            for value in values:
                problems += _errors(validator, _coerce(value, schema))
        if exchange.body is not None:
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                problems.append("sends a JSON body the operation does not take")
            else:
                pointer = ["paths", template, method, "requestBody", "content"]
                pointer += ["application/json", "schema"]
                problems += [
                    f"request {p}" for p in _errors(openapi.validator(pointer), exchange.body)
                ]
    problems += check_response(openapi, template, method, operation, exchange)
    return problems


def check_response(
    openapi: OpenApi, template: str, method: str, operation: dict[str, Any], exchange: Exchange
) -> list[str]:
    status = str(exchange.status)
    if exchange.status is not None and exchange.status >= 400:
        return [f"error body {p}" for p in _errors(Draft4Validator(ERROR_BODY), exchange.response)]
    response = operation["responses"].get(status)
    if response is None:
        return [f"status {status} is not documented"]
    if "application/json" not in response.get("content", {}):
        return [] if exchange.response is None else ["body sent where none is documented"]
    pointer = ["paths", template, method, "responses", status, "content", "application/json"]
    return [
        f"response {p}" for p in _errors(openapi.validator([*pointer, "schema"]), exchange.response)
    ]


def check_private(operation: PrivateOperation, exchange: Exchange) -> list[str]:
    problems: list[str] = []
    if exchange.status is not None and exchange.status >= 400:
        return [f"error body {p}" for p in _errors(Draft4Validator(ERROR_BODY), exchange.response)]
    if exchange.body is not None:
        if operation.request is None:
            problems.append("sends a body the operation does not take")
        else:
            problems += [
                f"request {p}" for p in _errors(Draft4Validator(operation.request), exchange.body)
            ]
    status = str(exchange.status)
    if status not in operation.responses:
        return [*problems, f"status {status} is not expected"]
    schema = operation.responses[status]
    if schema is None:
        return problems + ([] if exchange.response is None else ["unexpected response body"])
    return problems + [f"response {p}" for p in _errors(Draft4Validator(schema), exchange.response)]


# -- tests -------------------------------------------------------------------------------------


def test_private_operations_are_really_missing_from_the_public_schema(openapi: OpenApi) -> None:
    for method, template in NOT_IN_PUBLIC_SCHEMA:
        operation = openapi.document["paths"].get(template, {}).get(method.lower())
        assert operation is None, f"Sentry now documents {method} {template}; check it publicly"


def test_scenario_covers_every_fake_endpoint(
    exchanges: tuple[FakeSentry, list[Exchange]],
) -> None:
    fake, recorded = exchanges
    implemented = {(route.method, route.template) for route in fake.routes}
    succeeded = {(e.method, e.route) for e in recorded if e.applied}
    assert implemented - succeeded == set()
    assert {e.status for e in recorded} >= {200, 204, 400, 404}


def check_all(openapi: OpenApi, recorded: list[Exchange]) -> tuple[list[str], int, int]:
    """Problems in every exchange, and how many were checked publicly and privately."""
    problems: list[str] = []
    public = private = 0
    for exchange in recorded:
        template = openapi.template_for(exchange.path)
        key = (exchange.method, private_template_for(exchange.path) or "")
        if key in NOT_IN_PUBLIC_SCHEMA:
            private += 1
            found = check_private(NOT_IN_PUBLIC_SCHEMA[key], exchange)
        elif template is None:
            found = ["no operation in the public schema or NOT_IN_PUBLIC_SCHEMA"]
        else:
            public += 1
            found = check_public(openapi, template, exchange)
        label = f"{exchange.method} {exchange.path} -> {exchange.status}"
        problems += [f"{label}: {problem}" for problem in found]
    return problems, public, private


def test_every_exchange_matches_the_schema(
    openapi: OpenApi, exchanges: tuple[FakeSentry, list[Exchange]]
) -> None:
    _, recorded = exchanges
    current = [e for e in recorded if e.route not in LEGACY_TEMPLATES]
    problems, public, private = check_all(openapi, current)
    assert problems == []
    assert public >= 50 and private >= 4  # the checks really ran
    checked = {e.route for e in current}
    assert {ORG + "detectors/", ORG + "workflows/", ORG + "members/"} <= checked
    assert {ORG + "monitors/{monitor_id_or_slug}/", ORG + "dashboards/{dashboard_id}/"} <= checked


def test_legacy_exchanges_match_the_legacy_schema(
    legacy_openapi: OpenApi, exchanges: tuple[FakeSentry, list[Exchange]]
) -> None:
    _, recorded = exchanges
    legacy = [e for e in recorded if e.route in LEGACY_TEMPLATES]
    problems, public, _ = check_all(legacy_openapi, legacy)
    assert problems == []
    assert public >= 12  # each legacy operation, a rejection and a brownout
    assert any(e.status == 410 for e in legacy)


def test_legacy_operations_are_gone_from_the_public_schema(openapi: OpenApi) -> None:
    for template in LEGACY_TEMPLATES:
        assert template not in openapi.document["paths"], f"Sentry documents {template} again"


@pytest.fixture(scope="module")
def provider_exchanges() -> Iterator[list[Exchange]]:
    """What the dynamic providers send for the fixture organisation's owner stack: each settings
    resource of the offline plan created, read and deleted; each monitor and alert created,
    read, updated and deleted."""
    plan = run_offline(EXAMPLE, "production")
    kinds = {kind.name: kind for kind in KINDS}
    settings = [r for r in plan.resources
                if r.type.removeprefix(DYNAMIC_PREFIX) in kinds]
    assert {r.type.removeprefix(DYNAMIC_PREFIX) for r in settings} == set(kinds)
    with FakeSentry(token=FAKE_TOKEN, org_slug=plan.organization) as fake:
        for project in plan.of_type("SentryProject"):
            fake.org.add_project(project.inputs["slug"],
                                 environments={"production": False, "development": False})
        config = ConfigureRequest(Config(
            {"sentry:token": FAKE_TOKEN, "sentry:baseUrl": fake.url}, "sentry-iac"))
        for resource in settings:
            provider = SettingsProvider(kinds[resource.type.removeprefix(DYNAMIC_PREFIX)])
            provider.configure(config)
            props = delivered(resource.inputs)
            provider.create(props)
            provider.read(resource.name, props)
            provider.delete(resource.name, props)
        fake.org.add_team("science-projects")
        assert plan.of_type("TeamRole")
        for resource in plan.of_type("TeamRole"):
            inputs = resource.inputs
            member = fake.org.add_member(inputs["member"], role=inputs["org_role"],
                                         teams=inputs["member_teams"])
            role = TeamRoleProvider()
            role.configure(config)
            props = {**delivered(inputs), "member_id": member.id}
            made = role.create(props)
            role.read(made.id, props)
            role.update(made.id, props, {**props, "org_role": "member"})
        fake.org.add_integration("pagerduty", name="DBCA PagerDuty", services=["SPMS"])
        fake.org.add_integration("msteams", name="DBCA")
        fake.org.add_integration("github", name="dbca-wa")
        monitor_ids: dict[str, str] = {}
        for resource in plan.of_type("Monitor"):
            monitor = MonitorProvider()
            monitor.configure(config)
            props = delivered(resource.inputs)
            created = monitor.create(props)
            monitor.read(created.id, props)
            monitor.update(created.id, props, props)
            monitor_ids[resource.name] = created.id
        for resource in plan.of_type("Alert"):
            alert = AlertProvider()
            alert.configure(config)
            props = {**delivered(resource.inputs), "detectors": [monitor_ids[resource.name]]
                     if resource.name in monitor_ids else []}
            created = alert.create(props)
            alert.read(created.id, props)
            alert.update(created.id, props, props)
            alert.delete(created.id, props)
        assert plan.of_type("Alert") and plan.of_type("Monitor")
        for kind, provider_class in (("CronMonitor", CronMonitorProvider),
                                     ("CronAlert", CronAlertProvider),
                                     ("Dashboard", DashboardProvider)):
            assert plan.of_type(kind), kind
            for resource in plan.of_type(kind):
                object_provider = provider_class()
                object_provider.configure(config)
                props = delivered(resource.inputs)
                made = object_provider.create(props)
                object_provider.read(made.id, props)
                object_provider.update(made.id, props, props)
        for kind, provider_class in (("Dashboard", DashboardProvider),
                                     ("CronAlert", CronAlertProvider),
                                     ("CronMonitor", CronMonitorProvider)):
            for resource in plan.of_type(kind):
                object_provider = provider_class()
                object_provider.configure(config)
                object_provider.delete(_created_id(fake, kind, resource.inputs),
                                       delivered(resource.inputs))
        assert not fake.internal_errors, fake.internal_errors
        yield fake.exchanges


def _created_id(fake: FakeSentry, kind: str, props: dict[str, Any]) -> str:
    """The id the provider gave the object it created for ``props``."""
    if kind == "CronMonitor":
        return fake.org.monitors[props["monitor"]["slug"]].id
    if kind == "Dashboard":
        title = props["dashboard"]["title"]
        return next(d.id for d in fake.org.dashboards.values() if d.title == title)
    name = props["workflow"]["name"]
    return next(w.id for w in fake.org.workflows.values() if w.name == name)


def test_provider_traffic_matches_the_schema(
    openapi: OpenApi, provider_exchanges: list[Exchange]
) -> None:
    problems, public, private = check_all(openapi, provider_exchanges)
    assert problems == []
    # The fake accepted every payload; a 404 is only ever the look for a cron monitor an
    # interrupted deploy may have made before a create.
    refused = [f"{e.method} {e.path} -> {e.status}" for e in provider_exchanges
               if not e.applied and not (e.method == "GET" and e.status == 404
                                         and "/monitors/" in e.path)]
    assert refused == []
    assert public >= 10 and private >= 3


def test_the_checker_rejects_a_wrong_response(openapi: OpenApi) -> None:
    template = "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/environments/"
    exchange = Exchange(
        method="GET",
        path="/api/0/projects/dbca/web/environments/",
        query={"visibility": ["everything"]},
        headers={},
        body=None,
        status=200,
        response=[{"id": "1", "name": "production", "isHidden": "no"}],
        response_headers={},
        route=template,
        fault=None,
    )
    problems = check_public(openapi, template, exchange)
    assert any("visibility" not in p and "'no' is not of type 'boolean'" in p for p in problems)
    assert any("'everything' is not one of" in p for p in problems)


def test_nullable_becomes_a_null_type() -> None:
    assert to_json_schema({"type": "string", "nullable": True, "enum": ["a"]}) == {
        "type": ["string", "null"],
        "enum": ["a", None],
    }
    assert to_json_schema({"properties": {"x": {"nullable": True, "allOf": [{}]}}}) == {
        "properties": {"x": {"anyOf": [{"allOf": [{}]}, {"type": "null"}]}}
    }


def test_uptime_provider_traffic_matches_the_schema(openapi: OpenApi, tmp_path: Path) -> None:
    """The uptime providers' calls for the uptime fixture (tests/fixtures/uptime), on both
    backends: created, read, updated, deleted; each answer as Sentry's schemas say."""
    program = Path(shutil.copytree(UPTIME_FIXTURE, tmp_path / "uptime"))
    (program / "Pulumi.staging.yaml").write_text("config:\n  sentry-iac:alertsBackend: legacy\n")
    plans = [run_offline(program, "production"), run_offline(program, "staging")]
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as fake:
        fake.org.add_team("science-projects")
        fake.org.add_project("spms-backend", environments=["production", "staging"])
        fake.org.add_integration("pagerduty", name="DBCA PagerDuty", services=["SPMS"])
        fake.org.add_integration("msteams", name="DBCA")
        config = ConfigureRequest(Config(
            {"sentry:token": FAKE_TOKEN, "sentry:baseUrl": fake.url}, "sentry-iac"))
        kinds = (("UptimeMonitor", UptimeMonitorProvider),
                 ("LegacyUptimeMonitor", LegacyUptimeMonitorProvider),
                 ("UptimeAlert", UptimeAlertProvider))
        for plan in plans:
            made: dict[str, str] = {}  # a monitor's id, for its alert
            deletes: list[tuple[Any, str, dict[str, Any]]] = []
            for kind, provider_class in kinds:
                for resource in plan.of_type(kind):
                    provider = provider_class()
                    provider.configure(config)
                    props = delivered(resource.inputs)
                    if kind == "UptimeAlert":
                        props["detectors"] = [made[resource.name]]
                    created = provider.create(props)
                    provider.read(created.id, props)
                    provider.update(created.id, props, props)
                    made[resource.name] = created.id
                    deletes.insert(0, (provider, created.id, props))
            for provider, id_, props in deletes:  # alerts first, as the engine deletes them
                provider.delete(id_, props)
        assert {"UptimeMonitor", "LegacyUptimeMonitor", "UptimeAlert"} <= {
            r.type.rsplit(":", 1)[-1] for plan in plans for r in plan.resources}
        assert not fake.internal_errors, fake.internal_errors
        recorded = fake.exchanges
    problems, public, private = check_all(openapi, recorded)
    assert problems == []
    assert [f"{e.method} {e.path} -> {e.status}" for e in recorded if not e.applied] == []
    assert public >= 8 and private >= 4
