//! The OpenAPI document as a checked contract: what the route table's annotations leave out is
//! completed here, once, for every operation — the problem+json answers each can give (400, 401,
//! 403, 404, 409, 413, 422, 429), the codes that are enums, and the bounds of the paging
//! parameters — so that clients and schema-driven tests can rely on every word of it.

use serde_json::{Map, Value, json};

use crate::domain::paging::MAX_PAGE;
use crate::services::products::MAX_PER_PAGE;

/// Role codes.
const ROLES: &[&str] = &[
    "manufacturer",
    "wholesaler",
    "ministry",
    "association",
    "admin",
];

/// Properties of named schemas whose values are codes: (schema, property, values).
const ENUM_PROPERTIES: &[(&str, &str, &[&str])] = &[
    ("CaseItem", "flow", &["A", "B"]),
    ("CaseResponse", "flow", &["A", "B"]),
    ("CaseItem", "impact", &["large", "possibly_large", "small"]),
    (
        "TransitionBody",
        "action",
        &[
            "judge_impact",
            "decide",
            "consent",
            "report_progress",
            "announce",
            "resolve",
        ],
    ),
    (
        "TransitionBody",
        "impact",
        &["large", "possibly_large", "small"],
    ),
    (
        "TransitionBody",
        "decision",
        &["response_needed", "monitoring"],
    ),
    ("NewRequestBody", "kind", &["information", "cooperation"]),
    (
        "RequestItem",
        "kind",
        &["heads_up", "information", "cooperation"],
    ),
    (
        "OrganizationBody",
        "kind",
        &["manufacturer", "wholesaler", "ministry", "association"],
    ),
    ("ProductBody", "kind", &["drug", "device", "ivd"]),
    (
        "CreateSubscription",
        "delivery",
        &["immediate", "daily_digest"],
    ),
    ("AdminUserItem", "role", ROLES),
    ("InviteBody", "role", ROLES),
    ("UserChangeBody", "role", ROLES),
    ("ProductItem", "kind", &["drug", "device", "ivd"]),
    (
        "ReportBody",
        "kind",
        &["first", "additional", "simplified", "re_report"],
    ),
    (
        "ReportBody",
        "event_type",
        &["supply_risk", "stockout", "termination"],
    ),
    (
        "CreateSupplyStatusReport",
        "shipping_status",
        &["1", "2", "3", "4", "5"],
    ),
    (
        "CreateSupplyStatusReport",
        "reason",
        &["1", "2", "3", "4", "5", "6", "7", "8"],
    ),
    (
        "CreateSupplyStatusReport",
        "volume_status",
        &["A+", "A", "B", "C", "D"],
    ),
];

/// Query parameters whose values are codes: (name, values).
const ENUM_PARAMETERS: &[(&str, &[&str])] = &[
    ("kind", &["drug", "device", "ivd"]),
    ("shipping_status", &["1", "2", "3", "4", "5"]),
];

/// The problem answers every operation may give, with what each means.
const PROBLEMS: &[(&str, &str)] = &[
    (
        "400",
        "The request is malformed (unreadable JSON, a query or path parameter out of range)",
    ),
    ("401", "No valid credentials"),
    (
        "403",
        "The caller may not do this (role, another organisation's data, a write from another site)",
    ),
    ("404", "Nothing with that key"),
    ("409", "Not allowed in the current state"),
    (
        "422",
        "Invalid input: every problem with its field (and row and column for files)",
    ),
    (
        "429",
        "Too many attempts or too much at once: try again after Retry-After seconds",
    ),
];

/// Completes the document collected from the route table (see the module's doc).
pub fn complete(document: &mut Value) {
    add_problem_schemas(document);
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(operations) = item.as_object_mut() else {
                continue;
            };
            for operation in operations.values_mut() {
                complete_operation(path, operation);
            }
        }
    }
    if let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (schema, property, values) in ENUM_PROPERTIES {
            let Some(properties) = schemas
                .get_mut(*schema)
                .and_then(|s| s.get_mut("properties"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let entry = properties.entry(*property).or_insert_with(|| json!({}));
            set_enum(entry, values);
        }
    }
}

