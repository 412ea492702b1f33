"""A JSON API for other systems (WeChat mini-programs, the congress's suggestion system, 12345 hotlines).

Versioned under /api/v1/, described by an OpenAPI 3.1 document built from the same marshmallow schemas
that check the requests (consult.api.spec, served at /api/openapi.json, readable at /api/docs). Tokens
(ApiToken) are created by admins, stored as a sha256 hash of a secret shown once, and carry scopes; a
contact point's token gives the comments it submits that point as provenance. Every call goes through the
same services as the web pages (submit_online_comment, the public queries, Selection).
"""
