#!/usr/bin/env python3
"""Runs the benchmarks side by side with their peers, prints a table and
rewrites docs/performance.md with the figures of this run.

B1: echo throughput, line-framed. Every server runs alone on the machine,
under the same load generator (echo_load), for every load; each cell is the
median of --runs runs (default 5)."""
import argparse
import time
import datetime
import os
import platform
import statistics
import re
import subprocess
import sys
import tempfile

LOADS = [  # (label, connections, in flight per connection, message bytes)
    ("1 conn x 64 in flight x 64 B", 1, 64, 64),
    ("100 conns x 16 x 64 B", 100, 16, 64),
    ("10 conns x 4 x 16 KiB", 10, 4, 16 * 1024),
]


def peers(build, bench):
    py = "/usr/bin/python3"
    result = [
        ("actors echo_server", [f"{build}/examples/echo_server", "--port", "0"]),
        ("actors echo_server --session-actors",
         [f"{build}/examples/echo_server", "--port", "0", "--session-actors"]),
        ("asio (hand-written, 1 thread)", [f"{build}/tests/bench/asio_echo"]),
        ("raw CAF broker", [f"{build}/tests/bench/caf_echo"]),
        ("Python asyncio streams", [py, f"{bench}/py_echo_streams.py"]),
        ("Python asyncio Protocol", [py, f"{bench}/py_echo_protocol.py"]),
    ]
    return [(name, cmd) for name, cmd in result if os.path.exists(cmd[0])
            and (cmd[0] != py or os.path.exists(cmd[1]))]


def start(cmd):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    banner = proc.stdout.readline().strip()
    if not banner.startswith("listening on "):
        proc.kill()
        raise RuntimeError(f"{cmd[0]}: no banner, got {banner!r}")
    return proc, int(banner.rsplit(":", 1)[1])


def run_load(load_gen, port, conns, inflight, size, seconds, extra=()):
    out = subprocess.run(
        [load_gen, "--port", str(port), "--connections", str(conns),
         "--inflight", str(inflight), "--size", str(size),
         "--seconds", str(seconds), *extra],
        capture_output=True, text=True, timeout=seconds + 60)
    values = dict(line.split() for line in out.stdout.splitlines() if line)
    if out.returncode != 0 or int(values.get("errors", 1)) != 0:
        return None
    return float(values["messages_per_second"])


def interleaved_samples(cells, runs):
    """cells: {key: (cmd, measure)}, measure(port, pid) giving a value or
    None. Runs every cell once per round, `runs` rounds, a fresh server each
    time, and returns {key: [values]}. Round by round rather than server by
    server, so that the host's drift over minutes (other tenants, clocks)
    weighs on every server alike."""
    samples = {key: [] for key in cells}
    for _ in range(runs):
        for key, (cmd, measure) in cells.items():
            proc, port = start(cmd)
            try:
                value = measure(port, proc.pid)
            finally:
                proc.kill()
                proc.wait()
            if value is not None:
                samples[key].append(value)
    return samples


def interleaved_medians(cells, runs):
    """interleaved_samples' values as {key: median or None}."""
    return {key: statistics.median(values) if values else None
            for key, values in interleaved_samples(cells, runs).items()}


def run_key_values(cmd, timeout, complete):
    """Runs a tool that prints "key value" lines: its values, or None if it
    failed or `complete(values)` is false."""
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    values = key_values(out.stdout)
    return values if out.returncode == 0 and complete(values) else None


def interleaved_key_value_medians(cells, runs, summary):
    """interleaved_samples for measures that return run_key_values' values:
    {key: {value key: median} or None}, each printed as `summary(cell)`."""
    table = {key: ({k: statistics.median(r[k] for r in values) for k in values[0]}
                   if values else None)
             for key, values in interleaved_samples(cells, runs).items()}
    for key, cell in table.items():
        print(f"  {key}: {'failed' if cell is None else summary(cell)}", flush=True)
    return table


def bench_echo(args):
    load_gen = f"{args.build_dir}/tests/bench/echo_load"
    cells = {}
    for name, cmd in peers(args.build_dir, args.bench_dir):
        for label, conns, inflight, size in LOADS:
            cells[(name, label)] = (cmd, lambda port, _pid, c=conns, i=inflight, z=size: run_load(
                load_gen, port, c, i, z, args.seconds))
    table = interleaved_medians(cells, args.runs)
    for (name, label), value in table.items():
        print(f"  {name:32} {label:30} {fmt(value)}", flush=True)
    return table


TLS_LOADS = LOADS[:2]  # B6: small messages, where TLS costs the most
TLS_HANDSHAKES = 500
ASIO_TLS = "asio + asio::ssl (hand-written, 1 thread)"


def make_certificate(directory):
    """A throwaway self-signed certificate for localhost and 127.0.0.1."""
    cert, key = f"{directory}/cert.pem", f"{directory}/key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
         "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True)
    return cert, key


def tls_peers(build, cert, key):
    result = [
        ("actors echo_server --tls-cert", [f"{build}/examples/echo_server", "--port",
                                           "0", "--tls-cert", cert, "--tls-key", key]),
        (ASIO_TLS, [f"{build}/tests/bench/asio_tls_echo", cert, key]),
    ]
    return [(name, cmd) for name, cmd in result if os.path.exists(cmd[0])]


def bench_tls(args):
    """B6: TLS echo throughput and handshakes per second."""
    load_gen = f"{args.build_dir}/tests/bench/echo_load"
    table = {}
    with tempfile.TemporaryDirectory() as directory:
        cert, key = make_certificate(directory)
        cells = {}
        for name, cmd in tls_peers(args.build_dir, cert, key):
            for label, conns, inflight, size in TLS_LOADS:
                cells[(name, label)] = (cmd, lambda port, _pid, c=conns, i=inflight, z=size: run_load(
                    load_gen, port, c, i, z, args.seconds, ("--tls", "1")))
            cells[(name, "handshakes/s")] = (
                cmd, lambda port, _pid: handshake_rate(load_gen, port))
        table = interleaved_medians(cells, args.runs)
    for (name, label), value in table.items():
        print(f"  {name:40} {label:30} {fmt(value)}", flush=True)
    return table


def handshake_rate(load_gen, port):
    out = subprocess.run(
        [load_gen, "--port", str(port), "--tls", "1",
         "--handshakes", str(TLS_HANDSHAKES)],
        capture_output=True, text=True, timeout=120)
    values = key_values(out.stdout)
    if out.returncode != 0 or "handshakes_per_second" not in values:
        return None
    return values["handshakes_per_second"]


def tls_markdown(table):
    columns = [label for label, *_ in TLS_LOADS] + ["handshakes/s"]
    names = list(dict.fromkeys(name for name, _ in table))
    lines = ["| server | " + " | ".join(columns) + " |",
             "|---|" + "---|" * len(columns)]
    for name in names:
        cells = []
        for column in columns:
            value = table.get((name, column))
            ref = table.get((ASIO_TLS, column))
            ratio = f" ({value / ref:.2f}x asio)" if value and ref else ""
            cells.append(fmt(value) + ratio)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


ECHO_SECTION = """## B1 echo throughput, line-framed

Every server runs alone under the same load generator (tests/bench/echo_load:
one thread, epoll, a fixed number of messages in flight per connection,
counting only complete echoed messages). Messages per second, median of
{runs} runs of {seconds} s each, a fresh server per run, in rounds (each
round runs every server and load once, so the host's drift over minutes
weighs on all alike). `actors echo_server`
echoes from an inline session (actors/inline_session.hpp, inside each
connection actor); `--session-actors` from one colocated session actor per
connection, fed by messages.
Target: at least 1.0x asio in every load, at least 10x Python asyncio streams.
Run {when}.

{echo}
"""


TLS_SECTION = """## B6 TLS echo

The B1 load generator with `--tls 1` (OpenSSL on each connection) against
`echo_server --tls-cert` and a hand-written asio + asio::ssl echo with the
same session as B1's asio peer; both use a fresh self-signed P-256
certificate and negotiate TLS 1.3. Messages per second, median of {runs}
runs of {seconds} s in rounds, as in B1; handshakes/s is {handshakes} connect-handshake-close
cycles in a row from one client. Target: at least 1.0x the asio TLS echo.
Run {when}.

{tls}
"""


