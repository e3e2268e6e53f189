"""Running a crawler: list its S3 targets, classify files, group them into tables, and
write tables and partitions to the catalog, on a thread of its own.

A run moves READY -> RUNNING (listing, classifying) -> STOPPING (writing the catalog)
-> READY; StopCrawler makes it end CANCELLED before anything is written. Log lines go
to the crawler's log (``Glue.crawl_log``) with the run's id as their prefix, as AWS
writes them to CloudWatch Logs. ``CLOUDLET_GLUE_CRAWLER_MIN_SECONDS`` keeps each run
RUNNING at least that long (AWS crawls take a minute; demos and tests may want that).
"""

from __future__ import annotations

import fnmatch
import io
import json
import logging
import os
import re
import statistics as stats
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any, Literal

from cloudlet.core.errors import ServiceError
from cloudlet.core.store import Store
from cloudlet.services.glue import schedule
from cloudlet.services.glue.classify import Classification, classify
from cloudlet.services.glue.errors import CrawlerRunningException
from cloudlet.services.glue.grouping import FileInfo, TablePlan, plan_tables
from cloudlet.services.glue.writing import CatalogWriter, CrawlFailure

if TYPE_CHECKING:
    from cloudlet.services.glue.handlers import Glue

log = logging.getLogger("cloudlet.glue.crawl")
DEFAULT_SAMPLE = 0  # 0: every file (SampleSize unset)


class Cancelled(Exception):
    pass


class CrawlRunner:
    def __init__(self, glue: Glue) -> None:
        self.glue = glue
        self.min_seconds = float(os.environ.get("CLOUDLET_GLUE_CRAWLER_MIN_SECONDS", "0") or 0)
        self._threads: set[threading.Thread] = set()
        self._lock = threading.Lock()

    def start(self, account: str, region: str, name: str) -> str:
        """Claim the crawler (CrawlerRunningException if it runs) and crawl in the background."""
        crawl_id = str(uuid.uuid4())
        self.glue.crawlers.claim(account, region, name, crawl_id)
        thread = threading.Thread(
            target=self._run, args=(account, region, name, crawl_id), name=f"glue-crawl-{name}"
        )
        thread.daemon = True
        with self._lock:
            self._threads.add(thread)
        thread.start()
        return crawl_id

    def _run(self, account: str, region: str, name: str, crawl_id: str) -> None:
        try:
            crawl = Crawl(self, account, region, name, crawl_id)
        except Exception as exc:  # never leave a crawler RUNNING
            log.exception("crawler %s failed to start", name)
            error = f"Internal Service Exception: {exc}"
            self.glue.crawlers.finish(account, region, name, crawl_id, "FAILED", error, {})
        else:
            crawl.run()
        finally:
            with self._lock:
                self._threads.discard(threading.current_thread())
            Store.close_thread_connections()  # this thread ends: its connections with it

    def run_due(self) -> None:
        """The scheduler's job: start crawlers whose cron schedule fell due."""
        crawlers = self.glue.crawlers
        crawlers.fail_orphans()
        now = self.glue.cloud.clock.time()
        for account, region, name, seen in crawlers.due(now):
            crawler = crawlers.get(account, region, name)
            if crawler is None:
                continue
            expression = (crawler.get("Schedule") or {}).get("ScheduleExpression")
            upcoming = schedule.next_run(expression, now) if expression else None
            if not crawlers.advance(account, region, name, seen, upcoming):
                continue  # another worker fired it
            try:
                self.start(account, region, name)
            except CrawlerRunningException:
                log.info("scheduled run of crawler %s skipped: it is still running", name)

    def shutdown(self) -> None:
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=5)


