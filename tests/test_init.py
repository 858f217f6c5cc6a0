"""`sentry-iac init`: the scaffolded organisation repository has every file, validates and plans
in-process, its workflows pass GitHub's schema and zizmor, it depends on sentry-iac through
`[tool.uv.sources]`; and neither `init` nor `import` overwrites a file without `--force`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sentry_iac.cli.app import main
from sentry_iac.importer.write.project_files import replaced_files
from sentry_iac.offline.engine import run_offline
from sentry_iac.scaffold import source
from sentry_iac.scaffold.source import PLACEHOLDER_URL, Source, SourceError
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.fake_sentry.realistic import seed_small_org
from tests.helpers import PROJECT_ROOT

BIN = Path(sys.executable).parent
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")
FILES = [
    ".github/workflows/deploy.yml", ".github/workflows/pull-request.yml", ".gitignore",
    "Pulumi.production.yaml", "Pulumi.staging.yaml", "Pulumi.yaml", "README.md", "__main__.py",
    "alerts/errors.yaml", "org.yaml", "policies/PulumiPolicy.yaml", "policies/__main__.py",
    "pyproject.toml", "rule-tests/errors.yaml", "schema/alerts.schema.json",
    "schema/org.schema.json", "tests/test_config.py"]


def init(*args: str) -> int:
    return main(["init", *args])


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scaffold") / "acme"
    assert init(str(root), "--org", "acme", "--source", str(PROJECT_ROOT)) == 0
    return root


def written(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_every_file_is_written(acme: Path) -> None:
    assert written(acme) == FILES


def test_the_repository_depends_on_sentry_iac_from_the_source(acme: Path) -> None:
    project = tomllib.loads((acme / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == "acme-sentry"
    assert project["project"]["dependencies"] == ["sentry-iac"]
    assert project["tool"]["uv"] == {"package": False,
                                     "sources": {"sentry-iac": {"path": str(PROJECT_ROOT)}}}
    assert project["dependency-groups"] == {"dev": ["pytest>=8"]}


def test_the_program_and_pulumi_project_are_the_repositorys(acme: Path) -> None:
    assert (acme / "__main__.py").read_text() == (PROJECT_ROOT / "__main__.py").read_text()
    pulumi = yaml.safe_load((acme / "Pulumi.yaml").read_text())
    assert pulumi["runtime"] == {"name": "python",
                                 "options": {"toolchain": "uv", "virtualenv": ".venv"}}
    for name in ("__main__.py", "PulumiPolicy.yaml"):
        assert (acme / "policies" / name).read_text() == \
            (PROJECT_ROOT / "policies" / name).read_text()


def test_the_yaml_names_its_schema_on_line_one(acme: Path) -> None:
    assert (acme / "org.yaml").read_text().splitlines()[0] == \
        "# yaml-language-server: $schema=schema/org.schema.json"
    assert (acme / "alerts/errors.yaml").read_text().splitlines()[0] == \
        "# yaml-language-server: $schema=../schema/alerts.schema.json"
    assert main(["schema", "--check", "--dir", str(acme)]) == 0


def test_validate_passes(acme: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--dir", str(acme)]) == 0
    assert capsys.readouterr().out.startswith("ok: org.yaml, alerts/errors.yaml valid; ")


def test_its_rule_tests_pass(acme: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The workflows run `sentry-iac test`, which fails without a test: the scaffold has two.
    assert main(["test", "--dir", str(acme)]) == 0
    captured = capsys.readouterr()
    assert [line.split()[0] for line in captured.out.splitlines()] == ["ok", "ok"]
    assert "2 passed, 0 failed" in captured.err


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_plan_works_for_each_stack(acme: Path, stack: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", stack, "--dir", str(acme)]) == 0
    assert f"Stack '{stack}' of sentry-iac: organization 'acme'" in capsys.readouterr().out
    types = {r.type.rsplit(":", 1)[-1] for r in run_offline(acme, stack).resources}
    # The owner creates the team and project; the other stack only its key and alert.
    assert ("SentryProject" in types) is (stack == "production")
    assert {"SentryKey", "Alert"} <= types


def test_the_scaffolds_own_test_runs_validate(acme: Path) -> None:
    text = (acme / "tests/test_config.py").read_text()
    assert 'main(["validate", "--dir", str(ROOT)]) == 0' in text
    compile(text, "test_config.py", "exec")


def test_the_readme_gives_the_first_commands(acme: Path) -> None:
    readme = (acme / "README.md").read_text()
    for command in ("uv run sentry-iac validate", "uv run sentry-iac plan --stack production",
                    "uv run sentry-iac plan --stack staging", "uv run pytest"):
        assert f"\n{command} " in readme
    assert f"sentry-iac comes from {PROJECT_ROOT}" in readme
    assert "@" + "org@" not in readme


def workflows(root: Path) -> list[Path]:
    return sorted((root / ".github/workflows").glob("*.yml"))


def load(path: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / name), *args], capture_output=True, text=True, timeout=300,
                          check=False)


def test_the_workflows_match_githubs_schema(acme: Path) -> None:
    result = tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows",
                  *map(str, workflows(acme)))
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_of_medium_or_high_severity(acme: Path) -> None:
    result = tool("zizmor", "--offline", "--min-severity", "medium", "--format", "plain",
                  *map(str, workflows(acme)))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflows_keep_the_security_properties(acme: Path) -> None:
    assert [p.name for p in workflows(acme)] == ["deploy.yml", "pull-request.yml"]
    for path in workflows(acme):
        workflow = load(path)
        assert workflow["permissions"] == {}, path.name
        for job in workflow["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    assert PINNED.match(step["uses"]), step["uses"]
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False
                assert "${{" not in step.get("run", "")
    preview = load(acme / ".github/workflows/pull-request.yml")["jobs"]["preview"]
    assert preview["environment"] == "preview"
    assert "SENTRY_AUTH_TOKEN" not in (acme / ".github/workflows/pull-request.yml").read_text()


def test_other_stacks_are_scaffolded_and_the_owner_deploys_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "shop"
    assert init(str(root), "--stacks", "prod,dev,qa", "--source", str(PROJECT_ROOT)) == 0
    assert sorted(p.name for p in root.glob("Pulumi.*.yaml")) == [
        "Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.qa.yaml"]
    assert "organization: shop\n" in (root / "org.yaml").read_text()
    assert main(["validate", "--dir", str(root)]) == 0
    capsys.readouterr()
    # The workflows deploy in the order `sentry-iac stacks` gives: the owner first.
    assert main(["stacks", "--json", "--dir", str(root)]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "owner": "prod", "others": ["dev", "qa"], "order": ["prod", "dev", "qa"]}
    for name in ("deploy.yml", "pull-request.yml"):
        scaffolded = (root / ".github/workflows" / name).read_text(encoding="utf-8")
        assert scaffolded == (PROJECT_ROOT / ".github/workflows" / name).read_text(
            encoding="utf-8"), f"{name}: the scaffold's workflow is not the repository's"
    assert "`production`, `dev`, `qa`" in (root / "README.md").read_text(encoding="utf-8")


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err.strip()


def test_init_refuses_to_overwrite_and_names_the_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "org.yaml").write_text("mine\n")
    (tmp_path / "README.md").write_text("mine\n")
    assert init(str(tmp_path), "--source", str(PROJECT_ROOT)) == 2
    assert one_line(capsys) == (f"sentry-iac init: {tmp_path} is not empty: init would "
                                "overwrite README.md, org.yaml; pass --force to replace them")
    assert written(tmp_path) == ["README.md", "org.yaml"]
    assert (tmp_path / "org.yaml").read_text() == "mine\n"
    assert init(str(tmp_path), "--org", "acme", "--source", str(PROJECT_ROOT), "--force") == 0
    assert written(tmp_path) == FILES
    assert (tmp_path / "org.yaml").read_text() != "mine\n"


def test_init_refuses_a_folder_with_other_files_but_not_a_fresh_git_repository(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("keep\n")
    assert init(str(tmp_path), "--org", "acme", "--source", str(PROJECT_ROOT)) == 2
    assert one_line(capsys) == (f"sentry-iac init: {tmp_path} is not empty (it holds "
                                "notes.txt); pass --force to write the repository beside them")
    assert init(str(tmp_path), "--org", "acme", "--source", str(PROJECT_ROOT), "--force") == 0
    assert (tmp_path / "notes.txt").read_text() == "keep\n"
    fresh = tmp_path / "fresh"
    (fresh / ".git").mkdir(parents=True)
    assert init(str(fresh), "--org", "acme", "--source", str(PROJECT_ROOT)) == 0


def test_a_long_list_of_clashes_stays_one_line(acme: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert init(str(acme), "--org", "acme", "--source", str(PROJECT_ROOT)) == 2
    # The first six files by name, then how many more (every file but those six).
    assert one_line(capsys).endswith(", .gitignore, Pulumi.production.yaml, Pulumi.staging.yaml, "
                                     f"Pulumi.yaml and {len(FILES) - 6} more; pass --force to "
                                     "replace them")


@pytest.mark.parametrize(("args", "message"), [
    (["--org", "Acme"], "--org 'Acme': a Sentry slug is lowercase letters, digits, '-' and '_', "
                        "not only digits"),
    (["--org", "123"], "--org '123': a Sentry slug"),
    (["--stacks", "prod,prod"], "--stacks prod,prod: a stack is named twice"),
    (["--stacks", "production,preview"], "--stacks: 'preview' is not a stack name here"),
    (["--stacks", ","], "--stacks: name at least one stack"),
    (["--source", "ftp://example.org/x"], "--source ftp://example.org/x: expected git+URL[@REV]"),
    (["--source", "path:/nonexistent/x"], "--source /nonexistent/x: no sentry-iac checkout"),
])
def test_bad_arguments_are_one_line_and_write_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
        message: str) -> None:
    root = tmp_path / "new"
    assert init(str(root), "--source", str(PROJECT_ROOT), *args) == 2
    assert one_line(capsys).startswith(f"sentry-iac init: {message}")
    assert not root.exists()


def test_a_file_is_refused_even_with_force(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "acme"
    target.write_text("x")
    assert init(str(target), "--force", "--source", str(PROJECT_ROOT)) == 2
    assert one_line(capsys) == f"sentry-iac init: {target} is a file; choose a folder"


def test_the_source_forms(tmp_path: Path) -> None:
    assert source.parse("git+https://github.com/o/sentry-iac.git@v1.2").toml() == \
        'sentry-iac = { git = "https://github.com/o/sentry-iac.git", rev = "v1.2" }'
    assert source.parse("git+ssh://git@github.com/o/sentry-iac.git").toml() == \
        'sentry-iac = { git = "ssh://git@github.com/o/sentry-iac.git" }'
    wheel = tmp_path / "sentry_iac-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    assert source.parse(f"path:{wheel}") == Source("path", str(wheel))
    assert source.parse(str(PROJECT_ROOT)) == Source("path", str(PROJECT_ROOT))
    with pytest.raises(SourceError, match="nothing after '@'"):
        source.parse("git+https://h/o/r.git@")
    with pytest.raises(SourceError, match="no sentry-iac checkout"):
        source.parse(str(tmp_path))


class _Installed:
    """A distribution as importlib.metadata gives it, with its PEP 610 record."""

    version = "0.3.0"

    def __init__(self, record: dict[str, Any] | None) -> None:
        self.record = record

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return json.dumps(self.record) if self.record is not None else None


@pytest.mark.parametrize(("record", "expected"), [
    ({"url": "https://github.com/o/sentry-iac.git",
      "vcs_info": {"vcs": "git", "commit_id": "a" * 40, "requested_revision": "v0.3.0"}},
     Source("git", "https://github.com/o/sentry-iac.git", "a" * 40)),
    ({"url": PROJECT_ROOT.as_uri(), "dir_info": {"editable": True}},
     Source("path", str(PROJECT_ROOT))),
    ({"url": "file:///no/such/sentry-iac", "dir_info": {"editable": True}},
     Source("git", PLACEHOLDER_URL, "v0.3.0", placeholder=True)),
    (None, Source("git", PLACEHOLDER_URL, "v0.3.0", placeholder=True)),
])
def test_the_default_source_is_where_this_sentry_iac_came_from(
        monkeypatch: pytest.MonkeyPatch, record: dict[str, Any] | None,
        expected: Source) -> None:
    monkeypatch.setattr("importlib.metadata.distribution", lambda name: _Installed(record))
    assert source.default() == expected


def test_the_default_source_can_be_the_installed_wheel(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = tmp_path / "sentry_iac-0.3.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    record = {"url": wheel.as_uri(), "archive_info": {}}
    monkeypatch.setattr("importlib.metadata.distribution", lambda name: _Installed(record))
    assert source.default() == Source("path", str(wheel))


def test_a_placeholder_source_is_said_in_the_readme_and_the_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("importlib.metadata.distribution", lambda name: _Installed(None))
    assert init(str(tmp_path / "acme")) == 0
    assert "placeholder" in capsys.readouterr().out
    assert f'git = "{PLACEHOLDER_URL}"' in (tmp_path / "acme/pyproject.toml").read_text()
    assert "a placeholder: put your copy" in (tmp_path / "acme/README.md").read_text()


def test_import_names_every_file_it_would_replace(
        acme: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "acme"
    shutil.copytree(acme, repo)
    (repo / "import").mkdir()
    (repo / "import/old.json").write_text("{}")
    assert replaced_files(repo, ["production", "staging"]) == [
        "Pulumi.production.yaml", "Pulumi.staging.yaml", "Pulumi.yaml", "__main__.py",
        "alerts/errors.yaml", "import/old.json", "org.yaml"]
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", FAKE_TOKEN)
    # Refused before anything is read: no Sentry at this address is ever asked.
    command = ["import", "--org", "acme", "--out", str(repo), "--base-url", "https://127.0.0.1:9/"]
    assert main(command) == 2
    assert one_line(capsys) == (
        f"sentry-iac import: {repo} already holds Pulumi.production.yaml, Pulumi.staging.yaml, "
        "Pulumi.yaml, __main__.py, alerts/errors.yaml, import/old.json and 1 more; pass --force "
        "to replace them, or choose another --out")
    assert written(repo) == sorted([*FILES, "import/old.json"])


@pytest.fixture
def small_org() -> Iterator[FakeSentry]:
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as fake:
        seed_small_org(fake)
        yield fake


def test_import_with_force_into_a_scaffold_keeps_what_import_does_not_write(
        acme: Path, tmp_path: Path, small_org: FakeSentry,
        monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "dbca"
    shutil.copytree(acme, repo)
    kept = ["pyproject.toml", "README.md", "tests/test_config.py", ".gitignore",
            ".github/workflows/deploy.yml", "schema/org.schema.json"]
    before = {name: (repo / name).read_text() for name in kept}
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", FAKE_TOKEN)
    command = ["import", "--org", "dbca", "--out", str(repo), "--base-url", small_org.url]
    assert main(command) == 2
    assert main([*command, "--force"]) == 0
    assert {name: (repo / name).read_text() for name in kept} == before
    # The scaffold's example rule is replaced, not merged with what was imported.
    assert "example-service" not in "".join(p.read_text() for p in repo.glob("alerts/*.yaml"))
    assert main(["validate", "--dir", str(repo)]) == 0


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not on PATH")
def test_uv_installs_sentry_iac_from_the_source_and_the_readme_commands_run(
        acme: Path, tmp_path: Path) -> None:
    repo = tmp_path / "acme"
    shutil.copytree(acme, repo)
    uv = shutil.which("uv")
    assert uv is not None
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    for command in (["run", "sentry-iac", "validate"],
                    ["run", "sentry-iac", "plan", "--stack", "staging"],
                    ["run", "pytest", "-q"]):
        result = subprocess.run([uv, *command], cwd=repo, capture_output=True, text=True,
                                timeout=600, check=False, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    assert (repo / "uv.lock").is_file()
