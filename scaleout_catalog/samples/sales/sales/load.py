"""Sample packages: each takes the runtime's context (parameters, logger, cancellation)."""
import csv
import sqlite3
from pathlib import Path


def load_region(context):
    """Loads the region's rows of data/sales.csv into OutputDir/<region>.db and aggregates them."""
    region = context.parameters["Region"]
    out_dir = Path(context.parameters["OutputDir"])
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(context.project_directory / "data" / "sales.csv", newline="") as f:
        rows = [(r["day"], r["product"], int(r["units"]), float(r["unit_price"]))
                for r in csv.DictReader(f) if r["region"] == region]
    if not rows:
        raise ValueError(f"no rows for region {region!r} in data/sales.csv")
    context.check_cancelled()
    with sqlite3.connect(out_dir / f"{region}.db", timeout=30) as db:
        db.execute("DROP TABLE IF EXISTS sales")
        db.execute("CREATE TABLE sales (day TEXT, product TEXT, units INTEGER, unit_price REAL)")
        db.executemany("INSERT INTO sales VALUES (?, ?, ?, ?)", rows)
        revenue, units = db.execute("SELECT round(sum(units * unit_price), 2), sum(units) FROM sales").fetchone()
        top, top_revenue = db.execute(
            "SELECT product, round(sum(units * unit_price), 2) AS r FROM sales GROUP BY product "
            "ORDER BY r DESC LIMIT 1").fetchone()
    context.logger.info("%s: loaded %d rows, %d units, revenue %.2f", region, len(rows), units, revenue)
    context.logger.info("%s: best product %s (%.2f)", region, top, top_revenue)


def summarize(context):
    """Ranks the regions loaded so far by revenue."""
    out_dir = Path(context.parameters["OutputDir"])
    totals = []
    for path in sorted(out_dir.glob("*.db")):
        with sqlite3.connect(path, timeout=30) as db:
            totals.append((path.stem, db.execute("SELECT round(sum(units * unit_price), 2) FROM sales").fetchone()[0]))
    if not totals:
        raise ValueError(f"no region has been loaded into {out_dir}")
    for rank, (region, revenue) in enumerate(sorted(totals, key=lambda t: -t[1]), 1):
        context.logger.info("%d. %s %.2f", rank, region, revenue)
    context.logger.info("all regions: %.2f", sum(r for _, r in totals))