class Crawl:
    """One run of one crawler."""

    def __init__(
        self, runner: CrawlRunner, account: str, region: str, name: str, crawl_id: str
    ) -> None:
        self.runner = runner
        self.glue = runner.glue
        self.account, self.region, self.name, self.crawl_id = account, region, name, crawl_id
        self.crawler = self.glue.crawlers.require(account, region, name)
        self.pending: list[str] = []
        self.started = time.monotonic()
        self._checked = 0.0
        #: Folders with files seen by this run (remembered for CRAWL_NEW_FOLDERS_ONLY).
        self.folders: set[str] = set()

    # -- logging and stopping ---------------------------------------------------------------

    def log(self, level: str, text: str) -> None:
        self.pending.append(f"[{self.crawl_id}] {level} : {text}")
        if len(self.pending) >= 50:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.glue.crawlers.add_log(self.account, self.region, self.name, self.pending)
            self.pending = []

    def check_stop(self) -> None:
        now = time.monotonic()
        if now - self._checked < 0.05:
            return
        self._checked = now
        if self.glue.crawlers.stop_requested(self.account, self.region, self.name):
            raise Cancelled()

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> None:
        status, error, summary = "SUCCEEDED", None, {}
        self.log("BENCHMARK", f"Running Start Crawl for Crawler {self.name}")
        try:
            plans = self.scan()
            self.wait_minimum()
            if not self.glue.crawlers.begin_writing(
                self.account, self.region, self.name, self.crawl_id
            ):
                raise Cancelled()  # StopCrawler came first (or the run was failed meanwhile)
            writer = CatalogWriter(self, plans)
            summary = writer.write()
            self.log("BENCHMARK", "Finished writing to Catalog")
        except Cancelled:
            status = "CANCELLED"
            self.log("INFO", "Crawl was stopped by StopCrawler before writing to the catalog")
        except CrawlFailure as exc:
            status, error = "FAILED", str(exc)
            self.log("ERROR", error)
        except ServiceError as exc:
            status, error = "FAILED", f"{exc.code}: {exc.message}"
            self.log("ERROR", error)
        except Exception as exc:  # never leave a crawler RUNNING
            log.exception("crawler %s failed", self.name)
            status, error = "FAILED", f"Internal Service Exception: {exc}"
            self.log("ERROR", error)
        summary["runtime"] = time.monotonic() - self.started
        self.log("BENCHMARK", "Crawler has finished running and is in state READY")
        try:
            self.flush()
        finally:
            self.glue.crawlers.finish(
                self.account, self.region, self.name, self.crawl_id, status, error, summary
            )

    def wait_minimum(self) -> None:
        while time.monotonic() - self.started < self.runner.min_seconds:
            self.check_stop()
            time.sleep(0.02)

    # -- listing and classifying -------------------------------------------------------------

    def scan(self) -> list[TablePlan]:
        targets = self.crawler.get("Targets") or {}
        plans: list[TablePlan] = []
        database = self.crawler.get("DatabaseName")
        for target in targets.get("S3Targets") or []:
            found = self.scan_path(target["Path"], target)
            for plan in found:
                plan.database = database
            plans += found
        for target in targets.get("CatalogTargets") or []:
            plans += self.scan_catalog_target(target)
        return plans

    def scan_catalog_target(self, target: dict[str, Any]) -> list[TablePlan]:
        """A catalog target re-crawls existing tables at their own locations."""
        plans: list[TablePlan] = []
        database = target["DatabaseName"]
        for table_name in target.get("Tables") or []:
            table = self.glue.catalog.table(self.account, self.region, database, table_name)
            if table is None:
                raise CrawlFailure(f"Table {table_name} not found in database {database}.")
            location = (table.get("StorageDescriptor") or {}).get("Location") or ""
            if not location.startswith("s3://"):
                raise CrawlFailure(f"Table {table_name} has no S3 location to crawl.")
            found = self.scan_path(location, {}, combine=True)
            for plan in found[:1]:
                plan.name = table["Name"]
                plan.database = database
                plan.catalog_table = True
                plans.append(plan)
        return plans

    def scan_path(
        self, path: str, target: dict[str, Any], combine: bool | None = None
    ) -> list[TablePlan]:
        match = re.match(r"^s3a?://([^/]+)/?(.*)$", path)
        if not match:
            raise CrawlFailure(f"Invalid S3 path: {path}")
        bucket, prefix = match.group(1), match.group(2)
        s3 = self.glue.s3
        if s3.buckets.find(bucket) is None:
            raise CrawlFailure(f"The specified bucket does not exist: {bucket} (path {path})")
        if prefix and not prefix.endswith("/") and s3.objects.get(bucket, prefix) is None:
            prefix += "/"  # a folder named without its slash
        root = prefix[: prefix.rfind("/") + 1]
        exclusions = [_glob(p) for p in target.get("Exclusions") or []]
        incremental = (self.crawler.get("RecrawlPolicy") or {}).get(
            "RecrawlBehavior"
        ) == "CRAWL_NEW_FOLDERS_ONLY"
        seen_folders = (
            self.glue.crawlers.folders(self.account, self.region, self.name)
            if incremental
            else set()
        )
        files = self.list_files(bucket, prefix, root, exclusions, seen_folders)
        sample = int(target.get("SampleSize") or DEFAULT_SAMPLE)
        self.classify_files(bucket, files, sample)
        if combine is None:
            combine = _combine(self.crawler.get("Configuration"))
        root_name = root.rstrip("/").rsplit("/", 1)[-1] if root else bucket
        plans = plan_tables(bucket, root, files, combine, root_name)
        self.folders |= {f"s3://{bucket}/{root}" + "/".join(f.folders) for f in files}
        return plans

    def list_files(
        self,
        bucket: str,
        prefix: str,
        root: str,
        exclusions: list[re.Pattern[str]],
        seen_folders: set[str],
    ) -> list[FileInfo]:
        files: list[FileInfo] = []
        for listed in self.glue.s3.list_keys(bucket, prefix):
            self.check_stop()
            rel = listed.key[len(root) :]
            parts = tuple(rel.split("/"))
            base = parts[-1]
            if not base or listed.size == 0 or base.startswith(("_", ".")) or "$folder$" in base:
                continue
            if any(p.match(rel) for p in exclusions):
                continue
            folder = f"s3://{bucket}/{root}" + "/".join(parts[:-1])
            if folder in seen_folders:
                continue
            files.append(FileInfo(listed.key, parts, listed.size, None))
        return files

    def classify_files(self, bucket: str, files: list[FileInfo], sample: int) -> None:
        specs = self.custom_classifiers()
        per_folder: dict[tuple[str, ...], list[FileInfo]] = {}
        for item in files:
            per_folder.setdefault(item.folders, []).append(item)
        for group in per_folder.values():
            chosen = group if not sample else group[:sample]
            for item in chosen:
                self.check_stop()
                found = self.classify_file(bucket, item, specs)
                if found is False:
                    self.log("WARN", f"File s3://{bucket}/{item.key} was removed while crawled")
                elif found is None:
                    self.log("WARN", f"File s3://{bucket}/{item.key} was classified as UNKNOWN")
                else:
                    item.cls = found
            reference = next((f.cls for f in chosen if f.cls is not None), None)
            for item in group[len(chosen) :]:
                item.cls, item.sampled = reference, False

    def classify_file(
        self, bucket: str, item: FileInfo, specs: list[dict[str, Any]]
    ) -> Classification | None | Literal[False]:
        """The file's classification (None: UNKNOWN), or False when the object is gone.

        An object may be deleted or overwritten between the listing, the lookup and the
        reads (its bytes are freed once the change commits): a replaced one is read again
        as it is now, a deleted one is left out, as if the listing had not seen it.
        """
        for _ in range(3):
            reader = self.glue.s3.open_object(bucket, item.key)
            if reader is None:
                return False
            try:
                with reader:
                    item.size = reader.seek(0, io.SEEK_END)
                    reader.seek(0)
                    return classify(reader, item.size, specs)
            except FileNotFoundError:
                continue
        return False

    def custom_classifiers(self) -> list[dict[str, Any]]:
        specs = []
        for name in self.crawler.get("Classifiers") or []:
            spec = self.glue.classifiers.get(self.account, self.region, name)
            if spec is None:
                raise CrawlFailure(f"Classifier {name} does not exist.")
            specs.append(spec)
        return specs


