//! Each generated client against the reqwest call a careful engineer would
//! write by hand, on 127.0.0.1: same reqwest, same body bytes (checked),
//! the same seed response decoded into a plain struct.
//!
//! Run it with `cargo xtask bench` (release build). It prints, per client:
//! the bytes of one call's future (what a caller allocates for each call it
//! spawns), median and p99 latency of sequential calls, throughput of 64 concurrent
//! tasks and CPU time per request, each as ours / hand-written, from runs
//! alternated in one process. The server runs in a child process, so the
//! CPU figures are the client's alone. Figures, never assertions.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use interlocutor::bird;
use interlocutor::twilio::{conversations_v1, conversations_v2};
use interlocutor_tests::{
    ACCESS_KEY, ACCOUNT_SID, AUTH_TOKEN, BIRD, BIRD_CONVERSATION as CONVERSATION,
    BIRD_WORKSPACE as WORKSPACE, CaptureServer, Endpoint, TWILIO_V1, TWILIO_V2,
    basic_authorization, builder,
};
use serde::Serialize;

mod plain;
mod server;

/// Sequential calls per side, after warming up.
const SEQUENTIAL: usize = 4_000;
/// Calls in a row on one side before switching to the other.
const BLOCK: usize = 100;
/// Concurrent tasks, and calls each makes, in one throughput run.
const TASKS: usize = 64;
const CALLS_PER_TASK: usize = 150;
/// Throughput runs per side. Each run measures both sides back to back
/// (which goes first alternates) and the report takes the median of the
/// per-run ratios, so a slow spell of the machine lands on both sides of
/// one ratio instead of on one side of the medians.
const RUNS: usize = 21;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["serve"] => return server::serve(),
        // `profile <v2|v1|bird> <ours|hand> <calls>`: one side in a loop,
        // for `perf record`.
        ["profile", client, side, calls] => return profile(client, side, calls, "1"),
        // `… <tasks>`: that many tasks at once, as the throughput runs do,
        // printing requests per second and CPU per request.
        ["profile", client, side, calls, tasks] => return profile(client, side, calls, tasks),
        _ => {}
    }
    let mut server = Server::start();
    let base_url = server.base_url.clone();
    // The server is another process: the CPU figures are the client's.
    println!(
        "interlocutor bench: each client / a hand-written reqwest call, 127.0.0.1, release build"
    );
    println!(
        "sequential: {SEQUENTIAL} calls per side in alternating blocks of {BLOCK}; \
         throughput: {TASKS} tasks x {CALLS_PER_TASK} calls, {RUNS} paired runs \
         (ratio: median of the per-run ratios)\n"
    );
    // Both of tokio's schedulers: a client's overhead shows differently
    // when its futures move between threads and when they never do.
    let runtimes = [
        (
            "multi-thread runtime",
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build(),
        ),
        (
            "current-thread runtime",
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build(),
        ),
    ];
    println!("{}\n", method_future_bytes());
    for (label, runtime) in runtimes {
        let runtime = runtime.expect("a tokio runtime");
        println!("{label}:");
        println!(
            "{:<26} {:>13} {:>21} {:>21} {:>23} {:>21}",
            "client",
            "future bytes",
            "median µs (ratio)",
            "p99 µs (ratio)",
            "req/s (ratio)",
            "CPU µs/req (ratio)"
        );
        runtime.block_on(async {
            for target in [Target::v2(), Target::v1(), Target::bird()] {
                target.check_same_bytes().await;
                let ours = (target.ours)(&base_url);
                let hand = (target.hand)(&base_url);
                println!("{}", measure(target.name, ours, hand).await);
            }
        });
        println!();
    }
    server.stop();
}

