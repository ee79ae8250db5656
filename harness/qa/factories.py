"""Made-up records for the checklist: Norwegian, English and French names, real-looking phones.

    factory = RecordFactory(seed=7)
    factory.salesforce("Contact")   # {'FirstName': 'Grethe', 'LastName': 'Bjørnstad-4F2A', ...}

Every value carries a short unique suffix where the field allows, so two records of one run
never look alike (the checklist finds a linked record by its values), and none equals the
sample values the scenarios write ("Åse Ødegård", "Bjørn Ærø"), so an edit is always a change.
"""

from __future__ import annotations

import itertools
import zlib
from typing import Any

from faker import Faker

LOCALES = ("no_NO", "en_GB", "fr_FR")
# Values the generated scenarios write; a made-up value must never equal one of them.
SCENARIO_VALUES = frozenset({"Åse Ødegård", "Bjørn Ærø", "+47 912 34 567", "+47 22 86 54 00"})
# Salesforce field lengths (fixtures/salesforce/describe); Crmoffice allows more for each.
MAX_LENGTHS = {
    "FirstName": 40,
    "LastName": 80,
    "Phone": 40,
    "MobilePhone": 40,
    "Name": 255,
    "OpportunityName": 120,  # Opportunity.Name is 120 (its describe), not 255
}


def scenario_seed(node_id: str) -> int:
    """A seed per scenario: the same records serially, under xdist and on every re-run."""
    return zlib.crc32(node_id.encode("utf-8"))


class RecordFactory:
    def __init__(self, seed: int | None = None) -> None:
        self._faker = Faker(list(LOCALES))
        if seed is not None:
            self._faker.seed_instance(seed)
        self._serial = itertools.count(1)

    def unique(self, text: str, field: str = "Name") -> str:
        suffix = f"-{next(self._serial):03d}{self._faker.hexify('^^')}"
        limit = MAX_LENGTHS.get(field, 80)
        value = text[: limit - len(suffix)] + suffix
        if value in SCENARIO_VALUES:  # the suffix makes this impossible; a check, not a hope
            raise ValueError(f"made-up {field} {value!r} equals a scenario's own value")
        return value

    def salesforce(self, object_name: str, **overrides: Any) -> dict[str, Any]:
        builders = {
            "Contact": self._contact,
            "Individual": self._individual,
            "Customer": self._customer,
            "Product2": self._product,
            # Further standard objects a Talk document may name (fixtures/salesforce/describe),
            # with their required fields, so a document syncing them gets a checklist that runs.
            "Account": self._account,
            "Lead": self._lead,
            "Opportunity": self._opportunity,
        }
        if object_name not in builders:
            raise ValueError(
                f"no factory for Salesforce {object_name}; known: {', '.join(sorted(builders))}"
            )
        return {**builders[object_name](), **overrides}

    def crmoffice(self, type_name: str, **overrides: Any) -> dict[str, Any]:
        if type_name == "contacts":
            values = {
                "givenName": self._faker.first_name(),
                "familyName": self.unique(self._faker.last_name(), "LastName"),
                "mobilePhone": self._phone(),
                "directPhone": self._phone(),
            }
        elif type_name == "companies":
            values = {"name": self.unique(self._faker.company())}
        else:
            raise ValueError(f"no factory for Crmoffice {type_name}; known: companies, contacts")
        return {**values, **overrides}

    def value_for(self, field: str, field_type: str) -> str:
        """A new made-up value for an edit: a phone number for a phone field, else a name."""
        if field_type == "phone":
            # A Norwegian mobile number (+47 4xx xx xxx), unique within the run by its serial.
            digits = f"{next(self._serial) % 10**7:07d}"
            return f"+47 4{digits[:2]} {digits[2:4]} {digits[4:]}"
        name = self._faker.first_name() if field == "FirstName" else self._faker.last_name()
        return self.unique(name, field)

    def text_of_length(self, length: int) -> str:
        """A readable value of exactly `length` characters, with letters outside ASCII."""
        base = "Æøå Ünïcödé "
        return (base * (length // len(base) + 1))[:length]

    def _contact(self) -> dict[str, Any]:
        return {
            "FirstName": self._faker.first_name(),
            "LastName": self.unique(self._faker.last_name(), "LastName"),
            "MobilePhone": self._phone(),
            "Phone": self._phone(),
        }

    def _individual(self) -> dict[str, Any]:
        return {
            "FirstName": self._faker.first_name(),
            "LastName": self.unique(self._faker.last_name(), "LastName"),
        }

    def _customer(self) -> dict[str, Any]:
        # PartyId (the Individual) is filled in by whoever creates the Customer.
        return {"Name": self.unique(self._faker.name())}

    def _product(self) -> dict[str, Any]:
        return {
            "Name": self.unique(self._faker.catch_phrase()),
            "ProductCode": self._faker.bothify("TQA-####-??").upper(),
        }

    def _account(self) -> dict[str, Any]:
        return {"Name": self.unique(self._faker.company())}

    def _lead(self) -> dict[str, Any]:
        return {
            "LastName": self.unique(self._faker.last_name(), "LastName"),
            "Company": self._faker.company(),
        }

    def _opportunity(self) -> dict[str, Any]:
        return {
            "Name": self.unique(self._faker.catch_phrase(), "OpportunityName"),
            "StageName": "Prospecting",
            "CloseDate": "2027-06-30",
        }

    def _phone(self) -> str:
        return str(self._faker["no_NO"].phone_number())
