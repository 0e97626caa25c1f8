//! The protocol's handlers. Each one is thin: find the snapshot, get what the
//! compiler says about it (`analysis`), and compute the answer in a feature module
//! on a blocking thread, where a panic becomes an error response for that request
//! and a log message, and the server goes on.

use crate::analysis::{Failure, NoAnalysis, Runner};
use crate::builtin::{self, ContentParams, ContentResult};
use crate::documents::{ChangeError, Documents, Snapshot};
use crate::positions::Encoding;
use crate::{
    Options, code_actions, code_lens, completion, definition, diagnostics, folding, formatting,
    hover, selection, signature_help, symbols,
};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// What the client said it supports, fixed at `initialize`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Session {
    pub encoding: Encoding,
    pub related_information: bool,
    pub snippets: bool,
    pub document_changes: bool,
    pub hierarchical_symbols: bool,
    pub debounce: Duration,
}

impl Session {
    fn new(params: &InitializeParams, options: &Options) -> Session {
        let caps = &params.capabilities;
        let text = caps.text_document.as_ref();
        let debounce = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("diagnosticsDelayMs"))
            .and_then(Value::as_u64)
            .map_or(options.debounce, Duration::from_millis);
        Session {
            encoding: Encoding::negotiate(
                caps.general
                    .as_ref()
                    .and_then(|g| g.position_encodings.as_deref()),
            ),
            related_information: text
                .and_then(|t| t.publish_diagnostics.as_ref())
                .and_then(|p| p.related_information)
                .unwrap_or(false),
            snippets: text
                .and_then(|t| t.completion.as_ref())
                .and_then(|c| c.completion_item.as_ref())
                .and_then(|i| i.snippet_support)
                .unwrap_or(false),
            document_changes: caps
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            hierarchical_symbols: text
                .and_then(|t| t.document_symbol.as_ref())
                .and_then(|s| s.hierarchical_document_symbol_support)
                .unwrap_or(false),
            debounce,
        }
    }
}

/// Everything the handlers and the background publishing tasks share.
pub struct State {
    pub client: Client,
    pub documents: Documents,
    pub runner: Runner,
    options: Options,
    session: OnceLock<Session>,
    /// The last version whose diagnostics were published, by document. Held while
    /// publishing, so that an older result never follows a newer one.
    pub published: tokio::sync::Mutex<HashMap<Uri, i32>>,
    /// Held while a document's diagnostics are worked out (see `diagnostics`).
    checks: std::sync::Mutex<HashMap<Uri, Arc<tokio::sync::Mutex<()>>>>,
}

impl State {
    /// The lock a document's checks for diagnostics take in turn.
    pub fn check_gate(&self, uri: &Uri) -> Arc<tokio::sync::Mutex<()>> {
        let mut checks = self
            .checks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        checks.entry(uri.clone()).or_default().clone()
    }

    /// A closed document needs no lock any more.
    fn forget_gate(&self, uri: &Uri) {
        self.checks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(uri);
    }

    pub fn session(&self) -> Session {
        self.session.get().copied().unwrap_or(Session {
            debounce: self.options.debounce,
            ..Session::default()
        })
    }

    /// Logs a failure for the user to report.
    pub async fn log_failure(&self, failure: &Failure) {
        self.client
            .log_message(MessageType::ERROR, failure.describe())
            .await;
    }
}

pub struct Backend {
    state: Arc<State>,
}

impl Backend {
    pub fn new(client: Client, options: Options) -> Backend {
        let runner = Runner {
            #[cfg(feature = "testing")]
            fault: options.fault,
        };
        Backend {
            state: Arc::new(State {
                client,
                documents: Documents::default(),
                runner,
                options,
                session: OnceLock::new(),
                published: tokio::sync::Mutex::default(),
                checks: std::sync::Mutex::default(),
            }),
        }
    }

