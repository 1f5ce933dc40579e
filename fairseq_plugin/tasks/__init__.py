# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.


def kept_iterator(task, key, make, cache=True):
    """The batch iterator ``task`` keeps under ``key`` in fairseq's ``dataset_to_epoch_iter``, made by
    ``make()`` the first time, so that it and its data loader serve every epoch (without ``cache``, a
    new one each call)."""
    if not cache:
        return make()
    if key not in task.dataset_to_epoch_iter:
        task.dataset_to_epoch_iter[key] = make()
    return task.dataset_to_epoch_iter[key]


from . import image_classification, lra  # noqa: E402, F401
