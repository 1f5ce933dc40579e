import os, sys, torch, triton
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chunk

def run(x, g, R, NW, BD, W=4, reverse=False, h0=None, MODE=0, st=None, RESCAN=True):
    B, T, D = x.shape
    L = R * NW
    ns = triton.cdiv(T, L)
    nc = B * triton.cdiv(D, BD)
    o = torch.empty_like(x)
    ht = torch.empty(B, D, device=x.device, dtype=torch.float32)
    rec = torch.empty(3, ns, B, D, device=x.device, dtype=torch.float32)
    flag = torch.zeros(ns * nc, device=x.device, dtype=torch.int32)
    chunk._fwd_chunk[(ns * nc,)](x, g, o, h0, ht, rec, flag, T, D, x.stride(0), x.stride(1), ns, ns * B * D,
                                 R=R, NW=NW, BD=BD, REVERSE=reverse, HAS_H0=h0 is not None, W=W, num_warps=NW, MODE=MODE, STAMP=st is not None, p_st=st, RESCAN=RESCAN)
    return o, ht

def ref(x, g, reverse=False, h0=None):
    x, g = x.double(), g.double()
    if reverse: x, g = x.flip(1), g.flip(1)
    h = torch.zeros(x.shape[0], x.shape[2], dtype=torch.float64, device=x.device) if h0 is None else h0.double()
    out = []
    for t in range(x.shape[1]):
        h = g[:, t] * h + x[:, t]; out.append(h)
    o = torch.stack(out, 1)
    return (o.flip(1) if reverse else o), h

if __name__ == "__main__":
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(0)
    for (B, T, D, R, NW, BD, rev, hh) in [(2, 37, 20, 2, 4, 16, False, False), (3, 64, 33, 4, 2, 16, True, True), (1, 100, 16, 2, 2, 16, False, True)]:
        x = torch.randn(B, T, D, device=dev); g = torch.rand(B, T, D, device=dev)
        h0 = torch.randn(B, D, device=dev) if hh else None
        o, ht = run(x, g, R, NW, BD, reverse=rev, h0=h0)
        ro, rh = ref(x, g, rev, h0)
        print(B, T, D, R, NW, BD, rev, hh, (o.double() - ro).abs().max().item(), (ht.double() - rh).abs().max().item())
