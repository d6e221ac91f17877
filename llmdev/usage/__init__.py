"""Usage and cost: the price table, the usage log in the user data dir, and its reports."""
