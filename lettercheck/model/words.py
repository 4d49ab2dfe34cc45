"""The Danish words a user reads for severities and letter parts, in one place.

The text and HTML reports, ``explain`` and the Word comments all name severities and letter parts
in Danish; the JSON, SARIF and CSV reports and the configuration keep the stable English values.
"""

from __future__ import annotations

from lettercheck.model.findings import Severity

#: Severities as the Danish user reads them. ``info`` is "råd" (advice to take or leave): "info"
#: is tool jargon to the communication staff who mend letters, and Word comments say "Råd" too.
SEVERITY_DA = {Severity.ERROR: "fejl", Severity.WARNING: "advarsel", Severity.INFO: "råd"}
PLURAL_DA = {Severity.ERROR: "fejl", Severity.WARNING: "advarsler", Severity.INFO: "råd"}
PART_DA = {
    "address": "adresse",
    "subject": "overskrift",
    "salutation": "indledning",
    "body": "brødtekst",
    "closing": "hilsen",
    "signature": "underskrift",
    "legal": "regler/klage",
    "attachments": "bilag",
    "header": "sidehoved",
    "footer": "sidefod",
}

#: Letter types (issue 12): the stable value (JSON, CSV, configuration, ``lettercheck: type``
#: comments; ASCII so it can be typed anywhere) and the Danish word the reports show.
LETTER_TYPE_DA = {
    "indkaldelse": "indkaldelse",
    "afgoerelse": "afgørelse",
    "partshoering": "partshøring",
    "tilbud": "tilbud",
    "anmodning": "anmodning",
    "orientering": "orientering",
    "andet": "andet",
}
LETTER_TYPES = tuple(LETTER_TYPE_DA)
