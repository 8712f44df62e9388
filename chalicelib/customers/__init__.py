"""Customers: individuals and organisations, looked up by any identifier; every read of personal data audited."""
