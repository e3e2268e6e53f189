"""The ``cloudlet`` command: serve, status, accounts, s3 usage."""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudlet import __version__
from cloudlet.core.accounts import (
    DEFAULT_ROOT_ACCESS_KEY_ID,
    DEFAULT_ROOT_SECRET_ACCESS_KEY,
    Accounts,
)
from cloudlet.core.clock import Clock
from cloudlet.core.config import DEFAULT_PORT, DEFAULT_REGION, Config

if TYPE_CHECKING:
    from cloudlet.core.cloud import Cloud


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cloudlet", description=__doc__)
    parser.add_argument("--version", action="version", version=f"cloudlet {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="start the cloud on one endpoint")
    serve.add_argument("--host", default=os.environ.get("CLOUDLET_HOST", "127.0.0.1"))
    serve.add_argument(
        "--port", type=int, default=int(os.environ.get("CLOUDLET_PORT", DEFAULT_PORT))
    )
    serve.add_argument("--data-dir", default=os.environ.get("CLOUDLET_DATA_DIR", ".cloudlet"))
    serve.add_argument("--region", default=os.environ.get("CLOUDLET_REGION", DEFAULT_REGION))
    serve.add_argument(
        "--log-level",
        default=os.environ.get("CLOUDLET_LOG_LEVEL", "info"),
        choices=["debug", "info", "warning", "error"],
    )
    serve.add_argument(
        "--durability",
        default=os.environ.get("CLOUDLET_DURABILITY", "fsync"),
        choices=["fsync", "process"],
        help="fsync: acknowledged writes survive power loss; process: a crash",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("CLOUDLET_WORKERS", default_workers())),
        help="worker processes sharing the port (default: one per core, up to 4)",
    )
    serve.add_argument(
        "--no-enforce-iam",
        dest="enforce_iam",
        action="store_false",
        default=os.environ.get("CLOUDLET_ENFORCE_IAM", "1").lower() not in ("0", "false", "no"),
        help="allow every signed request without evaluating IAM policies (quick demos)",
    )
    serve.add_argument(
        "--lifecycle-day-seconds",
        type=float,
        default=float(os.environ.get("CLOUDLET_LIFECYCLE_DAY_SECONDS", 86400)),
        help="seconds of clock time in one S3 lifecycle day (restore delays scale alike)",
    )
    serve.add_argument(
        "--allow-default-credentials",
        action="store_true",
        help="allow binding a non-loopback address with the default root keys",
    )

    status = commands.add_parser("status", help="say whether a server answers, and what it serves")
    status.add_argument(
        "--endpoint", default=os.environ.get("AWS_ENDPOINT_URL", f"http://127.0.0.1:{DEFAULT_PORT}")
    )

    accounts = commands.add_parser("accounts", help="manage accounts")
    accounts_cmd = accounts.add_subparsers(dest="accounts_command", required=True)
    create = accounts_cmd.add_parser("create", help="create an account and print its root keys")
    create.add_argument("--name", default="account")
    create.add_argument("--data-dir", default=os.environ.get("CLOUDLET_DATA_DIR", ".cloudlet"))
    listing = accounts_cmd.add_parser("list", help="list accounts")
    listing.add_argument("--data-dir", default=os.environ.get("CLOUDLET_DATA_DIR", ".cloudlet"))

    s3 = commands.add_parser("s3", help="S3 reports")
    s3_cmd = s3.add_subparsers(dest="s3_command", required=True)
    usage = s3_cmd.add_parser(
        "usage", help="storage by bucket, class and prefix, with a monthly cost estimate"
    )
    usage.add_argument(
        "--endpoint", default=os.environ.get("AWS_ENDPOINT_URL", f"http://127.0.0.1:{DEFAULT_PORT}")
    )
    usage.add_argument("--bucket", help="one bucket (default: every bucket)")
    usage.add_argument("--json", action="store_true", help="print the endpoint's JSON as is")

    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve_command(args)
    if args.command == "status":
        return status_command(args.endpoint)
    if args.command == "s3":
        return s3_usage_command(args.endpoint, args.bucket, args.json)
    return accounts_command(args)


