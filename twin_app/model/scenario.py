"""The scenario: a cloud-factory network and the demand poured through it.

Immutable, typed objects. The field names here *are* the scenario file's keys (see
docs/scenario-format.md); the file reader validates a file into these objects once, and the
JSON Schema in ``assets/`` is generated from them, so the three cannot drift apart.
Ids are strings that other objects refer to (a machine names its ``site``, a site its
``owner``); the cross references are checked by :mod:`twin_app.model.checks`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from annotated_types import Ge, Gt, Le, Lt, MinLen
from pydantic import BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from twin_app.model import limits
from twin_app.model.distributions import (
    Constant,
    Distribution,
    DistributionSpecError,
    distribution_json_schema,
    parse_distribution,
)

FORMAT_VERSION = 2
"""The newest scenario file format this program reads and the one it writes.

Version 2 added the economics (sharing rules, investments, prices, contracts, rentals,
platform costs); a version 1 file is migrated on reading (see
:func:`twin_app.io.scenario_file.migrate`)."""

_FORBID_UNKNOWN = ConfigDict(extra="forbid")


def _to_distribution(raw: object) -> Distribution:
    try:
        return parse_distribution(raw)
    except DistributionSpecError as error:
        raise PydanticCustomError("distribution", str(error)) from None


def _distribution_json(distribution: Distribution) -> Any:
    return distribution.to_json()


# (named functions, not lambdas, here and in default factories: the reader pickles the
# validation schema made from these types, twin_app.io.schema_cache)
Time = Annotated[
    Distribution,
    BeforeValidator(_to_distribution),
    PlainSerializer(_distribution_json),
    WithJsonSchema(distribution_json_schema()),
]
"""A time in the file: a number (constant) or a distribution object."""

Id = Annotated[str, MinLen(1)]
# Numbers carry the limits of twin_app/model/limits.py, so the reader rejects (and the JSON
# Schema states) values no run could handle.
Coordinate = Annotated[float, Ge(-limits.MAX_NUMBER), Le(limits.MAX_NUMBER)]
PositiveFloat = Annotated[float, Gt(0), Le(limits.MAX_NUMBER)]
NonNegativeFloat = Annotated[float, Ge(0), Le(limits.MAX_NUMBER)]
TimePoint = Annotated[float, Ge(0), Le(limits.MAX_TIME)]
PositiveTime = Annotated[float, Gt(0), Le(limits.MAX_TIME)]
CalendarPeriod = Annotated[float, Ge(limits.MIN_CALENDAR_STEP), Le(limits.MAX_TIME)]
Probability = Annotated[float, Ge(0), Le(1)]
Quantity = Annotated[int, Gt(0), Le(limits.MAX_QUANTITY)]

ZERO = Constant(0.0)
ONE = Constant(1.0)


@dataclass(frozen=True, slots=True)
class Owner:
    """A company: an asset owner, a logistics provider, or the platform itself."""

    __pydantic_config__ = _FORBID_UNKNOWN
    id: Id
    name: str = ""
    kind: Literal["asset_owner", "logistics", "platform"] = "asset_owner"
    region: str = ""
    color: str = ""
    """Colour for the views, as '#rrggbb'; empty picks one from a palette."""
    discount_rate: Annotated[float, Ge(-0.99), Le(10)] = 0.08
    """Yearly rate the owner discounts future cash flows at (0.08 = 8%), for its NPV; from
    -0.99 to 10 (1,000%)."""
    trust: Probability = 1.0
    """The platform's trust in this owner at the start (1: full); it then follows the owner's
    own record of on-time, right-first-time work (docs/scenario-format.md, trust)."""
    tier: Annotated[int, Ge(0), Le(100)] | None = None
    """Place in the supply chain: 0 the OEM (who sells to the customer), 1 its direct
    suppliers, 2 theirs...; none: not said. Reported per tier; dispatch does not read it."""
    shares_data: Literal["live", "periodic", "none"] = "live"
    """What the platform sees of this owner's machines when it dispatches: their queues and
    states as they are now (live), a snapshot taken every ``share_period`` (periodic), or
    only their declared capacity (none: every machine looks free)."""
    share_period: CalendarPeriod = 240.0
    """How often a 'periodic' owner sends its snapshot (time units; 240 = every 4 hours)."""


@dataclass(frozen=True, slots=True)
class Handling:
    """A hub's cross-docking: every part that arrives by one lane and leaves by another is
    handled here first, taking ``time`` on one of ``capacity`` docks at ``cost_per_unit``."""

    __pydantic_config__ = _FORBID_UNKNOWN
    time: Time = ZERO
    """Time to handle one part (unload, sort, load) on a dock."""
    cost_per_unit: NonNegativeFloat = 0.0
    """Handling cost per unit, borne by the site's owner."""
    capacity: Annotated[int, Gt(0), Le(limits.MAX_MACHINE_CAPACITY)] | None = None
    """Docks handling parts at the same time; none: no limit (parts never wait)."""