def replace_section(path, section, heading):
    """--only B1, B6 or B7: rewrite that section of an existing performance.md."""
    with open(path) as f:
        text = f.read()
    pattern = re.compile(re.escape(heading) + r"\n.*?(?=\n## )", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section.rstrip("\n") + "\n", text)
    else:
        text = text.replace("## What we found and changed",
                            section + "\n## What we found and changed")
    with open(path, "w") as f:
        f.write(text)


SCRAPES = 1000  # B7: scrapes of /metrics while echo runs at full load
B7_LOAD = LOADS[1]  # 100 connections: every one registered and scraped


def scrape_loop(port, count, stop, per_second=None):
    """Scrapes /metrics `count` times over one keep-alive connection (or
    until `stop` is set), at `per_second` or as fast as answered; returns the
    scrapes done and any error."""
    import http.client
    done = 0
    start = time.monotonic()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while done < count and not stop.is_set():
            if per_second:
                delay = start + done / per_second - time.monotonic()
                if delay > 0:
                    stop.wait(delay)
                    if stop.is_set():
                        break
            conn.request("GET", "/metrics")
            response = conn.getresponse()
            body = response.read()
            if response.status != 200 or b"actors_server_accepted_total" not in body:
                return done, f"status {response.status}"
            done += 1
    except Exception as err:  # noqa: BLE001 - reported in the table
        return done, str(err)
    return done, None


def bench_metrics(args):
    """echo_server --metrics under B1's first load, alone and while a client
    scrapes /metrics SCRAPES times; each a median of fresh servers."""
    import threading
    load_gen = f"{args.build_dir}/tests/bench/echo_load"
    cmd = [f"{args.build_dir}/examples/echo_server", "--port", "0", "--metrics", "0"]
    label, conns, inflight, size = B7_LOAD
    result = {"errors": []}
    for _ in range(args.runs):
        for scraped in (None, "fast", 10):
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
            port = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
            metrics_port = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
            stop = threading.Event()
            outcome = {}
            thread = None
            if scraped:
                def scrape():
                    start = time.monotonic()
                    outcome["done"], outcome["error"] = scrape_loop(
                        metrics_port, SCRAPES, stop, None if scraped == "fast" else scraped)
                    outcome["seconds"] = time.monotonic() - start
                thread = threading.Thread(target=scrape)
                thread.start()
            try:
                rate = run_load(load_gen, port, conns, inflight, size, args.seconds)
            finally:
                stop.set()
                if thread:
                    thread.join()
                proc.kill()
                proc.wait()
            if rate is None:
                continue
            result.setdefault(scraped, []).append(rate)
            if scraped:
                result.setdefault(("scrapes", scraped), []).append(
                    outcome["done"] / max(outcome["seconds"], 1e-9))
                if outcome.get("error"):
                    result["errors"].append(outcome["error"])
    result["cost"] = scrape_cost(args)
    return result


def server_cpu_seconds(pid):
    """CPU time of every thread of `pid` so far, in ns resolution."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass  # a thread that ended meanwhile
    return total / 1e9


def scrape_cost(args):
    """Server CPU seconds per scrape, with B7_LOAD's connections open (each
    scrape asks every one): the share of a busy server's core that scraping
    takes at a rate R is R times this, a figure the noise of echo throughput
    on 2 shared cores cannot hide. Median of args.runs fresh servers."""
    import socket
    import threading
    cmd = [f"{args.build_dir}/examples/echo_server", "--port", "0", "--metrics", "0"]
    costs = []
    for _ in range(args.runs):
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        port = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
        metrics_port = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
        peers = []
        try:
            peers = [socket.create_connection(("127.0.0.1", port))
                     for _ in range(B7_LOAD[1])]
            time.sleep(0.3)  # every connection registered
            before = server_cpu_seconds(proc.pid)
            done, error = scrape_loop(metrics_port, SCRAPES, threading.Event())
            spent = server_cpu_seconds(proc.pid) - before
            if done and not error:
                costs.append(spent / done)
        finally:
            for peer in peers:
                peer.close()
            proc.kill()
            proc.wait()
    return statistics.median(costs) if costs else None


def metrics_markdown(result, args):
    def median(key):
        values = result.get(key)
        return statistics.median(values) if values else None
    alone = median(None)
    rows = []
    for scraped, what in (("fast", "as fast as answered"), (10, "10 scrapes/s")):
        echo = median(scraped)
        ratio = f"{echo / alone:.2f}x" if alone and echo else "n/a"
        rows.append(f"| echo while scraped {what} | {fmt(echo)} | {ratio} | "
                    f"{fmt(median(('scrapes', scraped)))} |")
    errors = "; ".join(sorted(set(result["errors"]))) or "none"
    table = "\n".join(rows)
    cost = result.get("cost")
    fast = median(("scrapes", "fast"))
    if cost and fast:
        cost_line = (f"Server CPU per scrape (100 connections open, {SCRAPES} scrapes, "
                     f"median of {args.runs}): {cost * 1e6:,.0f} µs; at the "
                     f"{fast:,.0f} scrapes/s above that is {cost * fast:.1%} of "
                     f"one core, the most such scraping can take from echo.")
    else:
        cost_line = "Server CPU per scrape: not measured."
    return f"""## B7 metrics scraped under load

Run {datetime.date.today().isoformat()}. `echo_server --metrics` under B1's load
"{B7_LOAD[0]}" for {args.seconds:g} s: alone, and while one Python client
scrapes `/metrics` over a keep-alive connection (at most {SCRAPES} times),
as fast as it is answered or 10 times a second (median of {args.runs} fresh
servers each). Every scrape asks each of the 100 connections for its
figures. Target: scrapes cost echo at most 5%.

| | echo messages/s | vs alone | scrapes/s |
|---|---:|---:|---:|
| echo alone | {fmt(alone)} | 1.00x | |
{table}

{cost_line}

Scrape errors: {errors}.
"""


SCALES = [1000, 5000, 10000]  # B4: idle connections held at once


def raise_descriptor_limit():
    """B4 needs two descriptors per connection across both processes; the
    benchmark raises its own limit (the test suite never does)."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def scale_peers(build, bench):
    py = "/usr/bin/python3"
    result = [
        ("actors echo_server", [f"{build}/examples/echo_server", "--port", "0",
                                "--max-connections", "100000"]),
        ("asio (hand-written, 1 thread)", [f"{build}/tests/bench/asio_echo"]),
        ("raw CAF broker", [f"{build}/tests/bench/caf_echo"]),
        ("Python asyncio streams", [py, f"{bench}/py_echo_streams.py"]),
    ]
    return [(name, cmd) for name, cmd in result if os.path.exists(cmd[0])
            and (cmd[0] != py or os.path.exists(cmd[1]))]


def run_idle_scale(tool, port, pid, connections, window=None):
    """idle_scale against the server on `port` (process `pid`): its
    figures, or None if a connection failed."""
    out = subprocess.run(
        [tool, "--port", str(port), "--pid", str(pid), "--connections", str(connections)]
        + (["--window", str(window)] if window else []),
        capture_output=True, text=True, timeout=300)
    values = dict(l.split() for l in out.stdout.splitlines() if l)
    return values if out.returncode == 0 and values.get("errors") == "0" else None


def bench_scale(args):
    """B4: accept rate and server memory per idle connection, medians of
    args.runs runs in rounds (every server and size once per round)."""
    limit = raise_descriptor_limit()
    tool = f"{args.build_dir}/tests/bench/idle_scale"
    servers = scale_peers(args.build_dir, args.bench_dir)

    def figures(port, pid, count):
        values = run_idle_scale(tool, port, pid, count)
        return values and (float(values["connections_per_second"]),
                           float(values["rss_per_connection"]))

    cells = {(name, count): (cmd, lambda port, pid, n=count: figures(port, pid, n))
             for count in SCALES if count + 64 <= limit for name, cmd in servers}
    samples = interleaved_samples(cells, args.runs)
    table = {}
    for name, _ in servers:
        for count in SCALES:
            runs = samples.get((name, count))
            table[(name, count)] = ((statistics.median(r[0] for r in runs),
                                     statistics.median(r[1] for r in runs))
                                    if runs else None)
            cell = table[(name, count)]
            text = "failed" if cell is None else \
                f"{cell[0]:,.0f} conn/s, {cell[1]:,.0f} B/conn"
            print(f"  {name:32} {count:>6} idle  {text}", flush=True)
    return table


