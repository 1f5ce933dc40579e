# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Image classification for fairseq: ImageFolder (ImageNet-1k layout) or CIFAR-10 python batches,
with timm's DeiT data pipeline: RandAugment, mixup / cutmix with label smoothing, random erasing,
and repeated augmentation through timm's RepeatAugSampler across data-parallel ranks.

One sample counts as one "token", so fairseq's ``wps`` is images per second.
"""
import gc
import os
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import torch
from fairseq.data import FairseqDataset, iterators
from fairseq.dataclass import FairseqDataclass
from fairseq.tasks import FairseqTask, register_task

from . import kept_iterator

LAYOUT = ("{root}/train/<class>/<image> and {root}/val/<class>/<image> (torchvision ImageFolder, as ImageNet-1k "
          "is usually unpacked), or {root}/cifar-10-batches-py/ with dataset_format=cifar10")


@dataclass
class ImageClassificationConfig(FairseqDataclass):
    data: str = field(default="", metadata={"help": "dataset root"})
    dataset_format: str = field(default="imagefolder", metadata={"help": "imagefolder | cifar10"})
    img_size: int = field(default=224, metadata={"help": "input side after cropping"})
    train_subset_dir: str = field(default="train", metadata={"help": "ImageFolder training folder"})
    valid_subset_dir: str = field(default="val", metadata={"help": "ImageFolder validation folder"})
    auto_augment: Optional[str] = field(default="rand-m9-mstd0.5-inc1", metadata={"help": "timm policy; none"})
    color_jitter: float = field(default=0.3, metadata={"help": "DeiT default (unused when auto_augment is set)"})
    reprob: float = field(default=0.25, metadata={"help": "random erasing probability"})
    mixup: float = field(default=0.8, metadata={"help": "mixup alpha (0 disables)"})
    cutmix: float = field(default=1.0, metadata={"help": "cutmix alpha (0 disables)"})
    smoothing: float = field(default=0.1, metadata={"help": "label smoothing"})
    no_repeated_aug: bool = field(default=False, metadata={"help": "disable timm's RepeatAugSampler (3 repeats)"})
    interpolation: str = field(default="bicubic", metadata={"help": "resize interpolation"})
    crop_pct: float = field(default=0.875, metadata={"help": "evaluation centre-crop fraction"})


class ImageDataset(FairseqDataset):
    """Wraps a torchvision dataset; the collater stacks images and applies timm's Mixup in training."""

    def __init__(self, base, mixup=None):
        self.base, self.mixup = base, mixup

    def __getitem__(self, i):
        img, target = self.base[i]
        return {"id": i, "image": img, "target": target}

    def __len__(self):
        return len(self.base)

    def num_tokens(self, index):
        return 1

    def size(self, index):
        return 1

    def ordered_indices(self):
        return np.arange(len(self))

    def collater(self, samples):
        if not samples:
            return {}
        image = torch.stack([s["image"] for s in samples])
        target = torch.tensor([s["target"] for s in samples])
        if self.mixup is not None:
            image, target = self.mixup(image, target)  # soft targets [B, classes]
        return {"id": torch.tensor([s["id"] for s in samples]), "nsentences": len(samples), "ntokens": len(samples),
                "net_input": {"image": image}, "target": target}


