//! Kafka at the edge (feature `kafka`): `synoptic consume` ingests article records from a topic, `synoptic
//! produce` publishes inputs to one, and [`KafkaPublisher`] lets `watch` and `serve` publish instead of
//! ingesting. No rdkafka type leaves this module.
//!
//! Position: the next offset of every partition is stored in the store (state `kafka/<topic>/<partition>`,
//! decimal) in the same transaction as the batch of articles it covers
//! ([`Ingester::ingest_with_state`]). On start `consume` assigns itself every partition of the topic at its
//! stored offset (the beginning when none is stored): one writer owns the clustering state, so it reads the
//! whole topic. A crash anywhere therefore loses nothing and counts nothing twice; a record delivered again
//! (a reset, `--from-beginning`, a producer retry or a duplicate) adds nothing, because articles have
//! content ids. The consumer group (`--group`) also gets the position committed to the broker after each
//! batch, for lag monitoring only; the store's position is the one that counts.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::{ClientContext, Message, Offset, TopicPartitionList};
use synoptic_extract::{Input, ReadOptions};
use synoptic_ingest::{IngestOptions, IngestReport, Ingester, Publisher};
use synoptic_model::Article;
use synoptic_store::Db;

use crate::cli::{ConsumeArgs, ProduceArgs};
use crate::reading::read_inputs;
use crate::ui::{self, Ui};

/// State key prefix of stored positions: `kafka/<topic>/<partition>` holds the next offset to read.
pub const POSITION_PREFIX: &str = "kafka/";

/// How long to wait for the broker (metadata, watermarks, flushing).
const BROKER_TIMEOUT: Duration = Duration::from_secs(30);

/// One poll's wait; also how quickly a stop request or the end of the topic is noticed.
const POLL: Duration = Duration::from_millis(200);

fn position_key(topic: &str, partition: i32) -> String {
    format!("{POSITION_PREFIX}{topic}/{partition}")
}

/// The stored next offset of `topic`/`partition`, if any.
pub fn stored_position(db: &Db, topic: &str, partition: i32) -> anyhow::Result<Option<i64>> {
    let Some(bytes) = db.state(&position_key(topic, partition))? else { return Ok(None) };
    let text = String::from_utf8_lossy(&bytes);
    let offset =
        text.trim().parse().with_context(|| format!("stored position of {topic}/{partition} is not a number"))?;
    Ok(Some(offset))
}

/// `HOST:PORT[,HOST:PORT...]`, checked enough to give a usage error instead of a client time-out.
fn check_brokers(brokers: &str) -> anyhow::Result<()> {
    for b in brokers.split(',') {
        let ok = b.rsplit_once(':').is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
        anyhow::ensure!(ok, "--brokers {brokers}: expected HOST:PORT[,HOST:PORT...]");
    }
    Ok(())
}

fn client_config(brokers: &str) -> ClientConfig {
    let mut cfg = ClientConfig::new();
    cfg.set("bootstrap.servers", brokers).set("client.id", "synoptic").set("log_level", "3");
    cfg
}

