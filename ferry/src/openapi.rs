//! An OpenAPI 3.1 document of the app's server functions, so that any HTTP
//! client (curl, a mobile app, another service, a code generator) can call
//! them without ferry's own client.
//!
//! Every `#[ferry::read]` and `#[ferry::mutation]` is in it with nothing
//! more to write: its path and method, the arguments it reads (the
//! form-encoded body of the default codec, a JSON body, a query string or
//! multipart form data), the schema of what it returns, each error status
//! with ferry's [`Error`](crate::Error) body, whether it needs a session
//! (a `guard`), and, as extensions, its kind (`x-ferry-kind`) and the tags a
//! mutation revalidates (`x-ferry-revalidates`). The schemas come from the
//! Rust types themselves, through [schemars](https://docs.rs/schemars): an
//! argument or result type that implements [`JsonSchema`] is described
//! exactly (derive it: `#[derive(ferry::openapi::JsonSchema)]` with
//! `#[schemars(crate = "ferry::openapi::schemars")]`, or depend on schemars
//! and derive `schemars::JsonSchema`); one that does not gets a schema any
//! value meets, whose description names the type, so the gap shows in the
//! document rather than breaking the build.
//!
//! ```
//! # #[derive(Clone, serde::Serialize, serde::Deserialize, ferry::openapi::JsonSchema)]
//! # #[schemars(crate = "ferry::openapi::schemars")]
//! # pub struct Note { text: String }
//! ferry::tags! { pub NOTES = "notes"; }
//!
//! /// Every note, oldest first.
//! #[ferry::read(endpoint = "doc-openapi/notes")]
//! pub async fn notes() -> Result<Vec<Note>, ferry::Error> {
//!     Ok(Vec::new())
//! }
//!
//! let document = ferry::openapi::Document::new("Notes", "1.0.0").build();
//! let operation = &document["paths"]["/api/doc-openapi/notes"]["post"];
//! assert_eq!(operation["summary"], "Every note, oldest first.");
//! assert_eq!(operation["x-ferry-kind"], "read");
//! ```
//!
//! Serve it with [`Document::router`] at a path the app chooses, or print
//! it from the server binary for a build to publish.

use axum::Router;
use axum::routing::get;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

pub use schemars::{self, JsonSchema};

use crate::__private::{Encoding, Operation, Revalidates};

/// The document's title, version and session cookie; [`build`](Self::build)
/// reads every registered server function.
#[derive(Debug, Clone)]
pub struct Document {
    title: String,
    version: String,
    description: Option<String>,
    session_cookie: Option<String>,
}

impl Document {
    /// A document titled `title` for the API's `version` (the app's, not
    /// OpenAPI's).
    pub fn new(title: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            version: version.into(),
            description: None,
            session_cookie: None,
        }
    }

    /// The text under the title.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// The cookie a guarded function's session travels in: named in the
    /// document's security scheme, which every function with a `guard`
    /// requires.
    pub fn session_cookie(mut self, name: impl Into<String>) -> Self {
        self.session_cookie = Some(name.into());
        self
    }

    /// The document, as JSON.
    pub fn build(&self) -> Value {
        let mut generator = SchemaSettings::draft2020_12()
            .with(|s| s.definitions_path = "/components/schemas".into())
            .into_generator();
        let error = generator.subschema_for::<crate::Error>().to_value();
        let methods: std::collections::HashMap<&str, http::Method> =
            leptos::server_fn::axum::server_fn_paths().collect();
        let mut operations: Vec<&Operation> = inventory::iter::<Operation>.into_iter().collect();
        operations.sort_by_key(|o| o.path);
        let mut paths = Map::new();
        for operation in operations {
            let method = methods
                .get(operation.path)
                .map_or("post".to_owned(), |m| m.as_str().to_ascii_lowercase());
            let described = describe(operation, &mut generator, &error);
            paths.insert(operation.path.to_owned(), json!({ method: described }));
        }
        let mut components = json!({ "schemas": generator.take_definitions(true) });
        if let Some(cookie) = &self.session_cookie {
            components["securitySchemes"] = json!({
                "session": {
                    "type": "apiKey", "in": "cookie", "name": cookie,
                    "description": "The signed session cookie that signing in sets.",
                },
            });
        }
        let mut info = json!({ "title": self.title, "version": self.version });
        if let Some(description) = &self.description {
            info["description"] = json!(description);
        }
        json!({
            "openapi": "3.1.0",
            "info": info,
            "paths": paths,
            "components": components,
        })
    }

    /// A router that answers `GET path` with the document (built once, on
    /// the first request).
    pub fn router(self, path: &str) -> Router {
        let document = std::sync::Arc::new(self);
        let built = std::sync::Arc::new(std::sync::OnceLock::new());
        Router::new().route(
            path,
            get(move || {
                let (document, built) = (document.clone(), built.clone());
                async move { axum::Json(built.get_or_init(|| document.build()).clone()) }
            }),
        )
    }
}

