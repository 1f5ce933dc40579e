# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Inputs, runners and error measures shared by the op tests; checks shared by the fairseq plugin's
tests; the data-preparation scripts as modules, and tar archives for their tests."""
from __future__ import annotations

import importlib.util
import io
import math
import os
import tarfile

import torch

from hgru.ops import complex_scan, hgru_scan, naive, norm_gate, real_scan

KINDS = ("real", "complex", "hgru")


def rel(a, b) -> float:
    """||a - b|| / ||b|| in float64 (NaN never passes a `<` test)."""
    a, b = a.detach().double().cpu(), b.detach().double().cpu()
    return ((a - b).norm() / b.norm().clamp_min(1e-30)).item()


def make_inputs(kind, B, T, D, dtype=torch.float32, h0=False, cu=None, seed=0, device="cpu"):
    """Random inputs with gates of modulus in (0.5, 1): long memory, no blow-up."""
    gen = torch.Generator().manual_seed(seed)
    N = B if cu is None else len(cu) - 1

    def r(*s):
        return torch.randn(*s, generator=gen)

    if kind == "real":
        ins = [r(B, T, D), 0.5 + 0.5 * torch.rand(B, T, D, generator=gen), r(N, D) if h0 else None]
    elif kind == "complex":
        mod, ang = 0.5 + 0.5 * torch.rand(B, T, D, generator=gen), math.pi * torch.rand(B, T, D, generator=gen)
        ins = [r(B, T, D, 2), torch.stack([mod * ang.cos(), mod * ang.sin()], -1), r(N, D, 2) if h0 else None]
    else:
        ins = [r(B, T, 2 * D), r(B, T, D), math.pi * torch.rand(D, generator=gen),
               0.9 * torch.rand(D, generator=gen), r(N, 2 * D) if h0 else None]
    ins = [t.to(dtype) if i < 2 else t for i, t in enumerate(ins)]  # data in dtype; theta, lb, h0 float32
    return [None if t is None else t.to(device) for t in ins]


def run(kind, ins, backend, reverse=False, cu=None):
    if kind == "real":
        return real_scan(ins[0], ins[1], ins[2], True, reverse, cu, backend)
    if kind == "complex":
        return complex_scan(ins[0], ins[1], ins[2], True, reverse, cu, backend)
    c, f, theta, lb, h0 = ins
    return hgru_scan(c, f, theta, lb, "silu", h0, True, reverse, cu, backend)


def reference(kind, ins, reverse=False, cu=None):
    ref = {"real": naive.real_scan_ref, "complex": naive.complex_scan_ref}.get(kind)
    cu_cpu = None if cu is None else cu.cpu()
    if ref is not None:
        return ref(ins[0], ins[1], ins[2], True, reverse, cu_cpu)
    c, f, theta, lb, h0 = ins
    return naive.hgru_scan_ref(c, f, theta, lb, "silu", h0, True, reverse, cu_cpu)


def outputs_and_grads(kind, ins, backend, reverse=False, cu=None, seed=1):
    """(o, state, grads of every input given) after backpropagating fixed random cotangents."""
    leaves = [None if t is None else t.detach().clone().requires_grad_() for t in ins]
    o, ht = run(kind, leaves, backend, reverse, cu)
    gen = torch.Generator().manual_seed(seed)
    do = torch.randn(o.shape, generator=gen).to(o)
    dht = torch.randn(ht.shape, generator=gen).to(ht)
    torch.autograd.backward([o, ht], [do, dht])
    return [o, ht] + [t.grad for t in leaves if t is not None]


def widen(ins, dtype=torch.float64):
    return [None if t is None else t.detach().cpu().to(dtype) for t in ins]


def eager_and_compiled(dtype=torch.float32, device="cpu", B=2, T=16, D=8):
    """A loss over all four ops (both scans, the fused op, the norm-gate) and its gradients for
    every input, eager and under ``torch.compile(fullgraph=True)`` (a graph break raises):
    ``((loss, grads), (compiled loss, compiled grads))``."""
    xr, gr, _ = make_inputs("real", B, T, D, dtype, device=device)
    xc, gc, _ = make_inputs("complex", B, T, D, dtype, device=device)
    c, f, theta, lb, _ = make_inputs("hgru", B, T, D, dtype, device=device)
    gen = torch.Generator().manual_seed(2)
    w, b = (torch.randn(2 * D, generator=gen).to(device) for _ in range(2))
    leaves = [t.requires_grad_() for t in (xr, gr, xc, gc, c, f, theta, lb, w, b)]

    def fn(xr, gr, xc, gc, c, f, theta, lb, w, b):
        o, _ = real_scan(xr, gr, reverse=True)
        p, s = complex_scan(xc, gc, output_final_state=True)
        h, _ = hgru_scan(c, f, theta, lb)
        z = norm_gate(h, c, w, b)
        return (o.float().sum() + p.float().square().sum() + s.sum() + h.float().square().sum()
                + z.float().square().sum())
    eager = fn(*leaves)
    grads = torch.autograd.grad(eager, leaves)
    torch._dynamo.reset()
    compiled = torch.compile(fn, fullgraph=True, backend="aot_eager")
    out = compiled(*leaves)
    return (eager, grads), (out, torch.autograd.grad(out, leaves))


def check_iterator_kept_across_epochs(task, dataset, reference, **args):
    """fairseq asks a task for its batch iterator again at every epoch: over two epochs the same
    iterator must come back with the same data loader (so its workers start once), each epoch's
    batches those of ``reference(epoch)`` (a new iterator), and the two epochs' batches different."""
    ids = lambda itr: [b.get("id", torch.zeros(0)).tolist() for b in itr.next_epoch_itr(shuffle=True)]  # noqa: E731
    itr = task.get_batch_iterator(dataset, epoch=1, **args)
    seen, loaders = [], []
    for epoch in (1, 2):
        assert task.get_batch_iterator(dataset, epoch=epoch, **args) is itr
        seen.append(ids(itr))
        loaders.append(itr.dataloader)
        assert seen[-1] == ids(reference(epoch))
    assert loaders[0] is not None and loaders[0] is loaders[1] and seen[0] != seen[1]
    return itr


