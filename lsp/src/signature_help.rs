//! `textDocument/signatureHelp`: the signature of the call around the cursor,
//! its parameters as offsets into the label (in the negotiated encoding), and
//! the parameter the cursor is at.

use crate::analysis::{MAIN, Typed};
use crate::completion::markdown;
use crate::documents::Snapshot;
use crate::positions::Encoding;
use ferry_compiler::query;
use tower_lsp_server::ls_types::{
    ParameterInformation, ParameterLabel, Position, SignatureHelp, SignatureInformation,
};

pub fn signature_help(
    snapshot: &Snapshot,
    typed: &Typed,
    position: Position,
    encoding: Encoding,
) -> Option<SignatureHelp> {
    let offset = snapshot.text.offset(position, encoding);
    let found = match typed {
        Typed::Current(analysis) => query::signature_at(analysis, MAIN, offset)?,
        Typed::Earlier(analysis) => {
            query::signature_in_edit(analysis, MAIN, snapshot.text.as_str(), offset)?
        }
    };
    let units = |byte: u32| encoding.len(&found.label[..byte as usize]) as u32;
    let parameters = found
        .params
        .iter()
        .map(|span| ParameterInformation {
            label: ParameterLabel::LabelOffsets([units(span.start), units(span.end)]),
            documentation: None,
        })
        .collect();
    let active = found.active.map(|a| a as u32);
    Some(SignatureHelp {
        signatures: vec![SignatureInformation {
            label: found.label.clone(),
            documentation: found.doc.as_deref().map(markdown),
            parameters: Some(parameters),
            active_parameter: active,
        }],
        active_signature: Some(0),
        active_parameter: active,
    })
}
