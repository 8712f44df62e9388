"""The staff user pool (USER_POOL): role groups, immutable custom:tenant, the console app client."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from infra.definitions import USER_POOL

# OIDC claim name (as used in definitions) -> keyword of cognito.StandardAttributesMask.
_STANDARD_ATTRIBUTES = {
    "address": "address",
    "birthdate": "birthdate",
    "email": "email",
    "email_verified": "email_verified",
    "family_name": "family_name",
    "gender": "gender",
    "given_name": "given_name",
    "locale": "locale",
    "middle_name": "middle_name",
    "name": "fullname",
    "nickname": "nickname",
    "phone_number": "phone_number",
    "phone_number_verified": "phone_number_verified",
    "picture": "profile_picture",
    "preferred_username": "preferred_username",
    "profile": "profile_page",
    "updated_at": "last_update_time",
    "website": "website",
    "zoneinfo": "timezone",
}


def client_attributes(names: tuple[str, ...]) -> cognito.ClientAttributes:
    """Turn attribute names ("email", "custom:tenant") into the client's attribute set."""
    custom = [n.removeprefix("custom:") for n in names if n.startswith("custom:")]
    standard = {_STANDARD_ATTRIBUTES[n]: True for n in names if not n.startswith("custom:")}
    attributes = cognito.ClientAttributes().with_standard_attributes(**standard)
    return attributes.with_custom_attributes(*custom) if custom else attributes


class Identity(Construct):
    """User pool, one group per role, and the app client the Lambda signs staff in with."""

    def __init__(self, scope: Construct, construct_id: str, *, retain: bool) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=USER_POOL.name,
            # Accounts are created by tenant admins only (AdminCreateUser).
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(username=True),
            standard_attributes=cognito.StandardAttributes(
                fullname=cognito.StandardAttribute(required=True, mutable=True),
                email=cognito.StandardAttribute(required=False, mutable=True),
            ),
            custom_attributes={name: cognito.StringAttribute(mutable=mutable) for name, mutable in USER_POOL.custom_attributes},
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            deletion_protection=retain,
            removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
        )
        self.groups = [
            cognito.UserPoolGroup(self, f"Group-{role}", user_pool=self.user_pool, group_name=role) for role in USER_POOL.groups
        ]
        token_validity = Duration.minutes(USER_POOL.id_token_minutes)
        self.client = self.user_pool.add_client(
            "ConsoleClient",
            user_pool_client_name=USER_POOL.client_name,
            # Public client: the Lambda calls InitiateAuth(USER_PASSWORD_AUTH) with the client id only.
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_password=True, user_srp=True),
            # No hosted UI: sign-in goes through the app, so no OAuth flows, scopes or callback URLs.
            disable_o_auth=True,
            read_attributes=client_attributes(USER_POOL.client_read_attributes),
            # custom:tenant is absent here, so no signed-in user can move themselves to another tenant.
            write_attributes=client_attributes(USER_POOL.client_write_attributes),
            id_token_validity=token_validity,
            access_token_validity=token_validity,
            refresh_token_validity=Duration.days(USER_POOL.refresh_token_days),
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
        )
