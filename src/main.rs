//! `ferry`: the command-line front end. Each subcommand lives in its own module;
//! this file only parses arguments and maps outcomes to exit codes.

mod adaptor;
mod build;
mod check;
mod discover;
mod format;
mod lsp;
mod output;
mod run;
mod serve;
mod test;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ferry",
    version,
    about = "Ferry: typed data-integration jobs, compiled to native code"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check jobs and adaptor files for errors, without running them.
    Check {
        /// The files to check, or folders: every `.ferry` file below them (not hidden folders or `target/`).
        #[arg(required = true, value_name = "PATH")]
        files: Vec<PathBuf>,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = output::Format::Human)]
        format: output::Format,
        /// When to colour terminal output (`auto` honours NO_COLOR and checks for a terminal).
        #[arg(long, value_enum, default_value_t = output::ColorChoice::Auto)]
        color: output::ColorChoice,
        /// A folder of adaptor files, searched before the job's adaptors/ folder and the built-in ones.
        #[arg(long = "adaptor-path", value_name = "DIR")]
        adaptor_paths: Vec<PathBuf>,
    },
    /// Compile a job in memory and run it once.
    Run {
        /// The job.
        job: PathBuf,
        #[command(flatten)]
        args: ferry_runtime::job_main::RunArgs,
        /// A folder of adaptor files, searched before the job's adaptors/ folder and the built-in ones.
        #[arg(long = "adaptor-path", value_name = "DIR")]
        adaptor_paths: Vec<PathBuf>,
    },
    /// Serve jobs' triggers (webhooks and schedules) over a durable inbox.
    Serve {
        /// The jobs, each with a `trigger`.
        #[arg(required = true)]
        jobs: Vec<PathBuf>,
        #[command(flatten)]
        args: ferry_runtime::serve_jobs::ServeArgs,
        /// A folder of adaptor files, searched before the job's adaptors/ folder and the built-in ones.
        #[arg(long = "adaptor-path", value_name = "DIR")]
        adaptor_paths: Vec<PathBuf>,
    },
    /// Compile a job into a standalone executable.
    Build {
        /// The job.
        job: PathBuf,
        /// The executable to write [default: the job's name, in the current folder].
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// A folder of adaptor files, searched before the job's adaptors/ folder and the built-in ones.
        #[arg(long = "adaptor-path", value_name = "DIR")]
        adaptor_paths: Vec<PathBuf>,
    },
    /// Show an adaptor's config, ops and types, or one op, with their documentation.
    Docs {
        /// The adaptor: `http`, `dhis2`, `commcare`, or one of your own.
        adaptor: String,
        /// One op of it.
        op: Option<String>,
        /// A folder of adaptor files, searched before ./adaptors/ (in the current folder) and the built-in ones.
        #[arg(long = "adaptor-path", value_name = "DIR")]
        adaptor_paths: Vec<PathBuf>,
    },
    /// Format files in place in the one canonical layout.
    Fmt {
        /// The files to format, or folders: every `.ferry` file below them (not hidden folders or `target/`); `-` reads standard input and writes standard output.
        #[arg(required = true, value_name = "PATH")]
        files: Vec<PathBuf>,
        /// Change nothing; exit with 1 when a file is not formatted.
        #[arg(long)]
        check: bool,
    },
    /// Run the `test` blocks of jobs, their ops mocked (docs/testing-jobs.md).
    Test {
        /// Job files, or folders to search for them [default: the current folder].
        paths: Vec<PathBuf>,
        /// Only the tests whose name contains this text.
        #[arg(long, value_name = "TEXT")]
        filter: Option<String>,
        /// How to print the results: lines for people, or JSON Lines for tools.
        #[arg(long, value_enum, default_value_t = output::Format::Human)]
        format: output::Format,
        /// Also write the results as a JUnit XML report, for CI systems.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Rewrite each `fixture` an `expect … == fixture(…)` compares with to the
        /// value it got (snapshot style), after a reviewed change.
        #[arg(long)]
        update: bool,
        /// A folder of adaptor files, searched before the job's adaptors/ folder and the built-in ones.
        #[arg(long = "adaptor-path", value_name = "DIR")]
        adaptor_paths: Vec<PathBuf>,
    },
    /// Start the language server on stdin/stdout.
    Lsp,
    /// Write adaptors: from an API description, or a type from sample data.
    Adaptor {
        #[command(subcommand)]
        command: AdaptorCommand,
    },
}