    fn snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.state.documents.get(uri)
    }

    /// A failure's error response, after logging it.
    async fn fail<T>(&self, failure: Failure) -> Result<T> {
        self.state.log_failure(&failure).await;
        Err(failure.to_jsonrpc())
    }

    /// Runs a feature's computation on a blocking thread.
    async fn compute<T: Send + 'static>(
        &self,
        what: &'static str,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        match self.state.runner.run(what, work).await {
            Ok(value) => Ok(value),
            Err(failure) => self.fail(failure).await,
        }
    }

    /// The error response of a request whose snapshot has no analysis: a
    /// failure is logged; a version replaced while it was checked is answered
    /// `ContentModified`, for the client to ask again about the new text.
    async fn no_analysis<T>(&self, snapshot: &Snapshot, why: NoAnalysis) -> Result<T> {
        match why {
            NoAnalysis::Failed(failure) => self.fail(failure).await,
            NoAnalysis::Superseded => Err(Error {
                code: ErrorCode::ContentModified,
                message: format!(
                    "version {} of {} was replaced by a newer one before it was checked",
                    snapshot.version,
                    snapshot.uri.as_str()
                )
                .into(),
                data: None,
            }),
        }
    }

    /// What completion and signature help read: see `Snapshot::typed`.
    async fn typed(&self, snapshot: &Snapshot) -> Result<crate::analysis::Typed> {
        match snapshot.typed(&self.state.runner).await {
            Ok(typed) => Ok(typed),
            Err(why) => self.no_analysis(snapshot, why).await,
        }
    }

    /// The snapshot's parse and check, shared by every request on its version.
    async fn analysis(&self, snapshot: &Snapshot) -> Result<Arc<ferry_compiler::Analysis>> {
        match snapshot.analysis(&self.state.runner).await {
            Ok(analysis) => Ok(analysis),
            Err(why) => self.no_analysis(snapshot, why).await,
        }
    }

    fn publish_later(&self, uri: Uri, version: i32, delay: Duration) {
        tokio::spawn(diagnostics::publish(
            self.state.clone(),
            uri,
            version,
            delay,
        ));
    }

    /// `workspace/textDocumentContent` (LSP 3.18): the text of a built-in adaptor.
    pub async fn text_document_content(&self, params: ContentParams) -> Result<ContentResult> {
        match builtin::text(&params.uri) {
            Some(text) => Ok(ContentResult {
                text: text.to_string(),
            }),
            None => Err(Error::invalid_params(format!(
                "no built-in document {}",
                params.uri.as_str()
            ))),
        }
    }
}