/// One function's operation object.
fn describe(
    operation: &Operation,
    generator: &mut schemars::SchemaGenerator,
    error: &Value,
) -> Value {
    let mut described = json!({
        "operationId": operation.name,
        "tags": [operation.path.trim_start_matches("/api/").split('/').next().unwrap_or("api")],
        "x-ferry-kind": if operation.read { "read" } else { "mutation" },
    });
    let doc = operation.doc.trim();
    if let Some(summary) = doc.lines().next().filter(|l| !l.is_empty()) {
        described["summary"] = json!(summary);
        described["description"] = json!(doc);
    }
    match operation.revalidates {
        Revalidates::Read => {}
        Revalidates::All => described["x-ferry-revalidates"] = json!("all"),
        Revalidates::Tags(tags) => described["x-ferry-revalidates"] = json!(tags()),
        Revalidates::FromArguments(text) => described["x-ferry-revalidates"] = json!(text),
    }
    let arguments = (operation.arguments)(generator);
    match operation.encoding {
        Encoding::Query => described["parameters"] = query_parameters(&arguments),
        encoding => {
            if let Some(body) = request_body(encoding, &arguments) {
                described["requestBody"] = body;
            }
        }
    }
    let output = (operation.output)(generator).to_value();
    described["responses"] = responses(operation, output, error);
    if operation.guarded {
        described["security"] = json!([{ "session": [] }]);
    }
    described
}

/// The arguments as an object schema: each one a property, required unless
/// it is an `Option`.
fn object(arguments: &[(&str, schemars::Schema, bool)]) -> Value {
    let properties: Map<String, Value> = arguments
        .iter()
        .map(|(name, schema, _)| ((*name).to_owned(), schema.clone().to_value()))
        .collect();
    let required: Vec<&str> = arguments
        .iter()
        .filter(|(_, _, required)| *required)
        .map(|(name, _, _)| *name)
        .collect();
    json!({ "type": "object", "properties": properties, "required": required })
}

fn request_body(encoding: Encoding, arguments: &[(&str, schemars::Schema, bool)]) -> Option<Value> {
    let (content_type, schema) = match encoding {
        Encoding::Form => ("application/x-www-form-urlencoded", object(arguments)),
        Encoding::Json => ("application/json", object(arguments)),
        Encoding::Multipart => (
            "multipart/form-data",
            json!({ "type": "object", "description": "The form's fields and files, as the function reads them." }),
        ),
        Encoding::Other(content_type) => (content_type, json!({})),
        Encoding::Query => return None,
    };
    let required = arguments.iter().any(|(_, _, required)| *required);
    Some(json!({ "required": required, "content": { content_type: { "schema": schema } } }))
}

fn query_parameters(arguments: &[(&str, schemars::Schema, bool)]) -> Value {
    arguments
        .iter()
        .map(|(name, schema, required)| {
            json!({ "name": name, "in": "query", "required": required, "schema": schema.clone().to_value() })
        })
        .collect()
}

/// The success and every error status the function may answer. Ferry's
/// own errors are JSON; the layers in front of every function (the body
/// limit, the rate limit, the overload bound) answer plain text.
fn responses(operation: &Operation, output: Value, error: &Value) -> Value {
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({ "description": "The function's result.", "content": { "application/json": { "schema": output } } }),
    );
    let failed = |description: &str| {
        let body = if operation.ferry_error {
            json!({ "application/json": { "schema": error }, "text/plain": { "schema": { "type": "string" } } })
        } else {
            json!({ "*/*": { "schema": {} } })
        };
        json!({ "description": description, "content": body })
    };
    let mut statuses = vec![
        ("400", "The arguments could not be read."),
        (
            "403",
            "Refused: a cross-site request, or one the user may not make.",
        ),
        ("404", "Something the call names does not exist."),
        ("408", "The request's body did not arrive in time."),
        ("409", "The current state forbids the call."),
        ("413", "The request's body is over the limit."),
        ("422", "The arguments break a rule: one message per field."),
        ("429", "Too many requests: try again later."),
        (
            "500",
            "A failure on the server's side: quote the request id.",
        ),
        ("503", "The server is busy or shutting down: try again."),
    ];
    if operation.guarded {
        statuses.push(("401", "The call needs a signed-in user."));
    }
    if !operation.read {
        statuses.push((
            "303",
            "A form posted without JavaScript: the page to show next.",
        ));
    }
    for (status, description) in statuses {
        let response = if status == "303" {
            json!({ "description": description })
        } else {
            failed(description)
        };
        responses.insert(status.into(), response);
    }
    Value::Object(responses)
}