struct Report {
    name: &'static str,
    /// Bytes of one call's future, ours and hand-written: what a caller
    /// allocates for each call it spawns.
    future: (usize, usize),
    median: (f64, f64),
    p99: (f64, f64),
    /// Ours, hand-written, and the median of the per-run ratios.
    throughput: (f64, f64, f64),
    cpu: (f64, f64, f64),
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cell = |(ours, hand): (f64, f64), digits: usize| {
            format!("{ours:.digits$} / {hand:.digits$} ({:.3})", ours / hand)
        };
        let paired = |(ours, hand, ratio): (f64, f64, f64), digits: usize| {
            format!("{ours:.digits$} / {hand:.digits$} ({ratio:.3})")
        };
        write!(
            f,
            "{:<26} {:>13} {:>21} {:>21} {:>23} {:>21}",
            self.name,
            format!("{} / {}", self.future.0, self.future.1),
            cell(self.median, 1),
            cell(self.p99, 1),
            paired(self.throughput, 0),
            paired(self.cpu, 1),
        )
    }
}

async fn measure(name: &'static str, ours_side: Side, hand_side: Side) -> Report {
    // The boxed future of one call each, measured before it is polled.
    let future = (
        std::mem::size_of_val(&*ours_side()),
        std::mem::size_of_val(&*hand_side()),
    );
    // Warm up both sides: connections, allocator, caches.
    for _ in 0..500 {
        ours_side().await;
        hand_side().await;
    }
    let mut ours = Vec::with_capacity(SEQUENTIAL);
    let mut hand = Vec::with_capacity(SEQUENTIAL);
    for _ in 0..SEQUENTIAL / BLOCK {
        for (side, samples) in [(&ours_side, &mut ours), (&hand_side, &mut hand)] {
            for _ in 0..BLOCK {
                let started = Instant::now();
                side().await;
                samples.push(started.elapsed());
            }
        }
    }
    let mut throughput = (Vec::new(), Vec::new(), Vec::new());
    let mut cpu = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..RUNS {
        let (ours, hand) = if run % 2 == 0 {
            let ours = concurrent(Arc::clone(&ours_side), TASKS, CALLS_PER_TASK).await;
            (
                ours,
                concurrent(Arc::clone(&hand_side), TASKS, CALLS_PER_TASK).await,
            )
        } else {
            let hand = concurrent(Arc::clone(&hand_side), TASKS, CALLS_PER_TASK).await;
            (
                concurrent(Arc::clone(&ours_side), TASKS, CALLS_PER_TASK).await,
                hand,
            )
        };
        for (figures, ours, hand) in [
            (&mut throughput, ours.0, hand.0),
            (&mut cpu, ours.1, hand.1),
        ] {
            figures.0.push(ours);
            figures.1.push(hand);
            figures.2.push(ours / hand);
        }
    }
    Report {
        name,
        future,
        median: (
            micros(percentile(&mut ours, 0.5)),
            micros(percentile(&mut hand, 0.5)),
        ),
        p99: (
            micros(percentile(&mut ours, 0.99)),
            micros(percentile(&mut hand, 0.99)),
        ),
        throughput: (
            median(throughput.0),
            median(throughput.1),
            median(throughput.2),
        ),
        cpu: (median(cpu.0), median(cpu.1), median(cpu.2)),
    }
}

