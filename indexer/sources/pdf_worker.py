"""The process PDFs are read in, under a memory ceiling (`indexer.sources.pdf`, "What reading one
PDF may cost"). A long-lived child reads one PDF after another; the parent gives each a time limit,
and starts a new child when one dies (over its memory), runs out of time, or has read many files.

The protocol, over the child's stdin and stdout: the parent sends a PDF as an 8-byte length, an
8-byte options word (bit 0: text recognition on) and its bytes; the child answers with an 8-byte
length and a pickle of ("pages", [Page, ...]) or ("error", message), sending HEARTBEAT in place of a
length after each page it recognises: recognition takes seconds a page, so each such page gives the
parent's time limit anew."""

from __future__ import annotations

import atexit
import os
import pickle
import select
import struct
import subprocess
import sys
import time
from pathlib import Path

from ..parse import ParseError
from .pdf import READER_MEMORY_MB, READER_SECONDS, Page, read_pdf_here

LENGTH = struct.Struct(">Q")
HEARTBEAT = 2**64 - 1  # "a page recognised, still working": not a length
FILES_PER_WORKER = 200  # a fresh child now and then: memory a long run fragments is given back


class PdfReader:
    def __init__(self, memory_mb: int = READER_MEMORY_MB, seconds: float = READER_SECONDS) -> None:
        self.memory_mb = memory_mb
        self.seconds = seconds
        self._child: subprocess.Popen | None = None
        self._files = 0
        self.on_page = None  # called for each page the child recognises (a progress bar's step)

    def read(self, data: bytes, ocr: bool = True) -> list[Page]:
        if self._child is None or self._files >= FILES_PER_WORKER:
            self.close()
            self._child = self._start()
            self._files = 0
        self._files += 1
        child = self._child
        try:
            child.stdin.write(LENGTH.pack(len(data)) + LENGTH.pack(int(ocr)) + data)
            child.stdin.flush()
            deadline = time.monotonic() + self.seconds
            length, = LENGTH.unpack(self._receive(child, LENGTH.size, deadline))
            while length == HEARTBEAT:
                if self.on_page is not None:
                    self.on_page()
                deadline = time.monotonic() + self.seconds
                length, = LENGTH.unpack(self._receive(child, LENGTH.size, deadline))
            kind, value = pickle.loads(self._receive(child, length, deadline))
        except TimeoutError:
            self.close()
            raise ParseError(f"PDF too costly to read: not read within {self.seconds:g} s") from None
        except (OSError, EOFError, pickle.UnpicklingError):
            self.close()  # the child died: over its memory ceiling, as a PDF bomb drives it
            raise ParseError(f"PDF too costly to read: reading it took over {self.memory_mb} MB of memory "
                             "(a compressed-stream bomb?)") from None
        if kind == "error":
            raise ParseError(value)
        return value

    def _receive(self, child: subprocess.Popen, size: int, deadline: float) -> bytes:
        chunks, missing = [], size
        descriptor = child.stdout.fileno()
        while missing:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([descriptor], [], [], remaining)[0]:
                raise TimeoutError
            chunk = os.read(descriptor, min(missing, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def _start(self) -> subprocess.Popen:
        package_root = str(Path(__file__).resolve().parent.parent.parent)
        path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
        return subprocess.Popen([sys.executable, "-m", "indexer.sources.pdf_worker", str(self.memory_mb)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env={**os.environ, "PYTHONPATH": path})

    def close(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            child.kill()
            child.wait()
            child.stdin.close()
            child.stdout.close()


READER = PdfReader()
atexit.register(READER.close)


def serve(memory_mb: int) -> None:
    """The child's loop: PDFs in, pages (or the reason none could be read) out, until stdin closes."""
    import resource

    import pypdfium2  # noqa: F401  loaded before the ceiling: its library is no PDF's cost

    ceiling = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    def heartbeat() -> None:
        stdout.write(LENGTH.pack(HEARTBEAT))
        stdout.flush()

    while header := stdin.read(LENGTH.size):
        options, = LENGTH.unpack(stdin.read(LENGTH.size))
        data = stdin.read(LENGTH.unpack(header)[0])
        try:
            answer = ("pages", read_pdf_here(data, ocr=bool(options & 1), on_page=heartbeat))
        except ParseError as error:
            answer = ("error", str(error))
        reply = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.write(LENGTH.pack(len(reply)) + reply)
        stdout.flush()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
