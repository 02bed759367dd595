"""The profile schema: every setting a dashboard has, validated strictly (unknown keys are errors).

The field names are the profile contract of ARCHITECTURE.md. Every source's settings share
:class:`SourceSettings` (so every source accepts ``base_url``, ``every`` and ``timeout``); a
source that is absent from ``sources:`` is disabled. Panel options keep rpi-rgb-led-matrix's own
names so its users recognise them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dashcli.core.pages import APP_PAGE, PAGE_NAMES
from dashcli.core.plugins import PAGES_GROUP, SOURCES_GROUP
from dashcli.core.plugins import names as plugin_names
from dashcli.core.values import ClockFormat


class StrictModel(BaseModel):
    """Base of every profile section: unknown keys are rejected, values are not coerced loosely."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Location(StrictModel):
    name: str = Field(min_length=1)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    timezone: str

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA timezone {value!r}") from None
        return value


class SourceSettings(StrictModel):
    """Settings every source accepts."""

    enabled: bool = True
    base_url: str | None = Field(
        default=None, description="Override the upstream's address (a mirror, or a test server)."
    )
    every: float | None = Field(
        default=None, gt=0, description="Fetch period in seconds; default: the source's own."
    )
    timeout: float = Field(default=10.0, gt=0, le=300, description="Per-request timeout, s.")
    max_body_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1024, le=1024**3,
        description="Largest upstream answer accepted, compressed and decompressed, bytes.",
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("base_url must start with http:// or https://")
        return value.rstrip("/") if value else value


class WeatherSettings(SourceSettings):
    provider: Literal["open-meteo", "openweathermap"] = "open-meteo"


class AirSettings(SourceSettings):
    provider: Literal["open-meteo", "openweathermap"] = "open-meteo"


class MoonSettings(SourceSettings):
    provider: Literal["met.no"] = "met.no"


class ScoreboardSettings(SourceSettings):
    """A league's scoreboard: favourite teams (abbreviations) are listed first."""

    teams: list[str] = Field(default_factory=list)

    @field_validator("teams")
    @classmethod
    def _upper(cls, value: list[str]) -> list[str]:
        return [team.upper() for team in value]


class MlbSettings(ScoreboardSettings):
    provider: Literal["statsapi", "espn"] = "statsapi"


class EspnSettings(ScoreboardSettings):
    provider: Literal["espn"] = "espn"
    league: str | None = Field(
        default=None, description="ESPN league slug, e.g. nfl, nba, nhl, eng.1, usa.1."
    )


class CalendarSettings(SourceSettings):
    provider: Literal["ics"] = "ics"
    url: str | None = Field(default=None, description="An ICS URL (may be a secret: url_secret).")
    path: str | None = Field(default=None, description="A local .ics file instead of a URL.")
    url_secret: str | None = Field(
        default=None, description="Name of the secret holding a private ICS URL."
    )
    days: int = Field(default=7, ge=1, le=62)


class EventItem(StrictModel):
    name: str = Field(min_length=1)
    date: str = Field(description="YYYY-MM-DD (the year of the first occurrence) or MM-DD.")
    kind: Literal["birthday", "anniversary", "holiday", "other"] = "other"

    @field_validator("date", mode="before")
    @classmethod
    def _yaml_date(cls, value: object) -> object:
        # YAML reads an unquoted 2001-02-07 as a date: accept it as the text it was.
        return value.isoformat() if isinstance(value, date) else value


class EventsSettings(SourceSettings):
    provider: Literal["local"] = "local"
    path: str | None = Field(default=None, description="A YAML list of events.")
    items: list[EventItem] = Field(default_factory=list)
    count: int = Field(default=5, ge=1, le=50)


class GithubSettings(SourceSettings):
    provider: Literal["github"] = "github"
    repository: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
    branch: str | None = None
    workflow: str | None = Field(default=None, description="Workflow file name or id.")


class TrackSettings(SourceSettings):
    provider: Literal["inreach"] = "inreach"
    user: str = Field(
        pattern=r"^[\w.-]+$", description="The MapShare name (share.garmin.com/NAME)."
    )


