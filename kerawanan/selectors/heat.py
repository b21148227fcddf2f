"""Heat tables: the child regions of a province (kabupaten/kota) or of a regency (kecamatan) x
the categories or the IKP dimensions, each cell with the number of open risks and the highest
level among them; and the public summary, which counts only risks whose visibility allows it.

Three queries whatever the size: the child regions, the columns (dimensions), and the risks
grouped by the child's code (a prefix of the risk's region code: codes are hierarchical) and the
column. Risks placed on the root region itself get a row of their own, first.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Max, QuerySet
from django.db.models.functions import Substr

from coordination import permissions as core
from coordination.enums import RegionLevel
from coordination.models import Region
from kerawanan.enums import LEVEL_SYMBOLS, RiskCategory, RiskLevel, RiskStatus, Visibility
from kerawanan.models import IkpDimension, Risk
from kerawanan.selectors.risks import risks_visible_to

AXES = ("kategori", "dimensi")
# The length of a child's code under a root of each level (province "17" -> regency "17.01").
CHILD_CODE_LENGTH = {None: 2, RegionLevel.PROVINCE: 5, RegionLevel.REGENCY: 8}


@dataclass
class HeatCell:
    key: str = ""  # the column's filter value ("" for a total)
    count: int = 0
    top: int | None = None  # the highest RiskLevel in the cell

    @property
    def level_label(self) -> str:
        return str(RiskLevel(self.top).label) if self.top else ""

    @property
    def css(self) -> str:
        return LEVEL_SYMBOLS[RiskLevel(self.top)][0] if self.top else "level-none"

    @property
    def symbol(self) -> str:
        return LEVEL_SYMBOLS[RiskLevel(self.top)][1] if self.top else ""

    def add(self, count: int, top: int | None) -> None:
        self.count += count
        if top is not None and (self.top is None or top > self.top):
            self.top = top


@dataclass
class HeatRow:
    code: str
    name: str
    cells: list[HeatCell]
    total: HeatCell = field(default_factory=HeatCell)
    is_root: bool = False


@dataclass
class HeatTable:
    root: Region | None
    axis: str
    columns: list[tuple[str, str]]  # (filter value, label)
    rows: list[HeatRow]
    totals: list[HeatCell]
    grand_total: HeatCell


def _cells(columns) -> list[HeatCell]:
    return [HeatCell(key=value) for value, _label in columns]


def _columns(axis: str) -> tuple[list[tuple[str, str]], str]:
    if axis == "dimensi":
        dimensions = IkpDimension.objects.filter(parent__isnull=True).order_by("order", "name")
        return [(str(d.pk), d.name) for d in dimensions], "dimension_id"
    return [(value, str(label)) for value, label in RiskCategory.choices], "category"


def heat_table(*, risks: QuerySet[Risk], root: Region | None, axis: str) -> HeatTable:
    """Rows: the children of `root` (the provinces when None); columns: categories or
    dimensions. `risks` is already limited to what the viewer may count."""
    columns, column_field = _columns(axis)
    length = CHILD_CODE_LENGTH[root.level if root else None]
    children = Region.objects.filter(
        parent=root, level=(root.level + 1) if root else RegionLevel.PROVINCE
    ).order_by("code")
    rows: dict[str, HeatRow] = {}
    if root is not None:
        rows[root.code] = HeatRow(
            code=root.code, name=root.name, cells=_cells(columns), is_root=True
        )
    for code, name in children.values_list("code", "name"):
        rows[code] = HeatRow(code=code, name=name, cells=_cells(columns))
    index = {value: i for i, (value, _label) in enumerate(columns)}
    grouped = (
        risks.exclude(status=RiskStatus.CLOSED)
        .annotate(child=Substr("region_id", 1, length))
        .values("child", column_field)
        .annotate(n=Count("*"), top=Max("level"))  # COUNT(*): answered from the covering index
        .order_by()
    )
    for entry in grouped:
        row = rows.get(entry["child"])
        column = index.get(str(entry[column_field]))
        if row is None or column is None:
            continue
        row.cells[column].add(entry["n"], entry["top"])
        row.total.add(entry["n"], entry["top"])
    shown = [row for row in rows.values() if not row.is_root or row.total.count]
    totals = _cells(columns)
    grand = HeatCell()
    for row in shown:
        for i, cell in enumerate(row.cells):
            totals[i].add(cell.count, cell.top)
        grand.add(row.total.count, row.total.top)
    return HeatTable(root, axis, columns, shown, totals, grand)


def heat_for(*, user, root: Region | None, axis: str) -> HeatTable:
    """The heat table as `user` may see it."""
    return heat_table(
        risks=risks_visible_to(user, region=root.code if root else ""), root=root, axis=axis
    )


def public_summary(*, root: Region | None) -> HeatTable:
    """Counts per region and category of the risks marked "dapat diringkas publik" (and only
    those): the public sees how many, never what."""
    risks = Risk.objects.filter(visibility=Visibility.PUBLIC_SUMMARY)
    if root is not None:
        risks = risks.filter(core.subtree_q([root.code]))
    return heat_table(risks=risks, root=root, axis="kategori")
