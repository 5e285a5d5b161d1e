"""Number formats for simplified Chinese, over Django's zh_Hans (which keeps its dates).

Django's zh_Hans groups no digits; Chinese business software (and the finance pages people
read) writes amounts grouped by thousands with a comma, as in ¥1,234,567.89."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
