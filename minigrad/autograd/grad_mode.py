"""Whether operations are recorded for backward — per thread (and per asyncio task).

    no_grad()                 record nothing (results have requires_grad=False, no grad_fn)
    enable_grad()             record again inside a no_grad block
    set_grad_enabled(mode)    either, by a flag; as a plain call it switches the mode until changed
    inference_mode(mode=True) no_grad, and what is computed inside is an *inference tensor*: it can
                              never be saved by a graph later (see Tensor.is_inference)

Each is a context manager and a decorator (of functions, and of generator functions, whose every step
then runs in the mode). The modes live in context variables (contextvars), so a
`no_grad` block in one thread never turns recording off in another: an evaluation thread beside a
training thread is safe, and a new thread starts with grad mode on. Context variables rather than a
threading.local, for two reasons: reading one costs less (Function.apply reads the mode on every op:
threading.local made the smallest op's forward 2-5% slower, a context variable costs nothing
measurable), and each asyncio task gets its own copy, so a `no_grad` held across an `await` does not
leak into the tasks that run meanwhile (with PyTorch's thread-local modes it does). The other side of
the same coin: code run in a copied context (asyncio.to_thread, contextvars.copy_context().run, and
every new thread on free-threaded Python 3.14) starts with the caller's modes, not the defaults.

    >>> import minigrad as mg
    >>> x = mg.ones(2, requires_grad=True)
    >>> with mg.no_grad():
    ...     (x * 2).requires_grad
    False
"""

import contextvars
import functools
import inspect

_grad = contextvars.ContextVar("minigrad_grad_enabled", default=True)
_inference = contextvars.ContextVar("minigrad_inference_mode", default=False)
_recording = contextvars.ContextVar("minigrad_recording", default=True)  # grad and not inference

is_grad_enabled = _grad.get  # () -> bool: grad mode is on
is_inference_mode_enabled = _inference.get  # () -> bool: inside inference_mode()
recording = _recording.get  # () -> bool: Function.apply records a graph (read on every op)


def modes():
    """(grad, inference) now; `set_modes(*modes())` puts them back."""
    return _grad.get(), _inference.get()


def set_modes(grad, inference):
    _grad.set(grad)
    _inference.set(inference)
    _recording.set(grad and not inference)


def set_grad(mode):
    """Set grad mode only, for a backward pass; returns what `reset_grad` needs to put it back."""
    return _grad.set(mode), _recording.set(mode and not _inference.get())


def reset_grad(tokens):
    _grad.reset(tokens[0])
    _recording.reset(tokens[1])


class _Mode:
    """Context manager and decorator: sets this thread's modes to `inside()` and restores them on exit.
    `@no_grad()` and the bare `@no_grad` both decorate (PyTorch accepts either)."""

    def __new__(cls, *args):
        if args and callable(args[0]):  # bare decorator: @no_grad, @inference_mode
            return cls()(args[0])
        return super().__new__(cls)

    def inside(self):
        """(grad, inference) inside the block."""
        raise NotImplementedError

    def __enter__(self):
        self.prev = modes()
        set_modes(*self.inside())

    def __exit__(self, *exc):
        set_modes(*self.prev)

    def __call__(self, fn):
        if inspect.isgeneratorfunction(fn):
            return _generator(self, fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():  # a fresh manager per call: recursive and concurrent calls nest properly
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()


def _generator(mode, fn):
    """A generator function whose every step runs in `mode` (and the caller's code between steps in
    the caller's), as PyTorch decorates generators: `@no_grad()` on a sampling loop that yields."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        gen = fn(*args, **kwargs)
        step, value = gen.send, None
        while True:
            with mode.clone():
                try:
                    item = step(value)
                except StopIteration as stop:
                    return stop.value
            try:
                value, step = (yield item), gen.send
            except GeneratorExit:
                with mode.clone():
                    gen.close()
                raise
            except BaseException as error:  # thrown into the wrapper: into fn's generator, in the mode
                value, step = error, gen.throw

    return wrapper


class no_grad(_Mode):
    """`with minigrad.no_grad():` records nothing: results have requires_grad=False and no grad_fn."""

    def inside(self):
        return False, _inference.get()


class enable_grad(_Mode):
    """Turns grad mode back on inside a `no_grad` block. Inside inference_mode nothing is recorded
    still, as in PyTorch: is_grad_enabled() is True there, but results are inference tensors."""

    def inside(self):
        return True, _inference.get()


class set_grad_enabled(_Mode):
    """`set_grad_enabled(False)` turns grad mode off at once, until it is set again; used as
    `with set_grad_enabled(is_train):` (or as a decorator) it lasts for the block only."""

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled expects a bool, got {type(mode).__name__} ({mode!r})")
        self.mode, self.prev = mode, modes()
        set_modes(mode, _inference.get())  # the plain call takes effect now, as in PyTorch

    def inside(self):
        return self.mode, _inference.get()

    def __enter__(self):
        set_modes(*self.inside())  # self.prev was taken in __init__, before the call changed anything

    def __call__(self, fn):
        set_modes(*self.prev)  # as a decorator it changes nothing until the function runs
        return super().__call__(fn)

    def clone(self):
        return set_grad_enabled(self.mode)


class inference_mode(_Mode):
    """`with minigrad.inference_mode():` is no_grad, and what is computed inside is an inference
    tensor, which no graph may save later (use it under no_grad, or `.clone()` it outside first).
    `inference_mode(False)` leaves inference mode for the block and turns grad mode on (PyTorch's rule)."""

    def __init__(self, mode=True):
        self.mode = mode

    def inside(self):
        return (False, True) if self.mode else (True, False)

    def clone(self):
        return inference_mode(self.mode)
