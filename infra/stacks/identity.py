"""The staff user pool (USER_POOL): role groups, immutable custom:tenant, the console app client."""

from __future__ import annotations

from aws_cdk import CustomResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
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


# The custom resource that reads the pool's public signing keys at deploy (inline code: `cfnresponse` is provided).
_READ_POOL_KEYS = """\
import json
import urllib.request

import cfnresponse

FIELDS = ("kid", "kty", "alg", "use", "n", "e")


def handler(event, context):
    physical = event.get("PhysicalResourceId") or "pool-keys"
    try:
        data = {}
        if event["RequestType"] != "Delete":
            url = event["ResourceProperties"]["Url"]
            with urllib.request.urlopen(url, timeout=10) as response:
                keys = json.load(response)["keys"]
            data["Jwks"] = json.dumps({"keys": [{f: k[f] for f in FIELDS if f in k} for k in keys]}, separators=(",", ":"))
            physical = url
        cfnresponse.send(event, context, cfnresponse.SUCCESS, data, physical)
    except Exception as exc:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, physical, reason=str(exc)[:200])
"""


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


class PoolKeys(Construct):
    """The pool's JWKS, read once at deploy, for the functions' environment (COGNITO_JWKS).

    The app verifies ID tokens against these keys; without them the first authenticated request of every cold start
    fetched them over HTTPS (a TLS handshake and a round trip). Cognito does not rotate a pool's keys; should a token
    name a key not given here, the app still fetches the set (chalicelib/identity/verifier.py).
    """

    def __init__(self, scope: Construct, construct_id: str, *, user_pool: cognito.IUserPool) -> None:
        super().__init__(scope, construct_id)
        region = Stack.of(self).region
        self.url = f"https://cognito-idp.{region}.amazonaws.com/{user_pool.user_pool_id}/.well-known/jwks.json"
        log_group = logs.LogGroup(self, "Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        reader = lambda_.Function(
            self,
            "Reader",
            description="Reads the user pool's public signing keys at deploy",
            runtime=lambda_.Runtime.PYTHON_3_11,
            handler="index.handler",
            code=lambda_.Code.from_inline(_READ_POOL_KEYS),
            timeout=Duration.seconds(30),
            log_group=log_group,
        )
        resource = CustomResource(
            self, "Keys", service_token=reader.function_arn, resource_type="Custom::PoolKeys", properties={"Url": self.url}
        )
        #: The JWKS as compact JSON (kid, kty, alg, use, n, e of each key), ~1 KB.
        self.jwks: str = resource.get_att_string("Jwks")
