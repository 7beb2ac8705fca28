"""A Module's state as a flat dict: `state_dict()` (name -> tensor for every parameter and persistent
buffer, the names dotted paths such as "0.weight") and `load_state_dict()`, which copies such a dict
back in place. `mg.save(model.state_dict(), path)` writes exactly this dict (serialization/).

    >>> from minigrad import nn
    >>> net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    >>> list(net.state_dict())
    ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']
"""

from collections import OrderedDict, namedtuple

from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from .parameter import Parameter

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class StateDict:
    """Mixed into Module, which supplies named_modules() and the _parameters/_buffers tables."""

    def _state_items(self):
        """(key, its module, the module's table, tensor) for every parameter and persistent buffer set."""
        for prefix, m in self.named_modules():
            for table in (m._parameters, m._buffers):
                for name, t in table.items():
                    if t is not None and not (table is m._buffers and name in m._non_persistent_buffers_set):
                        yield (f"{prefix}.{name}" if prefix else name), m, table, t

    def state_dict(self, *, destination=None, prefix="", keep_vars=False):
        """prefix + name -> tensor for every parameter and persistent buffer: detached and sharing
        storage (keep_vars=True: the Parameters themselves)."""
        out = OrderedDict() if destination is None else destination
        for key, _, _, t in self._state_items():
            out[prefix + key] = t if keep_vars else t.detach()
        return out

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy tensors into this module's parameters and persistent buffers, in place (assign=True:
        take the given tensors themselves, as Parameters where the module has Parameters).

        Shape mismatches and non-tensor values always raise; with strict=True so do missing and
        unexpected keys. Returns (missing_keys, unexpected_keys).
        """
        own = {key: (m, table, t) for key, m, table, t in self._state_items()}
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        for k, (_, _, t) in own.items():
            if k not in state_dict:
                continue
            value = state_dict[k]
            if not isinstance(value, Tensor):
                errors.append(f'While copying the parameter named "{k}", expected torch.Tensor or Tensor-like '
                              f"object from checkpoint but received {type(value)}")
            elif tuple(value.shape) != t.shape:
                errors.append(f"size mismatch for {k}: copying a param with shape {tuple(value.shape)} from "
                              f"checkpoint, the shape in current model is {tuple(t.shape)}.")
        if strict:
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ".")
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ".")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(errors))
        with no_grad():
            for k, (m, table, t) in own.items():
                if k not in state_dict:
                    continue
                name = k.rpartition(".")[2]
                if not assign:
                    t.copy_(state_dict[k])
                elif table is m._parameters:
                    table[name] = Parameter(state_dict[k], requires_grad=t.requires_grad)
                else:
                    table[name] = state_dict[k]
        return IncompatibleKeys(missing, unexpected)
