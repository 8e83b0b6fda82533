"""Load benchmark of the web app in production mode; prints figures, asserts nothing.

For each size (apprentices x mentors) it makes a scratch PostgreSQL database, loads the demo
with `flask --app web demo-data`, starts gunicorn (-w 2) and a Celery worker on loopback,
runs a round through the worker (timing the POST, the worker and the whole trip to the
results page, against the matcher CLI on the same profiles), then measures every page with
wrk at each client count: p50/p95/p99, requests per second and SQL statements per request.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import html.parser
import json
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
DEMO_PASSWORD = "pathways-demo-2026"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ROUND_TIMEOUT = 1800


def main() -> None:
    """Run the benchmark at each size and print one table per size, then the ratios."""
    args = _parse_args()
    results = {}
    for size in args.sizes:
        apprentices, mentors = (int(n) for n in size.lower().split("x"))
        results[size] = run_size(apprentices, mentors, args.clients, args.duration)
    if len(results) == 2:
        _print_ratios(*results.values())


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["3000x800", "30000x8000"])
    parser.add_argument("--clients", nargs="+", type=int, default=[20, 50])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    return parser.parse_args()


def run_size(apprentices: int, mentors: int, clients: list[int], duration: int) -> dict:
    """Everything measured at one size."""
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"\n== {apprentices} apprentices x {mentors} mentors (load average {load}) ==")
    with ExitStack() as stack:
        env = stack.enter_context(_scratch_environment())
        started = time.perf_counter()
        _flask(env, "setup")
        _flask(env, "demo-data", "--apprentices", str(apprentices), "--mentors", str(mentors))
        print(f"demo data loaded in {time.perf_counter() - started:.1f} s", flush=True)
        base, worker_pid, web_pid = stack.enter_context(_servers(env))
        round_figures = _run_round(base, env) | {"worker_peak_mb": _peak_mb(worker_pid)}
        print(f"worker peak RSS {round_figures['worker_peak_mb']:.0f} MB", flush=True)
        pages = _pages(base, round_figures["round_id"])
        figures = {"round": round_figures, "pages": {}}
        for name, (url, headers, body) in pages.items():
            statements, size = _one_request(url, headers, body)
            # Work a first view queues (a readiness check after the round) ends before wrk.
            _wait_until_idle(worker_pid)
            for c in clients:
                hashing, saved = _hash_cpu_seconds(env), _registrations_saved(env)
                before = _cpu_now(web_pid, worker_pid)
                wrk = _wrk(url, headers, body, c, duration)
                after = _cpu_now(web_pid, worker_pid)
                # A registration's costs are shared among the rows saved meanwhile: wrk does not
                # count the requests still under way when it stops, whose work is in the CPU.
                served = _registrations_saved(env) - saved if body else wrk["requests"]
                wrk |= _cpu_per_request(before, after, served)
                wrk["hash_cpu_ms"] = 1000 * (_hash_cpu_seconds(env) - hashing) / max(served, 1)
                figures["pages"][(name, c)] = wrk | {"statements": statements, "bytes": size}
                print(
                    f"{name:32} c={c:<3} p50 {wrk['p50']:8.1f} ms  p95 {wrk['p95']:8.1f} ms  "
                    f"p99 {wrk['p99']:8.1f} ms  {wrk['rps']:7.1f} req/s  "
                    f"{statements:3} statements  {size:9} bytes  errors {wrk['errors']}  "
                    f"load {os.getloadavg()[0]:.1f}  CPU/request: web {wrk['cpu_ms']:.1f} ms, "
                    f"worker {wrk['worker_cpu_ms']:.1f} ms, machine {wrk['machine_cpu_ms']:.1f} ms",
                    flush=True,
                )
        _print_registration(env, figures, clients)
        return figures


def _cpu_seconds(master_pid: int, with_master: bool = False) -> float:
    """User and system CPU seconds of a process's children (and itself) so far (from /proc)."""
    pids = [str(master_pid)] if with_master else []
    for task in Path(f"/proc/{master_pid}/task").glob("*/children"):
        pids += task.read_text().split()
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _registrations_saved(env: dict) -> int:
    """How many accounts the benchmark's registrations have created so far."""
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        return conn.execute("SELECT count(*) FROM users WHERE email LIKE 'bench.%'").fetchone()[0]


