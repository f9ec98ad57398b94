"""Where CTranslate2 runs: ``--device auto|cpu|cuda`` and ``--compute-type``, resolved once.

``auto`` takes CUDA when ``ctranslate2.get_cuda_device_count()`` finds a GPU and
falls back to the CPU otherwise (the caller says so once on stderr); ``cuda``
on a machine without one is an error, never a silent fallback. Each device
gets its own threads and batch size: the CPU keeps the measured defaults of
``translator.ct2_engine``; on CUDA one worker feeds the GPU with large batches.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from glossary.errors import EngineError

DEVICES = ("auto", "cpu", "cuda")
# CTranslate2's names, plus "auto": int8 on CPU, int8_float16 on CUDA (ct2_engine.AUTO_COMPUTE_TYPES).
COMPUTE_TYPES = (
    "auto",
    "default",
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)
# Not measured here (no GPU was lent to this project's runs; see README "Devices"):
# CTranslate2's own guidance is one translator per GPU and batches of a few
# thousand tokens, which keep a GPU busy where 512 would leave it idle.
CUDA_INTER_THREADS = 1
CUDA_MAX_BATCH_TOKENS = 4096


@dataclass(frozen=True)
class DevicePlan:
    """The device a run uses and how it is fed."""

    device: str  # "cpu" or "cuda"
    compute_type: str
    # True when --device auto found no GPU and chose the CPU.
    fell_back: bool = False
    # None: the engine's CPU defaults (one worker per core, at most 4; 512-token batches).
    inter_threads: int | None = None
    max_batch_tokens: int | None = None


def cuda_device_count() -> int:
    """How many CUDA GPUs CTranslate2 can use here (0 without a GPU or a CUDA build)."""
    import ctranslate2

    try:
        return int(ctranslate2.get_cuda_device_count())
    except (RuntimeError, OSError):
        return 0


def plan_device(
    requested: str = "auto", compute_type: str = "auto", count_gpus: Callable[[], int] = cuda_device_count
) -> DevicePlan:
    """Resolve ``--device`` and ``--compute-type``; EngineError for CUDA without a GPU."""
    if requested not in DEVICES:
        raise EngineError(f"unknown device {requested!r}; choose one of {', '.join(DEVICES)}")
    if requested == "cpu":
        return DevicePlan("cpu", compute_type)
    gpus = count_gpus()
    if gpus > 0:
        return DevicePlan("cuda", compute_type, inter_threads=CUDA_INTER_THREADS, max_batch_tokens=CUDA_MAX_BATCH_TOKENS)
    if requested == "cuda":
        raise EngineError(
            "--device cuda: no CUDA GPU is available (ctranslate2 finds none: no GPU, no driver, "
            "or a CPU-only ctranslate2 build); use --device cpu or --device auto"
        )
    return DevicePlan("cpu", compute_type, fell_back=True)


FALLBACK_NOTE = "tarjama: note: --device auto found no CUDA GPU; translating on the CPU"
