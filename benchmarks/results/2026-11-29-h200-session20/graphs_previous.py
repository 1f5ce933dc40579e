# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Training steps that replay CUDA graphs of a network's forward and backward.

A small HGRN trained eagerly is bound by the host's Python, not the GPU: on an H200 host the
HGRN-T step (batch 256, bf16 autocast) issued its ~1,700 kernel launches in more time than the GPU
took to run them. ``GraphedNet`` captures the network's forward and its backward (the gradients of
the parameters) once, for the training batch's shape, dtype and autocast state, and then replays
them: one launch each way. Everything else stays eager: the loss, the optimizer, distributed
gradient hooks (they fire as autograd accumulates the replayed gradients), and every call the
graphs do not fit (another batch shape, such as an epoch's last, partial batch; evaluation; no
gradient). Dropout and stochastic depth draw fresh random numbers on each replay.

``torch.cuda.make_graphed_callables`` is not used: it hands autograd its static gradient buffers,
which a parameter's first gradient then aliases, so a second micro-batch's replay overwrites it
before it is accumulated (pytorch/pytorch#181723; fairseq accumulates with ``--update-freq``). Here
autograd receives the buffers still held by the graph, so it copies them.
"""
from __future__ import annotations

from typing import Callable, Optional

import torch
from torch import nn


class _Graphs:
    """The forward and backward graphs of ``net(x)`` for inputs like ``x``: the gradients of
    ``params`` (None for those ``net`` does not use)."""

    def __init__(self, net, params, x, warmup=3):
        self.params = params
        self.x = x.detach().clone()
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):  # warm up (kernel compilation, allocator) off the capture
            for _ in range(warmup):
                out = net(self.x)
                torch.autograd.grad(out, self.params, torch.ones_like(out), allow_unused=True)
        torch.cuda.current_stream().wait_stream(side)
        self.fwd, self.bwd = torch.cuda.CUDAGraph(), torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.fwd):
            self.out = net(self.x)
        self.dout = torch.empty_like(self.out)
        with torch.cuda.graph(self.bwd, pool=self.fwd.pool()):
            self.grads = torch.autograd.grad(self.out, self.params, self.dout, allow_unused=True)


class _Replay(torch.autograd.Function):
    @staticmethod
    def forward(ctx, graphs, x, *params):
        ctx.graphs = graphs
        graphs.x.copy_(x)
        graphs.fwd.replay()
        return graphs.out.clone()  # the next replay overwrites graphs.out

    @staticmethod
    def backward(ctx, dout):
        graphs = ctx.graphs
        graphs.dout.copy_(dout)
        graphs.bwd.replay()
        # the buffers themselves, still referenced by the graphs: autograd copies them into .grad
        return (None, None, *graphs.grads)


class GraphedNet:
    """``net``'s training calls through CUDA graphs, for one input signature (the first seen).

    ``net`` is a module, or a function of one tensor computed by ``module`` (whose parameters get
    the gradients and whose ``training`` flag says whether a call is a training call)."""

    def __init__(self, net: Callable[[torch.Tensor], torch.Tensor], module: Optional[nn.Module] = None):
        self.net, self.module, self.key, self.graphs = net, (net if module is None else module), None, None

    def _signature(self, x):
        dev = x.device.type
        return tuple(x.shape), x.dtype, torch.is_autocast_enabled(dev), torch.get_autocast_dtype(dev)

    def fits(self, x: torch.Tensor) -> bool:
        """Whether ``self(x)`` replays the graphs (capturing them on the first training call)."""
        training = x.is_cuda and self.module.training and torch.is_grad_enabled() and not x.requires_grad
        return training and (self.key is None or self._signature(x) == self.key)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.replay(x) if self.fits(x) else self.net(x)

    def replay(self, x: torch.Tensor) -> torch.Tensor:
        """``net(x)`` from the graphs, capturing them first on the first call; for ``x`` that ``fits``."""
        if self.key is None:
            self.key = self._signature(x)
            _, _, amp, amp_dtype = self.key
            print(f"[cuda graphs] capturing the network's forward and backward for inputs {tuple(x.shape)} "
                  f"{x.dtype}" + (f", autocast {amp_dtype}" if amp else ""), flush=True)
            # autocast must not cache casts across the capture (they would be freed when it exits)
            with torch.autocast("cuda", dtype=amp_dtype, enabled=amp, cache_enabled=False):
                params = tuple(p for p in self.module.parameters() if p.requires_grad)
                self.graphs = _Graphs(self.net, params, x)
        return _Replay.apply(self.graphs, x, *self.graphs.params)
