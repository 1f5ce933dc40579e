import os, sys, math, torch, triton
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "benchmarks"))
from timing import copy_bandwidth, median_ms, environment
import hgru
from drive_chunk import run
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
CFG = {torch.bfloat16: [(8, 8, 256), (4, 8, 256), (4, 16, 256), (8, 4, 256), (4, 4, 256), (2, 16, 256), (8, 8, 128), (8, 16, 128), (16, 4, 128)],
       torch.float32: [(8, 8, 128), (4, 8, 128), (4, 16, 128), (8, 4, 128), (4, 8, 64)]}
rows = []
for dt, shape in [(torch.bfloat16, (8, 4096, 2048)), (torch.bfloat16, (4, 16384, 1024)), (torch.bfloat16, (16, 1024, 1024)),
                  (torch.bfloat16, (1, 65536, 256)), (torch.float32, (8, 4096, 2048))]:
    B, T, D = shape
    x = torch.randn(shape, device="cuda").to(dt); g = (0.5 + 0.5 * torch.rand(shape, device="cuda")).to(dt)
    floor = 3 * x.numel() * x.element_size() / bw * 1e3
    with torch.no_grad():
        ref = hgru.real_scan(x, g)[0].float()
        t_cur = median_ms(lambda: hgru.real_scan(x, g), graph=True)
        o = torch.empty_like(x)
        t_mul = median_ms(lambda: torch.mul(x, g, out=o), graph=True)
        line = f"{str(dt)[6:]} {shape} floor {floor:.4f} | current {t_cur:.4f} ({t_cur/floor:.2f}) | torch mul {t_mul:.4f} ({t_mul/floor:.2f})"
        print(line, flush=True)
        for R, NW, BD in CFG[dt]:
            errs = []
            for _ in range(3):
                oc, _h = run(x, g, R, NW, BD)
                errs.append(((oc.float() - ref).abs().max() / ref.abs().max()).item())
            t = median_ms(lambda: run(x, g, R, NW, BD), graph=True)
            print(f"   chunk R={R} NW={NW} BD={BD}: {t:.4f} ms ratio {t/floor:.2f}  max rel err x3 {max(errs):.1e}", flush=True)