class WifiSettings(SourceSettings):
    provider: Literal["local"] = "local"
    security: Literal["WPA", "WEP", "nopass"] = Field(
        default="WPA", description="WPA (also WPA2/WPA3), WEP, or nopass for an open network."
    )
    hidden: bool = Field(default=False, description="The network does not broadcast its SSID.")


class ClockSettings(SourceSettings):
    provider: Literal["local"] = "local"


class PluginSettings(SourceSettings):
    """A plugin source's settings: the common ones, and any other key the plugin reads (as an
    attribute of ``ctx.settings``)."""

    model_config = ConfigDict(extra="allow", frozen=True)


class Sources(StrictModel):
    """The enabled sources; a source not listed here is not fetched. Besides the built-in ones,
    the name of a source an installed plugin adds (entry point group ``dashcli.sources``)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    weather: WeatherSettings | None = None
    air: AirSettings | None = None
    moon: MoonSettings | None = None
    clock: ClockSettings | None = None
    mlb: MlbSettings | None = None
    nfl: EspnSettings | None = None
    nba: EspnSettings | None = None
    nhl: EspnSettings | None = None
    soccer: EspnSettings | None = None
    calendar: CalendarSettings | None = None
    events: EventsSettings | None = None
    github: GithubSettings | None = None
    track: TrackSettings | None = None
    wifi: WifiSettings | None = None

    @model_validator(mode="after")
    def _plugin_sources(self) -> Sources:
        extra = self.__pydantic_extra__ or {}
        installed = plugin_names(SOURCES_GROUP)
        for name, value in extra.items():
            if name not in installed:
                known = ", ".join([*type(self).model_fields, *sorted(installed)])
                raise ValueError(f"unknown source {name!r} (known: {known}; plugins add more)")
            extra[name] = PluginSettings.model_validate(value or {})
        return self

    def enabled(self) -> dict[str, SourceSettings]:
        """The configured and enabled sources, by data type, in declaration order (plugin
        sources last)."""
        found: dict[str, SourceSettings] = {}
        for name in type(self).model_fields:
            settings = getattr(self, name)
            if settings is not None and settings.enabled:
                found[name] = settings
        for name, settings in (self.__pydantic_extra__ or {}).items():
            if isinstance(settings, SourceSettings) and settings.enabled:
                found[name] = settings
        return found


class FileSecrets(StrictModel):
    """A JSON (``.json``) or YAML file of key: value."""

    source: Literal["file"]
    path: str = "~/.config/dash/secrets.yaml"
    map: dict[str, str] = Field(default_factory=dict, description="secret key -> key in the file")


class EnvSecrets(StrictModel):
    """Mapped process environment variables, and an optional ``.env`` file (the process wins)."""

    source: Literal["env"]
    env_file: str | None = Field(default=None, description="A .env file read besides os.environ.")
    map: dict[str, str] = Field(
        default_factory=dict, description="secret key -> variable name; only these are read"
    )


# Kubernetes object names and namespaces (DNS-1123 subdomain); they are put into API paths.
K8S_NAME = r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"


class KubernetesSecrets(StrictModel):
    """A Secret (every key, or one key holding a JSON object) or a ConfigMap."""

    source: Literal["kubernetes"]
    namespace: str = Field(default="default", pattern=K8S_NAME)
    name: str = Field(pattern=K8S_NAME)
    kind: Literal["secret", "configmap"] = "secret"
    key: str | None = Field(
        default=None, description="One key holding a JSON object (or base64 of one); else all."
    )
    kubeconfig: str | None = Field(
        default=None, description="Default: in-cluster account, $KUBECONFIG, ~/.kube/config."
    )
    map: dict[str, str] = Field(default_factory=dict, description="secret key -> key in the object")


class KubeVaultSecrets(StrictModel):
    """Vault Transit ciphertext in a Secret's key, decrypted after Vault Kubernetes auth."""

    source: Literal["kubevault"]
    namespace: str = Field(default="default", pattern=K8S_NAME)
    name: str = Field(pattern=K8S_NAME)
    key: str = Field(description="The Secret's key holding the ciphertext (vault:vN:...).")
    kubeconfig: str | None = Field(
        default=None, description="Default: in-cluster account, $KUBECONFIG, ~/.kube/config."
    )
    vault_url: str = Field(pattern=r"^https?://[^\s/]+", description="e.g. https://vault:8200")
    role: str = Field(min_length=1, description="Vault Kubernetes-auth role.")
    transit_key: str = Field(min_length=1)
    transit_mount: str = "transit"
    auth_mount: str = "kubernetes"
    jwt_path: str = "/var/run/secrets/kubernetes.io/serviceaccount/token"
    ca_cert: str | None = Field(default=None, description="CA certificate (PEM) to verify Vault.")
    map: dict[str, str] = Field(default_factory=dict, description="secret key -> key in the JSON")


