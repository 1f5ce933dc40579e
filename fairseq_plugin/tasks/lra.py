# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Long Range Arena classification for fairseq: the six tasks read by ``lra.read`` from the
official layouts, cached as .npz beside the data after the first read."""
import os
import uuid
import zipfile
from dataclasses import dataclass, field

import numpy as np
import torch
from fairseq.data import FairseqDataset, iterators
from fairseq.dataclass import FairseqDataclass
from fairseq.tasks import FairseqTask, register_task

import lra

from . import kept_iterator

VOCAB = {"tokens": len(lra.readers.LISTOPS_VOCAB), "bytes": 257, "bytes2": 257, "pixels": 0}


@dataclass
class LRAConfig(FairseqDataclass):
    data: str = field(default="", metadata={"help": "root holding the task's data in the official layout"})
    lra_task: str = field(default="listops", metadata={"help": "listops | text | retrieval | image | pathfinder | pathx"})
    image_rgb: bool = field(default=False, metadata={"help": "Image: RGB pixels with random crop + flip (the "
                                                               "official HGRN run) instead of the standard grayscale"})
    seed: int = field(default=2222, metadata={"help": "data order seed (official seed 2222)"})


class LRADataset(FairseqDataset):
    def __init__(self, data, kind, augment=False, seed=0):
        self.data, self.kind, self.augment, self.seed, self.epoch = data, kind, augment, seed, 1

    def __len__(self):
        return len(self.data.labels)

    def __getitem__(self, i):
        d = self.data
        item = {"id": i, "source": torch.from_numpy(np.asarray(d.inputs[i])), "length": int(d.lengths[i]),
                "target": int(d.labels[i])}
        if d.inputs2 is not None:
            item.update(source2=torch.from_numpy(np.asarray(d.inputs2[i])), length2=int(d.lengths2[i]))
        return item

    def num_tokens(self, i):
        return int(self.data.lengths[i])

    def size(self, i):
        return int(self.data.lengths[i])

    def set_epoch(self, epoch):
        self.epoch = epoch

    @property
    def can_reuse_epoch_itr_across_epochs(self):
        return False  # a new shuffle every epoch

    def ordered_indices(self):
        return np.random.default_rng(self.seed + self.epoch).permutation(len(self))

    def _stack(self, samples, key, length_key):
        if self.kind == "pixels":
            x = torch.stack([s[key] for s in samples])
            if self.augment:
                x = _augment(x)
            return x, None
        n = max(s[length_key] for s in samples)
        return torch.stack([s[key][:n] for s in samples]).long(), torch.tensor([s[length_key] for s in samples])

    def collater(self, samples):
        if not samples:
            return {}
        x, lengths = self._stack(samples, "source", "length")
        net = {"src_tokens": x, "src_lengths": lengths}
        if "source2" in samples[0]:
            net["src_tokens2"], net["src_lengths2"] = self._stack(samples, "source2", "length2")
        n = len(samples)
        return {"id": torch.tensor([s["id"] for s in samples]), "nsentences": n, "ntokens": n, "net_input": net,
                "target": torch.tensor([s["target"] for s in samples])}


def _augment(x):
    """Random crop (4-pixel padding) and horizontal flip of [B, 1024, 3] RGB CIFAR images."""
    b = x.shape[0]
    img = x.view(b, 32, 32, 3).permute(0, 3, 1, 2).float()
    img = torch.nn.functional.pad(img, (4, 4, 4, 4), mode="reflect")
    out = torch.empty(b, 3, 32, 32)
    for i in range(b):
        r, c = np.random.randint(0, 9, 2)
        crop = img[i, :, r:r + 32, c:c + 32]
        out[i] = crop.flip(-1) if np.random.rand() < 0.5 else crop
    return out.permute(0, 2, 3, 1).reshape(b, 1024, 3).round().to(x.dtype)


@register_task("lra", dataclass=LRAConfig)
class LRATask(FairseqTask):
    def __init__(self, cfg):
        super().__init__(cfg)
        if cfg.lra_task not in lra.TASKS:
            raise ValueError(f"unknown lra_task {cfg.lra_task!r}; choose from {sorted(lra.TASKS)}")
        _, self.kind, self.num_classes, self.max_len = lra.TASKS[cfg.lra_task]
        self.vocab_size = VOCAB[self.kind]
        self.channels = 3 if cfg.image_rgb else 1

    @classmethod
    def setup_task(cls, cfg, **kwargs):
        return cls(cfg)

    def load_dataset(self, split, epoch=1, combine=False, **kwargs):
        name = {"valid": "valid", "test": "test"}.get(split, "train")
        cache = os.path.join(self.cfg.data, ".hgrn_cache",
                             f"{self.cfg.lra_task}{'_rgb' if self.cfg.image_rgb else ''}_{name}.npz")
        data = None
        if os.path.exists(cache):
            try:
                with np.load(cache) as z:
                    data = lra.LRAData(**{k: z[k] for k in z.files})
            except (OSError, ValueError, EOFError, TypeError, zipfile.BadZipFile) as e:  # an older version's cache
                print(f"[lra] the cache {cache} cannot be read ({type(e).__name__}: {e}); reading the raw data again",
                      flush=True)
        if data is None:
            kw = {"rgb": True} if self.cfg.lra_task == "image" and self.cfg.image_rgb else {}
            data = lra.read(self.cfg.lra_task, self.cfg.data, name, **kw)
            os.makedirs(os.path.dirname(cache), exist_ok=True)
            # written aside, then renamed: the other ranks, reading it at the same moment, and a
            # later run after a crash see either no cache or a whole one
            part = f"{cache}.{uuid.uuid4().hex}.part"
            try:
                with open(part, "xb") as f:
                    np.savez(f, **{k: v for k, v in vars(data).items() if v is not None})
                os.replace(part, cache)
            finally:
                if os.path.exists(part):
                    os.remove(part)
        augment = name == "train" and self.cfg.image_rgb and self.cfg.lra_task == "image"
        self.datasets[split] = LRADataset(data, self.kind, augment, self.cfg.seed)
        print(f"[lra] {self.cfg.lra_task} {name}: {len(data.labels):,} examples, length <= {data.inputs.shape[1]}, "
              f"{self.num_classes} classes", flush=True)

    def get_batch_iterator(self, dataset, max_tokens=None, max_sentences=None, max_positions=None,
                           ignore_invalid_inputs=False, required_batch_size_multiple=1, seed=1, num_shards=1,
                           shard_id=0, num_workers=0, epoch=1, data_buffer_size=0, disable_iterator_cache=False,
                           skip_remainder_batch=False, grouped_shuffling=False, update_epoch_batch_itr=False,
                           **kwargs):
        """fairseq's batches (the examples reshuffled every epoch: ``LRADataset.ordered_indices``) from
        one iterator per split, kept across epochs with its data loader and workers (fairseq's own makes
        a new one at every epoch and validation; on 2 H200s each new loader's workers took 11-20 s to
        start: benchmarks/NOTES.md, session 20)."""
        key = (dataset, max_tokens, max_sentences, required_batch_size_multiple, seed, num_shards, shard_id,
               num_workers, data_buffer_size, skip_remainder_batch, grouped_shuffling)

        def batches(ds, _epoch):  # the epoch is the dataset's, set by the iterator's next_epoch_itr
            indices = ds.ordered_indices()
            if max_positions is not None:
                indices = self.filter_indices_by_size(indices, ds, max_positions, ignore_invalid_inputs)
            return ds.batch_by_size(indices, max_tokens=max_tokens, max_sentences=max_sentences,
                                    required_batch_size_multiple=required_batch_size_multiple)

        def make():
            dataset.set_epoch(epoch)
            return iterators.EpochBatchIterator(dataset, dataset.collater, batches, seed=seed, num_shards=num_shards,
                                                shard_id=shard_id, num_workers=num_workers, epoch=epoch,
                                                buffer_size=data_buffer_size, skip_remainder_batch=skip_remainder_batch,
                                                grouped_shuffling=grouped_shuffling, reuse_dataloader=True)
        return kept_iterator(self, key, make, not (disable_iterator_cache or update_epoch_batch_itr))

    def max_positions(self):
        return None

    @property
    def source_dictionary(self):
        return None

    @property
    def target_dictionary(self):
        return None
