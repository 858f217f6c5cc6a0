"""``sentry-iac backtest``: how often each metric rule would have fired over the last days,
from Sentry's events-stats API with a read-only token (``sentry_iac.ruletest.backtest``)."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sentry_iac.cli.output import ExitCode, fail, problems
from sentry_iac.config.errors import SpecErrors
from sentry_iac.config.loader import ORG_FILE, Spec, load_spec
from sentry_iac.config.stack_views import StackRule, stack_rules
from sentry_iac.providers.credentials import (
    READ_ONLY_TOKEN_ENV,
    TOKEN_ENV_VARS,
    env_base_url,
    env_token,
    read_only_token,
)
from sentry_iac.resources.payloads.monitors import detector_payload
from sentry_iac.ruletest.backtest import (
    NotBacktestable,
    parse_series,
    replay,
    source_of,
    stats_requests,
    summary,
)
from sentry_iac.ruletest.backtest_diff import Detector, Fetch, Pair, Row, Series, backtest_row


def _rules(spec: Spec, stacks: list[str], rule: str | None) -> list[StackRule]:
    return [item for stack in stacks for item in stack_rules(spec, stack)
            if item.rule.is_metric and (rule is None or item.rule.id == rule)]


@dataclass(frozen=True)
class Period:
    """The backtested span: the last ``days`` days up to the current minute."""

    start: datetime
    end: datetime
    days: int

    @classmethod
    def last(cls, days: int) -> Period:
        end = datetime.now(UTC).replace(second=0, microsecond=0)
        return cls(end - timedelta(days=days), end, days)


def token() -> str | None:
    """The read-only token, else the usual token variables."""
    return read_only_token() or env_token()


def no_token(command: str) -> int:
    """The one line saying which variables to set; exit 2."""
    return fail(f"no token; set {READ_ONLY_TOKEN_ENV} (or {' or '.join(TOKEN_ENV_VARS)}) to "
                "a token with org:read", command)


def project_ids(client: Any, org: str) -> dict[str, str]:
    """Each project's numeric id by slug, as events-stats wants it."""
    return {p["slug"]: str(p["id"]) for p in client.paginate(f"organizations/{org}/projects/")}


def fetch_series(client: Any, org: str, detector: dict[str, Any], project_id: str | None,
                 period: Period) -> list[tuple[int, float | None]]:
    """The monitor's series over ``period`` (the one place both ``backtest`` and
    ``diff --backtest`` read events-stats); ``NotBacktestable`` when there is none to read."""
    if project_id is None:
        raise NotBacktestable("the project is not in Sentry yet")
    return [point for params in stats_requests(detector, project_id, period.start, period.end)
            for point in parse_series(client.get(f"organizations/{org}/events-stats/",
                                                 params))]


def _backtest(client: Any, spec: Spec, items: list[StackRule], days: int) -> None:
    org = spec.org.organization
    ids = project_ids(client, org)
    period = Period.last(days)
    for item in items:
        label = f"{item.stack}: {item.key} ({item.display_name})"
        detector = dict(detector_payload(item))
        try:
            series = fetch_series(client, org, detector, ids.get(item.project.slug), period)
        except NotBacktestable as exc:
            print(f"{label}: not backtested: {exc}")
            continue
        print(f"{label}: {summary(replay(detector, series), days)}")


def _cached_fetch(client: Any, org: str, period: Period) -> Fetch:
    """A ``Fetch`` that reads each distinct series once: base and head monitors that ask
    for the same aggregate, query, environment and window share one read."""
    ids = project_ids(client, org)
    seen: dict[tuple[str | None, str], Series] = {}

    def fetch(detector: Detector, project: str) -> Series:
        key = (ids.get(project), json.dumps(source_of(detector), sort_keys=True) +
               str((detector.get("config") or {}).get("comparisonDelta") or 0))
        if key not in seen:
            seen[key] = fetch_series(client, org, detector, key[0], period)
        return seen[key]
    return fetch


def diff_backtest(spec: Spec, pairs: list[Pair], days: int, secret: str) -> list[Row]:
    """Each changed metric rule replayed before and after over the last ``days`` days, read
    from the Sentry of ``spec`` (the head: the first pair's stack's ``sentry:baseUrl``)."""
    from sentry_iac.providers.client import SentryClient

    if not pairs:
        return []
    stack = spec.stacks.get(pairs[0].stack)
    base_url = stack.base_url if stack is not None else None
    with SentryClient(secret, base_url or env_base_url()) as client:
        fetch = _cached_fetch(client, spec.org.organization, Period.last(days))
        return [backtest_row(pair, fetch) for pair in pairs]


def cmd_backtest(args: argparse.Namespace) -> int:
    from sentry_iac.providers.client import SentryClient
    from sentry_iac.providers.errors import SentryApiError

    root = Path(args.dir).resolve()
    if not (root / ORG_FILE).exists():
        return fail(f"{root} is not a sentry-iac project (no {ORG_FILE})", "backtest")
    secret = token()
    if secret is None:
        return no_token("backtest")
    try:
        spec = load_spec(root)
        stacks = [spec.stack(args.stack).name] if args.stack else sorted(spec.stacks)
    except SpecErrors as exc:
        return problems(exc.errors, outcome="nothing was backtested")
    items = _rules(spec, stacks, args.rule)
    if not items:
        return fail(f"no metric rule {args.rule or ''} on in {', '.join(stacks)}".replace(
            "  ", " "), "backtest")
    base_url = spec.stacks[stacks[0]].base_url or env_base_url()
    try:
        with SentryClient(secret, base_url) as client:
            _backtest(client, spec, items, args.days)
    except (SentryApiError, ValueError) as exc:
        return fail(str(exc), "backtest", ExitCode.PROBLEMS)
    return ExitCode.OK


def register(sub: Any) -> None:
    command = sub.add_parser("backtest")
    command.add_argument("--rule", help="one rule id (default: every metric rule)")
    command.add_argument("--stack", help="one stack (default: every stack)")
    command.add_argument("--days", type=int, default=7, choices=range(1, 91), metavar="N",
                         help="how many days back (1-90, default 7)")
    command.add_argument("--dir", default=".", help="the project folder (default: .)")
    command.set_defaults(func=cmd_backtest)
