"""Countries: the ISO 3166-1 list with names in the six UN languages, and forgiving matching of typed names."""

from core.countries.matching import Found, Unsure, fold, not_found, read
from core.countries.names import codes, is_country, name, shown

__all__ = ["Found", "Unsure", "codes", "fold", "is_country", "name", "not_found", "read", "shown"]
