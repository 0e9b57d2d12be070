"""Run the WSGI app on waitress, closing the connection gracefully after an error response.

    serve(app, host, port, threads)            # what `minutes serve` calls; blocks
    create_server(app, host, port, threads)    # the server object (run() / stop()), for tests

This is `waitress.serve(app, host=..., port=..., threads=..., ident="minutes")` with one difference.
When waitress rejects a request while still reading it (request line + headers over
max_request_header_size, 256 KB: 431; body over max_request_body_size: 413; unparseable: 400), it
sends the error response and closes the socket while the client is typically still sending. Closing a
socket with unread input makes the kernel send a TCP RST instead of a FIN, and the client sees
"connection reset" instead of the response. Here the channel does a *lingering close* instead, as
nginx does: once the error response is flushed it shuts down the write side (the client gets the
response followed by EOF) and keeps reading and discarding input until the client closes, for at most
`linger_timeout` seconds and `linger_max_bytes` bytes, then closes. Successful responses and the
keep-alive path are untouched.

Slow and idle clients cannot take the server: waitress stops accepting connections at its limit
until one goes quiet for two minutes, so 100 half-sent requests would stop it answering anyone. Here
a connection that is not being answered (idle between requests, or still sending its request line
and headers) is closed `header_timeout` seconds after it opened or after its last response; at the
connection limit, and at a client's own limit (`max_client_connections` from one address), the
oldest such connection is closed to make room for the new one (or the new one is, when every
connection is being answered). Behind a reverse proxy all clients share its address: raise the
per-client limit there (docs/deploy.md).

Everything goes through waitress's own extension points: `TcpWSGIServer.channel_class` and the
`HTTPChannel` methods the event loop calls (readable/writable/handle_read/handle_write).
"""

from __future__ import annotations

import logging
import socket
import threading
import time

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

LINGER_TIMEOUT = 5.0  # seconds a rejected client may keep sending before we close anyway
LINGER_MAX_BYTES = 64 * 1024 * 1024  # bytes of a rejected request we read and discard at most
LINGER_RECV_BYTES = 64 * 1024
HEADER_TIMEOUT = 10.0  # seconds a connection may spend sending a request's headers, or idle between requests
MAX_CONNECTIONS = 100  # open connections, as waitress's connection_limit
MAX_CLIENT_CONNECTIONS = 32  # open connections from one address
MAINTENANCE_SECONDS = 1  # how often connections are checked against HEADER_TIMEOUT


