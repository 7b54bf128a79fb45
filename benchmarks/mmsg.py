"""Many UDP datagrams in one system call (Linux ``sendmmsg``), for the benchmarks' drivers.

CPython's socket module sends one datagram per call; a driver playing 2,000 phones from
Python made 100,000 ``sendto`` calls a second, each parsing its address tuple, and used
83–91 % of its core — the benchmark then measured its own driver (issue 11). Here the
destinations are turned into ``sockaddr_in`` once, every datagram of a batch points at one
shared packet buffer (the phones of one phase send the same bytes), and a batch is one call
into libc through ``ctypes``: no per-datagram Python at all. Linux only; ``available()``
says whether it can be used, and the caller falls back to a ``sendto`` loop.

Not part of Växel: the engine cannot batch this way (each of its legs sends from a socket of
its own, and ``sendmmsg`` sends on one socket).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import socket
import struct
import sys
from collections.abc import Sequence

__all__ = ["BatchSender", "available"]


class _Iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("length", ctypes.c_size_t)]


class _SockaddrIn(ctypes.Structure):
    _fields_ = [
        ("family", ctypes.c_ushort),
        ("port", ctypes.c_uint16),  # network order, written as bytes below
        ("address", ctypes.c_uint32),  # network order
        ("zero", ctypes.c_ubyte * 8),
    ]


class _Msghdr(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_void_p),
        ("namelen", ctypes.c_uint32),
        ("iov", ctypes.POINTER(_Iovec)),
        ("iovlen", ctypes.c_size_t),
        ("control", ctypes.c_void_p),
        ("controllen", ctypes.c_size_t),
        ("flags", ctypes.c_int),
    ]


class _Mmsghdr(ctypes.Structure):
    _fields_ = [("header", _Msghdr), ("length", ctypes.c_uint)]


_libc: ctypes.CDLL | None = None
if sys.platform.startswith("linux"):
    try:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        _libc.sendmmsg.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_uint, ctypes.c_int]
        _libc.sendmmsg.restype = ctypes.c_int
    except (OSError, AttributeError):
        _libc = None


def available() -> bool:
    return _libc is not None


class BatchSender:
    """Sends ``packet`` (a writable buffer, rewritten in place before each batch) to every
    address of ``addresses`` from ``sock`` with as few ``sendmmsg`` calls as the kernel lets."""

    def __init__(
        self, sock: socket.socket, addresses: Sequence[tuple[str, int]], packet: ctypes.Array
    ) -> None:
        if _libc is None:
            raise OSError("sendmmsg is not available here")
        self._sendmmsg = _libc.sendmmsg
        self._fd = sock.fileno()
        self.count = len(addresses)
        self._names = (_SockaddrIn * max(1, self.count))()
        self._iov = _Iovec(ctypes.addressof(packet), ctypes.sizeof(packet))
        self._messages = (_Mmsghdr * max(1, self.count))()
        for index, (host, port) in enumerate(addresses):
            name = self._names[index]
            name.family = socket.AF_INET
            # Both fields are in network order: lay the bytes down as the kernel reads them.
            name.port = struct.unpack("=H", struct.pack("!H", port))[0]
            name.address = struct.unpack("=I", socket.inet_aton(host))[0]
            header = self._messages[index].header
            header.name = ctypes.addressof(name)
            header.namelen = ctypes.sizeof(_SockaddrIn)
            header.iov = ctypes.pointer(self._iov)
            header.iovlen = 1
        self._base = ctypes.addressof(self._messages)
        self._size = ctypes.sizeof(_Mmsghdr)

    def send(self) -> int:
        """Send the packet to every address once; the number the kernel took.

        A full send buffer (EAGAIN) ends the batch early: what was not sent is not retried,
        as a phone's late packet would be useless (the caller counts what was sent)."""
        sent = 0
        while sent < self.count:
            done = self._sendmmsg(self._fd, self._base + sent * self._size, self.count - sent, 0)
            if done <= 0:
                error = ctypes.get_errno()
                if done < 0 and error not in (0, 11):  # 11: EAGAIN, the buffer is full
                    raise OSError(error, os.strerror(error))
                break
            sent += done
        return sent
