//! The protocol on a byte stream: `Content-Length` framing, and the loop that
//! hands each message to the server and writes what it sends back.
//!
//! A frame that cannot be read (a missing or non-numeric `Content-Length`, a
//! body that is not UTF-8 or not JSON) is answered with a `-32700` parse error
//! (`-32600` for JSON that is not a message), and reading goes on with the next
//! frame: one bad message from a client does not end the session. Handlers are
//! started in the order their messages arrive and run up to four at once, as
//! the protocol's own server does.

use crate::Service;
use bytes::{Buf, BytesMut};
use futures::channel::mpsc;
use futures::{FutureExt, SinkExt, StreamExt, future};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio_util::codec::{Decoder, FramedRead};
use tower::Service as _;
use tower_lsp_server::ClientSocket;
use tower_lsp_server::jsonrpc::{Error, Id, Request, Response};

/// How many handlers run at once.
const CONCURRENCY: usize = 4;
/// The most header bytes read while looking for the end of a frame's headers.
const MAX_HEADER: usize = 64 * 1024;
const CONTENT_LENGTH: &[u8] = b"Content-Length";

/// One frame read from the client.
#[derive(Debug)]
pub enum Frame {
    Request(Request),
    Response(Response),
    /// What could not be read, as the error to answer it with.
    Invalid(Error),
}

/// Splits a byte stream into frames; never fails, so the stream never ends on a
/// bad frame.
#[derive(Default)]
pub struct Codec {
    /// The body length of the frame whose headers have been read.
    body: Option<usize>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl Codec {
    /// Drops bytes up to the next frame's `Content-Length` (keeping a tail that
    /// may be the start of one).
    fn resync(src: &mut BytesMut) {
        let skip = find(src, CONTENT_LENGTH)
            .unwrap_or_else(|| src.len().saturating_sub(CONTENT_LENGTH.len() - 1));
        src.advance(skip);
    }

    fn content_length(headers: &[u8]) -> Result<usize, String> {
        let headers = std::str::from_utf8(headers).map_err(|_| "headers are not UTF-8")?;
        let mut length = None;
        for line in headers.split("\r\n").filter(|l| !l.is_empty()) {
            let Some((name, value)) = line.split_once(':') else {
                return Err(format!("malformed header line {line:?}"));
            };
            if name.trim().eq_ignore_ascii_case("content-length") {
                let value = value.trim();
                length = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| format!("Content-Length {value:?} is not a number"))?,
                );
            }
        }
        length.ok_or_else(|| "no Content-Length header".to_string())
    }

    fn message(body: &[u8]) -> Frame {
        let invalid = |message: String| {
            let mut error = Error::parse_error();
            error.message = message.into();
            Frame::Invalid(error)
        };
        let Ok(text) = std::str::from_utf8(body) else {
            return invalid("the message is not UTF-8".to_string());
        };
        let value: Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(e) => return invalid(format!("the message is not JSON: {e}")),
        };
        let parsed = if value.get("method").is_some() {
            serde_json::from_value(value).map(Frame::Request)
        } else {
            serde_json::from_value(value).map(Frame::Response)
        };
        parsed.unwrap_or_else(|e| {
            let mut error = Error::invalid_request();
            error.message = format!("not a JSON-RPC message: {e}").into();
            Frame::Invalid(error)
        })
    }
}

impl Decoder for Codec {
    type Item = Frame;
    type Error = std::io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> std::io::Result<Option<Frame>> {
        loop {
            if let Some(length) = self.body {
                if src.len() < length {
                    src.reserve(length - src.len());
                    return Ok(None);
                }
                self.body = None;
                let body = src.split_to(length);
                return Ok(Some(Codec::message(&body)));
            }
            let Some(end) = find(src, b"\r\n\r\n") else {
                if src.len() > MAX_HEADER {
                    src.advance(CONTENT_LENGTH.len().min(src.len()));
                    Codec::resync(src);
                    let mut error = Error::parse_error();
                    error.message = "a frame's headers do not end".into();
                    return Ok(Some(Frame::Invalid(error)));
                }
                return Ok(None);
            };
            let headers = src.split_to(end + 4);
            match Codec::content_length(&headers[..end]) {
                Ok(length) => self.body = Some(length),
                Err(message) => {
                    Codec::resync(src);
                    let mut error = Error::parse_error();
                    error.message = message.into();
                    return Ok(Some(Frame::Invalid(error)));
                }
            }
        }
    }
}

