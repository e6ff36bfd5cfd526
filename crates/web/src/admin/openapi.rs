//! The OpenAPI 3.1 description of the JSON admin API. Written by hand, as a
//! contract; a test checks that it names exactly the routes the router has.

use axum::Json;
use serde_json::{Value, json};

/// `GET /admin/api/openapi.json`.
pub(super) async fn serve() -> Json<Value> {
    Json(document())
}

fn op(summary: &str, request: Option<&str>, status: &str, response: &str) -> Value {
    let mut operation = json!({
        "summary": summary,
        "responses": {
            status: { "description": "Success", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{response}") } } } },
            "401": { "$ref": "#/components/responses/Error" },
            "403": { "$ref": "#/components/responses/Error" },
            "404": { "$ref": "#/components/responses/Error" },
            "409": { "$ref": "#/components/responses/Error" },
            "422": { "$ref": "#/components/responses/Error" },
        },
    });
    if let Some(request) = request {
        operation["requestBody"] = json!({
            "required": true,
            "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{request}") } } },
        });
    }
    operation
}

fn with_parameters(mut operation: Value, names: &[&str]) -> Value {
    operation["parameters"] = names
        .iter()
        .map(|name| {
            let schema = if *name == "number" {
                json!({"type": "integer", "minimum": 1})
            } else if *name == "topic" {
                json!({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"})
            } else {
                json!({"type": "string", "format": "uuid"})
            };
            json!({ "name": name, "in": "path", "required": true, "schema": schema })
        })
        .collect();
    operation
}

/// The whole document.
pub(crate) fn document() -> Value {
    let id = &["id"];
    let mut upload = op("Upload a JPEG, PNG or WebP image (the raw file is the request body)", None, "201", "Image");
    upload["requestBody"] = json!({
        "required": true,
        "content": {
            "image/jpeg": { "schema": { "type": "string", "format": "binary" } },
            "image/png": { "schema": { "type": "string", "format": "binary" } },
            "image/webp": { "schema": { "type": "string", "format": "binary" } },
        },
    });
    upload["parameters"] = json!(
        ["caption", "credit", "alt_text"]
            .iter()
            .map(|name| json!({
                "name": name, "in": "query", "required": false, "schema": { "type": "string" },
            }))
            .collect::<Vec<_>>()
    );
    upload["responses"]["413"] = json!({ "$ref": "#/components/responses/Error" });
    let mut list = op("List articles, most recently changed first", None, "200", "ArticleList");
    list["parameters"] = json!([
        { "name": "status", "in": "query", "schema": { "$ref": "#/components/schemas/Status" } },
        { "name": "section", "in": "query", "schema": { "type": "string" } },
        { "name": "author", "in": "query", "schema": { "type": "string" } },
        { "name": "q", "in": "query", "description": "Text the headline contains", "schema": { "type": "string" } },
        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } },
        { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100 } },
    ]);
    let mut queue =
        op("Comments in a moderation state, newest first, with spam scores and reasons", None, "200", "CommentQueue");
    queue["parameters"] = json!([
        { "name": "status", "in": "query", "schema": { "type": "string", "enum": ["pending", "approved", "spam", "rejected"] } },
        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } },
    ]);
    let mut spec = op("This description", None, "200", "Object");
    spec["security"] = json!([]);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Masthead admin API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Every newsroom operation. Authenticate with `Authorization: Bearer <token>` \
                (create tokens on the account page or with `masthead user token`). Requests made with the \
                browser session cookie must also send the session's CSRF token in `X-CSRF-Token`. \
                Errors are `{\"error\": sentence, \"status\": code}`.",
        },
        "security": [{ "bearerAuth": [] }],
        "paths": {
            "/admin/api/openapi.json": { "get": spec },
            "/admin/api/me": { "get": op("The account the token acts as", None, "200", "User") },
            "/admin/api/articles": {
                "get": list,
                "post": op("Start a draft", Some("ArticleFields"), "201", "Article"),
            },
            "/admin/api/articles/{id}": {
                "get": with_parameters(op("One article, with editor warnings", None, "200", "Article"), id),
                "put": with_parameters(op("Save new fields over `revision` (409 if someone saved since)", Some("ArticleSave"), "200", "Article"), id),
            },
            "/admin/api/articles/{id}/step": {
                "post": with_parameters(op("Take a workflow step", Some("Step"), "200", "Article"), id),
            },
            "/admin/api/articles/{id}/corrections": {
                "post": with_parameters(op("Append a dated correction to a published article", Some("Correction"), "201", "Article"), id),
            },
            "/admin/api/articles/{id}/revisions": {
                "get": with_parameters(op("The article's revisions, newest first", None, "200", "RevisionList"), id),
            },
            "/admin/api/articles/{id}/revisions/{number}": {
                "get": with_parameters(op("One revision's fields", None, "200", "Revision"), &["id", "number"]),
            },
            "/admin/api/articles/{id}/restore": {
                "post": with_parameters(op("Save an old revision's fields as the newest revision", Some("Restore"), "200", "Article"), id),
            },
            "/admin/api/preview": { "post": op("Render a body as readers would see it", Some("Preview"), "200", "PreviewResult") },
            "/admin/api/articles/{id}/topics": {
                "get": with_parameters(op("The people, organisations and places found in the article, with the editor's decisions", None, "200", "TopicList"), id),
                "post": with_parameters(op("Add a topic the analysis did not find (confirmed)", Some("NewTopic"), "201", "TopicList"), id),
            },
            "/admin/api/articles/{id}/topics/{topic}": {
                "put": with_parameters(op("Confirm or remove a suggested topic", Some("TopicDecision"), "200", "TopicList"), &["id", "topic"]),
            },
            "/admin/api/articles/{id}/quotes": {
                "get": with_parameters(op("The article's direct quotations with their speakers", None, "200", "QuoteList"), id),
            },
            "/admin/api/articles/{id}/related": {
                "get": with_parameters(op("Pinned related stories and ranked suggestions", None, "200", "Related"), id),
                "put": with_parameters(op("Pin related stories in order (an empty list goes back to suggestions)", Some("Pins"), "200", "Related"), id),
            },
            "/admin/api/images": { "post": upload },
            "/admin/api/images/{id}": {
                "get": with_parameters(op("One image", None, "200", "Image"), id),
                "put": with_parameters(op("Change caption, credit and alt text", Some("ImageText"), "200", "Image"), id),
            },
            "/admin/api/users": {
                "get": op("Every account (admins)", None, "200", "UserList"),
                "post": op("Create an account (admins); the password is generated when not given and returned once", Some("NewUser"), "201", "User"),
            },
            "/admin/api/users/{id}/password": {
                "post": with_parameters(op("Reset a password (admins); returns the new one and ends the account's sessions", None, "200", "Password"), id),
            },
            "/admin/api/users/{id}/role": {
                "put": with_parameters(op("Change an account's role (admins)", Some("RoleChange"), "200", "User"), id),
            },
            "/admin/api/tokens": { "post": op("Create an API token for the calling account; returned once", Some("TokenRequest"), "201", "Token") },
            "/admin/api/comments": { "get": queue },
            "/admin/api/comments/moderate": { "post": op("Approve, reject, mark as spam or delete comments", Some("Moderate"), "200", "Moderated") },
            "/admin/api/comments/erase": { "post": op("Delete every comment posted with an email address", Some("Erase"), "200", "Erased") },
            "/admin/api/articles/{id}/comments": {
                "put": with_parameters(op("Open or close comments on an article, or follow the site's settings", Some("CommentsState"), "200", "CommentsState"), id),
            },
            "/admin/api/settings": {
                "get": op("The site's comment settings", None, "200", "Settings"),
                "put": op("Change the site's comment settings (admins)", Some("Settings"), "200", "Settings"),
            },
            "/admin/api/sign-out-everywhere": { "post": op("End every session and token of the calling account", None, "200", "SignOut") },
        },
        "components": {
            "securitySchemes": { "bearerAuth": { "type": "http", "scheme": "bearer" } },
            "responses": {
                "Error": {
                    "description": "Refused or failed; `error` says why in a sentence",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } },
                },
            },
            "schemas": schemas(),
        },
    })
}

