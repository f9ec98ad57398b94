"""The OpenAPI document served at ``/spec`` (and rendered by ``/docs``)."""
from __future__ import annotations

from typing import Any

from translator import __version__

_TEXT_PARAMS = {
    "q": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}], "description": "Text(s) to translate"},
    "source": {"type": "string", "enum": ["ar", "auto"], "description": "Source language code"},
    "target": {"type": "string", "enum": ["en"], "description": "Target language code"},
    "format": {"type": "string", "enum": ["text", "html"], "default": "text"},
    "alternatives": {"type": "integer", "default": 0, "description": "Accepted; always answered with an empty list"},
    "api_key": {"type": "string"},
    "glossary": {"type": "boolean", "default": True, "description": "tarjama: false translates without the glossary"},
    "strict": {"type": "boolean", "default": False, "description": "tarjama: 422 when any term occurrence is unenforced"},
}
_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}}


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {
        "content": {
            media: {"schema": schema}
            for media in ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")
        }
    }


def _answers(ok: dict[str, Any], *errors: int) -> dict[str, Any]:
    answers: dict[str, Any] = {"200": {"description": "OK", "content": {"application/json": {"schema": ok}}}}
    for status in errors:
        answers[str(status)] = {"description": "Error", "content": {"application/json": {"schema": _ERROR}}}
    return answers


def openapi_spec() -> dict[str, Any]:
    translated = {
        "type": "object",
        "properties": {
            "translatedText": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            "detectedLanguage": {"description": "Only when source is auto"},
            "alternatives": {"description": "Only when alternatives > 0"},
            "glossary": {"type": "object", "description": "tarjama: every term occurrence per text, and the unenforced ones"},
        },
    }
    detection = {
        "type": "array",
        "items": {"type": "object", "properties": {"confidence": {"type": "number"}, "language": {"type": "string"}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "tarjama serve",
            "version": __version__,
            "description": "LibreTranslate-compatible Arabic→English translation with an enforced glossary.",
        },
        "paths": {
            "/translate": {
                "post": {
                    "summary": "Translate text",
                    "requestBody": _body(_TEXT_PARAMS, ["q", "source", "target"]),
                    "responses": _answers(translated, 400, 403, 422, 429, 500),
                }
            },
            "/detect": {
                "post": {
                    "summary": "Detect the language of a text",
                    "requestBody": _body({"q": {"type": "string"}, "api_key": {"type": "string"}}, ["q"]),
                    "responses": _answers(detection, 400, 403, 429),
                }
            },
            "/languages": {"get": {"summary": "Supported languages", "responses": _answers({"type": "array"})}},
            "/translate_file": {
                "post": {
                    "summary": "Translate a file (.txt, .md, .html, .docx)",
                    "requestBody": {
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "file": {"type": "string", "format": "binary"},
                                        "source": {"type": "string"},
                                        "target": {"type": "string"},
                                        "api_key": {"type": "string"},
                                    },
                                    "required": ["file", "source", "target"],
                                }
                            }
                        }
                    },
                    "responses": _answers(
                        {"type": "object", "properties": {"translatedFileUrl": {"type": "string"}}}, 400, 403, 413, 429
                    ),
                }
            },
            "/download_file/{name}": {
                "get": {
                    "summary": "Download a translated file (once)",
                    "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "The file"}, "404": {"description": "Not found"}},
                }
            },
            "/suggest": {"post": {"summary": "Suggestions (disabled: 403)", "responses": _answers({}, 403)}},
            "/frontend/settings": {"get": {"summary": "Settings for web front ends", "responses": _answers({"type": "object"})}},
            "/health": {"get": {"summary": "Health, model and glossary digest", "responses": _answers({"type": "object"})}},
        },
    }
