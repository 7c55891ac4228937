//! The `bcdr` binary: parse the command line, call the library, print the
//! error chain, set the exit code.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match dispatch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // A closed pipe (`bcdr ... | head`) is not an error worth a message.
            if let Some(io) = err.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
            }
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

fn dispatch(args: cli::Cli) -> anyhow::Result<()> {
    use cli::Command;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.command {
        Command::Validate { scenario } => {
            bcdr::app::validate(&scenario, &mut out)?;
        }
        Command::Graph { scenario, out: dir } => {
            bcdr::app::graph(&scenario, dir.as_deref(), &mut out)?
        }
        Command::Run(run) => {
            let progress = !run.sim.quiet && std::io::stderr().is_terminal();
            bcdr::app::run(&run.scenario, &sim_options(&run.sim), progress, &mut out)?
        }
        Command::Generate {
            services,
            seed,
            out: path,
        } => bcdr::app::generate(services, seed, &path, &mut out)?,
    }
    Ok(())
}

fn sim_options(sim: &cli::SimArgs) -> bcdr::app::SimOptions {
    bcdr::app::SimOptions {
        trials: sim.trials,
        seed: sim.seed,
        threads: sim.threads,
        out: sim.out.clone(),
        quiet: sim.quiet,
    }
}
