"""Policies by URL: fetched politely, streamed under the size limit, remembered for conditional GETs.

The client is httpx (BSD, encode.io): one thread-safe client with separate connect and read
timeouts, streaming bodies (the ``--max-bytes`` limit is enforced while reading, not after),
a redirect cap and HTTP/1.1 keep-alive. requests would do too; httpx is chosen for its timeout
model (connect, read, write and pool each bounded) and because it is already in spaCy's tree.

Manners, as a nightly crawler owes them: a User-Agent naming gapcheck and its version;
robots.txt read once per host and obeyed (RFC 9309: a 4xx robots.txt allows everything, a 5xx or
an unreachable one forbids everything) unless ``ignore_robots``; at most ``per_host`` requests in
flight to one host and ``delay`` seconds between the starts of two requests to it (longer when
its robots.txt asks, up to 30 s); at most 5 redirects; a 5xx is retried twice with exponential
backoff. Every failure is one line naming the URL (:class:`InputProblem`) and the batch goes on.

With a cache folder, each URL's ETag and Last-Modified are kept with its last body, and the next
fetch is conditional: an unchanged policy costs a 304 and its old bytes, which the result cache
then answers without scanning.
"""

from __future__ import annotations

import hashlib
import json
import os
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from checker import __version__
from checker.inputs.files import InputProblem

