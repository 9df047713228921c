import pytest
from django.urls import reverse

from imbalances.links import pk_url_maker, slug_url_maker


@pytest.mark.parametrize("pk", [1, 7, 10, 2024, 987654321])
def test_a_pk_link_is_the_one_reverse_gives(pk):
    assert pk_url_maker("reports:summary")(pk) == reverse("reports:summary", kwargs={"pk": pk})


@pytest.mark.parametrize("slug", ["upper-crossed-syndrome", "a", "pes-planus-2"])
def test_a_slug_link_is_the_one_reverse_gives(slug):
    assert slug_url_maker("imbalances:pattern")(slug) == reverse("imbalances:pattern", kwargs={"slug": slug})