SecretsConfig = Annotated[
    FileSecrets | EnvSecrets | KubernetesSecrets | KubeVaultSecrets,
    Field(discriminator="source"),
]


# What display.cycle's page may be; also the enum editors complete from (dash profiles schema).
_PAGE_CHOICES: tuple[str, ...] = tuple(sorted(PAGE_NAMES | {APP_PAGE}))


# A time of day: HH:MM, or sunrise/sunset with an optional offset (sunset+30m, sunrise-1h).
TIME_OF_DAY = r"^(([01]\d|2[0-3]):[0-5]\d|(sunrise|sunset)([+-]\d{1,3}[mh])?)$"
CLOCK_TIME = r"^([01]\d|2[0-3]):[0-5]\d$"


class BrightnessStep(StrictModel):
    """From ``at`` on (until the next step), the panel's brightness is ``level`` (0: off)."""

    at: str = Field(pattern=TIME_OF_DAY, description="HH:MM, sunrise or sunset[+-N(m|h)]")
    level: int = Field(ge=0, le=100)


class PageWhen(StrictModel):
    """When a cycle page is shown: every condition given must hold."""

    between: tuple[Annotated[str, Field(pattern=CLOCK_TIME)],
                   Annotated[str, Field(pattern=CLOCK_TIME)]] | None = Field(
        default=None, description="[from, to] as HH:MM local time; wraps past midnight.")
    fresh: bool = Field(default=False, description="Only while the page's data is not stale.")
    playing: bool = Field(default=False, description="Only when a favourite team plays today.")


class CycleEntry(StrictModel):
    """One page of the cycle; ``{page: app, type: T}`` is the app page drawing published T."""

    page: str = Field(min_length=1, json_schema_extra={"enum": list(_PAGE_CHOICES)})
    seconds: float = Field(gt=0, le=3600)
    type: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
                             description="With page: app, the data type the app page draws.")
    when: PageWhen | None = Field(
        default=None, description="Show the page only when these hold: between, fresh, playing.")
    takeover: bool = Field(
        default=False,
        description="While a favourite team's game is live, this page takes over the cycle.",
    )

    @field_validator("page")
    @classmethod
    def _known_page(cls, value: str) -> str:
        plugins = plugin_names(PAGES_GROUP)
        if value != APP_PAGE and value not in PAGE_NAMES and value not in plugins:
            known = ", ".join([*_PAGE_CHOICES, *sorted(plugins)])
            raise ValueError(f"unknown page {value!r} (known: {known})")
        return value

    @model_validator(mode="after")
    def _app_type(self) -> CycleEntry:
        if (self.page == "app") != (self.type is not None):
            raise ValueError("type: give it with page: app (and only then), e.g. "
                             "{page: app, type: scores, seconds: 10}")
        return self

    @property
    def name(self) -> str:
        """The page's name for the renderer: ``app:scores`` for an app page."""
        return f"app:{self.type}" if self.page == "app" else self.page


