"""Finding what a request's path names, for the alerting handlers (404 when it does not exist)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from tests.fake_sentry.groups import dict_error
from tests.fake_sentry.replies import not_found
from tests.fake_sentry.state import FakeOrganization, FakeProject
from tests.fake_sentry.validation import Invalid

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call

T = TypeVar("T")


def org_of(call: Call) -> FakeOrganization:
    if call.params["organization_id_or_slug"] not in (call.org.slug, call.org.id):
        raise not_found()
    return call.org


def project_of(call: Call) -> FakeProject:
    project = org_of(call).find_project(call.params["project_id_or_slug"])
    if project is None:
        raise not_found()
    return project


def by_numeric_id(items: Mapping[str, T], raw_id: str) -> T:
    """Sentry's URL patterns take digits only, so anything else is a 404 too."""
    if not raw_id.isdigit() or str(int(raw_id)) not in items:
        raise not_found()
    return items[str(int(raw_id))]


def object_body(call: Call) -> dict[str, Any]:
    if not isinstance(call.body, dict):
        raise Invalid({"non_field_errors": [dict_error(call.body)]})
    return call.body