fn schemas() -> Value {
    let string = json!({"type": "string"});
    let strings = json!({"type": "array", "items": {"type": "string"}});
    let time = json!({"type": ["string", "null"], "format": "date-time"});
    let fields = json!({
        "headline": string, "standfirst": string, "body_source": string, "section": string,
        "tags": strings, "authors": strings,
        "lead_image": {"type": ["string", "null"], "format": "uuid"},
        "slug": string, "embargo_until": time,
    });
    let mut save_fields = fields.clone();
    save_fields["revision"] = json!({"type": "integer", "minimum": 1});
    json!({
        "Object": { "type": "object" },
        "Error": { "type": "object", "required": ["error", "status"], "properties": {
            "error": string, "status": {"type": "integer"}, "current_revision": {"type": "integer"} } },
        "Status": { "type": "string", "enum": ["draft", "in_review", "scheduled", "published", "unpublished"] },
        "ArticleFields": { "type": "object", "required": ["headline", "section"], "properties": fields, "additionalProperties": false },
        "ArticleSave": { "type": "object", "required": ["headline", "section", "revision"], "properties": save_fields, "additionalProperties": false },
        "Article": { "type": "object", "properties": {
            "id": string, "slug": string, "headline": string, "standfirst": string, "body_source": string,
            "section": string, "tags": strings, "authors": strings,
            "lead_image": {"oneOf": [{"$ref": "#/components/schemas/Image"}, {"type": "null"}]},
            "status": {"$ref": "#/components/schemas/Status"}, "revision": {"type": "integer"},
            "published_at": time, "updated_at": time, "embargo_until": time,
            "url": {"type": ["string", "null"]},
            "corrections": {"type": "array", "items": {"type": "object", "properties": {"note": string, "issued_at": time}}},
            "warnings": strings } },
        "ArticleList": { "type": "object", "properties": {
            "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "articles": {"type": "array", "items": {"type": "object"}} } },
        "Step": { "type": "object", "required": ["step"], "additionalProperties": false, "properties": {
            "step": {"type": "string", "enum": ["submit", "return_to_draft", "publish", "schedule", "unpublish"]},
            "publish_at": time } },
        "Correction": { "type": "object", "required": ["note"], "additionalProperties": false, "properties": {"note": string} },
        "RevisionList": { "type": "object", "properties": { "revisions": {"type": "array", "items": {"type": "object", "properties": {
            "number": {"type": "integer"}, "saved_at": time, "saved_by": string }}} } },
        "Revision": { "type": "object", "properties": { "number": {"type": "integer"}, "saved_at": time, "saved_by": string,
            "fields": {"type": "object", "properties": fields} } },
        "Restore": { "type": "object", "required": ["number", "revision"], "additionalProperties": false, "properties": {
            "number": {"type": "integer"}, "revision": {"type": "integer"} } },
        "Preview": { "type": "object", "required": ["body_source"], "additionalProperties": false, "properties": {"body_source": string} },
        "PreviewResult": { "type": "object", "properties": {"html": string} },
        "Image": { "type": "object", "properties": {
            "id": string, "url": string, "content_type": string, "width": {"type": "integer"}, "height": {"type": "integer"},
            "caption": string, "credit": string, "alt_text": string,
            "variants": {"type": "array", "items": {"type": "object", "properties": {
                "url": string, "content_type": string, "width": {"type": "integer"}, "height": {"type": "integer"}}}},
            "missing_for_publication": strings, "credit_warning": {"type": ["string", "null"]} } },
        "ImageText": { "type": "object", "required": ["caption", "credit", "alt_text"], "additionalProperties": false,
            "properties": {"caption": string, "credit": string, "alt_text": string} },
        "User": { "type": "object", "properties": {
            "id": string, "email": string, "name": string,
            "role": {"type": "string", "enum": ["contributor", "author", "editor", "admin"]},
            "author": string, "password": {"type": ["string", "null"]} } },
        "UserList": { "type": "object", "properties": {"users": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}} },
        "NewUser": { "type": "object", "required": ["email", "name", "role"], "additionalProperties": false, "properties": {
            "email": string, "name": string, "role": string, "password": {"type": ["string", "null"], "minLength": 10} } },
        "Password": { "type": "object", "properties": {"password": string} },
        "RoleChange": { "type": "object", "required": ["role"], "additionalProperties": false, "properties": {"role": string} },
        "TokenRequest": { "type": "object", "required": ["label"], "additionalProperties": false, "properties": {"label": string} },
        "Token": { "type": "object", "properties": {"token": string, "label": string} },
        "SignOut": { "type": "object", "properties": {"sessions_ended": {"type": "integer"}} },
        "CommentQueue": { "type": "object", "properties": { "total": {"type": "integer"}, "comments": {"type": "array", "items": {"type": "object", "properties": {
            "id": string, "article": string, "article_path": string, "parent": {"type": ["string", "null"]},
            "name": string, "email": {"type": ["string", "null"]}, "body": string, "status": string, "posted_at": time,
            "spam_score": {"type": "integer"}, "reasons": strings }}} } },
        "Moderate": { "type": "object", "required": ["ids", "verdict"], "additionalProperties": false, "properties": {
            "ids": strings, "verdict": {"type": "string", "enum": ["approve", "reject", "spam", "delete"]} } },
        "Moderated": { "type": "object", "properties": {"changed": {"type": "integer"}} },
        "Erase": { "type": "object", "required": ["email"], "additionalProperties": false, "properties": {"email": string} },
        "Erased": { "type": "object", "properties": {"erased": {"type": "integer"}} },
        "CommentsState": { "type": "object", "required": ["state"], "additionalProperties": false, "properties": {
            "state": {"type": "string", "enum": ["open", "closed", "auto"]} } },
        "Topic": { "type": "object", "properties": {
            "topic": {"type": "string"}, "name": {"type": "string"},
            "type": {"type": "string", "enum": ["person", "organization", "place"]},
            "salience": {"type": "number"}, "mentions": {"type": "integer"}, "role": {"type": ["string", "null"]},
            "state": {"type": "string", "enum": ["suggested", "confirmed", "removed"]}, "url": {"type": "string"} } },
        "TopicList": { "type": "object", "properties": { "topics": {"type": "array", "items": {"$ref": "#/components/schemas/Topic"}} } },
        "NewTopic": { "type": "object", "required": ["name", "type"], "additionalProperties": false, "properties": {
            "name": {"type": "string", "maxLength": 120},
            "type": {"type": "string", "enum": ["person", "organization", "place"]} } },
        "TopicDecision": { "type": "object", "required": ["state"], "additionalProperties": false, "properties": {
            "state": {"type": "string", "enum": ["confirmed", "removed", "suggested"]} } },
        "QuoteList": { "type": "object", "properties": { "quotes": {"type": "array", "items": {"type": "object", "properties": {
            "text": {"type": "string"}, "speaker": {"type": ["string", "null"]}, "speaker_topic": {"type": ["string", "null"]} } } } } },
        "RelatedStory": { "type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"}, "headline": {"type": "string"}, "url": {"type": "string"}, "score": {"type": "number"} } },
        "Related": { "type": "object", "properties": {
            "pinned": {"type": "array", "items": {"$ref": "#/components/schemas/RelatedStory"}},
            "suggested": {"type": "array", "items": {"$ref": "#/components/schemas/RelatedStory"}} } },
        "Pins": { "type": "object", "required": ["pinned"], "additionalProperties": false, "properties": {
            "pinned": {"type": "array", "maxItems": 6, "items": {"type": "string", "format": "uuid"}} } },
        "Settings": { "type": "object", "required": ["comment_moderation", "comments_close_after_days"], "additionalProperties": false, "properties": {
            "comment_moderation": {"type": "string", "enum": ["hold_all", "hold_first_time", "publish"]},
            "comments_close_after_days": {"type": "integer", "minimum": 0, "maximum": 3650} } },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_exactly_the_api_routes_the_router_has() {
        let document = document();
        let paths = document["paths"].as_object().cloned().unwrap_or_default();
        let mut documented: Vec<(String, String)> = paths
            .iter()
            .flat_map(|(path, operations)| {
                operations
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(move |(method, _)| (method.to_uppercase(), path.clone()))
            })
            .collect();
        let mut routed: Vec<(String, String)> = super::super::admin_routes()
            .into_iter()
            .filter(|r| r.is_api())
            .map(|r| (r.method.to_string(), r.path.to_owned()))
            .collect();
        documented.sort();
        routed.sort();
        assert_eq!(documented, routed);
    }

    #[test]
    fn every_schema_reference_resolves() {
        let document = document();
        let text = document.to_string();
        for reference in text.split("\"$ref\":\"").skip(1) {
            let target = reference.split('"').next().unwrap_or_default();
            let pointer = target.trim_start_matches('#');
            assert!(document.pointer(pointer).is_some(), "unresolved {target}");
        }
    }
}
