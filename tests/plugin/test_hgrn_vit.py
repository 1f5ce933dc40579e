# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The image model and the image-classification task: sizes, names, patches, data checks, augmentation."""
import argparse
import os

import pytest
import torch
from cases import check_iterator_kept_across_epochs, train_against_eager

pytest.importorskip("fairseq")
pytest.importorskip("timm")
from fairseq import utils  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
utils.import_user_module(argparse.Namespace(user_dir=os.path.join(ROOT, "fairseq_plugin")))
from fairseq_plugin.models.hgrn_vit import Hgrn1dVit  # noqa: E402
from fairseq_plugin.tasks.image_classification import ImageClassificationConfig, ImageClassificationTask  # noqa: E402


@pytest.mark.parametrize("d,millions", [(192, 6.1), (384, 23.7)], ids=["tiny", "small"])
def test_parameter_counts_match_the_paper(d, millions):
    model = Hgrn1dVit(224, 14, 3, 1000, d, 12)
    assert round(sum(p.numel() for p in model.parameters()) / 1e6, 1) == millions
    keys = set(model.state_dict())
    for k in ["to_patch_embedding.1.weight", "layers.11.token_mixer.theta_forward", "layers.0.token_mixer.theta_reverse",
              "layers.0.feature_mixer.l1.weight", "layers.0.token_norm.weight", "head.1.weight", "lower_bounds"]:
        assert k in keys, k


def test_forward_shapes_and_patch_order():
    einops = pytest.importorskip("einops")
    torch.manual_seed(0)
    model = Hgrn1dVit(28, 7, 3, 10, 16, 2)
    img = torch.randn(2, 3, 28, 28)
    assert model(img).shape == (2, 10)
    official = einops.rearrange(img, "b c (h p1) (w p2) -> b (h w) (p1 p2 c)", p1=7, p2=7)
    assert torch.equal(model.patches(img), official)


def test_stochastic_depth_is_wired():
    torch.manual_seed(0)
    model = Hgrn1dVit(16, 4, 3, 5, 16, 4, drop_path_rate=0.5)
    img = torch.randn(4, 3, 16, 16)
    model.train()
    assert not torch.allclose(model(img), model(img))
    model.eval()
    assert torch.equal(model(img), model(img))
    assert Hgrn1dVit(16, 4, 3, 5, 16, 4).layers[3].drop_path.__class__.__name__ == "Identity"  # official default


def test_bad_image_sizes():
    with pytest.raises(ValueError, match="multiple of the patch size"):
        Hgrn1dVit(30, 7)
    with pytest.raises(ValueError, match="expected 28x28 images"):
        Hgrn1dVit(28, 7, 3, 10, 16, 1)(torch.randn(1, 3, 32, 32))


def make_folder(root, splits=("train", "val"), classes=("a", "b"), n=6, size=20):
    from PIL import Image
    import numpy as np
    rng = np.random.default_rng(0)
    for s in splits:
        for c in classes:
            os.makedirs(os.path.join(root, s, c), exist_ok=True)
            for i in range(n):
                Image.fromarray(rng.integers(0, 255, (size, size, 3), dtype=np.uint8)).save(
                    os.path.join(root, s, c, f"{i}.png"))


def task_for(root, **kw):
    cfg = ImageClassificationConfig(data=str(root), img_size=16, **kw)
    return ImageClassificationTask.setup_task(cfg)


def test_layout_errors_say_what_is_expected(tmp_path):
    with pytest.raises(FileNotFoundError, match="Expected layout.*prepare_image_data.py"):
        task_for(tmp_path / "missing")
    make_folder(tmp_path / "ok")
    os.makedirs(tmp_path / "ok" / "val" / "c")
    with pytest.raises(ValueError, match="empty class folders"):
        task_for(tmp_path / "ok")
    make_folder(tmp_path / "diff", splits=("train",), classes=("a", "b"))
    make_folder(tmp_path / "diff", splits=("val",), classes=("a", "z"))
    with pytest.raises(ValueError, match="class folders differ"):
        task_for(tmp_path / "diff")
    with pytest.raises(FileNotFoundError, match="CIFAR-10 python batches missing"):
        task_for(tmp_path, dataset_format="cifar10")


def test_augmentation_pipeline_and_repeated_augmentation(tmp_path):
    make_folder(tmp_path, n=40)
    task = task_for(tmp_path)
    task.load_dataset("train")
    task.load_dataset("valid")
    train = task.datasets["train"]
    batch = train.collater([train[i] for i in range(8)])
    assert batch["net_input"]["image"].shape == (8, 3, 16, 16)
    target = batch["target"]
    assert target.shape == (8, 2) and torch.allclose(target.sum(-1), torch.ones(8))  # mixup soft targets
    assert target.min() >= 0.1 / 2 - 1e-6  # label smoothing 0.1 over 2 classes
    val = task.datasets["valid"]
    assert val.collater([val[0], val[1]])["target"].dtype == torch.long
    seen = []
    for rank in range(2):
        itr = task.get_batch_iterator(train, max_sentences=4, num_shards=2, shard_id=rank, epoch=1)
        for b in itr.next_epoch_itr(shuffle=True):
            seen += b["id"].tolist()
    counts = torch.bincount(torch.tensor(seen), minlength=80)
    assert counts.max() == 3 and (counts == 3).sum() >= 20  # each selected image three times, across ranks


