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

/// Running scenarios given as text through the library.
pub mod engine {
    use bcdr::model::Model;
    use bcdr::sim::{self, Mode, SimPlan};
    use bcdr::stats::{Accumulator, Summary};

    pub struct Run {
        pub model: Model,
        pub acc: Accumulator,
        pub summary: Summary,
    }

    /// Seed of every closed-form test (any seed must pass).
    pub const SEED: u64 = 20261121;

    fn go(text: &str, mode: impl Fn(&Model) -> Mode, trials: u64) -> Run {
        let model = bcdr::scenario::parse_str(text)
            .unwrap_or_else(|e| panic!("test scenario invalid: {e}"));
        let plan = SimPlan::compile(&model);
        let acc = sim::simulate(&plan, mode(&model), SEED, 0..trials, None, None)
            .expect("simulation runs");
        let summary = Summary::build(&model, SEED, &acc);
        Run {
            model,
            acc,
            summary,
        }
    }

    /// The annual run of a scenario.
    pub fn annual(text: &str, trials: u64) -> Run {
        go(text, |_| Mode::Annual, trials)
    }

    /// A drill of one threat.
    pub fn drill(text: &str, threat: &str, trials: u64) -> Run {
        go(
            text,
            |m| {
                Mode::Drill(
                    m.threat_id(threat)
                        .unwrap_or_else(|| panic!("no threat {threat}"))
                        .0,
                )
            },
            trials,
        )
    }
}