/// `synoptic consume`: see the module documentation.
pub fn consume(args: &ConsumeArgs, store_dir: &Path, ui: Ui) -> anyhow::Result<u8> {
    check_brokers(&args.brokers)?;
    let started = Instant::now();
    // The writer's store handle: consume writes the clustering state exactly as `ingest` does, so it takes
    // the same writer lease first (a second `consume` or `ingest` waits as a standby).
    let mut store = crate::open_store(store_dir)?;
    store
        .acquire_writer(None, &mut || {
            ui.note(format_args!(
                "another process is writing to {}; waiting to take over",
                synoptic_store::display_location(store_dir)
            ))
        })
        .with_context(|| format!("taking the writer lease of {}", synoptic_store::display_location(store_dir)))?;
    let opts = IngestOptions { batch_size: args.batch_size.max(1), threads: args.threads, ..IngestOptions::default() };
    let mut ingester =
        Ingester::open(&mut store, opts).with_context(|| format!("restoring the index in {}", store_dir.display()))?;
    for w in &ingester.warnings {
        ui.problem(w);
    }
    let consumer: BaseConsumer = client_config(&args.brokers)
        .set("group.id", &args.group)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .create()
        .context("creating the Kafka consumer")?;
    let stop = Arc::new(AtomicBool::new(false));
    crate::serve::stop_on_signal(stop.clone());

    let topic = args.topic.as_str();
    let partitions = wait_for_partitions(&consumer, topic, &stop, ui)?;
    let mut position: BTreeMap<i32, i64> = BTreeMap::new();
    let mut end: BTreeMap<i32, i64> = BTreeMap::new();
    let mut assignment = TopicPartitionList::new();
    for &p in &partitions {
        let (low, high) = consumer
            .fetch_watermarks(topic, p, BROKER_TIMEOUT)
            .with_context(|| format!("reading the offsets of {topic}/{p} from {}", args.brokers))?;
        let stored = if args.from_beginning { None } else { stored_position(&store, topic, p)? };
        let at = stored.unwrap_or(low).max(low);
        position.insert(p, at);
        end.insert(p, high);
        assignment.add_partition_offset(topic, p, Offset::Offset(at)).context("assigning partitions")?;
    }
    consumer.assign(&assignment).context("assigning partitions")?;
    ui.note(format_args!(
        "consuming {topic} ({} partition{}) from {}{}",
        partitions.len(),
        if partitions.len() == 1 { "" } else { "s" },
        args.brokers,
        if args.to_end { "; stopping at its current end" } else { "; ctrl-c stops" }
    ));

    let read_opts = ReadOptions { max_bytes: usize::try_from(args.max_bytes).unwrap_or(usize::MAX) };
    let mut report = IngestReport::default();
    let mut records = 0usize;
    let mut problems = 0usize;
    let mut dirty = false;
    let at_end =
        |position: &BTreeMap<i32, i64>| end.iter().all(|(p, high)| position.get(p).is_some_and(|at| at >= high));
    loop {
        if stop.load(Ordering::SeqCst)
            || (args.to_end && at_end(&position))
            || args.max_records.is_some_and(|max| records >= max)
        {
            break;
        }
        // Gather up to one batch of records. Following the topic, an idle poll ends the batch early; reading
        // to its end, a batch ends only when full or at the end, so batches (and the order articles are
        // placed in) do not depend on timing.
        let want = args.max_records.map_or(args.batch_size, |max| max.saturating_sub(records).min(args.batch_size));
        let mut payloads: Vec<(String, Vec<u8>)> = Vec::new();
        let mut next = position.clone();
        while payloads.len() < want.max(1) && !stop.load(Ordering::SeqCst) {
            if args.to_end && at_end(&next) {
                break;
            }
            match consumer.poll(POLL) {
                None if args.to_end => continue,
                None => break,
                Some(Err(e)) => {
                    ui.problem(format_args!("{topic}: {e} (retrying)"));
                    break;
                }
                Some(Ok(m)) => {
                    let (p, offset) = (m.partition(), m.offset());
                    // A record before the position (a late seek) is skipped; content ids would absorb it anyway.
                    if next.get(&p).is_some_and(|&at| offset < at) {
                        continue;
                    }
                    next.insert(p, offset + 1);
                    let name = format!("kafka:{topic}/{p}/{offset}");
                    payloads.push((name, m.payload().unwrap_or_default().to_vec()));
                }
            }
        }
        if payloads.is_empty() {
            // Idle: bring the synopses up to date while waiting.
            if dirty && !args.no_synopses {
                ingester.refresh(&mut store, &mut report).context("building synopses")?;
                dirty = false;
            }
            continue;
        }
        records += payloads.len();
        let t = Instant::now();
        let (outcomes, busy) = synoptic_ingest::par::map_timed(&payloads, args.threads, |(name, bytes)| {
            synoptic_extract::read(&Input { source: name, bytes, content_type: None, url: None }, &read_opts)
        });
        report.timings.extract += busy;
        report.timings.read += t.elapsed().saturating_sub(busy.min(t.elapsed()));
        let mut articles: Vec<Article> = Vec::new();
        for outcome in outcomes {
            for p in &outcome.problems {
                ui.problem(p);
                problems += 1;
            }
            articles.extend(outcome.articles);
        }
        let state: Vec<(String, Vec<u8>)> =
            next.iter().map(|(&p, &at)| (position_key(topic, p), at.to_string().into_bytes())).collect();
        let before = report.ingested;
        let batch = ingester
            .ingest_with_state(&mut store, articles, state, &mut |done| {
                if args.progress_lines {
                    let _ = writeln!(std::io::stderr().lock(), "ingested {}", before + done.committed);
                }
            })
            .with_context(|| format!("ingest into {}", store_dir.display()))?;
        dirty |= batch.ingested > 0;
        report.merge(batch);
        if args.progress_lines {
            let _ = writeln!(std::io::stderr().lock(), "consumed {records}");
        }
        position = next;
        // The broker hears of the position too (monitoring only; the stored position is authoritative).
        let mut committed = TopicPartitionList::new();
        for (&p, &at) in &position {
            let _ = committed.add_partition_offset(topic, p, Offset::Offset(at));
        }
        let _ = consumer.commit(&committed, CommitMode::Async);
    }
    if !args.no_synopses {
        ingester.refresh(&mut store, &mut report).context("building synopses")?;
    }
    ingester.finish(&mut store).with_context(|| format!("saving the index in {}", store_dir.display()))?;

    let mut out = ui::stdout();
    writeln!(
        out,
        "consumed {records} records: {} new articles ({} already stored), {} new events; {} articles in the store",
        report.ingested,
        report.duplicates,
        report.new_events,
        store.article_count()?,
    )?;
    if args.stats {
        let wall = crate::ingest::Wall {
            placed: started.elapsed(),
            total: started.elapsed(),
            synopses: report.events_touched,
        };
        crate::ingest::write_stats(&mut out, &report.timings, report.ingested, Some(wall))?;
    }
    out.flush()?;
    Ok(u8::from(problems > 0))
}