/// `Problem` (RFC 9457 with `errors`) and `FieldProblem`.
fn add_problem_schemas(document: &mut Value) {
    let Some(root) = document.as_object_mut() else {
        return;
    };
    let components = root.entry("components").or_insert_with(|| json!({}));
    let Some(components) = components.as_object_mut() else {
        return;
    };
    let schemas = components.entry("schemas").or_insert_with(|| json!({}));
    let Some(schemas) = schemas.as_object_mut() else {
        return;
    };
    schemas.insert(
        "FieldProblem".into(),
        json!({
            "type": "object",
            "description": "One broken rule: the field (and row and column of a file), a stable code, a Japanese message.",
            "required": ["field", "code", "message"],
            "properties": {
                "field": {"type": "string"},
                "row": {"type": "integer", "minimum": 0},
                "column": {"type": "string"},
                "code": {"type": "string"},
                "message": {"type": "string"}
            }
        }),
    );
    schemas.insert(
        "Problem".into(),
        json!({
            "type": "object",
            "description": "RFC 9457 problem details; `errors` lists every broken rule of the input.",
            "required": ["type", "status", "title", "detail"],
            "properties": {
                "type": {"type": "string"},
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "title": {"type": "string"},
                "detail": {"type": "string"},
                "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldProblem"}}
            }
        }),
    );
}

fn problem_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

fn complete_operation(path: &str, operation: &mut Value) {
    let public = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().all(|r| r.as_object().is_some_and(Map::is_empty)));
    if let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        for parameter in parameters {
            complete_parameter(parameter);
        }
    }
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (code, description) in PROBLEMS {
        if public && matches!(*code, "401" | "403") && !path.ends_with("/auth/token") {
            continue;
        }
        let entry = responses
            .entry(*code)
            .or_insert_with(|| problem_response(description));
        // Annotations name the content type of an error but not its shape.
        if let Some(content) = entry
            .get_mut("content")
            .and_then(|c| c.get_mut("application/problem+json"))
            .and_then(Value::as_object_mut)
        {
            content.insert(
                "schema".into(),
                json!({"$ref": "#/components/schemas/Problem"}),
            );
        }
    }
    if path.ends_with("/upload") {
        responses.entry("413").or_insert_with(|| {
            problem_response("The file is past a limit (size, rows, columns, cell size, shared strings, inflated size or reading time): `errors[].code` names it")
        });
    }
}

fn complete_parameter(parameter: &mut Value) {
    let Some(name) = parameter
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return;
    };
    let Some(schema) = parameter.get_mut("schema") else {
        return;
    };
    match name.as_str() {
        "page" => bound(schema, 1, MAX_PAGE),
        "per_page" => bound(schema, 1, MAX_PER_PAGE),
        _ => {
            if let Some((_, values)) = ENUM_PARAMETERS.iter().find(|(n, _)| *n == name) {
                set_enum(schema, values);
            }
        }
    }
}

fn bound(schema: &mut Value, minimum: u64, maximum: u64) {
    if let Some(schema) = schema.as_object_mut() {
        schema.insert("minimum".into(), json!(minimum));
        schema.insert("maximum".into(), json!(maximum));
    }
}

/// Makes a string (or nullable string) schema an enum of `values`.
fn set_enum(schema: &mut Value, values: &[&str]) {
    let Some(schema) = schema.as_object_mut() else {
        return;
    };
    let nullable = schema
        .get("type")
        .and_then(Value::as_array)
        .is_some_and(|t| t.iter().any(|t| t == "null"));
    let mut listed: Vec<Value> = values.iter().map(|v| json!(v)).collect();
    if nullable {
        listed.push(Value::Null);
        schema.insert("type".into(), json!(["string", "null"]));
    } else {
        schema.insert("type".into(), json!("string"));
    }
    schema.insert("enum".into(), Value::Array(listed));
}