def default_workers() -> int:
    """One process per core (each is bound to one core by the GIL), at most 4."""
    return max(1, min(os.cpu_count() or 1, 4))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_command(args: argparse.Namespace) -> int:
    from cloudlet.gateway import workers
    from cloudlet.gateway.app import cache_dir
    from cloudlet.protocol.specs import ServiceIndex

    if args.lifecycle_day_seconds <= 0:
        print("--lifecycle-day-seconds must be positive", file=sys.stderr)
        return 2
    config = Config(
        host=args.host,
        port=args.port,
        data_dir=Path(args.data_dir),
        region=args.region,
        log_level=args.log_level,
        durability=args.durability,
        enforce_iam=args.enforce_iam,
        lifecycle_day_seconds=args.lifecycle_day_seconds,
    )
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    config.data_dir.mkdir(parents=True, exist_ok=True)
    # Prepared once, before any worker starts: the first account and the routing index.
    registry = Accounts(config.data_dir, Clock(config.data_dir / "clock.json"))
    account, cred = registry.ensure_root_account()
    registry.store.close()
    ServiceIndex.load(cache_dir(config.data_dir))
    if (
        not _is_loopback(args.host)
        and cred.secret_access_key == DEFAULT_ROOT_SECRET_ACCESS_KEY
        and not args.allow_default_credentials
    ):
        print(
            f"refusing to listen on {args.host} with the default root credentials: anyone on "
            "the network could use them. Set CLOUDLET_ROOT_ACCESS_KEY_ID and "
            "CLOUDLET_ROOT_SECRET_ACCESS_KEY, or pass --allow-default-credentials.",
            file=sys.stderr,
        )
        return 2
    try:
        workers.lock_data_dir(str(config.data_dir / "server.lock"))
        many = args.workers > 1
        if many:
            workers.claim_port(args.host, args.port)
        # With several workers the parent only holds the port; each worker listens on its own.
        sock = workers.listen(args.host, args.port, reuse_port=many, backlog=0 if many else 2048)
    except (OSError, RuntimeError) as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 1
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    endpoint = f"http://{shown_host}:{args.port}"
    print(
        f"cloudlet {__version__} serving on {endpoint} ({args.workers} worker"
        f"{'s' if args.workers > 1 else ''})\n"
        f"  data dir:   {config.data_dir.resolve()}\n"
        f"  region:     {config.region}\n"
        f"  account:    {account.account_id}\n"
        f"  access key: {cred.access_key_id}\n"
        f"  secret key: {cred.secret_access_key}\n"
        f"aws CLI:\n"
        f"  export AWS_ENDPOINT_URL={endpoint} AWS_ACCESS_KEY_ID={cred.access_key_id} "
        f"AWS_SECRET_ACCESS_KEY={cred.secret_access_key} AWS_DEFAULT_REGION={config.region}",
        flush=True,
    )
    if not many:
        serve(start_cloud(config, primary=True, first_start=True), sock)
        return 0

    def worker(index: int, first_start: bool, gate: workers.Gate) -> None:
        # Listening at once: a request waits in the backlog until this worker serves.
        own = workers.listen(args.host, args.port, reuse_port=True)
        cloud = start_cloud(config, primary=index == 0, first_start=first_start)
        if index == 0:
            gate.open()
        else:
            # Worker 0's start-up recovery would fail work this worker had already taken on
            # (a query it started): serve only once that recovery is done.
            gate.wait()
        serve(cloud, own)

    return workers.supervise(args.workers, worker)


def start_cloud(config: Config, primary: bool, first_start: bool) -> Cloud:
    """A worker's cloud with every service started (the primary's start-up recovery done)."""
    from cloudlet.core.cloud import Cloud

    cloud = Cloud(config, primary=primary, first_start=first_start)
    cloud.start_services()
    return cloud


def serve(cloud: Cloud, sock: Any) -> None:
    """Serve requests on ``sock`` with ``cloud`` until told to stop."""
    import uvicorn

    from cloudlet.gateway.app import App

    server = uvicorn.Server(
        uvicorn.Config(
            App(cloud),
            loop="uvloop" if sys.platform != "win32" else "asyncio",
            http="httptools",
            lifespan="on",
            access_log=False,
            server_header=False,
            proxy_headers=False,
            log_level="warning" if cloud.config.log_level == "info" else cloud.config.log_level,
            timeout_graceful_shutdown=30,
            timeout_keep_alive=75,
        )
    )
    server.run(sockets=[sock])


