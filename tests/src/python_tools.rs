//! The Python tools some checks run (`openapi-spec-validator` and `schemathesis`), found
//! in the virtual environment `.ci/run` makes (`target/py-venv`, or `SUPPLYWATCH_PY_VENV`). In CI
//! a missing tool is a failure; elsewhere the check is skipped with a note.

use std::path::PathBuf;

/// The virtual environment's folder.
pub fn venv() -> PathBuf {
    std::env::var_os("SUPPLYWATCH_PY_VENV").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/py-venv"),
        PathBuf::from,
    )
}

/// The path of `program` in the environment's `bin/`, `None` (skip) when it is missing outside
/// CI, an error when it is missing in CI.
pub fn tool(program: &str) -> anyhow::Result<Option<PathBuf>> {
    let path = venv().join("bin").join(program);
    if path.exists() {
        return Ok(Some(path));
    }
    anyhow::ensure!(
        !crate::in_ci(),
        "{} is missing: .ci/run installs it into {}",
        program,
        venv().display()
    );
    eprintln!(
        "note: skipped: {program} not found in {} (python3 -m venv target/py-venv && target/py-venv/bin/pip install openapi-spec-validator schemathesis)",
        venv().display()
    );
    Ok(None)
}
