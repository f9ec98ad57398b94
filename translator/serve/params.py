"""LibreTranslate's ways of passing parameters: a JSON object body, an
urlencoded form, a multipart form, or the query string.

As in LibreTranslate, a JSON body is the whole story when the request says it
is JSON; otherwise the query string and the form are merged (the form wins).
Unlike LibreTranslate, repeated ``q`` fields in a form or query string make a
list, as a JSON list does. Everything malformed is an :class:`ApiError` 400.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl


class ApiError(Exception):
    """An HTTP error answer: ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra or {}


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    data: bytes


@dataclass
class Params:
    """Each parameter's values, in the order given (a JSON value is one value)."""

    values: dict[str, list[Any]] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def first(self, name: str) -> Any:
        found = self.values.get(name)
        return found[0] if found else None

    def text(self, name: str) -> str | None:
        """The parameter as a string (numbers and booleans from JSON as JSON writes them)."""
        value = self.first(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (str, int, float)):
            return str(value)
        raise ApiError(400, f"Invalid request: {name} must be a string")

    def flag(self, name: str, default: bool) -> bool:
        value = self.text(name)
        if value is None or value == "":
            return default
        lowered = value.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ApiError(400, f"Invalid request: {name} must be true or false")

    def q(self) -> str | list[str] | None:
        """``q`` as a string, or a list (JSON list, or repeated form fields)."""
        found = self.values.get("q")
        if not found:
            return None
        if len(found) > 1:
            return [_as_text(value) for value in found]
        value = found[0]
        if isinstance(value, list):
            return [_as_text(item) for item in value]
        return _as_text(value)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from a JSON "\\ud800" escape
            raise ApiError(400, "Invalid request: q is not valid Unicode") from None
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise ApiError(400, "Invalid request: q must be a string or a list of strings")


def from_query(query_string: bytes) -> Params:
    return Params(_pairs(query_string, "the query string"))


def from_json(body: bytes, query: Params) -> Params:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "Invalid JSON format") from None
    if not isinstance(data, dict):
        raise ApiError(400, "Invalid JSON format")
    values = dict(query.values)
    values.update({str(key): [value] for key, value in data.items()})
    return Params(values)


def from_urlencoded(body: bytes, query: Params) -> Params:
    return Params(_merged(query.values, _pairs(body, "the form")))


def merge_form(query: Params, fields: list[tuple[str, str]], files: dict[str, UploadedFile]) -> Params:
    form: dict[str, list[Any]] = {}
    for key, value in fields:
        form.setdefault(key, []).append(value)
    return Params(_merged(query.values, form), files)


def _merged(base: dict[str, list[Any]], override: dict[str, list[Any]]) -> dict[str, list[Any]]:
    values = dict(base)
    values.update(override)
    return values


def _pairs(raw: bytes, where: str) -> dict[str, list[Any]]:
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, f"Invalid request: {where} is not valid UTF-8") from None
    values: dict[str, list[Any]] = {}
    for key, value in pairs:
        values.setdefault(key, []).append(value)
    return values
