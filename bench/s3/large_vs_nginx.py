"""A large GET from cloudlet against nginx serving the same bytes as a plain file.

Issue 8 asks get-large to reach 70% of "a plain file read through loopback". This starts
`cloudlet serve` and an nginx (sendfile on, one worker) on free ports, stores one object
of ``--size-mib`` in cloudlet and the same bytes as a file under nginx's root, then reads
each in turn with the same client (http.client into a reused 1 MiB buffer, discarding
the bytes) and prints the median MB/s of each and their ratio.

    python bench/s3/large_vs_nginx.py [--size-mib 256] [--runs 7]

Needs nginx on the PATH (Debian: ``apt-get install nginx-light``).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

BUFFER = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def start_nginx(root: Path, port: int) -> subprocess.Popen[bytes]:
    conf = root / "nginx.conf"
    (root / "tmp").mkdir()
    # As root, nginx's worker would drop to "nobody", who cannot read a private temp dir.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(
        f"""
{user}
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp;
  fastcgi_temp_path {root}/tmp; uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
  server {{ listen 127.0.0.1:{port}; root {root}/www; }}
}}
"""
    )
    return subprocess.Popen(["nginx", "-c", str(conf), "-p", str(root)])


def read_all(url: str) -> float:
    """Seconds to read ``url`` to the end through one connection."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port)
    buffer = bytearray(BUFFER)
    started = time.perf_counter()
    conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    response = conn.getresponse()
    if response.status != 200:
        raise RuntimeError(f"{url}: HTTP {response.status}")
    while response.readinto(buffer):
        pass
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=256)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if shutil.which("nginx") is None:
        sys.exit("nginx not found: apt-get install nginx-light")
    size = args.size_mib * 1024 * 1024
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "www").mkdir()
        payload = root / "www" / "object.bin"
        with payload.open("wb") as f:
            for _ in range(args.size_mib):
                f.write(os.urandom(BUFFER))
        cl_port, ng_port = free_port(), free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "cloudlet.cli", "serve", "--port", str(cl_port),
             "--data-dir", str(root / "cloudlet"), "--log-level", "warning"],
        )  # fmt: skip
        nginx = start_nginx(root, ng_port)
        try:
            endpoint = f"http://127.0.0.1:{cl_port}"
            wait_http(f"{endpoint}/_cloudlet/health")
            wait_http(f"http://127.0.0.1:{ng_port}/object.bin")
            s3 = boto3.client(
                "s3",
                endpoint_url=endpoint,
                region_name="us-east-1",
                aws_access_key_id=os.environ.get("CLOUDLET_ROOT_ACCESS_KEY_ID", "test"),
                aws_secret_access_key=os.environ.get("CLOUDLET_ROOT_SECRET_ACCESS_KEY", "test"),
                config=Config(signature_version="s3v4"),
            )
            s3.create_bucket(Bucket="large")
            with payload.open("rb") as f:
                s3.put_object(Bucket="large", Key="object.bin", Body=f)
            presigned = s3.generate_presigned_url(
                "get_object", Params={"Bucket": "large", "Key": "object.bin"}, ExpiresIn=3600
            )
            urls = {"cloudlet": presigned, "nginx": f"http://127.0.0.1:{ng_port}/object.bin"}
            speeds: dict[str, list[float]] = {name: [] for name in urls}
            for url in urls.values():  # warm the page cache
                read_all(url)
            for _ in range(args.runs):
                for name, url in urls.items():
                    speeds[name].append(size / read_all(url) / 1e6)
        finally:
            server.terminate()
            nginx.terminate()
            server.wait(30)
            nginx.wait(30)
    medians = {name: statistics.median(v) for name, v in speeds.items()}
    print(f"GET of {args.size_mib} MiB, median of {args.runs} runs, alternating:")
    for name, value in medians.items():
        low, high = min(speeds[name]), max(speeds[name])
        print(f"  {name:<9} {value:8.0f} MB/s  (range {low:.0f}-{high:.0f})")
    print(f"  cloudlet ÷ nginx: {medians['cloudlet'] / medians['nginx']:.2f}×")


if __name__ == "__main__":
    main()
