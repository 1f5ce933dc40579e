"""cProfile of three image-model training steps (tiny, bf16 autocast): where the host's time goes."""
import sys, os, cProfile, pstats, time
sys.path.insert(0, os.getcwd())
import torch, torch.nn.functional as F
from fairseq_plugin.models.hgrn_vit import Hgrn1dVit
net = Hgrn1dVit(embed_dim=192).cuda()
opt = torch.optim.AdamW(net.parameters(), lr=1e-4, fused=True)
img = torch.randn(256, 3, 224, 224, device="cuda"); y = torch.randint(0, 1000, (256,), device="cuda")
def step():
    with torch.autocast("cuda", dtype=torch.bfloat16):
        loss = F.cross_entropy(net(img), y)
    loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
for _ in range(5): step()
torch.cuda.synchronize()
pr = cProfile.Profile(); pr.enable()
for _ in range(3): step()
torch.cuda.synchronize()
pr.disable()
pstats.Stats(pr).sort_stats("tottime").print_stats(22)
