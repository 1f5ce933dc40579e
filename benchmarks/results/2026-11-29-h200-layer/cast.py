import torch, triton, triton.language as tl
from triton.testing import do_bench
@triton.jit
def _cast(p_x, p_y, n, BLOCK: tl.constexpr):
    o = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    m = o < n
    tl.store(p_y + o, tl.load(p_x + o, mask=m).to(p_y.dtype.element_ty), mask=m)
x = torch.randn(4096, 8, 1024, device="cuda")
def tri(B, w):
    y = torch.empty_like(x, dtype=torch.bfloat16)
    _cast[(triton.cdiv(x.numel(), B),)](x, y, x.numel(), BLOCK=B, num_warps=w)
    return y
assert torch.equal(tri(4096, 4), x.to(torch.bfloat16))
floor = x.numel() * 6 / 4.25e12 * 1e3
print(f"floor {floor:.3f} ms")
print(f"x.to(bf16) {do_bench(lambda: x.to(torch.bfloat16), warmup=50, rep=300):.3f} ms")
for B, w in ((1024, 4), (2048, 4), (4096, 4), (4096, 8), (8192, 8)):
    print(f"triton BLOCK={B} warps={w} {do_bench(lambda: tri(B, w), warmup=50, rep=300):.3f} ms")
xb = x.to(torch.bfloat16)
print(f"bf16.float() {do_bench(lambda: xb.float(), warmup=50, rep=300):.3f} ms")
print(f"x*1 fp32 {do_bench(lambda: x * 1, warmup=50, rep=300):.3f} ms")