async fn write_frame<W: AsyncWrite + Unpin>(output: &mut W, body: &str) -> std::io::Result<()> {
    output
        .write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await?;
    output.write_all(body.as_bytes()).await?;
    output.flush().await
}

/// Serves `service` on `input` and `output` until the client says `exit` or
/// closes the input.
pub async fn serve<R, W>(input: R, mut output: W, mut service: Service, socket: ClientSocket)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let (server_requests, mut client_responses) = socket.split();
    let (server_requests, abort_requests) = futures::stream::abortable(server_requests);
    let (to_client, from_server) = mpsc::unbounded::<String>();
    let (mut tasks, task_queue) = mpsc::channel(64);

    let write = async {
        let outgoing = futures::stream::select(
            from_server,
            server_requests.map(|request| serde_json::to_string(&request).unwrap_or_default()),
        );
        futures::pin_mut!(outgoing);
        while let Some(body) = outgoing.next().await {
            if write_frame(&mut output, &body).await.is_err() {
                break;
            }
        }
    };

    let answer = |response: Response| {
        let _ = to_client.unbounded_send(serde_json::to_string(&response).unwrap_or_default());
    };

    let run_tasks =
        task_queue
            .buffer_unordered(CONCURRENCY)
            .for_each(|response: Option<Response>| {
                if let Some(response) = response {
                    answer(response);
                }
                future::ready(())
            });

    let read = async {
        let mut frames = FramedRead::new(input, Codec::default());
        while let Some(Ok(frame)) = frames.next().await {
            match frame {
                Frame::Request(request) => {
                    if future::poll_fn(|cx| service.poll_ready(cx)).await.is_err() {
                        break;
                    }
                    let exit = request.method() == "exit";
                    let call = service.call(request).map(|r| r.unwrap_or(None));
                    if tasks.send(call.boxed()).await.is_err() || exit {
                        break;
                    }
                }
                Frame::Response(response) => {
                    if client_responses.send(response).await.is_err() {
                        break;
                    }
                }
                Frame::Invalid(error) => answer(Response::from_error(Id::Null, error)),
            }
        }
        tasks.disconnect();
        abort_requests.abort();
    };

    let work = async {
        futures::join!(read, run_tasks);
        to_client.close_channel();
    };
    futures::join!(work, write);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<String> {
        let mut codec = Codec::default();
        let mut buffer = BytesMut::from(input);
        let mut out = Vec::new();
        while let Some(frame) = codec.decode(&mut buffer).unwrap() {
            out.push(match frame {
                Frame::Request(r) => format!("request {}", r.method()),
                Frame::Response(r) => format!("response {}", r.id()),
                Frame::Invalid(e) => format!("{} {}", e.code.code(), e.message),
            });
        }
        out
    }

    #[test]
    fn bad_frames_are_errors_and_the_next_frame_is_read() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "Content-Length: abc\r\n\r\n{{}}Content-Length: 5\r\n\r\n{{oops\
             Content-Length: 2\r\n\r\n[]\
             Content-Length: {}\r\n\r\n{good}\
             Content-Type: x\r\n\r\nContent-Length: {}\r\n\r\n{good}",
            good.len(),
            good.len()
        );
        assert_eq!(
            frames(input.as_bytes()),
            [
                "-32700 Content-Length \"abc\" is not a number",
                "-32700 the message is not JSON: key must be a string at line 1 column 2",
                "-32600 not a JSON-RPC message: invalid type: sequence, expected struct Response",
                "request initialized",
                "-32700 no Content-Length header",
                "request initialized",
            ]
        );
    }

    #[test]
    fn a_frame_split_anywhere_is_read_once_complete() {
        let body = r#"{"jsonrpc":"2.0","id":3,"result":null}"#;
        let input = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        for cut in 0..input.len() {
            let mut codec = Codec::default();
            let mut buffer = BytesMut::from(&input.as_bytes()[..cut]);
            assert!(codec.decode(&mut buffer).unwrap().is_none(), "cut at {cut}");
            buffer.extend_from_slice(&input.as_bytes()[cut..]);
            let frame = codec.decode(&mut buffer).unwrap();
            assert!(matches!(frame, Some(Frame::Response(_))), "cut at {cut}");
        }
    }
}
