"""Policies by URL, served from a local server on 127.0.0.1 (never the internet): the seeds fetched
scan like the files, a cached rerun costs 304s and no scan, robots.txt is obeyed, each failure is
one line in the report's errors, and a host gets at most two requests at a time."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.run.scan import WebOptions, scan, tasks_for

from .conftest import SEEDS

SEED_FILES = sorted(p for p in SEEDS.iterdir() if p.suffix in (".md", ".txt"))


class _Handler(http.server.BaseHTTPRequestHandler):
    counts: dict[str, int] = {}
    in_flight = 0
    most_in_flight = 0
    lock = threading.Lock()

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = self.path
        with self.lock:
            self.counts[path] = self.counts.get(path, 0) + 1
            type(self).in_flight += 1
            type(self).most_in_flight = max(type(self).most_in_flight, type(self).in_flight)
        try:
            self._route(path)
        finally:
            with self.lock:
                type(self).in_flight -= 1

    def _route(self, path: str) -> None:
        if path == "/robots.txt":
            return self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if path.startswith(("/seeds/", "/private/")):
            seed = SEEDS / path.rsplit("/", 1)[1]
            body = seed.read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                with self.lock:
                    self.counts["304"] = self.counts.get("304", 0) + 1
                return self._send(304, headers={"ETag": etag})
            kind = "text/markdown; charset=utf-8" if seed.suffix == ".md" else "text/plain; charset=utf-8"
            return self._send(200, body, kind, {"ETag": etag})
        if path == "/moved":
            return self._send(301, headers={"Location": "/seeds/asi.md"})
        if path == "/loop":
            return self._send(302, headers={"Location": "/loop"})
        if path == "/always500":
            return self._send(500)
        if path == "/flaky":
            return self._send(503) if self.counts[path] == 1 else self._send(200, (SEEDS / "asi.md").read_bytes(), "text/markdown")
        if path == "/big":  # no Content-Length: the limit must hold while streaming
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"We collect data. " * 200)
            return None
        if path == "/image":
            return self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")
        if path == "/slow":
            time.sleep(2)
            return self._send(200, b"<p>late</p>")
        if path.startswith("/busy/"):
            time.sleep(0.3)
            return self._send(200, (SEEDS / "asi.md").read_bytes(), "text/markdown")
        if path == "/latin1":
            return self._send(200, "<html><body><p>Données personnelles: we collect your name and e-mail address "
                                   "when you order, and delete them after six years.</p></body></html>".encode("latin-1"),
                              "text/html; charset=ISO-8859-1")
        return self._send(404, b"not here")


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.counts = {}
    _Handler.in_flight = _Handler.most_in_flight = 0
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _statuses(report: dict[str, object], name: str) -> dict[str, str]:
    policy = next(p for p in report["policies"] if str(p["source"]).endswith(name))  # type: ignore[attr-defined, index]
    return {r["id"]: r["status"] for r in policy["requirements"]}


def test_served_seeds_scan_like_the_files_and_a_cached_rerun_scans_nothing(server: str, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    urls = [f"{server}/seeds/{p.name}" for p in SEED_FILES]
    cache = tmp_path / "cache"
    args = ["scan", *urls, "--format", "json", "--host-delay", "0", "--cache", str(cache), "--jobs", "1"]
    first = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "one")])
    assert first.exit_code == 0, first.output
    fetched = json.loads((tmp_path / "one" / "report.json").read_text(encoding="utf-8"))
    CliRunner().invoke(main, ["scan", *map(str, SEED_FILES), "--format", "json", "--out", str(tmp_path / "files")])
    files = json.loads((tmp_path / "files" / "report.json").read_text(encoding="utf-8"))
    for seed in SEED_FILES:
        assert _statuses(fetched, seed.name) == _statuses(files, seed.name), seed.name
    policy = fetched["policies"][0]
    assert policy["source"].startswith(server) and policy["metadata"]["final_url"] == policy["source"]
    assert policy["metadata"]["fetched_at"].endswith("Z")

    import checker.run.tasks as tasks

    def no_scan(*a: object, **k: object) -> None:
        raise AssertionError("an unchanged policy was scanned again")

    monkeypatch.setattr(tasks, "finish", no_scan)
    second = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "two")])
    assert second.exit_code == 0, second.output
    assert _Handler.counts.get("304") == len(SEED_FILES)
    again = json.loads((tmp_path / "two" / "report.json").read_text(encoding="utf-8"))
    for seed in SEED_FILES:
        assert _statuses(again, seed.name) == _statuses(fetched, seed.name)
    assert {p["metadata"].get("http_status") for p in again["policies"]} == {"304 Not Modified"}


def test_every_failure_is_one_line_and_the_batch_goes_on(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    bad = {
        f"{server}/missing": "HTTP 404",
        f"{server}/always500": "HTTP 500 Internal Server Error (after 2 retries)",
        f"{server}/loop": "more than 5 redirects",
        f"{server}/big": "byte limit (--max-bytes)",
        f"{server}/image": "content type image/png is not a policy text",
        f"{server}/slow": "timed out",
        f"{server}/private/asi.md": "disallowed by the site's robots.txt",
        "http://no-such-host.invalid/privacy": "DNS lookup failed",
        f"https://127.0.0.1:{port}/seeds/asi.md": "TLS error",
    }
    tasks, errors = tasks_for([*bad, f"{server}/seeds/asi.md"], max_bytes=50_000,
                              web=WebOptions(host_delay=0, timeout=0.5, backoff=0.01))
    assert [t.source for t in tasks] == [f"{server}/seeds/asi.md"]
    problems = {e.source: e.message for e in errors}
    assert set(problems) == set(bad)
    for url, problem in bad.items():
        assert problems[url].startswith(f"{url}: ") and problem in problems[url], problems[url]
        assert "\n" not in problems[url]
    assert _Handler.counts["/always500"] == 3  # the first try and two retries


def test_retries_redirects_and_the_charset_of_the_response(server: str, compiled) -> None:  # type: ignore[no-untyped-def]
    report = scan([f"{server}/flaky", f"{server}/moved", f"{server}/latin1"], compiled=compiled)
    assert not report.errors
    by_source = {p.source.rsplit("/", 1)[1]: p for p in report.policies}
    assert by_source["moved"].metadata["final_url"] == f"{server}/seeds/asi.md"
    assert _Handler.counts["/flaky"] == 2
    text = " ".join(e.text for v in by_source["latin1"].verdicts for e in v.evidence)
    assert "Données" in text or "delete them after six years" in text
    assert "DonnÃ" not in text


def test_ignore_robots_fetches_what_robots_txt_forbids(server: str) -> None:
    tasks, errors = tasks_for([f"{server}/private/asi.md"], web=WebOptions(host_delay=0, ignore_robots=True))
    assert len(tasks) == 1 and not errors
    assert "/robots.txt" not in _Handler.counts


def test_one_host_gets_two_requests_at_a_time_and_a_pause_between_them(server: str) -> None:
    tasks, errors = tasks_for([f"{server}/busy/{n}" for n in range(6)], web=WebOptions(host_delay=0))
    assert len(tasks) == 6 and not errors
    assert _Handler.most_in_flight == 2
    from checker.inputs.web import Fetcher

    waits: list[float] = []
    fetcher = Fetcher(1_000_000, delay=0.5, sleep=waits.append)  # the pauses asked for, not slept
    list(fetcher.fetch_all([f"{server}/seeds/asi.md", f"{server}/seeds/aspera.md"], threads=1))
    fetcher.close()
    assert len(waits) >= 2 and all(0 < w <= 0.5 for w in waits)  # robots.txt, then each page, half a second apart


def test_the_user_agent_names_gapcheck_and_its_version() -> None:
    from checker import __version__
    from checker.inputs.web import USER_AGENT

    assert USER_AGENT.startswith(f"gapcheck/{__version__} ")


def test_a_crawl_delay_in_robots_txt_lengthens_the_pause(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.inputs import web

    monkeypatch.setattr(_Handler, "_route", lambda self, path: self._send(200, b"User-agent: *\nCrawl-delay: 7\n", "text/plain")
                        if path == "/robots.txt" else _ROUTE(self, path))
    waits: list[float] = []
    fetcher = web.Fetcher(1_000_000, delay=0.5, sleep=waits.append)
    list(fetcher.fetch_all([f"{server}/seeds/asi.md", f"{server}/seeds/aspera.md"], threads=1))
    fetcher.close()
    assert waits and max(waits) > 5  # the site's 7 s, not our 0.5 s


_ROUTE = _Handler._route


def test_fetched_pages_wait_on_disk_not_in_memory(server: str) -> None:
    tasks, errors = tasks_for([f"{server}/seeds/asi.md", f"{server}/latin1"], web=WebOptions(host_delay=0))
    assert not errors and all(t.data is None and t.path for t in tasks)
    assert Path(tasks[0].path or "").read_bytes() == (SEEDS / "asi.md").read_bytes()
    assert [t.kind for t in tasks] == ["markdown", "html"]  # from the content type, not a file name
    inline, _ = tasks_for([f"{server}/seeds/asi.md"], web=WebOptions(host_delay=0, spool=False))  # for Dask
    assert inline[0].path is None and inline[0].data == (SEEDS / "asi.md").read_bytes()
