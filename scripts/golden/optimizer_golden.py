"""Golden values for CellScribe's optimisers, gradient clipping and learning-rate schedules, from torch.optim.

Run: python scripts/golden/optimizer_golden.py  (needs torch; writes Tests/Fixtures/golden/optimizer.json)

Two parameters, "weight" (2, 3) and "bias" (3), start from fixed values; each step uses its own fixed gradients,
so the Swift tests can replay the exact same sequence without running Python. Every value is float32; the JSON
holds them as decimal floats.
"""

import json
import math
from pathlib import Path

import torch

torch.manual_seed(0)
SHAPES = {"weight": [2, 3], "bias": [3]}
STEPS = 3


def fixed(shape, seed):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=torch.float32)


INITIAL = {name: fixed(shape, 10 + index) for index, (name, shape) in enumerate(SHAPES.items())}
GRADIENTS = [
    {name: fixed(shape, 100 * (step + 1) + index) for index, (name, shape) in enumerate(SHAPES.items())}
    for step in range(STEPS)
]


def as_list(tensor):
    return [float(v) for v in tensor.detach().reshape(-1).tolist()]


def run(make_optimizer):
    params = {name: torch.nn.Parameter(value.clone()) for name, value in INITIAL.items()}
    optimizer = make_optimizer(list(params.values()))
    trajectory = []
    for step in range(STEPS):
        for name, param in params.items():
            param.grad = GRADIENTS[step][name].clone()
        optimizer.step()
        trajectory.append({name: as_list(param) for name, param in params.items()})
    return trajectory


CASES = [
    ("sgd_momentum", {"kind": "SGD", "lr": 0.1, "momentum": 0.9, "weight_decay": 0.01, "nesterov": False},
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01, foreach=False)),
    ("sgd_nesterov", {"kind": "SGD", "lr": 0.05, "momentum": 0.8, "weight_decay": 0.0, "nesterov": True},
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, foreach=False)),
    ("sgd_plain", {"kind": "SGD", "lr": 0.2, "momentum": 0.0, "weight_decay": 0.0, "nesterov": False},
     lambda p: torch.optim.SGD(p, lr=0.2, foreach=False)),
    ("adam", {"kind": "Adam", "lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.1},
     lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1, foreach=False)),
    ("adamw", {"kind": "AdamW", "lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.05},
     lambda p: torch.optim.AdamW(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05, foreach=False)),
]


def clipping(max_norm):
    params = [torch.nn.Parameter(value.clone()) for value in INITIAL.values()]
    for param, name in zip(params, SHAPES):
        param.grad = GRADIENTS[0][name].clone()
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm=max_norm, foreach=False)
    return {
        "max_norm": max_norm,
        "total_norm": float(norm),
        "clipped": {name: as_list(param.grad) for name, param in zip(SHAPES, params)},
    }


EPOCHS = 16
# Improvements, a plateau, a cooldown, an improvement too small for the relative threshold (0.83995 against a best
# of 0.84), and a final reduction clamped at min_lr.
METRICS = [1.0, 0.9, 0.85, 0.85, 0.8501, 0.86, 0.84, 0.84, 0.83995, 0.84, 0.83, 0.84, 0.84, 0.84, 0.84, 0.84]


def schedule_rates(make_scheduler, base_lr, metrics=None):
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base_lr)
    scheduler = make_scheduler(optimizer)
    rates = []
    for epoch in range(EPOCHS):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[epoch])
    return rates


def main():
    golden = {
        "generator": "scripts/golden/optimizer_golden.py",
        "torch": torch.__version__,
        "shapes": SHAPES,
        "initial": {name: as_list(value) for name, value in INITIAL.items()},
        "gradients": [{name: as_list(value) for name, value in step.items()} for step in GRADIENTS],
        "optimizers": [
            {"name": name, "hyperparameters": hyper, "trajectory": run(make)} for name, hyper, make in CASES
        ],
        "clipping": [clipping(0.5), clipping(100.0)],
        "schedules": {
            "epochs": EPOCHS,
            "step": {
                "base_lr": 0.1, "step_size": 3, "gamma": 0.5,
                "rates": schedule_rates(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 0.1),
            },
            "cosine": {
                "base_lr": 0.1, "t_max": 10, "eta_min": 0.001,
                "rates": schedule_rates(
                    lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 0.1),
            },
            "plateau": {
                "base_lr": 0.1, "factor": 0.5, "patience": 1, "threshold": 1e-4, "cooldown": 1, "min_lr": 0.03,
                "metrics": METRICS,
                "rates": schedule_rates(
                    lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(
                        o, mode="min", factor=0.5, patience=1, threshold=1e-4, threshold_mode="rel",
                        cooldown=1, min_lr=0.03),
                    0.1, METRICS),
            },
        },
    }
    out = Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "golden" / "optimizer.json"
    out.write_text(json.dumps(golden, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