fn capabilities(session: &Session) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(session.encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![code_lens::RUN_TEST.into()],
            ..ExecuteCommandOptions::default()
        }),
        selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into()]),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        signature_help_provider: Some(SignatureHelpOptions {
            trigger_characters: Some(vec!["(".into(), ",".into()]),
            retrigger_characters: None,
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let session = Session::new(&params, &self.state.options);
        let _ = self.state.session.set(session);
        Ok(InitializeResult {
            capabilities: capabilities(&session),
            server_info: Some(ServerInfo {
                name: "ferry".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.state
            .client
            .log_message(
                MessageType::INFO,
                format!("ferry lsp {} ready", env!("CARGO_PKG_VERSION")),
            )
            .await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let snapshot = self.state.documents.open(doc.uri, doc.version, doc.text);
        self.publish_later(snapshot.uri.clone(), snapshot.version, Duration::ZERO);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let doc = params.text_document;
        let session = self.state.session();
        let changed = self.state.documents.change(
            &doc.uri,
            doc.version,
            params.content_changes,
            session.encoding,
        );
        match changed {
            Ok(snapshot) => {
                self.publish_later(snapshot.uri.clone(), snapshot.version, session.debounce)
            }
            Err(ChangeError::Failed(message)) => {
                let message = format!(
                    "internal error in didChange: {message}; reopen {} to resynchronize it",
                    doc.uri.as_str()
                );
                self.state
                    .client
                    .log_message(MessageType::ERROR, message)
                    .await;
            }
            Err(ChangeError::NotOpen) => {
                let message = format!(
                    "didChange for a document that is not open: {}",
                    doc.uri.as_str()
                );
                self.state
                    .client
                    .log_message(MessageType::WARNING, message)
                    .await;
            }
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        if let Some(version) = self.state.documents.version(&uri) {
            self.publish_later(uri, version, Duration::ZERO);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if self.state.documents.close(&uri) {
            self.state.forget_gate(&uri);
            diagnostics::clear(&self.state, uri).await;
        }
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let encoding = self.state.session().encoding;
        let formatted = self
            .compute("formatting", move || {
                formatting::format(&snapshot, encoding)
            })
            .await?;
        if formatted.is_none() {
            let message = format!(
                "not formatting {}: it has syntax errors",
                params.text_document.uri.as_str()
            );
            self.state
                .client
                .log_message(MessageType::INFO, message)
                .await;
        }
        Ok(formatted)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let analysis = self.analysis(&snapshot).await?;
        let session = self.state.session();
        self.compute("documentSymbol", move || {
            let file = &analysis.files[0].ast;
            let symbols = symbols::document_symbols(&snapshot, file, session.encoding);
            Some(if session.hierarchical_symbols {
                DocumentSymbolResponse::Nested(symbols)
            } else {
                DocumentSymbolResponse::Flat(symbols::flatten(&snapshot.uri, symbols))
            })
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let analysis = self.analysis(&snapshot).await?;
        let session = self.state.session();
        self.compute("codeAction", move || {
            let actions = code_actions::quick_fixes(&snapshot, &analysis, &params, &session);
            (!actions.is_empty()).then_some(actions)
        })
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let analysis = self.analysis(&snapshot).await?;
        self.compute("foldingRange", move || {
            Some(folding::folding_ranges(
                &snapshot,
                &analysis.files[0].ast,
                &analysis.comments,
            ))
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let analysis = self.analysis(&snapshot).await?;
        let encoding = self.state.session().encoding;
        self.compute("codeLens", move || {
            Some(code_lens::lenses(
                &snapshot,
                &analysis.files[0].ast,
                encoding,
            ))
        })
        .await
    }

    /// `ferry.runTest PATH NAME`: runs the test, shows its summary line and logs
    /// its output.
    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        if params.command != code_lens::RUN_TEST {
            return Err(Error::invalid_params(format!(
                "no command {}: this server has {}",
                params.command,
                code_lens::RUN_TEST
            )));
        }
        let (path, name) =
            code_lens::arguments(&params.arguments).map_err(Error::invalid_params)?;
        let ferry = match &self.state.options.ferry {
            Some(ferry) => ferry.clone(),
            None => std::env::current_exe().unwrap_or_else(|_| "ferry".into()),
        };
        let outcome = self
            .compute("runTest", move || code_lens::run_test(&ferry, &path, &name))
            .await?;
        let client = &self.state.client;
        client.log_message(MessageType::INFO, outcome.log).await;
        let (kind, message) = outcome.message;
        client.show_message(kind, message).await;
        Ok(Some(outcome.answer))
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let analysis = self.analysis(&snapshot).await?;
        let encoding = self.state.session().encoding;
        self.compute("selectionRange", move || {
            Some(selection::selection_ranges(
                &snapshot,
                &analysis.files[0].ast,
                &params.positions,
                encoding,
            ))
        })
        .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let position = params.text_document_position;
        let Some(snapshot) = self.snapshot(&position.text_document.uri) else {
            return Ok(None);
        };
        let typed = self.typed(&snapshot).await?;
        let session = self.state.session();
        self.compute("completion", move || {
            let items = completion::complete(&snapshot, &typed, position.position, &session);
            Some(CompletionResponse::Array(items))
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let Some(snapshot) = self.snapshot(&position.text_document.uri) else {
            return Ok(None);
        };
        let analysis = self.analysis(&snapshot).await?;
        let encoding = self.state.session().encoding;
        self.compute("hover", move || {
            hover::hover(&snapshot, &analysis, position.position, encoding)
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let position = params.text_document_position_params;
        let Some(snapshot) = self.snapshot(&position.text_document.uri) else {
            return Ok(None);
        };
        let analysis = self.analysis(&snapshot).await?;
        let encoding = self.state.session().encoding;
        self.compute("definition", move || {
            definition::definition(&snapshot, &analysis, position.position, encoding)
                .map(GotoDefinitionResponse::Scalar)
        })
        .await
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let position = params.text_document_position_params;
        let Some(snapshot) = self.snapshot(&position.text_document.uri) else {
            return Ok(None);
        };
        let typed = self.typed(&snapshot).await?;
        let encoding = self.state.session().encoding;
        self.compute("signatureHelp", move || {
            signature_help::signature_help(&snapshot, &typed, position.position, encoding)
        })
        .await
    }
}