fn profile(client: &str, side: &str, calls: &str, tasks: &str) {
    let calls: usize = calls.parse().expect("a number of calls");
    let tasks: usize = tasks.parse().expect("a number of tasks");
    assert!(tasks > 0, "at least one task");
    let target = match client {
        "v2" => Target::v2(),
        "v1" => Target::v1(),
        "bird" => Target::bird(),
        other => panic!("no client {other}"),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut server = Server::start();
    let call = if side == "ours" {
        (target.ours)(&server.base_url)
    } else {
        (target.hand)(&server.base_url)
    };
    let per_task = calls / tasks;
    let (requests_per_second, cpu_per_request) =
        runtime.block_on(concurrent(call, tasks, per_task));
    eprintln!(
        "{} calls: {requests_per_second:.0} req/s, {cpu_per_request:.1} µs CPU per request",
        per_task * tasks
    );
    server.stop();
}

/// The bytes of one call's future, the generated method's alone (without
/// the client a spawned call clones): what each in-flight call holds.
fn method_future_bytes() -> String {
    let base_url = "http://127.0.0.1:9";
    let v2 = builder::<conversations_v2::Client>()
        .base_url(base_url)
        .build()
        .expect("a v2 client");
    let v2_patch = conversations_v2::types::ConversationPatch::new();
    let v1 = builder::<conversations_v1::Client>()
        .base_url(base_url)
        .build()
        .expect("a v1 client");
    let v1_update = conversations_v1::types::UpdateUserConversationRequest::new();
    let bird = builder::<bird::conversations::Client>()
        .base_url(base_url)
        .build()
        .expect("a Bird client");
    let bird_update = bird::conversations::types::ConversationUpdate::new();
    // Made, never polled: nothing is sent.
    format!(
        "one call's future, the generated method alone: twilio v2 {} bytes, twilio v1 {} bytes, bird {} bytes",
        std::mem::size_of_val(&v2.patch_conversation_by_id("conv_1", &v2_patch)),
        std::mem::size_of_val(&v1.update_user_conversation("US1", "CH1", &v1_update)),
        std::mem::size_of_val(&bird.update_conversation(WORKSPACE, CONVERSATION, &bird_update)),
    )
}

/// Requests per second of `tasks` tasks making `calls_per_task` calls
/// each at once, and the client process's CPU time per request.
async fn concurrent(call: Side, tasks: usize, calls_per_task: usize) -> (f64, f64) {
    let cpu_before = process_cpu();
    let started = Instant::now();
    let running: Vec<_> = (0..tasks)
        .map(|_| {
            let call = Arc::clone(&call);
            tokio::spawn(async move {
                for _ in 0..calls_per_task {
                    call().await;
                }
            })
        })
        .collect();
    for task in running {
        task.await.expect("a benchmark task");
    }
    let elapsed = started.elapsed();
    let cpu = process_cpu().saturating_sub(cpu_before);
    let requests = (tasks * calls_per_task) as f64;
    (
        requests / elapsed.as_secs_f64(),
        cpu.as_secs_f64() * 1e6 / requests,
    )
}

fn percentile(samples: &mut [Duration], at: f64) -> Duration {
    samples.sort_unstable();
    let index = ((samples.len() as f64 - 1.0) * at).round() as usize;
    samples[index]
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// CPU time of this process: the sum over its threads of
/// `/proc/self/task/*/schedstat` (Linux, nanoseconds; the tokio workers
/// live as long as the process).
fn process_cpu() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let nanos: u64 = tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|line| line.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}

/// The server process: the seed response of each API, keep-alive.
struct Server {
    child: Child,
    base_url: String,
}

impl Server {
    fn start() -> Self {
        let mut child = Command::new(std::env::current_exe().expect("this binary"))
            .arg("serve")
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server process starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("the server prints its address");
        Self {
            child,
            base_url: line.trim().to_owned(),
        }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The request bodies, as the hand-written calls build them.
#[derive(Serialize)]
struct HandV2Patch<'a> {
    name: &'a str,
    status: &'a str,
}

#[derive(Serialize)]
struct HandV1Update<'a> {
    #[serde(rename = "LastReadMessageIndex")]
    last_read_message_index: i64,
    #[serde(rename = "NotificationLevel")]
    notification_level: &'a str,
}

#[derive(Serialize)]
struct HandBirdUpdate<'a> {
    name: &'a str,
    visibility: &'a str,
}

/// A path parameter percent-encoded as one segment, as a careful
/// hand-written call would.
fn segment(value: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(value, SEGMENT).to_string()
}

/// reqwest from `interlocutor::http::client_builder()` (the clients'
/// timeouts, no redirects, ring as the crypto provider), as a user of
/// reqwest alone would set it up: only the calls are hand-written. (The
/// generated clients also skip proxies and root certificates for this
/// `http://` server, which a client built on every call would notice; the
/// bench builds each side's client once.)
fn hand_http() -> reqwest::Client {
    interlocutor::http::client_builder()
        .build()
        .expect("a reqwest client")
}

