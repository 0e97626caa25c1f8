//! `ferry lsp`'s framing: a bad frame is answered with an error and the server
//! goes on reading.

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn frame(body: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

/// Reads frames from the server until one with `id` arrives; the frames read.
async fn read_until(output: &mut tokio::io::DuplexStream, id: i64) -> Vec<Value> {
    let mut buffer = Vec::new();
    let mut messages = Vec::new();
    loop {
        let mut chunk = [0u8; 4096];
        let n = output.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the server closed its output; read {messages:?}");
        buffer.extend_from_slice(&chunk[..n]);
        while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let headers = std::str::from_utf8(&buffer[..end]).unwrap();
            let length: usize = headers
                .trim_start_matches("Content-Length: ")
                .parse()
                .unwrap();
            if buffer.len() < end + 4 + length {
                break;
            }
            let body: Value = serde_json::from_slice(&buffer[end + 4..end + 4 + length]).unwrap();
            buffer.drain(..end + 4 + length);
            let done = body["id"] == id;
            messages.push(body);
            if done {
                return messages;
            }
        }
    }
}

#[tokio::test]
async fn malformed_frames_are_answered_with_parse_errors_and_reading_goes_on() {
    let (mut client, server_side) = tokio::io::duplex(1 << 16);
    let (input, output) = tokio::io::split(server_side);
    let server = tokio::spawn(ferry_lsp::serve(
        input,
        output,
        ferry_lsp::Options::default(),
    ));
    let initialize = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } });
    let mut sent = String::new();
    sent.push_str("Content-Length: abc\r\n\r\n{}");
    sent.push_str(&frame("{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\""));
    sent.push_str(&frame(&initialize.to_string()));
    client.write_all(sent.as_bytes()).await.unwrap();
    let messages = read_until(&mut client, 1).await;
    let errors: Vec<(i64, &str)> = messages
        .iter()
        .filter(|m| m["id"].is_null())
        .map(|m| {
            (
                m["error"]["code"].as_i64().unwrap(),
                m["error"]["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (-32700, "Content-Length \"abc\" is not a number"),
            (
                -32700,
                "the message is not JSON: EOF while parsing an object at line 1 column 36"
            ),
        ]
    );
    let answer = messages.last().unwrap();
    assert!(answer["result"]["capabilities"].is_object(), "{answer}");

    // Still reading: shutdown and exit end the session.
    let shutdown = json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" });
    client
        .write_all(frame(&shutdown.to_string()).as_bytes())
        .await
        .unwrap();
    let messages = read_until(&mut client, 2).await;
    assert_eq!(messages.last().unwrap()["result"], Value::Null);
    let exit = json!({ "jsonrpc": "2.0", "method": "exit" });
    client
        .write_all(frame(&exit.to_string()).as_bytes())
        .await
        .unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .expect("the server ends after exit")
        .unwrap();
}
