"""What a synthetic Hyperion-like project is made of: modules, their entities and fields.

``make_plan`` turns a scale into a list of ``ModuleSpec``: which modules exist, whether each is
a core module (``app/core/<name>/``) or a module (``app/modules/<name>/``), how many lines its
endpoints file should have, and the entities (tables) it manages. Everything is drawn from a
``random.Random`` seeded with text, so the plan is the same on every machine and every run.

The 33 sizes of ``ENDPOINT_SIZES`` follow the spread of the real Hyperion tree (endpoints files
from about 100 to 3,700 lines, plus two visibility-only modules with no route); a scale of 20
repeats the plan 20 times with numbered names (``carpool``, ``carpool2``, ... ``carpool20``).
Stdlib only.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

# Core modules (app/core/<name>/, `core_module = CoreModule(..., router=router)`), then modules.
CORE_NAMES = [
    "auth", "schools", "memberships", "notification", "payment", "documents",
    "wallet", "devices", "mailing", "feedback", "campus", "announcements",
]
MODULE_NAMES = [
    "carpool", "bookclub", "concerts", "library", "lockers", "foodtruck", "hackathon",
    "climbing", "photoclub", "orchestra", "garden", "repairshop", "tutoring", "marketplace",
    "hiking", "theatre", "radio", "esport", "charity", "elections", "gala",
]
# Lines of each endpoints file, in plan order (core modules first, as in CORE_NAMES, then
# MODULE_NAMES). 0 is a visibility-only module: a declaration and no route.
ENDPOINT_SIZES = [
    400, 1220, 290, 3450, 170, 790, 140, 1270, 330, 220, 190, 880,
    530, 310, 1080, 3700, 230, 1200, 510, 0, 900, 1430, 550, 100,
    150, 950, 1190, 0, 320, 1860, 680, 200, 590,
]

NOUNS = [
    "Ride", "Driver", "Seat", "Stop", "Event", "Ticket", "Session", "Room", "Booking", "Item",
    "Loan", "Lender", "Product", "Order", "Delivery", "Seller", "Purchase", "Membership",
    "Team", "Participant", "Document", "Campaign", "Ballot", "Vote", "Section", "Raffle",
    "Pack", "Prize", "Advert", "Recipe", "Seed", "Plant", "Species", "Contact", "Association",
    "Mandate", "Role", "Score", "Game", "Match", "Sport", "Location", "Edition", "Quota",
    "Slot", "Category", "Variant", "Curriculum", "Payment", "Transfer", "Wallet", "Store",
    "Invoice", "Refund", "Review", "Comment", "Post", "Page", "Topic", "Device", "Question",
    "Answer", "Poll", "Choice", "Meeting", "Agenda", "Task", "Project", "Skill", "Badge",
    "Reward", "Challenge", "Trip", "Hike", "Trail", "Photo", "Album", "Song", "Playlist",
    "Concert", "Artist", "Venue", "Stage", "Shift", "Volunteer", "Equipment", "Locker", "Bike",
    "Repair", "Part", "Workshop", "Course", "Lesson", "Exam", "Grade", "Tutor", "Book",
    "Author", "Shelf", "Movie", "Screening", "Menu", "Dish", "Allergen", "Supplier", "Stock",
    "Basket", "Partner", "Sponsor", "Donation", "Candidate", "Jury", "Rehearsal", "Costume",
    "Program", "Broadcast", "Tournament", "Player", "Table", "Guest", "Invitation",
]
VERBS = [
    "validate", "archive", "publish", "lock", "unlock", "confirm", "cancel", "reopen",
    "close", "duplicate", "approve", "reject", "notify", "export", "reset", "transfer",
]


@dataclass(frozen=True)
class Field:
    """A column of a model and a field of its schemas."""

    name: str
    kind: str  # str, optstr, int, bool, datetime, float
    annotation: str  # as written in the schema and in Mapped[...]
    sample: str  # a Python expression the factory uses for it


FIELDS = [
    Field("name", "str", "str", '"Sample name"'),
    Field("title", "str", "str", '"Sample title"'),
    Field("description", "optstr", "str | None", '"A description"'),
    Field("location", "str", "str", '"Amphi A"'),
    Field("capacity", "int", "int", "12"),
    Field("price", "int", "int", "500"),
    Field("position", "int", "int", "1"),
    Field("is_public", "bool", "bool", "True"),
    Field("is_open", "bool", "bool", "False"),
    Field("start", "datetime", "datetime", "datetime(2025, 9, 1, tzinfo=UTC)"),
    Field("end", "datetime", "datetime", "datetime(2025, 9, 2, tzinfo=UTC)"),
    Field("color", "optstr", "str | None", '"#ff8800"'),
    Field("email", "str", "str", '"contact@example.org"'),
    Field("weight", "float", "float", "1.5"),
    Field("note", "optstr", "str | None", "None"),
]


def snake(name: str) -> str:
    """``CarpoolRide`` -> ``carpool_ride``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def plural(word: str) -> str:
    """English plural of a snake_case word (``ride`` -> ``rides``, ``category`` -> ``categories``)."""
    if word.endswith("species"):
        return word
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


