"""Small-count suppression of published tables, so no one person can be picked out.

A table of counts is published with its row and column totals. Primary suppression hides
every count from 1 to `threshold - 1`, totals included. Complementary suppression then hides
more cells until no hidden cell can be worked out from the published ones: first so that no
row or column that sums to a published total hides exactly one cell, then, checked by linear
programming over every hidden cell, until each can take more than one value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog


@dataclass
class CountTable:
    """Counts in rows x columns; `row_totals` / `column_totals` when they sum to a total."""

    rows: list[str]
    columns: list[str]
    cells: list[list[int]]
    row_totals: bool = True
    column_totals: bool = True
    hidden: set[tuple[int, int]] = field(default_factory=set)

    def grid(self) -> np.ndarray:
        """The counts with their totals: an extra column of row totals, a row of column totals."""
        counts = np.array(self.cells, dtype=int).reshape(len(self.rows), len(self.columns))
        if self.row_totals:
            counts = np.hstack([counts, counts.sum(axis=1, keepdims=True)])
        if self.column_totals:
            counts = np.vstack([counts, counts.sum(axis=0, keepdims=True)])
        return counts


def suppress(table: CountTable, threshold: int) -> np.ndarray:
    """The table's grid with totals; fills `table.hidden` with the positions not to publish."""
    grid = table.grid()
    hidden = {(i, j) for (i, j), n in np.ndenumerate(grid) if 0 < n < threshold}
    lines = _lines(table, grid.shape)
    while True:
        _complete_lines(grid, lines, hidden)
        pinned = _pinned_cell(grid, lines, hidden)
        if pinned is None:
            break
        if not _hide_partner(grid, _lines_through(lines, pinned), hidden):
            # Nothing left to hide beside it: publish none of the table rather than leak.
            hidden |= {cell for cell, _ in np.ndenumerate(grid)}
            break
    table.hidden = hidden
    return grid


def _lines(table: CountTable, shape: tuple[int, int]) -> list[list[tuple[int, int]]]:
    """Each row and column of the grid whose last cell is the sum of the others."""
    height, width = shape
    lines = []
    if table.row_totals:
        lines += [[(i, j) for j in range(width)] for i in range(height)]
    if table.column_totals:
        lines += [[(i, j) for i in range(height)] for j in range(width)]
    return lines


def _lines_through(lines, cell) -> list[list[tuple[int, int]]]:
    return [line for line in lines if cell in line]


def _complete_lines(grid, lines, hidden: set) -> None:
    """Hide a second cell in every line that hides exactly one, until none does."""
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) == 1:
                _hide_partner(grid, [line], hidden)
                changed = True


def _hide_partner(grid, lines, hidden: set) -> bool:
    """Hide the smallest published cell of the first line that has one (non-zero first)."""
    for line in lines:
        shown = [cell for cell in line if cell not in hidden]
        if shown:
            hidden.add(min(shown, key=lambda cell: (grid[cell] == 0, grid[cell], cell)))
            return True
    return False


def _pinned_cell(grid, lines, hidden: set) -> tuple[int, int] | None:
    """A hidden cell whose value the published cells and the sums leave no choice for."""
    order = sorted(hidden)
    if not order or not lines:
        return None
    index = {cell: k for k, cell in enumerate(order)}
    equations, targets = [], []
    for line in lines:
        *parts, total = line
        row = np.zeros(len(order))
        known = 0
        for cell, sign in [*((c, 1) for c in parts), (total, -1)]:
            if cell in index:
                row[index[cell]] += sign
            else:
                known += sign * grid[cell]
        if row.any():
            equations.append(row)
            targets.append(-known)
    if not equations:
        return None
    a_eq, b_eq = np.array(equations), np.array(targets)
    for cell in order:
        low, high = value_range(a_eq, b_eq, index[cell], len(order))
        if high - low < 0.5:
            return cell
    return None


def value_range(a_eq, b_eq, k: int, size: int) -> tuple[float, float]:
    """Smallest and largest value unknown `k` can take, given a_eq @ x = b_eq and x >= 0."""
    objective = np.zeros(size)
    objective[k] = 1
    bounds = [(0, None)] * size
    low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if high.status == 3:  # unbounded above: certainly not pinned
        return low.fun, float("inf")
    return low.fun, -high.fun