class Panel(StrictModel):
    """rpi-rgb-led-matrix's RGBMatrixOptions, by their Python names."""

    rows: int = Field(default=32, ge=8, le=64)
    cols: int = Field(default=64, ge=16, le=128)
    chain_length: int = Field(default=2, ge=1, le=16)
    parallel: int = Field(default=1, ge=1, le=3)
    hardware_mapping: str = "adafruit-hat"
    brightness: int = Field(default=80, ge=1, le=100)
    gpio_slowdown: int = Field(default=4, ge=0, le=5)
    pwm_bits: int = Field(default=11, ge=1, le=11)
    pwm_lsb_nanoseconds: int = Field(default=130, ge=50, le=3000)
    pixel_mapper_config: str = ""
    row_address_type: int = Field(default=0, ge=0, le=5)
    multiplexing: int = Field(default=0, ge=0, le=20)
    scan_mode: int = Field(default=0, ge=0, le=1)
    disable_hardware_pulsing: bool = False
    limit_refresh_rate_hz: int = Field(default=0, ge=0)
    led_rgb_sequence: str = Field(default="RGB", pattern=r"^[RGB]{3}$")
    drop_privileges: bool = False


class Fonts(StrictModel):
    """Optional user fonts (BDF, PCF or TrueType paths) replacing the built-in bitmap fonts."""

    small: str | None = None
    body: str | None = None
    large: str | None = None


# The panel geometry drawing display.size when a profile's panel: sets none of it: for 128x64
# four 64x32 modules in a U chain (the bundled profiles' panel), for 64x32 one module.
PANEL_GEOMETRY: dict[str, dict[str, Any]] = {
    "128x64": {"rows": 32, "cols": 64, "chain_length": 4, "pixel_mapper_config": "U-mapper"},
    "64x32": {"rows": 32, "cols": 64, "chain_length": 1},
}
_GEOMETRY_KEYS = frozenset({"rows", "cols", "chain_length", "parallel", "pixel_mapper_config"})


class Display(StrictModel):
    size: Literal["128x64", "64x32"] = "128x64"
    cycle: list[CycleEntry] = Field(
        default_factory=lambda: [
            CycleEntry(page="clock", seconds=10),
            CycleEntry(page="weather", seconds=15),
        ]
    )
    brightness: list[BrightnessStep] = Field(
        default_factory=list,
        description="The panel's brightness by time of day (empty: panel.brightness always).")
    skip_empty: bool = Field(default=True, description="Skip pages with nothing to show.")
    skip_unavailable: bool = Field(
        default=False,
        description="Skip pages whose source is waiting or failing too (default: they show why).",
    )
    panel: Panel = Field(default_factory=Panel)
    fonts: Fonts = Field(default_factory=Fonts)
    clock: ClockFormat | None = Field(
        default=None, description="12h or 24h times; null: 12h with imperial units, else 24h."
    )

    @model_validator(mode="before")
    @classmethod
    def _panel_fits_size(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        panel = data.get("panel")
        if panel is None:
            panel = {}
        size = data.get("size", "128x64")
        if isinstance(panel, dict) and not _GEOMETRY_KEYS & panel.keys() and size in PANEL_GEOMETRY:
            return {**data, "panel": {**panel, **PANEL_GEOMETRY[size]}}
        return data

    @property
    def width_height(self) -> tuple[int, int]:
        width, height = self.size.split("x")
        return int(width), int(height)


class LegacyApi(StrictModel):
    """The old API server's surface for old clients (``dashcli.server.legacy``); no auth."""

    enabled: bool = Field(default=False, description="Listen for old clients (needs --legacy).")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535, description="The old API server's port.")
    origins: list[str] = Field(
        default_factory=lambda: ["http://localhost:3001"],
        description="Origins allowed by CORS (the old web display's).",
    )