/// The partitions of `topic`, waiting (until stopped) for the topic to exist.
fn wait_for_partitions(consumer: &BaseConsumer, topic: &str, stop: &AtomicBool, ui: Ui) -> anyhow::Result<Vec<i32>> {
    let mut told = false;
    loop {
        let metadata = consumer.fetch_metadata(Some(topic), BROKER_TIMEOUT).context("reading the topic's metadata")?;
        if let Some(t) = metadata.topics().iter().find(|t| t.name() == topic) {
            let mut ids: Vec<i32> = t.partitions().iter().map(|p| p.id()).collect();
            if !ids.is_empty() && t.error().is_none() {
                ids.sort_unstable();
                return Ok(ids);
            }
        }
        anyhow::ensure!(!stop.load(Ordering::SeqCst), "stopped before topic {topic} existed");
        if !told {
            ui.note(format_args!("waiting for topic {topic} to exist"));
            told = true;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Counts the records the broker refused (delivery reports arrive on the producer's thread).
#[derive(Default)]
struct Deliveries {
    failed: AtomicUsize,
    first_error: Mutex<Option<String>>,
}

impl ClientContext for Deliveries {}

impl ProducerContext for Deliveries {
    type DeliveryOpaque = ();
    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        if let Err((e, _)) = result {
            self.failed.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut first) = self.first_error.lock() {
                first.get_or_insert_with(|| e.to_string());
            }
        }
    }
}

/// Publishes articles to one topic, one JSON record per article (keyed by language, so a partitioned topic
/// keeps each language in order), waiting for the broker's acknowledgement of every record.
pub struct KafkaPublisher {
    producer: ThreadedProducer<Deliveries>,
    topic: String,
    brokers: String,
}

impl KafkaPublisher {
    pub fn new(brokers: &str, topic: &str) -> anyhow::Result<KafkaPublisher> {
        check_brokers(brokers)?;
        anyhow::ensure!(!topic.is_empty(), "empty topic name");
        let producer = client_config(brokers)
            .set("message.timeout.ms", "30000")
            .set("enable.idempotence", "false")
            .set("linger.ms", "5")
            // One record per batch: tansu 0.6 (the broker CI runs) serves a fetch from the batch whose base
            // offset is the one asked for, so a position inside a multi-record batch read nothing after it
            // (a real Kafka returns the batch holding the offset). Costs produce throughput, not correctness.
            .set("batch.num.messages", "1")
            .create_with_context(Deliveries::default())
            .context("creating the Kafka producer")?;
        Ok(KafkaPublisher { producer, topic: topic.to_string(), brokers: brokers.to_string() })
    }

    /// `brokers/topic` as `--publish-to` takes it (the topic is after the last `/`).
    pub fn from_spec(spec: &str) -> anyhow::Result<KafkaPublisher> {
        let (brokers, topic) =
            spec.rsplit_once('/').with_context(|| format!("--publish-to {spec}: expected HOST:PORT/TOPIC"))?;
        KafkaPublisher::new(brokers, topic)
    }

    /// Queue one article (waiting while the local queue is full).
    fn send(&self, article: &Article) -> anyhow::Result<()> {
        let payload = record(article)?;
        let key = article.language.as_deref().unwrap_or("und");
        let mut record = BaseRecord::to(&self.topic).payload(&payload).key(key);
        loop {
            match self.producer.send(record) {
                Ok(()) => return Ok(()),
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                    record = back;
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err((e, _)) => return Err(e).with_context(|| format!("publishing to {}", self.topic)),
            }
        }
    }

    /// Wait until every queued record is acknowledged; the number refused so far is an error.
    fn flush(&self) -> anyhow::Result<()> {
        self.producer
            .flush(BROKER_TIMEOUT)
            .with_context(|| format!("publishing to {} at {}", self.topic, self.brokers))?;
        let failed = self.producer.context().failed.swap(0, Ordering::SeqCst);
        if failed > 0 {
            let first = self.producer.context().first_error.lock().ok().and_then(|mut e| e.take()).unwrap_or_default();
            anyhow::bail!("{failed} records refused by {} ({first})", self.brokers);
        }
        Ok(())
    }
}

impl Publisher for KafkaPublisher {
    fn publish(&self, articles: &[Article]) -> Result<usize, String> {
        let all = || -> anyhow::Result<usize> {
            for a in articles {
                self.send(a)?;
            }
            self.flush()?;
            Ok(articles.len())
        };
        all().map_err(|e| format!("{e:#}"))
    }

    fn destination(&self) -> String {
        format!("topic {} at {}", self.topic, self.brokers)
    }
}

/// The JSON record of an article, as `ingest` and `consume` read them.
fn record(a: &Article) -> anyhow::Result<Vec<u8>> {
    let mut m = serde_json::Map::new();
    let mut put = |k: &str, v: Option<&str>| {
        if let Some(v) = v {
            m.insert(k.to_string(), serde_json::Value::String(v.to_string()));
        }
    };
    put("title", a.title.as_deref());
    put("text", Some(&a.text));
    put("url", a.url.as_deref());
    put("outlet", a.outlet.as_deref());
    put("author", a.author.as_deref());
    put("language", a.language.as_deref());
    put("source", Some(&a.source));
    if let Some(p) = &a.published {
        m.insert("published".into(), serde_json::to_value(p)?);
    }
    Ok(serde_json::to_vec(&m)?)
}

/// Create `topic` with `partitions` partitions unless it exists.
fn ensure_topic(brokers: &str, topic: &str, partitions: i32, ui: Ui) -> anyhow::Result<()> {
    let admin: AdminClient<DefaultClientContext> =
        client_config(brokers).create().context("creating the Kafka admin client")?;
    let metadata = admin.inner().fetch_metadata(Some(topic), BROKER_TIMEOUT).context("reading the topic's metadata")?;
    if metadata.topics().iter().any(|t| t.name() == topic && t.error().is_none() && !t.partitions().is_empty()) {
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting a runtime")?;
    let new = NewTopic::new(topic, partitions.max(1), TopicReplication::Fixed(1));
    let opts = AdminOptions::new().request_timeout(Some(BROKER_TIMEOUT));
    let results = runtime.block_on(admin.create_topics([&new], &opts)).context("creating the topic")?;
    for r in results {
        match r {
            Ok(_) => ui.note(format_args!("created topic {topic} ({} partitions)", partitions.max(1))),
            Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((name, code)) => anyhow::bail!("creating topic {name}: {code}"),
        }
    }
    Ok(())
}

/// `synoptic produce`: read the inputs as `ingest` does and publish one JSON record per article.
pub fn produce(args: &ProduceArgs, ui: Ui) -> anyhow::Result<u8> {
    check_brokers(&args.brokers)?;
    ensure_topic(&args.brokers, &args.topic, args.partitions, ui)?;
    let publisher = KafkaPublisher::new(&args.brokers, &args.topic)?;
    let mut published = 0usize;
    let summary = read_inputs(&args.input.paths, args.input.max_bytes, ui, |articles| {
        for a in &articles {
            publisher.send(a)?;
        }
        published += articles.len();
        Ok(())
    })?;
    publisher.flush()?;
    let mut out = ui::stdout();
    writeln!(out, "published {published} articles to {}", publisher.destination())?;
    out.flush()?;
    ui.note(summary.line());
    Ok(summary.exit_code())
}