def _hash_cpu_seconds(env: dict) -> float:
    """CPU seconds the web workers have spent hashing passwords so far (counted_wsgi.py)."""
    folder = Path(env["BENCH_HASH_CPU_DIR"])
    return sum(float(file.read_text()) for file in folder.glob("*.seconds"))


def _machine_busy_seconds() -> float:
    """CPU seconds every core of the machine has spent busy since it started (/proc/stat)."""
    times = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = times[3] + times[4]  # idle and waiting for I/O
    return (sum(times[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _cpu_now(web_pid: int, worker_pid: int) -> tuple[float, float, float]:
    """(gunicorn's workers, the Celery worker with its pool, the whole machine) CPU seconds."""
    worker = _cpu_seconds(worker_pid, with_master=True)
    return _cpu_seconds(web_pid), worker, _machine_busy_seconds()


def _cpu_per_request(before: tuple, after: tuple, requests: int) -> dict:
    """CPU milliseconds per request: web workers, Celery worker, and the machine as a whole.

    The machine's figure holds everything the request cost on these cores: PostgreSQL, Redis,
    the Celery worker and wrk itself, besides the web workers.
    """
    per_request = [1000 * (b - a) / max(requests, 1) for a, b in zip(before, after, strict=True)]
    web, worker, machine = per_request
    return {"cpu_ms": web, "worker_cpu_ms": worker, "machine_cpu_ms": machine}


def _wait_until_idle(worker_pid: int, quiet_seconds: float = 2.0, at_most: float = 300) -> None:
    """Wait until the Celery worker has used no CPU for `quiet_seconds` (or `at_most` s)."""
    deadline = time.monotonic() + at_most
    last, quiet_since = _cpu_seconds(worker_pid, with_master=True), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = _cpu_seconds(worker_pid, with_master=True)
        if now - last > 0.02:
            last, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_seconds:
            return


def _print_registration(env: dict, figures: dict, clients: list[int]) -> None:
    """Registration against its targets: rows saved, CPU beside the hash, hash-bound throughput."""
    from web.auth.passwords import hash_password

    hash_ms = 1000 * min(
        _timed(lambda: hash_password("a-long-bench-password-2026")) for _ in range(5)
    )
    saved = _registrations_saved(env)
    answered = 1 + sum(
        figures["pages"][("registration POST", c)]["requests"]
        - figures["pages"][("registration POST", c)]["errors"]
        for c in clients
    )
    bound = 1000 * (os.cpu_count() or 1) / hash_ms
    print(
        f"registration: {saved} rows saved for {answered} registrations answered; "
        f"one Argon2id hash {hash_ms:.0f} ms, so the hash alone allows {bound:.1f} req/s"
    )
    print(f"  hashing alone on every core at once: {_hashes_per_second_on_all_cores():.1f} per s")
    for c in clients:
        wrk = figures["pages"][("registration POST", c)]
        print(
            f"  c={c:<3} {wrk['rps']:.1f} req/s = {100 * wrk['rps'] / bound:.0f}% of that bound "
            f"(target >= 80% at 20); CPU beside the hash {wrk['cpu_ms'] - hash_ms:.1f} ms "
            f"(target < 15 ms), {wrk['cpu_ms'] - wrk['hash_cpu_ms']:.1f} ms beside the "
            f"{wrk['hash_cpu_ms']:.1f} ms its hashes took in the run; a registration's CPU: "
            f"web {wrk['cpu_ms']:.1f} ms, Celery "
            f"worker (its email) {wrk['worker_cpu_ms']:.1f} ms, "
            f"whole machine {wrk['machine_cpu_ms']:.1f} ms"
        )


def _hash_for(seconds: float) -> int:
    from web.auth.passwords import hash_password

    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        hash_password("a-long-bench-password-2026")
        done += 1
    return done


def _hashes_per_second_on_all_cores(seconds: float = 3.0) -> float:
    """Password hashes a second with one process hashing on each core, nothing else running."""
    cores = os.cpu_count() or 1
    with multiprocessing.get_context("spawn").Pool(cores) as pool:
        pool.map(_hash_for, [0.2] * cores)  # imports and first hash out of the way
        return sum(pool.map(_hash_for, [seconds] * cores)) / seconds


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


@contextmanager
def _scratch_environment():
    """A new PostgreSQL database, a Celery queue and an instance folder of one's own."""
    name = f"pathways_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    instance = tempfile.mkdtemp(prefix="pathways-bench-")
    env = os.environ | {
        "DATABASE_URL": ADMIN_URL.rsplit("/", 1)[0] + "/" + name,
        "REDIS_URL": REDIS_URL,
        "CELERY_QUEUE": name,
        "SECRET_KEY": "bench-" + name,
        "PATHWAYS_INSTANCE": instance,
        "PYTHONPATH": str(ROOT / "bench"),
        "PUBLIC_URL": "http://localhost",
        "BENCH_HASH_CPU_DIR": instance,
        # Plain HTTP on loopback, scripted sign-ins, one address registering thousands.
        "SESSION_COOKIE_SECURE": "0",
        "MFA_REQUIRED": "0",
        "REGISTRATION_LIMIT": "1000000 per hour",
    }
    try:
        yield env
    finally:
        shutil.rmtree(instance, ignore_errors=True)
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _flask(env: dict, *args: str) -> None:
    subprocess.run([BIN / "flask", "--app", "web", *args], env=env, cwd=ROOT, check=True)


@contextmanager
def _servers(env: dict):
    """gunicorn (2 workers) on a free loopback port and one Celery worker; stopped after."""
    port = _free_port()
    web = subprocess.Popen(
        [BIN / "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "counted_wsgi:app"],
        env=env,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [BIN / "celery", "-A", "workers", "worker", "-c", "1", "-Q", env["CELERY_QUEUE"]]
        + ["--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/login")
        yield base, worker.pid, web.pid
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            process.wait(timeout=60)


def _peak_mb(pid: int) -> float:
    """The largest peak resident size (VmHWM) of a process and its children, in MB."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        pids += [int(child) for child in task.read_text().split()]
    peaks = []
    for one in pids:
        status = Path(f"/proc/{one}/status")
        if status.exists():
            peak = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
            peaks.append(int(peak.group(1)) / 1024 if peak else 0.0)
    return max(peaks, default=0.0)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str) -> None:
    for _ in range(300):
        try:
            requests.get(url, timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} never answered")


def _signed_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    token = CSRF.search(session.get(base + "/login").text).group(1)
    answer = session.post(
        base + "/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    answer.raise_for_status()
    return session


class _FormFields(html.parser.HTMLParser):
    """The fields a browser would send from the form whose action ends with `action`."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields, self.select = action, False, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action", "").endswith(self.action)
        elif self.inside and tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((a["name"], a.get("value", "")))
        elif self.inside and tag == "select":
            self.select = a.get("name")
        elif self.inside and tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def _form(page: str, action: str) -> list[tuple[str, str]]:
    parser = _FormFields(action)
    parser.feed(page)
    return parser.fields


def _run_round(base: str, env: dict) -> dict:
    """Start a round from the cohort page, wait for the worker, open the results page."""
    coordinator = _signed_in(base, "coordinator@pathways.example")
    cohort_page = coordinator.get(base + "/coordinator/cohorts/1").text
    fields = _form(cohort_page, "/coordinator/cohorts/1/rounds")
    started = time.perf_counter()
    answer = coordinator.post(
        base + "/coordinator/cohorts/1/rounds", data=fields, allow_redirects=False
    )
    post_seconds = time.perf_counter() - started
    round_id = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    while True:
        progress = coordinator.get(f"{base}/coordinator/rounds/{round_id}/progress.json").json()
        waited = time.perf_counter() - started
        if progress["status"] in ("succeeded", "failed") or waited > ROUND_TIMEOUT:
            break
        time.sleep(0.1)
    coordinator.get(f"{base}/coordinator/rounds/{round_id}").raise_for_status()
    trip = time.perf_counter() - started
    worker = _worker_round_seconds(env, round_id)
    cli = _cli_seconds(env)
    figures = {"round_id": round_id, "post": post_seconds, "trip": trip, "worker": worker}
    figures |= {"cli": cli, "status": progress["status"]}
    print(
        f"round {round_id} {progress['status']}: POST {post_seconds * 1000:.0f} ms, worker "
        f"{worker:.2f} s, POST to results page {trip:.2f} s; matcher CLI {cli:.2f} s "
        f"(worker {worker / cli:.2f}x, whole trip {trip / cli:.2f}x)",
        flush=True,
    )
    return figures


def _worker_round_seconds(env: dict, round_id: int) -> float:
    with psycopg.connect(env["DATABASE_URL"]) as connection:
        seconds = connection.execute(
            "SELECT EXTRACT(EPOCH FROM finished_at - started_at) FROM match_rounds WHERE id = %s",
            (round_id,),
        ).fetchone()[0]
    return float(seconds)


def _cli_seconds(env: dict) -> float:
    """The matcher CLI on the same profiles, exported to CSV files beforehand."""
    folder = Path(env["PATHWAYS_INSTANCE"])
    export = (
        "from web import create_app; from web.services import round_inputs as r; "
        "from web.models import ApprenticeProfile as A, MentorProfile as M; "
        "from matcher.csvio import write_apprentices, write_mentors; import sys; "
        "app = create_app(); ctx = app.app_context(); ctx.push(); "
        "write_apprentices(open(sys.argv[1], 'w'), r.load_apprentices(A.cohort_id == 1)); "
        "write_mentors(open(sys.argv[2], 'w'), r.load_mentors(M.accepting, taken={}))"
    )
    paths = [str(folder / name) for name in ("a.csv", "m.csv", "pairs.csv")]
    subprocess.run([sys.executable, "-c", export, *paths[:2]], env=env, cwd=ROOT, check=True)
    started = time.perf_counter()
    subprocess.run(
        [BIN / "pathways-match", "--apprentices", paths[0], "--mentors", paths[1]]
        + ["--out", paths[2], "--quiet"],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _pages(base: str, round_id: int) -> dict[str, tuple[str, dict, str | None]]:
    """Name -> (URL, headers with the right sign-in, POST body or None)."""
    coordinator = _cookie(_signed_in(base, "coordinator@pathways.example"))
    slug = "".join(ch for ch in "lakeshore community college" if ch.isalnum())[:20]
    partner_session = _signed_in(base, f"partners@{slug}.example.org")
    partner = _cookie(partner_session)
    api = {"Authorization": "Bearer " + _api_token(base, partner_session)}
    registration = _registration(base)
    c, p = {"Cookie": coordinator}, {"Cookie": partner}
    return {
        "round review": (f"{base}/coordinator/rounds/{round_id}", c, None),
        "round unmatched": (f"{base}/coordinator/rounds/{round_id}/unmatched", c, None),
        "round report": (f"{base}/coordinator/rounds/{round_id}/report", c, None),
        "coordinator dashboard": (f"{base}/coordinator/", c, None),
        "coordinator cohort": (f"{base}/coordinator/cohorts/1", c, None),
        "mentorships": (f"{base}/coordinator/mentorships", c, None),
        "mentors": (f"{base}/coordinator/mentors", c, None),
        "audit log": (f"{base}/coordinator/audit", c, None),
        "partner dashboard": (f"{base}/partner/", p, None),
        "partner cohort": (f"{base}/partner/cohorts/1", p, None),
        "API cohorts": (f"{base}/api/v1/cohorts", api, None),
        "API cohort apprentices": (f"{base}/api/v1/cohorts/1/apprentices", api, None),
        "registration GET": (f"{base}/apprentice/register", {}, None),
        "registration POST": registration,
    }


def _cookie(session: requests.Session) -> str:
    return "; ".join(f"{k}={v}" for k, v in session.cookies.items())


def _api_token(base: str, partner: requests.Session) -> str:
    page = partner.get(base + "/partner/tokens").text
    answer = partner.post(
        base + "/partner/tokens",
        data={"name": "bench", "csrf_token": CSRF.search(page).group(1)},
    )
    return re.search(r"(pw_[A-Za-z0-9_-]{20,})", answer.text).group(1)


def _registration(base: str) -> tuple[str, dict, str]:
    """A valid apprentice registration with EMAIL in place of the address, and its session."""
    anonymous = requests.Session()
    page = anonymous.get(base + "/apprentice/register").text
    partner = re.search(r'name="partner_id"[^>]*>.*?<option value="(\d+)"', page, re.S).group(1)
    cohort = re.search(r'name="cohort_id"[^>]*>.*?<option value="(\d+)"', page, re.S).group(1)
    data = [
        ("csrf_token", CSRF.search(page).group(1)),
        ("name", "Bench Apprentice"),
        ("email", "EMAIL"),
        ("password", "a-long-bench-password-2026"),
        ("confirm", "a-long-bench-password-2026"),
        ("partner_id", partner),
        ("cohort_id", cohort),
        ("pathways", "software_development"),
        ("skill_levels-python", "2"),
        ("availability", "0-evening"),
        ("availability", "2-evening"),
        ("mode", "either"),
        ("region", "south"),
        ("languages", "english"),
        ("date_of_birth", "2000-05-01"),
        ("goals", "Learn"),
    ]
    headers = {
        "Cookie": _cookie(anonymous),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = urlencode(data)
    return base + "/apprentice/register", headers, body


def _one_request(url: str, headers: dict, body: str | None) -> tuple[int, int]:
    """Statements and bytes (uncompressed) of one request."""
    if body is None:
        answer = requests.get(url, headers=headers, allow_redirects=False)
    else:
        one = body.replace("EMAIL", f"bench.once.{uuid.uuid4().hex[:8]}%40students.example.org")
        answer = requests.post(url, headers=headers, data=one, allow_redirects=False)
    if answer.status_code not in (200, 302):
        raise RuntimeError(f"{url} answered {answer.status_code}")
    return int(answer.headers.get("X-Statements", -1)), len(answer.content)


def _wrk(url: str, headers: dict, body: str | None, clients: int, seconds: int) -> dict:
    """wrk's figures for one page at `clients` connections."""
    script = (ROOT / "bench" / "wrk_report.lua").read_text()
    if body is not None:
        script += (ROOT / "bench" / "wrk_register.lua").read_text()
        script += f"\nwrk.method = 'POST'\nwrk.body = {json.dumps(body)}\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    command = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds}s", "--timeout", "30s"]
    command += ["-s", file.name, "-H", "Accept-Encoding: gzip"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    os.unlink(file.name)
    return json.loads(output.strip().splitlines()[-1])


def _print_ratios(small: dict, large: dict) -> None:
    print("\n== larger size / smaller size ==")
    for key, figures in large["pages"].items():
        before = small["pages"].get(key)
        if before:
            name, clients = key
            print(
                f"{name:32} c={clients:<3} p95 x{figures['p95'] / max(before['p95'], 0.1):.2f}  "
                f"statements {before['statements']} -> {figures['statements']}"
            )


if __name__ == "__main__":
    main()
