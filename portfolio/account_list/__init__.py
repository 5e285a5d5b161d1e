"""The account list, page and API, with what the product computes about each account: its
figures in the latest successful analysis run and the date it was last in touch. It lives in
portfolio, not accounts, because it reads the runs (portfolio) and the interactions
(relationships); the account's own writes stay in accounts (`accounts.api.AccountViewSet`)."""