USER_AGENT = f"gapcheck/{__version__} (privacy policy checker; +https://pypi.org/project/gapcheck/)"
ROBOTS_AGENT = "gapcheck"
MAX_REDIRECTS = 5
MAX_CRAWL_DELAY = 30.0
"""Longest Crawl-delay (seconds) from a robots.txt that is honoured between two pages of a host: a
site asking for an hour between pages would stall a nightly batch."""
CONTENT_KINDS = {
    "text/html": "html", "application/xhtml+xml": "html", "text/plain": "text", "text/markdown": "markdown",
    "text/x-markdown": "markdown", "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
"""Content types that hold a policy, and the loader each goes to; anything else is refused."""


@dataclass(frozen=True)
class Fetched:
    """A policy fetched: its bytes (as UTF-8 when the response named another charset), its kind,
    and what the report's metadata says about the fetch."""

    url: str
    data: bytes
    kind: str
    metadata: dict[str, str]
    not_modified: bool = False


@dataclass
class _Host:
    slots: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_start: float = 0.0
    robots: RobotFileParser | None = None
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    unreachable: str = ""
    """Why the host could not be reached at all (DNS, TLS, refused, timeout): every URL's problem."""
    delay: float | None = None
    """The host's own Crawl-delay from robots.txt, when longer than ours."""


class Fetcher:
    """Fetches policy URLs with the manners above; :meth:`fetch_all` runs them on threads."""

    def __init__(self, max_bytes: int, cache_dir: str | None = None, ignore_robots: bool = False,
                 per_host: int = 2, delay: float = 1.0, timeout: float = 15.0, retries: int = 2,
                 backoff: float = 0.5, sleep: Callable[[float], None] = time.sleep) -> None:
        import httpx  # only when a URL is scanned

        self.max_bytes = max_bytes
        self.cache_dir = os.path.join(cache_dir, "http") if cache_dir else None
        self.ignore_robots = ignore_robots
        self.per_host, self.delay, self.retries, self.backoff = per_host, delay, retries, backoff
        self.timeout = timeout
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._client = httpx.Client(follow_redirects=True, max_redirects=MAX_REDIRECTS,
                                    timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
                                    headers={"User-Agent": USER_AGENT})

    def close(self) -> None:
        self._client.close()

    def fetch_all(self, urls: Sequence[str], threads: int = 16) -> Iterator[Fetched | InputProblem]:
        """Each URL's :class:`Fetched` or its one-line problem, in the order given, as they come
        (a caller that stores each page as it arrives holds few pages in memory)."""
        def one(url: str) -> Fetched | InputProblem:
            try:
                return self.fetch(url)
            except InputProblem as exc:
                return exc
        if not urls:
            return
        with ThreadPoolExecutor(max_workers=max(1, min(threads, len(urls)))) as pool:
            yield from pool.map(one, urls)

    # -- one URL -------------------------------------------------------------------------------

    def fetch(self, url: str) -> Fetched:
        host = self._host(url)
        if not self.ignore_robots and not self._allowed(url, host):
            raise InputProblem(f"{url}: disallowed by the site's robots.txt (--ignore-robots fetches it anyway)")
        remembered = self._remembered(url)
        headers: dict[str, str] = {}
        if remembered:
            if remembered.get("etag"):
                headers["If-None-Match"] = remembered["etag"]
            if remembered.get("last_modified"):
                headers["If-Modified-Since"] = remembered["last_modified"]
        for attempt in range(self.retries + 1):
            status, reason, response = self._get(url, host, headers)
            if status < 500 or attempt == self.retries:
                break
            self._sleep(self.backoff * 2 ** attempt)
        fetched_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if status == 304 and remembered is not None:
            data = self._body(url)
            if data is not None:
                meta = {"url": url, "final_url": remembered.get("final_url", url), "fetched_at": fetched_at,
                        "http_status": "304 Not Modified"}
                return Fetched(url, data, remembered["kind"], meta, not_modified=True)
        if status >= 500:
            raise InputProblem(f"{url}: HTTP {status} {reason} (after {self.retries} retries)")
        if status >= 400 or response is None:
            raise InputProblem(f"{url}: HTTP {status} {reason}")
        data, kind, final_url, etag, modified = response
        meta = {"url": url, "final_url": final_url, "fetched_at": fetched_at}
        self._remember(url, data, kind, final_url, etag, modified)
        return Fetched(url, data, kind, meta)

    def _get(self, url: str, host: _Host, headers: dict[str, str]) -> tuple[int, str, tuple[bytes, str, str, str, str] | None]:
        """One GET under the host's limits: (status, reason, (body, kind, final URL, ETag,
        Last-Modified) for a 2xx)."""
        import httpx

        with host.slots:
            self._wait_turn(host)
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    status, reason = response.status_code, response.reason_phrase
                    if status >= 300:
                        return status, reason, None
                    kind, charset = _content_kind(url, response.headers.get("content-type", ""))
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > self.max_bytes:
                        raise InputProblem(f"{url}: {int(declared):,} bytes, over the {self.max_bytes:,}-byte "
                                           "limit (--max-bytes)")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > self.max_bytes:
                            raise InputProblem(f"{url}: more than the {self.max_bytes:,}-byte limit (--max-bytes)")
                    data = _as_utf8(bytes(body), charset) if kind in ("html", "text", "markdown") else bytes(body)
                    return status, reason, (data, kind, str(response.url), response.headers.get("etag", ""),
                                            response.headers.get("last-modified", ""))
            except InputProblem:
                raise
            except httpx.TooManyRedirects:
                raise InputProblem(f"{url}: more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
            except httpx.TimeoutException:
                raise InputProblem(f"{url}: timed out (no answer within {self.timeout:g} s)") from None
            except httpx.ConnectError as exc:
                raise InputProblem(f"{url}: {_connect_problem(exc)}") from None
            except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
                raise InputProblem(f"{url}: {_connect_problem(exc)}") from None

    def _wait_turn(self, host: _Host) -> None:
        with host.lock:
            wait = host.last_start + max(self.delay, host.delay or 0.0) - time.monotonic()
            if wait > 0:
                self._sleep(wait)
            host.last_start = time.monotonic()

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        with self._hosts_lock:
            if key not in self._hosts:
                self._hosts[key] = _Host(threading.Semaphore(self.per_host))
            return self._hosts[key]

    def _allowed(self, url: str, host: _Host) -> bool:
        with host.robots_lock:
            if host.robots is None:
                host.robots = self._robots(url, host)
        if host.unreachable:  # the page would fail the same way: say why, not "disallowed"
            raise InputProblem(f"{url}: {host.unreachable}")
        return host.robots.can_fetch(ROBOTS_AGENT, url)

    def _robots(self, url: str, host: _Host) -> RobotFileParser:
        parts = urlsplit(url)
        address = f"{parts.scheme}://{parts.netloc}/robots.txt"
        robots = RobotFileParser(address)
        try:
            status, _, response = self._get(address, host, {})
        except InputProblem as exc:
            problem = str(exc).split(": ", 1)[-1]
            if problem.startswith(("DNS", "TLS", "connection", "timed out")):
                host.unreachable = problem
            status, response = 599, None  # unreachable: RFC 9309 says assume everything is disallowed
        if response is not None:
            robots.parse(response[0].decode("utf-8", "replace").splitlines())
            asked = robots.crawl_delay(ROBOTS_AGENT)
            if asked is not None:
                host.delay = min(float(asked), MAX_CRAWL_DELAY)
        elif 400 <= status < 500:
            robots.parse([])  # no rules: everything allowed
        else:
            robots.parse(["User-agent: *", "Disallow: /"])
        return robots

    # -- conditional requests ----------------------------------------------------------------

    def _paths(self, url: str) -> tuple[str, str] | None:
        if not self.cache_dir:
            return None
        name = hashlib.sha256(url.encode()).hexdigest()
        return os.path.join(self.cache_dir, name + ".json"), os.path.join(self.cache_dir, name + ".body")

    def _remembered(self, url: str) -> dict[str, Any] | None:
        paths = self._paths(url)
        if paths is None or not os.path.exists(paths[0]):
            return None
        try:
            with open(paths[0], encoding="utf-8") as handle:
                record = json.load(handle)
            return record if isinstance(record, dict) and record.get("url") == url else None
        except (OSError, ValueError):
            return None

    def _body(self, url: str) -> bytes | None:
        paths = self._paths(url)
        if paths is None:
            return None
        try:
            with open(paths[1], "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def _remember(self, url: str, data: bytes, kind: str, final_url: str, etag: str, modified: str) -> None:
        paths = self._paths(url)
        if paths is None or not (etag or modified):
            return
        os.makedirs(os.path.dirname(paths[0]), exist_ok=True)
        record = {"url": url, "etag": etag, "last_modified": modified, "kind": kind, "final_url": final_url}
        for path, content in ((paths[1], data), (paths[0], json.dumps(record).encode())):
            temporary = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
            with open(temporary, "wb") as handle:
                handle.write(content)
            os.replace(temporary, path)  # body first, record last: a record never names a missing body


def _content_kind(url: str, content_type: str) -> tuple[str, str | None]:
    """(loader kind, charset) from the response's Content-Type; a non-text type is a problem."""
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
    if not media:
        return "html", charset  # no type at all: servers that omit it serve pages
    kind = CONTENT_KINDS.get(media)
    if kind is None:
        raise InputProblem(f"{url}: content type {media} is not a policy text (HTML, plain text, Markdown, PDF, .docx)")
    return kind, charset


def _as_utf8(data: bytes, charset: str | None) -> bytes:
    """The body re-encoded as UTF-8 when the response named another charset (the header wins)."""
    if not charset or charset in ("utf-8", "utf8"):
        return data
    try:
        return data.decode(charset, errors="replace").encode("utf-8")
    except LookupError:  # a charset Python does not know: leave detection to the decoder
        return data


def _connect_problem(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    chain = [exc, exc.__cause__, exc.__context__]
    if any(isinstance(e, ssl.SSLError) for e in chain) or "SSL" in text or "TLS" in text:
        return f"TLS error ({text[:120]})"
    if any(marker in text for marker in ("Name or service not known", "nodename nor servname", "getaddrinfo",
                                          "Temporary failure in name resolution", "No address associated",
                                          "[Errno -2]", "[Errno -3]", "[Errno -5]")):
        return "DNS lookup failed (no such host)"
    return f"connection failed ({text[:120] or type(exc).__name__})"
