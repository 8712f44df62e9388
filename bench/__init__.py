"""Benchmarks: cold start of the Lambda's `import app`, and DynamoDB/Cognito calls per API operation.

`python -m bench` (from the repository root, with .venv/bin/python) runs them all and writes bench/results.md.
"""
