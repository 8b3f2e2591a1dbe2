"""Reading an untrusted PDF in a subprocess under time, page and memory limits.

A hostile file (a decompression bomb, a page tree that loops, a font that takes minutes) costs
the worker at most its limits, never the web process. `python -m readings.ingest.pdf_worker`
is the worker: a PDF on stdin, the parsed paper as JSON on stdout, progress on stderr.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import subprocess
import sys
import threading
from pathlib import Path

from .pdf import Limits, check_bytes, read_pdf
from .types import IngestError, Intervention, ParsedPaper, ParsedPassage, ParsedSection

MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space for the worker


def read_pdf_limited(raw: bytes, limits: Limits | None = None, progress=None) -> ParsedPaper:
    """read_pdf in a subprocess killed after the time limit; its progress lines go to `progress`."""
    limits = limits or Limits()
    progress = progress or (lambda message: None)
    check_bytes(raw)  # before starting a process for something that is not a PDF
    command = [sys.executable, "-m", "readings.ingest.pdf_worker", str(limits.max_pages), str(limits.seconds)]
    # From the project's root, where `readings` is importable whatever the server's working directory.
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root)
    # read_pdf checks the clock between pages; the kill covers a single page that never ends.
    timed_out = threading.Event()

    def stop():
        timed_out.set()
        process.kill()

    killer = threading.Timer(limits.seconds + 5, stop)
    killer.start()
    output: list[bytes] = []
    writer = threading.Thread(target=_feed, args=(process.stdin, raw), daemon=True)
    reader = threading.Thread(target=lambda: output.append(process.stdout.read()), daemon=True)
    writer.start()
    reader.start()
    try:
        for line in process.stderr:
            message = line.decode("utf-8", "replace").strip()
            if message.startswith("progress: "):
                progress(message.removeprefix("progress: "))
        process.wait()
        reader.join()
    finally:
        killer.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    if timed_out.is_set():
        raise IngestError(f"reading the PDF took longer than {limits.seconds:g} seconds: it was stopped")
    try:
        result = json.loads((output[0] if output else b"") or b"{}")
    except ValueError:
        result = {}
    if "error" in result:
        raise IngestError(result["error"])
    if "paper" not in result:
        raise IngestError("the PDF could not be read (it is malformed, or too large to read in memory)")
    return paper_from_dict(result["paper"])


def _feed(pipe, raw: bytes) -> None:
    try:
        pipe.write(raw)
        pipe.close()
    except (BrokenPipeError, OSError):
        pass  # the worker stopped early (bad PDF, time limit): its answer says why


def paper_from_dict(data: dict) -> ParsedPaper:
    sections = [
        ParsedSection(**{**s, "passages": [ParsedPassage(**p) for p in s["passages"]]}) for s in data["sections"]
    ]
    interventions = [Intervention(**i) for i in data["interventions"]]
    return ParsedPaper(**{**data, "sections": sections, "interventions": interventions})


def main(argv: list[str]) -> None:
    """The worker: a PDF on stdin, {"paper": …} or {"error": …} as JSON on stdout, progress on stderr."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    limits = Limits(max_pages=int(argv[0]), seconds=float(argv[1]))
    cpu = int(limits.seconds) + 5  # the parent's kill is the real limit; this one holds if the parent dies
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    raw = sys.stdin.buffer.read()

    def progress(message):
        sys.stderr.write(f"progress: {message}\n")
        sys.stderr.flush()

    try:
        result = {"paper": dataclasses.asdict(read_pdf(raw, limits, progress))}
    except IngestError as error:
        result = {"error": str(error)}
    except RecursionError:
        result = {"error": "the file is not a readable PDF (malformed: its objects nest without end)"}
    except Exception as error:  # any parser failure on a hostile file is a refusal, not a crash
        result = {"error": f"the file is not a readable PDF (malformed: {type(error).__name__})"}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
