# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Plot achieved bandwidth against sequence length from ``bench_scan.py --sweep-t --json`` output.

    python benchmarks/plot_bandwidth.py runs/sweep_t.json --out benchmarks/bandwidth_h200.png

Achieved bandwidth = the bytes the op must move (its floor's byte count) / measured time, so the
copy bandwidth line is the ceiling. ``--peers`` adds the real-scan peers measured on an H200 in
the project's reference notes (perf_anchors.md: bf16, D = 2048 or 1024, 8 x 4096 and 4 x 16384
tokens), plotted at their sequence lengths.
"""
import argparse
import json

# (name, T, forward ms, forward+backward ms) for 402,653,184 forward bytes (3 x 67.1M bf16
# elements) and 1,073,741,824 forward+backward bytes; perf_anchors.md, H200, 2026-11-28.
PEERS = [("fla chunk_hgrn", 4096, 0.501, 1.276), ("fla chunk_hgrn", 16384, 0.668, 1.639),
         ("accelerated-scan (time-contiguous)", 4096, 0.111, 0.411), ("accelerated-scan (time-contiguous)", 16384, 0.114, 0.426),
         ("fla fused_recurrent_hgrn", 4096, 1.829, 4.069), ("fla fused_recurrent_hgrn", 16384, 7.020, 14.835)]
PEER_BYTES = (402653184, 1073741824)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sweep", help="JSON written by bench_scan.py --sweep-t --json")
    ap.add_argument("--out", required=True)
    ap.add_argument("--peers", action="store_true", help="add the real-scan peers of perf_anchors.md")
    args = ap.parse_args()
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    data = json.load(open(args.sweep))
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.2), sharey=True)
    for ax, (key, t_key, b_key) in zip(axes, (("forward", "_t_fwd", "_bytes_fwd"), ("forward + backward", "_t_all", "_bytes_all"))):
        for i, op in enumerate(("real", "complex", "hgru")):
            rows = [r for r in data["rows"] if r["op"] == op]
            T = [int(r["B,T,D"].split(",")[1]) for r in rows]
            label = "fused HGRU (ours)" if op == "hgru" else f"{op} scan (ours)"
            ax.plot(T, [r[b_key] / r[t_key] / 1e6 for r in rows], "o-", color=f"C{i}", label=label)
        if args.peers:
            for j, name in enumerate(dict.fromkeys(p[0] for p in PEERS)):
                pts = [(T, PEER_BYTES[0] / f / 1e6 if key == "forward" else PEER_BYTES[1] / fb / 1e6)
                       for n, T, f, fb in PEERS if n == name]
                ax.plot(*zip(*pts), "s:", color=f"C{j + 3}", label=f"{name} (real, peer)")
        ax.axhline(data["copy_GBps"], color="k", ls="--", lw=1, label=f"copy {data['copy_GBps']:.0f} GB/s")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("sequence length T (B x T = 32768 tokens, D = 1024, bf16)")
        ax.set_title(key)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("achieved GB/s (floor bytes / time)")
    axes[1].legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))  # beside the plots, not over them
    fig.suptitle(data["env"], fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"[plot_bandwidth] wrote {args.out}")


if __name__ == "__main__":
    main()
