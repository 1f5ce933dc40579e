"""hgrn_lm_base training step (8 x 512 tokens, GPT-2 BPE vocabulary 50,264, tied embeddings, dropout
0.1, cross-entropy, backward, fused AdamW): eager against --cuda-graphs (the decoder's features from
CUDA graphs, the output projection and loss eager), interleaved in one process, fp32 and bf16
autocast. Wall ms per step: median of 20 synchronised steps per round, three rounds."""
import argparse, os, statistics, sys, time
sys.path.insert(0, os.getcwd())
import torch, torch.nn.functional as F
from fairseq import utils
from fairseq.data import Dictionary
from fairseq.models import ARCH_CONFIG_REGISTRY
utils.import_user_module(argparse.Namespace(user_dir=os.path.join(os.getcwd(), "fairseq_plugin")))
from fairseq_plugin.models.hgrn_lm import HgrnLanguageModel


class Task:
    def __init__(self, n):
        d = Dictionary()
        for i in range(n):
            d.add_symbol(f"w{i}")
        self.target_dictionary = self.source_dictionary = d
        self.cfg, self.args = argparse.Namespace(tokens_per_sample=512), None


def build(**over):
    args = argparse.Namespace(arch="hgrn_lm_base", **over)
    ARCH_CONFIG_REGISTRY["hgrn_lm_base"](args)
    return HgrnLanguageModel.build_model(args, Task(50260)).cuda()


B, T = int(os.environ.get("B", 8)), 512
for amp in (False, True):
    torch.manual_seed(0)
    models = {"eager": build(), "graphs": build(cuda_graphs=True)}
    models["graphs"].load_state_dict(models["eager"].state_dict())
    opts = {k: torch.optim.AdamW(m.parameters(), lr=1e-4, fused=True) for k, m in models.items()}
    tok = torch.randint(4, 50264, (B, T + 1), device="cuda")
    res = {k: [] for k in models}
    for r in range(3):
        for k, m in models.items():
            def step():
                with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
                    logits = m(tok[:, :-1])[0]
                loss = F.cross_entropy(logits.float().flatten(0, 1), tok[:, 1:].flatten())
                loss.backward(); opts[k].step(); opts[k].zero_grad(set_to_none=True)
                return loss
            for _ in range(3): step()
            torch.cuda.synchronize()
            ts, issue = [], []
            for _ in range(20):
                t = time.perf_counter(); loss = step(); t1 = time.perf_counter(); torch.cuda.synchronize()
                ts.append(time.perf_counter() - t); issue.append(t1 - t)
            res[k].append((statistics.median(ts) * 1e3, statistics.median(issue) * 1e3, loss.item()))
    for k, rs in res.items():
        print(f"B={B} amp={int(amp)} {k:6s}: ms/step " + " ".join(f"{a:.1f}" for a, _, _ in rs)
              + " | tokens/s " + " ".join(f"{B * T / a * 1e3:,.0f}" for a, _, _ in rs)
              + " | host ms to return " + " ".join(f"{b:.1f}" for _, b, _ in rs)
              + " | loss " + " ".join(f"{c:.4f}" for _, _, c in rs), flush=True)
    del models, opts
    torch.cuda.empty_cache()
