"""A deadline for a whole HTTP response, which urllib's timeout is not: it bounds each socket
operation, so a server sending a byte now and then holds a request as long as it likes.

The watchdog is a timer that shuts the request's sockets down when it fires: a read blocked on
a socket returns at once, and urllib raises (IncompleteRead, RemoteDisconnected).
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import socket
import ssl
import threading
import urllib.request


class Watchdog:
    """Cuts the connections of one request when its whole response is not in by the deadline:
    shutting a socket down ends a read blocked on it at once."""

    def __init__(self, seconds: float):
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()

    def opener(self) -> urllib.request.OpenerDirector:
        """urllib's opener, with http and https through connections this watchdog can cut."""
        return urllib.request.build_opener(_WatchedHandler(self))

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                self._cut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._cut(sock)

    @staticmethod
    def _cut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class _WatchedConnection:
    """A connection whose socket (TLS set up, for https) a watchdog can cut. The socket is
    kept here, since urllib drops the connection's reference once the headers are in."""

    def __init__(self, *args, watchdog: Watchdog, **kwargs):
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def connect(self):
        super().connect()
        self._watchdog.watch(self.sock)


class _WatchedHTTP(_WatchedConnection, http.client.HTTPConnection):
    pass


class _WatchedHTTPS(_WatchedConnection, http.client.HTTPSConnection):
    pass


class _WatchedHandler(urllib.request.HTTPSHandler, urllib.request.HTTPHandler):
    """http and https through watched connections (replaces urllib's two default handlers)."""

    def __init__(self, watchdog: Watchdog):
        self._tls = ssl.create_default_context()
        super().__init__(context=self._tls)
        self._watchdog = watchdog

    def http_open(self, request):
        return self.do_open(functools.partial(_WatchedHTTP, watchdog=self._watchdog), request)

    def https_open(self, request):
        return self.do_open(functools.partial(_WatchedHTTPS, watchdog=self._watchdog), request, context=self._tls)