class LingeringHTTPChannel(HTTPChannel):
    """An HTTPChannel that, after an error response that ends the connection, closes it gracefully.

    States: normal (plain HTTPChannel) -> the error response is being flushed (close_when_flushed,
    set by HTTPChannel.service) -> lingering (write side shut down, input discarded) -> closed.
    """

    linger_on_close = False  # set when waitress answered a request it could not (fully) read
    lingering = False
    linger_deadline = 0.0
    linger_bytes = 0

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.waiting_since = time.monotonic()  # since it opened or its last response was handed over

    @property
    def waiting(self) -> bool:
        """Whether nothing is being answered: no complete request queued or served, nothing to send."""
        return not (self.requests or self.total_outbufs_len or self.close_when_flushed or self.lingering
                    or self.will_close)

    def service(self):
        # Runs in a worker thread. request.error is set by waitress's parser when it gave up reading
        # the request (431, 413, 400, 501): then unread input may be left, so linger on close.
        # HTTPChannel.service sets close_when_flushed afterwards, so the main thread sees this flag
        # before it starts closing.
        if self.requests and self.requests[0].error is not None:
            self.linger_on_close = True
        super().service()
        self.waiting_since = time.monotonic()

    def received(self, data):
        result = super().received(data)
        if self.requests:  # a whole request has come: the time to send one starts again after its answer
            self.waiting_since = time.monotonic()
        return result

    def readable(self):
        if self.lingering:
            return True
        return super().readable()

    def writable(self):
        if self.lingering:
            # The write side is shut down, so select/poll reports the socket writable at once: this
            # is how the loop wakes us to close when the time is up or the server closes the channel
            # (maintenance and cancel set will_close).
            return self.will_close or time.monotonic() >= self.linger_deadline
        return super().writable()

    def handle_write(self):
        if self.lingering:
            self.handle_close()
            return
        if not (self.linger_on_close and self.close_when_flushed and not self.will_close):
            super().handle_write()
            return
        # The error response is being flushed before closing: flush it as HTTPChannel.handle_write
        # does (no task is running any more, so without taking the outbuf lock), then linger instead
        # of closing.
        self._flush_exception(self._flush_some)
        if self.socket is None:  # the send found the client gone and closed the channel
            return
        if self.will_close:  # a socket error while flushing
            self.handle_close()
            return
        if self.total_outbufs_len:  # more to send; we are called again when the socket is writable
            return
        self.close_when_flushed = False
        self.start_lingering()

    def start_lingering(self):
        try:
            self.socket.shutdown(socket.SHUT_WR)
        except OSError:
            self.handle_close()
            return
        self.linger_deadline = time.monotonic() + self.server.linger_timeout
        self.linger_bytes = 0
        self.lingering = True

    def handle_read(self):
        if not self.lingering:
            super().handle_read()
            return
        try:
            data = self.socket.recv(LINGER_RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.handle_close()
            return
        if not data:  # the client has read the response and closed: a clean close
            self.handle_close()
            return
        self.last_activity = time.time()
        self.linger_bytes += len(data)
        if self.linger_bytes >= self.server.linger_max_bytes or time.monotonic() >= self.linger_deadline:
            self.handle_close()


class MinutesWSGIServer(TcpWSGIServer):
    """waitress's TCP server with the lingering channel, limits on waiting connections, and a
    thread-safe stop() for tests."""

    channel_class = LingeringHTTPChannel

    def __init__(self, *args, linger_timeout: float = LINGER_TIMEOUT, linger_max_bytes: int = LINGER_MAX_BYTES,
                 header_timeout: float = HEADER_TIMEOUT, max_connections: int = MAX_CONNECTIONS,
                 max_client_connections: int = MAX_CLIENT_CONNECTIONS, **kw):
        self.linger_timeout = linger_timeout
        self.linger_max_bytes = linger_max_bytes
        self.header_timeout = header_timeout
        self.max_connections = max_connections
        self.max_client_connections = max_client_connections
        self.closed_waiting = 0  # connections closed for waiting too long or to make room
        self._stop_requested = threading.Event()
        super().__init__(*args, **kw)

    def maintenance(self, now):
        super().maintenance(now)
        cutoff = time.monotonic() - self.header_timeout
        for channel in list(self.active_channels.values()):
            if channel.waiting and channel.waiting_since < cutoff:
                channel.will_close = True  # the loop closes it (writable, then handle_write)
                self.closed_waiting += 1

    def handle_accept(self):
        before = set(self.active_channels)
        super().handle_accept()
        channels = list(self.active_channels.values())
        newest = next((channel for fd, channel in self.active_channels.items() if fd not in before), None)
        if newest is None:
            return
        client = [channel for channel in channels if channel.addr[0] == newest.addr[0]]
        if len(client) > self.max_client_connections:
            self.make_room(client, newest)
        elif len(channels) > self.max_connections:
            self.make_room(channels, newest)

    def make_room(self, channels: list, newest) -> None:
        """Close the connection that has waited longest without being answered; the new one when
        every other is being answered."""
        waiting = [channel for channel in channels if channel is not newest and channel.waiting]
        victim = min(waiting, key=lambda channel: channel.waiting_since) if waiting else newest
        victim.handle_close()
        self.closed_waiting += 1

    def run(self):
        """Serve until stop() (then close every socket and stop the worker threads) or Ctrl-C."""
        try:
            while self._map and not self._stop_requested.is_set():
                self.asyncore.loop(timeout=self.adj.asyncore_loop_timeout, map=self._map,
                                   use_poll=self.adj.asyncore_use_poll, count=1)
        except (SystemExit, KeyboardInterrupt):
            self.task_dispatcher.shutdown()
            return
        # Close the channels first: that wakes any worker blocked writing to one (ClientDisconnected),
        # so the worker threads can stop promptly; then the listening socket and the trigger.
        for channel in list(self.active_channels.values()):
            channel.handle_close()
        self.task_dispatcher.shutdown()
        wasyncore.close_all(self._map)

    def stop(self) -> None:
        """Ask run() (in another thread) to return; it closes the listening socket and all channels."""
        self._stop_requested.set()
        self.pull_trigger()

    def pull_trigger(self) -> None:
        """Wake the main loop. A worker finishing its last response after run() has closed the
        trigger (a slow machine, a worker past the shutdown's wait) finds its pipe closed: once the
        server is stopping there is no loop left to wake, so that is no error."""
        stopping = self._stop_requested.is_set()
        if stopping and not self.trigger._fds:
            return  # run() has closed the pipe; its descriptor may belong to another file by now
        try:
            super().pull_trigger()
        except OSError:
            if not stopping:
                raise


def create_server(app, host: str, port: int, threads: int, *, linger_timeout: float = LINGER_TIMEOUT,
                  linger_max_bytes: int = LINGER_MAX_BYTES, header_timeout: float = HEADER_TIMEOUT,
                  max_connections: int = MAX_CONNECTIONS, max_client_connections: int = MAX_CLIENT_CONNECTIONS):
    """waitress.create_server(app, host=host, port=port, threads=threads, ident="minutes"), lingering.

    Returns a MinutesWSGIServer (effective_host, effective_port, run(), stop()); if the host resolves
    to several addresses (e.g. "localhost" to 127.0.0.1 and ::1), a waitress MultiSocketServer over one
    MinutesWSGIServer per address, as waitress does.
    """
    if app is None:
        raise ValueError("the WSGI app passed to create_server is None")
    # waitress's own limit is never reached: handle_accept keeps to max_connections by closing one.
    adj = Adjustments(host=host, port=port, threads=threads, ident="minutes", connection_limit=max_connections + 16,
                      cleanup_interval=MAINTENANCE_SECONDS)
    socket_map: dict = {}
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    servers = [MinutesWSGIServer(app, socket_map, dispatcher=dispatcher, adj=adj, sockinfo=sockinfo,
                                 linger_timeout=linger_timeout, linger_max_bytes=linger_max_bytes,
                                 header_timeout=header_timeout, max_connections=max_connections,
                                 max_client_connections=max_client_connections)
               for sockinfo in adj.listen]
    if len(servers) == 1:
        return servers[0]
    listen = [(server.effective_host, server.effective_port) for server in servers]
    return MultiSocketServer(socket_map, adj, listen, dispatcher, servers[-1].log_info)


def serve(app, host: str, port: int, threads: int, max_connections: int = MAX_CONNECTIONS,
          max_client_connections: int = MAX_CLIENT_CONNECTIONS) -> None:
    """Serve app until interrupted, like waitress.serve(app, host=..., port=..., threads=..., ident="minutes")."""
    logging.basicConfig()  # as waitress.serve: idempotent if logging is already configured
    server = create_server(app, host, port, threads, max_connections=max_connections,
                           max_client_connections=max_client_connections)
    server.print_listen("Serving on http://{}:{}")
    server.run()