SCALE_SECTION = """## B4 scale: idle connections

tests/bench/idle_scale opens the connections (at most 256 connects
outstanding), proves each is served with one echoed line, waits a second
with all of them idle, then reads the server's resident memory. Memory per
connection is (RSS with N idle connections - RSS before) / N; the accept rate
counts from the first connect to the last echo. Medians of {runs} runs, in
rounds: every server and size once per round, a fresh server each time.
Target: at most 8 KiB of user-space memory per idle connection at 10k, and
accepting at least 0.8x as fast as asio at every size.
Run {when}.

{table}
"""

STORM = 5000  # B4b: clients connecting at once after a server restart

STORM_SECTION = """## B4b reconnect storm

What a server restart brings: {storm:,} clients connect at once
(tests/bench/idle_scale with every connect outstanding at the same time)
and each sends one line; the time runs from the first connect to the last
echo. Median of {runs} runs, a fresh server each. Target: accepting at
least 0.8x as fast as asio.
Run {when}.

{table}
"""


def bench_storm(args):
    """B4b: seconds until STORM clients connecting at once are all echoed."""
    limit = raise_descriptor_limit()
    tool = f"{args.build_dir}/tests/bench/idle_scale"

    def seconds(port, pid):
        values = run_idle_scale(tool, port, pid, STORM, window=STORM)
        return values and float(values["seconds_to_all_echoed"])

    servers = scale_peers(args.build_dir, args.bench_dir)
    table = interleaved_medians({name: (cmd, seconds) for name, cmd in servers}
                                if STORM + 64 <= limit else {}, args.runs)
    for name, _ in servers:
        table.setdefault(name, None)
        text = "failed" if table[name] is None else f"{table[name]:.3f} s"
        print(f"  {name:32} {STORM} at once  {text}", flush=True)
    return table


def storm_section(table, args):
    asio = table.get("asio (hand-written, 1 thread)")
    lines = ["| server | all echoed after | accepts/s | vs asio |",
             "|---|---:|---:|---:|"]
    for name, took in table.items():
        if took is None:
            lines.append(f"| {name} | failed | | |")
            continue
        ratio = f"{asio / took:.2f}x" if asio else ""
        lines.append(f"| {name} | {took * 1000:,.0f} ms | {STORM / took:,.0f} | {ratio} |")
    return STORM_SECTION.format(storm=STORM, runs=args.runs,
                                when=datetime.date.today().isoformat(),
                                table="\n".join(lines))


def scale_markdown(table):
    names = list(dict.fromkeys(name for name, _ in table))
    lines = ["| server | " + " | ".join(f"{n:,} idle" for n in SCALES) + " |",
             "|---|" + "---|" * len(SCALES)]
    asio = "asio (hand-written, 1 thread)"
    for name in names:
        cells = []
        for count in SCALES:
            cell, ref = table.get((name, count)), table.get((asio, count))
            ratio = f" ({cell[0] / ref[0]:.2f}x asio)" if cell and ref else ""
            cells.append("failed" if cell is None else
                         f"{cell[1] / 1024:.1f} KiB/conn, {cell[0]:,.0f} accepts/s{ratio}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


UI_LINES = 1_000_000  # B2: lines per flood
PINGS = 1000  # B3: lines sent one at a time per run, back to back
PACED_PINGS, PAUSE_MS = 200, 50  # B3: and at a typist's pace


def key_values(text):
    """The "key value" lines a benchmark tool prints, as floats."""
    pairs = (line.split() for line in text.splitlines())
    return {p[0]: float(p[1]) for p in pairs if len(p) == 2}


UI_FLOOD_SECTION = """## B2 network to screen

tests/bench/line_flood accepts one client and writes {ui_lines:,} numbered
48-byte lines as fast as it takes them. The actors client (tests/bench/ui_bench:
the real window, under Xvfb) counts a line when its batch has been applied to
the traffic view; the Python baseline (tests/bench/tk_flood.py, Debian's
python3-tk) is the classic design: a reader thread, a `queue.Queue`, and
`after(10)` polling that inserts into a `Text` widget. Both measure lines/s
from the first line shown to the last, and over the same span the gaps
between the ticks of a 5 ms timer on the UI loop (a gap is how long the loop
could do nothing else).
Medians of {runs} runs.
Target: at least 1,200,000 lines/s, longest stall under 16 ms, bounded
memory.

{table}
"""

LATENCY_SECTION = """## B3 latency: send, echo, in the view

ui_bench sends lines one at a time through the send bar to
examples/echo_server and times each from the send until its echo is in the
traffic view, and until it is on the screen (the end of the next frame,
the X server's drawing included where the window waits for it); the first
20 are warm-up. Back to back: {pings:,} lines, each sent once the previous
echo is in the view (most echoes are then followed by the next line before
a frame is due, and reach the screen with a later one: no screen time).
At a typist's pace: {paced:,} lines, each {pause} ms after the previous
echo. Frames are the UI thread's time on each of the window's frames (GTK's
frame clock, before-paint to the end of after-paint, and the paints right
after a reply): an echo arriving during one would wait for its end, which
is why a line sent holds frames until its reply (client-wx/reply_hold.hpp).
Medians of {runs} runs. Target: p99 under 1 ms in the view.

{table}
"""


def with_display(cmd):
    """GUI benchmarks need an X server: Xvfb when there is no display."""
    if os.environ.get("DISPLAY"):
        return cmd
    return ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24 -noreset"] + cmd


def ui_designs(build, bench):
    result = [
        ("actors client (wx)", with_display([f"{build}/tests/bench/ui_bench", "flood"])),
        ("Python: reader thread + queue.Queue + tkinter after(10 ms)",
         with_display(["/usr/bin/python3", f"{bench}/tk_flood.py"])),
    ]
    available = []
    for name, cmd in result:
        if not os.path.exists(f"{build}/tests/bench/ui_bench"):
            continue
        if "tk_flood.py" in cmd[-1] and subprocess.run(
                ["/usr/bin/python3", "-c", "import tkinter"],
                capture_output=True).returncode != 0:
            print(f"  {name}: skipped (Debian python3-tk is not installed)")
            continue
        available.append((name, cmd))
    return available


def bench_ui_flood(args):
    """B2: one flooding peer (line_flood) per run, each design fed the same
    UI_LINES lines of 48 bytes; medians over the runs."""
    flood = [f"{args.build_dir}/tests/bench/line_flood", str(UI_LINES)]

    def measure(cmd, port):
        return run_key_values(cmd + [str(port), str(UI_LINES)], 900,
                              lambda values: values.get("lines") == UI_LINES)

    cells = {name: (flood, lambda port, _pid, c=cmd: measure(c, port))
             for name, cmd in ui_designs(args.build_dir, args.bench_dir)}
    return interleaved_key_value_medians(cells, args.runs, lambda cell: (
        f"{cell['lines_per_second']:,.0f} lines/s, longest gap "
        f"{cell['ui_gap_max_ms']:.0f} ms, peak RSS {cell['peak_rss_kib'] / 1024:.0f} MiB"))


def ui_flood_markdown(table):
    lines = ["| design | lines/s | x tkinter | longest UI gap | p99 UI gap | peak RSS |",
             "|---|---|---|---|---|---|"]
    tk = next((v for k, v in table.items() if "tkinter" in k and v), None)
    for name, cell in table.items():
        if cell is None:
            lines.append(f"| {name} | failed | | | | |")
            continue
        ratio = (f"{cell['lines_per_second'] / tk['lines_per_second']:.1f}x"
                 if tk else "")
        lines.append(
            f"| {name} | {cell['lines_per_second']:,.0f} | {ratio} | "
            f"{cell['ui_gap_max_ms']:.1f} ms | {cell['ui_gap_p99_ms']:.1f} ms | "
            f"{cell['peak_rss_kib'] / 1024:.0f} MiB |")
    return "\n".join(lines)


def bench_latency(args):
    """B3: the client connected to echo_server, lines one at a time, back to
    back and paced; medians over the runs of each run's percentiles."""
    ui = f"{args.build_dir}/tests/bench/ui_bench"
    if not os.path.exists(ui):
        return None

    def measure(port, pings, pause_ms):
        return run_key_values(
            with_display([ui, "latency", str(port), str(pings), str(pause_ms)]), 300,
            lambda values: "latency_p99_us" in values)

    server = [f"{args.build_dir}/examples/echo_server", "--port", "0"]
    cells = {"back to back": (server, lambda port, _pid: measure(port, PINGS, 0)),
             "paced": (server, lambda port, _pid: measure(port, PACED_PINGS, PAUSE_MS))}
    return interleaved_key_value_medians(cells, args.runs, lambda cell: (
        f"p50 {cell['latency_p50_us']:.0f} us, p99 {cell['latency_p99_us']:.0f} us,"
        f" max {cell['latency_max_us']:.0f} us, on screen p50 {cell['screen_p50_us']:.0f} us"))


def latency_markdown(cells):
    if cells is None:
        return "not measured: the client was not built"
    lines = ["| lines sent | in the view: p50 | p99 | max | on the screen: p50 | p99 | "
             "longest UI gap | frames: p50 | frames: p99 |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, label, screen in (("back to back", f"back to back ({PINGS:,})", False),
                                ("paced", f"{PAUSE_MS} ms apart ({PACED_PINGS:,})", True)):
        cell = cells.get(name)
        if cell is None:
            lines.append(f"| {label} | not measured |  |  |  |  |  |  |  |")
            continue
        ms = lambda key: f"{cell[key] / 1000:.2f} ms"
        lines.append(
            f"| {label} | {ms('latency_p50_us')} | {ms('latency_p99_us')} | "
            f"{ms('latency_max_us')} | {ms('screen_p50_us') if screen else '-'} | "
            f"{ms('screen_p99_us') if screen else '-'} | {cell['ui_gap_max_ms']:.1f} ms | "
            f"{cell['frame_p50_ms']:.2f} ms | {cell['frame_p99_ms']:.2f} ms |")
    return "\n".join(lines)


def ui_flood_section(args):
    return UI_FLOOD_SECTION.format(ui_lines=UI_LINES, runs=args.runs,
                                   table=ui_flood_markdown(bench_ui_flood(args)))


def latency_section(args):
    return LATENCY_SECTION.format(pings=PINGS, paced=PACED_PINGS, pause=PAUSE_MS,
                                  runs=args.runs, table=latency_markdown(bench_latency(args)))


def fmt(value):
    return "failed" if value is None else f"{value:,.0f}"


def echo_markdown(table):
    names = sorted({name for name, _ in table}, key=lambda n: list(
        dict.fromkeys(name for name, _ in table)).index(n))
    lines = ["| server | " + " | ".join(l for l, *_ in LOADS) + " |",
             "|---|" + "---|" * len(LOADS)]
    asio = "asio (hand-written, 1 thread)"
    for name in names:
        cells = []
        for label, *_ in LOADS:
            value = table.get((name, label))
            ref = table.get((asio, label))
            ratio = f" ({value / ref:.2f}x asio)" if value and ref else ""
            cells.append(fmt(value) + ratio)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def echo_section(table, args):
    return ECHO_SECTION.format(runs=args.runs, seconds=args.seconds,
                               when=datetime.date.today().isoformat(),
                               echo=echo_markdown(table))


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), Linux {platform.release()}, "
            f"{datetime.date.today().isoformat()}")


