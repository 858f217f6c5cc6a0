"""Pulumi's own dynamic provider host, started and spoken to as the engine does.

The engine starts ``pulumi-resource-pulumi-python``, a shell script that runs
``$PULUMI_RUNTIME_VIRTUALENV/bin/python -u -m pulumi.dynamic <engine address>`` in the program
folder with ``PULUMI_RUNTIME_*`` (the runtime options of Pulumi.yaml), ``PULUMI_PROJECT`` and
``PULUMI_CONFIG`` set, ``$VENV/bin`` first on PATH and PYTHONHOME unset; the server prints its
port and serves the ResourceProvider gRPC service (pulumi/pulumi
``sdk/python/dist/pulumi-resource-pulumi-python``, ``sdk/go/common/resource/plugin/
provider_plugin.go`` ``NewProvider``). ``ProviderHost`` does exactly that with this machine's
virtual environment, then sends the requests the engine sends, marshalled as
``provider_plugin.go`` marshals them:

* numbers are doubles (the wire has no integers) and nulls are sent as nulls;
* the provider's ConfigureResponse says ``acceptSecrets: false``, so from then on secrets are
  sent as their plain values (``KeepSecrets`` false); Configure itself sends them wrapped;
* unknowns are kept only where the engine allows them (Check and Diff in a preview); elsewhere
  an unknown object key or array element is dropped.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import yaml
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PROVIDER_KEY = "__provider"
START_TIMEOUT = 60.0  # seconds for the host to print its port (it imports Pulumi and grpc)


def secret(value: Any) -> dict[str, Any]:
    """A value wrapped the way the engine marks a secret on the wire."""
    return {SECRET_SIG_KEY: SECRET_SIG, "value": value}


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SECRET_SIG_KEY) == SECRET_SIG


def marshal(value: Any, *, keep_unknowns: bool, keep_secrets: bool) -> Any:
    """A property value as ``MarshalPropertyValue`` sends it: ``None`` is returned only for a
    value the engine leaves out (an unknown it may not send)."""
    if _is_secret(value):
        inner = marshal(value["value"], keep_unknowns=keep_unknowns, keep_secrets=keep_secrets)
        return secret(inner) if keep_secrets else inner
    if value == UNKNOWN:
        return UNKNOWN if keep_unknowns else None
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if item is None:
                out[key] = None  # no SkipNulls on any provider call
                continue
            marshalled = marshal(item, keep_unknowns=keep_unknowns, keep_secrets=keep_secrets)
            if marshalled is not None:
                out[key] = marshalled
        return out
    if isinstance(value, list):
        items: list[Any] = []
        for item in value:
            if item is None:
                items.append(None)  # MarshalNull keeps nulls in arrays
                continue
            marshalled = marshal(item, keep_unknowns=keep_unknowns, keep_secrets=keep_secrets)
            if marshalled is not None:
                items.append(marshalled)
        return items
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    raise TypeError(f"no wire form for {value!r}")


def to_struct(props: dict[str, Any], *, keep_unknowns: bool = False,
              keep_secrets: bool = False) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(marshal(props, keep_unknowns=keep_unknowns, keep_secrets=keep_secrets))
    return struct


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A Struct as the engine holds it: numbers stay doubles, nulls stay."""
    return dict(json_format.MessageToDict(struct))


class HostError(RuntimeError):
    """The provider host answered with an error (the provider raised, or the host failed)."""

    def __init__(self, method: str, code: str, details: str) -> None:
        super().__init__(f"{method}: {code}: {details}")
        self.method, self.code, self.details = method, code, details

    @property
    def summary(self) -> str:
        """The last line of the provider's traceback: what a user reads first."""
        lines = [line for line in self.details.splitlines() if line.strip()]
        errors = [i for i, line in enumerate(lines) if not line.startswith((" ", "Traceback"))]
        return "\n".join(lines[errors[0]:]) if errors else self.details


@dataclass
class CheckResult:
    inputs: dict[str, Any]
    failures: list[tuple[str, str]]  # (property, reason)


@dataclass
class DiffResult:
    changes: str  # "none", "some" or "unknown"
    replaces: list[str]
    stables: list[str]
    delete_before_replace: bool


_CHANGES = {provider_pb2.DiffResponse.DIFF_NONE: "none",
            provider_pb2.DiffResponse.DIFF_SOME: "some",
            provider_pb2.DiffResponse.DIFF_UNKNOWN: "unknown"}


