//! The Ferry language server: `ferry lsp` over the compiler's front end and checker.
//!
//! One module a job: `server` (the protocol's handlers), `documents` (texts and
//! versions), `positions` (offsets <-> LSP positions), `locations` (compiler
//! spans as LSP locations), `analysis` (compiler work, off the executor,
//! panic-safe), `diagnostics` (conversion and debounced publishing),
//! `code_actions`, `code_lens` ("run test" above each `test`), `formatting`, `symbols`, `folding`, `selection`, `transport` (framing on stdio), and the typed
//! features over the compiler's queries (`ferry_compiler::query`): `completion`,
//! `hover`, `definition`, `signature_help`; `builtin` (the `ferry-builtin:`
//! documents) and `protocol` (what `ls-types` cannot express).

mod analysis;
mod builtin;
mod code_actions;
mod code_lens;
mod completion;
mod definition;
mod diagnostics;
mod documents;
mod folding;
mod formatting;
mod hover;
mod locations;
mod positions;
mod protocol;
mod selection;
mod server;
mod signature_help;
mod symbols;
mod transport;

#[cfg(feature = "testing")]
pub mod testing;

pub use analysis::FaultHook;
pub use positions::Encoding;

use std::time::Duration;
use tower_lsp_server::{ClientSocket, LspService};

/// How long diagnostics wait after the last change before they are worked out
/// and published, unless the client sets `diagnosticsDelayMs`.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(150);

#[derive(Clone)]
pub struct Options {
    /// The delay between the last `didChange` and publishing diagnostics. Opening
    /// and saving a document publish at once.
    pub debounce: Duration,
    /// The `ferry` binary a "run test" lens runs; `None`: this process' own
    /// (`ferry lsp` is part of it).
    pub ferry: Option<std::path::PathBuf>,
    /// Test builds: a hook run at the start of every piece of compiler work, with
    /// its name (`"parse"`, `"check"`, `"formatting"`, ...), to make it panic.
    #[cfg(feature = "testing")]
    pub fault: Option<FaultHook>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            debounce: DEFAULT_DEBOUNCE,
            ferry: None,
            #[cfg(feature = "testing")]
            fault: None,
        }
    }
}

/// The server as a `tower::Service` of JSON-RPC messages, and the channel of the
/// messages it sends to the client.
pub type Service = protocol::Extensions<LspService<server::Backend>>;

pub fn service(options: Options) -> (Service, ClientSocket) {
    let (service, socket) = LspService::build(|client| server::Backend::new(client, options))
        .custom_method(
            protocol::TEXT_DOCUMENT_CONTENT,
            server::Backend::text_document_content,
        )
        .finish();
    (protocol::Extensions::new(service), socket)
}

/// Serves the protocol on a byte stream until the client says `exit` or closes
/// the input; a frame that cannot be read is answered with an error and
/// skipped.
pub async fn serve(
    input: impl tokio::io::AsyncRead + Unpin,
    output: impl tokio::io::AsyncWrite + Unpin,
    options: Options,
) {
    let (service, socket) = service(options);
    transport::serve(input, output, service, socket).await;
}

/// Serves the protocol on standard input and output until the client says `exit`
/// or closes the input.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ferry-lsp")
        .build()?;
    runtime.block_on(serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        Options::default(),
    ));
    // Blocking work still running (a long check of a closed document) must not
    // keep the process alive.
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(())
}
