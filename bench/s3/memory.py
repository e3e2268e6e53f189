"""Server memory during a 2 GiB single PUT and GET: does RSS stay flat while bytes stream?

Starts `cloudlet serve` on a temporary data dir, samples the RSS of the server's whole
process tree every 50 ms, PUTs a 2 GiB object with one streamed request (no multipart),
reads it back to /dev/null, and prints the growth over the idle baseline.

    python bench/s3/memory.py [--size-mib 2048]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config


def tree_rss_mib(pid: int) -> float:
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class Repeating:
    """A file-like body of ``size`` bytes generated on the fly (nothing held in memory): the
    same 1 MiB of random bytes over and over, whatever sizes it is read in."""

    def __init__(self, size: int) -> None:
        self.size, self.pos = size, 0
        self.block = os.urandom(1024 * 1024)

    def read(self, n: int = -1) -> bytes:
        if self.pos >= self.size:
            return b""
        offset = self.pos % len(self.block)
        n = min(n if n > 0 else len(self.block), len(self.block) - offset, self.size - self.pos)
        self.pos += n
        return self.block[offset : offset + n]

    def seek(self, pos: int, whence: int = 0) -> int:
        self.pos = pos if whence == 0 else self.size if whence == 2 else self.pos + pos
        return self.pos

    def tell(self) -> int:
        return self.pos


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=2048)
    parser.add_argument("--port", type=int, default=18092)
    args = parser.parse_args()
    data = tempfile.mkdtemp()
    server = subprocess.Popen(
        [sys.executable, "-m", "cloudlet.cli", "serve", "--port", str(args.port),
         "--data-dir", data, "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(endpoint + "/_cloudlet/health", timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        s3 = boto3.client(
            "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test",
            region_name="us-east-1", config=Config(retries={"max_attempts": 1}),
        )  # fmt: skip
        s3.create_bucket(Bucket="memory")
        time.sleep(1)
        baseline = tree_rss_mib(server.pid)
        peak = [baseline]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], tree_rss_mib(server.pid))
                time.sleep(0.05)

        threading.Thread(target=sample, daemon=True).start()
        size = args.size_mib * 1024 * 1024
        started = time.time()
        s3.put_object(Bucket="memory", Key="big", Body=Repeating(size), ContentLength=size)
        put_seconds = time.time() - started
        put_peak = peak[0]
        started = time.time()
        body = s3.get_object(Bucket="memory", Key="big")["Body"]
        received = 0
        while chunk := body.read(1024 * 1024):
            received += len(chunk)
        get_seconds = time.time() - started
        stop.set()
        assert received == size, received
        print(f"object: {args.size_mib} MiB, one PUT and one GET")
        print(f"server RSS idle: {baseline:.0f} MiB (all worker processes)")
        print(f"PUT: {put_seconds:.1f} s, RSS peak +{put_peak - baseline:.0f} MiB")
        print(f"GET: {get_seconds:.1f} s, RSS peak +{peak[0] - baseline:.0f} MiB")
    finally:
        server.terminate()
        server.wait()
        subprocess.run(["rm", "-rf", data], check=False)


if __name__ == "__main__":
    main()