class Server(StrictModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    token: str | None = Field(default=None, description="Bearer token; null: no auth.")
    token_secret: str | None = Field(default=None, description="Secret key holding the token.")
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names clients may use besides loopback and the bound address "
        "(e.g. dash.local); on 0.0.0.0 without a list, any Host is accepted.",
    )
    legacy: bool = Field(default=False, description="Also ingest the legacy 'update' channel.")
    legacy_redis: str | None = Field(
        default=None, description="Redis of the legacy channel; default: the store's (redis://)."
    )
    legacy_api: LegacyApi = Field(default_factory=LegacyApi)
    header_timeout: float = Field(
        default=10.0, gt=0, le=3600,
        description="Seconds a connection has to send a complete request line and headers "
        "(also the keep-alive idle timeout); then it is closed.",
    )
    max_connections: int = Field(
        default=8192, ge=1,
        description="Open connections at most (SSE streams included); past it: 503.",
    )

    @field_validator("legacy_redis")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^rediss?://", value):
            raise ValueError("legacy_redis must be a redis:// or rediss:// URL")
        return value

    @property
    def local_url(self) -> str:
        """Where a client on this machine reaches the server (a display, the health check):
        ``http://host:port``, on 127.0.0.1 when the server binds every interface."""
        host = self.host
        if host in ("", "0.0.0.0", "::"):  # noqa: S104 - compared, not bound
            host = "127.0.0.1"
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"


class EmailChannel(StrictModel):
    """Alerts by e-mail through an SMTP server."""

    type: Literal["email"]
    host: str = Field(min_length=1)
    port: int | None = Field(
        default=None, ge=1, le=65535, description="Default: 587 starttls, 465 tls, 25 none."
    )
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password_secret: str | None = Field(default=None, description="Secret key of the password.")
    sender: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", description="The From: address.")
    to: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]] = Field(min_length=1)
    ca_cert: str | None = Field(
        default=None, description="CA certificate (PEM) to verify the server; default: system's."
    )
    timeout: float = Field(default=15.0, gt=0, le=120)

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        return {"starttls": 587, "tls": 465, "none": 25}[self.security]


class WebhookChannel(StrictModel):
    """Alerts as an HTTP POST: a JSON object, or ntfy-style plain text (title in a header)."""

    type: Literal["webhook"]
    url: str = Field(pattern=r"^https?://[^\s/]+", description="e.g. https://ntfy.sh/my-topic")
    format: Literal["json", "ntfy"] = "json"
    token_secret: str | None = Field(
        default=None, description="Secret key of a bearer token sent as Authorization."
    )
    timeout: float = Field(default=10.0, gt=0, le=120)


AlertChannel = Annotated[EmailChannel | WebhookChannel, Field(discriminator="type")]


class AlertRules(StrictModel):
    stale_periods: float = Field(
        default=3, ge=1, le=1000, description="A source with no success for this many periods."
    )
    failures: int = Field(default=5, ge=1, le=10_000, description="Failures in a row.")
    store_down: float = Field(
        default=120, ge=0, le=86_400, description="The store unreachable this many seconds."
    )


class Alerts(StrictModel):
    """Where and when to send a message about failing sources or an unreachable store."""

    channels: list[AlertChannel] = Field(min_length=1)
    rules: AlertRules = Field(default_factory=AlertRules)
    check_every: float = Field(default=30, gt=0, le=3600, description="Seconds between checks.")
    remind_every: float = Field(
        default=21_600, ge=0, description="Seconds between reminders of an open problem; 0: none."
    )
    name: str = Field(default="dash", min_length=1, max_length=60,
                      description="Names this dashboard in every message.")


class Profile(StrictModel):
    """A whole dashboard: where, which units, which store, which sources, how it is shown."""

    location: Location
    units: Literal["imperial", "metric"] = "metric"
    store: str = Field(default="embedded", description="embedded | sqlite:///path | redis://...")
    secrets: SecretsConfig | None = None
    sources: Sources = Field(default_factory=Sources)
    display: Display = Field(default_factory=Display)
    server: Server = Field(default_factory=Server)
    alerts: Alerts | None = None

    @property
    def clock_format(self) -> ClockFormat:
        """How times of day are drawn: ``display.clock`` when set, else 12-hour with imperial
        units and 24-hour with metric (what users of each expect)."""
        if self.display.clock is not None:
            return self.display.clock
        return "12h" if self.units == "imperial" else "24h"

    @field_validator("store")
    @classmethod
    def _store_url(cls, value: str) -> str:
        if value != "embedded" and not re.match(r"^(sqlite|redis|rediss|memory)://", value):
            raise ValueError("store must be 'embedded', sqlite:///path, redis:// or rediss://")
        return value
