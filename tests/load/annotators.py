"""Concurrent annotators against a real app server on SQLite: no lost write, no error, no lock.

Bounded and loopback-only: it starts gunicorn on 127.0.0.1 with a throwaway SQLite database,
runs N annotators for S seconds, stops the server and checks the database. Run it with
`make load` or `python tests/load/annotators.py --annotators 50 --seconds 30`; with
`--pathological 1`, one of them posts, every time, the slowest Markdown there is to render
(unbalanced brackets, as long as an annotation may be), and the others must not notice.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "load-test-password-1234"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# readings.models.ANNOTATION_MAX_LENGTH. Unbalanced "[" made Python-Markdown quadratic: 10,000 of them
# took about 35 s to render, inside the write transaction, before the renderer was bounded.
ANNOTATION_MAX_LENGTH = 10_000


def annotation_body(number, n, pathological):
    body = f"Annotation {n} by reader {number}."
    if pathological:
        body = f"{body} " + "[" * (ANNOTATION_MAX_LENGTH - len(body) - 1)
    return body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Annotator(threading.Thread):
    def __init__(self, number, port, passage_url, seconds, ready, results, pathological=False):
        super().__init__(daemon=True)
        self.number, self.port, self.passage_url, self.results = number, port, passage_url, results
        self.seconds, self.ready, self.pathological = seconds, ready, pathological
        self.cookies: dict[str, str] = {}

    def request(self, method, path, form=None, timeout=30):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": f"http://127.0.0.1:{self.port}{path}",
        }
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, text

    def token(self, path):
        status, html = self.request("GET", path)
        match = CSRF.search(html)
        return status, match.group(1) if match else ""

    def run(self):
        try:
            _, token = self.token("/accounts/login/")
            # Fifty sign-ins at once are fifty password hashes of most of a second each: on a busy
            # machine they take longer than a write may. The writes are what is measured.
            status, _ = self.request(
                "POST",
                "/accounts/login/",
                {"csrfmiddlewaretoken": token, "username": f"reader{self.number}", "password": PASSWORD},
                timeout=300,
            )
            if status != 302:
                self.results.append(("login", status))
            # Everyone starts writing together, once all have signed in.
            self.ready.wait(timeout=300)
            self.deadline = time.monotonic() + self.seconds
            if status != 302:
                return
            url = f"{self.passage_url}annotations/"
            n = 0
            while time.monotonic() < self.deadline:
                status, token = self.token(url)
                if status != 200:
                    self.results.append(("read", status))
                    continue
                n += 1
                body = annotation_body(self.number, n, self.pathological)
                status, _ = self.request(
                    "POST", url, {"csrfmiddlewaretoken": token, "body": body, "visibility": "seminar"}
                )
                self.results.append(("write", status, body, self.pathological))
        except Exception as error:
            self.results.append(("error", repr(error)))
            self.ready.abort()  # the others stop waiting for this one to sign in


def run(annotators: int, seconds: float, workers: int, threads: int, pathological: int = 0) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="load-annotators-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'load.sqlite3'}",
        "DJANGO_DEBUG": "1",
        "PYTHONPATH": str(ROOT),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "createcachetable"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "loaddata", "corpus", "-v0"], env=env, check=True, cwd=ROOT)
    setup = f"""
from django.contrib.auth.models import User
from readings.models import Seminar, Membership, Passage
seminar = Seminar.objects.create(slug="load", name="Load seminar")
for i in range({annotators}):
    user = User.objects.create_user(f"reader{{i}}", password="{PASSWORD}")
    Membership.objects.create(seminar=seminar, user=user)
print(Passage.objects.order_by("pk").first().get_absolute_url())
"""
    passage_url = (
        subprocess.run([*manage, "shell", "-c", setup], env=env, check=True, cwd=ROOT, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )

    port = free_port()
    log = workdir / "server.log"
    log_file = open(log, "w")  # noqa: SIM115 -- the server writes to it until it is stopped below
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "softpower_site.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--access-logfile",
            "-",
        ],
        env=env,
        cwd=ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        results: list = []
        ready = threading.Barrier(annotators)
        pool = [
            Annotator(i, port, passage_url, seconds, ready, results, pathological=i < pathological)
            for i in range(annotators)
        ]
        for annotator in pool:
            annotator.start()
        for annotator in pool:
            annotator.join(timeout=seconds + 300)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log_file.close()

    count = (
        subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                "from readings.models import Annotation; import json; print(json.dumps(sorted(Annotation.objects.values_list('body', flat=True))))",
            ],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    stored = json.loads(count)
    accepted = sorted(r[2] for r in results if r[0] == "write" and r[1] == 302)
    failures = [r for r in results if not (r[0] == "write" and r[1] == 302)]
    server_log = log.read_text(errors="replace")
    locked = server_log.count("database is locked")
    summary = {
        "annotators": annotators,
        "pathological": pathological,
        "seconds": seconds,
        "writes_accepted": len(accepted),
        "pathological_writes_accepted": sum(1 for r in results if r[0] == "write" and r[1] == 302 and r[3]),
        "writes_stored": len(stored),
        "lost_writes": len(set(accepted) - set(stored)),
        "failed_requests": len(failures),
        "database_locked": locked,
        "server_errors": len(re.findall(r'" 5\d\d ', server_log)),
    }
    print(json.dumps(summary))
    ok = summary["lost_writes"] == 0 and not failures and locked == 0 and summary["server_errors"] == 0 and accepted
    if not ok:
        print("FAILED:", [tuple(str(part)[:80] for part in failure) for failure in failures[:5]], file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotators", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--pathological", type=int, default=0, metavar="N", help="how many of the annotators post the slowest Markdown"
    )
    args = parser.parse_args()
    sys.exit(run(args.annotators, args.seconds, args.workers, args.threads, args.pathological))
