"""Dates in English as KAM types them (YYYY-MM-DD): one format on every page, in every input
and in every file, where Django's English writes "7 Dec 2026" beside it and reads
03/04/2026 as a date."""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
# Typed one way too: 03/04/2026 is 3 April to a Briton and 4 March to an American.
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
