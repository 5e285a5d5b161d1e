"""Dates in English as KAM types them (YYYY-MM-DD): one format on every page, in every input
and in every file, where Django's English writes "Dec. 7, 2026" beside it."""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