def _combine(configuration: str | None) -> bool:
    if not configuration:
        return False
    try:
        config = json.loads(configuration)
    except ValueError:
        return False
    grouping = config.get("Grouping") or {}
    return grouping.get("TableGroupingPolicy") == "CombineCompatibleSchemas"


def _glob(pattern: str) -> re.Pattern[str]:
    """AWS exclusion globs: ``*`` within a folder, ``**`` across folders, ``?``, ``[...]``,
    ``{a,b}``; matched against the key relative to the include path."""
    out, i = "", 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
            continue
        if c == "*":
            out += "[^/]*"
        elif c == "?":
            out += "[^/]"
        elif c == "{":
            end = pattern.find("}", i)
            if end > i:
                options = pattern[i + 1 : end].split(",")
                out += "(?:" + "|".join(re.escape(o) for o in options) + ")"
                i = end + 1
                continue
            out += re.escape(c)
        elif c == "[":
            end = pattern.find("]", i)
            if end > i:
                out += fnmatch.translate(pattern[i : end + 1])[4:-3]
                i = end + 1
                continue
            out += re.escape(c)
        else:
            out += re.escape(c)
        i += 1
    return re.compile(f"^{out}$")


def median_runtime(crawls: list[dict[str, Any]]) -> float:
    runtimes = [c["summary"].get("runtime", 0.0) for c in crawls if c["ended"] is not None]
    return float(stats.median(runtimes)) if runtimes else 0.0
