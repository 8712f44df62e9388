"""The Chalice app: registers the capabilities' blueprints; errors are mapped in chalicelib/shared/http.py."""

from __future__ import annotations

from chalice import Chalice, Response

from chalicelib.audit.routes import bp as audit_bp
from chalicelib.identity.routes import bp as identity_bp
from chalicelib.shared.http import contract_errors, json_response
from chalicelib.shared.openapi import document
from chalicelib.tenancy.routes import bp as tenancy_bp
from chalicelib.web.pages import bp as web_bp

app = Chalice(app_name="cskh")

for blueprint in (identity_bp, tenancy_bp, audit_bp, web_bp):
    app.register_blueprint(blueprint)
app.register_middleware(contract_errors, "http")


@app.route("/openapi.json", methods=["GET"])
def openapi() -> Response:
    """OpenAPI 3.1 of everything under /api, generated from the schemas."""
    return json_response(document())
