"""The admin lists' département filter names every choice: a territory without a département
(the neighbour's) is offered as « Sans département », not as a link without a name."""

import re

import pytest

from tests.factories import ContractFactory, TerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/admin/contracts/contract/", "territory__departement_code"),
        ("/admin/territories/territory/", "departement_code"),
    ],
)
def test_a_territory_without_departement_is_a_named_choice(client, superuser, url, parameter):
    ContractFactory(reference="COT-62", territory=TerritoryFactory(departement_code="62"))
    client.force_login(superuser)

    page = client.get(url).content.decode()

    links = {
        href: text.strip()
        for href, text in re.findall(rf'<a href="(\?{parameter}=[^"]*)">([^<]*)</a>', page)
    }
    assert links == {f"?{parameter}=": "Sans département", f"?{parameter}=62": "62"}


def test_the_choice_without_departement_lists_those_contracts(client, superuser, neighbour):
    ContractFactory(reference="COT-62", territory=TerritoryFactory(departement_code="62"))
    client.force_login(superuser)

    page = client.get("/admin/contracts/contract/", {"territory__departement_code": ""})

    assert "VOISIN-1" in page.content.decode() and "COT-62" not in page.content.decode()
    only_62 = client.get("/admin/contracts/contract/", {"territory__departement_code": "62"})
    neighbour.assert_absent(only_62.content)
