//! Agreements (statements two or more independent origins make) and single-source details (statements
//! only one origin makes), from clause-level statements aligned across an event's articles.

use synoptic_model::{Agreement, SingleSource, Span};

use super::claims::{self, SAME, Units};

/// Fewest distinct content words a statement needs to be listed as an agreement.
const MIN_AGREEMENT_WORDS: usize = 3;
/// Fewest distinct content words a single-source detail needs (drops sign-offs and fragments).
const MIN_DETAIL_WORDS: usize = 4;

/// Agreements and single-source details of an event. `ids[m]` is member m's article id, `origins[m]` its
/// origin index; members are in event order.
pub(crate) fn agreements_and_details(
    units: &Units,
    ids: &[&str],
    origins: &[usize],
    texts: &[&str],
) -> (Vec<Agreement>, Vec<SingleSource>) {
    let n = units.units.len();
    let support: Vec<Vec<usize>> = (0..n).map(|u| units.support(u)).collect();
    let counts: Vec<usize> = support.iter().map(|s| claims::origin_count(s, origins)).collect();
    let centrality: Vec<f64> = (0..n)
        .map(|u| {
            let best = units.best_per_member(u);
            best.iter().enumerate().filter(|(m, _)| *m != units.units[u].member).map(|(_, s)| s).sum()
        })
        .collect();

    // Agreements: greedy cover, most widely supported and most central first.
    let mut order: Vec<usize> =
        (0..n).filter(|&u| counts[u] >= 2 && units.units[u].words >= MIN_AGREEMENT_WORDS).collect();
    order.sort_by(|&a, &b| {
        counts[b].cmp(&counts[a]).then(centrality[b].total_cmp(&centrality[a])).then(a.cmp(&b))
    });
    let mut covered = vec![false; n];
    let mut agreements = Vec::new();
    for u in order {
        if covered[u] {
            continue;
        }
        covered[u] = true;
        for v in 0..n {
            if units.units[v].member != units.units[u].member && units.sim(u, v) >= SAME {
                covered[v] = true;
            }
        }
        agreements.push(Agreement {
            text: shown(&units.units[u].text, units.units[u].starts_sentence),
            articles: support[u].iter().map(|&m| ids[m].to_string()).collect(),
        });
    }

    // Single-source details: whole sentences when every clause of the sentence is single-source.
    let mut details = Vec::new();
    let mut u = 0;
    while u < n {
        let (member, sentence) = (units.units[u].member, units.units[u].sentence);
        let mut end = u;
        while end < n && units.units[end].member == member && units.units[end].sentence == sentence {
            end += 1;
        }
        let single = |v: usize| counts[v] == 1 && !covered[v] && support[v].first() == Some(&member);
        if (u..end).all(single) && (u..end).map(|v| units.units[v].words).sum::<usize>() >= MIN_DETAIL_WORDS {
            let span = Span::new(units.units[u].span.start, units.units[end - 1].span.end);
            let whole = synoptic_model::text::matching_form(super::text::strip_dateline(span.slice(texts[member])));
            details.push(SingleSource { text: whole, article: ids[member].to_string() });
        } else {
            for v in u..end {
                if single(v) && units.units[v].words >= MIN_DETAIL_WORDS {
                    details.push(SingleSource {
                        text: shown(&units.units[v].text, units.units[v].starts_sentence),
                        article: ids[member].to_string(),
                    });
                }
            }
        }
        u = end;
    }
    (agreements, details)
}

/// A clause as shown on its own: marked with an ellipsis when it does not start its sentence.
fn shown(text: &str, starts_sentence: bool) -> String {
    if starts_sentence { text.to_string() } else { format!("\u{2026} {text}") }
}
