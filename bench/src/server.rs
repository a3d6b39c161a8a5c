//! The bench's keep-alive server (a child process), built on the tests'
//! HTTP/1.1 server: it answers each API's path with that API's seed
//! response.

use std::sync::Arc;

use interlocutor_tests::{BIRD, Connection, Endpoint, Reply, TWILIO_V1, TWILIO_V2};
use tokio::net::TcpListener;

/// The seed 200 response of an API.
pub fn seed_reply(endpoint: Endpoint) -> Reply {
    Reply::json(200, &endpoint.example("200"))
}

/// Runs the keep-alive server until killed; prints its base URL first.
pub fn serve() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        println!("http://{}", listener.local_addr().expect("an address"));
        // Each API by the first segment of its path.
        let replies = Arc::new([
            ("/v2/", seed_reply(TWILIO_V2).keep_alive()),
            ("/v1/", seed_reply(TWILIO_V1).keep_alive()),
            ("/workspaces/", seed_reply(BIRD).keep_alive()),
        ]);
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let replies = Arc::clone(&replies);
            tokio::spawn(async move {
                let mut connection = Connection::new(stream);
                while let Some(request) = connection.next_request().await {
                    let Some((_, reply)) = replies
                        .iter()
                        .find(|(prefix, _)| request.target.starts_with(prefix))
                    else {
                        break;
                    };
                    if connection.reply(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
}
