"""Years, codes and references are never grouped on the fiche and in its PDF (« millésime 2020 »,
never « millésime 2 020 »), while populations and amounts are."""

import pytest
from django.test import Client

from cotri.public.tasks import render_fiche_pdf
from tests.public.conftest import plain
from tests.public.test_pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("vintage", [2020, 2021, 1999])
def test_the_fiche_prints_the_vintage_as_a_year(calaisis, vintage, neighbour):
    calaisis.population_vintage = vintage
    calaisis.save()

    page = plain(Client().get("/fiches/COTTRI-2021-CALAISIS/").content.decode())

    assert f"152 371 habitants (millésime {vintage})" in page
    neighbour.assert_absent(page)
    assert f"{str(vintage)[0]} {str(vintage)[1:]}" not in page


def test_the_pdf_prints_the_vintage_as_a_year(calaisis):
    calaisis.population_vintage = 2020
    calaisis.save()
    render_fiche_pdf(calaisis.pk)

    text = pdf_text(b"".join(Client().get("/fiches/COTTRI-2021-CALAISIS.pdf").streaming_content))

    assert "(millésime 2020)" in " ".join(text.split())
    assert "2 020" not in text and "2 021" not in text