def smoke(args):
    """--smoke: every benchmark once at a tiny size, so that none can rot
    unnoticed (ctest runs this in CI). No figure is judged; it fails only if
    a benchmark produced none."""
    global LOADS, TLS_LOADS, TLS_HANDSHAKES, B7_LOAD, SCRAPES, SCALES, STORM
    global UI_LINES, PINGS, PACED_PINGS, PAUSE_MS
    LOADS = [(label, min(conns, 10), min(inflight, 4), size)
             for label, conns, inflight, size in LOADS]
    TLS_LOADS, B7_LOAD = LOADS[:2], LOADS[1]
    TLS_HANDSHAKES, SCRAPES, SCALES, STORM = 20, 20, [50], 100
    UI_LINES, PINGS, PACED_PINGS, PAUSE_MS = 20_000, 50, 30, 10
    args.runs, args.seconds = 1, 0.3
    missing = []

    def check(name, table):
        print(f"{name}: {table}", flush=True)
        empty = table is None or (isinstance(table, dict) and any(
            value is None for value in table.values()))
        if empty:
            missing.append(name)

    check("B1", bench_echo(args))
    check("B6", bench_tls(args))
    metrics = bench_metrics(args)
    check("B7", None if metrics["errors"] or not metrics.get("fast") else metrics)
    if os.path.exists(f"{args.build_dir}/tests/bench/ui_bench"):
        check("B2", bench_ui_flood(args))
        check("B3", bench_latency(args))
    check("B4", bench_scale(args))
    check("B4b", bench_storm(args))
    with tempfile.TemporaryDirectory() as directory:
        out = subprocess.run(
            [f"{args.build_dir}/tests/bench/log_writer_bench", "--records", "20000",
             "--dir", directory], capture_output=True, text=True, timeout=120)
        check("B5", out.stdout if out.returncode == 0 else None)
    if missing:
        print("benchmarks without a figure: " + ", ".join(missing))
        return 1
    print("every benchmark ran")
    return 0


def tls_section(args):
    return TLS_SECTION.format(runs=args.runs, seconds=args.seconds,
                              when=datetime.date.today().isoformat(),
                              handshakes=TLS_HANDSHAKES,
                              tls=tls_markdown(bench_tls(args)))


def scale_section(args):
    return SCALE_SECTION.format(table=scale_markdown(bench_scale(args)),
                                runs=args.runs,
                                when=datetime.date.today().isoformat())


# --only NAME: the heading of the section it rewrites, and what makes it.
SECTIONS = {
    "B1": ("## B1 echo throughput, line-framed",
           lambda args: echo_section(bench_echo(args), args)),
    "B2": ("## B2 network to screen", ui_flood_section),
    "B3": ("## B3 latency: send, echo, in the view", latency_section),
    "B4": ("## B4 scale: idle connections", scale_section),
    "B4b": ("## B4b reconnect storm",
            lambda args: storm_section(bench_storm(args), args)),
    "B6": ("## B6 TLS echo", tls_section),
    "B7": ("## B7 metrics scraped under load",
           lambda args: metrics_markdown(bench_metrics(args), args)),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--bench-dir", required=True)
    parser.add_argument("--output", help="the performance.md to write")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--only", choices=sorted(SECTIONS),
                        help="run one benchmark and rewrite only its section")
    parser.add_argument("--smoke", action="store_true",
                        help="run each benchmark once at a tiny size; write nothing")
    args = parser.parse_args()
    if args.smoke:
        return smoke(args)
    if not args.output:
        parser.error("--output is required (or --smoke)")
    if args.only:
        heading, make = SECTIONS[args.only]
        section = make(args)
        print(section)
        replace_section(args.output, section, heading)
        print(f"rewrote the {args.only} section of {args.output}")
        return 0
    print("B6 TLS echo (messages/s and handshakes/s, median of %d runs)" % args.runs)
    tls = tls_section(args)
    print(tls)
    print("B7 scrapes under load (median of %d runs)" % args.runs)
    metrics = metrics_markdown(bench_metrics(args), args)
    print(metrics)
    print("B1 echo throughput (messages/s, median of %d runs)" % args.runs)
    echo = echo_section(bench_echo(args), args)
    print(echo)
    print("B2 network to screen (%d lines; median of %d runs)" % (UI_LINES, args.runs))
    ui_flood = ui_flood_section(args)
    print(ui_flood)
    print("B3 latency: send, echo, in the view (%d lines; median of %d runs)"
          % (PINGS, args.runs))
    latency = latency_section(args)
    print(latency)
    print("B4 scale (idle connections; median of %d runs)" % args.runs)
    scale = scale_section(args)
    print(scale)
    print("B4b reconnect storm (%d clients at once; median of %d runs)" % (STORM, args.runs))
    storm = storm_section(bench_storm(args), args)
    print(storm)
    extra = []
    log_bench = f"{args.build_dir}/tests/bench/log_writer_bench"
    if os.path.exists(log_bench):
        out = subprocess.run([log_bench], capture_output=True, text=True,
                             timeout=600).stdout
        print(out)
        extra.append("## B5 log writer\n\n" + out.strip() + "\n")
    with open(args.output, "w") as f:
        f.write(DOC.format(machine=machine(), runs=args.runs,
                           seconds=args.seconds, echo=echo, scale=scale,
                           ui_flood=ui_flood, latency=latency,
                           tls=tls + "\n" + metrics, storm=storm,
                           extra="\n".join(extra)))
    print(f"wrote {args.output}")


