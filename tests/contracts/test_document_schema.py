"""The JSON Schema of the contract document: valid, closed, documented in French."""

import json

import pytest
from jsonschema import Draft202012Validator

from exchange.documents import SCHEMA_PATH, contract_document_export, contract_documents_import
from tests.contracts.conftest import DATA


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def object_schemas(node: dict, path: str = "#"):
    """Every sub-schema that describes an object's keys."""
    if "properties" in node:
        yield path, node
    for key, child in node.get("properties", {}).items():
        yield from object_schemas(child, f"{path}/properties/{key}")
    for key in ("items", "then", "else"):
        if isinstance(node.get(key), dict):
            yield from object_schemas(node[key], f"{path}/{key}")
    for key, child in node.get("$defs", {}).items():
        yield from object_schemas(child, f"#/$defs/{key}")


def test_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_object_is_closed_and_every_key_described():
    objects = list(object_schemas(schema()))
    assert len(objects) >= 15
    for path, node in objects:
        assert node["additionalProperties"] is False, path
        for key, child in node["properties"].items():
            assert child.get("description"), f"{path}/{key}"


def test_interfaces_example_is_valid_for_any_json_schema_tool():
    example = json.loads((DATA / "calaisis.json").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema()).iter_errors(example)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["calaisis", "rich"])
def test_exported_documents_are_valid(name, request):
    document = request.getfixturevalue(name)
    (contract,) = contract_documents_import(documents=[(f"{name}.json", document)])
    exported = json.loads(json.dumps(contract_document_export(contract=contract)))
    validator = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(exported)) == []
