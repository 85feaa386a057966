"""Countries: the ISO 3166-1 list with names in the six UN languages, and forgiving matching of typed names."""

from core.countries.matching import Found, Unsure, code_of, exact, fold, not_found, read, shown
from core.countries.names import codes, is_country, name

__all__ = ["Found", "Unsure", "code_of", "codes", "exact", "fold", "is_country", "name", "not_found", "read", "shown"]