@dataclass(frozen=True, slots=True)
class Site:
    """A location of an owner; x/y are kilometres on a plane (or longitude/latitude)."""

    __pydantic_config__ = _FORBID_UNKNOWN
    id: Id
    owner: Id
    name: str = ""
    x: Coordinate = 0.0
    y: Coordinate = 0.0
    energy_price: NonNegativeFloat = 0.0
    """Price of a kWh of electricity at this site (the tariff)."""
    grid_co2: NonNegativeFloat = 0.0
    """CO2 per kWh of the electricity this site draws (its grid or contract intensity)."""
    handling: Handling | None = None
    """Cross-docking at a hub; none: parts change lanes here at once, at no cost."""


@dataclass(frozen=True, slots=True)
class Capability:
    """A process step type a machine can do, and how long it takes there (at speed 1)."""

    __pydantic_config__ = _FORBID_UNKNOWN
    step: Id
    time: Time
    per_unit: bool = False
    """True: ``time`` is per unit and a job of quantity q takes q draws' worth (time x q)."""


@dataclass(frozen=True, slots=True)
class Failures:
    """Breakdowns: time between failures (calendar time) and time to repair."""

    __pydantic_config__ = _FORBID_UNKNOWN
    mtbf: Time
    mttr: Time


@dataclass(frozen=True, slots=True)
class Shifts:
    """A repeating calendar: the machine works inside ``windows`` of each ``period``."""

    __pydantic_config__ = _FORBID_UNKNOWN
    period: CalendarPeriod
    windows: tuple[tuple[TimePoint, TimePoint], ...]
    """[start, end) pairs within one period, sorted and not overlapping, e.g. [[360, 840]]."""


@dataclass(frozen=True, slots=True)
class CostRates:
    """Money per time unit while running (busy), idle, and in setup."""

    __pydantic_config__ = _FORBID_UNKNOWN
    running: NonNegativeFloat = 0.0
    idle: NonNegativeFloat = 0.0
    setup: NonNegativeFloat = 0.0


@dataclass(frozen=True, slots=True)
class Power:
    """Electrical power a machine unit draws in each state, in kW. Blocked units draw idle
    power; units down for repair or off shift draw standby power."""

    __pydantic_config__ = _FORBID_UNKNOWN
    busy: NonNegativeFloat = 0.0
    setup: NonNegativeFloat = 0.0
    idle: NonNegativeFloat = 0.0
    standby: NonNegativeFloat = 0.0
    standby_after: TimePoint | None = None
    """An idle unit switches to standby power after idling this long; none: never."""


@dataclass(frozen=True, slots=True)
class Investment:
    """A machine bought outright: what it cost, how long it serves, what it fetches at the
    end, and what keeping it running costs per year. Its capital cost per cost period is the
    equivalent annual cost at the owner's discount rate (see docs/economics.md)."""

    __pydantic_config__ = _FORBID_UNKNOWN
    price: PositiveFloat
    """Purchase price."""
    life_years: Annotated[float, Ge(0.1), Le(100)]
    """Service life in years (at least 0.1, about five weeks); the machine is bought again at
    the end of it."""
    salvage: NonNegativeFloat = 0.0
    """What the machine is sold for at the end of its life (at most its price)."""
    maintenance_per_year: NonNegativeFloat = 0.0


