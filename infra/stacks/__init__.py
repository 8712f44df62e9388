"""CDK stacks and constructs; every resource is built from infra/definitions.py."""
