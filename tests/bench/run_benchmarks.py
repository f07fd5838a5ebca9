#!/usr/bin/env python3
"""Runs the benchmarks side by side with their peers, prints a table and
rewrites docs/performance.md with the figures of this run.

B1: echo throughput, line-framed. Every server runs alone on the machine,
under the same load generator (echo_load), for every load; each cell is the
median of --runs runs (default 5)."""
import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys

LOADS = [  # (label, connections, in flight per connection, message bytes)
    ("1 conn x 64 in flight x 64 B", 1, 64, 64),
    ("100 conns x 16 x 64 B", 100, 16, 64),
    ("10 conns x 4 x 16 KiB", 10, 4, 16 * 1024),
]


def peers(build, bench):
    py = "/usr/bin/python3"
    result = [
        ("actors echo_server", [f"{build}/examples/echo_server", "--port", "0"]),
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


def run_load(load_gen, port, conns, inflight, size, seconds):
    out = subprocess.run(
        [load_gen, "--port", str(port), "--connections", str(conns),
         "--inflight", str(inflight), "--size", str(size),
         "--seconds", str(seconds)],
        capture_output=True, text=True, timeout=seconds + 60)
    values = dict(line.split() for line in out.stdout.splitlines() if line)
    if out.returncode != 0 or int(values.get("errors", 1)) != 0:
        return None
    return float(values["messages_per_second"])


def bench_echo(args):
    load_gen = f"{args.build_dir}/tests/bench/echo_load"
    table = {}
    for name, cmd in peers(args.build_dir, args.bench_dir):
        for label, conns, inflight, size in LOADS:
            samples = []
            for _ in range(args.runs):
                proc, port = start(cmd)  # a fresh server per run
                try:
                    rate = run_load(load_gen, port, conns, inflight, size,
                                    args.seconds)
                finally:
                    proc.kill()
                    proc.wait()
                if rate is not None:
                    samples.append(rate)
            table[(name, label)] = statistics.median(samples) if samples else None
            print(f"  {name:32} {label:30} {fmt(table[(name, label)])}",
                  flush=True)
    return table


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


def bench_scale(args):
    """B4: accept rate and server memory per idle connection."""
    limit = raise_descriptor_limit()
    tool = f"{args.build_dir}/tests/bench/idle_scale"
    table = {}
    for name, cmd in scale_peers(args.build_dir, args.bench_dir):
        for count in SCALES:
            if count + 64 > limit:
                table[(name, count)] = None
                continue
            rates, sizes = [], []
            for _ in range(max(1, args.runs // 2)):
                proc, port = start(cmd)
                try:
                    out = subprocess.run(
                        [tool, "--port", str(port), "--pid", str(proc.pid),
                         "--connections", str(count)],
                        capture_output=True, text=True, timeout=300)
                finally:
                    proc.kill()
                    proc.wait()
                values = dict(l.split() for l in out.stdout.splitlines() if l)
                if out.returncode == 0 and values.get("errors") == "0":
                    rates.append(float(values["connections_per_second"]))
                    sizes.append(float(values["rss_per_connection"]))
            table[(name, count)] = ((statistics.median(rates),
                                     statistics.median(sizes))
                                    if rates else None)
            cell = table[(name, count)]
            text = "failed" if cell is None else \
                f"{cell[0]:,.0f} conn/s, {cell[1]:,.0f} B/conn"
            print(f"  {name:32} {count:>6} idle  {text}", flush=True)
    return table


def scale_markdown(table):
    names = list(dict.fromkeys(name for name, _ in table))
    lines = ["| server | " + " | ".join(f"{n:,} idle" for n in SCALES) + " |",
             "|---|" + "---|" * len(SCALES)]
    for name in names:
        cells = []
        for count in SCALES:
            cell = table.get((name, count))
            cells.append("failed" if cell is None else
                         f"{cell[1] / 1024:.1f} KiB/conn, {cell[0]:,.0f} accepts/s")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--bench-dir", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    print("B1 echo throughput (messages/s, median of %d runs)" % args.runs)
    echo = echo_markdown(bench_echo(args))
    print(echo)
    print("B4 scale (idle connections; median of %d runs)" % max(1, args.runs // 2))
    scale = scale_markdown(bench_scale(args))
    print(scale)
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
                           extra="\n".join(extra)))
    print(f"wrote {args.output}")


DOC = """# Performance

Written by `bash cmake/bootstrap.sh bench` (tests/bench/run_benchmarks.py);
do not edit by hand. Machine: {machine}.
Benchmarks report against the project's targets; tests never assert them.

## B1 echo throughput, line-framed

Every server runs alone under the same load generator (tests/bench/echo_load:
one thread, epoll, a fixed number of messages in flight per connection,
counting only complete echoed messages). Messages per second, median of
{runs} runs of {seconds} s each, a fresh server per run.
Target: at least 1.0x asio in every load, at least 10x Python asyncio streams.

{echo}

## B4 scale: idle connections

tests/bench/idle_scale opens the connections (at most 256 connects
outstanding), proves each is served with one echoed line, waits a second
with all of them idle, then reads the server's resident memory. Memory per
connection is (RSS with N idle connections - RSS before) / N; the accept rate
counts from the first connect to the last echo.
Target: at most 8 KiB of user-space memory per idle connection at 10k.

{scale}

{extra}

## What we found and changed

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
- Not yet measured here: B2 (network to screen against the tkinter design)
  and B3 (send, echo, visible latency). The GUI test prints the client's
  lines/s during a million-line flood and the longest gap between 5 ms timer
  ticks (about 0.5M lines/s and 60-130 ms on this machine, where the target
  is 1M lines/s and 16 ms).
- Figures come from a shared 2-core machine; treat differences under 20% as
  noise."""

if __name__ == "__main__":
    sys.exit(main())
