"""Where the host time of hgru's eager calls goes: time inside Triton's JITFunction.run, inside the
kernel wrappers (complex.hgru_fwd/bwd, norm fwd/bwd), and the rest; then one launch through Triton's
path against the cached compiled kernel's own launcher."""
import time
import torch, triton
import triton.runtime.jit as jit
import hgru
from hgru.ops import hgru_scan, norm_gate
from hgru.ops.triton import complex as cx, norm as nm

dev = "cuda"
acc = {}
def wrap(owner, name, label):
    f = getattr(owner, name)
    def g(*a, **k):
        t = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            acc[label] = acc.get(label, 0.0) + time.perf_counter() - t
            acc[label + " n"] = acc.get(label + " n", 0) + 1
    setattr(owner, name, g)

wrap(jit.JITFunction, "run", "triton run")
for n in ("hgru_fwd", "hgru_bwd"):
    wrap(cx, n, "complex." + n)
for n in dir(nm):
    if n.startswith("norm_gate_") and callable(getattr(nm, n)):
        wrap(nm, n, "norm." + n)

def measure(name, fn, n=300):
    for _ in range(30):
        fn()
    torch.cuda.synchronize()
    acc.clear()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    t1 = time.perf_counter()
    torch.cuda.synchronize()
    tot = (t1 - t0) / n * 1e6
    parts = "  ".join(f"{k} {v / n * 1e6:.1f}" if not k.endswith(" n") else f"({k} {v // n})" for k, v in sorted(acc.items()))
    print(f"{name:40s} total {tot:7.1f} us | {parts}", flush=True)

B, T, D = 2, 64, 256
bf = torch.bfloat16
c = torch.randn(B, T, 2 * D, device=dev, dtype=bf, requires_grad=True)
f = torch.randn(B, T, D, device=dev, dtype=bf, requires_grad=True)
th = torch.rand(D, device=dev, requires_grad=True)
dh = torch.randn(B, T, 2 * D, device=dev, dtype=bf)
with torch.no_grad():
    measure("hgru_scan fwd", lambda: hgru_scan(c, f, th, 0.5))
measure("hgru_scan fwd+bwd", lambda: hgru_scan(c, f, th, 0.5)[0].backward(dh))
hn = torch.randn(B * T, 2 * D, device=dev, dtype=bf, requires_grad=True)
gn = torch.randn(B * T, 2 * D, device=dev, dtype=bf, requires_grad=True)
w = torch.ones(2 * D, device=dev, requires_grad=True)
b = torch.zeros(2 * D, device=dev, requires_grad=True)
dz = torch.randn(B * T, 2 * D, device=dev, dtype=bf)
measure("norm_gate fwd+bwd", lambda: norm_gate(hn, gn, w, b).backward(dz))
layer = hgru.Hgru1d(512, causal=True).to(dev)
xl = torch.randn(T, B, 512, device=dev)
def layer_step():
    with torch.autocast("cuda", torch.bfloat16):
        y = layer(xl * 1)
    y.float().sum().backward()
measure("Hgru1d(512) step", layer_step)

# one launch: Triton's path against the compiled kernel's launcher with the same bound arguments
captured = {}
orig = jit.JITFunction.run
def cap(self, *args, grid, warmup, **kwargs):
    k = orig(self, *args, grid=grid, warmup=warmup, **kwargs)
    if self.fn.__name__ == "_fwd_kernel" and "k" not in captured:
        dev_ = triton.runtime.driver.active.get_current_device()
        binder = self.device_caches[dev_][4]
        bound, spec, opts = binder(*args, **kwargs)
        captured.update(k=k, fn=self, args=args, kwargs=kwargs, grid=grid, bound=list(bound.values()))
    return k
jit.JITFunction.run = cap
with torch.no_grad():
    hgru_scan(c, f, th, 0.5)
jit.JITFunction.run = orig
k, fn, args, kwargs, grid, bound = (captured[x] for x in ("k", "fn", "args", "kwargs", "grid", "bound"))
print("fused _fwd_kernel parameters:", len(fn.params), "bound values:", len(bound))
drv = triton.runtime.driver.active
def via_triton():
    fn[grid](*args, **kwargs)
def direct():
    dev_ = drv.get_current_device()
    stream = drv.get_current_stream(dev_)
    k.run(grid[0], grid[1], grid[2], stream, k.function, k.packed_metadata, None, None, None, *bound)
acc.clear()
measure("launch via fn[grid]", via_triton, 1000)
measure("launch via compiled.run", direct, 1000)
def streams():
    dev_ = drv.get_current_device()
    drv.get_current_stream(dev_)
measure("get_current_device + stream", streams, 1000)
