"""Where the catalogue's muscles and regions sit on the body map's figure (templates/_body_map.html).

Plain data, keyed by slug: a muscle or region of a pack that has no entry here is listed beside
the figure rather than drawn, and tests/imbalances/test_body_map_coverage.py fails until it has one.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """A shape of the figure: `name` in a client's words, seen from the `view` ("front" or
    "back"), on the client's `side` ("left" or "right")."""

    name: str
    view: str
    side: str


def _pair(area: str) -> tuple[str, str]:
    return (f"{area}-left", f"{area}-right")


_PAIRED_AREAS = {
    "front-neck": ("front of the neck", "front"),
    "front-shoulder": ("front of the shoulder", "front"),
    "front-chest": ("chest", "front"),
    "front-ribs": ("side of the ribs", "front"),
    "front-abdomen": ("tummy", "front"),
    "front-obliques": ("side of the waist", "front"),
    "front-hip": ("front of the hip", "front"),
    "front-hip-outer": ("outside of the hip", "front"),
    "front-thigh": ("front of the thigh", "front"),
    "front-inner-thigh": ("inner thigh", "front"),
    "front-knee": ("knee", "front"),
    "front-shin": ("shin", "front"),
    "front-foot": ("foot and ankle", "front"),
    "back-neck": ("back of the neck", "back"),
    "back-upper-trapezius": ("top of the shoulder", "back"),
    "back-shoulder-blade": ("shoulder blade", "back"),
    "back-mid-back": ("between the shoulder blades", "back"),
    "back-lats": ("side of the back", "back"),
    "back-low-back": ("low back", "back"),
    "back-hip-side": ("side of the hip", "back"),
    "back-glutes": ("buttock", "back"),
    "back-hamstrings": ("back of the thigh", "back"),
    "back-knee": ("back of the knee", "back"),
    "back-calf": ("calf", "back"),
    "back-heel": ("heel and ankle", "back"),
}

# In drawing order, front then back; every id is a shape of templates/_body_map.html.
AREAS: dict[str, Area] = {
    f"{area}-{side}": Area(name, view, side)
    for area, (name, view) in _PAIRED_AREAS.items()
    for side in ("left", "right")
}

MUSCLE_AREAS: dict[str, tuple[str, ...]] = {
    "abdominals": _pair("front-abdomen"),
    "adductor-magnus": _pair("front-inner-thigh"),
    "adductors": _pair("front-inner-thigh"),
    "biceps-femoris": _pair("back-hamstrings"),
    "biceps-femoris-short-head": _pair("back-hamstrings"),
    "deep-neck-flexors": _pair("front-neck"),
    "erector-spinae": _pair("back-low-back") + _pair("back-mid-back"),
    "external-oblique": _pair("front-obliques"),
    "gastrocnemius": _pair("back-calf"),
    "gluteals": _pair("back-glutes") + _pair("back-hip-side"),
    "gluteus-maximus": _pair("back-glutes"),
    "gluteus-medius": _pair("back-hip-side"),
    "gluteus-minimus": _pair("back-hip-side"),
    "gracilis": _pair("front-inner-thigh"),
    "hamstrings": _pair("back-hamstrings"),
    "iliacus": _pair("front-hip"),
    "internal-oblique": _pair("front-obliques"),
    "lateral-gastrocnemius": _pair("back-calf"),
    "latissimus-dorsi": _pair("back-lats"),
    "levator-scapulae": _pair("back-neck"),
    "lower-trapezius": _pair("back-mid-back"),
    "medial-gastrocnemius": _pair("back-calf"),
    "medial-hamstrings": _pair("back-hamstrings"),
    "middle-trapezius": _pair("back-mid-back"),
    "multifidus": _pair("back-low-back"),
    "pectoralis-major": _pair("front-chest"),
    "pectoralis-minor": _pair("front-chest"),
    "peroneals": _pair("front-shin"),
    "piriformis": _pair("back-glutes"),
    "popliteus": _pair("back-knee"),
    "psoas": _pair("front-hip"),
    "quadratus-lumborum": _pair("back-low-back"),
    "quadriceps": _pair("front-thigh"),
    "rectus-femoris": _pair("front-thigh"),
    "rhomboids": _pair("back-mid-back"),
    "rotator-cuff": _pair("back-shoulder-blade"),
    "sartorius": _pair("front-thigh"),
    "scalenes": _pair("front-neck"),
    "serratus-anterior": _pair("front-ribs"),
    "soleus": _pair("back-calf"),
    "sternocleidomastoid": _pair("front-neck"),
    "suboccipitals": _pair("back-neck"),
    "superficial-abdominals": _pair("front-abdomen") + _pair("front-obliques"),
    "tensor-fasciae-latae": _pair("front-hip-outer"),
    "teres-major": _pair("back-shoulder-blade"),
    "tibialis-anterior": _pair("front-shin"),
    "tibialis-posterior": _pair("back-calf"),
    "transversus-abdominis": _pair("front-abdomen"),
    "upper-trapezius": _pair("back-upper-trapezius"),
    "vastus-lateralis": _pair("front-thigh"),
    "vastus-medialis-oblique": _pair("front-thigh"),
}

REGION_AREAS: dict[str, tuple[str, ...]] = {
    "feet-and-ankles": _pair("front-foot") + _pair("back-heel"),
    "knees": _pair("front-knee") + _pair("back-knee"),
    "hips-and-pelvis": _pair("front-hip") + _pair("back-glutes"),
    "low-back": _pair("back-low-back"),
    "thoracic-spine": _pair("back-mid-back"),
    "shoulders-and-scapulae": _pair("front-shoulder") + _pair("back-shoulder-blade"),
    "neck": _pair("front-neck") + _pair("back-neck"),
}
