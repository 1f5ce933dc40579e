"""Where the image models' training step goes: wall time, GPU kernel time, kernels by total time."""
import sys, os, time, collections
sys.path.insert(0, os.getcwd())
import torch, torch.nn.functional as F
from torch.profiler import profile, ProfilerActivity
from fairseq_plugin.models.hgrn_vit import Hgrn1dVit

batch = int(os.environ.get("BATCH", 256))
for arch, dim in (("tiny", 192), ("small", 384)):
    net = Hgrn1dVit(embed_dim=dim).cuda()
    opt = torch.optim.AdamW(net.parameters(), lr=1e-4, fused=True)
    img = torch.randn(batch, 3, 224, 224, device="cuda")
    y = torch.randint(0, 1000, (batch,), device="cuda")
    def step():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = F.cross_entropy(net(img), y)
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
    for _ in range(5): step()
    torch.cuda.synchronize()
    ts = []
    for _ in range(10):
        t = time.perf_counter(); step(); torch.cuda.synchronize(); ts.append(time.perf_counter() - t)
    wall = sorted(ts)[5] * 1e3
    # issue time: steps queued without synchronising (GPU lags), then the sync
    t = time.perf_counter()
    for _ in range(5): step()
    issue = (time.perf_counter() - t) / 5 * 1e3
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(3): step()
        torch.cuda.synchronize()
    tot, cnt = collections.Counter(), collections.Counter()
    for e in prof.events():
        if e.device_type == torch.autograd.DeviceType.CUDA:
            tot[e.name[:80]] += e.device_time_total if hasattr(e, "device_time_total") else e.cuda_time_total
            cnt[e.name[:80]] += 1
    ktot = sum(tot.values()) / 3 / 1e3
    print(f"== {arch} d={dim} batch {batch} bf16: wall {wall:.1f} ms/step, issue {issue:.1f} ms/step, kernels {ktot:.1f} ms/step, launches {sum(cnt.values())//3}")
    for name, v in tot.most_common(25):
        print(f"{v/3/1e3:8.3f} ms {cnt[name]//3:5d}x  {name}")
    del net, opt
