#!/usr/bin/env python3
"""Golden values for the Tensors engine, computed by PyTorch (float32, CPU).

Writes Tests/Fixtures/golden/engine.json. Values are written with 8 significant digits. Every case stores its inputs (so the Swift tests need no random
number parity), the forward output, and the gradients of every input of sum(output * projection) for a fixed
random projection (losses are scalars: their gradients are taken directly).

Run: /path/to/python-with-torch scripts/golden/engine_golden.py   (torch 2.x; no other dependency)
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20240611)
torch.use_deterministic_algorithms(True)
CASES = []


def rand(*shape, low=-1.0, high=1.0):
    return (torch.rand(*shape, dtype=torch.float32) * (high - low) + low)


def tensor_json(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float("%.8g" % v) for v in t.flatten().tolist()]}


def add_case(name, op, params, inputs, forward, constants=None, scalar=False):
    """inputs: name -> tensor needing gradients; constants: name -> tensor without; forward(**all) -> output."""
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    constants = constants or {}
    out = forward(**leaves, **constants)
    tensors = {k: tensor_json(v) for k, v in {**inputs, **constants}.items()}
    if isinstance(out, tuple):
        out, extra = out
        tensors.update({k: tensor_json(v) for k, v in extra.items()})
    if scalar:
        loss = out
    else:
        projection = rand(*out.shape)
        tensors["projection"] = tensor_json(projection)
        loss = (out * projection).sum()
    loss.backward()
    tensors["output"] = tensor_json(out.reshape(1) if scalar else out)
    for k, v in leaves.items():
        tensors[k + "_grad"] = tensor_json(v.grad)
    CASES.append({"name": name, "op": op, "params": params, "tensors": tensors})


# Convolutions: weights (O, I/groups, k...) as in PyTorch.
def conv_case(name, x_shape, w_shape, stride, padding, dilation, groups=1):
    conv = F.conv2d if len(x_shape) == 4 else F.conv3d
    add_case(name, "conv", {"stride": [stride], "padding": [padding], "dilation": [dilation], "groups": [groups]},
             {"input": rand(*x_shape), "weight": rand(*w_shape), "bias": rand(w_shape[0])},
             lambda input, weight, bias: conv(input, weight, bias, stride, padding, dilation, groups))


conv_case("conv2d_stride2_pad1", [2, 3, 7, 6], [4, 3, 3, 3], 2, 1, 1)
conv_case("conv2d_dilated", [1, 2, 9, 8], [3, 2, 3, 3], 1, 2, 2)
conv_case("conv3d_pad1", [1, 2, 4, 5, 4], [3, 2, 3, 3, 3], 1, 1, 1)
conv_case("conv3d_stride2", [1, 2, 5, 6, 5], [2, 2, 2, 3, 2], 2, 0, 1)


# Transposed convolutions: weights (I, O/groups, k...) as in PyTorch's ConvTranspose.
def deconv_case(name, x_shape, w_shape, stride, padding, dilation, output_padding, groups=1):
    deconv = F.conv_transpose2d if len(x_shape) == 4 else F.conv_transpose3d
    params = {"stride": [stride], "padding": [padding], "dilation": [dilation], "groups": [groups],
              "output_padding": [output_padding]}
    add_case(name, "conv_transpose", params,
             {"input": rand(*x_shape), "weight": rand(*w_shape), "bias": rand(w_shape[1] * groups)},
             lambda input, weight, bias: deconv(input, weight, bias, stride, padding, output_padding, groups, dilation))


deconv_case("conv_transpose2d_stride2", [1, 3, 4, 5], [3, 4, 3, 3], 2, 1, 1, 1)
deconv_case("conv_transpose2d_k2s2", [1, 4, 3, 4], [4, 2, 2, 2], 2, 0, 1, 0)
deconv_case("conv_transpose2d_dilated", [1, 2, 4, 4], [2, 3, 3, 3], 1, 1, 2, 0)
deconv_case("conv_transpose2d_groups2", [1, 4, 3, 3], [4, 3, 3, 3], 2, 1, 1, 0, groups=2)
deconv_case("conv_transpose3d_stride2", [1, 2, 2, 3, 2], [2, 3, 3, 3, 3], 2, 1, 1, 1)


# Pooling: average excludes padding from the count.
def pool_case(name, kind, x_shape, kernel, stride, padding):
    is2d = len(x_shape) == 4
    if kind == "max":
        pool = F.max_pool2d if is2d else F.max_pool3d
        forward = lambda input: pool(input, kernel, stride, padding)
    else:
        pool = F.avg_pool2d if is2d else F.avg_pool3d
        forward = lambda input: pool(input, kernel, stride, padding, count_include_pad=False)
    add_case(name, "pool", {"kind": [0 if kind == "max" else 1], "kernel": [kernel], "stride": [stride],
                            "padding": [padding]}, {"input": rand(*x_shape)}, forward)


pool_case("max_pool2d_k2", "max", [1, 3, 7, 8], 2, 2, 0)
pool_case("max_pool2d_k3s2p1", "max", [1, 3, 7, 8], 3, 2, 1)
pool_case("avg_pool2d_k2", "average", [1, 3, 7, 8], 2, 2, 0)
pool_case("avg_pool2d_k3s2p1", "average", [1, 3, 7, 8], 3, 2, 1)
pool_case("max_pool3d_k2", "max", [1, 2, 4, 6, 5], 2, 2, 0)
pool_case("max_pool3d_k3s2p1", "max", [1, 2, 5, 6, 7], 3, 2, 1)
pool_case("avg_pool3d_k3s2p1", "average", [1, 2, 5, 6, 7], 3, 2, 1)


# Resampling: mode 0 = nearest, 1 = linear (bilinear/trilinear).
def resize_case(name, x_shape, size, mode, align_corners=False):
    params = {"size": size, "mode": [0 if mode == "nearest" else 1], "align_corners": [int(align_corners)]}
    if mode == "nearest":
        forward = lambda input: F.interpolate(input, size=size, mode="nearest")
    else:
        torch_mode = "bilinear" if len(x_shape) == 4 else "trilinear"
        forward = lambda input: F.interpolate(input, size=size, mode=torch_mode, align_corners=align_corners)
    add_case(name, "resize", params, {"input": rand(*x_shape)}, forward)


resize_case("bilinear_up_align_corners", [1, 2, 5, 6], [9, 11], "linear", True)
resize_case("bilinear_up_half_pixel", [1, 2, 5, 6], [9, 11], "linear", False)
resize_case("bilinear_down_half_pixel", [1, 2, 7, 8], [4, 5], "linear", False)
resize_case("bilinear_double_align_corners", [1, 2, 4, 4], [8, 8], "linear", True)
resize_case("nearest_up", [1, 2, 5, 6], [9, 11], "nearest")
resize_case("nearest_down", [1, 2, 7, 8], [3, 5], "nearest")
resize_case("trilinear_up_align_corners", [1, 2, 3, 4, 5], [4, 6, 5], "linear", True)
resize_case("trilinear_up_half_pixel", [1, 2, 3, 4, 5], [4, 6, 5], "linear", False)


# Batch normalisation: running statistics updated with momentum 0.1 (unbiased variance), as nn.BatchNorm.
def batch_norm_case(name, x_shape, training):
    channels = x_shape[1]
    running_mean = rand(channels, low=-0.5, high=0.5)
    running_var = rand(channels, low=0.5, high=1.5)

    def forward(input, weight, bias, running_mean, running_var):
        mean, var = running_mean.clone(), running_var.clone()
        out = F.batch_norm(input, mean, var, weight, bias, training=training, momentum=0.1, eps=1e-5)
        return out, {"running_mean_after": mean, "running_var_after": var}

    add_case(name, "batch_norm", {"training": [int(training)], "momentum": [0.1], "epsilon": [1e-5]},
             {"input": rand(*x_shape, low=-2, high=3), "weight": rand(channels, low=0.5, high=1.5),
              "bias": rand(channels)}, forward,
             constants={"running_mean": running_mean, "running_var": running_var})


batch_norm_case("batch_norm2d_train", [3, 4, 4, 5], True)
batch_norm_case("batch_norm2d_eval", [3, 4, 4, 5], False)
batch_norm_case("batch_norm3d_train", [2, 3, 3, 4, 5], True)


def group_norm_case(name, x_shape, groups, instance=False):
    channels = x_shape[1]
    if instance:
        forward = lambda input, weight, bias: F.instance_norm(input, weight=weight, bias=bias, eps=1e-5)
    else:
        forward = lambda input, weight, bias: F.group_norm(input, groups, weight, bias, eps=1e-5)
    add_case(name, "group_norm", {"groups": [channels if instance else groups], "epsilon": [1e-5]},
             {"input": rand(*x_shape, low=-2, high=3), "weight": rand(channels, low=0.5, high=1.5),
              "bias": rand(channels)}, forward)


group_norm_case("group_norm2d_g2", [2, 4, 5, 6], 2)
group_norm_case("group_norm3d_g2", [2, 4, 3, 3, 3], 2)
group_norm_case("instance_norm2d", [2, 3, 5, 4], 0, instance=True)
group_norm_case("instance_norm3d", [1, 2, 3, 4, 5], 0, instance=True)

add_case("softmax_dim1", "softmax", {"log": [0]}, {"input": rand(2, 5, 3, 4, low=-3, high=3)},
         lambda input: F.softmax(input, dim=1))
add_case("log_softmax_dim1", "softmax", {"log": [1]}, {"input": rand(2, 5, 3, 4, low=-3, high=3)},
         lambda input: F.log_softmax(input, dim=1))
add_case("softmax3d_dim1", "softmax", {"log": [0]}, {"input": rand(1, 3, 2, 3, 4, low=-3, high=3)},
         lambda input: F.softmax(input, dim=1))


# Losses. Weighted losses are weighted means: sum(w * l) / sum(w), w broadcast over channels.
def weighted_mean(per_element, weights):
    w = weights.expand_as(per_element)
    return (w * per_element).sum() / w.sum()


targets_bce = torch.cat([(rand(2, 2, 4, 5) > 0).float(), rand(2, 1, 4, 5, low=0, high=1)], dim=1)
add_case("bce_with_logits", "bce", {}, {"logits": rand(2, 3, 4, 5, low=-4, high=4)},
         lambda logits, targets: F.binary_cross_entropy_with_logits(logits, targets),
         constants={"targets": targets_bce}, scalar=True)
add_case("bce_with_logits_weighted", "bce", {}, {"logits": rand(2, 3, 4, 5, low=-4, high=4)},
         lambda logits, targets, weights: weighted_mean(
             F.binary_cross_entropy_with_logits(logits, targets, reduction="none"), weights),
         constants={"targets": targets_bce, "weights": rand(2, 1, 4, 5, low=0, high=2)}, scalar=True)

classes = torch.randint(-1, 4, (2, 1, 3, 5)).float()
add_case("cross_entropy_ignore", "cross_entropy", {"ignore_index": [-1]}, {"logits": rand(2, 4, 3, 5, low=-3, high=3)},
         lambda logits, targets: F.cross_entropy(logits, targets.squeeze(1).long(), ignore_index=-1),
         constants={"targets": classes}, scalar=True)
add_case("cross_entropy_ignore_weighted", "cross_entropy", {"ignore_index": [-1]},
         {"logits": rand(2, 4, 3, 5, low=-3, high=3)},
         lambda logits, targets, weights: weighted_mean(
             F.cross_entropy(logits, targets.squeeze(1).long(), ignore_index=-1, reduction="none").unsqueeze(1),
             weights * (targets != -1).float()),
         constants={"targets": classes, "weights": rand(2, 1, 3, 5, low=0, high=2)}, scalar=True)
classes3d = torch.randint(-1, 3, (1, 1, 2, 3, 4)).float()
add_case("cross_entropy3d_ignore", "cross_entropy", {"ignore_index": [-1]},
         {"logits": rand(1, 3, 2, 3, 4, low=-3, high=3)},
         lambda logits, targets: F.cross_entropy(logits, targets.squeeze(1).long(), ignore_index=-1),
         constants={"targets": classes3d}, scalar=True)


# Soft Dice: per channel D_c = (2 sum(p t) + s) / (sum(p) + sum(t) + s) over batch and pixels; 1 - mean_c D_c.
def soft_dice(probabilities, targets, smooth=1.0, squared=False):
    axes = [0] + list(range(2, probabilities.dim()))
    intersection = (probabilities * targets).sum(axes)
    p = (probabilities * probabilities if squared else probabilities).sum(axes)
    t = (targets * targets if squared else targets).sum(axes)
    return 1 - ((2 * intersection + smooth) / (p + t + smooth)).mean()


dice_targets = (rand(2, 3, 4, 5) > 0.2).float()
add_case("soft_dice", "dice", {"smooth": [1.0], "squared": [0]}, {"probabilities": rand(2, 3, 4, 5, low=0, high=1)},
         lambda probabilities, targets: soft_dice(probabilities, targets), constants={"targets": dice_targets},
         scalar=True)
add_case("soft_dice_squared", "dice", {"smooth": [1.0], "squared": [1]},
         {"probabilities": rand(2, 3, 4, 5, low=0, high=1)},
         lambda probabilities, targets: soft_dice(probabilities, targets, squared=True),
         constants={"targets": dice_targets}, scalar=True)

add_case("mse", "mse", {}, {"prediction": rand(2, 3, 4, 5), "target": rand(2, 3, 4, 5)},
         lambda prediction, target: F.mse_loss(prediction, target), scalar=True)
add_case("mse_weighted", "mse", {}, {"prediction": rand(2, 3, 4, 5), "target": rand(2, 3, 4, 5)},
         lambda prediction, target, weights: weighted_mean((prediction - target) ** 2, weights),
         constants={"weights": rand(2, 3, 4, 5, low=0, high=2)}, scalar=True)

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
path = os.path.join(root, "Tests", "Fixtures", "golden", "engine.json")
with open(path, "w") as f:
    json.dump({"generator": "scripts/golden/engine_golden.py", "torch": torch.__version__.split("+")[0],
               "cases": CASES}, f, separators=(",", ":"))
print(f"{len(CASES)} cases, {os.path.getsize(path)} bytes -> {path}")
