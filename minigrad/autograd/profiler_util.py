"""The profiler's results, as torch.autograd.profiler_util has them: one FunctionEvent per timed op or
range, FunctionEventAvg for the events of one name summed, and EventList, whose table() prints them
in PyTorch's layout. Times are in microseconds.
"""


class FunctionEvent:
    """One timed event; times in microseconds."""

    __slots__ = ("name", "start_ns", "end_ns", "self_ns", "input_shapes", "thread")

    def __init__(self, name, start_ns, end_ns, self_ns, input_shapes, thread):
        self.name, self.start_ns, self.end_ns, self.self_ns = name, start_ns, end_ns, self_ns
        self.input_shapes, self.thread = input_shapes, thread

    key = property(lambda self: self.name)
    cpu_time_total = property(lambda self: (self.end_ns - self.start_ns) / 1000)
    self_cpu_time_total = property(lambda self: self.self_ns / 1000)

    def __repr__(self):
        return f"<FunctionEvent name={self.name} cpu_time_total={self.cpu_time_total:.3f}us>"


class FunctionEventAvg:
    """The events of one name (and input shapes, when grouped by them), summed."""

    def __init__(self, key, input_shapes=None):
        self.key, self.input_shapes = key, input_shapes
        self.count, self.cpu_time_total, self.self_cpu_time_total = 0, 0.0, 0.0

    def add(self, event):
        self.count += 1
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        return self

    @property
    def cpu_time(self):
        """The average total time of one call."""
        return self.cpu_time_total / self.count if self.count else 0.0

    @property
    def self_cpu_time(self):
        return self.self_cpu_time_total / self.count if self.count else 0.0

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total:.3f}us "
                f"cpu_time={self.cpu_time_total:.3f}us count={self.count}>")


_SORT_KEYS = ("cpu_time", "cpu_time_total", "self_cpu_time", "self_cpu_time_total", "count")


class EventList(list):
    """A list of events (or of their averages), printable as PyTorch's table."""

    def table(self, sort_by=None, row_limit=100, max_name_column_width=55, header=None, top_level_events_only=False):
        """The events as a text table, sorted by sort_by (descending): one of cpu_time, cpu_time_total,
        self_cpu_time, self_cpu_time_total, count; row_limit rows at most (-1: all)."""
        rows = list(self)
        if sort_by is not None:
            if "cuda" in sort_by or "device" in sort_by:
                raise ValueError(f"sort_by={sort_by!r}: minigrad's profiler measures host time only (on a GPU, "
                                 "use_cuda=True folds each op's kernel time into it); sort by one of "
                                 f"{', '.join(_SORT_KEYS)}")
            if sort_by not in _SORT_KEYS:
                raise ValueError(f"sort_by must be one of {', '.join(_SORT_KEYS)}, got {sort_by!r}")
            rows.sort(key=lambda e: getattr(e, sort_by), reverse=True)
        if row_limit is not None and row_limit >= 0:
            rows = rows[:row_limit]
        return _table(rows, sum(e.self_cpu_time_total for e in self), max_name_column_width, header)

    def total_average(self):
        """All the events summed, as one FunctionEventAvg named "Total"."""
        total = FunctionEventAvg("Total")
        for e in self:
            total.add(e) if isinstance(e, FunctionEvent) else _merge(total, e)
        return total

    def __str__(self):
        return self.table()


def _merge(into, avg):
    into.count += avg.count
    into.cpu_time_total += avg.cpu_time_total
    into.self_cpu_time_total += avg.self_cpu_time_total


def _time(us):
    """PyTorch's format: 12.345us, 1.234ms, 1.234s."""
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


def _table(rows, self_total, name_width, header):
    """PyTorch's layout (12-wide columns, two spaces apart); the percentages are of the self time of
    all events, which adds up to 100%."""
    width = min(max([len("Name")] + [len(r.key) for r in rows]) + 4, name_width)
    shapes = any(getattr(r, "input_shapes", None) for r in rows)
    percent = 100 / (self_total or 1.0)
    heads = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
    widths = [width] + [12] * 6 + ([30] if shapes else [])

    def line(cells):
        return "".join(f"{str(c)[:w]:>{w}}  " for c, w in zip(cells, widths))

    rule = "".join("-" * w + "  " for w in widths)
    out = ([header] if header else []) + [rule, line(heads + (["Input Shapes"] if shapes else [])), rule]
    for r in rows:
        out.append(line([r.key[:width - 3] + "..." if len(r.key) > width else r.key,
                         f"{r.self_cpu_time_total * percent:.2f}%", _time(r.self_cpu_time_total),
                         f"{r.cpu_time_total * percent:.2f}%", _time(r.cpu_time_total),
                         _time(r.cpu_time_total / max(r.count, 1)), r.count]
                        + ([r.input_shapes] if shapes else [])))
    return "\n".join(out + [rule, f"Self CPU time total: {_time(self_total)}", ""])
