"""What Sentry adds to every new project, taken off again so a project holds only what the YAML
declares.

Sentry gives a new project a client key named "Default" (``create_keys_for_project``, on every
project save, src/sentry/receivers/core.py) and, unless the create says ``default_rules:
false``, the alert "Send a notification for high priority issues" on its issue stream
(``create_default_workflows`` → ``ensure_default_workflows``,
src/sentry/workflow_engine/receivers/project_workflows.py). pulumiverse_sentry 0.0.9 (the
Terraform provider 0.11.2) can send neither ``default_rules`` nor remove the key, so the owner
stack adds this resource beside each project.

Its ``create`` removes both, but only from a project that has never received an event
(``firstEvent`` is null): then no deployment can be sending with the "Default" key's DSN and no
one has come to rely on the default alert. A project that already has events (one adopted by
``sentry-iac import``) keeps them, and the outputs say so. Sentry's default alert is deleted
when this project is the only one connected to it, else this project is disconnected from it.
Nothing else is ever done: ``diff`` never sees a change, ``read`` keeps what ``create`` said,
``delete`` leaves Sentry alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi.dynamic as dyn

from sentry_iac.providers import project_reads
from sentry_iac.providers.errors import SentryNotFoundError
from sentry_iac.providers.paths import api_path
from sentry_iac.providers.resolve import Resolver
from sentry_iac.providers.runtime import SentryApiProvider

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient

DEFAULT_KEY = "Default"
DEFAULT_ALERT = "Send a notification for high priority issues"
REMOVED, KEPT = "removed", "kept"


class ProjectDefaultsProvider(SentryApiProvider):
    identity = ("organization", "project")

    def diff_inputs(self, _id: str, olds: dict[str, Any], news: dict[str, Any]
                    ) -> dyn.DiffResult:
        replaces = self.replacements(olds, news)
        moved = [k for k in self.identity if olds.get(k) != news.get(k)]
        return dyn.DiffResult(changes=bool(moved), replaces=replaces,
                              stables=list(self.identity), delete_before_replace=False)

    def create_object(self, props: dict[str, Any]) -> dyn.CreateResult:
        org, slug = props["organization"], props["project"]
        with self.client() as client:
            # Asked afresh (keys are removed only from a project that has no events now);
            # the alert providers look the project and its issue-stream monitor up too, and
            # this answer serves them (Resolver's cache is the process's).
            resolver = Resolver(client, org, self.lookups())
            project = client.get_object(api_path("projects", org, slug))
            resolver.know_project(slug, project)
            if project.get("firstEvent") is not None:
                outcome = {KEPT: [f"client key '{DEFAULT_KEY}'", f"alert '{DEFAULT_ALERT}'"],
                           REMOVED: [], "reason": "the project has received events"}
            else:
                removed = _remove_default_keys(client, org, slug)
                removed += _disconnect_default_alert(client, resolver, slug)
                outcome = {REMOVED: removed, KEPT: []}
        return dyn.CreateResult(f"{org}/{slug}", outs={**props, **outcome})

    def read_object(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        org, slug = str(props["organization"]), str(props["project"])
        with self.client() as client:
            # The project list (shared by the settings kinds' Reads) holds every project
            # there is; one it does not hold is asked for on its own: 404 when it is gone,
            # and the engine drops this.
            reads = self.reads()
            if project_reads.listed_project(reads, client, org, slug, reader="ProjectDefaults",
                                            item=id_) is None:
                project_reads.shared_get(reads, client, project_reads.project_path(org, slug),
                                         reader="ProjectDefaults")
        return dyn.ReadResult(id_, props)

    def update_object(self, _id: str, olds: dict[str, Any], news: dict[str, Any]
                      ) -> dyn.UpdateResult:
        return dyn.UpdateResult(outs={**olds, **news})

    def delete_object(self, _id: str, props: dict[str, Any]) -> None:
        return None  # nothing to give back: Sentry's defaults are not put back


def _remove_default_keys(client: SentryClient, org: str, slug: str) -> list[str]:
    removed = []
    for key in client.paginate(api_path("projects", org, slug, "keys")):
        if key.get("name") == DEFAULT_KEY or key.get("label") == DEFAULT_KEY:
            client.delete(api_path("projects", org, slug, "keys", str(key["id"])),
                          missing_ok=True)
            removed.append(f"client key '{DEFAULT_KEY}'")
    return removed


def _disconnect_default_alert(client: SentryClient, resolver: Resolver, slug: str) -> list[str]:
    stream = resolver.default_detector(slug)
    path = api_path("organizations", resolver.organization, "workflows")
    removed = []
    for workflow in client.paginate(path, {"detector": stream}):
        if workflow.get("name") != DEFAULT_ALERT:
            continue
        item = api_path("organizations", resolver.organization, "workflows", str(workflow["id"]))
        linked = [str(d) for d in workflow.get("detectorIds") or []]
        try:
            if linked == [stream]:
                client.delete(item, missing_ok=True)
            else:  # shared with other projects (older Sentry makes one per organisation)
                current = client.get_object(item)
                others = [d for d in linked if d != stream]
                client.put(item, {**_writable(current), "detectorIds": others})
        except SentryNotFoundError:
            continue
        removed.append(f"alert '{DEFAULT_ALERT}'")
    return removed


def _writable(workflow: dict[str, Any]) -> dict[str, Any]:
    """A workflow's answer as a PUT body: Sentry's workflow PUT is not partial."""
    keys = ("name", "enabled", "environment", "config", "triggers", "actionFilters")
    return {k: workflow[k] for k in keys if k in workflow}
