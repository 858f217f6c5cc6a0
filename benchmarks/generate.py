"""Synthetic organisations: a complete project directory (Pulumi.yaml, one stack file per stack,
the repository's ``__main__.py``, ``org.yaml`` and ``alerts/*.yaml``) that ``sentry-iac validate``
accepts, sized by the number of resources the owner stack registers.

The organisation is made of identical teams. Each team has projects with every managed setting
(privacy with scrubbing rules, fingerprinting, performance thresholds, a hidden environment, a
code mapping), members, a repository, and alert rules from ``benchmarks.rules``: every measure,
every issue-filter kind, expert queries, percent changes and staging overrides.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from benchmarks.rules import CATALOGUE, METRIC_TEMPLATES, PAGING_RULE, Template

REPO_ROOT = Path(__file__).resolve().parent.parent
ORGANIZATION = "bench"
STACKS = ("production", "staging")
RULE_FILES = 4  # rules are spread over this many alerts/*.yaml files


@dataclass(frozen=True)
class Shape:
    """How big the organisation is; every team looks the same."""

    teams: int
    projects_per_team: int = 5
    members_per_team: int = 3
    rules_per_team: int = len(CATALOGUE)

    @property
    def projects(self) -> int:
        return self.teams * self.projects_per_team

    @property
    def rules(self) -> int:
        return self.teams * self.rules_per_team

    def covered(self, number: int) -> int:
        """How many of its team's projects rule ``number`` watches: the paging rule all of
        them, odd rules one (so changing one touches one resource), even rules two."""
        if number == 0:
            return self.projects_per_team
        return min(self.projects_per_team, 1 if number % 2 else 2)

    def owner_resources(self) -> int:
        """What the owner stack registers, counted the way the program builds it (checked
        against the real plan by tests/test_benchmarks.py)."""
        fixed = 4  # the provider, the Organization component, its privacy and security
        # component, project, key, details (platform), Sentry's defaults taken off, privacy,
        # fingerprinting, performance, hidden environment and code mapping
        per_project = 10
        # team, members and the team role each writes out, repository
        per_team = 1 + 2 * self.members_per_team + 1
        rules = 0
        for number in range(self.rules_per_team):
            resources = 2 if _template(number) in METRIC_TEMPLATES else 1  # monitor, alert
            rules += 1 + self.covered(number) * resources
        return fixed + self.teams * (per_team + self.projects_per_team * per_project
                                         + rules)


def shape_for_resources(target: int) -> Shape:
    """The shape whose owner stack registers about ``target`` resources."""
    one = Shape(teams=1).owner_resources()
    per_team = Shape(teams=2).owner_resources() - one
    return Shape(teams=max(1, round((target - (one - per_team)) / per_team)))


def shape_for_rules(rules: int, per_team: int = 100) -> Shape:
    """A shape with ``rules`` alert rules (rounded up to whole teams of ``per_team``), for the
    validate-only measurement: 10,000 rules are 100 teams with 500 projects."""
    return Shape(teams=-(-rules // per_team), rules_per_team=per_team)


def _template(number: int) -> Template:
    return PAGING_RULE if number == 0 else CATALOGUE[number % len(CATALOGUE)]


def team_slug(t: int) -> str:
    return f"team-{t:04d}"


def project_slug(t: int, p: int) -> str:
    return f"{team_slug(t)}-svc-{p}"


def member_email(t: int, m: int) -> str:
    return f"dev{m}.{team_slug(t)}@example.org"


def _project(t: int, p: int) -> dict[str, Any]:
    slug = project_slug(t, p)
    project: dict[str, Any] = {
        "slug": slug, "name": f"Service {p} of team {t}",
        "platform": "python-django" if p % 2 == 0 else "javascript-react",
        "teams": [team_slug(t)], "resolve_age": 720,
        "digests": {"min_delay": 300, "max_delay": 1800},
        "privacy": {"scrub_ip_addresses": True, "scrubbing_rules": [
            {"type": "anything", "method": "remove",
             "fields": ["$http.headers.x-api-key", "$http.cookies.sessionid"]},
            {"type": "pattern", "pattern": r"api_key=\w+", "method": "replace",
             "replacement": "[key]", "fields": ["$message"]}]},
        "fingerprinting": [
            {"match": {"error.type": "OperationalError"}, "group": ["database-connection-error"],
             "title": "Database connection error"},
            {"match": {"error.type": "ConnectionError", "tags.external_api": "*"},
             "group": ["external-api-error", "{{ tags.external_api }}"]}],
        "performance_issues": {"slow_db_query_ms": 1000,
                               "detect": {"slow_db_queries": True, "n_plus_one_db_queries": True}},
        "hidden_environments": ["development"],
        "code_mappings": [{"repository": f"bench-org/{team_slug(t)}",
                           "stack_root": f"/srv/{slug}/", "source_root": f"services/{p}/"}],
    }
    if p % 2 == 1:
        project["environments"] = {"staging": "test"}
    return project


def organization(shape: Shape) -> dict[str, Any]:
    """``org.yaml`` as data."""
    teams, members, projects, repositories = [], [], [], []
    for t in range(shape.teams):
        teams.append({"slug": team_slug(t), "name": f"Team {t}"})
        for m in range(shape.members_per_team):
            role = "admin" if m == 0 else "contributor"
            members.append({"email": member_email(t, m), "role": "manager" if m == 0 else "member",
                            "teams": [{"team": team_slug(t), "role": role}]})
        projects += [_project(t, p) for p in range(shape.projects_per_team)]
        repositories.append(f"bench-org/{team_slug(t)}")
    return {
        "version": 1, "organization": ORGANIZATION, "owner_stack": "production",
        "teams": teams, "members": members, "projects": projects,
        "privacy": {"data_scrubber": True, "data_scrubber_defaults": True,
                    "scrub_ip_addresses": True, "sensitive_fields": ["password", "token"],
                    "store_crash_reports": 0},
        "retention": {"plan": "business", "errors_days": 90, "performance_days": 30},
        "security": {"require_2fa": False, "open_membership": True, "default_role": "member"},
        "integrations": {"github": "bench-org"},
        "repositories": repositories,
        "policies": {"allowed_owners": [], "paging_environments": ["production"]},
        "channels": {
            "on-call": {"pagerduty": {"service": "Bench", "severity": "critical"}},
            "team-chat": {"msteams": {"team": "Bench", "channel": "alerts"}},
            "chat": {"slack": {"workspace": "bench", "channel": "#alerts"}},
            "war-room": {"discord": {"server": "bench", "channel_id": "1234567890"}},
            "tracker": {"github": {"repo": "bench-org/issues", "labels": ["sentry"]}},
            "maintainers": {"email": {"team": team_slug(0)}},
            "owners": {"email": {"issue_owners": True}},
            "lead": {"email": {"member": member_email(0, 0)}},
        },
        "priorities": {
            "critical": {"respond": "immediately", "production": ["on-call", "team-chat"],
                         "staging": ["maintainers"]},
            "high": {"production": ["team-chat", "tracker", "lead"], "staging": ["maintainers"]},
            "medium": {"production": ["chat", "war-room"], "staging": ["maintainers"]},
            "low": {"production": ["owners"]},
        },
    }


def alert_rules(shape: Shape) -> list[dict[str, Any]]:
    """Every rule, team by team; rule 0 of a team pages for all its projects."""
    rules = []
    for t in range(shape.teams):
        slugs = [project_slug(t, p) for p in range(shape.projects_per_team)]
        for number in range(shape.rules_per_team):
            first = number % shape.projects_per_team
            covered = [slugs[(first + k) % len(slugs)] for k in range(shape.covered(number))]
            rules.append(_template(number)(f"{team_slug(t)}-rule-{number}", covered))
    return rules


def _dump(path: Path, data: Any) -> None:
    # The C dumper when PyYAML has it: the 10,000-rule project is several megabytes.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(data, Dumper=dumper, sort_keys=False, width=100),
                    encoding="utf-8")


def write_project(dest: Path, shape: Shape) -> Path:
    """Write the whole project directory for ``shape`` to ``dest`` (replacing what is there)."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "alerts").mkdir(parents=True)
    (dest / "Pulumi.yaml").write_text(
        "name: sentry-iac-bench\ndescription: a synthetic organisation for benchmarks\n"
        "runtime:\n  name: python\n", encoding="utf-8")
    for stack in STACKS:
        (dest / f"Pulumi.{stack}.yaml").write_text("config: {}\n", encoding="utf-8")
    shutil.copy(REPO_ROOT / "__main__.py", dest / "__main__.py")
    _dump(dest / "org.yaml", organization(shape))
    rules = alert_rules(shape)
    size = -(-len(rules) // RULE_FILES)
    for n in range(RULE_FILES):
        chunk = rules[n * size:(n + 1) * size]
        if chunk:
            _dump(dest / "alerts" / f"rules-{n}.yaml", {"version": 1, "alerts": chunk})
    return dest