@dataclass(frozen=True, slots=True)
class Machine:
    """A machine at a site: what it can do, how fast, how reliably, when, and at what cost."""

    __pydantic_config__ = _FORBID_UNKNOWN
    id: Id
    site: Id
    capabilities: Annotated[tuple[Capability, ...], MinLen(1)]
    name: str = ""
    capacity: Annotated[int, Gt(0), Le(limits.MAX_MACHINE_CAPACITY)] = 1
    """Identical parallel units (servers) sharing this machine's queue."""
    speed: Annotated[float, Gt(0), Ge(limits.MIN_SPEED), Le(limits.MAX_NUMBER)] = 1.0
    """Processing times are divided by the speed."""
    buffer: Quantity | None = None
    """Push mode: at most this many operations may wait for the machine (parts on their way
    included). When every capable machine's buffer is full, the part stays on the machine
    that finished it, which is then *blocked*. None: no limit."""
    setup: dict[str, dict[str, Time]] = field(default_factory=dict)
    """Changeover time from product family (outer key) to family (inner key)."""
    setup_default: Time = ZERO
    """Changeover time between two different families not listed in ``setup``."""
    failures: Failures | None = None
    shifts: Shifts | None = None
    cost: CostRates = field(default_factory=CostRates)
    capex_per_period: NonNegativeFloat = 0.0
    """A capital charge per cost period, paid like a financing instalment; for a machine
    with a purchase price, service life and salvage value use ``investment`` instead."""
    lease_per_period: NonNegativeFloat = 0.0
    investment: Investment | None = None
    power: Power = field(default_factory=Power)
    """Power per state (kW); energy, its cost and its CO2 are results of the run."""
    yield_rate: Annotated[float, Gt(0), Le(1)] = 1.0
    """Share of operations whose output is good (or needs rework); the rest is scrap and
    the part is made again from its first step (an assembly from its assembly step)."""
    rework_rate: Annotated[float, Ge(0), Le(limits.MAX_REWORK_PROBABILITY)] = 0.0
    """Share of operations whose output must be reworked: the step is done again."""


@dataclass(frozen=True, slots=True)
class Departure:
    """When a vehicle leaves: as soon as there is load and a vehicle (on_demand), when the
    load fills it or the oldest part has waited ``max_wait`` (when_full), or at the
    ``times`` of each ``period`` (timetable)."""

    __pydantic_config__ = _FORBID_UNKNOWN
    policy: Literal["on_demand", "when_full", "timetable"] = "on_demand"
    max_wait: PositiveTime | None = None
    period: CalendarPeriod | None = None
    times: tuple[TimePoint, ...] = ()


@dataclass(frozen=True, slots=True)
class Lane:
    """A logistics link between two sites, or a site and a customer."""

    __pydantic_config__ = _FORBID_UNKNOWN
    id: Id
    origin: Id
    destination: Id
    transit: Time
    owner: str = ""
    """The logistics provider running it (an owner id), or empty."""
    cost_per_shipment: NonNegativeFloat = 0.0
    """Per trip: each loaded departure of a vehicle."""
    cost_per_unit: NonNegativeFloat = 0.0
    co2_per_unit: NonNegativeFloat = 0.0
    """CO2 per unit carried, on top of the per-km figures (the format 1 way to state it)."""
    vehicles: Annotated[int, Gt(0), Le(limits.MAX_VEHICLES)] = 1
    vehicle_capacity: PositiveFloat = 1.0e9
    """Units one vehicle carries; the default is 'no limit'."""
    departure: Departure = field(default_factory=Departure)
    bidirectional: bool = True
    lease_per_period: NonNegativeFloat = 0.0
    """What the lane's vehicles cost per cost period (lease or depreciation of the fleet),
    whether they drive or not: the logistics provider's capital charge."""
    distance: PositiveFloat | None = None
    """Road kilometres from origin to destination; none: the straight line between their
    x/y coordinates times ``road_factor`` (see :mod:`twin_app.model.geography`)."""
    road_factor: Annotated[float, Ge(1), Le(10)] = 1.3
    """Road distance per straight-line distance, used when ``distance`` is not given."""
    cost_per_km: NonNegativeFloat = 0.0
    """Per vehicle-km driven, loaded or empty (the empty return of a trip included)."""
    vehicle_cost_per_day: NonNegativeFloat = 0.0
    """What each vehicle costs per day (1,440 time units) whether it drives or not: driver,
    insurance, depreciation. The logistics provider's fixed cost."""
    co2_per_km_empty: NonNegativeFloat = 0.0
    """CO2 per km of an empty vehicle (a return trip)."""
    co2_per_km_full: NonNegativeFloat = 0.0
    """CO2 per km of a full vehicle; a part-loaded one emits in proportion to its load
    between the empty and the full figure."""


