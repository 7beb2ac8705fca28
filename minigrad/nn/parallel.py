"""`DistributedDataParallel` (DDP): one replica of the model per rank, each on its own shard of the batch.

    dist.init_process_group("mpi")
    model = DistributedDataParallel(model)     # rank 0's parameters and buffers are broadcast to all
    loss_fn(model(x_shard), y_shard).backward()  # gradients come back averaged over the ranks
    opt.step()                                   # every rank applies the same update

The gradient exchange rides on backward, as in PyTorch. Parameters are packed, in reverse order (the
order backward produces their gradients), into buckets of about `bucket_cap_mb` MB. A hook fires once
a parameter's gradient is complete (after its last use in the graph); when a bucket is, its gradients
are copied into one flat buffer and a non-blocking sum over ranks starts — one collective per bucket,
not one per parameter — while backward goes on with the earlier layers. Buckets start strictly in
order, so every rank issues the same collectives in the same order. When backward ends, every bucket
is waited for, divided by the world size and copied back into `.grad`:

    grad_p = (1/N) sum_r grad_p(rank r)

so N ranks on shards of B/N samples each, with a mean loss, give the gradient of the mean loss over all
B samples (equal shards). A parameter that got no gradient on a rank (unused in its forward) counts as
zero there; one that got none on any rank keeps `.grad` None, as in a single process, so optimizers skip
it. As in PyTorch, the forward pass decides: the backward of an output computed inside `no_sync()`
exchanges nothing (gradients accumulate locally), and the next synchronised backward exchanges the
accumulated sum.
"""

import contextlib

import numpy as np

from .. import distributed as dist
from ..autograd import engine
from ..autograd.grad_mode import is_grad_enabled, no_grad
from ..tensor import Tensor
from .module import Module


class _Bucket:
    """Parameters whose gradients travel together in one flat host buffer: their gradients back to
    back, then one slot per parameter holding 1 where this rank has its gradient (summed over ranks: 0
    means no rank used it)."""

    def __init__(self, params):
        self.params = params
        self.offsets = np.cumsum([0] + [p.numel() for p in params])
        self.flat = np.empty(int(self.offsets[-1]) + len(params), dtype=params[0].dtype)
        self.used = self.flat[int(self.offsets[-1]):]
        self.ready = 0
        self.request = None


class DistributedDataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, broadcast_buffers=True,
                 bucket_cap_mb=25, find_unused_parameters=False):
        super().__init__()
        if not dist.is_initialized():
            raise RuntimeError("DistributedDataParallel needs a process group: call "
                               "minigrad.distributed.init_process_group('mpi') first, under `mpiexec -n N`")
        self.module = module
        self.broadcast_buffers = broadcast_buffers
        self._group = dist._current()
        self._sync = True  # False inside no_sync()
        self._sync_backward = False  # whether the backward of the last forward exchanges gradients
        params = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
        self._check_same_model(params)
        with no_grad():
            for t in [p for _, p in params] + list(module.buffers()):
                dist.broadcast(t, src=0)
        self._buckets = _buckets([p for _, p in params][::-1], bucket_cap_mb * 2**20)
        self._bucket_of = {p: b for b in self._buckets for p in b.params}
        self._queued = False
        for p in self._bucket_of:
            p.register_post_accumulate_grad_hook(self._grad_ready)

    def _check_same_model(self, params):
        """Every rank must hold the same parameters (names, shapes, dtypes), or buckets would not match."""
        mine = [(n, tuple(p.shape), str(p.dtype)) for n, p in params]
        for rank, theirs in enumerate(self._group.all_gather_object(mine)):
            if theirs != mine:
                diff = next((a, b) for a, b in zip(mine + [None], theirs + [None]) if a != b)
                raise RuntimeError(f"DistributedDataParallel: rank {rank}'s model differs from rank "
                                   f"{self._group.rank}'s: {diff[1]} there vs {diff[0]} here (name, shape, dtype); "
                                   "every rank must build the same model")

    def forward(self, *args, **kwargs):
        if self.broadcast_buffers and self.training:
            with no_grad():
                for b in self.module.buffers():  # e.g. BatchNorm's running statistics: rank 0's win
                    dist.broadcast(b, src=0)
        self._sync_backward = self._sync and is_grad_enabled()
        return self.module(*args, **kwargs)

    @contextlib.contextmanager
    def no_sync(self):
        """The backward of outputs computed inside exchanges nothing: gradients accumulate locally, and
        the first synchronised backward after it exchanges their sum."""
        previous, self._sync = self._sync, False
        try:
            yield
        finally:
            self._sync = previous

    # ------------------------------------------------------------ during backward
    def _grad_ready(self, p):
        if not self._sync_backward:
            return
        if not self._queued:
            self._queued = True
            self._next = 0
            engine.queue_callback(self._finish)
        self._bucket_of[p].ready += 1
        self._launch_ready()

    def _launch_ready(self, all_of_them=False):
        """Start the next buckets in order while they are complete (or all, at the end of backward)."""
        while self._next < len(self._buckets):
            bucket = self._buckets[self._next]
            if not all_of_them and bucket.ready < len(bucket.params):
                return
            for i, (p, start, end) in enumerate(zip(bucket.params, bucket.offsets, bucket.offsets[1:])):
                # a parameter that got no gradient in this backward (unused on this rank) counts as zero
                grad = 0 if p.grad is None else p.grad.device.backend.to_host(p.grad._data).reshape(-1)
                bucket.flat[start:end] = grad
                bucket.used[i] = p.grad is not None
            bucket.request = self._group.start_all_reduce(bucket.flat)
            self._next += 1

    def _finish(self):
        self._launch_ready(all_of_them=True)
        self._group.wait([b.request for b in self._buckets], f"DistributedDataParallel's gradient exchange "
                         f"({len(self._buckets)} buckets)")
        for bucket in self._buckets:
            for p, start, end, used in zip(bucket.params, bucket.offsets, bucket.offsets[1:], bucket.used):
                if not used:
                    continue  # no rank computed a gradient: .grad stays None, as in one process
                mean = bucket.flat[start:end].reshape(p.shape)
                if p.grad is not None and p.device.type == "cpu":
                    np.divide(mean, self._group.size, out=p.grad._data)  # average and copy back in one pass
                    continue
                mean = p.device.backend.to_device(mean / self._group.size)
                if p.grad is None:
                    p.grad = Tensor._make(mean, p.device, False, None)
                else:
                    p.grad._data[...] = mean
            bucket.ready, bucket.request = 0, None
        self._queued = self._sync_backward = False


def _buckets(params, cap_bytes):
    """Consecutive parameters of one dtype and device, up to cap_bytes per bucket (at least one each)."""
    buckets, current, size = [], [], 0
    for p in params:
        nbytes = p.numel() * p.dtype.itemsize
        if current and (size + nbytes > cap_bytes or (p.dtype, p.device) != (current[0].dtype, current[0].device)):
            buckets.append(_Bucket(current))
            current, size = [], 0
        current.append(p)
        size += nbytes
    if current:
        buckets.append(_Bucket(current))
    return buckets
