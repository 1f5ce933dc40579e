"""bench_layer.py with Hgru1d's output gating composed from PyTorch ops as before (the baseline)."""
import sys
sys.path.insert(0, "benchmarks")
import hgru, bench_layer
hgru.Hgru1d._out = lambda self, x, h: self.out_proj(self.norm(h) * self.act(self.gate(x)))
bench_layer.main()
