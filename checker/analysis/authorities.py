"""Data protection authorities by the names a link's text gives them, with the sites they run.

A policy copied from a template keeps the template's regulator in the text and links it to its own
("you may contact the [Information Commissioner's Office](https://www.lda.bayern.de/...)"): the
reader who clicks reaches another authority than the one named. Only names that belong to one
authority are listed ("the Data Protection Commissioner" is the title of several); the table is
data so that an authority is added by a line, not by code.
"""

from __future__ import annotations

import re

AUTHORITY_SITES: dict[str, tuple[str, ...]] = {
    r"Information Commissioner[\u2019']?s?\s+Office|\bICO\b": ("ico.org.uk", "ico.gov.uk"),
    r"\bCNIL\b|Commission nationale de l[\u2019']informatique": ("cnil.fr",),
    r"Federal Trade Commission|\bFTC\b": ("ftc.gov", "consumer.gov", "identitytheft.gov", "onguardonline.gov",
                                                 "consumidor.gov", "donotcall.gov"),
    r"Office of the Australian Information Commissioner|\bOAIC\b": ("oaic.gov.au", "privacy.gov.au"),
    r"Office of the Privacy Commissioner of Canada": ("priv.gc.ca", "privcom.gc.ca"),
    r"European Data Protection Board|\bEDPB\b": ("edpb.europa.eu",),
    r"European Data Protection Supervisor|\bEDPS\b": ("edps.europa.eu",),
    r"Agencia Espa\u00f1ola de Protecci\u00f3n de Datos|\bAEPD\b": ("aepd.es",),
    r"Garante per la protezione dei dati personali": ("garanteprivacy.it", "gpdp.it"),
    r"Autoriteit Persoonsgegevens": ("autoriteitpersoonsgegevens.nl",),
    r"Bundesbeauftragte[nr]? f\u00fcr den Datenschutz|\bBfDI\b": ("bfdi.bund.de",),
    r"Integritetsskyddsmyndigheten|\bIMY\b": ("imy.se",),
    r"Irish Data Protection Commission": ("dataprotection.ie",),
    r"Federal Data Protection and Information Commissioner|\bFDPIC\b|\bED\u00d6B\b": ("edoeb.admin.ch",),
}
"""A regular expression for the authority's names -> the hosts its sites live on (subdomains too; the
older domains an archived policy links, "ico.gov.uk", and the FTC's consumer sites)."""

_NAMES = [(re.compile(pattern), sites) for pattern, sites in AUTHORITY_SITES.items()]


def authority_mismatch(text: str, host: str) -> str | None:
    """Why a link whose ``text`` names an authority but which opens ``host`` sends the reader
    elsewhere, or None (no authority named, or its own site)."""
    for pattern, sites in _NAMES:
        named = pattern.search(text)
        if named and not any(host == site or host.endswith("." + site) for site in sites):
            return f"the link text names the {named.group(0)} but it opens {host}"
    return None
