"""The image models' whole training step captured in one CUDA graph (forward, backward, fused
AdamW), PyTorch's LayerNorm ("torch") against hgru's ("ln"), interleaved in one process; and the
same steps eager. Wall ms per step: median of 20 synchronised steps (graph: replays)."""
import sys, os, time, statistics
sys.path.insert(0, os.getcwd())
import torch, torch.nn.functional as F
from torch import nn
import hgru
from fairseq_plugin.models.hgrn_vit import Hgrn1dVit

def set_variant(net, v):
    for m in net.modules():
        if isinstance(m, (hgru.Linear, nn.Linear)) and hasattr(m, "backend"):
            m.__class__ = nn.Linear
        if isinstance(m, (hgru.LayerNorm, nn.LayerNorm)) and hasattr(m, "backend"):
            m.__class__ = hgru.LayerNorm if v == "ln" else nn.LayerNorm

def wall(f, n=20):
    for _ in range(3): f()
    torch.cuda.synchronize()
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); torch.cuda.synchronize(); ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e3

for arch, dim in (("tiny", 192), ("small", 384)):
    net = Hgrn1dVit(embed_dim=dim).cuda()
    opt = torch.optim.AdamW(net.parameters(), lr=1e-4, fused=True, capturable=True)
    img = torch.randn(256, 3, 224, 224, device="cuda"); y = torch.randint(0, 1000, (256,), device="cuda")
    def fwd_bwd():
        with torch.autocast("cuda", dtype=torch.bfloat16, cache_enabled=False):
            loss = F.cross_entropy(net(img), y)
        loss.backward(); opt.step()
    def eager():
        fwd_bwd(); opt.zero_grad(set_to_none=True)
    out = {}
    for r in range(2):
        for v in ("torch", "ln"):
            set_variant(net, v)
            s = torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(s):
                for _ in range(3): eager()
            torch.cuda.current_stream().wait_stream(s)
            g = torch.cuda.CUDAGraph()
            opt.zero_grad(set_to_none=True)
            with torch.cuda.graph(g):
                fwd_bwd()
            out.setdefault(v, []).append((wall(g.replay), wall(eager)))
            del g
    for v, rs in out.items():
        print(f"vit {arch} bf16 b256 {v:6s}: graph " + " ".join(f"{a:.1f}" for a, _ in rs) + " ms | eager " + " ".join(f"{b:.1f}" for _, b in rs) + " ms", flush=True)
    del net, opt
