"""Why an operation on a file failed, in the reader's language: the operating system's own text (strerror)
is English whatever the locale, so the reasons we meet are catalog messages, looked up by error number."""

from __future__ import annotations

import errno
import os

from dlquiz.i18n import N_, lazy, t

# What the operating system says went wrong with a file, by error number, in our words: its own text
# (strerror) is English whatever the reader's language.
_OS_REASONS = {
    errno.ENOENT: N_("no such file or directory"),
    errno.EISDIR: N_("it is a folder, not a file"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.ENOSPC: N_("no space left on the device"),
    errno.EROFS: N_("the file system is read-only"),
    errno.EEXIST: N_("it already exists"),
    errno.ENAMETOOLONG: N_("the file name is too long"),
    errno.ELOOP: N_("too many symbolic links (a loop?)"),
    errno.EIO: N_("input/output error"),
    errno.ENXIO: N_("no such device"),
}


def os_reason(exc: BaseException) -> str:
    """Why an operation on a file failed, translated where it is shown (a `Lazy` message for the errors
    we know, the system's own text otherwise)."""
    number = getattr(exc, "errno", None)
    if number in _OS_REASONS:
        return lazy(_OS_REASONS[number])
    return getattr(exc, "strerror", None) or str(exc)


def os_reason_text(strerror: str, lang: str) -> str:
    """The system's English `strerror` text (as in Click's messages) in `lang`, where we know it."""
    for number, message in _OS_REASONS.items():
        if strerror == os.strerror(number):
            return t(message, lang)
    return strerror
