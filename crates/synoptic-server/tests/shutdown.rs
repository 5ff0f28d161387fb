//! Graceful shutdown loses no acknowledged write: clients keep posting articles over loopback while the
//! server is told to stop; every article the server answered 201 for is in the store afterwards.

mod common;

use std::sync::mpsc;

use common::{TOKEN, TempStore};
use synoptic_server::{Limits, serve_on};

fn record(n: usize) -> String {
    let places = ["Marlow Creek", "Ostend Vale", "Pinecrest", "Quarry Hill"];
    let place = places[n % places.len()];
    serde_json::json!({
        "title": format!("{place} reopens footbridge number {n} after repairs"),
        "outlet": format!("Shutdown Test Post {}", n % 3),
        "published": "2025-06-02T08:00:00+00:00",
        "text": format!(
            "The footbridge number {n} in {place} reopened on Monday after four months of repairs, the council \
             said.\n\nEngineers replaced {} rusted beams and resurfaced the deck, and the bridge now has lighting \
             for the first time.\n\nLocal shops said trade had fallen while the crossing was closed.", 10 + n
        ),
    })
    .to_string()
}

#[test]
fn acknowledged_writes_survive_shutdown() {
    let store = TempStore::new("shutdown");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}/api/articles", listener.local_addr().unwrap());
    let state = store.state(Some(TOKEN), Limits::default());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(serve_on(listener, state, async {
        let _ = stopped.await;
    }));

    let (acks, acked) = mpsc::channel::<String>();
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (url, acks) = (url.clone(), acks.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
                for i in 0..6 {
                    let body = record(c * 100 + i);
                    let res = agent
                        .post(&url)
                        .header("Authorization", format!("Bearer {TOKEN}"))
                        .header("Content-Type", "application/json")
                        .send(body.as_str());
                    let Ok(mut res) = res else { continue };
                    if res.status().as_u16() != 201 {
                        continue;
                    }
                    let v: serde_json::Value = serde_json::from_str(&res.body_mut().read_to_string().unwrap()).unwrap();
                    let _ = acks.send(v["articles"][0]["id"].as_str().unwrap().to_string());
                }
            })
        })
        .collect();
    drop(acks);

    // Stop the server once some writes were acknowledged, while others are in flight.
    let mut ids: Vec<String> = acked.iter().take(4).collect();
    let _ = stop.send(());
    ids.extend(acked.iter());
    for c in clients {
        c.join().unwrap();
    }
    rt.block_on(server).unwrap().unwrap();
    drop(rt);

    assert!(ids.len() >= 4);
    let db = synoptic_store::Store::open(&store.dir).unwrap();
    for id in &ids {
        let a = db.article(id).unwrap();
        assert!(a.is_some_and(|a| a.article.event.is_some()), "acknowledged article {id} lost");
    }
}
