//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::PathBuf;

/// The repository root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A bundled scenario by file name.
pub fn scenario(name: &str) -> PathBuf {
    root().join("scenarios").join(name)
}

/// The `bcdr` binary under test.
pub fn bcdr() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("bcdr").expect("the bcdr binary is built")
}
