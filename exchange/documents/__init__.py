"""Contract documents: the JSON form of a contract (see interfaces.md and ``schema.json``)."""

from exchange.documents.exporter import contract_document_export
from exchange.documents.importer import (
    ContractDocumentError,
    contract_document_load,
    contract_documents_check,
    contract_documents_import,
)
from exchange.documents.schema import SCHEMA_PATH, contract_document_schema

__all__ = [
    "SCHEMA_PATH",
    "ContractDocumentError",
    "contract_document_export",
    "contract_document_load",
    "contract_document_schema",
    "contract_documents_check",
    "contract_documents_import",
]
