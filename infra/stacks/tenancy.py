"""The roles the Lambda reaches the table through, one tenant at a time (TABLE_ACCESS; AWS SaaS Factory's pattern).

- The tenant-access role may read and write the table and its indexes; the Lambda assumes it per tenant with a
  session policy that keeps only keys `T#{tenant}#*` (and reads of the shared national calendar), so the
  effective permission of a session is one tenant's items (two for a transfer or a report back).
- Every office also reads and writes the partitions shared for writing (`CONTACT#…`, the surveys' national contact
  log): the role's own policy allows only `T#*` and those prefixes, and each session policy names them again.
- The national read role may only read: the CCC's national view of every province.
- Only the Lambda's role may assume either, and that role itself holds no access to the table's items.

TransactWriteItems has no IAM action of its own: each of its items is authorised by PutItem, UpdateItem,
DeleteItem or ConditionCheckItem, with `dynamodb:LeadingKeys` its partition key; a Query on an index is matched
on the index's partition key (GSI4's `T#ccc#OPEN` is the CCC's to read, while each province writes it on its
own request items, whose table key is the province's).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.definitions import TABLE_ACCESS


class TenantAccess(Construct):
    """The tenant-access and national read roles, assumable by `assumed_by` only."""

    def __init__(self, scope: Construct, construct_id: str, *, table: dynamodb.ITable, assumed_by: iam.IRole) -> None:
        super().__init__(scope, construct_id)
        items = [table.table_arn, f"{table.table_arn}/index/*"]
        self.tenant_role = self._role(
            "TenantAccessRole",
            assumed_by,
            "Items of the tenants a session policy names (dynamodb:LeadingKeys T#{tenant}#*)",
            iam.PolicyStatement(
                actions=list(TABLE_ACCESS.tenant_actions),
                resources=items,
                # Defence in depth under the session policies: tenants' keys and the shared-write partitions only.
                conditions={
                    "ForAllValues:StringLike": {
                        "dynamodb:LeadingKeys": ["T#*", *(f"{p}*" for p in TABLE_ACCESS.shared_write_prefixes)]
                    }
                },
            ),
        )
        self.national_role = self._role(
            "NationalReadRole",
            assumed_by,
            "Read-only: the CCC's national view of every tenant",
            iam.PolicyStatement(actions=list(TABLE_ACCESS.read_actions), resources=items),
        )

    def _role(self, construct_id: str, assumed_by: iam.IRole, description: str, statement: iam.PolicyStatement) -> iam.Role:
        role = iam.Role(
            self,
            construct_id,
            assumed_by=iam.ArnPrincipal(assumed_by.role_arn),
            description=description,
            max_session_duration=Duration.hours(1),  # a session chained from the Lambda's role lasts at most an hour
        )
        role.add_to_policy(statement)
        role.grant_assume_role(assumed_by)
        return role

    @property
    def environment(self) -> dict[str, str]:
        """The Lambda's variables naming the roles (chalicelib/config.py)."""
        return {
            TABLE_ACCESS.tenant_role_variable: self.tenant_role.role_arn,
            TABLE_ACCESS.national_role_variable: self.national_role.role_arn,
        }