def test_too_few_images_for_one_batch(tmp_path):
    """An epoch without a single batch is an error, not a run of empty epochs."""
    make_folder(tmp_path, n=1)
    task = task_for(tmp_path)
    task.load_dataset("train")
    with pytest.raises(ValueError, match="2 images, 2 GPUs.*--batch-size"):
        itr = task.get_batch_iterator(task.datasets["train"], max_sentences=4, num_shards=2, shard_id=0, epoch=1)
        list(itr.next_epoch_itr(shuffle=True))


def test_batch_iterators_are_kept_across_epochs(tmp_path):
    """One iterator per split and shard, kept with its data loader; each epoch's batches those a new
    iterator would give."""
    make_folder(tmp_path, n=40)
    task = task_for(tmp_path)
    task.load_dataset("train")
    train = task.datasets["train"]
    args = dict(max_sentences=4, num_shards=2, shard_id=1, num_workers=1, seed=3)
    fresh = lambda epoch: task.get_batch_iterator(train, epoch=epoch, disable_iterator_cache=True, **args)  # noqa: E731
    itr = check_iterator_kept_across_epochs(task, train, fresh, **args)
    assert task.get_batch_iterator(train, epoch=1, **dict(args, shard_id=0)) is not itr


@pytest.mark.parametrize("summed", [False, True], ids=["one-process", "all-reduced"])
def test_accuracy_from_logging_outputs(summed):
    """Top-1 / top-5 from the criterion's logging outputs: Python numbers in one process; tensors
    after fairseq sums them across processes (its fast stat sync), which once broke every run on
    several GPUs at the first log line."""
    from fairseq.logging import metrics
    from fairseq_plugin.criterions.classification import ClassificationCriterion
    logs = [{"loss": torch.tensor(8.0), "sample_size": 8, "correct1": 5, "correct5": 7},
            {"loss": torch.tensor(4.0), "sample_size": 4, "correct1": 1, "correct5": 4}]
    if summed:
        logs = [{k: torch.tensor(sum(float(log[k]) for log in logs)) for k in logs[0]}]
    with metrics.aggregate() as agg:
        ClassificationCriterion.reduce_metrics(logs)
    got = agg.get_smoothed_values()
    assert got["acc1"] == 50.0 and got["acc5"] == round(100 * 11 / 12, 3) and abs(got["loss"] - 1.0) < 1e-6


def _graph_pair(device):
    from fairseq_plugin.models.graphs import GraphedNet
    torch.manual_seed(0)
    net = Hgrn1dVit(16, 4, 3, 5, 32, 2, hgru_norm=True).to(device)
    ref = Hgrn1dVit(16, 4, 3, 5, 32, 2).to(device)
    ref.load_state_dict(net.state_dict())  # hgru's LayerNorm keeps nn.LayerNorm's state dict
    return GraphedNet(net), net, ref


def test_graphed_net_runs_eagerly_where_no_graph_fits():
    """On CPU tensors, in evaluation and without gradients the wrapper is the network itself."""
    graphed, net, ref = _graph_pair("cpu")
    img = torch.randn(3, 3, 16, 16)
    assert torch.allclose(graphed(img), ref(img), atol=1e-5)
    net.eval()
    with torch.no_grad():
        graphed(img)
    assert graphed.key is None


def _train_against_eager(model, net, ref, amp, device="cuda"):
    """``cases.train_against_eager`` on random 16 x 16 images of 5 classes."""
    def batch(gen):
        return (torch.randn(6, 3, 16, 16, device=device, generator=gen),
                torch.randint(0, 5, (6,), device=device, generator=gen))
    return train_against_eager(model, net, ref, batch, lambda f, b: torch.nn.functional.cross_entropy(f(b[0]), b[1]),
                               amp, 0.1, device)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA graphs need a GPU")
@pytest.mark.parametrize("amp", [False, True], ids=["fp32", "bf16-autocast"])
def test_graphed_training_steps_match_eager(amp):
    """Replayed graphs give the eager network's losses and gradients over accumulated micro-batches
    (torch's make_graphed_callables would return the second micro-batch's gradient twice:
    pytorch/pytorch#181723); a batch of another shape runs eagerly."""
    graphed, net, ref = _graph_pair("cuda")
    tol = _train_against_eager(graphed, net, ref, amp)
    assert graphed.key is not None
    odd = torch.randn(5, 3, 16, 16, device="cuda")  # another batch shape: eager
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
        assert torch.allclose(graphed(odd).float(), ref(odd).float(), atol=tol, rtol=tol)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA graphs need a GPU")
def test_graphed_training_steps_under_ddp(tmp_path):
    """The model as fairseq trains it on several GPUs: inside DistributedDataParallel (one process
    here), whose reducer holds every parameter's gradient accumulator, made on the default stream, from
    its construction on. The capture must not feed those (pytest.ini turns PyTorch's stream-mismatch
    warning into an error), and the gradients must still reach DDP's hooks."""
    import torch.distributed as dist
    from fairseq_plugin.models.hgrn_vit import HgrnViTModel
    dist.init_process_group("nccl", init_method=f"file://{tmp_path}/rendezvous", rank=0, world_size=1)
    try:
        _, net, ref = _graph_pair("cuda")
        model = HgrnViTModel(net, cuda_graphs=True)
        ddp = torch.nn.parallel.DistributedDataParallel(model, device_ids=[torch.cuda.current_device()])
        _train_against_eager(ddp, net, ref, amp=True)
        assert model.graphed.key is not None
    finally:
        dist.destroy_process_group()
