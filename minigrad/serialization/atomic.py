"""Atomic file replacement: write a temporary file beside the destination, fsync it, rename it over.

Readers see the old file or the new one, never half of one, even if the writer is killed (kill -9 or a
power cut). The temporary file is named `.<name>.minigrad-tmp-<host>-<pid>-<random>`: a writer killed
before the rename leaves one behind, and the next write to that folder from the same host removes those
whose process is gone (the host is in the name because a folder on a shared file system is written from
several machines, whose process ids mean nothing here).
Like `open(path, "wb")`, writing through a symbolic link replaces the file the link points to, and an
existing file keeps its permissions (a new one gets 0o666 minus the umask). A destination that is not a
regular file (/dev/null, a named pipe) is written in place, as open() would: there is nothing to replace.
"""

import contextlib
import os
import re
import socket
import stat
import tempfile

_HOST = re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32]
_TMP = re.compile(rf"^\..+\.minigrad-tmp-{_HOST}-(\d+)-[^.]+$")


def _umask():
    try:
        with open("/proc/self/status") as f:  # read without changing it (os.umask would, briefly)
            return int(next(line.split()[1] for line in f if line.startswith("Umask:")), 8)
    except (OSError, StopIteration, ValueError):
        mask = os.umask(0o022)
        os.umask(mask)
        return mask


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but not ours to signal
    return True


def clean_stale(directory):
    """Remove temporary files of this host's writers that died before renaming them (ours only, by name)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        m = _TMP.match(name)
        if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
            with contextlib.suppress(OSError):  # another writer cleaned it first
                os.unlink(os.path.join(directory, name))


def _failed(e, path):
    """The same kind of OSError, naming the user's path instead of the temporary file."""
    message = f"cannot save to {path!r}: {e.strerror or e}"
    return type(e)(e.errno, message) if e.errno is not None else type(e)(message)


def _write_parts(f, parts):
    for part in parts:
        f.write(part)


def write(path, parts):
    """Write the byte strings `parts` to path atomically; OSErrors name `path`, never the temporary file."""
    target = os.path.realpath(path)  # through symlinks, as open(path, "wb") would
    directory, name = os.path.split(target)
    if not os.path.isdir(directory):
        if os.path.exists(directory):
            raise NotADirectoryError(f"cannot save to {path!r}: {directory!r} is not a folder")
        raise FileNotFoundError(f"cannot save to {path!r}: the folder {directory!r} does not exist; create it first")
    try:
        st = os.stat(target)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    except OSError as e:
        raise _failed(e, path) from None
    else:
        if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):  # /dev/null, a pipe: write into it
            try:
                with open(target, "wb") as f:
                    _write_parts(f, parts)
            except OSError as e:
                raise _failed(e, path) from None
            return
        mode = st.st_mode & 0o7777
    clean_stale(directory)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.minigrad-tmp-{_HOST}-{os.getpid()}-", dir=directory)
    except OSError as e:
        raise _failed(e, path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            _write_parts(f, parts)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, target)  # atomic on POSIX and Windows
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):  # (gone if the interruption came after the rename)
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise _failed(e, path) from None
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable
        dfd = os.open(directory, os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