fn user_agent(api: &str) -> String {
    format!("interlocutor/{} ({api})", env!("CARGO_PKG_VERSION"))
}

type BoxFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// One side of a comparison: makes one call.
type Side = Arc<dyn Fn() -> BoxFuture + Send + Sync>;

/// Makes a [`Side`] for a base URL (the server, or the capture server of
/// the byte check).
type SideFactory = Box<dyn Fn(&str) -> Side>;

/// One client and its hand-written twin.
struct Target {
    name: &'static str,
    endpoint: Endpoint,
    ours: SideFactory,
    hand: SideFactory,
}

impl Target {
    /// Sends one call of each side to a capture server and checks that the
    /// requests are byte for byte the same.
    async fn check_same_bytes(&self) {
        let mut capture = CaptureServer::start(server::seed_reply(self.endpoint)).await;
        (self.ours)(capture.base_url())().await;
        (self.hand)(capture.base_url())().await;
        let (ours, hand) = (capture.request().await, capture.request().await);
        assert_eq!(
            String::from_utf8_lossy(&ours.raw),
            String::from_utf8_lossy(&hand.raw),
            "{}: the hand-written call must send the same bytes",
            self.name
        );
    }

    fn v2() -> Self {
        let ours: SideFactory = Box::new(|base_url: &str| {
            let client = builder::<conversations_v2::Client>()
                .base_url(base_url)
                .build()
                .expect("a v2 client");
            let patch = Arc::new(
                conversations_v2::types::ConversationPatch::new()
                    .name("Support Chat")
                    .status(conversations_v2::types::ConversationStatus::Inactive),
            );
            Arc::new(move || {
                let client = client.clone();
                let patch = Arc::clone(&patch);
                Box::pin(async move {
                    let conversation = client
                        .patch_conversation_by_id("conv_1", &*patch)
                        .await
                        .expect("the v2 call succeeds");
                    std::hint::black_box(conversation);
                }) as BoxFuture
            })
        });
        let hand: SideFactory = Box::new(|base_url: &str| {
            let http = hand_http();
            let base_url = base_url.to_owned();
            let authorization = basic_authorization(ACCOUNT_SID, AUTH_TOKEN);
            let agent = user_agent("interlocutor-twilio-conversations-v2");
            Arc::new(move || {
                let (http, base_url, authorization, agent) = (
                    http.clone(),
                    base_url.clone(),
                    authorization.clone(),
                    agent.clone(),
                );
                Box::pin(async move {
                    let url = format!("{base_url}/v2/Conversations/{}", segment("conv_1"));
                    let body = serde_json::to_vec(&HandV2Patch {
                        name: "Support Chat",
                        status: "INACTIVE",
                    })
                    .expect("serializes");
                    let response = http
                        .patch(url)
                        .header("accept", "application/json")
                        .header("content-type", "application/json")
                        .header("authorization", authorization)
                        .header("user-agent", agent)
                        .body(body)
                        .send()
                        .await
                        .expect("the hand-written v2 call succeeds");
                    let response = response.error_for_status().expect("a success status");
                    let bytes = response.bytes().await.expect("a body");
                    let conversation: plain::V2Conversation =
                        serde_json::from_slice(&bytes).expect("decodes");
                    std::hint::black_box(conversation);
                }) as BoxFuture
            })
        });
        Self {
            name: "twilio conversations v2",
            endpoint: TWILIO_V2,
            ours,
            hand,
        }
    }

