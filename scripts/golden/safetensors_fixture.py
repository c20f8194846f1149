"""The safetensors fixture written by Python, and a checker for files CellScribe writes.

Write the fixture:  python scripts/golden/safetensors_fixture.py
    -> Tests/Fixtures/golden/python_written.safetensors (needs torch and safetensors)
Check a file:       python scripts/golden/safetensors_fixture.py --check some.safetensors
    -> loads it with safetensors.torch.load_file and prints names, dtypes, shapes, values and metadata

The fixture holds one tensor per dtype CellScribe reads, with values every dtype represents exactly, and
metadata as CellScribe writes it (JSON strings under "architecture" and "training").
"""

import json
import sys
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

FIXTURE = Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "golden" / "python_written.safetensors"


def write_fixture():
    tensors = {
        "encoder.conv.weight": (torch.arange(24, dtype=torch.float32).reshape(2, 3, 2, 2) * 0.25 - 3),
        "f64": torch.tensor([1.0 / 3.0, -2.5, 1e10], dtype=torch.float64),
        "f16": torch.tensor([[0.5, -1.5], [65504.0, 2.0**-24]], dtype=torch.float16),
        "bf16": torch.tensor([1.5, -(2.0**100)], dtype=torch.bfloat16),
    }
    metadata = {
        "architecture": json.dumps({"name": "unet", "depth": 3, "channels": [16, 32, 64]}, sort_keys=True),
        "training": json.dumps({"epochs": 7, "loss": 0.125}, sort_keys=True),
        "format": "pt",
    }
    save_file(tensors, str(FIXTURE), metadata=metadata)
    print(f"wrote {FIXTURE}")


def check(path):
    tensors = load_file(path)
    with safe_open(path, framework="pt") as handle:
        metadata = handle.metadata()
    for name, tensor in sorted(tensors.items()):
        print(name, tensor.dtype, list(tensor.shape), tensor.reshape(-1).tolist())
    print("metadata", json.dumps(metadata, sort_keys=True))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        write_fixture()