def train_against_eager(model, module, ref, batch, loss, amp, lr, device="cuda"):
    """Three SGD steps of two accumulated micro-batches each: ``loss(model, b)``, which trains
    ``module``'s parameters (through CUDA graphs, say), against ``loss(ref, b)`` computed eagerly, for
    micro-batches ``b = batch(generator)``; the losses and every gradient compared. Returns the
    tolerance used (2e-2 under bf16 autocast, else 1e-4)."""
    opts = [torch.optim.SGD(m.parameters(), lr=lr) for m in (module, ref)]
    gen = torch.Generator(device=device).manual_seed(1)
    tol = 2e-2 if amp else 1e-4
    for step in range(3):
        for micro in range(2):
            b = batch(gen)
            losses = []
            for m in (model, ref):
                with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
                    value = loss(m, b)
                value.backward()
                losses.append(value.item())
            assert abs(losses[0] - losses[1]) < tol * abs(losses[1]), (step, micro, losses)
        for (name, p), q in zip(module.named_parameters(), ref.parameters()):
            err = ((p.grad - q.grad).norm() / q.grad.norm().clamp_min(1e-12)).item()
            assert err < tol, (step, name, err)
        for opt in opts:
            opt.step()
            opt.zero_grad(set_to_none=True)
    return tol



def load_script(name, monkeypatch):
    """``scripts/<name>.py`` as a module (the scripts folder on ``sys.path`` for the test's duration:
    the scripts import their neighbours)."""
    scripts = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts")
    monkeypatch.syspath_prepend(scripts)
    spec = importlib.util.spec_from_file_location(name, os.path.join(scripts, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_tar(target, files, mode="w"):
    """A tar archive of ``files`` ({member name: bytes}) at ``target``, a path or a binary file object
    (``mode``: "w", "w:gz")."""
    if isinstance(target, (str, os.PathLike)):
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        archive = tarfile.open(target, mode)
    else:
        archive = tarfile.open(fileobj=target, mode=mode)
    with archive as t:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