@register_task("image_classification", dataclass=ImageClassificationConfig)
class ImageClassificationTask(FairseqTask):
    def __init__(self, cfg: ImageClassificationConfig, classes, in_chans=3):
        super().__init__(cfg)
        self.classes, self.num_classes, self.in_chans = classes, len(classes), in_chans

    @classmethod
    def setup_task(cls, cfg, **kwargs):
        classes = cls.check_layout(cfg)
        print(f"[image_classification] {cfg.dataset_format} at {cfg.data}: {len(classes)} classes, "
              f"{cfg.img_size}px", flush=True)
        return cls(cfg, classes)

    @staticmethod
    def check_layout(cfg):
        root = cfg.data
        prepare = "python scripts/prepare_image_data.py --dataset <imagenet|cifar10|demo> --data-dir <dir>"
        if cfg.dataset_format == "cifar10":
            d = os.path.join(root, "cifar-10-batches-py")
            missing = [f for f in ["batches.meta", "test_batch"] + [f"data_batch_{i}" for i in range(1, 6)]
                       if not os.path.exists(os.path.join(d, f))]
            if missing:
                raise FileNotFoundError(f"CIFAR-10 python batches missing in {d}: {missing}. Expected layout: "
                                        f"{LAYOUT.format(root=root)}. Prepare it with: {prepare}")
            return ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
        if cfg.dataset_format != "imagefolder":
            raise ValueError(f"dataset_format must be imagefolder or cifar10, got {cfg.dataset_format!r}")
        found = {}
        for sub in (cfg.train_subset_dir, cfg.valid_subset_dir):
            d = os.path.join(root, sub)
            classes = sorted(e.name for e in os.scandir(d) if e.is_dir()) if os.path.isdir(d) else []
            if not classes:
                raise FileNotFoundError(f"no class folders in {d}. Expected layout: {LAYOUT.format(root=root)}. "
                                        f"Prepare it with: {prepare}")
            empty = [c for c in classes if not any(True for _ in os.scandir(os.path.join(d, c)))]
            if empty:
                raise ValueError(f"{d}: empty class folders {empty[:5]}{'...' if len(empty) > 5 else ''}")
            found[sub] = classes
        if found[cfg.train_subset_dir] != found[cfg.valid_subset_dir]:
            diff = set(found[cfg.train_subset_dir]) ^ set(found[cfg.valid_subset_dir])
            raise ValueError(f"train and val class folders differ in {root}: {sorted(diff)[:10]}")
        return found[cfg.train_subset_dir]

    def transform(self, train: bool):
        from timm.data import create_transform
        if train:
            return create_transform(self.cfg.img_size, is_training=True, color_jitter=self.cfg.color_jitter,
                                    auto_augment=None if self.cfg.auto_augment in (None, "none") else self.cfg.auto_augment,
                                    interpolation=self.cfg.interpolation, re_prob=self.cfg.reprob, re_mode="pixel",
                                    re_count=1)
        return create_transform(self.cfg.img_size, is_training=False, interpolation=self.cfg.interpolation,
                                crop_pct=self.cfg.crop_pct)

    def load_dataset(self, split, epoch=1, combine=False, **kwargs):
        import torchvision
        train = split == "train"
        tf = self.transform(train)
        if self.cfg.dataset_format == "cifar10":
            base = torchvision.datasets.CIFAR10(self.cfg.data, train=train, transform=tf, download=False)
        else:
            sub = self.cfg.train_subset_dir if train else self.cfg.valid_subset_dir
            base = torchvision.datasets.ImageFolder(os.path.join(self.cfg.data, sub), transform=tf)
        mixup = None
        if train and (self.cfg.mixup > 0 or self.cfg.cutmix > 0):
            from timm.data import Mixup
            mixup = Mixup(mixup_alpha=self.cfg.mixup, cutmix_alpha=self.cfg.cutmix, label_smoothing=self.cfg.smoothing,
                          num_classes=self.num_classes)
        self.datasets[split] = ImageDataset(base, mixup)
        print(f"[image_classification] {split}: {len(base):,} images", flush=True)

    def get_batch_iterator(self, dataset, max_tokens=None, max_sentences=None, max_positions=None,
                           ignore_invalid_inputs=False, required_batch_size_multiple=1, seed=1, num_shards=1,
                           shard_id=0, num_workers=0, epoch=1, data_buffer_size=0, disable_iterator_cache=False,
                           **kwargs):
        """Fixed-size batches per rank. Training uses timm's RepeatAugSampler (each image three times per
        epoch, its copies on different ranks) and drops the last partial batch (mixup needs even batches).

        One iterator per split, kept across epochs with its data loader and workers: fairseq asks for
        the iterators again at every epoch and validation, and a new loader starts new workers. In the
        processes of fairseq's multi-GPU launch (``torch.multiprocessing.spawn``) workers are spawned,
        not forked, and import fairseq again: 7-9 s per loader on 2 H200s, at every epoch and validation."""
        if not max_sentences:
            raise ValueError("image classification needs --batch-size (images per GPU and step)")
        key = (dataset, max_sentences, seed, num_shards, shard_id, num_workers, data_buffer_size)
        return kept_iterator(self, key, lambda: self._batch_iterator(*key, epoch), not disable_iterator_cache)

    def _batch_iterator(self, dataset, max_sentences, seed, num_shards, shard_id, num_workers, data_buffer_size,
                        epoch):
        train = dataset is self.datasets.get("train")
        workers = num_workers  # fairseq's --num-workers
        if train:
            def batches(_dataset, ep):
                if not self.cfg.no_repeated_aug:
                    from timm.data.distributed_sampler import RepeatAugSampler
                    # each GPU's epoch: (images // 256 * 256) / GPUs images as in DeiT, or (images / GPUs)
                    # below 256 images (timm 1.0.31's rule, set here: timm 1.0.30 and before gave 0 there)
                    sampler = RepeatAugSampler(dataset, num_replicas=num_shards, rank=shard_id, shuffle=True,
                                               num_repeats=3, selected_round=256 if len(dataset) >= 256 else 0)
                else:
                    sampler = torch.utils.data.DistributedSampler(dataset, num_shards, shard_id, shuffle=True,
                                                                  seed=seed)
                sampler.set_epoch(ep)
                idx = list(sampler)
                n = len(idx) // max_sentences * max_sentences
                if n == 0:  # fairseq would run epochs of no updates without a word
                    raise ValueError(
                        f"the training set gives this GPU {len(idx)} images per epoch, not one batch of "
                        f"{max_sentences} ({len(dataset)} images, {num_shards} GPUs): use more images or a smaller "
                        f"--batch-size")
                return [idx[i:i + max_sentences] for i in range(0, n, max_sentences)]
            return iterators.EpochBatchIterator(dataset, dataset.collater, batches, seed=seed, num_shards=1, shard_id=0,
                                                num_workers=workers, epoch=epoch, buffer_size=data_buffer_size,
                                                reuse_dataloader=True)
        idx = np.arange(len(dataset))
        batch_list = [idx[i:i + max_sentences].tolist() for i in range(0, len(idx), max_sentences)]
        return iterators.EpochBatchIterator(dataset, dataset.collater, batch_list, seed=seed, num_shards=num_shards,
                                            shard_id=shard_id, num_workers=workers, epoch=epoch,
                                            buffer_size=data_buffer_size, reuse_dataloader=True)

    def begin_valid_epoch(self, epoch, model):
        """Collect garbage before the validation loader starts its workers (at the first validation: the
        loaders are kept). One ``--cuda-graphs``
        run on an H200 printed eight "can only test a child process" tracebacks at validation (a
        worker finalising a data-loader iterator copied from the parent; harmless, same losses);
        the next such run, with this collection, printed none. The reading: that iterator waits
        in a reference cycle, and steps replayed from graphs allocate so few Python objects that
        the automatic collector had not run before the fork."""
        gc.collect()

    def max_positions(self):
        return None

    @property
    def source_dictionary(self):
        return None

    @property
    def target_dictionary(self):
        return None
