#!/usr/bin/python3
"""B2 baseline: the classic Python design of a network-to-screen client.

A reader thread reads lines from the socket into a queue.Queue; the Tk main
loop polls the queue with after() every 10 ms, inserts what it finds into a
Text widget and scrolls to the end. Measured exactly like ui_bench flood:
lines/s from the first line shown to the last, the gaps between the ticks of
a 5 ms after() timer, and resident memory. Run with Debian's /usr/bin/python3
(python3-tk) under an X server.

    tk_flood.py PORT LINES
"""
import queue
import socket
import sys
import threading
import time
import tkinter as tk

POLL_MS = 10


def status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def main():
    if len(sys.argv) != 3:
        print("usage: tk_flood.py PORT LINES", file=sys.stderr)
        return 2
    port, lines = int(sys.argv[1]), int(sys.argv[2])
    sock = socket.create_connection(("127.0.0.1", port))
    lines_in = queue.Queue()

    def reader():
        for line in sock.makefile("rb"):
            lines_in.put(line)
        lines_in.put(None)

    root = tk.Tk()
    text = tk.Text(root, width=100, height=40)
    text.pack(fill="both", expand=True)
    state = {"shown": 0, "first": None, "seconds": None,
             "last_tick": time.monotonic(), "gaps": []}

    def poll():
        try:
            while True:
                line = lines_in.get_nowait()
                if line is None:
                    break
                text.insert("end", line.decode("utf-8", "replace"))
                state["shown"] += 1
                if state["first"] is None:
                    state["first"] = time.monotonic()
        except queue.Empty:
            pass
        text.see("end")
        if state["shown"] >= lines:
            now = time.monotonic()
            state["seconds"] = now - state["first"]
            state["gaps"].append((now - state["last_tick"]) * 1000)
            root.quit()
            return
        root.after(POLL_MS, poll)

    def tick():
        # Measured from the first line shown, like the lines/s.
        now = time.monotonic()
        if state["first"] is not None:
            state["gaps"].append((now - state["last_tick"]) * 1000)
        state["last_tick"] = now
        root.after(5, tick)

    def give_up():
        print("error: tk_flood did not finish in time", file=sys.stderr)
        sys.exit(1)

    threading.Thread(target=reader, daemon=True).start()
    root.after(POLL_MS, poll)
    root.after(5, tick)
    root.after(600_000, give_up)
    root.mainloop()
    gaps = sorted(state["gaps"])
    print("lines", state["shown"])
    print("lines_per_second", lines / state["seconds"])
    print("rss_kib", status_kib("VmRSS"))
    print("peak_rss_kib", status_kib("VmHWM"))
    print("ui_ticks", len(gaps))
    print("ui_gap_p99_ms", gaps[int(0.99 * (len(gaps) - 1) + 0.5)] if gaps else 0)
    print("ui_gap_max_ms", gaps[-1] if gaps else 0)
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
