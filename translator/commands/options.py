"""Options shared by every command that runs a model: ``--device`` and ``--compute-type``.

``translate`` uses them today; the server and archive runs take the same
decorator. The values are checked here and resolved by ``translator.device``.
"""
from __future__ import annotations

from typing import Callable, TypeVar

import click

from translator.device import COMPUTE_TYPES, DEVICES

F = TypeVar("F", bound=Callable[..., object])


def device_options(func: F) -> F:
    """``--device auto|cpu|cuda`` (env TARJAMA_DEVICE) and ``--compute-type`` (env TARJAMA_COMPUTE_TYPE)."""
    func = click.option(
        "--compute-type",
        "compute_type",
        type=click.Choice(COMPUTE_TYPES),
        envvar="TARJAMA_COMPUTE_TYPE",
        default="auto",
        show_default=True,
        help="CTranslate2 compute type; auto = int8 on CPU, int8_float16 on CUDA (env TARJAMA_COMPUTE_TYPE).",
    )(func)
    return click.option(
        "--device",
        "device",
        type=click.Choice(DEVICES),
        envvar="TARJAMA_DEVICE",
        default="auto",
        show_default=True,
        help="Where the model runs: auto = CUDA if a GPU is found, else CPU; cuda without a GPU is an error (env TARJAMA_DEVICE).",
    )(func)


def device_was_named(ctx: click.Context) -> bool:
    """True when the user chose ``--device`` (flag or environment), not the default."""
    source = ctx.get_parameter_source("device")
    return source not in (None, click.core.ParameterSource.DEFAULT)
