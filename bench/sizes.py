"""How big a studio the benchmark builds (no Django import: chosen before setup)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    trainers: int
    clients_per_trainer: int
    assessments_per_client: int
    progress_sessions: int = 52
    regions: int = 12
    patterns: int = 60
    muscles: int = 150


FULL = Size("full", trainers=50, clients_per_trainer=100, assessments_per_client=24)
SMALL = Size("small", trainers=2, clients_per_trainer=10, assessments_per_client=6)
