"""Image models' training step (forward, cross-entropy, backward, fused AdamW; batch 256, 224 px,
bf16 autocast): eager with nn.LayerNorm against GraphedNet with hgru's LayerNorm, interleaved in
one process. Wall ms per step, median of 20 synchronised steps; loss after the same 20 steps."""
import sys, os, time, statistics
sys.path.insert(0, os.getcwd())
import torch, torch.nn.functional as F
from fairseq_plugin.models.hgrn_vit import Hgrn1dVit
from fairseq_plugin.models.graphs import GraphedNet

for arch, dim in (("tiny", 192), ("small", 384)):
    torch.manual_seed(0)
    nets = {"eager": Hgrn1dVit(embed_dim=dim).cuda(), "graphs": Hgrn1dVit(embed_dim=dim, hgru_norm=True).cuda()}
    nets["graphs"].load_state_dict(nets["eager"].state_dict())
    calls = {"eager": nets["eager"], "graphs": GraphedNet(nets["graphs"])}
    opts = {k: torch.optim.AdamW(n.parameters(), lr=1e-4, fused=True) for k, n in nets.items()}
    img = torch.randn(256, 3, 224, 224, device="cuda"); y = torch.randint(0, 1000, (256,), device="cuda")
    res = {k: [] for k in nets}
    for r in range(3):
        for k in nets:
            def step():
                with torch.autocast("cuda", dtype=torch.bfloat16, enabled=os.environ.get("AMP", "1") == "1"):
                    loss = F.cross_entropy(calls[k](img), y)
                loss.backward(); opts[k].step(); opts[k].zero_grad(set_to_none=True)
                return loss
            for _ in range(3): step()
            torch.cuda.synchronize()
            ts = []
            for _ in range(20):
                t = time.perf_counter(); loss = step(); torch.cuda.synchronize(); ts.append(time.perf_counter() - t)
            res[k].append((statistics.median(ts) * 1e3, loss.item()))
    for k, rs in res.items():
        print(f"{arch} amp={os.environ.get('AMP', '1')} {k:6s}: ms/step " + " ".join(f"{a:.1f}" for a, _ in rs) + " | images/s "
              + " ".join(f"{256 / a * 1e3:.0f}" for a, _ in rs) + " | loss " + " ".join(f"{b:.4f}" for _, b in rs), flush=True)
    del nets, calls, opts
