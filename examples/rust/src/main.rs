//! A tiny HTTP server with the standard library only: GET / answers
//! "Hello Docker". PORT sets the port (default 8080).

use std::io::{Read, Write};
use std::net::TcpListener;

fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".into());
    let listener = TcpListener::bind(format!("0.0.0.0:{port}"))?;
    eprintln!("listening on :{port}");
    for stream in listener.incoming() {
        let mut stream = stream?;
        let mut request = [0u8; 1024];
        let _ = stream.read(&mut request)?;
        let body = "Hello Docker\n";
        write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )?;
    }
    Ok(())
}
