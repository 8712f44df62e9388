"""The wildcard custom domain *.{base_domain}: one host name per tenant, all served by the same API."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from constructs import Construct


class WildcardDomain(Construct):
    """ACM certificate (DNS-validated in the given zone), regional API Gateway domain, and its alias record."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        base_domain: str,
        zone: route53.IHostedZone,
        rest_api_id: str,
        stage_name: str,
    ) -> None:
        """Map the domain to the API's stage; stage_name should be a reference that waits for the stage."""
        super().__init__(scope, construct_id)
        wildcard = f"*.{base_domain}"
        self.certificate = acm.Certificate(
            self,
            "Certificate",
            domain_name=wildcard,
            subject_alternative_names=[base_domain],
            validation=acm.CertificateValidation.from_dns(zone),
        )
        # Regional, like the API (an edge domain would need its certificate in us-east-1).
        self.domain = apigateway.DomainName(
            self,
            "Domain",
            domain_name=wildcard,
            certificate=self.certificate,
            endpoint_type=apigateway.EndpointType.REGIONAL,
            security_policy=apigateway.SecurityPolicy.TLS_1_2,
        )
        # Chalice's RestAPI is a SAM resource, not an IRestApi, so the mapping is declared at L1.
        mapping = apigateway.CfnBasePathMapping(
            self,
            "Mapping",
            domain_name=self.domain.domain_name,
            rest_api_id=rest_api_id,
            stage=stage_name,
        )
        Validations.of(mapping).acknowledge(
            Acknowledgment(
                id="CloudFormation-Validate::F1020",
                reason="Ref RestAPI.Stage names the stage SAM generates; it exists after the transform",
            )
        )
        route53.ARecord(
            self,
            "Alias",
            zone=zone,
            # A fully qualified name (trailing dot) so the record is right even when the zone is a parent.
            record_name=f"{wildcard}.",
            target=route53.RecordTarget.from_alias(targets.ApiGatewayDomain(self.domain)),
        )