#[derive(Subcommand)]
enum AdaptorCommand {
    /// Write an adaptor file from an API description.
    Import {
        #[command(subcommand)]
        format: ImportFormat,
    },
    /// Print a Ferry type for sample JSON data: fields seen in every sample are required.
    Infer {
        /// The type's name, e.g. `Registration`.
        name: String,
        /// JSON files, each one sample (`-` reads standard input).
        #[arg(required = true)]
        samples: Vec<PathBuf>,
        /// Make a small closed set of strings (a status, say) a union of literals.
        #[arg(long)]
        enums: bool,
    },
}

#[derive(Subcommand)]
enum ImportFormat {
    /// From an OpenAPI 3.0/3.1 or Swagger 2.0 document, JSON or YAML.
    Openapi {
        /// The document (`-` reads standard input).
        spec: PathBuf,
        /// The adaptor's name [default: from the document's title].
        #[arg(long)]
        name: Option<String>,
        /// Where to write it (`-` for standard output) [default: adaptors/NAME.ferry].
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Exit codes shared by every subcommand: 0 fine, 1 the files have errors,
/// 2 a usage error or a file that cannot be read.
pub enum Outcome {
    Ok,
    Failed,
    Usage,
}

fn docs(adaptor: &str, op: Option<&str>, adaptor_paths: Vec<PathBuf>) -> Outcome {
    let search = ferry_compiler::adaptors::Search {
        paths: adaptor_paths,
        job_dir: Some(PathBuf::from(".")),
    };
    match ferry_compiler::docs::adaptor_docs(adaptor, op, &search) {
        Ok(text) => {
            print!("{text}");
            Outcome::Ok
        }
        Err(message) => {
            eprintln!("error: {message}");
            Outcome::Usage
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check {
            files,
            format,
            color,
            adaptor_paths,
        } => check::run(&files, &adaptor_paths, format, color),
        Command::Fmt { files, check } => format::run(&files, check),
        Command::Run {
            job,
            args,
            adaptor_paths,
        } => return ExitCode::from(run::run(&job, &adaptor_paths, &args) as u8),
        Command::Serve {
            jobs,
            args,
            adaptor_paths,
        } => return ExitCode::from(serve::serve(&jobs, &adaptor_paths, &args) as u8),
        Command::Build {
            job,
            output,
            adaptor_paths,
        } => {
            return ExitCode::from(build::build(&job, output.as_deref(), &adaptor_paths) as u8);
        }
        Command::Test {
            paths,
            filter,
            format,
            junit,
            update,
            adaptor_paths,
        } => {
            let options = test::Options {
                paths,
                adaptor_paths,
                filter,
                json: matches!(format, output::Format::Json),
                junit,
                update,
            };
            return ExitCode::from(test::run(&options) as u8);
        }
        Command::Lsp => lsp::run(),
        Command::Adaptor { command } => match command {
            AdaptorCommand::Import {
                format: ImportFormat::Openapi { spec, name, output },
            } => adaptor::import_openapi(&spec, name.as_deref(), output.as_deref()),
            AdaptorCommand::Infer {
                name,
                samples,
                enums,
            } => adaptor::infer(&name, &samples, enums),
        },
        Command::Docs {
            adaptor,
            op,
            adaptor_paths,
        } => docs(&adaptor, op.as_deref(), adaptor_paths),
    };
    match outcome {
        Outcome::Ok => ExitCode::SUCCESS,
        Outcome::Failed => ExitCode::from(1),
        Outcome::Usage => ExitCode::from(2),
    }
}