DOC = """# Performance

Written by `bash cmake/bootstrap.sh bench` (tests/bench/run_benchmarks.py);
do not edit by hand. Machine: {machine}.
Benchmarks report against the project's targets; tests never assert them.
CI runs every benchmark once at a tiny size (the ctest `bench: every
benchmark runs once at a tiny size`, `run_benchmarks.py --smoke`), so none
can stop working unnoticed; it judges no figure. `--only B1|B2|B3|B4|B4b|B6|B7`
reruns one benchmark and rewrites its section here.

{echo}

{ui_flood}
{latency}

{scale}

{storm}
{tls}
{extra}

## What we found and changed

- **B1 at 100 connections: from 0.65x to 0.80x asio, and 1.03x with TLS
  (2026-11-28).** perf and syscall counts (`perf stat -e
  'syscalls:sys_enter_*'`) against asio's echo under the same load: the same
  number of `sendto` per message (about one per 16 echoed lines), but two
  `epoll_ctl` per flush (asio: none), a second `recv` after every read that
  could only say `EAGAIN`, and 40% of the time in user space against asio's
  13%: three CAF messages per read (the frames to the session actor, the
  echo and the credit back), the passivation message and re-registration
  after each read. Changes, each measured alone with the server and the
  generator pinned to their own cores (medians of 8):
  a flush writes at once as far as the socket takes it and waits for epoll
  only for the rest (+18%: 1.49M to 1.76M messages/s); inline sessions,
  where the echo runs inside the connection actor with one call per read
  and one write per read (+10%); a short read ends the read loop (one
  `recv` per read instead of two); reading runs until the credit runs out
  instead of one passivated read at a time; encoding without building a
  `caf::error` per frame. Together, pinned: 2.07M against asio's 2.20M
  (0.94x); the table's unpinned run says 0.80x, where asio gains more from
  the free core than we do. The session-actor form gained the transport
  changes only (0.6-0.78x). With TLS, where both pay the same cipher work,
  100 connections went from 0.66x to 1.03x and handshakes to 1.32x. Still
  short of 1.0x in plain TCP: CAF's invocation of the broker for each read
  (about 5% of the time) and our bookkeeping per frame (about 7%), where
  asio's echo does nothing but copy. The 1-connection column is bound by
  round trips, and swings by 20% between runs (the Python Protocol echo
  beat asio there in this run).
- **B1 at 100 connections: 0.90x asio, and what the rest is (2026-11-28,
  later).** The echo's inline session now queues a read's replies with one
  `session_output::send(payloads)` call (the checks run once per read, not
  per line); the table rose to 0.90x (single runs by hand: 0.84x to 1.0x
  unpinned, 0.88x pinned; the machine's noise is larger than what is left).
  perf under the same load: 76% of the server's time is in the kernel,
  with the same `sendto` and `recvfrom` per message as asio (0.128 and
  0.122 syscalls per message); user space is 24% against asio's 13%. Our
  share is the framing itself: each line is found, handed to the session,
  checked for the delimiter and encoded (about 8% together), plus CAF's
  dispatch of each read (about 5%). The asio echo does none of this: it
  echoes each read up to its last newline as one block, never looking at a
  line. Frames a session sends back unchanged (an echo, a relay) now take
  the same shortcut: when they lay back to back in the read, one delimiter
  apart, their encoding is the read's own bytes, copied as one block with
  no check per line; and decoding no longer makes a `caf::error` per line.
  Server user space under this load went from 24% to 20% (perf, same
  load); the figures by hand stay within the noise (pinned, medians of 8:
  2.53M against asio's 2.92M). The rest is decoding each line and CAF's
  dispatch of each read; closing it would take reads delivered without
  CAF's dispatch.
- **B1 at 100 connections: reads without a message (2026-11-28,
  later still).** The remaining CAF dispatch, measured: per read, CAF built a
  `new_data_msg`, matched it against the connection's behavior and visited
  the result (about 3.5% of the server's time), shrank the read buffer to
  the bytes read so that the next `recv` zero-filled it again (0.9%), and
  two `clock_gettime` calls stamped the last read and write (0.8%). Our
  scribe now hands each read to the connection's handler directly
  (`tcp_scribe::handle_reads_with`, with CAF's exception handling and
  finalization kept around the call), the buffer keeps its size, and the
  stamps come from the kernel's coarse clock. Server user time under this
  load went from 62-70 to 42 ns per message (asio: 32-35), user space from
  17% to 9% of the server's time. Pinned, median of 8 runs interleaved
  with the build before: 2.71M messages/s against 2.56M before (+6%) and
  asio's 2.80M, that is 0.97x from 0.91x; unpinned, medians of 12: 0.94x.
  Both processes now run their core at 99%, and the kernel's TCP work is
  90% of the server's time, as it is for asio's: what is left is within the
  run-to-run spread (single pinned runs of asio alone span 2.0-2.9M).
- **B2 and B3: idle events only where asked for (2026-11-28, later
  still).** perf on ui_bench during B3 showed wx's event dispatch
  (`SearchDynamicEventTable`, `HandleEvent`, `SendIdleEvents`, the
  toolbar's `UpdateWindowUI`) at about 9% of the process's samples, more
  than pango and harfbuzz together: each time the loop goes idle, wx sends
  an idle event and update-UI events to every window, and under B3's pings
  that is thousands of times a second. No window of the client handles
  either, so the client asks wx to send them only to windows that set
  `wxWS_EX_PROCESS_IDLE` or `wxWS_EX_PROCESS_UI_UPDATES`; the dispatch
  fell to about 3%. By hand, 4 runs each in one Xvfb: B3 p50 0.30 ms from
  0.32 ms, p99 2.07-2.33 ms from 2.16-2.56 ms; B2 3.1-3.4M lines/s from
  2.9-3.3M. The tables above (each run in a fresh Xvfb): B2 1.99M lines/s
  with the longest gap 7.9 ms; B3 p50 0.35 ms, p99 2.92 ms. Drawing runs
  of rows as one text per pango layout instead of one per row changed
  nothing measurable (B3 p99 2.26-2.33 ms), so the layout's setup is not
  what a frame costs; the shaping and Xvfb's drawing are. B3's tail is
  still one frame: the ping in flight when a frame starts waits for it.
- **B4 at 1,000 connections swings (2026-11-28, later still).** The
  table's rerun says 0.78x asio at 1,000 connections. Interleaved by hand,
  a fresh server per run: 13.5K accepts/s against asio's 16.9K (6 runs
  each; the build before this day's changes 14.5K), then 14.7K against
  14.9K (8 runs each; the build before 14.1K). Single runs of any of the
  three span 12-19K: at 1,000 connections the run is about 70 ms, and the
  spread between runs is larger than any difference between the servers.
- **Rounds instead of blocks, and B6's handshakes (2026-11-28, later
  still).** B1 and B6 now run their servers in rounds, every server and
  load once per round, rather than all runs of one server, then the next:
  a slow stretch of the host now weighs on every server alike. Rerun so:
  B1 at 100 connections 0.96x asio, TLS at 100 connections 0.96x. Our
  handshakes per second are 0.91x asio::ssl's on this host (1.32x on the
  earlier one; the build before this day's changes measured the same, by
  hand 1,076 against our 1,100 and asio's 1,161). perf during the
  handshake loop: OpenSSL is 55% of the server's time, the same work as in
  asio's; of our own, the handshake timeout (one `delayed_send` per
  connection, `handshake_timeout`: a lock and a wake of CAF's clock
  thread) is about 6%, accepting and spawning the connection actor about
  5%, the end of the connection about 5%. The asio echo has no handshake
  timeout, so a peer that connects and never speaks holds its socket
  forever; ours closes it after `handshake_timeout`.
- **The client at 10 lines a second used 12% of a core (2026-11-28,
  last).** With a peer sending a line every 100 ms, the client's four CAF
  workers switched about 9,000 times a second: after each job (the UI
  bridge's, for each line) CAF polls for 25 ms, 500 times 50 us apart,
  before the worker sleeps. `relax_idle_workers` now also cuts that to 10
  polls (about 0.5 ms; work arriving later wakes the worker at once): 356
  switches a second and 2.5% of a core. By hand, in one Xvfb, 3 runs
  each: B2 3.37-3.52M lines/s against 2.80-3.33M, B3 p99 1.93-2.09 ms
  against 1.98-2.31 ms. system_config_test: 251 wakeups a second at 20
  messages a second, against 10,059 by CAF's default.
- **B1: echo_server's idle workers, tried and not kept (2026-11-28,
  last).** An idle echo_server's four CAF workers wake about 400 times a
  second (CAF looks for work every 10 ms on each), under B1's load too,
  since the echo runs in the multiplexer: 2,065 context switches in a 2 s
  run against asio's 84. With `system_config::relax_idle_workers`, paired
  unpinned rounds were faster in 11 of 14 inline (median 2.80M against
  2.77M messages/s) and in 9 of 14 with session actors, while the host
  drifted between 2.0M and 2.9M within minutes: within the noise. Under
  ThreadSanitizer, where waking a sleeping worker is slow, `echo_server
  --log` then took 8.5 s to drain its log at exit instead of under 5, one
  wake per record from the multiplexer; without it, 160-180 ms either way
  for 400,000 records. A server's workers get work in bursts from the
  multiplexer, so echo_server keeps CAF's polling; the client, idle most
  of the time, keeps relaxed workers. Syscalls per message match asio's
  (one `recvfrom` and one `sendto` per read; asio adds a `recvfrom` that
  finds nothing in one read of nine), and pinned to a core each, server
  and load, the two run at parity (user time 39 against 37 ns per
  message); unpinned, single runs of either span 2.0-2.9M.
- **B4 accepting: the descriptor table grows before the first peer
  (2026-11-28, last).** At 1,000 connections we accepted at 0.78-0.99x
  asio, at 10,000 at 1.37x: per connection, the small runs were slower.
  Timing each connection in idle_scale showed stalls of 12-18 ms every few
  hundred accepts, and a trace of the multiplexer's context switches showed
  where it slept: in `accept`, in the kernel's `expand_files`, waiting in
  `synchronize_rcu`. Linux grows a process's descriptor table by doubling
  it, and in a process with more than one thread each growth waits for an
  RCU grace period; asio's echo has one thread and never waits. Our
  multiplexer, which runs every connection, stood still four times while
  1,000 clients arrived. `listen` now grows the table once, before the
  first peer, to hold `max_connections` (at most the descriptor limit and
  65,536 slots; descriptor_table.hpp), and connection_test checks the table
  does not grow while accepting. Interleaved by hand: 19.7K accepts/s at
  1,000 from 14.7K (asio 18.3K), and the storm of 5,000 30.5K/s from 22.1K
  (asio 18.7K). The tables, now medians of 5 runs in rounds instead of 2:
  1.14x, 1.77x and 1.82x asio at 1,000, 5,000 and 10,000; B4b 1.54x.
- **B1 at 100 connections: lines without a call through a pointer
  (2026-11-28, after the last).** Pinned profiles of echo_server and
  asio's echo, both at 100% of a core, put ours at 503 ns a message
  against 463: about 12 ns more in user space and about 27 ns more in the
  kernel, with the same syscalls per message (0.077 recvfrom and 0.077
  sendto against 0.088 and 0.078). The largest user-space item was the
  frame decoder's callback, called through a function pointer for each
  line. Line framing now runs a template that calls the handler directly
  (the type-erased `feed` uses the same one). Interleaved with the build
  before, 10 pinned rounds: echo_server's user time fell from 47 to 38 ns
  a message (asio 32.5), and its throughput did not move beyond the noise
  (median ratio 1.006). Most of the kernel's extra time is in
  `_raw_spin_unlock_irqrestore` under `sock_def_readable`, waking the
  reader; I have not found why it costs us more than asio. Trying 1 or 2
  CAF workers instead of 4 showed no clear gain.
- **B1 at 100 connections: a stall on every line, and what threads cost
  in the kernel (2026-11-28, after B3).** Half of `on_data`'s samples in a
  pinned profile sat on one load: the line decoder handed each line over
  as a string_view it had changed through a reference, which gave the line
  a home on the stack, and the inline session's 16-byte copy of it into
  its frame list waited there for two 8-byte stores (a store-forwarding
  stall, once per line). The decoder now hands over a fresh string_view
  built from pointer and size. `on_data` fell from 2.9% to 2.0% of the
  server's samples and user space from 9.5% to 8.6% (about 4 ns a
  message); throughput moved within the noise (16 pinned rounds against
  the build before: median ratio 0.985 while the host drifted between 1.6M
  and 2.8M). What a runtime with threads pays: Linux takes a reference on
  a socket's file for every `recv` and `send` once a process has a second
  thread (a single-threaded process borrows it), and `fdget` under our
  `sendto` took 0.9% of the server's time against none in asio's. The same
  asio echo built with one more thread that only sleeps ran at 0.99x of
  itself in 20 unpinned rounds and 0.965x in 8 pinned ones; a CAF server
  always has threads (workers, clock, multiplexer). In those 20 rounds
  echo_server ran at 0.958x asio (paired median), so a second thread
  explains about a quarter of the gap unpinned and most of the 5% seen
  pinned (0.95x, earlier today). The table's median of 5
  runs swings with the host: two B1 runs today gave 1.03x and 0.94x at 100
  connections. Not kept: idle workers that
  look for work every 100 ms instead of 10 (`relaxed-sleep-duration`
  alone): faster in 9 of 16 rounds, paired median ratio 1.005. And asio's
  echo reading 64 events per `epoll_wait`, as CAF's multiplexer does,
  instead of 128: no change (1.013, 7 of 12).
- **B1 at 100 connections: replies written when the pass ends
  (2026-11-28, last of the day).** The generator's side told where the
  kernel's extra wakeups came from: against echo_server it slept in
  `epoll_wait` more often than against asio (28,000-87,000 waits in a
  pinned run against 12,000-30,000, and up to 6,000 context switches
  against 900-1,500), so our sends found it asleep and paid to wake it.
  Our replies went out one between each of our reads; the generator,
  about as fast per connection, caught up and slept between them. Now a
  flush during a read of its socket (an inline session's replies) is held
  until the multiplexer's pass ends (end_of_pass.hpp), as Redis writes
  "before sleep": the pass reads every ready socket, then writes each
  queue once, back to back. A socket read several times in a pass also
  takes one `send` (inline_session_test: 5 reads, 1 write; the new
  `socket_reads_total` and `socket_writes_total` metrics show it). On the
  way, a read that filled its buffer ended the event whenever the
  connection grew its reads, so 60 KiB in one write took 5 passes; now 1.
  Interleaved by hand against the build before: 100 connections
  unpinned, 0.962x asio against 0.928x (paired medians, 8 rounds; a
  prototype gave +2.5% pinned in 10 rounds); 1 connection +4% and 16 KiB
  +6% (8 rounds each). Holding a session actor's reply too (a flush from
  a message) cost 16 KiB echoes with session actors 40%: such a reply
  comes a hop after its read already, so it writes at once as before.
  The table, rerun with it: 1.02x, 0.97x and 1.15x asio; B1 at 100
  connections is still short of 1.0x.
- **B1 at 100 connections: one worker per core (2026-11-29).** CAF 0.17
  starts max(cores, 4) scheduler workers, so on this 2-core machine
  echo_server had four, each waking 100 times a second to look for work,
  although the inline echo runs on the multiplexer's thread.
  `actors::system_config` now starts one per core (system_config_test
  checks it; `scheduler.max-threads` still overrides it). Unpinned,
  interleaved with the build before: 1.008x asio against 0.984x (paired
  medians, 16 rounds); one worker measured the same as two (1.009x, 12
  rounds); 1 connection, 16 KiB and the session-actor form moved within
  the noise. What is left, from pinned profiles under the same load: about
  5% more of the server's CPU per message than asio's echo, little of it in
  user space (8.8% of the time against 8.4%). The rest is in the kernel:
  a reference on the socket's file for each `recv` and `send` in a process
  with threads (`fput`, 0.6%), the idle workers' context switches (0.8%),
  and level-triggered epoll polling each ready socket once more (0.9%).
  The table's run with it: 1.04x, 0.99x and 1.00x asio. Paired rounds of
  the same build by hand spread from 0.974x to 1.008x: at 100 connections
  we are at parity with asio's one-threaded echo, within the host's noise.
- **B3 rerun (2026-11-29): the host, not the client.** At a typist's
  pace the table's p99 rose to 1.21 ms from 0.87 ms (p50 0.73 ms from
  0.59). The client of the earlier table (843ddfd), built again and run in
  alternation with today's against the same server, measured the same:
  p99 1.03-1.43 ms, p50 0.57-0.77 ms (5 rounds each); today's with one
  worker per core against four, 10 rounds each: p99 medians 1.15 and
  1.38 ms. A paced run has 200 pings, so its p99 is its second-slowest
  ping, each after 50 ms idle, when every thread on both sides has to be
  woken. Back to back, the target holds (p99 0.65 ms).
- **B3: a line sent holds the window's frames until its reply
  (2026-11-28, after the last).** B3 met its target: p99 0.49 ms in the
  view, from 1.90 ms. The tail was a frame under way when the echo
  arrived: frames start at times of their own, 60 a second, and 3% of
  pings met one. Now a line sent from the send bar stops the window's
  frame clock until that connection's reply has been applied, for at most
  4 ms (`ReplyHold`, client-wx/reply_hold.hpp; GDK's frame sync uses the
  same freeze). Right after the reply, before anything else the loop has
  queued, the window paints (at most once per 60 Hz interval) and waits for
  the X server to draw the frame. Three findings on the way, by timing
  each ping against the paints: (1) the hold alone starved the window in
  B3: the next line is sent in the same pass of wx's queue as the echo is
  applied, so the frame clock never got to run; hence the paint right after
  the reply. (2) Posted on the window, that paint ran after the next send:
  wx serves queued calls handler by handler, so it is posted on the app,
  where input handlers post. (3) A ping sent just after a paint took 0.8-0.9
  ms instead of 0.3: Xvfb drew the frame on one core while the ping's
  threads (ten nice levels down) shared the other; waiting for the X server
  inside the paint (it stops waiting if a wait takes over 4 ms, as on a
  remote display) put those pings back at 0.3 ms. What it buys a user, at a
  typist's pace (a line 50 ms after each echo, by hand, 2 runs each): the
  echo is on the screen after 2.5-3.3 ms at the median and 4.0-4.4 ms at
  p99, from 18.5-19.2 ms and 27-28 ms without the hold, where the echo
  arrived during the frame that drew the line sent and waited for the next
  frame, 16.7 ms later. Back to back, without the hold: p99 2.6-3.0 ms.
- **B3: a frame without its rows (2026-11-28, last).** ui_bench now times
  each of the window's frames from GTK's frame clock, and B3 reports them:
  about 27 frames in a run of 1,000 pings (60 a second), 1.6 ms at the
  median. Two experiments, neither kept. (1) Rows kept as pixels on the X
  server between frames (a cairo surface like the window's; rows moved by
  a copy, only changed rows drawn): no change, because at about 2,400
  pings a second some 80 rows arrive between two frames, more than the 27
  in view, so every row of every frame is new (it would help only slow
  traffic, where frames are cheap already). (2) Drawing no row text at
  all: frames of 0.9-1.1 ms, and p99 1.5-1.9 ms. Even free text would
  leave B3 above its target: the rest of a frame (the other widgets, the
  scroll bar, wx's paint setup, the X requests) is about 1 ms here, and at
  60 frames a second a p99 under 1 ms needs frames under about 0.8 ms.
- **B4 accepting: many peers per event (2026-11-28).** B4b, a reconnect
  storm of 5,000 clients at once, was echoed completely in about 200 ms,
  but in 3 of 18 runs by hand in 1.06-1.12 s, the signature of one SYN
  retry: 5,000 connects at once exceed the kernel's accept queue (somaxconn,
  4096) unless the server accepts about 900 while they arrive, and CAF's
  acceptor takes one peer per readable event, then goes around the whole
  event loop. The kernel's ListenDrops counter rose by 656 over 12 storms.
  Our doorman now takes up to 64 peers per event (`batch_acceptor`): no
  drop and no slow run in 22 storms; the table's median is 220 ms against
  asio's 291 ms (1.32x). B4, rerun: 0.81x asio at 1,000 connections (a run
  of 60 ms), 0.99x at 5,000 and 2.27x at 10,000. Asyncio streams, whose
  `listen` backlog is 100, need 7.8 s of SYN retries for the storm.
- **B7 scrapes: the worker threads' polling, gone (2026-11-28).** With the
  metrics registry and the HTTP sessions as ordinary actors, ten scrapes a
  second cost a busy echo_server 22% of its throughput (1.42M against 1.83M
  messages/s at 100 connections). perf showed 23% of echo_server's samples
  in `clock_nanosleep` from CAF's worker threads: every scrape woke the
  work-stealing pool, whose polling then competed with the network thread
  on 2 cores, while the echo itself (colocated sessions) never needs a
  worker. The registry is now a broker without sockets and each HTTP session
  is colocated with its connection, so a scrape stays on the network
  thread: 0.98x at ten scrapes a second. Scraping as fast as answered then
  still cost 39% (363 scrapes/s, each asking all 100 connections); the
  registry now serves a text at most 100 ms old again, and scrapes that
  arrive while one is being made share it, so eager or many scrapers cost
  one collect per 100 ms: 0.92x at 630 scrapes/s (1,000 scrapes in 1.6 s),
  most of the rest the Python client's own CPU on the same 2 cores. Rerun
  after the transport changes, the echo figures spread more than the 5%
  being measured (0.91x to 0.89x scraped as fast as answered, 0.92x to
  1.13x at ten a second, in three runs), so B7 now also measures what a
  scrape costs the server directly: its CPU time per scrape with the 100
  connections open, 90 µs. At the 519 scrapes/s of the table that is 4.7%
  of one core, the most such scraping can take from echo; ten a second
  take 0.1%.
- **B4 accepting: a fixed second, gone (2026-11-27).** Every B4 row took about
  one second whatever the count (968 accepts/s at 1,000, 9,636 at 10,000): the
  signature of SYN retransmits. `listen` asked for a backlog of 128, so a
  burst of connects overflowed the accept queue and the kernel dropped SYNs,
  whose clients retried after its one-second timeout. The backlog is now
  `server_options::backlog` (default 4096; Linux caps it at
  net.core.somaxconn), and connection_test checks that a burst of 500
  connects leaves the kernel's ListenDrops counter unchanged (with 128 it
  rose by 116 to 247 in each of three runs). idle_scale by hand (Release, single runs, the
  table above is from the 2026-11-25 run): actors echo_server 17,900-20,000
  accepts/s at 1,000 against asio's 18,400-21,600; 22,300 at 5,000 (asio
  20,700); 33,000 at 10,000 (asio 17,700).

- **One message per frame was the B1 bottleneck.** With one `frame_received`
  per line, the 1-connection load ran at about 240k messages/s. Delivering
  each read as one `frames_received` (a `frame_batch`: one buffer for all
  payloads) and accepting a batch in `send_atom` raised it to about 385k;
  hosting the echo session on the network thread next to its connection
  (`actors::spawn_colocated`) removes the scheduler hop and gives the figures
  above. The raw CAF broker, which does no framing at all, is the ceiling of
  CAF's multiplexer; asio's single thread still does more per message.
- **Idle connections were 66 KiB each** (CAF's scribe keeps a read buffer of
  the full read size, and we kept a second descriptor to tell resets from
  closes). Reading the TCP state on the live socket instead of a duplicate,
  and a read buffer that starts at 2 KiB and doubles only while reads fill
  it, brought B4 to about 6.6 KiB per idle connection at 10k, and let 10k
  connections fit a 20k descriptor limit.
- **The log writer** formats on the scheduler and writes 256 KiB chunks of
  whole lines from a detached thread; it reaches about half to two thirds of
  a bare `fwrite` loop while producers never block.
- **B2: from about 0.5M to about 0.9M lines/s, and the longest UI gap during
  the flood from 30-40 ms to about 10 ms.** Profiling the UI thread (perf,
  sampled timelines) showed three causes, each fixed: wxListCtrl spent 8-13 ms
  per frame measuring and drawing each cell (the traffic view now draws one
  fixed-width line per visible row through wxGraphicsContext); the model's
  vectors doubled and copied up to 90 MB at once (rows and text now live in
  blocks that never move); and each line travelled as its own message from
  the connection to the bridge (the client now asks for one `frames_received`
  per read). The window also acknowledges a batch one loop turn after
  applying it, so wx cannot drain batches back to back without painting.
  Doubling the batch size changes nothing: on two cores the flooding peer,
  Xvfb, the actors and the UI thread share the CPU. Still short of 1M lines/s
  and of 20x the tkinter design, which is not far behind in raw lines/s
  because it inserts everything in one go and freezes for seconds meanwhile.
- **B2 and B3: cheaper frames (2026-11-28).** A GTK frame clock hook and
  perf on the UI thread split each frame (about 6.5 ms in B3) into its
  phases. Before our own paint handler ran, wxGTK had made a paint DC for
  each parent of the traffic view (panels, splitter, frame), and each DC
  asked GTK's style machinery for the window's default font and colours;
  the splitter also drew its sash, a theme render, on every frame. Our
  handler made its two graphics fonts anew on each paint (a DPI query
  each). Now the view's parents keep their font and colours
  (`pinned_attributes.hpp`), the splitter draws its sash only when it is
  exposed, and the fonts are made once: our paint handler went from about
  2.0 to 1.1 ms and the frame from about 6.5 to 3.5-4.5 ms. Drawing only
  the columns that fit (with an ellipsis where a payload is cut) took
  another 15-25% off our paint under a flood. B2 rose to 1.53M lines/s
  (target 1.2M) with the longest gap at 15.6 ms, median of five runs (a
  run of five an hour earlier: 1.34M and 16.2 ms; single runs 11.7-18.8
  ms): under the flood every row is new in every frame, and the frame (5-6
  ms median, up to 16 ms) waits for Xvfb, which shares the two cores with
  the flooding peer and the actors. Smaller batches (2,000 instead of 5,000
  events) cut throughput to 1.1M without shortening the gaps; repainting
  at most 30 times a second changed neither.
- **B2 and the inspector: the actors yield to the window, and status text
  waits for the frame (2026-11-28, later).** A timeline of the inspector
  test's longest gaps (frame-clock phases, batches and the thread's CPU
  time) showed two causes. (1) Once a second the status bar's five
  `SetStatusText` calls took 5-9 ms: wx's generic status bar, the one wxGTK
  uses, repaints inside each call (`wxWindow::Update`), and on GTK 3 that
  paints every invalid part of the window, under a flood the whole traffic
  view. `DeferredStatusBar` (client-wx/status_bar.hpp) only marks the field
  for the next frame. (2) On two cores, CAF's threads (four workers, the
  multiplexer) took the CPU from the UI thread. `system_config::
  lower_thread_priority` runs every thread the actor system starts ten nice
  levels below the thread that made it, and the client uses it: the window
  keeps its share and the network waits, bounded by backpressure. By hand,
  12 runs of B2 each way: 1.67M lines/s and an 11 ms longest gap (median),
  from 1.33M and 14.4 ms. The table's B2 (median of five): 1.50M lines/s,
  longest gap 12.9 ms, from 15.6 ms. The inspector test now times the
  client's own main loop (its helper had paused 1 ms between passes and
  sent no idle events): its longest gap was 9-13 ms in 27 of 28 runs and
  18 ms in one, from 14-19 ms; in one noisy stretch of 28 runs, 16 went
  over 16 ms (up to 46 ms) while B2 by hand stayed at 10-15 ms. What is
  left in the gaps is a frame that paints every visible row, and in the
  worst a frame's after-paint waiting 6-18 ms, with no CPU used, for Xvfb's
  reply (GDK asks the X server on every frame when no window manager
  runs), while the flooding peer competes for the two cores.
- **Frames without a window manager, and the once-a-second frame
  (2026-11-28, last).** (1) With no window manager (Xvfb here; a kiosk or a
  bare VNC session for users), GDK asks the X server after every frame
  whether a window manager supports frame sync, and waits for the answer:
  for the X server to finish drawing. That was the 6-18 ms after-paint
  waits above, and 1.4 ms of each B3 frame. The client turns frame sync
  off for its main window and the inspector when no window manager runs
  (client-wx/frame_sync.hpp; there is nothing to sync with then). By hand:
  B3 p99 3.5-4.2 ms from 4.3-5.0 ms, B2 p99 gap 8.6 from 10.6 ms. (2) A
  timeline of each window's paint showed the frame after the once-a-second
  status update at about 10 ms: the throughput graph took 3.6 ms of it (a
  new font on every paint, and a stroke per line segment; now one font and
  two polylines: 0.4 ms), the sidebar's row 1.1 ms (its attributes are now
  pinned, like the traffic view's). Tables: B2 1.55M lines/s with the
  longest gap 11.4 ms (p99 8.5 ms); B3 p99 3.73 ms. The inspector flood test:
  23 of 26 runs at 8-13.7 ms; the other three (25, 31 and 45 ms) were
  gaps in which the UI thread ran for only a fraction of the time (4 ms of
  CPU in the 25 ms gap): it was off the CPU, with the flooding peer, Xvfb
  and the actors on two cores.
- **B3 missed its target while frames kept their own times (before the
  reply hold above).** The median is
  about 0.5 ms; the tail is one frame. Every ping adds rows and scrolls the
  view, so GTK paints a frame at 60 Hz; GTK 3 has no blit for scrolling, so
  each frame repaints every visible row (pango shapes each, about 70% of
  our paint), and after painting GDK waits for a reply from the X server
  (`_NET_WM_FRAME_DRAWN` support, asked on every frame with no window
  manager), that is for Xvfb to finish drawing. A frame starts at a time of
  its own, mostly while a ping is in flight (0.4 of its 0.5 ms); timing
  each echo against the frames showed that nearly every ping slower than
  1 ms had its echo arrive while a frame was being painted, and the UI
  thread can apply it only afterwards. At about 60 frames a second and 2,000
  pings a second, 2-3% of pings meet a frame, so p99 is a frame's length:
  3.7 ms in the table's run with frame sync off (see above; 5.3, 4.5 and
  8.1 ms in earlier runs of five), and 3.5-8.3 ms in single runs.
  With a window manager running (openbox), GDK skips that round trip and a
  frame takes about 1.9 ms instead of 3.3 ms, yet p99 stayed at 3.4-4.4 ms:
  while the UI thread paints, Xvfb draws the last frame on the other core,
  and the echo's threads wait for both.
  Below 1 ms at p99 would take frames under about 0.5 ms (not with full
  repaints under Xvfb) or fewer than 20 frames a second while pinging, or,
  as the client now does, frames that wait for the echo.
- **B6 TLS**: with one connection, and in handshakes per second, we are at
  par with the asio::ssl echo; with 100 connections at about 0.7x, the same
  gap as plain B1 at that load (0.65x), so the cost there is per message in
  the connection and session path (the subject of the second performance
  round), not TLS. The TLS stage decrypts a whole read buffer per delivery,
  not one TLS record each, so small records do not cost a broker round trip
  apiece.
- Figures come from a shared 2-core machine; treat differences under 20% as
  noise."""

if __name__ == "__main__":
    sys.exit(main())
