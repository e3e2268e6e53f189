"""The running cloud: settings, clock, scheduler, accounts and the services, created lazily."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from cloudlet import __version__
from cloudlet.core.accounts import Accounts
from cloudlet.core.clock import Clock
from cloudlet.core.config import Config
from cloudlet.core.generation import Generation
from cloudlet.core.scheduler import Scheduler

if TYPE_CHECKING:
    from cloudlet.services.base import Service


class Cloud:
    """One worker's view of the cloud. ``primary`` is the worker that runs background work."""

    def __init__(self, config: Config, primary: bool = True, first_start: bool = True) -> None:
        self.config = config
        self.primary = primary
        #: False when a crashed worker is restarted: start-up recovery must not run again
        #: while other workers have writes in flight.
        self.first_start = first_start
        self.version = __version__
        self.started = time.time()
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = config.data_dir.resolve()
        self.generation = Generation(self.data_dir / "generation")
        self.clock = Clock(self.data_dir / "clock.json", on_change=self.generation.bump)
        self.scheduler = Scheduler()
        self.accounts = Accounts(self.data_dir, self.clock, on_change=self.generation.bump)
        self.root_account, self.root_credential = self.accounts.ensure_root_account()
        #: Blocking work (SQLite, fsync, file reads) runs here, off the event loop.
        self.executor = ThreadPoolExecutor(max_workers=64, thread_name_prefix="cloudlet")
        self._services: dict[str, Service] = {}
        from cloudlet.auth.authorize import Authorizer

        self.authorizer = Authorizer(self)
        self._lock = threading.Lock()

    def service(self, name: str) -> Service | None:
        """The handler object of a service, created on first use; None if cloudlet has none."""
        found = self._services.get(name)
        if found is not None:
            return found
        from cloudlet.services import REGISTRY, load

        if name not in REGISTRY:
            return None
        with self._lock:
            found = self._services.get(name)
            if found is None:
                found = self._services[name] = load(name, self)
        return found

    def start_services(self) -> None:
        """Create every registered service now, so recovery work runs before the first request."""
        from cloudlet.protocol.specs import service_model
        from cloudlet.services import REGISTRY

        for name in REGISTRY:
            self.service(name)
            service_model(name)  # load the model now, not during the first request
        if self.primary:
            self.scheduler.start()

    def invalidate(self) -> None:
        """Another worker changed shared state: drop every cache that may hold it."""
        self.clock.reload()
        self.accounts.invalidate()
        self.authorizer.invalidate()
        for service in list(self._services.values()):
            service.invalidate()

    def close(self) -> None:
        self.scheduler.stop()
        self.executor.shutdown(wait=True)
        for service in self._services.values():
            service.close()
        self.accounts.store.close()

    def health(self) -> dict[str, Any]:
        from cloudlet.services import REGISTRY

        return {
            "status": "running",
            "version": self.version,
            "uptime_seconds": round(time.time() - self.started, 3),
            "region": self.config.region,
            "services": sorted(REGISTRY),
            "clock_offset_seconds": self.clock.offset,
            "pid": os.getpid(),
        }