@dataclass(frozen=True, slots=True)
class Rework:
    """A quality loop: with ``probability`` the job goes back to step ``back_to`` (0-based)."""

    __pydantic_config__ = _FORBID_UNKNOWN
    probability: Annotated[float, Ge(0), Le(limits.MAX_REWORK_PROBABILITY)]
    back_to: Annotated[int, Ge(0)]


@dataclass(frozen=True, slots=True)
class Suppliers:
    """Owners a step must (``required``) or should (``preferred``) go to: a customer naming
    its component supplier. Required: only their machines can do the step. Preferred: their
    machines get the step whenever one of them can be reached; others only otherwise."""

    __pydantic_config__ = _FORBID_UNKNOWN
    required: tuple[Id, ...] = ()
    preferred: tuple[Id, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    """One process step of a routing; any machine with one of ``capabilities`` can do it."""

    __pydantic_config__ = _FORBID_UNKNOWN
    capabilities: Annotated[tuple[Id, ...], MinLen(1)]
    name: str = ""
    probability: Probability = 1.0
    """Chance that a job needs this step at all (otherwise it is skipped)."""
    rework: Rework | None = None
    suppliers: Suppliers = field(default_factory=Suppliers)
    """Owners the customer names for this step (e.g. a component supplier)."""
    premium: NonNegativeFloat = 0.0
    """Price per unit the customer pays on top when the job goes through this step: the
    premium for a customised option (an optional step). Charged once per job, rework not
    counted."""


@dataclass(frozen=True, slots=True)
class BomItem:
    """``quantity`` units of component ``product`` go into one unit of the parent."""

    __pydantic_config__ = _FORBID_UNKNOWN
    product: Id
    quantity: Quantity = 1


@dataclass(frozen=True, slots=True)
class TakeBack:
    """A circular flow: a share of each delivered order's units comes back from the customer
    after a delay, travels to where ``process`` is done (inspection, remanufacturing), and the
    units that can be remanufactured go to stock, where they replace new ``replaces`` parts
    (components) in later orders; the rest are recycled as secondary material."""

    __pydantic_config__ = _FORBID_UNKNOWN
    share: Probability
    """Share of delivered units that come back (each unit independently)."""
    delay: Time
    """Time from delivery until the returned units leave the customer."""
    process: Id
    """The product whose routing inspects and remanufactures the returned units (its steps
    are dispatched like any other; name the remanufacturer as its required supplier)."""
    remanufacturable: Probability = 1.0
    """Share of returned units that can be remanufactured; the rest are recycled."""
    replaces: Id = ""
    """The component product a remanufactured unit replaces in later orders; empty: this
    product itself."""


@dataclass(frozen=True, slots=True)
class Product:
    """A routing of steps, a family for changeovers, and optionally a bill of materials."""

    __pydantic_config__ = _FORBID_UNKNOWN
    id: Id
    routing: Annotated[tuple[Step, ...], MinLen(1)]
    family: str = ""
    name: str = ""
    bom: tuple[BomItem, ...] = ()
    assembly_step: Annotated[int, Ge(0)] = 0
    """Index of the routing step before which all components must have arrived."""
    price: NonNegativeFloat = 0.0
    """List price per unit: an order's price when its demand stream or order book sets none."""
    take_back: TakeBack | None = None
    """Units of this product that come back after delivery (circular flows); none: none."""


@dataclass(frozen=True, slots=True)
class ServiceContract:
    """An outcome-based contract: the due date it promises, what a late order costs and what
    an on-time one earns. An order is late when delivered after its due date: set by the
    contract's ``due`` rule when it has one, else by the customer's demand stream's ``due``
    rule (an order of the order book keeps a ``due`` of its own)."""

    __pydantic_config__ = _FORBID_UNKNOWN
    due: DueDateRule | None = None
    """The service level: how the due date of every order of this customer is set (replaces
    the demand stream's rule). Deterministic: a ``lead_time`` rule takes a number, not a
    distribution."""
    penalty_per_order: NonNegativeFloat = 0.0
    """Paid back to the customer for each late order."""
    penalty_per_hour: NonNegativeFloat = 0.0
    """Paid back to the customer per hour (60 time units) an order is late."""
    bonus_per_order: NonNegativeFloat = 0.0
    """Paid by the customer on top of the price for each order delivered on time."""


@dataclass(frozen=True, slots=True)
class Customer:
    """Who orders; x/y place it on the map, lanes may deliver to it."""

    __pydantic_config__ = _FORBID_UNKNOWN
    id: Id
    name: str = ""
    x: Coordinate = 0.0
    y: Coordinate = 0.0
    contract: ServiceContract = field(default_factory=ServiceContract)


@dataclass(frozen=True, slots=True)
class DueDateRule:
    """Due date = release + ``lead`` (lead_time), or release + ``factor`` x the order's
    total expected work (total_work, the TWK rule)."""

    __pydantic_config__ = _FORBID_UNKNOWN
    rule: Literal["lead_time", "total_work"] = "total_work"
    lead: Time | None = None
    factor: PositiveFloat = 3.0


@dataclass(frozen=True, slots=True)
class DemandStream:
    """Orders of one customer arriving over time with a product mix."""

    __pydantic_config__ = _FORBID_UNKNOWN
    customer: Id
    interarrival: Time
    mix: dict[str, Probability]
    """Product id -> probability; the probabilities sum to 1."""
    quantity: Time = ONE
    """Units per order (rounded to a whole number, at least 1)."""
    due: DueDateRule = field(default_factory=DueDateRule)
    price_per_unit: NonNegativeFloat = 0.0
    start: TimePoint = 0.0
    stop: PositiveTime | None = None
    max_orders: Annotated[int, Gt(0), Le(limits.MAX_EXPECTED_ORDERS)] | None = None
    id: Id | None = None
    """Names the stream's random numbers, so adding or reordering other streams leaves its
    orders alone. Default: the customer id (its 2nd stream without an id: '<customer>#2')."""


def demand_stream_ids(streams: Sequence[DemandStream]) -> list[str]:
    """The stable id of each stream, which keys its random numbers.

    A stream's own ``id`` if it has one; otherwise its customer's id, and for a further
    stream of the same customer without an id ``<customer>#2``, ``#3``... (counted over that
    customer's streams only, skipping ids already taken). So adding, removing or reordering
    the streams of *other* customers never changes a stream's id. Duplicate explicit ids are
    kept as they are (the reader reports them).
    """
    taken = {s.id for s in streams if s.id is not None}
    ids: list[str] = []
    for spec in streams:
        if spec.id is not None:
            ids.append(spec.id)
            continue
        candidate, count = spec.customer, 1
        while candidate in taken:
            count += 1
            candidate = f"{spec.customer}#{count}"
        taken.add(candidate)
        ids.append(candidate)
    return ids


@dataclass(frozen=True, slots=True)
class OrderSpec:
    """One order of an explicit order book."""

    __pydantic_config__ = _FORBID_UNKNOWN
    id: Id
    customer: Id
    product: Id
    quantity: Quantity = 1
    release: TimePoint = 0.0
    due: TimePoint | None = None
    price: NonNegativeFloat = 0.0
    """Price of the whole order."""


@dataclass(frozen=True, slots=True)
class Demand:
    """Arrival streams, an explicit order book, or both."""

    __pydantic_config__ = _FORBID_UNKNOWN
    streams: tuple[DemandStream, ...] = ()
    orders: tuple[OrderSpec, ...] = ()
    order_book: str = ""
    """A CSV file of orders, relative to the scenario file; read when the scenario is loaded."""


SharingRule = Literal["full_cost", "full_cost_proportional", "processing_time", "equal", "shapley", "variable_cost"]
"""How an order's revenue is shared among the partners who worked on it (docs/economics.md)."""

AssignmentRule = Literal["earliest_completion", "fastest", "cheapest", "least_loaded", "random", "weighted", "trust"]
SequencingRule = Literal["fifo", "spt", "edd", "mwkr", "mopnr", "fdd_mwkr", "cr", "atc"]


@dataclass(frozen=True, slots=True)
class AssignmentWeights:
    """Weights of the 'weighted' assignment score (each term normalised over candidates)."""

    __pydantic_config__ = _FORBID_UNKNOWN
    completion: NonNegativeFloat = 1.0
    cost: NonNegativeFloat = 0.0
    load: NonNegativeFloat = 0.0
    reliability: NonNegativeFloat = 0.0
    trust: NonNegativeFloat = 0.0
    """Weight of distrust (1 - the owner's trust score)."""


@dataclass(frozen=True, slots=True)
class PlatformCosts:
    """The platform's own costs: running the marketplace per cost period, and per order."""

    __pydantic_config__ = _FORBID_UNKNOWN
    per_period: NonNegativeFloat = 0.0
    per_order: NonNegativeFloat = 0.0
    """Per order delivered."""


@dataclass(frozen=True, slots=True)
class Platform:
    """How the platform dispatches: push (assign on arrival) or pull (idle machines take)."""

    __pydantic_config__ = _FORBID_UNKNOWN
    mode: Literal["push", "pull"] = "push"
    assignment: AssignmentRule = "earliest_completion"
    sequencing: SequencingRule = "fifo"
    fee: Annotated[float, Ge(0), Lt(1)] = 0.0
    """Share of each order's revenue the platform keeps (needs an owner of kind 'platform')."""
    sharing: SharingRule = "full_cost"
    """How the rest of an order's revenue is shared among the partners who worked on it."""
    costs: PlatformCosts = field(default_factory=PlatformCosts)
    weights: AssignmentWeights = field(default_factory=AssignmentWeights)
    atc_k: PositiveFloat = 2.0
    """Look-ahead parameter of the ATC rule."""
    trust_smoothing: Annotated[float, Gt(0), Le(1)] = 0.1
    """How fast trust follows an owner's record: each delivered order the owner worked on
    moves its trust this share of the way to 1 (on time and right first time) or to 0."""
    batch_families: bool = False
    """Save changeovers: a unit that frees up takes the best waiting operation of the family
    it is set up for, if there is one, before any other (in each machine's own queue)."""


@dataclass(frozen=True, slots=True)
class RunSettings:
    """How long to run, what to discard, and the random seed."""

    __pydantic_config__ = _FORBID_UNKNOWN
    horizon: PositiveTime | None = None
    """Simulated time to stop at; none means 'until every order is delivered'."""
    warmup: TimePoint = 0.0
    seed: Annotated[int, Ge(0), Le(limits.MAX_SEED)] = 1
    replications: Annotated[int, Gt(0), Le(limits.MAX_REPLICATIONS)] = 1
    time_unit: str = "min"
    cost_period: PositiveTime = 10080.0
    """Length of the period that capex_per_period and lease_per_period refer to (a week in minutes)."""


@dataclass(frozen=True, slots=True)
class Rental:
    """Pay-per-use capacity: ``renter`` uses machines of ``owner`` and pays per machine-hour
    they work (processing and setup). The work counts as the renter's when an order's revenue
    is shared; the fee is a cost of the renter and revenue of the owner."""

    __pydantic_config__ = _FORBID_UNKNOWN
    owner: Id
    """The owner whose machines are rented."""
    renter: Id
    """The owner (or the platform) that rents them."""
    rate_per_hour: NonNegativeFloat
    """Fee per hour (60 time units) the rented machines work."""
    machines: tuple[Id, ...] = ()
    """The machines rented (ids of the owner's machines); empty: all of them."""


@dataclass(frozen=True, slots=True)
class Economics:
    """How the simulated weeks turn into years: the planning horizon for NPV, payback and
    ROI, the length of a year, and pay-per-use rental contracts."""

    __pydantic_config__ = _FORBID_UNKNOWN
    planning_years: Annotated[int, Gt(0), Le(100)] = 5
    """Whole years the investment figures (NPV, payback, ROI) look ahead."""
    year: PositiveTime = 524160.0
    """Length of a year in the scenario's time unit (52 weeks of minutes): the observation
    window's cash flows are scaled to a year by year / window length."""
    rentals: tuple[Rental, ...] = ()


@dataclass(frozen=True, slots=True)
class Scenario:
    """A whole cloud-factory scenario, as read from one file."""

    __pydantic_config__ = _FORBID_UNKNOWN
    format_version: Annotated[int, Ge(1)]
    owners: Annotated[tuple[Owner, ...], MinLen(1)]
    sites: Annotated[tuple[Site, ...], MinLen(1)]
    machines: Annotated[tuple[Machine, ...], MinLen(1)]
    products: Annotated[tuple[Product, ...], MinLen(1)]
    name: str = ""
    description: str = ""
    """Which question this scenario answers."""
    lanes: tuple[Lane, ...] = ()
    customers: tuple[Customer, ...] = ()
    demand: Demand = field(default_factory=Demand)
    platform: Platform = field(default_factory=Platform)
    run: RunSettings = field(default_factory=RunSettings)
    economics: Economics = field(default_factory=Economics)

    def with_changes(self, **changes: Any) -> Scenario:
        """A copy with some top-level fields replaced (e.g. ``platform=...``)."""
        from dataclasses import replace

        return replace(self, **changes)
