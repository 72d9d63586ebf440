//! The OpenAPI document as a checked contract: it validates as OpenAPI 3.1
//! (`openapi-spec-validator`), and schemathesis, driving every operation from it with a maker's
//! and a ministry token, finds no server error and no answer outside the document.

use std::process::Command;

use supplywatch_tests::{TestApp, backends, python_tools};

#[tokio::test]
async fn the_openapi_document_is_valid_openapi_3_1() -> anyhow::Result<()> {
    let Some(python) = python_tools::tool("python")? else {
        return Ok(());
    };
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let document = app
            .client
            .get(app.url("/api/openapi.json"))
            .send()
            .await?
            .text()
            .await?;
        let file = tempfile::NamedTempFile::new()?;
        std::fs::write(file.path(), &document)?;
        let output = Command::new(&python)
            .args([
                "-c",
                "import json,sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1])))",
            ])
            .arg(file.path())
            .output()?;
        assert!(
            output.status.success(),
            "{}: {}",
            backend.name(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_and_no_schema_violation() -> anyhow::Result<()> {
    let Some(schemathesis) = python_tools::tool("schemathesis")? else {
        return Ok(());
    };
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        for email in ["maker@demo.example", "ministry@demo.example"] {
            let token = app.token(email).await?;
            let schema = app.url("/api/openapi.json");
            let program = schemathesis.clone();
            let output = tokio::task::spawn_blocking(move || {
                Command::new(program)
                    .args(["run", &schema, "--header"])
                    .arg(format!("Authorization: Bearer {token}"))
                    .args([
                        "--checks",
                        "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
                        "--max-examples",
                        "10",
                        "--seed",
                        "11",
                        "--phases",
                        "examples,fuzzing",
                        "--no-color",
                    ])
                    .output()
            })
            .await??;
            let report = String::from_utf8_lossy(&output.stdout);
            // The failures, each with a curl line that reproduces it, come before the warnings.
            let failures = report
                .split_once("FAILURES")
                .map_or(report.as_ref(), |(_, rest)| rest);
            let failures = failures.split_once("WARNINGS").map_or(failures, |(f, _)| f);
            assert!(
                output.status.success(),
                "{email} on {}: {failures}",
                backend.name(),
            );
        }
    }
    Ok(())
}
