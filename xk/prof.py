import torch, hgru
from torch.profiler import profile, ProfilerActivity
for dt, shape, fn in ((torch.bfloat16, (8, 4096, 2048), hgru.real_scan),):
    x = torch.randn(shape, device="cuda").to(dt).requires_grad_()
    g = (0.5 + 0.5 * torch.rand(shape, device="cuda")).to(dt).requires_grad_()
    do = torch.randn(shape, device="cuda").to(dt)
    for _ in range(3):
        fn(x, g)[0].backward(do); x.grad = g.grad = None
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(5):
            fn(x, g)[0].backward(do); x.grad = g.grad = None
        torch.cuda.synchronize()
    print(prof.key_averages().table(sort_by="cuda_time_total", row_limit=12, max_name_column_width=60))
