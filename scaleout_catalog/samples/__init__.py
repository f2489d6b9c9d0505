"""Sample projects shipped with the package; `scaleout demo` deploys `sales`."""
from pathlib import Path

SALES = Path(__file__).parent / "sales"
