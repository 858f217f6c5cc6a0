"""A mock resource monitor that also records what the program asked for: parent, options, and
inputs with secrets masked (the stock one keeps only ids and state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format
from pulumi.runtime.mocks import MockMonitor

from sentry_iac.pulumi_sdk import RequestOptions

SECRET_SIG = "4dabf18193072939515e22adb298388d"
SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
MASK = "[secret]"
COMPUTED = "(known after deploy)"


@dataclass
class RegisteredResource:
    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    inputs: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)

    def as_json(self, names: dict[str, str]) -> dict[str, Any]:
        return {
            "type": self.type,
            "name": self.name,
            "parent": names.get(self.parent) if self.parent else None,
            "inputs": self.inputs,
            "options": self.options,
        }


def mask_secrets(value: Any) -> Any:
    """The inputs as the wire carries them, with every secret replaced by ``[secret]``.

    Nothing else is changed: numbers stay doubles (the wire has no integers) and nulls stay,
    so what a plan shows, and what tests take from it, is what the engine hands on."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == SECRET_VALUE:
            return MASK
        return {k: mask_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    if value == UNKNOWN:
        return COMPUTED
    return value


def options_of(sent: RequestOptions) -> dict[str, Any]:
    """The options a plan shows, from the fields of a registration request."""
    options: dict[str, Any] = {}
    if sent.protect:
        options["protect"] = True
    if sent.retain_on_delete:
        options["retain_on_delete"] = True
    if sent.delete_before_replace:
        options["delete_before_replace"] = True
    if sent.secret_outputs:
        options["additional_secret_outputs"] = sorted(set(sent.secret_outputs))
    if sent.ignore_changes:
        options["ignore_changes"] = list(sent.ignore_changes)
    shown = [a.urn or {k: v for k, v in json_format.MessageToDict(a.spec).items() if v}
             for a in sent.aliases]
    if shown:
        options["aliases"] = shown
    if sent.provider:
        # "urn::id" -> the provider's logical name
        options["provider"] = (sent.provider.split("::")[3] if "::" in sent.provider
                               else "")
    return options


def _options(request: Any) -> dict[str, Any]:
    return options_of(RequestOptions(
        protect=request.HasField("protect") and request.protect,
        retain_on_delete=request.HasField("retainOnDelete") and request.retainOnDelete,
        delete_before_replace=request.deleteBeforeReplace,
        secret_outputs=list(request.additionalSecretOutputs),
        ignore_changes=list(request.ignoreChanges), aliases=list(request.aliases),
        provider=request.provider))


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: Any) -> None:
        super().__init__(mocks)
        self.registered: list[RegisteredResource] = []
        # The pickled providers of dynamic resources, kept out of every output so a test can
        # audit them for secrets.
        self.serialized_providers: list[str] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            raw = json_format.MessageToDict(request.object)
            provider = raw.get("__provider")
            if isinstance(provider, dict):
                provider = provider.get("value")
            if isinstance(provider, str):
                self.serialized_providers.append(provider)
            inputs = mask_secrets(raw)
            # A dynamic resource's pickled provider is code, not configuration.
            inputs.pop("__provider", None)
            self.registered.append(RegisteredResource(
                urn=response.urn, type=request.type, name=request.name,
                parent=request.parent or None, custom=bool(request.custom),
                inputs=inputs, options=_options(request)))
        return response
