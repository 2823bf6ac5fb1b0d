"""Load test of a running server: N logged-in clients, no think time, over real HTTP.

    python benchmarks/load.py [--url http://127.0.0.1:8000] [--clients 50] [--seconds 60] [--requests N]

Standard library only (threads, urllib with a cookie jar per client). Loopback only: it refuses any
other host. The clients are spread over the three demo roles (`create_demo_users`, password
demo-2026) in turn — office, liaison, supervisor — each logs in through the login form, finds a
task it may read in its task list, then loops over its role's main pages until --seconds have
passed or --requests have been made, whichever is first. Logging in is not timed.

Prints requests/s, p50/p95/p99/max latency, errors (any status but 200, or no answer within
--timeout), and the same per page. Exit status 1 when there was an error.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import ipaddress
import re
import socket
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict

PAGES = {
    "office": ["/tasks/", "/tasks/{task}/", "/dashboard/", "/deadlines/reports/", "/units/"],
    "liaison": ["/tasks/mine/", "/tasks/", "/tasks/{task}/"],
    "supervisor": ["/dashboard/", "/tasks/", "/tasks/{task}/", "/deadlines/reports/", "/units/"],
}
ROLES = ["office", "liaison", "supervisor"]


def loopback_only(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as exc:
        raise SystemExit(f"cannot resolve {host}: {exc}") from exc
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise SystemExit(f"refusing to load {host}: loopback only")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base: str, user: str, password: str, timeout: float):
        self.base, self.user, self.password, self.timeout = base.rstrip("/"), user, password, timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.task = None

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self) -> None:
        status, body = self.get("/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not match:
            raise RuntimeError(f"{self.user}: login page answered {status}")
        data = urllib.parse.urlencode({
            "username": self.user, "password": self.password, "csrfmiddlewaretoken": match.group(1).decode(),
        }).encode()
        request = urllib.request.Request(self.base + "/login/", data=data, headers={"Referer": self.base + "/login/"})
        with self.opener.open(request, timeout=self.timeout) as response:
            final = response.geturl()
        if "/login/" in urllib.parse.urlsplit(final).path:
            raise RuntimeError(f"{self.user}: login refused (wrong password, or cookies not kept over http?)")
        status, body = self.get("/tasks/")
        match = re.search(rb'href="/tasks/(\d+)/"', body)
        if status != 200 or not match:
            raise RuntimeError(f"{self.user}: no readable task in the task list (status {status})")
        self.task = int(match.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0, help="stop after this long (default 60)")
    parser.add_argument("--requests", type=int, default=0, help="stop after this many requests (0: no limit)")
    parser.add_argument("--users", default="office,liaison,supervisor",
                        help="one demo user per role, in the order office,liaison,supervisor")
    parser.add_argument("--password", default="demo-2026")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a request counts as an error")
    args = parser.parse_args()
    loopback_only(args.url)
    users = dict(zip(ROLES, args.users.split(","), strict=True))

    clients = [(ROLES[i % 3], Client(args.url, users[ROLES[i % 3]], args.password, args.timeout))
               for i in range(args.clients)]
    print(f"logging in {args.clients} clients ({', '.join(f'{r}: {users[r]}' for r in ROLES)}) …", flush=True)
    started = time.monotonic()
    failures: list[str] = []

    def log_in(client):
        try:
            client.login()
        except Exception as exc:  # noqa: BLE001 — reported below
            failures.append(str(exc))

    threads = [threading.Thread(target=log_in, args=(c,)) for _, c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        print("login failed:", *sorted(set(failures)), sep="\n  ")
        return 1
    print(f"logged in in {time.monotonic() - started:.1f} s", flush=True)

    lock = threading.Lock()
    results: list[tuple[str, float, str | None]] = []  # page, seconds, error
    stop = threading.Event()
    budget = [args.requests or float("inf")]

    def run(role: str, client: Client) -> None:
        pages = PAGES[role]
        i = 0
        while not stop.is_set():
            with lock:
                if budget[0] <= 0:
                    stop.set()
                    return
                budget[0] -= 1
            page = pages[i % len(pages)]
            i += 1
            t0 = time.monotonic()
            error = None
            try:
                status, _ = client.get(page.format(task=client.task))
                if status != 200:
                    error = f"HTTP {status}"
            except Exception as exc:  # noqa: BLE001 — counted as an error
                error = type(exc).__name__
            elapsed = time.monotonic() - t0
            with lock:
                results.append((f"{role} {page}", elapsed, error))

    workers = [threading.Thread(target=run, args=rc, daemon=True) for rc in clients]
    print(f"timed from {time.strftime('%H:%M:%S')} (epoch {time.time():.0f})", flush=True)
    cpu_start = time.process_time()
    t_start = time.monotonic()
    for w in workers:
        w.start()
    stop.wait(args.seconds)
    stop.set()
    for w in workers:
        w.join(args.timeout + 5)
    duration = time.monotonic() - t_start
    print(f"timed until {time.strftime('%H:%M:%S')} (epoch {time.time():.0f}); "
          f"this client used {time.process_time() - cpu_start:.1f} s of CPU", flush=True)

    def figures(times: list[float]) -> str:
        if len(times) < 2:
            return f"n={len(times)}"
        q = statistics.quantiles(times, n=100, method="inclusive")
        return f"p50 {q[49]:.2f} s  p95 {q[94]:.2f} s  p99 {q[98]:.2f} s  max {max(times):.2f} s"

    times = [s for _, s, _ in results]
    errors = [(p, e) for p, _, e in results if e]
    print(f"{len(results)} requests in {duration:.1f} s with {args.clients} clients: "
          f"{len(results) / duration:.1f} req/s, errors {len(errors)}")
    print("  all:", figures(times))
    by_page = defaultdict(list)
    for page, seconds, _ in results:
        by_page[page].append(seconds)
    for page in sorted(by_page):
        print(f"  {page:32} n={len(by_page[page]):5}  {figures(by_page[page])}")
    if errors:
        kinds = defaultdict(int)
        for page, error in errors:
            kinds[f"{page}: {error}"] += 1
        print("errors:", *(f"{n} × {k}" for k, n in sorted(kinds.items())), sep="\n  ")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