class ProviderHost:
    """One ``python -u -m pulumi.dynamic`` process and a gRPC stub for it."""

    def __init__(self, program_dir: Path, *, project: str = "sentry-iac",
                 env: dict[str, str] | None = None) -> None:
        self.program_dir = program_dir
        self.project = project
        self.extra_env = env or {}
        self.stderr_lines: list[str] = []
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: provider_pb2_grpc.ResourceProviderStub | None = None
        self._stderr_thread: threading.Thread | None = None

    # -- the process, as pulumi-resource-pulumi-python starts it --------------------------------

    def environment(self) -> dict[str, str]:
        venv = Path(sys.prefix)
        env = {key: value for key, value in os.environ.items()
               # Nothing of the test's own Sentry settings leaks in: the token must come
               # through Configure, as it does under the CLI with `sentry:token` set.
               if not key.startswith("SENTRY_") and key != "PYTHONHOME"}
        env.update({
            "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            "PULUMI_RUNTIME_TOOLCHAIN": "uv",
            "PULUMI_RUNTIME_VIRTUALENV": str(venv),
            "PULUMI_PROJECT": self.project,
            # Only config whose namespace is the plugin's package (pulumi-python): none.
            "PULUMI_CONFIG": "{}",
        })
        env.update(self.extra_env)
        return env

    def start(self) -> ProviderHost:
        python = Path(sys.prefix) / "bin" / "python"
        self._process = subprocess.Popen(
            [str(python), "-u", "-m", "pulumi.dynamic", "127.0.0.1:1"],
            cwd=self.program_dir, env=self.environment(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        port = self._read_port()
        self._stderr_thread = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_thread.start()
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(self._channel).result(timeout=START_TIMEOUT)
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        return self

    def _read_port(self) -> int:
        assert self._process is not None and self._process.stdout is not None
        found: list[bytes] = []
        reader = threading.Thread(
            target=lambda: found.append(self._process.stdout.readline()),  # type: ignore[union-attr]
            daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        line = found[0].decode().strip() if found else ""
        if not line.isdigit():
            self._process.kill()
            _, err = self._process.communicate(timeout=10)
            raise RuntimeError(f"the provider host did not start (printed {line!r}):\n"
                               f"{err.decode(errors='replace')}")
        return int(line)

    def _drain_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        for raw in self._process.stderr:
            self.stderr_lines.append(raw.decode(errors="replace").rstrip())

    def stop(self) -> None:
        if self._channel is not None:
            self._channel.close()
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
        self._process = self._channel = self._stub = None

    def __enter__(self) -> ProviderHost:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- requests ---------------------------------------------------------------------------

    @property
    def stub(self) -> provider_pb2_grpc.ResourceProviderStub:
        if self._stub is None:
            raise RuntimeError("the provider host is not running")
        return self._stub

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request)
        except grpc.RpcError as exc:
            raise HostError(method, str(exc.code()), str(exc.details())) from None

    def configure(self, config: dict[str, Any]) -> bool:
        """``config``: the whole stack config, ``namespace:key`` -> value, secrets wrapped with
        ``secret()``; returns the host's acceptSecrets."""
        variables = {f"pulumi-python:config:{key}": _plain_text(value)
                     for key, value in config.items()}
        response = self._call("Configure", provider_pb2.ConfigureRequest(
            variables=variables,
            args=to_struct(config, keep_unknowns=True, keep_secrets=True),
            acceptSecrets=True, acceptResources=True, sends_old_inputs=True,
            sends_old_inputs_to_delete=True))
        return bool(response.acceptSecrets)

    def check(self, urn: str, olds: dict[str, Any], news: dict[str, Any], *,
              preview: bool) -> CheckResult:
        name, type_ = _name_type(urn)
        response = self._call("Check", provider_pb2.CheckRequest(
            urn=urn, name=name, type=type_,
            olds=to_struct(olds, keep_unknowns=preview),
            news=to_struct(news, keep_unknowns=preview)))
        return CheckResult(from_struct(response.inputs),
                           [(f.property, f.reason) for f in response.failures])

    def diff(self, id_: str, urn: str, olds: dict[str, Any], news: dict[str, Any],
             old_inputs: dict[str, Any], *, preview: bool) -> DiffResult:
        name, type_ = _name_type(urn)
        response = self._call("Diff", provider_pb2.DiffRequest(
            id=id_, urn=urn, name=name, type=type_,
            olds=to_struct(olds, keep_unknowns=preview),
            news=to_struct(news, keep_unknowns=preview),
            old_inputs=to_struct(old_inputs, keep_unknowns=preview)))
        return DiffResult(_CHANGES[response.changes], list(response.replaces),
                          list(response.stables), bool(response.deleteBeforeReplace))

    def create(self, urn: str, properties: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        name, type_ = _name_type(urn)
        response = self._call("Create", provider_pb2.CreateRequest(
            urn=urn, name=name, type=type_, properties=to_struct(properties)))
        return response.id, from_struct(response.properties)

    def read(self, id_: str, urn: str, properties: dict[str, Any] | None,
             inputs: dict[str, Any] | None) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """(id, outputs, inputs or None); an empty id means the object is gone."""
        name, type_ = _name_type(urn)
        request = provider_pb2.ReadRequest(id=id_, urn=urn, name=name, type=type_)
        if properties is not None:
            request.properties.CopyFrom(to_struct(properties))
        if inputs is not None:
            request.inputs.CopyFrom(to_struct(inputs))
        response = self._call("Read", request)
        new_inputs = from_struct(response.inputs) if response.HasField("inputs") else None
        return response.id, from_struct(response.properties), new_inputs

    def update(self, id_: str, urn: str, olds: dict[str, Any], news: dict[str, Any],
               old_inputs: dict[str, Any]) -> dict[str, Any]:
        name, type_ = _name_type(urn)
        response = self._call("Update", provider_pb2.UpdateRequest(
            id=id_, urn=urn, name=name, type=type_, olds=to_struct(olds),
            news=to_struct(news), old_inputs=to_struct(old_inputs)))
        return from_struct(response.properties)

    def delete(self, id_: str, urn: str, properties: dict[str, Any],
               old_inputs: dict[str, Any]) -> None:
        name, type_ = _name_type(urn)
        self._call("Delete", provider_pb2.DeleteRequest(
            id=id_, urn=urn, name=name, type=type_, properties=to_struct(properties),
            old_inputs=to_struct(old_inputs)))


def _plain_text(value: Any) -> str:
    inner = value["value"] if _is_secret(value) else value
    return inner if isinstance(inner, str) else json.dumps(inner)


def _name_type(urn: str) -> tuple[str, str]:
    """``urn:pulumi:stack::project::parent$type::name`` -> (name, type)."""
    parts = urn.split("::")
    return parts[-1], parts[-2].split("$")[-1]


class HostPool:
    """Fresh provider hosts, each started in the background before it is asked for.

    The engine starts a new host for every deployment, and so do the engine tests: a host is
    never reused, so no provider's cache outlives its deployment. Starting one (Python, Pulumi,
    grpc) takes about a second, which would be half of each test deployment; a spare started
    while the previous deployment runs takes that off the clock."""

    def __init__(self) -> None:
        self._spares: dict[tuple[Path, str], concurrent.futures.Future[ProviderHost]] = {}
        self._starter = concurrent.futures.ThreadPoolExecutor(1)
        self._lock = threading.Lock()
        atexit.register(self.close)

    def _start(self, program_dir: Path, project: str) -> concurrent.futures.Future[ProviderHost]:
        return self._starter.submit(lambda: ProviderHost(program_dir, project=project).start())

    def take(self, program_dir: Path, project: str) -> ProviderHost:
        key = (program_dir.resolve(), project)
        with self._lock:
            spare = self._spares.pop(key, None) or self._start(*key)
            self._spares[key] = self._start(*key)
        return spare.result(timeout=START_TIMEOUT)

    def close(self) -> None:
        with self._lock:
            spares, self._spares = list(self._spares.values()), {}
        for spare in spares:
            if spare.done() and spare.exception() is None:
                spare.result().stop()
            else:
                spare.add_done_callback(
                    lambda f: f.result().stop() if f.exception() is None else None)
        self._starter.shutdown(wait=True)


POOL = HostPool()


def project_name(program_dir: Path) -> str:
    """The ``name`` of the program's Pulumi.yaml (the project every URN carries)."""
    data = yaml.safe_load((program_dir / "Pulumi.yaml").read_text(encoding="utf-8"))
    return str(data["name"])


@contextmanager
def provider_host(program_dir: Path, config: dict[str, Any]) -> Iterator[ProviderHost]:
    """A started, configured host for the program in ``program_dir``; stopped on exit."""
    host = POOL.take(program_dir, project_name(program_dir))
    try:
        host.configure(config)
        yield host
    finally:
        host.stop()
