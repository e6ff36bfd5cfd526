"""The server's cost per request while wrk made requests over one
connection: instructions when the CPU's counters are available to perf (not
in most virtual machines), else CPU time (perf's task-clock, in
microseconds). Prints e.g. "412000 instructions" or "41.2 us CPU"."""

import re
import sys

perf_lines = open(sys.argv[1]).read().splitlines()
requests = int(re.search(r"(\d+) requests in", open(sys.argv[2]).read()).group(1))


def counter(name):
    for line in perf_lines:
        fields = line.split(",")
        if len(fields) > 2 and fields[2].startswith(name) and fields[0].replace(".", "").isdigit():
            return float(fields[0])
    return None


instructions = counter("instructions")
if instructions is not None:
    print(f"{instructions / max(requests, 1):.0f} instructions")
else:
    task_clock_ms = counter("task-clock")
    print(f"{task_clock_ms * 1000 / max(requests, 1):.1f} us CPU")