@dataclass
class Entity:
    """A table of a module: its model class, schemas and the routes and cruds that manage it."""

    cls: str  # model class name, unique in the project
    fields: list[Field]
    parent: Entity | None = None  # the entity this one belongs to (a foreign key)

    @property
    def var(self) -> str:
        return snake(self.cls)

    @property
    def plural(self) -> str:
        return plural(self.var)

    @property
    def label(self) -> str:
        return self.var.replace("_", " ")

    @property
    def labels(self) -> str:
        return self.plural.replace("_", " ")


@dataclass
class ModuleSpec:
    """One module of the project and everything needed to write its files."""

    name: str  # folder name and file suffix
    core: bool
    endpoints_lines: int  # target size of endpoints_<name>.py; 0: visibility-only
    entities: list[Entity] = field(default_factory=list)
    seed: str = ""
    # The permissions class lives in permissions_<name>.py and is imported by the endpoints.
    separate_permissions: bool = False

    @property
    def tag(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_"))

    @property
    def package(self) -> str:
        return f"app.{'core' if self.core else 'modules'}.{self.name}"

    @property
    def folder(self) -> str:
        return f"app/{'core' if self.core else 'modules'}/{self.name}"

    @property
    def perm_cls(self) -> str:
        return f"{self.tag}Permissions"

    @property
    def factory_cls(self) -> str:
        return f"{'Core' if self.core else ''}{self.tag}Factory"

    @property
    def router(self) -> str:
        """How routes are declared: ``router`` for core modules, ``module.router`` otherwise."""
        return "router" if self.core else "module.router"

    def rng(self, purpose: str) -> random.Random:
        """A generator of its own for each file, so that files do not depend on each other."""
        return random.Random(f"{self.seed}/{self.name}/{purpose}")


def plan_size(scale: float, modules: int | None) -> int:
    """How many modules (core and not) the project has."""
    if modules is not None:
        return max(1, modules)
    return max(1, round(len(ENDPOINT_SIZES) * scale))


def make_plan(scale: float = 1.0, seed: int = 0, modules: int | None = None) -> list[ModuleSpec]:
    """The modules of a project ``scale`` times the size of the real tree (or ``modules`` of them).

    With ``modules=N`` the first N entries of the plan are taken in an order that mixes core
    modules and modules, so that even ``modules=2`` has one of each.
    """
    names = CORE_NAMES + MODULE_NAMES
    order = _interleaved(len(CORE_NAMES), len(MODULE_NAMES))
    count = plan_size(scale, modules)
    used: set[str] = set()
    specs = []
    for slot in range(count):
        index = order[slot % len(order)]
        cycle = slot // len(order)
        base = names[index]
        name = base if cycle == 0 else f"{base}{cycle + 1}"
        spec = ModuleSpec(
            name=name,
            core=index < len(CORE_NAMES),
            endpoints_lines=ENDPOINT_SIZES[index],
            seed=str(seed),
        )
        spec.entities = _entities(spec, used)
        spec.separate_permissions = spec.endpoints_lines > 0 and spec.rng("layout").random() < 0.3
        specs.append(spec)
    return specs


def _interleaved(cores: int, mods: int) -> list[int]:
    """Plan indexes alternating between core modules and modules, the rest at the end."""
    core_ids, mod_ids = list(range(cores)), list(range(cores, cores + mods))
    out = []
    while core_ids or mod_ids:
        if core_ids:
            out.append(core_ids.pop(0))
        if mod_ids:
            out.append(mod_ids.pop(0))
    return out


def _entities(spec: ModuleSpec, used: set[str]) -> list[Entity]:
    """The entities of a module: about one per 260 lines of endpoints, with unique class names."""
    rng = spec.rng("entities")
    count = max(1, min(16, round(spec.endpoints_lines / 260)))
    nouns = rng.sample(NOUNS, len(NOUNS))
    entities: list[Entity] = []
    for noun in nouns:
        if len(entities) == count:
            break
        cls = noun if noun not in used else f"{spec.tag}{noun}"
        if cls in used:
            continue
        used.add(cls)
        fields = rng.sample(FIELDS, rng.randint(3, 7))
        fields.sort(key=FIELDS.index)
        if not any(f.kind in ("str", "optstr") for f in fields):
            fields.insert(0, FIELDS[0])
        parent = entities[-1] if entities and rng.random() < 0.6 else None
        entities.append(Entity(cls=cls, fields=fields, parent=parent))
    return entities
