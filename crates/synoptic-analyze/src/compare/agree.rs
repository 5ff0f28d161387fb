//! Agreements (statements two or more independent origins make) and single-source details (statements
//! only one origin makes), from sentence statements aligned across an event's articles, plus clauses of
//! shared sentences that add a detail (a figure, a name) no other origin gives.

use synoptic_model::{Agreement, SingleSource};

use super::claims::{self, Citations, Units};
use super::facts::Facts;
use crate::EventMember;

/// Fewest distinct content words a statement needs to be listed as an agreement.
const MIN_AGREEMENT_WORDS: usize = 3;

/// Agreements and single-source details of an event; members are in event order, `origins[m]` is member
/// m's origin index.
pub(crate) fn agreements_and_details(
    units: &Units,
    citations: &Citations,
    members: &[EventMember<'_>],
    facts: &[Facts],
    origins: &[usize],
) -> (Vec<Agreement>, Vec<SingleSource>) {
    let n = units.units.len();
    let id = |m: usize| members[m].article.id.clone();
    let support: Vec<Vec<usize>> = (0..n).map(|u| units.support(u)).collect();
    let counts: Vec<usize> = support.iter().map(|s| claims::origin_count(s, origins)).collect();
    // Agreements cite only the articles whose text supports the statement ([`Citations`]).
    let cited: Vec<Vec<usize>> =
        (0..n).map(|u| if counts[u] >= 2 { citations.cited(units, u) } else { support[u].clone() }).collect();
    let cited_counts: Vec<usize> = cited.iter().map(|s| claims::origin_count(s, origins)).collect();
    let centrality: Vec<f64> = (0..n)
        .map(|u| {
            let best = units.best_per_member(u);
            best.iter().enumerate().filter(|(m, _)| *m != units.units[u].member).map(|(_, s)| s).sum()
        })
        .collect();

    // Agreements: greedy cover, most widely supported and most central first.
    let mut order: Vec<usize> =
        (0..n).filter(|&u| cited_counts[u] >= 2 && units.units[u].words >= MIN_AGREEMENT_WORDS).collect();
    order.sort_by(|&a, &b| {
        cited_counts[b].cmp(&cited_counts[a]).then(centrality[b].total_cmp(&centrality[a])).then(a.cmp(&b))
    });
    let mut covered = vec![false; n];
    let mut agreements = Vec::new();
    for u in order {
        if covered[u] {
            continue;
        }
        covered[u] = true;
        for &v in units.same_as(u) {
            covered[v as usize] = true;
        }
        agreements
            .push(Agreement { text: units.units[u].text.clone(), articles: cited[u].iter().map(|&m| id(m)).collect() });
    }

    // Single-source details: statements only one origin gives, in any wording, ranked.
    let details = super::single::details(units, members, facts, origins, &covered, &support, &counts);
    (agreements, details)
}
