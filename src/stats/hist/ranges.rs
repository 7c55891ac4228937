//! Per-bucket ranges in a partial result: an empty one (+MAX, 0) as
//! `null`, so that a bucket a sampled histogram saw no extremes in costs
//! four characters, not forty; `[+MAX, 0]` is read as well.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const EMPTY: [f64; 2] = [f64::MAX, 0.0];

pub(super) fn serialize<S: Serializer>(
    range: &Option<Vec<[f64; 2]>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    range
        .as_ref()
        .map(|r| {
            r.iter()
                .map(|x| (*x != EMPTY).then_some(*x))
                .collect::<Vec<_>>()
        })
        .serialize(s)
}

pub(super) fn deserialize<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<[f64; 2]>>, D::Error> {
    let raw: Option<Vec<Option<[f64; 2]>>> = Deserialize::deserialize(d)?;
    Ok(raw.map(|r| r.into_iter().map(|x| x.unwrap_or(EMPTY)).collect()))
}