def status_command(endpoint: str) -> int:
    url = endpoint.rstrip("/") + "/_cloudlet/health"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            health = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        print(f"no cloudlet answers at {endpoint}: {exc}")
        return 1
    print(
        f"cloudlet {health['version']} at {endpoint}: {health['status']}, "
        f"up {health['uptime_seconds']:.0f}s"
    )
    print("services: " + ", ".join(health["services"]))
    return 0


def s3_usage_command(endpoint: str, bucket: str | None, raw: bool) -> int:
    """Print ``GET /_cloudlet/s3/usage`` as tables, using the root keys from the environment."""
    key = os.environ.get("AWS_ACCESS_KEY_ID", DEFAULT_ROOT_ACCESS_KEY_ID)
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY", DEFAULT_ROOT_SECRET_ACCESS_KEY)
    url = endpoint.rstrip("/") + "/_cloudlet/s3/usage"
    if bucket:
        url += "?" + urllib.parse.urlencode({"bucket": bucket})
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}:{secret}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            report = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = json.loads(exc.read() or b"{}")
        print(f"{detail.get('error', exc.code)}: {detail.get('message', '')}", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError, ValueError) as exc:
        print(f"no cloudlet answers at {endpoint}: {exc}", file=sys.stderr)
        return 1
    if raw:
        print(json.dumps(report, indent=2))
        return 0
    _print_usage(report)
    return 0


def _print_usage(report: dict[str, Any]) -> None:
    row = "{:<40} {:<20} {:>9} {:>14} {:>11} {:>14} {:>8} {:>14} {:>14}"
    print(
        row.format(
            "BUCKET", "STORAGE CLASS", "OBJECTS", "BYTES", "NONCURRENT", "NONCURRENT B",
            "UPLOADS", "UPLOAD BYTES", "EST. USD/MONTH",
        )
    )  # fmt: skip
    for b in report["buckets"]:
        for name, c in b["storage_classes"].items():
            print(
                row.format(
                    b["bucket"], name, c["objects"], c["bytes"], c["noncurrent_versions"],
                    c["noncurrent_bytes"], c["multipart_uploads"], c["multipart_bytes"],
                    f"{c['estimated_monthly_cost_usd']:.6f}",
                )
            )  # fmt: skip
        print(
            f"{b['bucket']}: {b['delete_markers']} delete markers, "
            f"estimated ${b['estimated_monthly_cost_usd']:.6f}/month"
        )
    print()
    prefix_row = "{:<40} {:<30} {:>9} {:>14} {:>11} {:>14}"
    print(prefix_row.format("BUCKET", "PREFIX", "OBJECTS", "BYTES", "NONCURRENT", "NONCURRENT B"))
    for b in report["buckets"]:
        for prefix, p in b["prefixes"].items():
            print(
                prefix_row.format(
                    b["bucket"], prefix or "(no prefix)", p["objects"], p["bytes"],
                    p["noncurrent_versions"], p["noncurrent_bytes"],
                )
            )  # fmt: skip
    print()
    print("{:<40} {:>8} {:>14}".format("BUCKET TAG", "BUCKETS", "EST. USD/MONTH"))
    for t in report["cost_by_tag"]:
        label = "(no tags)" if t["key"] is None else f"{t['key']}={t['value']}"
        print(f"{label:<40} {len(t['buckets']):>8} {t['estimated_monthly_cost_usd']:>14.6f}")
    print()
    print(f"TOTAL (estimate): ${report['estimated_monthly_cost_usd']:.6f}/month")
    print(report["note"])


def accounts_command(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    registry = Accounts(data_dir, Clock(data_dir / "clock.json"))
    registry.ensure_root_account()
    if args.accounts_command == "create":
        account, cred = registry.create_account(args.name)
        print(
            json.dumps(
                {
                    "AccountId": account.account_id,
                    "Name": account.name,
                    "AccessKeyId": cred.access_key_id,
                    "SecretAccessKey": cred.secret_access_key,
                },
                indent=2,
            )
        )
    else:
        for account in registry.list_accounts():
            print(f"{account.account_id}  {account.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