    fn v1() -> Self {
        let ours: SideFactory = Box::new(|base_url: &str| {
            let client = builder::<conversations_v1::Client>()
                .base_url(base_url)
                .build()
                .expect("a v1 client");
            let update = Arc::new(
                conversations_v1::types::UpdateUserConversationRequest::new()
                    .notification_level(conversations_v1::types::NotificationLevel::Muted)
                    .last_read_message_index(42),
            );
            Arc::new(move || {
                let client = client.clone();
                let update = Arc::clone(&update);
                Box::pin(async move {
                    let read = client
                        .update_user_conversation("US1", "CH1", &*update)
                        .await
                        .expect("the v1 call succeeds");
                    std::hint::black_box(read);
                }) as BoxFuture
            })
        });
        let hand: SideFactory = Box::new(|base_url: &str| {
            let http = hand_http();
            let base_url = base_url.to_owned();
            let authorization = basic_authorization(ACCOUNT_SID, AUTH_TOKEN);
            let agent = user_agent("interlocutor-twilio-conversations-v1");
            Arc::new(move || {
                let (http, base_url, authorization, agent) = (
                    http.clone(),
                    base_url.clone(),
                    authorization.clone(),
                    agent.clone(),
                );
                Box::pin(async move {
                    let url = format!(
                        "{base_url}/v1/Users/{}/Conversations/{}",
                        segment("US1"),
                        segment("CH1")
                    );
                    let response = http
                        .post(url)
                        .header("accept", "application/json")
                        .form(&HandV1Update {
                            last_read_message_index: 42,
                            notification_level: "muted",
                        })
                        .header("authorization", authorization)
                        .header("user-agent", agent)
                        .send()
                        .await
                        .expect("the hand-written v1 call succeeds");
                    let response = response.error_for_status().expect("a success status");
                    let bytes = response.bytes().await.expect("a body");
                    let read: plain::V1UserConversation =
                        serde_json::from_slice(&bytes).expect("decodes");
                    std::hint::black_box(read);
                }) as BoxFuture
            })
        });
        Self {
            name: "twilio conversations v1",
            endpoint: TWILIO_V1,
            ours,
            hand,
        }
    }

    fn bird() -> Self {
        let ours: SideFactory = Box::new(|base_url: &str| {
            let client = builder::<bird::conversations::Client>()
                .base_url(base_url)
                .build()
                .expect("a Bird client");
            let update = Arc::new(
                bird::conversations::types::ConversationUpdate::new()
                    .name("new name")
                    .visibility(bird::conversations::types::ConversationVisibility::Private),
            );
            Arc::new(move || {
                let client = client.clone();
                let update = Arc::clone(&update);
                Box::pin(async move {
                    let conversation = client
                        .update_conversation(WORKSPACE, CONVERSATION, &*update)
                        .await
                        .expect("the Bird call succeeds");
                    std::hint::black_box(conversation);
                }) as BoxFuture
            })
        });
        let hand: SideFactory = Box::new(|base_url: &str| {
            let http = hand_http();
            let base_url = base_url.to_owned();
            let authorization = format!("AccessKey {ACCESS_KEY}");
            let agent = user_agent("interlocutor-bird-conversations");
            Arc::new(move || {
                let (http, base_url, authorization, agent) = (
                    http.clone(),
                    base_url.clone(),
                    authorization.clone(),
                    agent.clone(),
                );
                Box::pin(async move {
                    let url = format!(
                        "{base_url}/workspaces/{}/conversations/{}",
                        segment(WORKSPACE),
                        segment(CONVERSATION)
                    );
                    let body = serde_json::to_vec(&HandBirdUpdate {
                        name: "new name",
                        visibility: "private",
                    })
                    .expect("serializes");
                    let response = http
                        .patch(url)
                        .header("accept", "application/json")
                        .header("content-type", "application/json")
                        .header("authorization", authorization)
                        .header("user-agent", agent)
                        .body(body)
                        .send()
                        .await
                        .expect("the hand-written Bird call succeeds");
                    let response = response.error_for_status().expect("a success status");
                    let bytes = response.bytes().await.expect("a body");
                    let conversation: plain::BirdConversation =
                        serde_json::from_slice(&bytes).expect("decodes");
                    std::hint::black_box(conversation);
                }) as BoxFuture
            })
        });
        Self {
            name: "bird conversations",
            endpoint: BIRD,
            ours,
            hand,
        }
    }
}
