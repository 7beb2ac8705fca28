"""Checks of values that live on a device (indices, divisors) that raise without a host sync.

A bad index must raise, as in PyTorch, and on the CPU it raises at once. On a GPU, reading the
indices back to look at them would stall every call: the host waits for the queue to drain and the
GPU idles until the host queues more. CuPy itself wraps bad indices around silently. So, like
PyTorch's device-side asserts, the values are checked where they are: a kernel (kernels/checks.py)
writes the first bad value into the device's error record,

    record = [check code, value, dim, size]       4 int64s on the device, all 0 while nothing failed

and the record rides back with the next read the user asks for (`.item()`, `.tolist()`, `.cpu()`,
printing, `minigrad.cuda.synchronize()`): its copy is queued just before that read, into pinned
host memory, so the read's own sync brings it and no sync is added. That read then raises the
check's error, saying where it comes from:

    y = x[mg.tensor([0, 7], device="cuda")]    # x has 5 rows: the check is queued, no error, no sync
    y.sum().item()                             # IndexError: index 7 is out of bounds for dimension 0
                                               # with size 5 (found on cuda:0 by a check queued before ...)

CUDA_LAUNCH_BLOCKING=1, PyTorch's switch for debugging asynchronous errors, reads the record right
after every check instead (one sync each), so that the op itself raises.
"""


class Check:
    """One kind of bad value: the exception it raises and its message, formatted with the recorded
    value, dim and size. Each Check gets the code the kernel records for it."""

    registered = [None]  # code -> Check; code 0 means "no error"

    def __init__(self, error, message):
        self.error, self.message = error, message
        self.code = len(Check.registered)
        Check.registered.append(self)

    def exception(self, value, dim=0, size=0, where=""):
        return self.error(self.message.format(value=value, dim=dim, size=size) + where)


def recorded_error(record, device):
    """The exception of a device's error record (host values), or None if nothing failed."""
    code, value, dim, size = (int(v) for v in record)
    if not code:
        return None
    return Check.registered[code].exception(
        value, dim, size, f" (found on {device} by a check queued before this read: a GPU reports bad values at "
        "the next sync, as PyTorch's device-side asserts do; set CUDA_LAUNCH_BLOCKING=1 to raise in the op itself)")
