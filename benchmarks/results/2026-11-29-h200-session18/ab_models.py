"""In one process, interleaved: the image models' training step and the Hgru1d LM layer with
PyTorch's nn.Linear / nn.LayerNorm (variant "torch") against hgru's LayerNorm ("ln") and hgru's
LayerNorm + Linear ("ln+bias"): wall ms per step (median of 15, synchronised), kernel ms per step."""
import sys, os, time, statistics
sys.path.insert(0, os.getcwd())
import torch, torch.nn.functional as F
from torch import nn
from torch.profiler import profile, ProfilerActivity
import hgru
from fairseq_plugin.models.hgrn_vit import Hgrn1dVit

def set_variant(net, v):
    for m in net.modules():
        if isinstance(m, (hgru.Linear, nn.Linear)) and hasattr(m, "backend"):
            m.__class__ = hgru.Linear if v == "ln+bias" else nn.Linear
        if isinstance(m, (hgru.LayerNorm, nn.LayerNorm)) and hasattr(m, "backend"):
            m.__class__ = hgru.LayerNorm if v in ("ln", "ln+bias") else nn.LayerNorm

def measure(step):
    for _ in range(3): step()
    torch.cuda.synchronize()
    ts = []
    for _ in range(15):
        t = time.perf_counter(); step(); torch.cuda.synchronize(); ts.append(time.perf_counter() - t)
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        step(); torch.cuda.synchronize()
    k = sum(e.device_time_total for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA) / 1e3
    return statistics.median(ts) * 1e3, k

VARIANTS = ("torch", "ln", "ln+bias")
for arch, dim in (("tiny", 192), ("small", 384)):
    net = Hgrn1dVit(embed_dim=dim).cuda()
    opt = torch.optim.AdamW(net.parameters(), lr=1e-4, fused=True)
    img = torch.randn(256, 3, 224, 224, device="cuda"); y = torch.randint(0, 1000, (256,), device="cuda")
    def step():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = F.cross_entropy(net(img), y)
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
    res = {v: [] for v in VARIANTS}
    for r in range(3):
        for v in VARIANTS:
            set_variant(net, v); res[v].append(measure(step))
    for v in VARIANTS:
        print(f"vit {arch} bf16 b256 {v:8s}: wall " + " ".join(f"{w:.1f}" for w, _ in res[v]) + f" ms | kernels {res[v][0][1]:.1f} ms", flush=True)
    del net, opt
layer = hgru.Hgru1d(1024).cuda()
x0 = torch.randn(4096, 8, 1024, device="cuda", requires_grad=True)
def lstep():
    x = x0.view_as(x0)
    with torch.autocast("cuda", dtype=torch.bfloat16):
        out = layer(x)
    out.float().sum().backward()
res = {v: [] for v in ("torch", "ln+bias")}
for r in range(3):
    for v in res:
        set_variant(layer, v); res[v].append(measure(lstep))
for v in res:
    print(f"Hgru1d n4096 b8 d1024 bf16 {v:8s}: wall " + " ".join(f"{w:.2f}" for w, _ in res[v]) + f" ms | kernels {res[v][0][1]:.2f} ms", flush=True)
