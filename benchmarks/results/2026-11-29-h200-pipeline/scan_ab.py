"""Plain scans' unsplit tile loops: software pipeline stages (1 = before), and forced unsplit where
the rule takes chunks. GPU time (graph replays), best of two interleaved rounds."""
import sys, os, json
sys.path.insert(0, "benchmarks")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import real, complex as cx, common
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
bf, f32 = torch.bfloat16, torch.float32
CASES = [("real", bf, (128, 256, 1024)), ("real", bf, (256, 512, 1024)), ("real", bf, (32, 1024, 1024)),
         ("real", bf, (16, 1024, 1024)), ("real", f32, (128, 256, 1024)), ("complex", bf, (128, 256, 1024)),
         ("complex", bf, (64, 512, 1024)), ("complex", bf, (32, 1024, 1024)), ("complex", f32, (128, 256, 1024))]
VARIANTS = [(1, 0), (2, 0), (3, 0), (4, 0), (3, 1), (4, 1)]
out = []
for fam, dt, (B, T, D) in CASES:
    g = torch.Generator(device="cuda").manual_seed(0)
    es = torch.empty((), dtype=dt).element_size()
    E = B * T * D
    if fam == "real":
        x, gt = torch.randn(B, T, D, device="cuda", generator=g).to(dt), (0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=g)).to(dt)
        m, fl = real, (3 * E * es, 5 * E * es)
    else:
        x, gt = torch.randn(B, T, D, 2, device="cuda", generator=g).to(dt), (0.7 * torch.randn(B, T, D, 2, device="cuda", generator=g)).to(dt)
        m, fl = cx, (6 * E * es, 10 * E * es)
    fw = lambda: m.scan_fwd(x, gt, None, None, False)
    bwf = lambda: m.scan_bwd(gt, x, x, None, None, None, False)
    split = common.plan_chunks(fam, dt, B, T, D, torch.device("cuda"), False)[0]
    res = {}
    for rnd in range(2):
        for st, force in VARIANTS:
            if force and split == 1:
                continue
            common.SCAN_STAGES[(fam, es)] = st
            common.FORCE_SPLITS = 1 if force else None
            tf, tb = median_ms(fw, warmup=5, rep=40, graph=True), median_ms(bwf, warmup=5, rep=40, graph=True)
            common.SCAN_STAGES[(fam, es)] = 1
            common.FORCE_SPLITS = None
            k = f"S{st}" + (" unsplit" if force else "")
            p = res.get(k, (9e9, 9e9))
            res[k] = (min(p[0], tf), min(p[1], tb))
    f0, f1 = fl[0] / bw * 1e3, fl[1] / bw * 1e3
    print(f"{fam} {str(dt)[6:]} {(B, T, D)} {'chunks ' + str(split) if split > 1 else 'unsplit'}: " + " | ".join(
        f"{k} {v[0]:.4f} ({v[0] / f0:.2f}) / {v[1]:.4f} ({v[1] / f1:.2f})" for k, v in res.items()), flush=True)
    out.append({"family": fam, "dtype": str(dt)[6:], "shape": [B, T, D], "ms": res})
json.dump({"env": environment(), "copy_GBps": bw / 1e9, "rows": out}, open(os.path.join(os.environ.get("OUT", "."), "scan_ab.json"), "w"), indent=1)
