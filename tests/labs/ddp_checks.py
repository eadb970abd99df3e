"""Direct checks of lab 1's data-parallel paths, run by tests/labs/test_lab_at.py under
``python -m torch.distributed.run --standalone --nproc_per_node=2 tests/labs/ddp_checks.py CHECK OUT.json``
(gloo on CPUs). Rank 0 writes the measured numbers to OUT.json; the test asserts on them."""

from __future__ import annotations

import json
import sys

import torch
import torch.distributed as dist

from course_lib import labs as rt_
from course_lib.labs import at


def _gather_max_diff(t: torch.Tensor) -> float:
    """max |t_rank − t_0| over ranks."""
    parts = [torch.empty_like(t) for _ in range(dist.get_world_size())]
    dist.all_gather(parts, t.contiguous())
    return max(float((p - parts[0]).abs().max()) for p in parts)


def check_awp(rt: rt_.Runtime) -> dict:
    """One AWP step on a different batch per rank: the weight perturbation v must be the same on every
    rank (it is computed from the all-reduced weight gradient)."""
    cfg = at.make_config("awp", "smoke", width=4, attack_steps=1)
    torch.manual_seed(0)
    model = rt.prepare(at.make_model(cfg))
    method = at.make_method(cfg)
    captured: list[list[torch.Tensor]] = []
    direction = method.perturbation

    def recording(params, grads):
        v = direction(params, grads)
        captured.append([t.detach().clone() for t in v])
        return v

    method.perturbation = recording
    rt_.seed_rank(0, rt)                                    # a different batch on each rank
    x, y = torch.rand(4, 3, 32, 32), torch.randint(0, 10, (4,))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model.train()
    method.step(model, x, y, opt)
    v = torch.cat([t.flatten() for t in captured[0]])
    return {"awp_v_max_diff": _gather_max_diff(v), "awp_v_norm": float(v.norm()),
            "params_max_diff": rt_.params_max_diff(model)}


def check_sync_bn(rt: rt_.Runtime) -> dict:
    """One forward-backward of lab 1's DDP model, rank r on half r of a batch of 8, against one process on
    the whole batch: BN running statistics and (DDP-averaged) gradients must be those of the global batch."""
    import torch.nn.functional as F

    cfg = at.make_config("pgd", "smoke", width=4)
    torch.manual_seed(1)
    x, y = torch.rand(8, 3, 32, 32), torch.randint(0, 10, (8,))
    torch.manual_seed(0)
    ref = at.make_model(cfg).train()
    torch.manual_seed(0)
    model = at.prepare_model(cfg, rt).train()
    F.cross_entropy(ref(x), y).backward()
    half = slice(4 * rt.rank, 4 * rt.rank + 4)
    F.cross_entropy(model(x[half]), y[half]).backward()
    net = rt_.unwrap(model)
    bufs = lambda m: torch.cat([b.float().flatten() for b in m.buffers()])  # noqa: E731
    grads = lambda m: torch.cat([p.grad.flatten() for p in m.parameters()])  # noqa: E731
    result = {"buffers_max_diff": rt_.buffers_max_diff(model),
              "buffers_vs_global_batch": float((bufs(net) - bufs(ref)).abs().max())}
    with torch.no_grad():                                   # ranks drift apart: sync_buffers brings rank 0's
        for b in net.buffers():
            b.add_(rt.rank)
    result["desynced_buffers_max_diff"] = rt_.buffers_max_diff(model)
    rt_.sync_buffers(model)
    result["synced_buffers_max_diff"] = rt_.buffers_max_diff(model)
    bn = torch.nn.modules.batchnorm._BatchNorm
    return {**result, "bn_layers": sum(isinstance(m, bn) for m in net.modules()),
            "sync_bn_layers": sum(isinstance(m, rt_.GlobalBatchNorm2d) for m in net.modules()),
            "grads_vs_global_batch": float((grads(net) - grads(ref)).abs().max())}


CHECKS = {"awp": check_awp, "sync_bn": check_sync_bn}

if __name__ == "__main__":
    check, out = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    rt = rt_.make_runtime("cpu", "fp32", compile=False)
    result = CHECKS[check](rt)
    if rt.is_main:
        with open(out, "w") as f:
            json.dump(result, f)
    rt.barrier()
    rt_.cleanup_distributed()
