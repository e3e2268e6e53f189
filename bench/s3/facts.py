"""The machine facts a benchmark result needs to be compared with later ones (JSON on stdout)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def main() -> None:
    data_dir = sys.argv[1] if len(sys.argv) > 1 else "."
    facts = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": _git("rev-parse", "HEAD"),
        "cpu_model": _cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
        "data_dir_filesystem": subprocess.run(
            ["df", "-T", data_dir], capture_output=True, text=True
        ).stdout.splitlines()[-1:],
    }
    json.dump(facts, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
