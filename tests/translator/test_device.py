"""translator.device: --device and --compute-type resolved into a plan, with the GPU count as input.

The GPU count is a parameter of ``plan_device`` (production passes
``ctranslate2.get_cuda_device_count``), so the CUDA branch is checked here on
machines without one; the CLI tests run the real count.
"""
from __future__ import annotations

import pytest

from glossary.errors import EngineError
from translator.device import (
    CUDA_INTER_THREADS,
    CUDA_MAX_BATCH_TOKENS,
    DevicePlan,
    cuda_device_count,
    plan_device,
)

PLANS = [
    # (requested, compute type, GPUs, plan)
    ("cpu", "auto", 0, DevicePlan("cpu", "auto")),
    ("cpu", "int8", 2, DevicePlan("cpu", "int8")),
    ("auto", "auto", 0, DevicePlan("cpu", "auto", fell_back=True)),
    ("auto", "auto", 1, DevicePlan("cuda", "auto", inter_threads=CUDA_INTER_THREADS, max_batch_tokens=CUDA_MAX_BATCH_TOKENS)),
    ("cuda", "float16", 1, DevicePlan("cuda", "float16", inter_threads=CUDA_INTER_THREADS, max_batch_tokens=CUDA_MAX_BATCH_TOKENS)),
]


@pytest.mark.parametrize(("requested", "compute_type", "gpus", "plan"), PLANS)
def test_plan(requested: str, compute_type: str, gpus: int, plan: DevicePlan) -> None:
    assert plan_device(requested, compute_type, lambda: gpus) == plan


def test_cpu_never_asks_for_gpus() -> None:
    def no_asking() -> int:
        raise AssertionError("--device cpu must not probe CUDA")

    assert plan_device("cpu", "auto", no_asking).device == "cpu"


def test_cuda_without_a_gpu_is_an_error_not_a_fallback() -> None:
    with pytest.raises(EngineError, match=r"^--device cuda: no CUDA GPU is available"):
        plan_device("cuda", "auto", lambda: 0)


def test_unknown_device() -> None:
    with pytest.raises(EngineError, match="unknown device 'tpu'"):
        plan_device("tpu", "auto", lambda: 0)


def test_real_gpu_count_is_a_number() -> None:
    assert cuda_device_count() >= 0
