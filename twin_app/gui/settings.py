"""Typed, versioned access to the desktop app's persistent settings (QSettings).

Every setting the app remembers between sessions goes through :class:`AppSettings`, so the
keys, their types and defaults live in one place. A schema version is stored with the values:
when a future version changes the meaning of a key, :meth:`AppSettings._migrate` converts (or
drops) old values instead of feeding them to widgets that would misread them.

Tests pass an explicit ``path`` (an INI file in a temporary directory); the environment
variable ``TWIN_APP_SETTINGS`` does the same for a whole process, so a test run can never
touch the user's real settings.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

SCHEMA_VERSION = 1
"""Version of the key layout below; bump it and extend ``_migrate`` when a key changes."""

ORGANISATION = "CloudFactoryTwin"
APPLICATION = "twin-app"
MAX_RECENT = 10


class AppSettings:
    """The app's settings: recent files, run speed, view options and window layout."""

    def __init__(self, path: Path | str | None = None) -> None:
        if path is None and os.environ.get("TWIN_APP_SETTINGS"):
            path = os.environ["TWIN_APP_SETTINGS"]
        if path is None:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        self._migrate()

    # -- infrastructure --------------------------------------------------------------------

    @property
    def file_name(self) -> str:
        """Where the values are stored (an INI file)."""
        return self._qs.fileName()

    @property
    def schema_version(self) -> int:
        return self._int("schema_version", 0)

    def _migrate(self) -> None:
        """Bring stored values to :data:`SCHEMA_VERSION`; unknown newer files are left alone."""
        version = self._int("schema_version", 0)
        if version > SCHEMA_VERSION:
            return  # written by a newer program: read what we understand, never rewrite
        if version < 1:
            # Version 0 is an empty (or pre-release) store: nothing to convert.
            self._qs.setValue("schema_version", SCHEMA_VERSION)
        self._qs.sync()

    def sync(self) -> None:
        """Write pending values to disk now (QSettings also does this on its own)."""
        self._qs.sync()

    def clear(self) -> None:
        self._qs.clear()
        self._qs.setValue("schema_version", SCHEMA_VERSION)

    def _int(self, key: str, default: int) -> int:
        value = self._qs.value(key, default)
        try:
            return int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return default

    def _float(self, key: str, default: float) -> float:
        value = self._qs.value(key, default)
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return default

    def _bool(self, key: str, default: bool) -> bool:
        value = self._qs.value(key, default)
        if isinstance(value, str):  # INI files store booleans as text
            return value.strip().lower() in {"true", "1", "yes"}
        return bool(value)

    def _str(self, key: str, default: str) -> str:
        value = self._qs.value(key, default)
        return value if isinstance(value, str) else default

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._qs.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    # -- recent files ------------------------------------------------------------------------

    @property
    def recent_files(self) -> list[Path]:
        """Most recently opened scenario files first (at most :data:`MAX_RECENT`)."""
        value = self._qs.value("files/recent", [])
        if isinstance(value, str):  # a single entry comes back as a plain string
            value = [value] if value else []
        return [Path(item) for item in (value or []) if isinstance(item, str) and item][:MAX_RECENT]

    def add_recent_file(self, path: Path) -> None:
        resolved = str(Path(path).resolve())
        entries = [str(p) for p in self.recent_files if str(p) != resolved]
        self._qs.setValue("files/recent", [resolved, *entries][:MAX_RECENT])

    def clear_recent_files(self) -> None:
        self._qs.setValue("files/recent", [])

    @property
    def last_directory(self) -> str:
        return self._str("files/last_directory", "")

    @last_directory.setter
    def last_directory(self, value: str) -> None:
        self._qs.setValue("files/last_directory", value)

    # -- run -----------------------------------------------------------------------------------

    @property
    def speed(self) -> float:
        """Simulated minutes per wall-clock second when running paced."""
        value = self._float("run/speed", 120.0)
        return value if value > 0 else 120.0

    @speed.setter
    def speed(self, value: float) -> None:
        self._qs.setValue("run/speed", float(value))

    @property
    def fastest(self) -> bool:
        """Run as fast as possible instead of paced."""
        return self._bool("run/fastest", False)

    @fastest.setter
    def fastest(self, value: bool) -> None:
        self._qs.setValue("run/fastest", bool(value))

    # -- results -------------------------------------------------------------------------------

    @property
    def results_db(self) -> Path:
        """The results database the app stores its runs in and the history lists: the file
        chosen in the app, else ``TWIN_APP_DB`` (tests), else the CLI's default in the user
        data folder, so ``twin-app history`` lists the app's runs too."""
        chosen = self._str("results/database", "")
        if chosen:
            return Path(chosen)
        if os.environ.get("TWIN_APP_DB"):
            return Path(os.environ["TWIN_APP_DB"])
        from twin_app.store.results_db import default_database_path

        return default_database_path()

    @results_db.setter
    def results_db(self, value: Path | str) -> None:
        self._qs.setValue("results/database", str(value))

    # -- views ---------------------------------------------------------------------------------

    @property
    def current_view(self) -> int:
        return self._int("view/current", 0)

    @current_view.setter
    def current_view(self, value: int) -> None:
        self._qs.setValue("view/current", int(value))

    @property
    def gantt_color_mode(self) -> str:
        value = self._str("view/gantt_color_mode", "order")
        return value if value in {"order", "family", "owner", "state"} else "order"

    @gantt_color_mode.setter
    def gantt_color_mode(self, value: str) -> None:
        self._qs.setValue("view/gantt_color_mode", value)

    @property
    def map_color_mode(self) -> str:
        value = self._str("view/map_color_mode", "utilisation")
        return value if value in {"owner", "utilisation", "queue"} else "utilisation"

    @map_color_mode.setter
    def map_color_mode(self, value: str) -> None:
        self._qs.setValue("view/map_color_mode", value)

    @property
    def dark_theme(self) -> bool:
        """Use the dark theme."""
        return self._bool("view/dark_theme", False)

    @dark_theme.setter
    def dark_theme(self, value: bool) -> None:
        self._qs.setValue("view/dark_theme", bool(value))

    # -- window layout -------------------------------------------------------------------------

    @property
    def window_geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._qs.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        """QMainWindow.saveState(): docks and toolbars."""
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._qs.setValue("window/state", value)
